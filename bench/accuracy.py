"""Checklist accuracy on a labelled corpus, beside a naive keyword baseline measured in the same run.

    python bench/accuracy.py [--corpus DIR] [--errors]

DIR holds closes-dev.jsonl and scenarios/ (default: ../shared/corpus beside the checkout).
Prints per-item precision, recall and F1 and the macro F1 of both scorers.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainer.checklist.scorer import score  # noqa: E402
from trainer.scenario import ITEM_IDS, load_file  # noqa: E402
from trainer.transcript import Transcript  # noqa: E402

LABELLED = [i for i in ITEM_IDS if i != "concise"]

# The baseline: exact, case-insensitive search for the obvious phrase of each item.
BASELINE = {
    "skills_restated": None,  # any 3 skills quoted verbatim
    "requirements_matched": None,  # any 2 requirements quoted verbatim
    "gaps_probed": ["gaps", "concerns"],
    "interest_reaffirmed": ["terrific match", "great fit", "want this job"],
    "next_step_asked": ["next step"],
    "follow_up_permission": ["may i", "can i call", "can i email"],
    "thanks_given": ["thank you", "thanks"],
}


def baseline(scenario, text: str) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    low = text.lower()
    out = {}
    for item, words in BASELINE.items():
        if item == "skills_restated":
            out[item] = sum(s.lower() in low for s in scenario.skills) >= scenario.min_skills
        elif item == "requirements_matched":
            out[item] = sum(r.lower() in low for r in scenario.requirements) >= 2
        else:
            out[item] = any(w in low for w in words or [])
    return out


def prf(pairs: list[tuple[bool, bool]]) -> tuple[float, float, float]:
    tp = sum(p and g for p, g in pairs)
    fp = sum(p and not g for p, g in pairs)
    fn = sum(g and not p for p, g in pairs)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(corpus: Path, show_errors: bool = False) -> dict[str, dict[str, tuple[float, float, float]]]:
    rows = [json.loads(line) for line in (corpus / "closes-dev.jsonl").read_text().splitlines() if line.strip()]
    scenarios = {}
    ours: dict[str, list[tuple[bool, bool]]] = {i: [] for i in LABELLED}
    base: dict[str, list[tuple[bool, bool]]] = {i: [] for i in LABELLED}
    for row in rows:
        name = row["scenario"]
        if name not in scenarios:
            scenarios[name] = load_file(corpus / "scenarios" / f"{name}.toml")
        sc = scenarios[name]
        result = score(sc, Transcript(row["transcript"]))
        b = baseline(sc, row["transcript"])
        for item in LABELLED:
            gold = bool(row["labels"][item])
            got = result.item(item).passed
            ours[item].append((got, gold))
            base[item].append((b[item], gold))
            if show_errors and got != gold:
                ev = "; ".join(e.text for e in result.item(item).evidence)
                print(f"{row['id']} {row['style']:7} {item}: got {got} want {gold}  [{ev}]")
    return {
        "trainer": {i: prf(ours[i]) for i in LABELLED},
        "baseline": {i: prf(base[i]) for i in LABELLED},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--errors", action="store_true", help="list every disagreement with the labels")
    args = parser.parse_args()
    res = evaluate(args.corpus, args.errors)
    print(f"{'item':22} {'P':>6} {'R':>6} {'F1':>6}   {'base P':>7} {'base R':>7} {'base F1':>7}")
    for item in LABELLED:
        p, r, f = res["trainer"][item]
        bp, br, bf = res["baseline"][item]
        print(f"{item:22} {p:6.3f} {r:6.3f} {f:6.3f}   {bp:7.3f} {br:7.3f} {bf:7.3f}")
    macro = sum(v[2] for v in res["trainer"].values()) / len(LABELLED)
    bmacro = sum(v[2] for v in res["baseline"].values()) / len(LABELLED)
    print(f"{'macro F1':22} {'':6} {'':6} {macro:6.3f}   {'':7} {'':7} {bmacro:7.3f}")


if __name__ == "__main__":
    main()
