"""The transcript value type: what was said, with word timings when a recognizer gives them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    text: str
    start: float  # seconds from the start of the turn
    end: float
    confidence: float | None = None
    # The punctuation the recognizer wrote after the word ("?", ".", ","; Whisper writes it): how a
    # sentence ended tells whether the speaker has finished. The transcript's text leaves it out.
    mark: str = ""


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


MAX_TRANSCRIPT_BYTES = 2 * 1024 * 1024


def _word(w: dict[str, object]) -> Word:
    """One timed word from JSON, refusing NaN, negative or reversed times and odd confidences."""
    import math

    start, end = float(w["start"]), float(w["end"])  # type: ignore[arg-type]
    if not (math.isfinite(start) and math.isfinite(end)) or start < 0 or end < start:
        raise ValueError("bad times")
    conf = w.get("confidence")
    if conf is not None and not (isinstance(conf, int | float) and math.isfinite(conf)):
        raise ValueError("bad confidence")
    return Word(str(w["word"]), start, end, float(conf) if conf is not None else None)


def read(source: str, stdin_text: str | None = None) -> Transcript:
    """A transcript from a file (plain text, or JSON as `trainer transcribe --json` writes) or '-' (stdin)."""
    import json
    import sys
    from pathlib import Path

    from trainer.errors import TranscriptError

    if source == "-":
        raw = stdin_text if stdin_text is not None else sys.stdin.read()
        name = "<stdin>"
    else:
        path = Path(source)
        name = source
        try:
            size = path.stat().st_size
            if size > MAX_TRANSCRIPT_BYTES:
                raise TranscriptError(
                    f"{name}: is {size // 1024} KB; a transcript is at most {MAX_TRANSCRIPT_BYTES // 1024} KB (an hour of speech is about 60 KB)"
                )
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise TranscriptError(f"{name}: no such file; give a text file or '-' for stdin") from None
        except IsADirectoryError:
            raise TranscriptError(f"{name}: is a folder; give a text file or '-' for stdin") from None
        except UnicodeDecodeError:
            raise TranscriptError(f"{name}: not UTF-8 text; a transcript is a plain text or JSON file") from None
        except OSError as exc:
            raise TranscriptError(f"{name}: cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_TRANSCRIPT_BYTES:
        raise TranscriptError(
            f"{name}: more than {MAX_TRANSCRIPT_BYTES // 1024} KB; a transcript is the close, not a book"
        )
    if raw.lstrip().startswith("{"):
        try:
            doc = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise TranscriptError(f"{name}: not valid JSON (line {exc.lineno}): {exc.msg}") from None
        doc = doc.get("transcript", doc) if isinstance(doc, dict) else doc
        if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
            raise TranscriptError(f'{name}: text: expected a JSON object with a "text" string')
        try:
            words = [_word(w) for w in doc.get("words") or []]
            if any(b.start < a.start for a, b in zip(words, words[1:])):
                raise ValueError("unsorted")
        except (KeyError, TypeError, ValueError, AttributeError):
            raise TranscriptError(
                f'{name}: words: expected a list of {{"word", "start", "end"}} objects with finite, '
                "non-negative, increasing times in seconds"
            ) from None
        transcript = Transcript(doc["text"], words, doc.get("engine"), doc.get("duration"))
    else:
        transcript = Transcript(raw.strip())
    if not transcript.text.strip():
        raise TranscriptError(f"{name}: the transcript is empty; write what you said in the close")
    return transcript
