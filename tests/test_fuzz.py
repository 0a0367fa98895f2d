"""A fixed-seed share of the generated inputs (bench/fuzz.py runs 10,000+): every one is accepted
or refused with the trainer's own error; nothing else escapes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests import fuzzing
from trainer.checklist.scorer import score
from trainer.scenarios.file import load
from trainer.speech.transcript import Transcript

SHARE = {"wav": 400, "scenario": 300, "transcript": 300, "model folder": 60, "scorer": 60}


@pytest.mark.parametrize("kind", list(SHARE))
def test_generated_inputs_are_accepted_or_refused_cleanly(kind: str, tmp_path: Path) -> None:
    rng = random.Random(f"fuzz-{kind}")
    outcomes: dict[str, int] = {}
    for _ in range(SHARE[kind]):
        args = (rng, tmp_path) if kind == "model folder" else (rng,)
        outcome = fuzzing.KINDS[kind](*args)  # anything but the trainer's own error fails the test
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    if kind in ("wav", "scenario", "transcript"):
        assert outcomes.get("refused", 0) > 0  # the generator does reach the error paths
    assert sum(outcomes.values()) == SHARE[kind]


def test_a_hundred_thousand_word_close_is_scored() -> None:
    rng = random.Random(7)
    text = " ".join(rng.choice(fuzzing.WORDS) for _ in range(100_000))
    result = score(load("ux-designer"), Transcript(text), semantic=False)
    assert 0 <= result.total <= 100 and not result.item("concise").passed
