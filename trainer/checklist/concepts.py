"""Find where a transcript mentions a scenario's skills and requirements, even paraphrased.

A skill such as "site performance tuning" is a bag of content words. Each word is weighted by
how much it tells this skill apart from the scenario's other skills and requirements (a word
they share, like "patient" in a nursing scenario, says little). A mention is a short stretch of
the transcript that covers enough of that weight, word by word through `match.similarity`
(so stems, synonyms, abbreviations and misheard words count).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from trainer.match import similarity, stem

STOPWORDS = frozenset(
    """a an the and or of to in on for with at by from up into over under as is are be been
    being it its this that these those your our my their his her we you they i me us them
    can could will would should may might do does did done have has had so such than then
    there here what which who whom how when where why all any each every more most other some
    very just also well about against between through during before after above below again
    further once only own same too not no nor s t""".split()
)
# Words that say little about what a skill is: present in skills of every field.
GENERIC = frozenset(
    """work working works worked build building builds built make making use using used
    strong good great team teams small large big new company companies business businesses
    skill skills experience ability job role people person things thing stuff lot lots way
    ways day days year years time times level high low full part end ends first public""".split()
)

# The candidate says they lack or will learn it, or is quoting the job's need.
_LACK = frozenset("havent hasnt never not dont didnt cant lack lacking without learn learning".split())
_NEED = ("you need", "you want", "youre looking", "looking for", "need someone", "needs someone", "you said")


@dataclass(frozen=True)
class Concept:
    """A skill or requirement as weighted content words, plus the scenario author's aliases."""

    label: str
    words: tuple[str, ...]
    weights: tuple[float, ...]
    aliases: tuple[tuple[str, ...], ...] = ()

    @property
    def total(self) -> float:
        return sum(self.weights)


@dataclass(frozen=True)
class Mention:
    label: str
    start: int  # word indices, end exclusive
    end: int
    coverage: float  # share of the concept's weight that was heard


def content_words(phrase: str) -> list[str]:
    from trainer.text import normalize

    words = [t.text for t in normalize(phrase).words]
    out: list[str] = []
    for w in words:
        if w in STOPWORDS or len(w) < 2 or w in out:
            continue
        out.append(w)
    return out


def build_concepts(phrases: list[str], aliases: dict[str, tuple[str, ...]], context: list[str]) -> list[Concept]:
    """Weight each phrase's words by rarity across `context` (all skills and requirements)."""
    docs = [{stem(w) for w in content_words(p)} for p in context]
    n = len(docs)
    concepts: list[Concept] = []
    for phrase in phrases:
        words = content_words(phrase)
        weights = []
        for w in words:
            df = sum(1 for d in docs if stem(w) in d) or 1
            idf = math.log(1 + n / df)
            weights.append(idf * (0.3 if w in GENERIC else 1.0))
        alias_words = tuple(tuple(content_words(a)) for a in aliases.get(phrase, ()))
        concepts.append(Concept(phrase, tuple(words), tuple(weights), tuple(a for a in alias_words if a)))
    return concepts


def _coverage(concept: Concept, window: list[str]) -> tuple[float, list[int]]:
    """Share of the concept's weight heard in `window`, and where each heard word is."""
    got = 0.0
    where: list[int] = []
    for word, weight in zip(concept.words, concept.weights):
        best, at = 0.0, -1
        for j, tok in enumerate(window):
            s = similarity(word, tok)
            if s > best:
                best, at = s, j
        if best >= 0.8:
            got += weight * best
            where.append(at)
    return (got / concept.total if concept.total else 0.0), where


def _anchor(concept: Concept) -> int | None:
    """The concept's one telling word, when it has one that carries a third of its weight."""
    if not concept.words:
        return None
    k = max(range(len(concept.words)), key=lambda i: concept.weights[i])
    word = concept.words[k]
    if word in GENERIC or len(word) < 4 or concept.weights[k] < concept.total / 3:
        return None
    return k


def find_mentions(concept: Concept, words: list[str], threshold: float = 0.5) -> list[Mention]:
    """Stretches of `words` that mention `concept` (best first, non-overlapping)."""
    span = max(4, 2 * len(concept.words) + 2)
    found: list[Mention] = []
    for i in range(len(words)):
        window = words[i : i + span]
        if not window or similarity_any(concept, window[0]) < 0.8:
            continue  # a mention starts on one of the concept's words
        cov, where = _coverage(concept, window)
        # Two telling words of a long phrase close together ("load times" for "speed up page
        # load times") mention it, even when the rest is paraphrased.
        telling = {concept.words[k] for k, w in enumerate(concept.words) if w not in GENERIC}
        heard = {concept.words[k] for k in range(len(concept.words)) if _heard(concept.words[k], window)}
        if cov < threshold and len(heard & telling) >= 2 and cov >= 0.3:
            cov = threshold
        anchor = _anchor(concept)
        if cov < threshold and anchor is not None:
            if any(similarity(concept.words[anchor], w) >= 0.9 for w in window[:1]):
                cov = max(cov, threshold)
        if cov >= threshold and where:
            found.append(Mention(concept.label, i, i + max(where) + 1, min(cov, 1.0)))
    for alias in concept.aliases:
        n = len(alias)
        for i in range(len(words) - n + 1):
            if all(similarity(a, w) >= 0.9 for a, w in zip(alias, words[i : i + n])):
                found.append(Mention(concept.label, i, i + n, 1.0))
    found.sort(key=lambda m: -m.coverage)
    kept: list[Mention] = []
    for m in found:
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def _heard(word: str, window: list[str]) -> bool:
    return any(similarity(word, w) >= 0.8 for w in window)


def similarity_any(concept: Concept, token: str) -> float:
    return max((similarity(w, token) for w in concept.words), default=0.0)


def lacked(words: list[str], start: int) -> bool:
    """The mention is something the candidate lacks or wants to learn."""
    return any(w in _LACK for w in words[max(0, start - 5) : start])


def quoted_need(words: list[str], start: int) -> bool:
    """The mention describes what the job needs (the interviewer's words), not a claim."""
    before = " ".join(words[max(0, start - 6) : start])
    return any(re.search(rf"\b{n}\b", before) for n in _NEED)
