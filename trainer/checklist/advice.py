"""What to say next time: one concrete line per missed item, built from the scenario."""

from __future__ import annotations

from trainer.checklist.result import ItemResult
from trainer.scenarios.file import Scenario


def _list(items: list[str]) -> str:
    items = [i[0].lower() + i[1:] if i[:2].lower() == i[:2] or i[1:2].islower() else i for i in items]
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1] if items else ""


def suggestion(item: ItemResult, scenario: Scenario, words: int, seconds: float | None) -> str | None:
    """A line to say next time, in the spirit of the classic advice; None for a passed item."""
    if item.passed:
        return None
    if item.id == "skills_restated":
        missing = [s for s in scenario.skills if s not in (item.heard or [])]
        pick = (list(item.heard or []) + missing)[: max(scenario.min_skills, 3)]
        return (
            f"Restate your best skills in one breath (you named {len(item.heard or [])} of "
            f'{scenario.min_skills} needed): "What I bring is {_list(pick)}."'
        )
    if item.id == "requirements_matched":
        reqs = [r for r in scenario.requirements if r not in (item.heard or [])] or list(scenario.requirements)
        return (
            f'Tie what the job needs to what you deliver, twice: "Your position requires someone to '
            f'{reqs[0]}, and I can deliver that: here is where I did it..."'
        )
    if item.id == "gaps_probed":
        return (
            'Probe for hidden objections, then answer them: "Do you see any gaps between my '
            f"qualifications and the requirements for this {scenario.role.lower()} job? Do you have any "
            'concerns about my ability to do well?"'
        )
    if item.id == "interest_reaffirmed":
        return f'Say plainly that you want it: "This {scenario.role.lower()} job and I sound like a terrific match."'
    if item.id == "next_step_asked":
        return 'Ask about the process: "What is the next step in the hiring process, and when do you expect to make a decision?"'
    if item.id == "follow_up_permission":
        return 'Ask permission to follow up: "May I feel free to call if I have further questions?"'
    if item.id == "thanks_given":
        return 'Thank the interviewer before you go: "Thank you for your time today; I enjoyed our conversation."'
    if item.id == "concise":
        length = f"{seconds:.0f} seconds" if seconds is not None else f"{words} words"
        limit = f"{scenario.max_seconds} seconds" if seconds is not None else f"{scenario.max_words} words"
        return f"Your close ran {length}; keep it under {limit}: make each point once, thank them, and stop."
    return None
