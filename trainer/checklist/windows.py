"""Stretches of a close that the judge embeds: what one intent or one skill can live in.

Three scales. Long windows hold a whole intent ("is there anything in my background that gives you
pause?"): the sentences of punctuated text, or overlapping 12-word windows of a recognizer's
unpunctuated text (and of very long sentences). Mid windows (8 words, step 4) catch an intent
buried in a long run-on sentence, with its subject ("I'll follow up" is not "follow up?"). Short
windows hold one skill or requirement from a list ("six years of React", "I run WCAG audits"):
6 words, step 3.
Windows are the normalized words (lower case, numbers spelled out, no fillers), so written and
recognized text look alike to the model.
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.checklist import phrases
from trainer.checklist.context import Context

LONG, LONG_STEP = 12, 4
SHORT, SHORT_STEP = 6, 3
MID, MID_STEP = 8, 4
MAX_SENTENCE = 24  # a longer sentence is also cut into long windows

_LACK = frozenset("havent hasnt never not dont didnt cant lack lacking without no learn learning course".split())


@dataclass(frozen=True)
class Window:
    start: int  # word indices into Context.words, end exclusive
    end: int
    text: str
    question: bool  # part of a question
    claim: bool  # a first-person statement, not a question
    lack: bool  # says something is missing or still to learn


def _slide(lo: int, hi: int, size: int, step: int) -> list[tuple[int, int]]:
    if hi - lo <= size:
        return [(lo, hi)]
    spans = [(s, s + size) for s in range(lo, hi - size + 1, step)]
    if spans[-1][1] < hi:
        spans.append((hi - size, hi))
    return spans


LACK_REACH = 4  # "I haven't done month-end close": the cue may come just before the window


def _make(ctx: Context, start: int, end: int) -> Window:
    words = ctx.words[start:end]
    question = any(ctx.is_question(i) for i in range(start, end))
    first = any(w in phrases.FIRST_PERSON for w in words)
    before = ctx.window(start, start, LACK_REACH, 0)
    lack = bool(_LACK.intersection(words) or _LACK.intersection(before))
    return Window(start, end, " ".join(words), question, first and not question, lack)


def long_windows(ctx: Context) -> list[Window]:
    n = len(ctx.words)
    if not n:
        return []
    spans: set[tuple[int, int]] = set()
    if ctx.text.punctuated:
        lo = 0
        for i in range(1, n + 1):
            if i == n or ctx.sentence_of(i) != ctx.sentence_of(lo):
                spans.add((lo, i))
                if i - lo > MAX_SENTENCE:
                    spans.update(_slide(lo, i, LONG, LONG_STEP))
                lo = i
    else:
        spans.update(_slide(0, n, LONG, LONG_STEP))
    return [_make(ctx, a, b) for a, b in sorted(spans)]


def short_windows(ctx: Context) -> list[Window]:
    return [_make(ctx, a, b) for a, b in _slide(0, len(ctx.words), SHORT, SHORT_STEP)]


def mid_windows(ctx: Context) -> list[Window]:
    return [_make(ctx, a, b) for a, b in _slide(0, len(ctx.words), MID, MID_STEP)]
