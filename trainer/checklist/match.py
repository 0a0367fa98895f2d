"""Fuzzy word and phrase matching that tolerates recognizer errors.

Two words match when they are equal, share a stem, belong to the same synonym group, sound
alike (a coarse phonetic key: "tablo" ~ "tableau", "sequel" ~ "sql") or are nearly the same
string (rapidfuzz). Phrases are small patterns over those words, with optional slots and
bounded gaps, so one pattern covers "what's the next step" and "what are the next steps from here".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

# Interchangeable words in the vocabulary of job interviews: general synonyms and
# abbreviations, not phrases from any one scenario. Scenario authors add domain terms with
# `aliases` in the scenario file.
SYNONYM_GROUPS: tuple[frozenset[str], ...] = tuple(
    frozenset(g.split())
    for g in (
        "site website websites sites webpage webpages",
        "fast faster quick quicker speed speedy quickly",
        "coach coaching mentor mentoring mentored train training onboard onboarding",
        "teach teaching taught educate educating education educated instruct",
        "junior juniors newer",
        "developer developers dev devs engineer engineers programmer programmers",
        "rebuild rebuilt rebuilding redesign redesigned redo overhaul overhauled",
        "decide decision decisions decided",
        "doc docs document documenting documented documentation chart charting charted",
        "med meds medication medications medicine medicines",
        "a11y accessibility accessible",
        "ts typescript",
        "js javascript",
        "crm crms",
        "sql sequel",
        "job role position roll",
        "time thyme",
        "one won",
        "weekly weakly",
        "analyze analyse analysis analyzing analysing analyzed analysed analytics",
        "experiment experiments test tests testing",
        "present presenting presentation presentations presented",
        "deliver delivered delivering ship shipped shipping",
        "lead led leading manage managed managing",
        "email emails mail",
        "call phone ring",
        "worry worried worries worrying concern concerns concerned",
        "respond responds responded responding response responses",
    )
)
_GROUP_OF: dict[str, int] = {w: i for i, g in enumerate(SYNONYM_GROUPS) for w in g}

# Irregular past forms, so "kept the CRM current" matches "keep the CRM up to date".
IRREGULAR = {
    "built": "build",
    "kept": "keep",
    "ran": "run",
    "led": "lead",
    "taught": "teach",
    "wrote": "write",
    "written": "write",
    "sold": "sell",
    "made": "make",
    "met": "meet",
    "did": "do",
    "done": "do",
    "brought": "bring",
    "caught": "catch",
    "spent": "spend",
    "won": "win",
    "grew": "grow",
    "grown": "grow",
    "drove": "drive",
    "driven": "drive",
    "gave": "give",
    "given": "give",
    "took": "take",
    "taken": "take",
    "chose": "choose",
    "chosen": "choose",
    "began": "begin",
    "begun": "begin",
    "sped": "speed",
    "found": "find",
    "held": "hold",
    "told": "tell",
    "thought": "think",
    "understood": "understand",
    "went": "go",
    "gone": "go",
    "saw": "see",
    "seen": "see",
    "knew": "know",
    "known": "know",
    "shipped": "ship",
    "rebuilt": "rebuild",
    "spoke": "speak",
    "spoken": "speak",
    "bought": "buy",
}

# (suffix, shortest stem it may leave): "family" keeps its "ly", "accurately" loses it.
_SUFFIXES = (
    ("ations", 3),
    ("ation", 3),
    ("ments", 5),
    ("ment", 5),
    ("ings", 3),
    ("ing", 3),
    ("ied", 3),
    ("ies", 3),
    ("ed", 3),
    ("es", 3),
    ("ers", 3),
    ("er", 3),
    ("ors", 5),
    ("or", 5),
    ("ly", 5),
    ("s", 3),
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix-stripping stem: enough to equate "mentored", "mentoring" and "mentor"."""
    w = IRREGULAR.get(word, word)
    if len(w) > 4:
        for suf, shortest in _SUFFIXES:
            if w.endswith(suf) and len(w) - len(suf) >= shortest:
                w = w[: -len(suf)] + ("y" if suf in ("ied", "ies") else "")
                break
        if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
            w = w[:-1]
        if w.endswith("e") and len(w) > 4:
            w = w[:-1]
    return w


