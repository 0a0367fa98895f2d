"""The recognizer engines behind one interface, chosen by name or automatically.

Each engine is a module with `unavailable(options) -> str | None` and `create(options)`; its
library is imported only when the engine is used.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from trainer.errors import EngineError, InputError
from trainer.speech.engines.base import Engine, EngineOptions, Stream

__all__ = ["Choice", "Engine", "EngineOptions", "Stream", "choose", "create", "names"]


@dataclass(frozen=True)
class EngineSpec:
    name: str
    module: str
    summary: str


_SPECS = (
    EngineSpec(
        "whisper",
        "trainer.speech.engines.whisper",
        "most accurate; decoded per utterance; needs faster-whisper and a model",
    ),
    EngineSpec("vosk", "trainer.speech.engines.vosk", "streaming Kaldi recognizer; needs a downloaded model"),
    EngineSpec("pocketsphinx", "trainer.speech.engines.pocketsphinx", "embedded; ships its English model"),
)
ENGINES = {s.name: s for s in _SPECS}
# `auto` takes the first usable engine in this order, most accurate first (BENCHMARKS.md): Whisper
# tiny.en publishes about 5.6% WER on LibriSpeech test-clean and measured 3-4% on natural-voice
# closes here; vosk's small English model publishes 9.85%; pocketsphinx's bundled model measured
# 23-27% here, but needs no download, so it is the fallback that always works.
AUTO_ORDER = ("whisper", "vosk", "pocketsphinx")


@dataclass(frozen=True)
class Choice:
    name: str
    reason: str


def names() -> list[str]:
    return ["auto", *ENGINES]


def _module(name: str) -> ModuleType:
    return importlib.import_module(ENGINES[name].module)


def unavailable(name: str, options: EngineOptions) -> str | None:
    return _module(name).unavailable(options)  # type: ignore[no-any-return]


def choose(name: str, options: EngineOptions) -> Choice:
    """Which engine to use, and why (shown to the user)."""
    if name != "auto":
        if name not in ENGINES:
            raise InputError(f"--engine {name}: unknown engine; expected one of {', '.join(names())}")
        problem = unavailable(name, options)
        if problem:
            raise EngineError(f"--engine {name}: {problem}")
        return Choice(name, "chosen with --engine")
    skipped: list[str] = []
    for candidate in AUTO_ORDER:
        problem = unavailable(candidate, options)
        if problem is None:
            why = "the first usable engine" + (f" ({'; '.join(skipped)})" if skipped else "")
            return Choice(candidate, why)
        skipped.append(f"{candidate}: {problem}")
    raise EngineError("no recognizer is usable: " + "; ".join(skipped))


def create(name: str, options: EngineOptions) -> Engine:
    return _module(name).create(options)  # type: ignore[no-any-return]
