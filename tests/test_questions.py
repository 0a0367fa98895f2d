"""The candidate's other questions, read by meaning (trainer/checklist/questions.py): a trial
close, a question the scenario's answers table covers, a checklist question, or another one.
The sentence model runs for real; the wordings here are not the examples in data/moves.toml."""

from __future__ import annotations

import pytest

from trainer.checklist import embed
from trainer.checklist.context import Context
from trainer.checklist.questions import _balanced_floor, is_tag_trial_close, questions, read, uncovered
from trainer.checklist.result import Evidence
from trainer.speech.transcript import Transcript

ANSWERS = {
    "pay": "The range is sixty to seventy thousand.",
    "remote": "Two days a week from home.",
    "Which accounting system do you use?": "NetSuite, and a lot of Excel.",
}


def kinds(text: str) -> list[tuple[str, str | None]]:
    return [(a.kind, a.key) for a in read(questions(Context(Transcript(text))), ANSWERS)]


def test_punctuated_questions_and_a_short_one_borrowing_the_sentence_before() -> None:
    found = questions(Context(Transcript("I led the audit. My team closed on time. Do you agree? What's next?")))
    assert [q.text for q in found] == ["My team closed on time. Do you agree", "What's next"]
    since = questions(Context(Transcript("What's the pay? And the hours?")), since=16)
    assert [q.text for q in since] == ["And the hours"]  # short, but the sentence before is a question


def test_unpunctuated_questions_start_at_an_inverted_opener_not_after_a_subject() -> None:
    assert questions(Context(Transcript("i would love to do it and i think we can"))) == []
    found = questions(Context(Transcript("do people here work from home sometimes")))
    assert [q.text for q in found] == ["do people here work from home sometimes"]


@pytest.mark.skipif(embed.shared() is None, reason="the sentence model is not installed")
def test_questions_read_by_meaning() -> None:
    assert kinds("What would the salary be?") == [("answer", "pay")]
    assert kinds("Could I do part of the week at home?") == [("answer", "remote")]
    assert kinds("What accounting software do you use?") == [("answer", "Which accounting system do you use?")]
    assert kinds("Wouldn't you say I'm what you need for this job?") == [("trial_close", None)]
    assert kinds("When will you be deciding?") == [("checklist", None)]
    assert kinds("Is there a bike rack outside the building?") == [("other", None)]


def test_tag_questions_about_the_candidate_are_trial_closes() -> None:
    assert is_tag_trial_close("My audits would suit you, wouldn't they?")
    assert is_tag_trial_close("I'd fit right in, don't you think?")
    assert is_tag_trial_close("We work the same way, right?")
    assert not is_tag_trial_close("The office is downtown, isn't it?")


def test_a_question_quoted_by_a_credited_item_is_not_read_again() -> None:
    found = questions(Context(Transcript("What are the next steps? Is there parking?")))
    assert [q.text for q in uncovered(found, [Evidence("What are the next steps?", 0, 24)])] == ["Is there parking"]


def test_the_floor_separates_the_two_sets_best() -> None:
    import numpy as np

    assert _balanced_floor(np.array([0.7, 0.75, 0.8]), np.array([0.2, 0.3, 0.65])) == pytest.approx(0.7)
