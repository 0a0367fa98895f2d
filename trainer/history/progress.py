"""Progress over rehearsals: how often each item was hit, the trends, what to work on next."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from trainer.checklist.result import LABELS
from trainer.history.store import RunRecord

GENERIC_LINES = {
    "skills_restated": '"What I bring is ... , ... and ..." — your three best skills in one breath.',
    "requirements_matched": '"Your position requires X, and I can deliver X: here is where I did it."',
    "gaps_probed": '"Do you see any gaps between my qualifications and the requirements for the job?"',
    "interest_reaffirmed": '"This job and I sound like a terrific match."',
    "next_step_asked": '"What is the next step in the hiring process, and when do you expect to make a decision?"',
    "follow_up_permission": '"May I feel free to call if I have further questions?"',
    "thanks_given": '"Thank you for your time today."',
    "concise": "Make each point once, thank them, and stop.",
    "objection_handled": '"That\'s a fair concern. When I faced something similar, I ..."',
}


@dataclass(frozen=True)
class ItemTrend:
    id: str
    label: str
    hits: int
    runs: int

    @property
    def rate(self) -> float:
        return self.hits / self.runs if self.runs else 0.0


@dataclass(frozen=True)
class Point:
    run_id: int
    when: str
    total: int
    wpm: float | None
    fillers_per_minute: float | None


@dataclass(frozen=True)
class Progress:
    runs: int
    items: list[ItemTrend]
    points: list[Point]
    focus: ItemTrend | None
    focus_line: str | None

    @property
    def change(self) -> int | None:
        """Total of the latest run minus the first one shown."""
        return self.points[-1].total - self.points[0].total if len(self.points) >= 2 else None


def compute(runs: list[RunRecord]) -> Progress:
    """Full closes only: a drill rep is one line, not a close."""
    runs = [r for r in runs if r.kind != "drill"]
    order = list(LABELS)
    counts: dict[str, list[int]] = {}
    for run in runs:
        for item in run.items:
            hits, seen = counts.get(item["id"], [0, 0])
            counts[item["id"]] = [hits + int(item["passed"]), seen + 1]
    items = [ItemTrend(i, LABELS[i], *counts[i]) for i in order if i in counts]
    points = [
        Point(
            r.id or 0,
            r.created_at or "",
            r.total,
            (r.metrics or {}).get("words_per_minute"),
            (r.metrics or {}).get("fillers_per_minute"),
        )
        for r in runs
    ]
    focus = weakest(items)
    line = None
    if focus is not None:
        for run in reversed(runs):  # the latest concrete advice for it, built from that scenario
            advice = next((i.get("suggestion") for i in run.items if i["id"] == focus.id and not i["passed"]), None)
            if advice:
                line = advice
                break
        line = line or GENERIC_LINES.get(focus.id)
    return Progress(len(runs), items, points, focus, line)


def weakest(items: list[ItemTrend], among: Collection[str] | None = None) -> ItemTrend | None:
    """The item hit least often (ties: the checklist's order), of those missed at least once."""
    order = list(LABELS)
    missed = [t for t in items if t.rate < 1.0 and (among is None or t.id in among)]
    return min(missed, key=lambda t: (t.rate, order.index(t.id))) if missed else None


@dataclass(frozen=True)
class DrillTrend:
    id: str
    label: str
    drills: int
    finished: int  # drills ended by enough counted passes in a row
    reps: int
    passes: int
    counted: int


def drill_trends(runs: list[RunRecord]) -> list[DrillTrend]:
    """Per drilled item: how many drills and reps, how many passed and counted."""
    acc: dict[str, list[int]] = {}
    for run in runs:
        if run.kind != "drill" or not run.items:
            continue
        reps = [e for e in run.conversation or [] if e.get("kind") == "rep"]
        a = acc.setdefault(run.items[0]["id"], [0, 0, 0, 0, 0])
        a[0] += 1
        a[1] += int(run.items[0]["passed"])
        a[2] += len(reps)
        a[3] += sum(bool(e.get("passed")) for e in reps)
        a[4] += sum(bool(e.get("counted")) for e in reps)
    order = list(LABELS)
    return [DrillTrend(i, LABELS.get(i, i), *acc[i]) for i in sorted(acc, key=order.index)]


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | None], low: float = 0.0, high: float = 100.0) -> str:
    out = []
    for v in values:
        if v is None:
            out.append(" ")
            continue
        k = int((min(max(v, low), high) - low) / (high - low or 1) * (len(SPARK) - 1))
        out.append(SPARK[k])
    return "".join(out)
