"""The last step of the advice: a summary of the meeting, for the follow-up."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from trainer import paths
from trainer.session.close import SessionResult


def draft(result: SessionResult) -> str:
    """A starting point the user edits: what was discussed, the concern, the next step."""
    sc = result.scenario
    lines = [f"Meeting summary — {sc.title} ({datetime.now():%Y-%m-%d})", ""]
    heard = result.score.item("skills_restated").heard or []
    if heard:
        lines.append("What I emphasized: " + "; ".join(heard) + ".")
    tied = result.score.item("requirements_matched").heard or []
    if tied:
        lines.append("Their needs I can meet: " + "; ".join(tied) + ".")
    for objection in result.objections:
        lines.append(f"Their concern: {objection}")
        lines.append("My follow-up on it: (one more piece of evidence to send)")
    asked = any(e.kind == "next_step" for e in result.events)
    lines.append(f"Next step: {sc.next_step}" if asked else "Next step: not discussed — ask in the follow-up.")
    lines.append("Thank-you note: send within 24 hours.")
    return "\n".join(lines)


def save(result: SessionResult, text: str) -> Path:
    """Kept beside the recordings until the run history stores it."""
    folder = paths.user_dir() / "summaries"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{datetime.now():%Y%m%d-%H%M%S}-{result.scenario.name}.md"
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path
