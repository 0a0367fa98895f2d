"""The judge's semantic layer: verdicts from sentence embeddings and fitted models.

Intent items (gaps, interest, next step, follow-up, thanks): a window classifier per item scores
every long window of the close (its embedding, whether it is a question or a first-person
claim, its closeness to the item's example sentences); a close-level model weighs the best
window scores with the wording-based verdict. Skills and requirements: every scenario phrase
gets a row of evidence (closeness to the best windows, words heard fuzzily, the wording-based
match); one model scores a row, and the close passes when at least `min_skills` (or
`min_requirements`) phrases score as heard. Every weight is fitted on labelled closes
(trainer/checklist/fit.py); nothing here is a hand-set threshold.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import re
import threading
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from trainer.checklist import embed, phrases, questions
from trainer.checklist.concepts import build_concepts, content_words, find_mentions, lacked, quoted_need
from trainer.checklist.context import Context
from trainer.checklist.embed import Embedder
from trainer.checklist.learn import Logistic
from trainer.checklist.result import Evidence, ItemResult
from trainer.checklist.text import normalize
from trainer.checklist.windows import Window, long_windows, mid_windows, short_windows
from trainer.scenarios.file import Scenario

log = logging.getLogger("trainer.judge")

DATA = Path(__file__).parent / "data"
MODEL_PATH = DATA / "judge-model.json"
EXAMPLES_PATH = DATA / "examples.toml"
INTENT_ITEMS = ("gaps_probed", "interest_reaffirmed", "next_step_asked", "follow_up_permission", "thanks_given")
LIST_ITEMS = ("skills_restated", "requirements_matched")
KINDS = {
    "gaps_probed": "a question about gaps or concerns",
    "interest_reaffirmed": "says they want this job",
    "next_step_asked": "a question about the next step",
    "follow_up_permission": "asks to follow up",
    "thanks_given": "thanks the interviewer",
}
CLAIM_REACH = 10  # words around a short window where a first-person claim makes it a claim


@lru_cache(maxsize=1)
def examples() -> dict[str, tuple[list[str], list[str]]]:
    data = tomllib.loads(EXAMPLES_PATH.read_text(encoding="utf-8"))
    return {item: (list(data[item]["positive"]), list(data[item]["negative"])) for item in INTENT_ITEMS}


@dataclass
class View:
    """Everything the judge computes once for a close: windows, their vectors, the wording verdicts."""

    ctx: Context
    long: list[Window]
    short: list[Window]
    long_emb: np.ndarray
    short_emb: np.ndarray
    rules: dict[str, ItemResult]
    asr: bool
    short_claim: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    mid: list[Window] = field(default_factory=list)
    mid_emb: np.ndarray = field(default_factory=lambda: np.zeros((0, 384)))

    @property
    def intent_windows(self) -> list[Window]:
        """An intent may fill a sentence or hide in a few words of a long one."""
        return self.long + self.mid

    @property
    def intent_emb(self) -> np.ndarray:
        return np.vstack([self.long_emb, self.mid_emb])

    @property
    def phrase_windows(self) -> list[Window]:
        """A skill or requirement may fill a sentence or be one item of a list."""
        return self.long + self.short

    @property
    def phrase_emb(self) -> np.ndarray:
        return np.vstack([self.long_emb, self.short_emb])


def view(ctx: Context, rules: dict[str, ItemResult], embedder: Embedder) -> View:
    lw, sw, mw = long_windows(ctx), short_windows(ctx), mid_windows(ctx)
    emb = embedder.encode([w.text for w in lw] + [w.text for w in sw] + [w.text for w in mw])
    n, m = len(lw), len(lw) + len(sw)
    claims = [i for i, w in enumerate(ctx.words) if w in phrases.FIRST_PERSON and not ctx.is_question(i)]
    short_claim = np.array(
        [any(w.start - CLAIM_REACH <= i < w.end + CLAIM_REACH for i in claims) and not w.question for w in sw],
        dtype=bool,
    )
    return View(ctx, lw, sw, emb[:n], emb[n:m], rules, not ctx.text.punctuated, short_claim, mw, emb[m:])


# ---- intent items ------------------------------------------------------------------------


def window_features(windows: list[Window], emb: np.ndarray, pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    """Per window: its embedding, question/claim/lack flags, best closeness to positive and negative examples."""
    if not windows:
        return np.zeros((0, emb.shape[1] + 5))
    flags = np.array([[w.question, w.claim, w.lack] for w in windows], dtype=np.float64)
    sims = np.stack([(emb @ pos.T).max(axis=1), (emb @ neg.T).max(axis=1)], axis=1)
    return np.hstack([emb, flags, sims])


def close_features(logits: np.ndarray, rule: ItemResult, asr: bool) -> np.ndarray:
    """Close-level evidence for an intent item: the two best window scores and the wording verdict."""
    top = np.sort(logits)[::-1] if len(logits) else np.array([-10.0])
    second = top[1] if len(top) > 1 else top[0] - 5
    return np.array([top[0], second, float(rule.passed), rule.score, float(asr)])


# ---- skills and requirements --------------------------------------------------------------


_PARTS = r",|;|\(|\)|\band\b|\bwith\b|\bincluding\b|\bplus\b"
# A requirement (a task: do something to something for some end) is often claimed by one of its
# phrases alone ("your cabinet rework is what I did" for "redesign the rooftop unit cabinet for
# lower air leakage"): its phrases between prepositions are forms of it too.
_PREPOSITIONS = r"\s(?:for|to|by|through|across|from|within|on|in|of|at)\s"


def _forms(phrase: str, task: bool = False) -> list[str]:
    """A phrase as the windows are written (normalized words), and each of its parts that can
    stand alone ("run productions and privilege logs on cases with 300,000+ documents" is
    heard as "I run the productions" as often as whole)."""
    forms = [" ".join(t.text for t in normalize(phrase).words)]
    parts = re.split(_PARTS, phrase) + (re.split(f"{_PARTS}|{_PREPOSITIONS}", phrase) if task else [])
    for part in parts:
        if len(content_words(part)) >= 2:
            forms.append(" ".join(t.text for t in normalize(part).words))
    return list(dict.fromkeys(f for f in forms if f))


def phrase_texts(scenario: Scenario, which: str) -> list[tuple[str, list[str]]]:
    """Each skill or requirement with its parts and aliases, as texts to embed."""
    if which == "skills_restated":
        pairs = [(s, scenario.skill_aliases.get(s, ())) for s in scenario.skills]
    else:
        pairs = [(r, scenario.requirement_aliases.get(r, ())) for r in scenario.requirements]
    task = which == "requirements_matched"
    return [(label, _forms(label, task) + [f for a in aliases for f in _forms(a, task)]) for label, aliases in pairs]


def _lexical(ctx: Context, scenario: Scenario, which: str) -> dict[str, tuple[float, int, int]]:
    """Best fuzzy word coverage of each phrase (not lacked, not the job's words quoted back)."""
    context = list(scenario.skills) + list(scenario.requirements)
    skills = which == "skills_restated"
    labels = scenario.skills if skills else scenario.requirements
    aliases = scenario.skill_aliases if skills else scenario.requirement_aliases
    out: dict[str, tuple[float, int, int]] = {}
    for concept in build_concepts(list(labels), aliases, context):
        best = (0.0, 0, 0)
        for m in find_mentions(concept, ctx.words, threshold=0.3, anchors=skills):
            if lacked(ctx.words, m.start) or (skills and quoted_need(ctx.words, m.start, m.end)):
                continue
            if m.coverage > best[0]:
                best = (m.coverage, m.start, m.end)
        out[concept.label] = best
    return out


PAIR_WINDOWS = 4  # windows per phrase that the pair classifier looks at (the closest ones)


@dataclass
class PhraseRows:
    labels: list[str]
    rows: np.ndarray  # one row of evidence per phrase
    spans: list[tuple[int, int]]  # where each phrase was best heard (word indices)
    pairs: np.ndarray  # (phrases, PAIR_WINDOWS, features): each phrase with its closest windows
    valid: np.ndarray  # per phrase: said somewhere it can count (not lacked; for a requirement, claimed)

    def full(self, pair_model: Logistic | None) -> np.ndarray:
        """The rows with the pair classifier's best score for each phrase appended."""
        if pair_model is None or not len(self.rows):
            return self.rows
        z = pair_model.logit(self.pairs.reshape(-1, self.pairs.shape[-1])).reshape(self.pairs.shape[:2])
        return np.hstack([self.rows, np.where(self.valid, z.max(axis=1), -10.0)[:, None]])

    def heard(self, z: np.ndarray) -> list[int]:
        """Phrases that count, best first."""
        return [int(i) for i in np.argsort(-z, kind="stable") if z[i] >= 0 and self.valid[i]]


def pair_features(w_emb: np.ndarray, p_emb: np.ndarray, sim: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """A window and a phrase together: their vectors multiplied (a learned similarity), the cosine, the window's flags."""
    return np.hstack([w_emb * p_emb, sim[:, None], flags])


def phrase_rows(v: View, scenario: Scenario, which: str, embedder: Embedder) -> PhraseRows:
    items = phrase_texts(scenario, which)
    texts = [t for _, ts in items for t in ts]
    pemb = embedder.encode(texts) if texts else np.zeros((0, 384))
    heard = set(v.rules[which].heard or [])
    lex = _lexical(v.ctx, scenario, which)
    ok_short = np.array([not w.lack for w in v.short], dtype=bool)
    ok_long = np.array([not w.lack for w in v.long], dtype=bool)
    claim_short = v.short_claim & ok_short
    claim_long = np.array([w.claim and not w.lack for w in v.long], dtype=bool)
    all_w = v.phrase_windows
    all_emb = v.phrase_emb
    near_claim = np.r_[np.array([w.claim for w in v.long], dtype=bool), v.short_claim]
    all_flags = np.array(
        [[w.claim, w.lack, w.question, c] for w, c in zip(all_w, near_claim)], dtype=np.float64
    ).reshape(-1, 4)
    # Where a phrase can count at all (LABELS.md): never where it is lacked or still to learn;
    # a requirement only where the candidate claims it (a first-person statement nearby).
    usable = all_flags[:, 1] == 0
    if which == "requirements_matched":
        usable &= all_flags[:, 3] == 1
    n_long = len(v.long)
    rows, spans, pairs, k = [], [], [], 0
    for label, ts in items:
        e = pemb[k : k + len(ts)]
        k += len(ts)
        sims = all_emb @ e.T  # every window against every form of the phrase, once
        closest = sims.max(axis=1) if len(all_w) else np.zeros(0)
        l_sim, s_sim = closest[:n_long], closest[n_long:]
        if usable.any():
            form = sims.argmax(axis=1)
            sim = np.where(usable, closest, -2.0)
            top = np.argsort(-sim)[: min(PAIR_WINDOWS, int(usable.sum()))]
            top = np.resize(top, PAIR_WINDOWS)  # a very short close repeats its windows
            pairs.append(pair_features(all_emb[top], e[form[top]], sim[top], all_flags[top]))
        else:
            pairs.append(np.zeros((PAIR_WINDOWS, all_emb.shape[1] + 5)))

        def best(sim: np.ndarray, mask: np.ndarray) -> float:
            return float(sim[mask].max()) if mask.any() else 0.0

        cov, a, b = lex[label]
        row = [best(s_sim, ok_short), best(l_sim, ok_long), cov, float(label in heard)]
        # Peak against background: some phrases sit close to any talk of work.
        row += [
            row[0] - float(np.median(s_sim)) if len(s_sim) else 0.0,
            row[1] - float(np.median(l_sim)) if len(l_sim) else 0.0,
        ]
        if which == "requirements_matched":
            row += [best(s_sim, claim_short), best(l_sim, claim_long)]
        rows.append(row)
        if cov > 0:
            spans.append((a, b))
        elif usable.any():
            w = all_w[int(np.argmax(np.where(usable, closest, -2.0)))]
            spans.append((w.start, w.end))
        else:
            spans.append((0, 0))
    width = 6 if which == "skills_restated" else 8
    valid = np.array([bool(usable.any()) for _ in items], dtype=bool)
    return PhraseRows([lbl for lbl, _ in items], np.array(rows).reshape(-1, width), spans, np.array(pairs), valid)


def kth_largest(values: np.ndarray, k: int) -> int:
    """Index of the k-th largest value (the last one when there are fewer than k)."""
    order = np.argsort(-values, kind="stable")
    return int(order[min(k, len(order)) - 1])


def needed(scenario: Scenario, which: str) -> int:
    return scenario.min_skills if which == "skills_restated" else scenario.min_requirements


# ---- the fitted model ---------------------------------------------------------------------


@dataclass
class JudgeModel:
    window: dict[str, Logistic]  # intent item -> window classifier
    close: dict[str, Logistic]  # intent item -> close-level model
    phrase: dict[str, Logistic]  # skills/requirements -> phrase-row model
    pair: dict[str, Logistic] = field(default_factory=dict)  # skills/requirements -> (window, phrase) classifier

    def to_dict(self) -> dict[str, object]:
        return {
            "window": {k: m.to_dict() for k, m in self.window.items()},
            "close": {k: m.to_dict() for k, m in self.close.items()},
            "phrase": {k: m.to_dict() for k, m in self.phrase.items()},
            "pair": {k: m.to_dict() for k, m in self.pair.items()},
        }

    @classmethod
    def from_dict(cls, d: dict[str, dict[str, dict[str, object]]]) -> JudgeModel:
        return cls(
            {k: Logistic.from_dict(m) for k, m in d["window"].items()},
            {k: Logistic.from_dict(m) for k, m in d["close"].items()},
            {k: Logistic.from_dict(m) for k, m in d["phrase"].items()},
            {k: Logistic.from_dict(m) for k, m in d.get("pair", {}).items()},
        )

    def close_x(self, item: str, x: np.ndarray, rule: ItemResult, asr: bool) -> np.ndarray:
        """The close-level features for `item`, from its windows' features `x`."""
        logits = self.window[item].logit(x) if len(x) else np.zeros(0)
        return close_features(logits, rule, asr)

    def close_prob(self, item: str, x: np.ndarray, rule: ItemResult, asr: bool) -> float:
        """How likely the close holds `item`."""
        return float(self.close[item].prob(self.close_x(item, x, rule, asr))[0])

    def phrase_logits(self, which: str, pr: PhraseRows) -> np.ndarray:
        rows = pr.full(self.pair.get(which))
        return self.phrase[which].logit(rows) if len(rows) else np.zeros(0)


@dataclass
class Ensemble:
    """Members fitted on different subsets of the labelled closes, their scores averaged: one fit's
    choice of which window shows an item swings with small changes in the data, the mean holds."""

    members: list[JudgeModel]
    meta: dict[str, object] = field(default_factory=dict)

    def window_logits(self, item: str, x: np.ndarray) -> np.ndarray:
        if not len(x) or not self.members:
            return np.zeros(len(x))
        return np.mean([m.window[item].logit(x) for m in self.members], axis=0)

    def close_prob(self, item: str, x: np.ndarray, rule: ItemResult, asr: bool) -> float:
        return float(np.mean([m.close_prob(item, x, rule, asr) for m in self.members]))

    def phrase_logits(self, which: str, pr: PhraseRows) -> np.ndarray:
        return np.mean([m.phrase_logits(which, pr) for m in self.members], axis=0)

    def save(self, path: Path) -> None:
        d = {"meta": self.meta, "members": [m.to_dict() for m in self.members]}
        path.write_text(json.dumps(d, separators=(",", ":")) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> Ensemble:
        d = json.loads(path.read_text(encoding="utf-8"))
        return cls([JudgeModel.from_dict(m) for m in d["members"]], dict(d.get("meta", {})))


class Judge:
    """Applies a fitted model to a close; the example sentences are embedded once."""

    def __init__(self, embedder: Embedder, model: Ensemble) -> None:
        self.embedder = embedder
        self.model = model
        self.examples = {item: (embedder.encode(pos), embedder.encode(neg)) for item, (pos, neg) in examples().items()}

    def window_x(self, v: View, item: str) -> np.ndarray:
        pos, neg = self.examples[item]
        return window_features(v.intent_windows, v.intent_emb, pos, neg)

    def warm(self, ctx: Context, scenario: Scenario) -> None:
        """Embed the close so far and the scenario's phrases, so that scoring the whole close later
        only embeds what was said since (a window's vector depends on its words alone, and the
        windows of earlier words stay the same as the close grows)."""
        windows = long_windows(ctx) + short_windows(ctx) + mid_windows(ctx)
        phrases = [t for which in LIST_ITEMS for _, ts in phrase_texts(scenario, which) for t in ts]
        self.embedder.encode([w.text for w in windows] + phrases)

    def intents(self, ctx: Context, rules: dict[str, ItemResult]) -> dict[str, ItemResult]:
        """The intent items alone (a session reacting to the close so far)."""
        v = view(ctx, rules, self.embedder)
        return {item: self._intent(v, item) for item in INTENT_ITEMS}

    def judge(self, ctx: Context, scenario: Scenario, rules: dict[str, ItemResult]) -> dict[str, ItemResult]:
        v = view(ctx, rules, self.embedder)
        out = {item: self._intent(v, item) for item in INTENT_ITEMS}
        for which in LIST_ITEMS:
            out[which] = self._phrases(v, scenario, which)
        return out

    def _intent(self, v: View, item: str) -> ItemResult:
        x = self.window_x(v, item)
        p = self.model.close_prob(item, x, v.rules[item], v.asr)
        passed = p >= 0.5 and bool(v.long)
        evidence: list[Evidence] = []
        rule = v.rules[item]
        if passed and rule.passed and rule.evidence:  # the wording match is the most precise quote
            evidence = [replace(e, note=e.note or KINDS[item]) for e in rule.evidence]
        elif passed:
            w = v.intent_windows[int(np.argmax(self.model.window_logits(item, x)))]
            evidence = [v.ctx.evidence(w.start, w.end, note=KINDS[item])]
        return ItemResult(item, passed, p, evidence)

    def _phrases(self, v: View, scenario: Scenario, which: str) -> ItemResult:
        pr = phrase_rows(v, scenario, which, self.embedder)
        z = self.model.phrase_logits(which, pr)
        k = needed(scenario, which)
        heard = pr.heard(z)
        passed = len(heard) >= k and bool(v.ctx.words)
        evidence = sorted((v.ctx.evidence(*pr.spans[i], note=pr.labels[i]) for i in heard), key=lambda e: e.start)
        return ItemResult(which, passed, min(1.0, len(heard) / k), evidence, heard=[pr.labels[i] for i in heard])


_judge: Judge | None = None
_tried = False
_lock = threading.Lock()


def shared_judge() -> Judge | None:
    """The process's judge, loaded once; None (said once, in the log) when the model cannot be
    used or `TRAINER_JUDGE=wording` asks for the wording-only judge."""
    global _judge, _tried
    with _lock:
        if not _tried:
            _tried = True
            if os.environ.get("TRAINER_JUDGE", "").lower() == "wording":
                return None
            embedder = embed.shared()
            if embedder is not None:
                try:
                    _judge = Judge(embedder, Ensemble.load())
                except (OSError, ValueError, KeyError, TypeError) as e:
                    log.warning(
                        "%s: the judge's fitted model cannot be read (%s); judging by wording only", MODEL_PATH, e
                    )
        return _judge


def _load() -> None:
    if shared_judge() is not None:
        questions.prepare()  # the session reads the candidate's other questions with it


def preload() -> threading.Thread:
    """Load the judge in the background, while the user speaks (about a second on 2 cores)."""
    t = threading.Thread(target=_load, name="judge-load", daemon=True)
    t.start()
    # onnxruntime aborts the process if the interpreter exits while it is still loading.
    atexit.register(t.join)
    return t


def reset() -> None:
    """Forget the loaded judge (tests switch models with the environment)."""
    global _judge, _tried
    with _lock:
        _judge, _tried = None, False
    embed.reset()


TOO_CLOSE = 0.7  # distinct skills in the bundled and corpus scenarios reach 0.53; rewordings of one skill 0.75+


def too_close(phrases: list[str]) -> list[tuple[str, str, float]]:
    """Pairs of phrases the judge can hardly tell apart (empty when the model is unavailable)."""
    embedder = embed.shared()
    if embedder is None or len(phrases) < 2:
        return []
    forms = [" ".join(t.text for t in normalize(p).words) for p in phrases]
    v = embedder.encode(forms)
    sims = v @ v.T
    return [
        (phrases[i], phrases[j], float(sims[i, j]))
        for i in range(len(phrases))
        for j in range(i + 1, len(phrases))
        if sims[i, j] >= TOO_CLOSE
    ]
