"""What every checklist detector needs: normalized words, question context, evidence spans."""

from __future__ import annotations

from functools import cached_property

from trainer.checklist import phrases
from trainer.checklist.match import Hit, compile_all, find_any
from trainer.checklist.result import Evidence
from trainer.checklist.text import Text, Token, normalize
from trainer.speech.transcript import Transcript

_OPENERS = compile_all(phrases.QUESTION_OPENERS)
QUESTION_REACH = 14  # words a question opener governs in unpunctuated speech


class Context:
    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript
        self.text: Text = normalize(transcript.text)
        self.tokens: list[Token] = self.text.words
        self.words: list[str] = [t.text for t in self.tokens]

    @cached_property
    def _opener_starts(self) -> list[int]:
        return sorted({h.start for h in find_any(self.words, _OPENERS)})

    def sentence_of(self, i: int) -> int:
        return self.tokens[min(i, len(self.tokens) - 1)].sentence

    def opens_question(self, i: int) -> bool:
        """Does a question opener ("what is", "do you", "could I") start at word i?"""
        return i in self._opener_starts

    def is_question(self, i: int) -> bool:
        """Is word i part of a question? A '?' ends its sentence, or an opener comes shortly before."""
        if not self.tokens:
            return False
        sent = self.sentence_of(i)
        if self.text.punctuated and self.text.sentences[sent].question:
            return True
        return any(i - QUESTION_REACH <= j <= i and self.sentence_of(j) == sent for j in self._opener_starts)

    def window(self, start: int, end: int, before: int, after: int, same_sentence: bool = True) -> list[str]:
        lo, hi = max(0, start - before), min(len(self.words), end + after)
        if same_sentence and self.text.punctuated and self.tokens:
            s = self.sentence_of(start)
            return [w for w, t in zip(self.words[lo:hi], self.tokens[lo:hi]) if t.sentence == s]
        return self.words[lo:hi]

    def evidence(self, start: int, end: int, note: str | None = None) -> Evidence:
        """Evidence for words [start, end): the original text with offsets and, if known, seconds."""
        a, b = self.tokens[start].start, self.tokens[end - 1].end
        times = self.transcript.times(a, b) if self.transcript.words else None
        start_s, end_s = times if times else (None, None)
        return Evidence(self.transcript.text[a:b], a, b, start_s, end_s, note)

    def hit_evidence(self, hits: list[Hit]) -> list[Evidence]:
        """Each hit with its clause around it, overlapping clauses merged into one piece."""
        spans = sorted(self._clause(h) for h in hits)
        merged: list[tuple[int, int]] = []
        for lo, hi in spans:
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
            else:
                merged.append((lo, hi))
        return [self.evidence(lo, hi) for lo, hi in merged]

    def _clause(self, hit: Hit) -> tuple[int, int]:
        """The matched words with their clause: the sentence when punctuated (at most 10 words
        either side), else 4 words either side."""
        reach = 10 if self.text.punctuated else 4
        lo, hi = max(0, hit.start - reach), min(len(self.tokens), hit.end + reach)
        if self.text.punctuated:
            sent = self.sentence_of(hit.start)
            while self.tokens[lo].sentence < sent:
                lo += 1
            while self.tokens[hi - 1].sentence > sent:
                hi -= 1
        return lo, hi
