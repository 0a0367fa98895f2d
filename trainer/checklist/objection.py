"""`objection_handled`: did the answer to the interviewer's objection address its substance,
with evidence or a concrete plan, rather than dismiss it?

The wording finds what an answer says (the objection's own words, something done, a plan,
numbers, a dismissal); sentence embeddings find how close it comes to the objection and to
example answers that do and do not handle one; a logistic model fitted on labelled answers
(trainer/checklist/fit_objection.py) weighs them. Without the model or the embedder, a
wording rule decides."""

from __future__ import annotations

import json
import logging
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from trainer.checklist import embed
from trainer.checklist.concepts import GENERIC, build_concepts
from trainer.checklist.context import Context
from trainer.checklist.embed import Embedder
from trainer.checklist.learn import Logistic
from trainer.checklist.match import Hit, compile_all, find_any, similarity
from trainer.checklist.result import ItemResult
from trainer.checklist.text import normalize
from trainer.checklist.windows import long_windows
from trainer.scenarios.file import Scenario
from trainer.speech.transcript import Transcript

log = logging.getLogger("trainer.judge")

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
_ARGUE = compile_all(
    [
        "=push_back",
        "=disagree",
        "=stereotype|=unfair|=impossible",
        "=not_fair",
        "your =side|=end",
        "no =choice",
    ]
)
_PRAISE = compile_all(
    [
        "im|i_am a|an? .. =learner|=leader|=worker|=player|=communicator|=self_starter|=people_person",
        "=versatile|=passionate|=dedicated|=motivated|=adaptable|=hardworking",
        "hundred =percent",
    ]
)
_MORE_DISMISS = compile_all(
    [
        "=dont|=doesnt|=didnt think|see .. =matters|=matter|=changes|=issue|=problem|=difference",
        "=exactly|=basically the =same",
    ]
)
# Something the speaker did: a first-person subject and a verb in the past ("I maintained",
# "we cut", "I've shadowed"), by the past tense's regular ending or the irregular forms.
_SUBJECTS = frozenset("i we ive weve".split())
_IRREGULAR_PAST = frozenset(
    """did done ran run took taken built led made got gotten wrote written taught kept gave given
    went won grew grown cut brought sold spent set put drove driven met saw seen found began begun
    became held rode stood told paid sent flew fought chose chosen broke broken caught dealt drew
    drawn fed felt hit knew known left lost oversaw overseen quit rebuilt rewrote rose sat sought
    spoke spoken struck threw thrown undertook upheld wore withdrew been""".split()
)
_NOT_PAST = frozenset("need feed proceed succeed exceed bleed breed seed speed weed".split())  # "-ed" but present
PAST_REACH = 3  # words between the subject and its verb ("I also personally trained")
MIN_WORDS = 15
# Words an answer shares with any objection without speaking to it.
_COMMON = frozenset("last usually mostly really about around quite fairly very much some lot most".split())
DATA = Path(__file__).parent / "data"
MODEL_PATH = DATA / "objection-model.json"
EXAMPLES_PATH = DATA / "objection-examples.toml"
FEATURES = (
    "substance",  # two of the objection's own words echoed: the answer is about it
    "echo share",  # the share of the objection's telling words echoed
    "experience",  # phrases of something done ("last year", "I trained")
    "done",  # first-person verbs in the past ("I maintained", "we cut")
    "specific and close",  # something done, a number or a plan, times the closest sentence
    "argues",  # "I'd push back", "that's on your side"
    "praises",  # "I'm a natural leader", "I'm versatile"
    "tautology",  # "a dashboard is a dashboard"
    "plan",  # phrases of a concrete next step ("I've signed up for")
    "numbers",  # a number said: specifics
    "dismissed",  # "that won't be a problem"
    "length",  # words, up to MIN_WORDS
    "closeness",  # the whole answer's embedding against the objection's
    "closest sentence",  # its closest window to the objection
    "like handling",  # its closest window to an example answer that handles an objection
    "like not handling",  # ... and to one that does not
    "recognizer",  # unpunctuated text, as a recognizer writes it
)


@dataclass
class Reading:
    """What the wording of an answer shows."""

    ctx: Context
    telling: list[str]  # the objection's own words that say what it is about
    echoed: list[str]  # those the answer says too
    experience: list[Hit]
    plan: list[Hit]
    numbers: int
    dismissed: bool
    done: int
    argues: bool
    praises: bool
    tautology: bool

    @property
    def substance(self) -> float:
        return min(1.0, len(self.echoed) / 2)

    @property
    def evidence(self) -> float:
        if self.experience and (self.numbers or len(self.experience) >= 2):
            return 1.0
        return 0.7 if self.experience or self.plan else 0.0

    @property
    def length(self) -> float:
        return min(1.0, len(self.ctx.words) / MIN_WORDS)


