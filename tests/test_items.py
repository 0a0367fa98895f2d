"""Hand-written closes for each item, near-misses included, on the bundled scenarios."""

from __future__ import annotations

import pytest

from trainer.checklist.scorer import score
from trainer.scenarios.file import load
from trainer.speech.transcript import Transcript


def verdict(scenario: str, text: str, item: str) -> bool:
    return score(load(scenario), Transcript(text)).item(item).passed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thank you for your time today.", True),
        ("thanks so much for meeting with me", True),
        ("I really appreciate you taking the time.", True),
        ("That launch went well, thanks to my team.", False),
        ("Oh, no thanks, I'm fine without coffee.", False),
        ("my old supervisor asked me to pass along her thanks", False),
    ],
)
def test_thanks(text: str, expected: bool) -> None:
    assert verdict("staff-accountant", text, "thanks_given") is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What is the next step in the hiring process, and when do you expect to make a decision?", True),
        ("so um what happens after today", True),
        ("how soon would you decide", True),
        ("what does the timeline look like on your end", True),
        ("Becoming a controller is the next step in my career.", False),
        ("My next step as an accountant is to sit for the CPA.", False),
        ("I'll follow up with my manager about my notice period.", False),
    ],
)
def test_next_step(text: str, expected: bool) -> None:
    assert verdict("staff-accountant", text, "next_step_asked") is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("May I feel free to call if I have further questions?", True),
        ("would it be okay if i emailed you next week", True),
        ("When would be a good time for me to check in with you?", True),
        ("do you mind if i reach out in a week or so", True),
        ("You can call my references any time, they expect it.", False),
        ("I'll follow up with you next week.", False),
        ("Feel free to call me if anything comes up.", False),
    ],
)
def test_follow_up(text: str, expected: bool) -> None:
    assert verdict("warehouse-supervisor", text, "follow_up_permission") is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Do you see any gaps between my qualifications and the requirements for the job?", True),
        ("do you have any concerns about my ability to do well here", True),
        ("Is there anything in my background that gives you pause?", True),
        ("is there anything about me youre still on the fence about", True),
        ("Do you have any questions for me?", False),
        ("Honestly, I don't have any gaps for this role.", False),
        ("I took a gap year before college.", False),
        ("There's a gap in the product where reports time out.", False),
    ],
)
def test_gaps(text: str, expected: bool) -> None:
    assert verdict("warehouse-supervisor", text, "gaps_probed") is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This job and I sound like a terrific match.", True),
        ("i really want this job", True),
        ("I'm excited about this role and I'd love to join the team.", True),
        ("It was interesting to hear about the new sorter.", False),
        ("I'm interested in forklifts as a hobby.", False),
        ("I don't want to overstate my experience.", False),
    ],
)
def test_interest(text: str, expected: bool) -> None:
    assert verdict("warehouse-supervisor", text, "interest_reaffirmed") is expected


def test_skills_counts_paraphrases_and_skips_what_is_lacked() -> None:
    sc = load("staff-accountant")
    text = (
        "To recap: I run the month-end close, I reconcile accounts every week, "
        "I build models in Excel, and I prepared the schedules for our last audit."
    )
    result = score(sc, Transcript(text)).item("skills_restated")
    assert result.passed
    assert {"month-end close", "account reconciliations", "Excel modeling"} <= set(result.heard or [])
    lacking = "I haven't done month-end close and I want to learn Excel modeling. I do like audit preparation."
    assert not score(sc, Transcript(lacking)).item("skills_restated").passed


def test_requirements_need_the_job_frame_and_a_claim() -> None:
    sc = load("warehouse-supervisor")
    tied = (
        "You need someone to run the night shift of forty associates, and I've run a night crew of "
        "thirty-five for two years. You need the injury rate kept down, and my crew went a full year "
        "without a recordable injury."
    )
    listed = (
        "So the job is running the night shift of forty associates and keeping the injury rate down. "
        "That's a lot. Is there anything about my background that worries you?"
    )
    one = "You need the injury rate kept down, and my crew went a full year without a recordable injury."
    assert verdict("warehouse-supervisor", tied, "requirements_matched")
    assert not verdict("warehouse-supervisor", listed, "requirements_matched")
    assert not verdict("warehouse-supervisor", one, "requirements_matched")
    assert score(sc, Transcript(tied)).item("requirements_matched").heard == [
        "run the night shift of forty associates",
        "keep the injury rate down",
    ]


def test_recognizer_output_scores_like_written_text() -> None:
    written = (
        "So, to sum up: I run the month-end close, I do account reconciliations, and I'm strong in Excel "
        "modeling. Do you have any concerns about my background? And what's the next step? "
        "Can I call you next week? Thank you for your time."
    )
    asr = (
        "um so to sum up i run the month end close i do account reconciliations and im strong in excel "
        "modeling uh do you have any concerns about my background and whats the next step "
        "can i call you next week thank you for your time"
    )
    sc = load("staff-accountant")
    passed = {i.id for i in score(sc, Transcript(asr)).items if i.passed}
    assert passed == {i.id for i in score(sc, Transcript(written)).items if i.passed}
    assert passed >= {
        "skills_restated",
        "gaps_probed",
        "next_step_asked",
        "follow_up_permission",
        "thanks_given",
        "concise",
    }
    assert "interest_reaffirmed" not in passed


def test_evidence_points_at_the_words_with_offsets() -> None:
    text = "Great talking with you. Thank you for your time today."
    item = score(load("ux-designer"), Transcript(text)).item("thanks_given")
    [ev] = item.evidence
    assert text[ev.start : ev.end] == ev.text
    assert ev.text.startswith("Thank you for your time")


def test_missed_items_get_a_concrete_suggestion_and_passed_ones_none() -> None:
    result = score(load("ux-designer"), Transcript("Thanks for your time."))
    for item in result.items:
        assert (item.suggestion is None) == item.passed
    assert "next step" in (result.item("next_step_asked").suggestion or "")
    assert "ux designer job" in (result.item("gaps_probed").suggestion or "").lower()


def test_concise_uses_words_or_seconds() -> None:
    sc = load("ux-designer")  # max_words = 280
    long_text = " ".join(["I designed a lot of screens."] * 60)
    assert not score(sc, Transcript(long_text)).item("concise").passed
    assert score(sc, Transcript("Thank you for your time.")).item("concise").passed


def test_empty_close_passes_nothing_and_totals_zero() -> None:
    result = score(load("ux-designer"), Transcript(""))
    assert result.total == 0 and not any(i.passed for i in result.items)


def test_total_is_weighted_mean_of_item_scores() -> None:
    sc = load("ux-designer")
    result = score(sc, Transcript("Thank you for your time."))
    expected = sum(sc.weights[i.id] * i.score for i in result.items) / sum(sc.weights[i.id] for i in result.items) * 100
    assert result.total == round(expected)
    assert 15 <= result.total <= 25  # thanks (10) and concise (10) of 100
