"""Does the interviewer react to what the report credits? Every labelled close, replayed.

    python bench/reactions.py [--limit N]

Each of the corpus's 321 labelled closes is cut into turns as a session hears them (a written
close after each question, where the interviewer answers; a recognizer-style close, which has no
marks, in one turn) and replayed through the session with a scripted turn source (a turn after
an objection is taken as its answer). The interviewer should raise an objection exactly when the
report credits `gaps_probed`, answer the next step exactly when it credits `next_step_asked`,
and grant a follow-up exactly when it credits `follow_up_permission`. Printed: agreement per item,
and the closes where the two disagree.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"

PAIRS = (("gaps_probed", "objection"), ("next_step_asked", "next_step"), ("follow_up_permission", "follow_up"))


def turns_of(text: str, style: str) -> list[str]:
    if style != "written":
        return [text]
    turns, current = [], []
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        current.append(sentence)
        if sentence.endswith("?"):
            turns.append(" ".join(current))
            current = []
    return turns + ([" ".join(current)] if current else [])


class Script:
    def __init__(self, turns: list[str]) -> None:
        self.turns = list(turns)

    def next_turn(self, after_goodbye: bool):  # type: ignore[no-untyped-def]
        from trainer.session.close import CandidateTurn
        from trainer.speech.transcript import Transcript

        return CandidateTurn(Transcript(self.turns.pop(0))) if self.turns and not after_goodbye else None


class Silent:
    def say(self, line: str, kind: str) -> float:
        return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N closes")
    args = parser.parse_args()
    from trainer.checklist.fit import close_rows
    from trainer.scenarios.file import load_file
    from trainer.session.close import SessionOptions, run

    scenarios = {p.stem: load_file(p) for p in (CORPUS / "scenarios").glob("*.toml")}
    rows = close_rows(CORPUS)[: args.limit]
    agree = {item: 0 for item, _ in PAIRS}
    differ: list[str] = []
    for row in rows:
        turns = turns_of(str(row["transcript"]), str(row["style"]))
        result = run(scenarios[str(row["scenario"])], Script(turns), Silent(), SessionOptions(seed=1, max_turns=12))
        said = {e.kind for e in result.events if e.speaker == "interviewer"}
        for item, reaction in PAIRS:
            credited = result.score.item(item).passed
            if credited == (reaction in said):
                agree[item] += 1
            else:
                differ.append(
                    f"{row['id']} ({row['style']}): {item} {'credited' if credited else 'denied'}, {reaction} {'said' if reaction in said else 'not said'}"
                )
    print(f"{len(rows)} closes replayed through the session")
    for item, reaction in PAIRS:
        print(
            f"  {reaction:10} said exactly when the report credits {item:21} {agree[item]}/{len(rows)} ({100 * agree[item] / len(rows):.1f}%)"
        )
    for line in differ:
        print("  differs:", line)


if __name__ == "__main__":
    main()
