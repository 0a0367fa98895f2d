"""Hesitations ("um", "uh") heard in a second listen, for the delivery report.

Whisper leaves hesitations out of its transcript: it was trained on cleaned-up captions. Given a
prompt that is itself full of them, it writes them down, but that prompt costs words elsewhere
(measured: WER 13.3% -> 16.1% on sentences without fillers). So the words come from the usual
decode and only the hesitations from a second, disfluent-prompted decode of the same audio,
added where the first has no word. The second listen runs off the critical path: in a session,
while the interviewer speaks (`Hesitations`); for a recording, after it is recognized.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from difflib import SequenceMatcher

from trainer.checklist.text import FILLERS
from trainer.priority import yield_cpu
from trainer.speech.audio import Audio
from trainer.speech.engines.base import Engine
from trainer.speech.transcript import Transcript, Word

log = logging.getLogger("trainer.speech.fillers")


def _key(w: Word) -> str:
    return w.text.lower().strip(".,!?;:'\"-")


def add(transcript: Transcript, second: list[Word]) -> Transcript:
    """The transcript with the hesitations of a second listen (`second`, all its words) added where
    the first has none. The two decodes are aligned by their words, not their times: Whisper
    stretches a word's timing over the hesitation next to it."""
    words = list(transcript.words)
    if not words or not any(w.text in FILLERS for w in second):
        return transcript
    a, b = [_key(w) for w in words], [_key(w) for w in second]
    added: list[tuple[int, Word]] = []  # (insert before this word of the first decode, hesitation)
    swapped: dict[int, Word] = {}  # first decode's word -> the hesitation heard in its place
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            # Word for word, a hesitation where the first decode has a word: that word was the
            # hesitation misheard ("so i'm for" / "so um for"). Whisper's clean decode writes a
            # hesitation as the nearest word; the disfluent one, primed for them, hears it as one.
            for k in range(i2 - i1):
                if b[j1 + k] in FILLERS and a[i1 + k] not in FILLERS:
                    old, new = words[i1 + k], second[j1 + k]
                    swapped[i1 + k] = Word(new.text, old.start, old.end, new.confidence)
            continue
        have = sum(1 for k in range(i1, i2) if a[k] in FILLERS)
        # In a stretch the two heard differently, a hesitation goes after as many of the first
        # decode's words as the second heard before it.
        spots = [(j, sum(1 for x in b[j1:j] if x not in FILLERS)) for j in range(j1, j2) if b[j] in FILLERS]
        added += [(i1 + min(before, i2 - i1), second[j]) for j, before in spots[have:]]
    if not added and not swapped:
        return transcript
    heard: list[Word | None] = [swapped.get(i, w) for i, w in enumerate(words)] + [None]
    merged: list[Word] = []
    for i, w in enumerate(heard):
        for k, f in added:
            if k == i:  # placed between its neighbours, whatever the two decodes' clocks say
                lo = merged[-1].end if merged else f.start
                hi = w.start if w is not None else max(f.end, lo)
                at = min(max(f.start, lo), max(lo, hi))
                merged.append(Word(f.text, at, at, f.confidence))
        if w is not None:
            merged.append(w)
    return Transcript.from_words(merged, engine=transcript.engine, duration=transcript.duration)


def with_hesitations(engine: Engine, transcript: Transcript, audio: Audio | None) -> Transcript:
    """`transcript` with the hesitations a second listen to `audio` finds (unchanged when the
    engine keeps hesitations itself, or the second listen fails: it is only for the report)."""
    if audio is None or not transcript.words:
        return transcript
    try:
        began = time.monotonic()
        second = engine.hesitant_words(audio)
        log.debug("listened again to %.1f s for hesitations in %.2f s", audio.duration, time.monotonic() - began)
        return add(transcript, second)
    except Exception as exc:  # a broken second listen must never lose the turn
        log.warning("listening again for hesitations failed (%s: %s)", type(exc).__name__, exc)
        return transcript


class Hesitations:
    """Second listens of a session's turns, one at a time in the background, each started when
    its turn ends (while the interviewer answers)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hesitations", initializer=yield_cpu)

    def submit(self, transcript: Transcript, audio: Audio | None) -> Future[Transcript]:
        return self._pool.submit(with_hesitations, self._engine, transcript, audio)