_PHONETIC_RULES = (
    ("ph", "f"),
    ("ck", "k"),
    ("ch", "x"),
    ("sh", "x"),
    ("th", "t"),
    ("qu", "k"),
    ("c(?=[eiy])", "s"),
    ("c", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("z", "s"),
    ("b", "p"),
    ("d", "t"),
    ("g", "k"),
    ("v", "f"),
)


@lru_cache(maxsize=65536)
def phonetic(word: str) -> str:
    """A coarse sound key: consonant skeleton, voicing ignored, first letter kept."""
    w = word.lower()
    for pattern, repl in _PHONETIC_RULES:
        w = re.sub(pattern, repl, w)
    if not w:
        return ""
    head, tail = w[0], re.sub(r"[aeiouhwy]", "", w[1:])
    key = head + tail
    return re.sub(r"(.)\1+", r"\1", key).upper()


@lru_cache(maxsize=262144)
def similarity(a: str, b: str, by_sound: bool = True) -> float:
    """How surely token `b` is the word `a` (0 when it is not).

    `by_sound` also accepts sound-alikes: right for the rarer content words a recognizer
    mishears ("tablo"), too loose for the common words of phrase banks ("write" ~ "worried").
    """
    if a == b:
        return 1.0
    ga, gb = _GROUP_OF.get(a), _GROUP_OF.get(b)
    if ga is not None and ga == gb:
        return 0.95
    sa, sb = stem(a), stem(b)
    if sa == sb:
        return 0.95
    ga, gb = _GROUP_OF.get(sa, ga), _GROUP_OF.get(sb, gb)
    if ga is not None and ga == gb:
        return 0.9
    if min(len(a), len(b)) < 4:
        return 0.0
    # Nearly the same spelling: recognizer slips like "meditation" for "medication".
    ratio = max(fuzz.ratio(sa, sb), fuzz.ratio(a, b))
    if ratio >= 88:
        return ratio / 100
    if not by_sound:
        return 0.0
    # Sound-alikes: "rabid" for "rapid", "tablo" for "tableau".
    pa, pb = phonetic(a), phonetic(b)
    # The key is coarse ("worries" and "warehouse" share one): the spelling must agree too.
    if pa == pb and (len(pa) >= 3 or min(len(a), len(b)) >= 5) and fuzz.ratio(a, b) >= 60:
        return 0.8
    return 0.0


def word_in(tokens: list[str], i: int, word: str) -> tuple[int, float]:
    """Match a phrase-bank `word` at tokens[i], also against two tokens run together."""
    best = (0, 0.0)
    if i < len(tokens):
        s = similarity(word, tokens[i], by_sound=False)
        if s:
            best = (1, s)
    if i + 1 < len(tokens) and len(word) >= 6 and not best[0]:
        joined = tokens[i] + tokens[i + 1]
        s = similarity(word, joined, by_sound=False)
        if s and min(len(tokens[i]), len(tokens[i + 1])) >= 2:
            best = (2, s * 0.95)
    return best


# ---- phrase patterns --------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One position of a pattern: alternatives (each a tuple of words), or a gap."""

    alternatives: tuple[tuple[str, ...], ...] = ()  # a word written "=word" matches exactly
    optional: bool = False
    gap: int = 0


@dataclass(frozen=True)
class Pattern:
    source: str
    slots: tuple[Slot, ...]


def compile_pattern(source: str) -> Pattern:
    """Compile a pattern such as ``what|whats .. next step|steps`` (see `phrases.py`)."""
    slots: list[Slot] = []
    for part in source.split():
        if set(part) == {"."}:
            slots.append(Slot(gap=len(part) * 2 - 1))  # ".." up to 3 words, "..." up to 5
            continue
        optional = part.endswith("?")
        part = part.rstrip("?")
        alts = tuple(
            tuple(w if not a.startswith("=") else "=" + w.lstrip("=") for w in a.split("_")) for a in part.split("|")
        )
        slots.append(Slot(alts, optional))
    return Pattern(source, tuple(slots))


@dataclass(frozen=True)
class Hit:
    """Where a pattern matched: token indices [start, end) and how surely (0..1)."""

    start: int
    end: int
    quality: float
    pattern: str


def _match_alt(words: list[str], i: int, alt: tuple[str, ...]) -> tuple[int, float]:
    pos, quality = i, 1.0
    for w in alt:
        if w.startswith("="):
            if pos < len(words) and words[pos] == w[1:]:
                pos += 1
                continue
            return 0, 0.0
        used, s = word_in(words, pos, w)
        if not used:
            return 0, 0.0
        pos, quality = pos + used, min(quality, s)
    return pos - i, quality


def _match_from(words: list[str], slots: tuple[Slot, ...], k: int, i: int) -> tuple[int, float] | None:
    """End index and quality of the best match of slots[k:] starting at words[i]."""
    if k == len(slots):
        return i, 1.0
    slot = slots[k]
    if slot.gap:
        for skip in range(0, slot.gap + 1):
            if i + skip > len(words):
                break
            # A gap never starts the remaining match on nothing: the next slot must match.
            got = _match_from(words, slots, k + 1, i + skip)
            if got:
                return got[0], got[1] * (1 - 0.03 * skip)
        return None
    best: tuple[int, float] | None = None
    for alt in slot.alternatives:
        used, q = _match_alt(words, i, alt)
        if used:
            rest = _match_from(words, slots, k + 1, i + used)
            if rest and (best is None or min(q, rest[1]) > best[1]):
                best = (rest[0], min(q, rest[1]))
    if slot.optional:
        rest = _match_from(words, slots, k + 1, i)
        if rest and (best is None or rest[1] > best[1]):
            best = rest
    return best


@lru_cache(maxsize=16)
def token_index(words: tuple[str, ...]) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Where each distinct token and each pair of tokens run together occurs: a word is compared
    with each distinct token once, not once per position (a close repeats most of its words)."""
    single: dict[str, list[int]] = {}
    joined: dict[str, list[int]] = {}
    for i, w in enumerate(words):
        single.setdefault(w, []).append(i)
        if i + 1 < len(words) and min(len(w), len(words[i + 1])) >= 2:
            joined.setdefault(w + words[i + 1], []).append(i)
    return single, joined


@lru_cache(maxsize=8192)
def _positions(words: tuple[str, ...], word: str) -> frozenset[int]:
    """Where a phrase-bank word can match in `words`, as `word_in` decides (cached: every
    detector looks up the same words)."""
    single, joined = token_index(words)
    if word.startswith("="):
        return frozenset(single.get(word[1:], ()))
    found = [at for tok, at in single.items() if similarity(word, tok, False)]
    if len(word) >= 6:
        found += [at for pair, at in joined.items() if similarity(word, pair, False)]
    return frozenset(i for at in found for i in at)


def _starts(words: tuple[str, ...], slots: tuple[Slot, ...]) -> list[int] | None:
    """Where a match can begin: where one of the leading optional slots or the first required one
    can match its first word (None: anywhere, for a pattern that opens with a gap)."""
    found: set[int] = set()
    for slot in slots:
        if slot.gap:
            return None
        for alt in slot.alternatives:
            found |= _positions(words, alt[0])
        if not slot.optional:
            return sorted(found)
    return None


def find(words: list[str], pattern: Pattern) -> list[Hit]:
    """Every non-overlapping match of `pattern` in `words`, left to right."""
    hits: list[Hit] = []
    starts = _starts(tuple(words), pattern.slots)
    i = 0
    for at in range(len(words)) if starts is None else starts:
        if at < i:
            continue  # inside the previous match
        got = _match_from(words, pattern.slots, 0, at)
        if got and got[0] > at:
            hits.append(Hit(at, got[0], got[1], pattern.source))
            i = got[0]
    return hits


def find_any(words: list[str], patterns: list[Pattern]) -> list[Hit]:
    hits = [h for p in patterns for h in find(words, p)]
    return sorted(hits, key=lambda h: (h.start, -h.quality))


def compile_all(sources: list[str]) -> list[Pattern]:
    return [compile_pattern(s) for s in sources]
