"""Find where a transcript mentions a scenario's skills and requirements, even paraphrased.

A skill such as "site performance tuning" is a bag of content words. Each word is weighted by
how much it tells this skill apart from the scenario's other skills and requirements (a word
they share, like "patient" in a nursing scenario, says little). A mention is a short stretch of
the transcript that covers enough of that weight, word by word through `match.similarity`
(so stems, synonyms, abbreviations and misheard words count). Three shortcuts stand for the
whole phrase: one side of a coordination ("prospecting" of "prospecting and cold outreach"),
a name ("Salesforce", "Tableau"), and initials ("EHR" for "electronic health records").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from trainer.checklist.match import similarity, stem, token_index
from trainer.checklist.text import FILLERS, normalize

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

_NEGATION = frozenset("havent hasnt never not dont didnt cant lack lacking without no".split())
_LEARNING = frozenset("learn learning course courses study studying".split())
_SELF = frozenset("i im ive id my me".split())
_NEED = ("you need", "you want", "youre looking", "looking for", "need someone", "needs someone", "you said")
MIN_PART_SHARE = 0.25  # a side of a coordination must carry this share of the weight to stand alone
MAX_INITIALS = 5  # longest run of words read as initials
# Tokens never read as initials: short words and contractions written without the apostrophe
# ("id" is "I'd", "if" is not "inpatient floors").
_SHORT_WORDS = frozenset(
    """am ax go ha he hi hm id if ma oh ok ow ox pa ye yo im ive ill youre youve
    youd youll hes shes weve wed well were theyre theyd theyll dont cant wont isnt arent wasnt
    werent didnt doesnt havent hasnt hadnt thats whats lets""".split()
)
_NOT_INITIALS = STOPWORDS | FILLERS | _SHORT_WORDS
_CONJUNCTS = r",|&|\band\b|\bor\b"
_COORDINATION = _CONJUNCTS + r"|[()]"  # initials never run across these


@dataclass(frozen=True)
class Concept:
    """A skill or requirement as weighted content words, plus the scenario author's aliases."""

    label: str
    words: tuple[str, ...]
    weights: tuple[float, ...]
    parts: tuple[tuple[int, ...], ...]  # word indices of the whole phrase and of each conjunct
    names: frozenset[str] = frozenset()  # proper names and acronyms among the words
    aliases: tuple[tuple[str, ...], ...] = ()
    initials: tuple[tuple[str, tuple[int, ...]], ...] = ()  # ("m365", the words it stands for)

    @property
    def total(self) -> float:
        return sum(self.weights)


@dataclass(frozen=True)
class Mention:
    label: str
    start: int  # word indices, end exclusive
    end: int
    coverage: float  # share of the concept's (or one conjunct's) weight that was heard


def content_words(phrase: str) -> list[str]:
    out: list[str] = []
    for w in (t.text for t in normalize(phrase).words):
        if w not in STOPWORDS and len(w) >= 2 and w not in out:
            out.append(w)
    return out


def _names(phrase: str, sentence_case: bool) -> set[str]:
    """Words written as names: "TypeScript", "SQL", "Epic" (a capital first word counts only
    when the scenario does not capitalize every phrase)."""
    names = set()
    for k, raw in enumerate(re.findall(r"[A-Za-z][A-Za-z0-9]*", phrase)):
        inner_caps = any(c.isupper() for c in raw[1:])
        capital = raw[0].isupper() and (k > 0 or not sentence_case)
        if (inner_caps or capital) and raw.lower() not in STOPWORDS:
            names.add(raw.lower())
    return names


def build_concepts(phrases: list[str], aliases: dict[str, tuple[str, ...]], context: list[str]) -> list[Concept]:
    """Weight each phrase's words by rarity across `context` (all skills and requirements)."""
    docs = [{stem(w) for w in content_words(p)} for p in context]
    n = len(docs)
    sentence_case = all(p[:1].isupper() for p in context)
    concepts: list[Concept] = []
    for phrase in phrases:
        words = content_words(phrase)
        weights = []
        for w in words:
            df = sum(1 for d in docs if stem(w) in d) or 1
            weights.append(math.log(1 + n / df) * (0.3 if w in GENERIC else 1.0))
        total = sum(weights) or 1.0
        parts = [tuple(range(len(words)))]
        conjuncts = [content_words(c) for c in re.split(_CONJUNCTS, phrase)]
        if len([c for c in conjuncts if c]) > 1:
            for c in conjuncts:
                idx = tuple(words.index(w) for w in c if w in words)
                if idx and sum(weights[i] for i in idx) >= MIN_PART_SHARE * total:
                    parts.append(idx)
        alias_words = tuple(tuple(content_words(a)) for a in aliases.get(phrase, ()))
        initials = _initials(phrase, words)
        concepts.append(
            Concept(
                phrase,
                tuple(words),
                tuple(weights),
                tuple(parts),
                frozenset(_names(phrase, sentence_case) & set(words)),
                tuple(a for a in alias_words if a),
                initials,
            )
        )
    return concepts


