"""`objection_handled`: did the answer to the interviewer's objection address its substance,
with evidence or a concrete plan, rather than dismiss it?"""

from __future__ import annotations

from trainer.checklist.concepts import GENERIC, build_concepts
from trainer.checklist.context import Context
from trainer.checklist.match import compile_all, find_any, similarity
from trainer.checklist.result import ItemResult
from trainer.scenarios.file import Scenario
from trainer.speech.transcript import Transcript

_NUMBERS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred thousand million percent half dozen dozens""".split()
)
_EXPERIENCE = compile_all(
    [
        "for example|instance",
        "last|this|that year|month|quarter|summer|spring|fall|winter|week",
        "at|in my last|previous|current|old job|role|company|team|unit|school|position",
        "when i",
        "i|ive|weve have|had? =done|=handled|=worked|=led|=managed|=built|=learned|=taken|=trained|=covered|=run|=used",
        "i =did|=handled|=worked|=led|=managed|=built|=learned|=took|=trained|=covered|=ran|=used|=picked|=started|=completed|=finished|=volunteered|=shadowed",
    ]
)
_PLAN = compile_all(
    [
        "my plan|approach",
        "in|within|during my|the first .. days|weeks|months|ninety",
        "i .. will|would|plan|intend|already .. =start|=learn|=take|=spend|=shadow|=study|=ask|=set|=get|=work|=signed|=enrolled|=registered",
        "=signed|=enrolled|=registered up? for",
    ]
)
_DISMISS = compile_all(
    [
        "not|no a|an? =problem|=issue|=big_deal|=concern",
        "doesnt|wont|shouldnt =matter",
        "=dont|=no =worry|=worries",
        "ill|i_will be =fine|=okay",
        "=figure it out",
        "=whatever",
    ]
)
MIN_WORDS = 15
# Words an answer shares with any objection without speaking to it.
_COMMON = frozenset("last usually mostly really about around quite fairly very much some lot most".split())


def objection_handled(scenario: Scenario, objection: str | None, answer: Transcript | None) -> ItemResult:
    if objection is None:
        return ItemResult(
            "objection_handled",
            False,
            0.0,
            suggestion="Probe for gaps so the interviewer voices the objection, then answer it: "
            '"Do you have any concerns about my ability to do well in this job?"',
        )
    ctx = Context(answer or Transcript(""))
    context = list(scenario.skills) + list(scenario.requirements) + list(scenario.objections)
    [concept] = build_concepts([objection], {}, context)
    telling = [w for w in concept.words if w not in GENERIC and w not in _NUMBERS and w not in _COMMON and len(w) > 2]
    echoed = [w for w in telling if any(similarity(w, t) >= 0.85 for t in ctx.words)]
    substance = min(1.0, len(echoed) / 2)  # two of its own words: the answer is about this objection
    experience = find_any(ctx.words, _EXPERIENCE)
    plan = find_any(ctx.words, _PLAN)
    numbers = [i for i, w in enumerate(ctx.words) if w in _NUMBERS]
    evidence = 1.0 if experience and (numbers or len(experience) >= 2) else 0.7 if experience or plan else 0.0
    dismissed = find_any(ctx.words, _DISMISS)
    length = min(1.0, len(ctx.words) / MIN_WORDS)
    score = 0.45 * substance + 0.45 * evidence + 0.1 * length
    if dismissed and evidence < 1.0:
        score *= 0.5
    passed = substance >= 0.5 and evidence >= 0.7 and score >= 0.6
    hits = experience + plan
    item = ItemResult("objection_handled", passed, round(score, 3), ctx.hit_evidence(hits) if hits else [])
    item.heard = echoed
    if not passed:
        if dismissed and evidence < 1.0:
            why = "You brushed the concern aside. "
        elif substance < 0.5:
            why = "Your answer didn't speak to the concern itself. "
        else:
            why = "Back your answer with proof. "
        item.suggestion = (
            f"{why}Acknowledge it, then answer with a specific example or plan: \"That's a fair "
            f'concern. When I faced something similar, I ... — so here I would ..." (the objection was: '
            f'"{objection}")'
        )
    return item
