"""From sound to transcript: choose an engine, recognize a file or a live turn, keep the recording."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from trainer import paths
from trainer.speech.audio import Audio
from trainer.speech.engines import Choice, Engine, EngineOptions, choose, create

log = logging.getLogger("trainer.speech.recognize")


@dataclass(frozen=True)
class EngineRequest:
    """What the user asked for with --engine and --model."""

    name: str = "auto"
    model: Path | None = None
    hints: tuple[str, ...] = ()

    @property
    def options(self) -> EngineOptions:
        return EngineOptions(model=self.model, hints=self.hints)


@dataclass
class Recognizer:
    choice: Choice
    engine: Engine


def open_recognizer(request: EngineRequest) -> Recognizer:
    choice = choose(request.name, request.options)
    return Recognizer(choice, create(choice.name, request.options))


def new_recording_path(label: str = "turn") -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return paths.recordings_dir() / f"{stamp}-{label}.wav"


def keep_recording(audio: Audio, label: str = "turn") -> Path:
    """Save a turn's audio so it can be replayed later."""
    return paths.write_private(new_recording_path(label), audio.to_wav_bytes())
