"""A fixed-seed share of the property-based fuzzing (bench/fuzz.py runs 10,000+): every input is
accepted or refused with the trainer's own error; nothing else escapes, and hypothesis shrinks any
input that breaks the rule to a small one."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests import fuzzing
from trainer.checklist.scorer import score
from trainer.scenarios.file import load
from trainer.speech.transcript import Transcript

SHARE = {"wav": 400, "scenario": 300, "transcript": 300, "model folder": 60, "scorer": 60}


@pytest.mark.parametrize("kind", list(SHARE))
def test_generated_inputs_are_accepted_or_refused_cleanly(kind: str) -> None:
    outcomes: dict[str, int] = {}
    spec = fuzzing.KINDS[kind]

    @settings(
        max_examples=SHARE[kind],
        derandomize=True,  # the same share on every run, in CI too
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(spec.strategy)
    def check(value: Any) -> None:
        outcome = spec.check(value)  # anything but the trainer's own error fails the test
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    check()
    if kind in ("wav", "scenario", "transcript"):
        assert outcomes.get("refused", 0) > 0 and outcomes.get("accepted", 0) > 0  # both paths are reached
    assert sum(outcomes.values()) >= SHARE[kind] // 2


def test_a_hundred_thousand_word_close_is_scored() -> None:
    rng = random.Random(7)
    text = " ".join(rng.choice(fuzzing.WORDS) for _ in range(100_000))
    result = score(load("ux-designer"), Transcript(text), semantic=False)
    assert 0 <= result.total <= 100 and not result.item("concise").passed
