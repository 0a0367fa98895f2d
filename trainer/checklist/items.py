"""One detector per checklist item (definitions: LABELS.md, summarized in docs/checklist.md)."""

from __future__ import annotations

from collections.abc import Callable

from trainer.checklist import phrases
from trainer.checklist.concepts import build_concepts, find_mentions, lacked, quoted_need
from trainer.checklist.context import Context
from trainer.checklist.match import Hit, compile_all, find_any
from trainer.checklist.result import ItemResult
from trainer.scenarios.file import Scenario

_THANKS = compile_all(phrases.THANKS)
_NEXT = compile_all(phrases.NEXT_STEP)
_FOLLOW = compile_all(phrases.FOLLOW_UP)
_CONCERNS = compile_all(phrases.CONCERNS)
_INTEREST = compile_all(phrases.INTEREST)

PASS = 0.5  # an item passes when its best evidence is at least this sure


def _result(item_id: str, ctx: Context, hits: list[Hit]) -> ItemResult:
    if not hits:
        return ItemResult(item_id, False, 0.0)
    best = max(h.quality for h in hits)
    return ItemResult(item_id, best >= PASS, best, ctx.hit_evidence(hits))


def _negated(ctx: Context, start: int) -> bool:
    return any(w in phrases.NEGATIONS for w in ctx.window(start, start, 3, 0))


def thanks_given(ctx: Context, scenario: Scenario) -> ItemResult:
    keep = []
    for h in find_any(ctx.words, _THANKS):
        before = ctx.window(h.start, h.start, 2, 0)
        after = ctx.words[h.end : h.end + 2]
        if "no" in before:  # "no thanks", "oh no thank you"
            continue
        if after[:1] == ["to"] or after[:1] and after[0] in {"my", "our", "them", "him", "her", "god"}:
            continue  # "thanks to my team", "thank my team"
        if before[-1:] and before[-1] in {"her", "his", "their", "along", "its"}:
            continue  # thanks passed on from someone else
        keep.append(h)
    return _result("thanks_given", ctx, keep)


def next_step_asked(ctx: Context, scenario: Scenario) -> ItemResult:
    keep = []
    for h in find_any(ctx.words, _NEXT):
        before = ctx.words[max(0, h.start - 2) : h.start]
        after = ctx.window(h.end, h.end, 0, 4)
        if any(w in phrases.NEXT_STEP_VETO_BEFORE for w in before):
            continue
        if any(w in phrases.NEXT_STEP_VETO_AFTER for w in after):
            continue
        # "when you will make the decision": a when-clause about the interviewer asks by itself.
        asks = ctx.words[h.start] == "when" and "you" in ctx.words[h.start : h.end]
        if asks or ctx.is_question(h.start) or ctx.is_question(h.end - 1):
            keep.append(h)
    return _result("next_step_asked", ctx, keep)


def follow_up_permission(ctx: Context, scenario: Scenario) -> ItemResult:
    keep = []
    for h in find_any(ctx.words, _FOLLOW):
        after = ctx.window(h.end, h.end, 0, 3)
        if any(w in phrases.FOLLOW_UP_VETO_OBJECTS for w in after):
            continue
        keep.append(h)
    return _result("follow_up_permission", ctx, keep)


def _self_denial(ctx: Context, start: int) -> bool:
    """ "I don't think I have any gaps": the candidate answers for the interviewer instead of asking."""
    lo = max(0, start - 6)
    for j in range(lo, start):
        if ctx.words[j] in {"i", "im", "ive"} and any(w in phrases.DENIALS for w in ctx.words[j + 1 : j + 4]):
            return True
    return False


def gaps_probed(ctx: Context, scenario: Scenario) -> ItemResult:
    keep = []
    for h in find_any(ctx.words, _CONCERNS):
        after = " ".join(ctx.words[h.end : h.end + 2])
        if ctx.words[h.start] in {"gap", "gaps"} and any(after.startswith(v) for v in phrases.GAP_VETO_AFTER):
            continue
        if not (ctx.is_question(h.start) or ctx.is_question(h.end - 1)) or _self_denial(ctx, h.start):
            continue
        if not any(w in phrases.SELF_REFERENCES for w in ctx.window(h.start, h.end, 10, 12)):
            continue
        keep.append(h)
    return _result("gaps_probed", ctx, keep)


