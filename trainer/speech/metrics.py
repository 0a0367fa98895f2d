"""Delivery metrics from word timings: pace, fillers, pauses."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from trainer.checklist.text import FILLERS, normalize
from trainer.speech.transcript import Transcript

PAUSE_SECONDS = 2.0
# "like" is a verb or a preposition after these ("I like", "would like", "sounds like", "things like").
_LIKE_BEFORE = frozenset(
    """i you we they he she id youd wed theyd would do does did dont didnt really also to not
    feel feels felt look looks looked sound sounds sounded seem seems seemed something anything
    nothing things stuff exactly just more much most people someone somebody that""".split()
)
# "you know" is a real verb phrase before these ("you know the team", "you know what I did").
_KNOW_AFTER = frozenset("the that what how who about him her them it this my your".split())


@dataclass(frozen=True)
class Filler:
    text: str
    at: float | None  # seconds, when timings are known


@dataclass
class Metrics:
    words: int
    duration_s: float | None  # first word to last word
    words_per_minute: float | None
    fillers: list[Filler] = field(default_factory=list)
    fillers_per_minute: float | None = None
    pauses: list[tuple[float, float]] = field(default_factory=list)  # (start, length) over PAUSE_SECONDS
    longest_pause_s: float | None = None
    time_to_first_word_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["filler_count"] = len(self.fillers)
        return d


def find_fillers(words: list[str]) -> list[int]:
    """Indices of filler words ("you know" is reported at "you")."""
    out = []
    for i, w in enumerate(words):
        prev = words[i - 1] if i else ""
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w in FILLERS:
            out.append(i)
        elif w == "like" and prev not in _LIKE_BEFORE and nxt != "to":
            out.append(i)
        elif w == "you" and nxt == "know" and (words[i + 2] if i + 2 < len(words) else "") not in _KNOW_AFTER:
            out.append(i)
    return out


def measure_turns(turns: list[tuple[float, Transcript]]) -> Metrics:
    """Metrics of a session's turns: speaking time and pauses within turns only (the
    interviewer's lines between them are not the candidate's pauses); times on the session clock."""
    parts = [(at, measure(t), t) for at, t in turns]
    timed = [(at, m, t) for at, m, t in parts if m.duration_s is not None]
    fillers = [Filler(f.text, None if f.at is None else f.at + at) for at, m, _ in parts for f in m.fillers]
    words = sum(m.words for _, m, _ in parts)
    if not timed:
        return Metrics(words=words, duration_s=None, words_per_minute=None, fillers=fillers)
    duration = sum(m.duration_s or 0.0 for _, m, _ in timed)
    timed_words = sum(m.words for _, m, _ in timed)
    return Metrics(
        words=words,
        duration_s=round(duration, 2),
        words_per_minute=round(timed_words / duration * 60, 1) if duration else None,
        fillers=fillers,
        fillers_per_minute=round(len(fillers) / duration * 60, 2) if duration else None,
        pauses=[(round(s + at, 2), g) for at, m, _ in timed for s, g in m.pauses],
        longest_pause_s=max((m.longest_pause_s or 0.0) for _, m, _ in timed),
        time_to_first_word_s=timed[0][1].time_to_first_word_s,
    )


def measure(transcript: Transcript) -> Metrics:
    if transcript.words:
        words = [w.text.lower() for w in transcript.words]
        times: list[float | None] = [w.start for w in transcript.words]
    else:
        words = [t.text for t in normalize(transcript.text).tokens]
        times = [None] * len(words)
    fillers = [Filler("you know" if words[i] == "you" else words[i], times[i]) for i in find_fillers(words)]
    m = Metrics(words=len(words), duration_s=None, words_per_minute=None, fillers=fillers)
    if not transcript.words:
        return m
    ws = transcript.words
    duration = ws[-1].end - ws[0].start
    m.duration_s = round(duration, 2)
    if duration > 0:
        m.words_per_minute = round(len(ws) / duration * 60, 1)
        m.fillers_per_minute = round(len(fillers) / duration * 60, 2)
    gaps = [(a.end, b.start - a.end) for a, b in zip(ws, ws[1:])]
    m.pauses = [(round(s, 2), round(g, 2)) for s, g in gaps if g > PAUSE_SECONDS]
    m.longest_pause_s = round(max((g for _, g in gaps), default=0.0), 2)
    m.time_to_first_word_s = round(ws[0].start, 2)
    return m
