"""A drill: one checklist item, said again and again until it comes out naturally.

The interviewer sets up the moment for the item (a cue line, in a session's words), the
candidate says just that part, the verdict comes at once, and a rep that passes gets the answer
a session's interviewer would give it (the objection to a probe, the next step to a question). A passing rep counts only if its wording differs enough
from the candidate's earlier passing reps: saying the same sentence again is recall, not
fluency. The drill ends after `needed` counted passes in a row, when the turns run out, or on
Ctrl-C (the reps so far are kept).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from rapidfuzz.distance import Levenshtein

from trainer.checklist.advice import suggestion
from trainer.checklist.objection import objection_handled
from trainer.checklist.result import ItemResult
from trainer.checklist.scorer import score
from trainer.checklist.text import normalize
from trainer.scenarios.file import Scenario
from trainer.session.close import STOPPING, CandidateTurn, Interviewer, TurnSource
from trainer.session.lines import Lines, wording

# Every item a single line can show; `concise` is a property of a whole close.
DRILLABLE = (
    "skills_restated",
    "requirements_matched",
    "gaps_probed",
    "objection_handled",
    "interest_reaffirmed",
    "next_step_asked",
    "follow_up_permission",
    "thanks_given",
)

# What an interviewer says just before the moment for each item: the session's own lines
# (picked afresh each rep, in the drill's temperament) where a session has one.
CUES: dict[str, Callable[[Scenario, Lines], str]] = {
    "skills_restated": lambda sc, lines: lines.signal,
    "requirements_matched": lambda sc, lines: (
        f"Before we finish: why do you think you're the right {sc.role.lower()} for what this job needs?"
    ),
    "gaps_probed": lambda sc, lines: lines.anything_else,
    "objection_handled": lambda sc, lines: lines.objection,
    "interest_reaffirmed": lambda sc, lines: "So, now that you know more about the role, how do you feel about it?",
    "next_step_asked": lambda sc, lines: lines.anything_else,
    "follow_up_permission": lambda sc, lines: lines.next_step,
    "thanks_given": lambda sc, lines: "Well, that's all the time we have today.",
}

# How a session's interviewer answers a rep that passes: (the line, its kind).
REACTIONS: dict[str, Callable[[Lines], tuple[str, str]]] = {
    "gaps_probed": lambda lines: (lines.objection, "objection"),
    "objection_handled": lambda lines: (lines.acknowledge, "acknowledge"),
    "interest_reaffirmed": lambda lines: (lines.interest, "interest"),
    "next_step_asked": lambda lines: (lines.next_step, "next_step"),
    "follow_up_permission": lambda lines: (lines.follow_up, "follow_up"),
    "thanks_given": lambda lines: (lines.goodbye, "goodbye"),
}

OBJECTION_LINE = (
    '"That\'s a fair concern. When I faced something similar, I ... — so here I would ..." '
    "(acknowledge it, then a specific example or plan)"
)


@dataclass(frozen=True)
class DrillOptions:
    needed: int = 3  # counted passes in a row that end the drill
    max_reps: int = 20
    # Passing reps whose words are this similar (word-level edit similarity) to an earlier
    # passing rep do not count: at least a quarter of the words must change.
    parrot_similarity: float = 0.75
    seed: int | None = None
    interviewer: str = "neutral"  # the temperament whose wording cues and answers the reps


@dataclass
class Rep:
    number: int
    cue: str
    text: str
    item: ItemResult
    counted: bool
    note: str  # why it counted or not, for the user
    model_line: str
    verdict_s: float  # from the end of the rep (turn ended) to the verdict
    turn: CandidateTurn
    at: float  # where the rep starts on the drill's clock
    streak: int = 0  # counted passes in a row, this rep included

    @property
    def passed(self) -> bool:
        return self.item.passed

    def to_dict(self) -> dict[str, object]:
        return {
            "number": self.number,
            "cue": self.cue,
            "text": self.text,
            "passed": self.passed,
            "counted": self.counted,
            "note": self.note,
            "evidence": [e.to_dict() for e in self.item.evidence],
            "model_line": self.model_line,
            "verdict_s": round(self.verdict_s, 3),
        }


@dataclass
class DrillResult:
    scenario: Scenario
    item: str
    reps: list[Rep] = field(default_factory=list)
    ended_by: str = "turns ran out"  # "done", "interrupt", "turns ran out", "rep limit", "nothing said"
    needed: int = 3

    @property
    def passes(self) -> int:
        return sum(r.passed for r in self.reps)

    @property
    def counted(self) -> int:
        return sum(r.counted for r in self.reps)

    @property
    def streak(self) -> int:
        """Counted passes in a row at the end (uncounted passes neither add nor break it)."""
        n = 0
        for r in reversed(self.reps):
            if not r.passed:
                break
            n += r.counted
        return n

    @property
    def done(self) -> bool:
        return self.streak >= self.needed


def drill_lines(scenario: Scenario, temperament: str = "neutral") -> list[str]:
    """Every line a drill of this scenario may say in this temperament (to render ahead)."""
    said = [scenario.signal_to_end, *scenario.objections, scenario.next_step, scenario.goodbye]
    for kind in ("anything_else", "acknowledge", "interest", "follow_up"):
        said += wording(scenario, kind, temperament)
    return said


def words_of(text: str) -> list[str]:
    return [t.text for t in normalize(text).words]


def wording_similarity(a: str, b: str) -> float:
    """1.0 for the same words in the same order; word-level edit distance otherwise."""
    return Levenshtein.normalized_similarity(words_of(a), words_of(b))


def model_line(item: str, scenario: Scenario, judged: ItemResult) -> str:
    """One line to say, built from the scenario (as in the report's advice for a miss)."""
    if item == "objection_handled":
        return OBJECTION_LINE
    missed = replace(judged, passed=False, heard=judged.heard or [])
    line = suggestion(missed, scenario, 0, None) or ""
    quoted = line[line.find('"') :] if '"' in line else line
    return quoted


def judge_rep(item: str, scenario: Scenario, turn: CandidateTurn, cue: str) -> ItemResult:
    if item == "objection_handled":
        return objection_handled(scenario, cue, turn.transcript)
    result = score(scenario, turn.transcript)
    return next(i for i in result.items if i.id == item)


def run_drill(
    scenario: Scenario,
    item: str,
    source: TurnSource,
    interviewer: Interviewer,
    options: DrillOptions = DrillOptions(),
    on_rep: Callable[[Rep], None] | None = None,
) -> DrillResult:
    if item not in DRILLABLE:
        raise ValueError(f"{item} cannot be drilled")
    rng = random.Random(options.seed)
    result = DrillResult(scenario, item, needed=options.needed)
    clock = 0.0
    try:
        while len(result.reps) < options.max_reps:
            lines = Lines.choose(scenario, rng.randrange(2**32), options.interviewer)
            cue = CUES[item](scenario, lines)
            clock += interviewer.say(cue, "cue")
            turn = source.next_turn(after_goodbye=False)
            if turn is None:
                result.ended_by = "turns ran out"
                break
            text = turn.transcript.text.strip()
            if not text:
                result.ended_by = "nothing said"
                break
            t0 = time.perf_counter()
            judged = judge_rep(item, scenario, turn, cue)
            verdict_s = time.perf_counter() - t0 + (turn.latency_s or 0.0)
            counted, note = _counts(judged, text, result.reps, options)
            rep = Rep(
                len(result.reps) + 1,
                cue,
                text,
                judged,
                counted,
                note,
                model_line(item, scenario, judged),
                verdict_s,
                turn,
                clock,
            )
            clock += turn.audio.duration if turn.audio else 0.0
            result.reps.append(rep)
            rep.streak = result.streak
            if on_rep:
                on_rep(rep)
            if judged.passed and item in REACTIONS and turn.ended_by not in STOPPING:
                clock += interviewer.say(*REACTIONS[item](lines))  # as a session would answer it
            if result.done:
                result.ended_by = "done"
                break
            if turn.ended_by in STOPPING:
                result.ended_by = turn.ended_by
                break
        else:
            result.ended_by = "rep limit"
    except KeyboardInterrupt:
        result.ended_by = "interrupt"
    return result


def _counts(judged: ItemResult, text: str, earlier: list[Rep], options: DrillOptions) -> tuple[bool, str]:
    if not judged.passed:
        return False, "not yet"
    for rep in earlier:
        if rep.passed and wording_similarity(text, rep.text) >= options.parrot_similarity:
            return False, f"passed, but in nearly the words of rep {rep.number}: say it another way"
    return True, "passed"