def _initials(phrase: str, words: list[str]) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """The initials of each run of two or more content words within one side of a coordination,
    numbers kept whole ("ad" for "Active Directory", "m365" for "Microsoft 365", "kb" for
    "knowledge-base"), with the words they stand for."""
    out: dict[str, tuple[int, ...]] = {}
    for side in re.split(_COORDINATION, phrase):
        tokens: list[tuple[str, tuple[int, ...]]] = []
        for raw in re.findall(r"[A-Za-z]+|[0-9]+", side):
            idx = tuple(words.index(w) for w in content_words(raw) if w in words)
            if idx:
                tokens.append((raw if raw.isdigit() else raw[0].lower(), idx))
        for i in range(len(tokens)):
            for j in range(i + 2, min(len(tokens), i + MAX_INITIALS) + 1):
                key = "".join(t for t, _ in tokens[i:j])
                if key not in _NOT_INITIALS and not key.isdigit():
                    out.setdefault(key, tuple(k for _, idx in tokens[i:j] for k in idx))
    return tuple(out.items())


def _best(word: str, window: list[str]) -> tuple[float, int]:
    best, at = 0.0, -1
    for j, tok in enumerate(window):
        s = similarity(word, tok)
        if s > best:
            best, at = s, j
    if best < 0.8 and len(word) >= 5:
        # A recognizer splits names it does not know: "tick tock" for TikTok, "shop if i" for Shopify.
        for j in range(len(window) - 1):
            for n in (2, 3):
                s = similarity(word, "".join(window[j : j + n]))
                if s > best:
                    best, at = s, j + n - 1
    return best, at


@lru_cache(maxsize=16)
def _heads(words: tuple[str, ...]) -> dict[str, list[int]]:
    """Each distinct run of two or three tokens joined, with where it starts."""
    out: dict[str, list[int]] = {}
    for n in (2, 3):
        for i in range(len(words) - n + 1):
            out.setdefault("".join(words[i : i + n]), []).append(i)
    return out


@lru_cache(maxsize=1024)
def _starts(concept_words: tuple[str, ...], words: tuple[str, ...]) -> list[int]:
    """Where a mention can start: on one of the concept's words (or a name split in two).
    Each distinct token (and run of tokens) is compared once. Cached: the wording detectors and
    the semantic judge look for the same concepts."""
    single, _ = token_index(words)
    found = [at for tok, at in single.items() if any(similarity(w, tok) >= 0.8 for w in concept_words)]
    long = [w for w in concept_words if len(w) >= 5]
    if long:
        found += [at for run, at in _heads(words).items() if any(similarity(w, run) >= 0.8 for w in long)]
    return sorted({i for at in found for i in at})


def _anchors(concept: Concept) -> set[str]:
    """Words telling enough to stand for the whole concept: names, and any word carrying 40% of its weight."""
    heavy = {
        w
        for w, weight in zip(concept.words, concept.weights)
        if w not in GENERIC and len(w) >= 3 and weight >= 0.4 * concept.total
    }
    return heavy | set(concept.names)


def find_mentions(concept: Concept, words: list[str], threshold: float = 0.5, anchors: bool = True) -> list[Mention]:
    """Stretches of `words` that mention `concept` (non-overlapping, in order).

    With `anchors`, one telling word or name can stand for the concept: right for a skill
    ("Tableau"), too weak for a requirement, which is a task ("write complex SQL against...").
    """
    span = max(4, 2 * len(concept.words) + 2)
    anchor_words = _anchors(concept) if anchors else set()
    telling = {w for w in concept.words if w not in GENERIC}
    found: list[Mention] = []
    # Initials heard ("AD", "M365") stand for the words they abbreviate, and can start a mention.
    initials = dict(concept.initials)
    key = tuple(words)
    by_token, _ = token_index(key)
    said = sorted((at, initials[tok]) for tok, ats in by_token.items() if tok in initials for at in ats)
    starts = sorted(set(_starts(concept.words, key)) | {at for at, _ in said})
    for i in starts:
        window = words[i : i + span]
        best = [_best(w, window) for w in concept.words]
        for at, idx in said:
            if i <= at < i + span:
                for k in idx:
                    best[k] = max(best[k], (1.0, at - i))
        heard = [k for k, (s, _) in enumerate(best) if s >= 0.8]
        cov = 0.0
        for part in concept.parts:
            weight = sum(concept.weights[k] for k in part)
            got = sum(concept.weights[k] * best[k][0] for k in part if k in heard)
            cov = max(cov, got / weight if weight else 0.0)
        # Two telling words of a long phrase close together ("load times" for "speed up page
        # load times") mention it, even when the rest is paraphrased.
        if cov < threshold and len(heard) >= 2 and {concept.words[k] for k in heard} & telling and cov >= 0.3:
            cov = threshold
        if cov < threshold and any(similarity(a, window[0]) >= 0.9 for a in anchor_words):
            cov = threshold
        if cov >= threshold and heard:
            end = i + max(best[k][1] for k in heard) + 1
            found.append(Mention(concept.label, i, end, min(cov, 1.0)))
    for alias in concept.aliases:
        n = len(alias)
        for i in range(len(words) - n + 1):
            if all(similarity(a, w) >= 0.9 for a, w in zip(alias, words[i : i + n])):
                found.append(Mention(concept.label, i, i + n, 1.0))
    found.sort(key=lambda m: (-m.coverage, m.end - m.start))
    kept: list[Mention] = []
    for m in found:
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def lacked(words: list[str], start: int) -> bool:
    """The candidate says they lack it or want to learn it ("I haven't touched Django")."""
    before = words[max(0, start - 5) : start]
    if any(w in _LEARNING for w in before):
        return True
    return any(w in _NEGATION for w in before) and any(w in _SELF for w in before)


def quoted_need(words: list[str], start: int, end: int) -> bool:
    """The mention describes what the job needs (the interviewer's words), not a claim."""
    text = " ".join(words[max(0, start - 6) : end])
    return any(re.search(rf"\b{n}\b", text) for n in _NEED)
