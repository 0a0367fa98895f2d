"""The candidate's other questions: the ones no checklist item is about.

A session answers every move. The checklist's questions (gaps, next step, follow-up) are read by
the report's judge; this module finds the rest in a turn and reads each by meaning:
- a trial close ("Don't you think we're a good match?"): closer to the trial-close examples in
  data/moves.toml than to any other question there;
- a question the scenario's `[interviewer.answers]` table answers: closest to that entry's words,
  or to the examples of the common topic its key names (pay, team, start_date, remote, travel,
  interviewer, first_weeks, benefits);
- one of the checklist's own questions that no credited item quotes: nothing (the report's judge
  did not credit it, so the interviewer does not react to it);
- anything else: a question the interviewer deflects politely.
Without the sentence model every other question is deflected.
"""

from __future__ import annotations

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
        return [
            Question(text[s.start : s.end].strip(), s.start, s.end)
            for s in ctx.text.sentences
            if s.question and s.start >= since
        ]
    starts = [i for i in range(len(ctx.tokens)) if ctx.opens_question(i) and ctx.tokens[i].start >= since]
    found = []
    for k, i in enumerate(starts):
        j = min(i + QUESTION_REACH, starts[k + 1] if k + 1 < len(starts) else len(ctx.tokens))
        a, b = ctx.tokens[i].start, ctx.tokens[j - 1].end
        found.append(Question(text[a:b], a, b))
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


def read(found: list[Question], answers: dict[str, str]) -> list[Asked]:
    """How each question reads: the label of the example it is closest to (see the module's
    docstring)."""
    embedder = embed.shared() if found else None
    if embedder is None:
        return [Asked(q, "other") for q in found]
    pairs = _labelled(answers)
    sims = embedder.encode([t for _, t in pairs]) @ embedder.encode([q.text for q in found]).T
    out = []
    for q, column in zip(found, sims.T):
        label = pairs[int(np.argmax(column))][0]
        kind = label if label in ("trial_close", "other", "checklist") else "answer"
        out.append(Asked(q, kind, label if kind == "answer" else None))
    return out
