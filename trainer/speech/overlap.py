"""Talking over the interviewer: what the microphone heard while the interviewer's line played.

Through speakers the microphone hears the interviewer too (an echo), so what was heard during the
line is recognized and compared with the line: words the line does not explain are the
candidate's, and then that audio opens the candidate's turn; the echo's words are taken out of
the turn's transcript. With headphones there is no echo and anything heard is the candidate's.
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.checklist.concepts import STOPWORDS
from trainer.checklist.match import similarity
from trainer.checklist.text import normalize
from trainer.speech.audio import Audio
from trainer.speech.engines import Engine
from trainer.speech.listen import SpeechDetector
from trainer.speech.transcript import Transcript

ECHO_SIMILARITY = 0.8  # a heard word this close to a word of the line is the line's echo
MIN_CONFIDENCE = 0.8  # measured: the echo's misheard words came at 0.04-0.7, clear words at 0.9+
MIN_OWN_WORDS = 2  # content words of their own; fewer: a cough, a misheard echo ("we are and if")


def _words(text: str) -> list[str]:
    return [t.text for t in normalize(text).words]


def _is_echo(word: str, line_words: list[str]) -> bool:
    return any(similarity(word, w) >= ECHO_SIMILARITY for w in line_words)


@dataclass(frozen=True)
class Overlap:
    blocks: list[bytes]  # the audio to open the turn with (empty: nothing of the candidate's)
    own_words: list[str]


def check(blocks: list[bytes], line: str | None, engine: Engine) -> Overlap:
    """Did the candidate speak while `line` played? Only sound well above the room is looked at."""
    detector = SpeechDetector()
    if not blocks or not any(detector.update(b) for b in blocks):
        return Overlap([], [])
    heard = engine.transcribe(Audio(b"".join(blocks)))
    line_words = _words(line or "")
    # Only words heard with confidence: a part of the line misheard comes out as unsure words
    # ("everything" at 0.04 for "anything"), and must not become the candidate's.
    sure = " ".join(w.text for w in heard.words if w.confidence is None or w.confidence >= MIN_CONFIDENCE)
    own = [w for w in _words(sure) if w not in STOPWORDS and not _is_echo(w, line_words)]
    return Overlap(blocks if len(own) >= MIN_OWN_WORDS else [], own)


def drop_echo(transcript: Transcript, line: str | None, until_s: float) -> Transcript:
    """The turn without the line's own words in its first `until_s` seconds (the overlap)."""
    line_words = _words(line or "")
    if not transcript.words or not line_words:
        return transcript
    kept = [
        w
        for w in transcript.words
        if w.start >= until_s or not all(_is_echo(t, line_words) for t in _words(w.text) or [w.text])
    ]
    return Transcript.from_words(kept, transcript.engine, transcript.duration)
