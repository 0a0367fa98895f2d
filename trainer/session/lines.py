"""What the interviewer says: each reaction's phrasings by temperament (reactions.toml), and
the lines of one session, picked once (seeded) so they can be rendered ahead."""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from trainer.scenarios.file import Scenario

REACTIONS_PATH = Path(__file__).parent / "reactions.toml"
TEMPERAMENTS = ("neutral", "warm", "tough")


@lru_cache(maxsize=1)
def phrasings() -> dict[str, dict[str, list[str]]]:
    data = tomllib.loads(REACTIONS_PATH.read_text(encoding="utf-8"))
    return {kind: {t: list(v) for t, v in table.items()} for kind, table in data.items()}


def wording(scenario: Scenario, kind: str, temperament: str) -> list[str]:
    """The phrasings of one reaction: the scenario's own first, else the temperament's."""
    if scenario.lines.get(kind):
        return list(scenario.lines[kind])
    table = phrasings()[kind]
    return table.get(temperament) or table["neutral"]


@dataclass(frozen=True)
class Lines:
    """What the interviewer will say in one session, each reaction's wording picked once."""

    signal: str
    objections: tuple[str, ...]  # raised in this order: one, or two when tough
    push_backs: tuple[str, ...]  # "{objection}" templates: one per press on a weak answer
    another: str  # before a second objection
    acknowledge: str
    next_step: str
    follow_up: str
    interest: str
    trial_close: str
    deflect: str
    cut_off: str
    anything_else: str
    keep_going: str
    prompt: str
    goodbye: str
    answers: tuple[tuple[str, str], ...] = ()  # the scenario's [interviewer.answers]
    temperament: str = "neutral"

    @classmethod
    def choose(cls, scenario: Scenario, seed: int | None = None, temperament: str = "neutral") -> Lines:
        if temperament not in TEMPERAMENTS:
            raise ValueError(f"unknown interviewer {temperament!r}; expected one of {', '.join(TEMPERAMENTS)}")
        rng = random.Random(seed)
        pick = {kind: rng.choice(wording(scenario, kind, temperament)) for kind in sorted(phrasings())}
        tough = temperament == "tough"
        objections = rng.sample(scenario.objections, 2 if tough and len(scenario.objections) > 1 else 1)
        presses = wording(scenario, "push_back", temperament)
        push_backs = rng.sample(presses, 2) if tough and len(presses) > 1 else [pick["push_back"]] * (2 if tough else 1)
        return cls(
            scenario.signal_to_end,
            tuple(objections),
            tuple(push_backs),
            pick["another_objection"],
            pick["acknowledge"],
            scenario.next_step,
            pick["follow_up"],
            pick["interest"],
            pick["trial_close"],
            pick["deflect"],
            pick["cut_off"],
            pick["anything_else"],
            pick["keep_going"],
            pick["prompt"],
            scenario.goodbye,
            tuple(scenario.answers.items()),
            temperament,
        )

    @property
    def objection(self) -> str:
        return self.objections[0]

    def raising(self, k: int) -> str:
        """The line that raises objection k."""
        return self.objections[k] if k == 0 else f"{self.another} {self.objections[k]}"

    def push_back(self, k: int, press: int) -> str:
        """Press number `press` on a weak answer to objection k."""
        return self.push_backs[press].format(objection=self.objections[k])

    def answer(self, key: str) -> str:
        return dict(self.answers)[key]

    @property
    def acknowledge_and_ask(self) -> str:
        return f"{self.acknowledge} {self.anything_else}"

    @property
    def interest_and_ask(self) -> str:
        return f"{self.interest} {self.anything_else}"

    @classmethod
    def every(cls, scenario: Scenario, temperaments: tuple[str, ...] = TEMPERAMENTS) -> list[str]:
        """Every line any session of this scenario can say with these temperaments."""
        said = [scenario.signal_to_end, *scenario.objections, scenario.next_step, scenario.goodbye]
        said += list(scenario.answers.values())
        for temperament in temperaments:
            options = {kind: wording(scenario, kind, temperament) for kind in phrasings()}
            for lines in options.values():
                for line in lines:
                    said += [line.format(objection=o) for o in scenario.objections] if "{objection}" in line else [line]
            said += [f"{a} {o}" for a in options["another_objection"] for o in scenario.objections]
            said += [f"{a} {b}" for a in options["acknowledge"] + options["interest"] for b in options["anything_else"]]
        return list(dict.fromkeys(said))

    def all(self) -> list[str]:
        """Every line of this session, in the order they are most likely needed (to render ahead)."""
        said = [self.signal, self.raising(0), self.next_step, self.anything_else, self.goodbye]
        said += [self.acknowledge_and_ask, self.acknowledge, self.follow_up, self.interest_and_ask]
        said += [self.push_back(k, p) for k in range(len(self.objections)) for p in range(len(self.push_backs))]
        said += [self.raising(k) for k in range(1, len(self.objections))]
        said += [a for _, a in self.answers]
        said += [self.trial_close, self.deflect, self.keep_going, self.prompt, self.cut_off]
        return list(dict.fromkeys(said))
