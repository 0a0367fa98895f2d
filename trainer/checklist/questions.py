"""The candidate's other questions: the ones no checklist item is about.

A session answers every move. The checklist's questions (gaps, next step, follow-up) are read by
the report's judge; this module finds the rest in a turn and reads each by meaning:
- a trial close ("Don't you think we're a good match?"): closest to the trial-close examples in
  data/moves.toml, and close enough; or a tag question about the candidate ("..., doesn't it?");
- a question the scenario's `[interviewer.answers]` table answers: closest to that entry's words,
  or to the examples of the common topic its key names (pay, team, start_date, remote, travel,
  interviewer, first_weeks, benefits);
- one of the checklist's own questions that no credited item quotes: nothing (the report's judge
  did not credit it, so the interviewer does not react to it);
- anything else: a question the interviewer deflects politely.
Without the sentence model every other question is deflected.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from trainer.checklist import embed
from trainer.checklist.context import QUESTION_REACH, Context
from trainer.checklist.result import Evidence

MOVES_PATH = Path(__file__).parent / "data" / "moves.toml"


@dataclass(frozen=True)
class Question:
    text: str
    start: int  # characters into the close
    end: int


@dataclass(frozen=True)
class Asked:
    """One other question and how it reads: kind "trial_close", "answer" (with the table's
    `key`), "checklist" (one of the checklist's questions, which the judge decides) or "other"."""

    question: Question
    kind: str
    key: str | None = None


@lru_cache(maxsize=1)
def moves() -> dict[str, Any]:
    return tomllib.loads(MOVES_PATH.read_text(encoding="utf-8"))


def questions(ctx: Context, since: int = 0) -> list[Question]:
    """The questions that start at or after character `since`: sentences ending in '?' when the
    text is punctuated, else each question opener with the words it governs."""
    text = ctx.transcript.text
    if ctx.text.punctuated:
        found = []
        for k, s in enumerate(ctx.text.sentences):
            if not s.question or s.start < since:
                continue
            # A short question ("Do you agree?", "Right?") is about the statement before it.
            before = ctx.text.sentences[k - 1] if k else None
            short = len(text[s.start : s.end].split()) < SHORT
            start = before.start if before is not None and short and not before.question else s.start
            found.append(Question(text[max(start, since) : s.end].strip(), max(start, since), s.end))
        return found
    starts = [i for i in _openers(ctx) if ctx.tokens[i].start >= since]
    found = []
    for k, i in enumerate(starts):
        j = min(i + QUESTION_REACH, starts[k + 1] if k + 1 < len(starts) else len(ctx.tokens))
        a, b = ctx.tokens[i].start, ctx.tokens[j - 1].end
        found.append(Question(text[a:b], a, b))
    return found


SHORT = 4  # words: a question shorter than this borrows its topic from the sentence before
# Words after which an opener is not an inverted question ("I would love to do it", "we can").
_NOT_INVERTED = frozenset("to i we you they he she it that which who".split())


# A turn that starts with one of these starts with a question ("do people on the team ...").
_ASKING = frozenset(
    "what when how where why who which is are was were do does did can could would will may should".split()
)


def _openers(ctx: Context) -> list[int]:
    found = [
        i
        for i in range(len(ctx.tokens))
        if ctx.opens_question(i) and (i == 0 or ctx.words[i - 1] not in _NOT_INVERTED) and i + 2 < len(ctx.tokens)
    ]
    if ctx.words and ctx.words[0] in _ASKING and 0 not in found:
        found.insert(0, 0)
    return found


def uncovered(found: list[Question], evidence: list[Evidence]) -> list[Question]:
    """The questions no credited item quotes."""
    return [q for q in found if not any(e.start < q.end and q.start < e.end for e in evidence)]


def topic(key: str) -> str:
    """The topic an answers-table key names ("start date" and "start_date" alike)."""
    return key.strip().lower().replace(" ", "_").replace("-", "_")


def _labelled(answers: dict[str, str]) -> list[tuple[str, str]]:
    """(label, example) pairs: a label is "trial_close", "other", or an answers-table key."""
    data = moves()
    keyed = {topic(k): k for k in answers}
    pairs = [("trial_close", t) for t in data["trial_close"]] + [("other", t) for t in data["other_question"]]
    pairs += [("checklist", t) for t in data["checklist_question"]]
    for name, texts in data["topics"].items():
        pairs += [(keyed.get(name, "other"), t) for t in texts]
    for k, answer in answers.items():
        pairs += [(k, k), (k, f"{k}: {answer}")]
    return pairs


def _balanced_floor(same: np.ndarray, other: np.ndarray) -> float:
    """The similarity that best separates `same` (should reach it) from `other` (should not)."""
    candidates = np.unique(np.concatenate([same, other]))
    accuracy = [((same >= t).mean() + (other < t).mean()) / 2 for t in candidates]
    return float(candidates[int(np.argmax(accuracy))])


@lru_cache(maxsize=1)
def _floor(embedder: embed.Embedder) -> float:
    """How close a question must be to a topic (or to the trial closes) to be read as one, fitted
    on data/moves.toml leaving one example out: each topic example should reach it with the rest
    of its topic, and no checklist or other question should reach it with any topic."""
    data = moves()
    groups = [list(t) for t in data["topics"].values()] + [list(data["trial_close"])]
    vecs = [embedder.encode(g) for g in groups]
    same = []
    for v in vecs:
        sims = v @ v.T
        np.fill_diagonal(sims, -1.0)
        same += list(sims.max(axis=1))
    negatives = embedder.encode(list(data["other_question"]) + list(data["checklist_question"]))
    other = (negatives @ np.vstack(vecs).T).max(axis=1)
    return _balanced_floor(np.array(same), other)


# A tag question asks the listener to agree with what was just said ("..., doesn't it?",
# "..., don't you think?", "..., right?"); about the candidate, that is a trial close.
_TAG = re.compile(
    r",\s*(?:(?:is|are|was|do|does|did|would|will|could|ca|wo|have|has)n[’']t\s+(?:it|you|we|they|that|i|there)"
    r"(?:\s+(?:think|say|agree))?|right|agreed|true|you\s+agree)\W*$",
    re.IGNORECASE,
)
_SELF = re.compile(r"\b(?:i|i'm|i've|i'd|me|my|we|we'd|we're|us|our)\b", re.IGNORECASE)


def is_tag_trial_close(text: str) -> bool:
    return bool(_TAG.search(text)) and bool(_SELF.search(_TAG.sub("", text)))


def prepare() -> None:
    """Embed the examples and fit the floor ahead (a session's first question is then quick)."""
    embedder = embed.shared()
    if embedder is not None:
        _floor(embedder)
        embedder.encode([t for _, t in _labelled({})])


def read(found: list[Question], answers: dict[str, str]) -> list[Asked]:
    """How each question reads: the label of the example it is closest to, when close enough for
    a topic or a trial close (see the module's docstring)."""
    embedder = embed.shared() if found else None
    if embedder is None:
        return [Asked(q, "other") for q in found]
    pairs = _labelled(answers)
    floor = _floor(embedder)
    sims = embedder.encode([t for _, t in pairs]) @ embedder.encode([q.text for q in found]).T
    out = []
    for q, column in zip(found, sims.T):
        best = int(np.argmax(column))
        label = pairs[best][0]
        if label not in ("other", "checklist") and column[best] < floor:
            label = "other"
        if is_tag_trial_close(q.text):
            label = "trial_close"
        kind = label if label in ("trial_close", "other", "checklist") else "answer"
        out.append(Asked(q, kind, label if kind == "answer" else None))
    return out
