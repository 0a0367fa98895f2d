"""Turn written text or recognizer output into one normalized token stream.

Both kinds of transcript end up in the form a speech recognizer produces (lower case, no
punctuation, numbers as words, no apostrophes), so one set of phrase banks serves both.
Every token remembers the character span of the original text it came from, so evidence
can point back at what the user actually said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FILLERS = frozenset({"um", "uh", "er", "erm", "ah", "uhm", "umm", "hmm", "mm", "mhm", "eh"})

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ((1_000_000_000, "billion"), (1_000_000, "million"), (1000, "thousand"), (100, "hundred"))

# Spelling variants a recognizer and a writer produce for the same word(s).
_VARIANTS: dict[str, tuple[str, ...]] = {
    "ok": ("okay",),
    "alright": ("all", "right"),
    "e-mail": ("email",),
    "emails": ("emails",),
    "gonna": ("going", "to"),
    "wanna": ("want", "to"),
    "gotta": ("got", "to"),
}

_TOKEN_RE = re.compile(r"[A-Za-z]+\d+[A-Za-z\d]*|\d+(?:[.,]\d+)*(?:st|nd|rd|th)?%?|[A-Za-z]+(?:['’\-][A-Za-z]+)*|[%&]")
_SENTENCE_END = re.compile(r"[.?!;]+")


def number_to_words(n: int) -> list[str]:
    """Spell a non-negative integer the way a recognizer writes it ("one hundred eighteen")."""
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        tens, ones = divmod(n, 10)
        return [_TENS[tens]] + ([_ONES[ones]] if ones else [])
    for value, name in _SCALES:
        if n >= value:
            high, rest = divmod(n, value)
            return number_to_words(high) + [name] + (number_to_words(rest) if rest else [])
    raise AssertionError("unreachable")


def _spell_number(raw: str) -> list[str]:
    percent = raw.endswith("%")
    raw = raw.rstrip("%")
    raw = re.sub(r"(st|nd|rd|th)$", "", raw)
    if re.fullmatch(r"\d{1,3}(,\d{3})+", raw):
        raw = raw.replace(",", "")
    words: list[str] = []
    if "." in raw:
        whole, _, frac = raw.partition(".")
        words = number_to_words(int(whole.replace(",", "") or 0)) + ["point"]
        words += [_ONES[int(d)] for d in frac if d.isdigit()]
    else:
        words = number_to_words(int(raw.replace(",", "")))
    return words + (["percent"] if percent else [])


@dataclass(frozen=True)
class Token:
    """One normalized word and the span of original text it came from."""

    text: str
    start: int
    end: int
    sentence: int
    filler: bool = False


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    question: bool


@dataclass
class Text:
    """A transcript split into normalized tokens (fillers flagged) and sentences."""

    original: str
    tokens: list[Token]
    sentences: list[Sentence]
    punctuated: bool

    @property
    def words(self) -> list[Token]:
        """Tokens without fillers: what phrase matching looks at."""
        return [t for t in self.tokens if not t.filler]


def _split_word(raw: str) -> list[str]:
    low = raw.lower().replace("’", "'")
    if low in _VARIANTS:
        return list(_VARIANTS[low])
    low = low.replace("'", "")
    if low in _VARIANTS:
        return list(_VARIANTS[low])
    parts = [p for p in low.split("-") if p]
    if any(len(p) == 1 for p in parts):  # "e-mail", "x-ray": one word with a hyphen in it
        parts = ["".join(parts)]
    return [w for p in parts for w in _VARIANTS.get(p, (p,))]


def _join_letters(tokens: list[Token]) -> list[Token]:
    """Spelled-out letters are one word: "A/B" and a recognizer's "a b" both become "ab"."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and len(tokens[j].text) == 1 and tokens[j].text.isalpha():
            j += 1
        run = tokens[i:j]
        if len(run) >= 2 and [t.text for t in run] not in (["a", "i"], ["i", "a"]):
            first, last = run[0], run[-1]
            out.append(Token("".join(t.text for t in run), first.start, last.end, first.sentence))
            i = j
        else:
            out.append(tokens[i])
            i += 1
    return out


def normalize(text: str) -> Text:
    """Tokenize `text`; every token keeps the character offsets of its source."""
    sentences: list[Sentence] = []
    boundaries = [(m.start(), m.group()) for m in _SENTENCE_END.finditer(text)]
    punctuated = bool(boundaries)
    tokens: list[Token] = []
    sentence = 0
    b = 0
    for match in _TOKEN_RE.finditer(text):
        # A decimal point inside a number is not a sentence boundary: the token regex already
        # swallowed it, so boundaries before this token's start are real ones.
        while b < len(boundaries) and boundaries[b][0] < match.start():
            sentence += 1
            b += 1
        raw = match.group()
        if raw[0].isdigit() and not raw[-1].isalpha() or re.fullmatch(r"\d+(st|nd|rd|th)", raw):
            words = _spell_number(raw)
        elif raw == "%":
            words = ["percent"]
        elif raw == "&":
            words = ["and"]
        else:
            words = _split_word(raw)
        for w in words:
            tokens.append(Token(w, match.start(), match.end(), sentence, w in FILLERS))
    tokens = _join_letters(tokens)
    # Sentence records, renumbered densely, with whether each ends in a question mark.
    marks = {i: "?" in m for i, (_, m) in enumerate(boundaries)}
    ids = sorted({t.sentence for t in tokens})
    remap = {old: new for new, old in enumerate(ids)}
    tokens = [Token(t.text, t.start, t.end, remap[t.sentence], t.filler) for t in tokens]
    for old in ids:
        members = [t for t in tokens if t.sentence == remap[old]]
        sentences.append(Sentence(members[0].start, members[-1].end, marks.get(old, False)))
    return Text(text, tokens, sentences, punctuated)
