"""The one recognizer interface every engine implements."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

from trainer.speech.audio import Audio, dither
from trainer.speech.transcript import Transcript, Word

log = logging.getLogger("trainer.speech.engines")


@dataclass(frozen=True)
class EngineOptions:
    model: Path | None = None  # a model folder; None: the engine's default or installed model
    hints: tuple[str, ...] = field(default_factory=tuple)  # words the speaker is likely to say


class Stream(ABC):
    """One utterance being recognized as audio arrives."""

    # True when guess() gives the turn's text at a pause: until it does, the partial text (from a
    # weaker companion engine) is not enough to end the turn on.
    guesses = False

    @abstractmethod
    def accept(self, pcm: bytes) -> str:
        """Feed 16 kHz mono 16-bit PCM; returns the partial text so far."""

    @abstractmethod
    def finish(self) -> Transcript:
        """Flush and return the final transcript with word timings (seconds from the stream start)."""

    def guess(self) -> str | None:
        """The best text of the turn so far, if better than the partial (a finished decode made
        while the speaker pauses); None when there is none."""
        return None


class Engine(ABC):
    name: str = ""

    @abstractmethod
    def stream(self) -> Stream:
        """A new streaming session."""

    def hesitant_words(self, audio: Audio) -> list[Word]:
        """A second listen to `audio` that writes hesitations ("um", "uh") down, for an engine whose
        transcript leaves them out (Whisper); nothing for engines that keep them themselves."""
        return []

    def transcribe(self, audio: Audio, chunk_seconds: float = 0.2) -> Transcript:
        s = self.stream()
        for chunk in audio.chunks(chunk_seconds):
            s.accept(dither(chunk))
        result = s.finish()
        result.duration = audio.duration
        return result