def read(scenario: Scenario, objection: str, answer: Transcript) -> Reading:
    ctx = Context(answer)
    context = list(scenario.skills) + list(scenario.requirements) + list(scenario.objections)
    [concept] = build_concepts([objection], {}, context)
    telling = [w for w in concept.words if w not in GENERIC and w not in _NUMBERS and w not in _COMMON and len(w) > 2]
    echoed = [w for w in telling if any(similarity(w, t) >= 0.85 for t in ctx.words)]
    return Reading(
        ctx,
        telling,
        echoed,
        find_any(ctx.words, _EXPERIENCE),
        find_any(ctx.words, _PLAN),
        sum(w in _NUMBERS for w in ctx.words),
        bool(find_any(ctx.words, _DISMISS) or find_any(ctx.words, _MORE_DISMISS)),
        _things_done(ctx.words),
        bool(find_any(ctx.words, _ARGUE)),
        bool(find_any(ctx.words, _PRAISE)),
        _tautology(ctx.words),
    )


def _past(word: str) -> bool:
    if word in _IRREGULAR_PAST:
        return True
    return word.endswith("ed") and len(word) > 4 and word not in _NOT_PAST


def _things_done(words: list[str]) -> int:
    """How many first-person subjects have a verb in the past within reach."""
    return sum(
        1 for i, w in enumerate(words) if w in _SUBJECTS and any(_past(v) for v in words[i + 1 : i + 2 + PAST_REACH])
    )


def _tautology(words: list[str]) -> bool:
    """ "X is X": a dismissal dressed as a fact ("a busy night is a busy night", "events are events")."""
    for k in (1, 2, 3):
        for i in range(len(words) - 2 * k):
            if words[i + k] in ("is", "are") and words[i : i + k] == words[i + k + 1 : i + 2 * k + 1]:
                return True
    return False


def by_wording(r: Reading) -> tuple[bool, float]:
    """The verdict from wording alone, when the fitted model or the embedder is missing."""
    score = 0.45 * r.substance + 0.45 * r.evidence + 0.1 * r.length
    if r.dismissed and r.evidence < 1.0:
        score *= 0.5
    return r.substance >= 0.5 and r.evidence >= 0.7 and score >= 0.6, score


@lru_cache(maxsize=1)
def _examples() -> tuple[list[str], list[str]]:
    data = tomllib.loads(EXAMPLES_PATH.read_text(encoding="utf-8"))
    norm = [" ".join(t.text for t in normalize(e).words) for e in data["handles"]["examples"]]
    return norm, [" ".join(t.text for t in normalize(e).words) for e in data["does_not"]["examples"]]


def features(r: Reading, objection: str, embedder: Embedder) -> np.ndarray:
    """The answer as the model sees it (FEATURES, in order)."""
    windows = [w.text for w in long_windows(r.ctx)] or [""]
    handles, does_not = _examples()
    said = " ".join(r.ctx.words)
    asked = " ".join(t.text for t in normalize(objection).words)
    emb = embedder.encode([asked, said, *windows, *handles, *does_not])
    asked_v, said_v, win = emb[0], emb[1], emb[2 : 2 + len(windows)]
    pos, neg = emb[2 + len(windows) : 2 + len(windows) + len(handles)], emb[2 + len(windows) + len(handles) :]
    closest = float((win @ asked_v).max())
    specific = max(float(r.numbers > 0), float(r.done > 0), float(bool(r.plan)))
    return np.array(
        [
            r.substance,
            len(r.echoed) / max(1, len(r.telling)),
            min(1.0, len(r.experience) / 2),
            min(1.0, r.done / 2),
            specific * closest,
            float(r.argues),
            float(r.praises),
            float(r.tautology),
            float(bool(r.plan)),
            float(r.numbers > 0),
            float(r.dismissed),
            r.length,
            float(said_v @ asked_v),
            closest,
            float((win @ pos.T).max()),
            float((win @ neg.T).max()),
            float(not r.ctx.text.punctuated),
        ]
    )


@lru_cache(maxsize=1)
def _model() -> Logistic | None:
    try:
        data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
        if data.get("features") != list(FEATURES):
            raise ValueError("it was fitted on other features; run python -m trainer.checklist.fit_objection")
        return Logistic.from_dict(data)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("%s: the objection model could not be read (%s); judging answers by wording only", MODEL_PATH, exc)
        return None


def objection_handled(scenario: Scenario, objection: str | None, answer: Transcript | None) -> ItemResult:
    if objection is None:
        return ItemResult(
            "objection_handled",
            False,
            0.0,
            suggestion="Probe for gaps so the interviewer voices the objection, then answer it: "
            '"Do you have any concerns about my ability to do well in this job?"',
        )
    r = read(scenario, objection, answer or Transcript(""))
    model, embedder = _model(), embed.shared() if r.ctx.words else None
    if model is not None and embedder is not None:
        score = float(model.prob(features(r, objection, embedder))[0])
        passed = score >= 0.5
    else:
        passed, score = by_wording(r)
    hits = r.experience + r.plan
    item = ItemResult("objection_handled", passed, round(score, 3), r.ctx.hit_evidence(hits) if hits else [])
    item.heard = r.echoed
    if not passed:
        item.suggestion = _advice(r, objection)
    return item


def _advice(r: Reading, objection: str) -> str:
    if r.dismissed and r.evidence < 1.0:
        why = "You brushed the concern aside. "
    elif r.substance < 0.5:
        why = "Your answer didn't speak to the concern itself. "
    else:
        why = "Back your answer with proof. "
    return (
        f"{why}Acknowledge it, then answer with a specific example or plan: \"That's a fair "
        f'concern. When I faced something similar, I ... — so here I would ..." (the objection was: '
        f'"{objection}")'
    )
