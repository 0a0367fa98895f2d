"""The transcript value type: what was said, with word timings when a recognizer gives them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    text: str
    start: float  # seconds from the start of the turn
    end: float
    confidence: float | None = None


@dataclass
class Transcript:
    """Text, and the recognized words behind it when there are timings."""

    text: str
    words: list[Word] = field(default_factory=list)
    engine: str | None = None
    duration: float | None = None  # seconds of audio the text came from

    @classmethod
    def from_words(cls, words: list[Word], engine: str | None = None, duration: float | None = None) -> Transcript:
        return cls(" ".join(w.text for w in words), list(words), engine, duration)

    def _spans(self) -> list[tuple[int, int]]:
        spans, pos = [], 0
        for w in self.words:
            start = self.text.find(w.text, pos)
            if start < 0:
                start = pos
            spans.append((start, start + len(w.text)))
            pos = start + len(w.text)
        return spans

    def times(self, start: int, end: int) -> tuple[float, float] | None:
        """Start and end seconds of the words covering characters [start, end)."""
        hit = [w for w, (s, e) in zip(self.words, self._spans()) if s < end and e > start]
        if not hit:
            return None
        return hit[0].start, hit[-1].end

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "engine": self.engine,
            "duration": self.duration,
            "words": [
                {"word": w.text, "start": round(w.start, 3), "end": round(w.end, 3), "confidence": w.confidence}
                for w in self.words
            ],
        }
