"""Fit the judge's models on labelled closes (LABELS.md format) and write judge-model.json.

    python -m trainer.checklist.fit [CORPUS_DIR ...] [--out PATH]

Each CORPUS_DIR holds *.jsonl closes (searched recursively) and scenarios/*.toml. The judge is an
ensemble: one member per role, fitted on the other roles' closes. A member's window
classifiers are fitted multiple-instance style from close labels: every window of a close that
fails an item is a negative; the best window of a close that passes is a positive (picked first
by closeness to the item's example sentences, then by the classifier itself, refitted); the
example sentences are training points too.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trainer.checklist import learn
from trainer.checklist.context import Context
from trainer.checklist.embed import Embedder
from trainer.checklist.items import DETECTORS
from trainer.checklist.result import ItemResult
from trainer.checklist.semantic import (
    INTENT_ITEMS,
    LIST_ITEMS,
    MODEL_PATH,
    Ensemble,
    Judge,
    JudgeModel,
    PhraseRows,
    examples,
    kth_largest,
    needed,
    phrase_rows,
    view,
    window_features,
)
from trainer.checklist.windows import long_windows
from trainer.scenarios.file import Scenario, load_file
from trainer.speech.transcript import Transcript

ROUNDS = 3  # pick positives, fit, re-pick: the picks settle after two or three rounds
L2_WINDOW = 100.0  # the window classifiers see 389 features and a few hundred positives
L2_CLOSE = 1.0
L2_PAIR = 30.0
EXAMPLE_WEIGHT = 20.0  # a curated example sentence counts as much as a few windows of closes
L2_PHRASE = 10.0  # phrase rows: few features, but the picked rows shift between rounds


@dataclass
class Sample:
    """One labelled close with everything the fit needs, computed once."""

    id: str
    role: str
    style: str
    labels: dict[str, bool]
    k: dict[str, int]
    windows: dict[str, np.ndarray]  # intent item -> window features
    rules: dict[str, tuple[bool, float]]
    asr: bool
    phrases: dict[str, PhraseRows]


def close_rows(corpus: Path) -> list[dict[str, object]]:
    """The labelled closes under `corpus` (its *.jsonl files, searched recursively; the labelled
    answers to objections, which have no transcript of a close, are not closes)."""
    rows = []
    for path in sorted(corpus.rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return [r for r in rows if "transcript" in r]


def load_corpus(dirs: list[Path]) -> list[tuple[dict[str, object], Scenario]]:
    scenarios: dict[str, Scenario] = {}
    rows = []
    for d in dirs:
        rows += close_rows(d)
        for path in sorted((d / "scenarios").glob("*.toml")):
            scenarios.setdefault(path.stem, load_file(path))
    return [(r, scenarios[str(r["scenario"])]) for r in rows]


def prepare(rows: list[tuple[dict[str, object], Scenario]], embedder: Embedder) -> list[Sample]:
    judge = Judge(embedder, Ensemble([]))  # only its example vectors are used
    samples = []
    for row, sc in rows:
        ctx = Context(Transcript(str(row["transcript"])))
        rules = {i: DETECTORS[i](ctx, sc) for i in DETECTORS}
        v = view(ctx, rules, embedder)
        windows = {}
        for item in INTENT_ITEMS:
            pos, neg = judge.examples[item]
            windows[item] = window_features(v.intent_windows, v.intent_emb, pos, neg)
        samples.append(
            Sample(
                str(row["id"]),
                str(row["scenario"]),
                str(row.get("style", "")),
                {k: bool(b) for k, b in dict(row["labels"]).items()},  # type: ignore[call-overload]
                {w: needed(sc, w) for w in LIST_ITEMS},
                windows,
                {i: (r.passed, r.score) for i, r in rules.items()},
                v.asr,
                {w: phrase_rows(v, sc, w, embedder) for w in LIST_ITEMS},
            )
        )
    return samples


def _example_features(embedder: Embedder) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The example sentences as windows, with the same features as a close's windows."""
    judge = Judge(embedder, Ensemble([]))
    out = {}
    for item, (pos_texts, neg_texts) in examples().items():
        pos, neg = judge.examples[item]
        feats = []
        for texts in (pos_texts, neg_texts):
            ws = [w for t in texts for w in long_windows(Context(Transcript(t)))[:1]]
            feats.append(window_features(ws, embedder.encode([w.text for w in ws]), pos, neg))
        out[item] = (feats[0], feats[1])
    return out


def _fit_window(samples: list[Sample], item: str, ex: tuple[np.ndarray, np.ndarray]) -> learn.Logistic:
    positives = [s.windows[item] for s in samples if s.labels[item] and len(s.windows[item])]
    negatives = [s.windows[item] for s in samples if not s.labels[item] and len(s.windows[item])]
    neg = np.vstack([*negatives, ex[1]])
    neg_w = np.r_[np.ones(sum(len(n) for n in negatives)), np.full(len(ex[1]), EXAMPLE_WEIGHT)]
    picks = [int(np.argmax(w[:, -2] - w[:, -1])) for w in positives]  # closest to the examples
    model = None
    for _ in range(ROUNDS):
        pos = np.vstack([*(w[i] for w, i in zip(positives, picks)), ex[0]])
        x = np.vstack([pos, neg])
        y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
        weight = np.r_[np.ones(len(positives)), np.full(len(ex[0]), EXAMPLE_WEIGHT), neg_w]
        model = learn.fit(x, y, l2=L2_WINDOW, sample_weight=weight)
        picks = [int(np.argmax(model.logit(w))) for w in positives]
    assert model is not None
    return model


