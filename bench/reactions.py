"""Does the interviewer react to what the report credits, and answer every move rightly?

    python bench/reactions.py [--limit N] [--interviewer neutral,warm,tough] [--set-only]

Part one, the reaction set: the candidate turns of bench/data/reaction-set.toml, written for this
bench (questions outside the checklist, near-misses that deserve no reaction), each replayed
through a session (after its `before` turns): the reactions to the turn must be exactly the
expected ones (a neutral interviewer's). Printed: the share right, precision and recall per reaction kind, every miss.

Part two, consistency:
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
    """The turns, in order; then none (`stop`: an interrupt instead, so that the goodbye is said
    only when the interviewer chose to end)."""

    def __init__(self, turns: list[str], stop: bool = False) -> None:
        self.turns = list(turns)
        self.stop = stop

    def next_turn(self, after_goodbye: bool):  # type: ignore[no-untyped-def]
        from trainer.session.close import CandidateTurn
        from trainer.speech.transcript import Transcript

        if self.turns and not after_goodbye:
            return CandidateTurn(Transcript(self.turns.pop(0)))
        return CandidateTurn(Transcript(""), ended_by="interrupt") if self.stop and not after_goodbye else None


class Silent:
    def say(self, line: str, kind: str) -> float:
        return 0.0


IGNORED = {"anything_else", "keep_going", "prompt", "signal"}  # invitations, not reactions to a move


def reactions_to(result, turn: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The interviewer's reactions to the candidate's last turn, as the reaction set names them."""
    answers = {text: key for key, text in result.scenario.answers.items()}
    last = max(k for k, e in enumerate(result.events) if e.speaker == "candidate" and e.text == turn.strip())
    got = []
    for e in result.events[last + 1 :]:
        if e.speaker != "interviewer" or e.kind in IGNORED:
            continue
        got.append({"answer": f"answer:{answers.get(e.text, '?')}", "goodbye": "end"}.get(e.kind, e.kind))
    return got


def reaction_set(temperament: str) -> None:
    import tomllib
    from dataclasses import replace

    from trainer.scenarios.file import load
    from trainer.session.close import SessionOptions, run
    from trainer.session.lines import Lines

    cases = tomllib.loads((ROOT / "bench" / "data" / "reaction-set.toml").read_text())["case"]
    right, misses = 0, []
    counts: dict[str, list[int]] = {}  # kind: [true positives, said, expected]
    for case in cases:
        sc = load(case["scenario"])
        lines = Lines.choose(sc, 1, temperament)
        if "objection" in case:
            lines = replace(lines, objections=(case["objection"],) * len(lines.objections))
        turns = [*case.get("before", []), case["turn"]]
        result = run(sc, Script(turns, stop=True), Silent(), SessionOptions(lines=lines, max_turns=len(turns) + 1))
        got, expected = reactions_to(result, case["turn"]), list(case["expect"])
        for kind in {k.split(":")[0] for k in got + expected}:
            c = counts.setdefault(kind, [0, 0, 0])
            c[0] += len({k for k in got if k.startswith(kind)} & {k for k in expected if k.startswith(kind)})
            c[1] += sum(k.startswith(kind) for k in set(got))
            c[2] += sum(k.startswith(kind) for k in set(expected))
        if set(got) == set(expected):
            right += 1
        else:
            misses.append(f"{case['turn'][:70]!r}: expected {expected or 'none'}, got {got or 'none'}")
    print(
        f"reaction set ({temperament} interviewer): {right}/{len(cases)} turns get exactly the expected reactions ({100 * right / len(cases):.1f}%)"
    )
    for kind, (tp, said, expected_n) in sorted(counts.items()):
        p = tp / said if said else 1.0
        r = tp / expected_n if expected_n else 1.0
        print(f"  {kind:12} precision {p:.2f} ({tp}/{said})  recall {r:.2f} ({tp}/{expected_n})")
    for m in misses:
        print("  missed:", m)


def consistency(temperament: str, limit: int | None) -> None:
    from trainer.checklist.fit import close_rows
    from trainer.scenarios.file import load_file
    from trainer.session.close import SessionOptions, run

    scenarios = {p.stem: load_file(p) for p in (CORPUS / "scenarios").glob("*.toml")}
    rows = close_rows(CORPUS)[:limit]
    agree = {item: 0 for item, _ in PAIRS}
    differ: list[str] = []
    for row in rows:
        turns = turns_of(str(row["transcript"]), str(row["style"]))
        options = SessionOptions(seed=1, max_turns=12, interviewer=temperament)
        result = run(scenarios[str(row["scenario"])], Script(turns), Silent(), options)
        said = {e.kind for e in result.events if e.speaker == "interviewer"}
        for item, reaction in PAIRS:
            credited = result.score.item(item).passed
            if credited == (reaction in said):
                agree[item] += 1
            else:
                differ.append(
                    f"{row['id']} ({row['style']}): {item} {'credited' if credited else 'denied'}, {reaction} {'said' if reaction in said else 'not said'}"
                )
    print(f"{len(rows)} labelled closes replayed through the session ({temperament} interviewer)")
    for item, reaction in PAIRS:
        print(
            f"  {reaction:10} said exactly when the report credits {item:21} {agree[item]}/{len(rows)} ({100 * agree[item] / len(rows):.1f}%)"
        )
    for line in differ:
        print("  differs:", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N labelled closes")
    parser.add_argument("--interviewer", default="neutral,warm,tough", help="temperaments, comma-separated")
    parser.add_argument("--set-only", action="store_true", help="only the reaction set")
    args = parser.parse_args()
    temperaments = args.interviewer.split(",")
    reaction_set("neutral")  # the set's expectations are a neutral interviewer's (a tough one adds a second objection)
    if not args.set_only:
        for t in temperaments:
            consistency(t, args.limit)


if __name__ == "__main__":
    main()