def interest_reaffirmed(ctx: Context, scenario: Scenario) -> ItemResult:
    keep = [h for h in find_any(ctx.words, _INTEREST) if not _negated(ctx, h.start)]
    return _result("interest_reaffirmed", ctx, keep)


def _concepts(scenario: Scenario, which: str):  # type: ignore[no-untyped-def]
    context = list(scenario.skills) + list(scenario.requirements)
    if which == "skills":
        return build_concepts(list(scenario.skills), scenario.skill_aliases, context)
    return build_concepts(list(scenario.requirements), scenario.requirement_aliases, context)


def skills_restated(ctx: Context, scenario: Scenario) -> ItemResult:
    heard: dict[str, list[int]] = {}
    evidence = []
    for concept in _concepts(scenario, "skills"):
        for m in find_mentions(concept, ctx.words):
            if lacked(ctx.words, m.start) or quoted_need(ctx.words, m.start, m.end):
                continue
            if concept.label not in heard:
                heard[concept.label] = [m.start, m.end]
                evidence.append(ctx.evidence(m.start, m.end, note=concept.label))
            break
    n = len(heard)
    score = min(1.0, n / scenario.min_skills)
    evidence.sort(key=lambda e: e.start)
    return ItemResult("skills_restated", n >= scenario.min_skills, score, evidence, heard=list(heard))


CLAIM_REACH = 25  # words after a requirement within which the candidate must claim it
NEED_REACH = 15  # words before a requirement that may frame it as the job's ("you need X and Y")


def _claim_near(ctx: Context, start: int, end: int) -> int | None:
    """Index of a first-person statement (not a question, not negated) tying words [start, end) to the candidate."""
    lo = max(0, start - 4)
    hi = min(len(ctx.words), end + CLAIM_REACH)
    sent = ctx.sentence_of(start)
    for j in range(lo, hi):
        if ctx.text.punctuated and ctx.sentence_of(j) > sent + 1:
            break
        if ctx.words[j] not in phrases.FIRST_PERSON or ctx.is_question(j):
            continue
        # The first thing the candidate says of themselves decides: "I'm not going to pretend
        # I've done all of that" disclaims the requirement.
        negated = any(w in phrases.NEGATIONS for w in ctx.words[max(0, j - 4) : j + 3])
        return None if negated else j
    return None


def _framed_as_need(ctx: Context, start: int, end: int) -> bool:
    """The requirement is invoked as the job's ("you need...", "your site..."), not just a skill."""
    return any(w in phrases.NEED_FRAME for w in ctx.words[max(0, start - NEED_REACH) : end])


def requirements_matched(ctx: Context, scenario: Scenario) -> ItemResult:
    heard: list[str] = []
    evidence = []
    for concept in _concepts(scenario, "requirements"):
        for m in find_mentions(concept, ctx.words, anchors=False):
            if lacked(ctx.words, m.start) or not _framed_as_need(ctx, m.start, m.end):
                continue
            claim = _claim_near(ctx, m.start, m.end)
            if claim is None:
                continue
            heard.append(concept.label)
            evidence.append(ctx.evidence(m.start, max(m.end, claim + 1), note=concept.label))
            break
    n = len(heard)
    score = min(1.0, n / scenario.min_requirements)
    evidence.sort(key=lambda e: e.start)
    return ItemResult("requirements_matched", n >= scenario.min_requirements, score, evidence, heard=heard)


Detector = Callable[[Context, Scenario], ItemResult]
DETECTORS: dict[str, Detector] = {
    "skills_restated": skills_restated,
    "requirements_matched": requirements_matched,
    "gaps_probed": gaps_probed,
    "interest_reaffirmed": interest_reaffirmed,
    "next_step_asked": next_step_asked,
    "follow_up_permission": follow_up_permission,
    "thanks_given": thanks_given,
}