def _fit_kth(rows: list[np.ndarray], samples: list[Sample], which: str) -> learn.Logistic:
    """One model for a phrase row such that a close passes when its k-th best row scores >= 0."""
    y = np.array([s.labels[which] for s in samples], dtype=float)
    scores = [r[:, 0] + r[:, 2] for r in rows]  # closeness plus words heard, to start
    model = None
    for _ in range(ROUNDS):
        x = np.vstack([r[kth_largest(sc, s.k[which])] for r, sc, s in zip(rows, scores, samples)])
        model = learn.fit(x, y, l2=L2_PHRASE)
        scores = [model.logit(r) for r in rows]
    assert model is not None
    return model


def _fit_pairs(samples: list[Sample], which: str, base: learn.Logistic) -> learn.Logistic:
    """The (window, phrase) classifier: in a passing close the k best phrases were heard, each in
    its best window; in a failing close the k-th best phrase and those below it were not, anywhere."""
    prs = [s.phrases[which] for s in samples]
    z = [base.logit(pr.rows) for pr in prs]
    heard = []
    neg = []
    for pr, zz, s in zip(prs, z, samples):
        order = np.argsort(-zz, kind="stable")
        k = s.k[which]
        if s.labels[which]:
            heard += [pr.pairs[j] for j in order[:k]]
        else:
            neg += [pr.pairs[j] for j in order[k - 1 :]]
    neg_x = np.vstack(neg)
    picks = [0] * len(heard)  # the closest window first
    model = None
    for _ in range(ROUNDS):
        pos_x = np.vstack([h[i] for h, i in zip(heard, picks)])
        x = np.vstack([pos_x, neg_x])
        y = np.r_[np.ones(len(pos_x)), np.zeros(len(neg_x))]
        model = learn.fit(x, y, l2=L2_PAIR)
        picks = [int(np.argmax(model.logit(h))) for h in heard]
    assert model is not None
    return model


def fit_model(samples: list[Sample], embedder: Embedder) -> JudgeModel:
    ex = _example_features(embedder)
    model = JudgeModel({}, {}, {})
    for item in INTENT_ITEMS:
        model.window[item] = _fit_window(samples, item, ex[item])
        x = np.vstack([model.close_x(item, s.windows[item], _rule(s, item), s.asr) for s in samples])
        y = np.array([s.labels[item] for s in samples], dtype=float)
        model.close[item] = learn.fit(x, y, l2=L2_CLOSE)
    for which in LIST_ITEMS:
        base = _fit_kth([s.phrases[which].rows for s in samples], samples, which)
        model.pair[which] = _fit_pairs(samples, which, base)
        model.phrase[which] = _fit_kth([s.phrases[which].full(model.pair[which]) for s in samples], samples, which)
    return model


def fit_ensemble(samples: list[Sample], embedder: Embedder) -> Ensemble:
    """One member per role, fitted on the closes of every other role: each member meets closes of
    a role it never saw, as the judge will, and together they vote (measured leaving one role out,
    see BENCHMARKS.md)."""
    roles = sorted({s.role for s in samples})
    if len(roles) < 3:  # too few roles to leave one out: one member on everything
        return Ensemble([fit_model(samples, embedder)])
    return Ensemble([fit_model([s for s in samples if s.role != r], embedder) for r in roles])


def _rule(s: Sample, item: str) -> ItemResult:
    passed, score = s.rules[item]
    return ItemResult(item, passed, score)


def predict(model: Ensemble, s: Sample) -> dict[str, bool]:
    """The verdicts the runtime judge would give this close (same features, same decision)."""
    out = {}
    for item in INTENT_ITEMS:
        p = model.close_prob(item, s.windows[item], _rule(s, item), s.asr)
        out[item] = p >= 0.5 and len(s.windows[item]) > 0
    for which in LIST_ITEMS:
        pr = s.phrases[which]
        out[which] = len(pr.heard(model.phrase_logits(which, pr))) >= s.k[which]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parents[3]
    parser.add_argument("corpus", nargs="*", type=Path, default=[root / "shared" / "corpus"])
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    embedder = Embedder()
    rows = load_corpus(args.corpus)
    samples = prepare(rows, embedder)
    model = fit_ensemble(samples, embedder)
    roles = sorted({s.role for s in samples})
    model.meta = {
        "closes": len(samples),
        "roles": roles,
        "members": len(model.members),
        "fitted_by": "python -m trainer.checklist.fit",
    }
    model.save(args.out)
    print(
        f"fitted {len(model.members)} members on {len(samples)} closes of {len(roles)} roles -> {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
