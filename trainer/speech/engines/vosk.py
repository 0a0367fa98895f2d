"""vosk: the primary engine. Streaming partial results, word timings and confidences."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from trainer.errors import ModelError
from trainer.speech import models
from trainer.speech.audio import RATE
from trainer.speech.engines.base import Engine, EngineOptions, Stream
from trainer.speech.transcript import Transcript, Word

_MODELS: dict[Path, object] = {}  # one loaded model per folder, shared by recognizers
_LOCK = threading.Lock()


def model_path(options: EngineOptions) -> Path | None:
    return options.model or models.default_vosk_model()


def unavailable(options: EngineOptions) -> str | None:
    try:
        import vosk  # noqa: F401
    except ImportError as exc:
        return f"vosk is not installed ({exc}); run `pip install vosk`"
    return models.folder_problem(model_path(options), "vosk", "vosk model", "trainer models download")


def _load(path: Path):  # type: ignore[no-untyped-def]
    import vosk

    with _LOCK:
        if path not in _MODELS:
            vosk.SetLogLevel(-1)
            try:
                _MODELS[path] = vosk.Model(str(path))
            except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
                raise ModelError(
                    f"{path}: vosk could not load this model ({exc}); reinstall it with `trainer models download`"
                ) from None
        return _MODELS[path]


class VoskStream(Stream):
    def __init__(self, model) -> None:  # type: ignore[no-untyped-def]
        import vosk

        self._rec = vosk.KaldiRecognizer(model, RATE)
        self._rec.SetWords(True)
        self._rec.SetPartialWords(True)
        self._words: list[Word] = []

    def _take(self, result: str) -> None:
        for w in json.loads(result).get("result", []):
            self._words.append(Word(w["word"], float(w["start"]), float(w["end"]), round(float(w.get("conf", 1.0)), 3)))

    def accept(self, pcm: bytes) -> str:
        if self._rec.AcceptWaveform(bytes(pcm)):
            self._take(self._rec.Result())
            partial = ""
        else:
            partial = json.loads(self._rec.PartialResult()).get("partial", "")
        return " ".join([w.text for w in self._words] + ([partial] if partial else []))

    def finish(self) -> Transcript:
        self._take(self._rec.FinalResult())
        return Transcript.from_words(self._words, engine="vosk")


class VoskEngine(Engine):
    name = "vosk"

    def __init__(self, options: EngineOptions) -> None:
        path = model_path(options)
        if path is None:
            raise ModelError("no vosk model is installed; run `trainer models download`")
        self.model_path = path
        self._model = _load(path)

    def stream(self) -> Stream:
        return VoskStream(self._model)


def create(options: EngineOptions) -> Engine:
    return VoskEngine(options)
