"""Typed results of scoring a close."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# What the report calls each item.
LABELS = {
    "skills_restated": "Restated your best skills",
    "requirements_matched": "Tied requirements to what you deliver",
    "gaps_probed": "Probed for gaps and concerns",
    "interest_reaffirmed": "Reaffirmed your interest",
    "next_step_asked": "Asked about next steps and timing",
    "follow_up_permission": "Asked permission to follow up",
    "thanks_given": "Thanked the interviewer",
    "concise": "Didn't linger",
    "objection_handled": "Overcame the objection",
}


@dataclass(frozen=True)
class Evidence:
    """Words of the transcript that support a verdict, as character offsets (and seconds)."""

    text: str
    start: int
    end: int
    start_s: float | None = None
    end_s: float | None = None
    note: str | None = None  # what this stretch counts as, e.g. the skill it restates

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"text": self.text, "start": self.start, "end": self.end}
        if self.start_s is not None:
            d["start_s"], d["end_s"] = round(self.start_s, 2), round(self.end_s or self.start_s, 2)
        if self.note:
            d["note"] = self.note
        return d


@dataclass
class ItemResult:
    id: str
    passed: bool
    score: float
    evidence: list[Evidence] = field(default_factory=list)
    suggestion: str | None = None
    heard: list[str] | None = None  # skills or requirements heard, for the two items that count them

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "passed": self.passed,
            "score": round(self.score, 3),
            "evidence": [e.to_dict() for e in self.evidence],
            "suggestion": self.suggestion,
        }
        if self.heard is not None:
            d["heard"] = self.heard
        return d


@dataclass
class Score:
    scenario: str
    items: list[ItemResult]
    total: int
    judge: str = "wording"  # "semantic" when the sentence model judged, "wording" when it could not

    def item(self, item_id: str) -> ItemResult:
        return next(i for i in self.items if i.id == item_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "items": [i.to_dict() for i in self.items],
            "total": self.total,
            "judge": self.judge,
        }
