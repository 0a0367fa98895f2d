"""Fuzz every parser with property-based generated inputs (hypothesis) and count what happened.

    python bench/fuzz.py [--seed N] [--scale X]

10,600 inputs at scale 1 (the strategies in tests/fuzzing.py make them): WAV files, scenario
TOML, transcripts (text and JSON with timed words), model folders, and closes for the scorer.
Each must be accepted or refused with the trainer's own one-line error. Printed per kind: inputs,
accepted, refused, escaped exceptions (tracebacks a user would see) and hangs (over 10 s), and the
slowest input. Generation only (no shrinking): this counts, the tests shrink.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from tests import fuzzing  # noqa: E402

COUNTS = {"wav": 4000, "scenario": 3000, "transcript": 3000, "model folder": 300, "scorer": 300}
HANG_S = 10.0


def run_kind(kind: str, n: int, seed_value: int) -> dict[str, Any]:
    spec = fuzzing.KINDS[kind]
    tally: dict[str, Any] = {"inputs": 0, "accepted": 0, "refused": 0, "escaped": 0, "hangs": 0, "slowest": 0.0}

    @seed(seed_value)
    @settings(
        max_examples=n,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(spec.strategy)
    def feed(value: Any) -> None:
        t = time.perf_counter()
        try:
            outcome = spec.check(value)
            tally["accepted" if outcome in ("accepted", "scored") else "refused"] += 1
        except Exception:  # what a user would see as a traceback
            tally["escaped"] += 1
            if tally["escaped"] <= 3:
                traceback.print_exc()
        spent = time.perf_counter() - t
        tally["inputs"] += 1
        tally["slowest"] = max(tally["slowest"], spent)
        tally["hangs"] += spent > HANG_S

    feed()
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    print(f"{'kind':14} {'inputs':>7} {'accepted':>9} {'refused':>8} {'escaped':>8} {'hangs':>6} {'slowest':>8}")
    total = escaped = hangs = 0
    for kind, n in COUNTS.items():
        t = run_kind(kind, int(n * args.scale), args.seed)
        print(
            f"{kind:14} {t['inputs']:7d} {t['accepted']:9d} {t['refused']:8d} {t['escaped']:8d} "
            f"{t['hangs']:6d} {t['slowest']:7.2f}s"
        )
        total += t["inputs"]
        escaped += t["escaped"]
        hangs += t["hangs"]
    print(f"{'all':14} {total:7d} {'':9} {'':8} {escaped:8d} {hangs:6d}")
    return 1 if escaped or hangs else 0


if __name__ == "__main__":
    raise SystemExit(main())
