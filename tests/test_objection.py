"""`objection_handled`: the fitted model on answers in neither the labelled corpus nor the
model's example answers (a bundled role the corpus does not have), and its fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.checklist import objection
from trainer.scenarios.file import load_file
from trainer.speech.transcript import Transcript

ROOT = Path(__file__).resolve().parent.parent
OBJECTION = "Hospitals have far stricter code requirements than the offices you've built."


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_file(ROOT / "scenarios" / "construction-project-manager.toml")


@pytest.mark.parametrize(
    ("answer", "handled"),
    [
        # evidence that bears on the concern
        (
            "Fair point. On my last clinic build I met the health department inspector every week "
            "and we passed every code inspection the first time.",
            True,
        ),
        # no hospital yet, but a concrete plan with dates
        (
            "I haven't built a hospital, but I've enrolled in the healthcare construction certificate "
            "that starts next month, and I'd walk every infection control plan with your safety lead "
            "in my first two weeks.",
            True,
        ),
        ("Honestly, code is code. I don't think it matters much what the building is.", False),
        ("I'm a natural leader and a hard worker, and I'm really passionate about building.", False),
        # specific, but about another concern than the one raised: a known weakness (it echoes
        # "offices" and is full of specifics), as in some labelled answers (BENCHMARKS.md)
        pytest.param(
            "I also brought my last three office projects in under budget by about eight percent.",
            False,
            marks=pytest.mark.xfail(strict=True, reason="evidence about another concern that echoes the objection"),
        ),
        ("i'll figure it out once i'm there i always do", False),
    ],
)
def test_answers_to_an_objection(scenario, answer: str, handled: bool) -> None:  # type: ignore[no-untyped-def]
    item = objection.objection_handled(scenario, OBJECTION, Transcript(answer))
    assert item.passed is handled, (item.score, answer)


def test_the_shipped_model_fits_the_features_it_is_given() -> None:
    """A model fitted on other features is refused (and the wording decides): this one is not."""
    objection._model.cache_clear()
    assert objection._model() is not None


def test_without_its_model_the_wording_decides(scenario, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stale = tmp_path / "objection-model.json"
    stale.write_text('{"features": ["length"], "weights": [1.0], "bias": 0.0, "mean": [0.0], "scale": [1.0]}')
    monkeypatch.setattr(objection, "MODEL_PATH", stale)
    objection._model.cache_clear()
    try:
        answer = Transcript("That's fair. Last year I ran three hospital wing renovations and passed every inspection.")
        item = objection.objection_handled(scenario, OBJECTION, answer)
        r = objection.read(scenario, OBJECTION, answer)
        assert objection._model() is None
        assert (item.passed, item.score) == (objection.by_wording(r)[0], round(objection.by_wording(r)[1], 3))
    finally:
        objection._model.cache_clear()
