"""Fit the model of `objection_handled` on labelled answers and write objection-model.json.

    python -m trainer.checklist.fit_objection CORPUS_DIR [--out PATH] [--measure-only]

CORPUS_DIR holds objections/answers.jsonl (LABELS.md's format for answers) and scenarios/*.toml.
Before fitting on every answer, it measures the model the way it is used: fitted on all roles
but one, scored on the answers of the role left out, for each role in turn; beside it, the
wording rule on the same answers.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trainer.checklist import learn
from trainer.checklist.embed import Embedder
from trainer.checklist.objection import FEATURES, MODEL_PATH, by_wording, features, read
from trainer.scenarios.file import load_file
from trainer.speech.transcript import Transcript

# Shrinkage is chosen by leaving roles out within the answers a model is fitted on (nested, so
# the outer leave-one-role-out figure is of roles the choice never saw).
L2_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)


@dataclass
class Answer:
    id: str
    role: str
    label: bool
    x: np.ndarray
    rule: bool


def load(corpus: Path, embedder: Embedder) -> list[Answer]:
    out = []
    scenarios = {p.stem: load_file(p) for p in sorted((corpus / "scenarios").glob("*.toml"))}
    path = corpus / "objections" / "answers.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        r = read(scenarios[row["scenario"]], row["objection"], Transcript(row["answer"]))
        x = features(r, row["objection"], embedder)
        out.append(Answer(row["id"], row["scenario"], bool(row["label"]), x, by_wording(r)[0]))
    return out


def prf(pred: list[bool], gold: list[bool]) -> tuple[float, float, float]:
    tp = sum(p and g for p, g in zip(pred, gold))
    precision = tp / max(1, sum(pred))
    recall = tp / max(1, sum(gold))
    return precision, recall, 2 * precision * recall / max(1e-9, precision + recall)


def fit(answers: list[Answer], l2: float) -> learn.Logistic:
    return learn.fit(np.stack([a.x for a in answers]), np.array([a.label for a in answers], dtype=float), l2=l2)


def leave_roles_out(answers: list[Answer], l2: float | None = None) -> dict[str, bool]:
    """Each answer's verdict from a model fitted without its role (its shrinkage chosen without
    that role too, unless `l2` is given)."""
    verdicts = {}
    for role in sorted({a.role for a in answers}):
        train = [a for a in answers if a.role != role]
        model = fit(train, l2 if l2 is not None else choose_l2(train))
        for a in answers:
            if a.role == role:
                verdicts[a.id] = bool(model.prob(a.x)[0] >= 0.5)
    return verdicts


def choose_l2(answers: list[Answer]) -> float:
    """The shrinkage whose models score best (F1) on roles left out of `answers`."""
    gold = [a.label for a in answers]

    def f1(l2: float) -> float:
        verdicts = leave_roles_out(answers, l2)
        return prf([verdicts[a.id] for a in answers], gold)[2]

    return max(L2_GRID, key=f1)


def report(answers: list[Answer], verdicts: dict[str, bool]) -> list[str]:
    gold = [a.label for a in answers]
    lines = [f"{len(answers)} answers, {len({a.role for a in answers})} roles, leaving one role out:"]
    for name, pred in (
        ("fitted model", [verdicts[a.id] for a in answers]),
        ("wording rule", [a.rule for a in answers]),
    ):
        p, r, f = prf(pred, gold)
        lines.append(f"  {name:13} precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    for style in ("written", "asr"):
        part = [a for a in answers if ("asr" if a.x[FEATURES.index("recognizer")] else "written") == style]
        p, r, f = prf([verdicts[a.id] for a in part], [a.label for a in part])
        lines.append(f"  fitted model on {style:7} answers: precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--measure-only", action="store_true")
    args = parser.parse_args(argv)
    answers = load(args.corpus, Embedder())
    print("\n".join(report(answers, leave_roles_out(answers))))
    if not args.measure_only:
        l2 = choose_l2(answers)
        model = fit(answers, l2)
        args.out.write_text(json.dumps({"features": list(FEATURES), **model.to_dict()}, indent=1) + "\n")
        print(f"wrote {args.out} (L2 {l2})")
        for name, w in sorted(zip(FEATURES, model.weights), key=lambda t: -abs(t[1])):
            print(f"  {name:18} {w:+.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
