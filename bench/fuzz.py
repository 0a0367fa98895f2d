"""Fuzz every parser with generated inputs and count what happened to them.

    python bench/fuzz.py [--seed N] [--scale X]

10,600 inputs at scale 1 (tests/fuzzing.py makes them): WAV files, scenario TOML, transcripts
(text and JSON with timed words), model folders, and closes for the scorer. Each must be accepted
or refused with the trainer's own one-line error. Printed per kind: inputs, accepted, refused,
escaped exceptions (tracebacks a user would see) and hangs (over 10 s), and the slowest input.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import fuzzing  # noqa: E402

COUNTS = {"wav": 4000, "scenario": 3000, "transcript": 3000, "model folder": 300, "scorer": 300}
HANG_S = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    print(f"{'kind':14} {'inputs':>7} {'accepted':>9} {'refused':>8} {'escaped':>8} {'hangs':>6} {'slowest':>8}")
    total = escaped_total = hangs_total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for kind, n in COUNTS.items():
            rng = random.Random(f"{args.seed}-{kind}")
            outcomes = {"accepted": 0, "refused": 0, "scored": 0}
            escaped = hangs = 0
            slowest = 0.0
            for _ in range(int(n * args.scale)):
                t = time.perf_counter()
                try:
                    call = fuzzing.KINDS[kind]
                    outcomes[call(rng, Path(tmp)) if kind == "model folder" else call(rng)] += 1
                except Exception:  # what a user would see as a traceback
                    escaped += 1
                    if escaped <= 3:
                        traceback.print_exc()
                spent = time.perf_counter() - t
                slowest = max(slowest, spent)
                hangs += spent > HANG_S
            accepted = outcomes["accepted"] + outcomes["scored"]
            count = int(n * args.scale)
            print(
                f"{kind:14} {count:7d} {accepted:9d} {outcomes['refused']:8d} {escaped:8d} {hangs:6d} {slowest:7.2f}s"
            )
            total += count
            escaped_total += escaped
            hangs_total += hangs
    print(f"{'all':14} {total:7d} {'':9} {'':8} {escaped_total:8d} {hangs_total:6d}")
    return 1 if escaped_total or hangs_total else 0


if __name__ == "__main__":
    raise SystemExit(main())
