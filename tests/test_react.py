"""The interviewer's reactions, as a pure step: what the candidate did in a turn (`Heard`) and where
the conversation stands (`Floor`) decide the lines. No recognizer, no judge: every case is built."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.scenarios.file import load_file
from trainer.session.close import Floor, Heard, Lines, react

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def lines() -> Lines:
    return Lines.choose(load_file(ROOT / "scenarios" / "staff-accountant.toml"), seed=5)


def kinds(said: list[tuple[str, str]]) -> list[str]:
    return [kind for _, kind in said]


def test_a_probe_raises_the_objection_and_a_handled_answer_is_acknowledged(lines: Lines) -> None:
    floor, said = react(Floor(), Heard(probe=True), lines)
    assert said == [(lines.objection, "objection")] and floor.awaiting_answer
    floor, said = react(floor, Heard(handled=True), lines)
    assert kinds(said) == ["acknowledge"] and said[0][0] == lines.acknowledge_and_ask
    assert not floor.awaiting_answer and floor.asked_anything_else


def test_an_answer_that_does_not_handle_it_is_pressed_once(lines: Lines) -> None:
    floor, _ = react(Floor(), Heard(probe=True), lines)
    floor, said = react(floor, Heard(), lines)
    assert kinds(said) == ["push_back"] and lines.objection in said[0][0] and floor.awaiting_answer
    floor, said = react(floor, Heard(), lines)  # still not handled: the interview goes on
    assert kinds(said) == ["anything_else"] and not floor.awaiting_answer


def test_moves_made_with_the_probe_are_answered_after_the_objection(lines: Lines) -> None:
    floor, said = react(Floor(), Heard(probe=True, next_step=True, follow_up=True, thanks=True), lines)
    assert kinds(said) == ["objection"]
    floor, said = react(floor, Heard(handled=True), lines)
    assert kinds(said) == ["acknowledge", "next_step", "follow_up"] and floor.over


def test_the_objection_is_raised_once(lines: Lines) -> None:
    floor, _ = react(Floor(), Heard(probe=True), lines)
    floor, _ = react(floor, Heard(handled=True), lines)
    floor, said = react(floor, Heard(probe=True), lines)
    assert "objection" not in kinds(said)


def test_follow_up_is_granted_and_the_candidate_keeps_the_floor(lines: Lines) -> None:
    floor, said = react(Floor(), Heard(follow_up=True), lines)
    assert said == [(lines.follow_up, "follow_up")] and not floor.over
    floor, said = react(floor, Heard(follow_up=True, next_step=True), lines)
    assert said == [(lines.next_step, "next_step")]  # each is answered once


def test_a_statement_after_anything_else_does_not_end_the_interview(lines: Lines) -> None:
    floor, said = react(Floor(), Heard(), lines)
    assert kinds(said) == ["anything_else"]
    floor, said = react(floor, Heard(), lines)
    assert kinds(said) == ["keep_going"] and not floor.over
    floor, said = react(floor, Heard(next_step=True), lines)
    assert kinds(said) == ["next_step"] and not floor.over
    floor, said = react(floor, Heard(thanks=True), lines)
    assert said == [] and floor.over


def test_silence_gets_one_prompt_then_the_goodbye(lines: Lines) -> None:
    floor, said = react(Floor(), Heard(said=False), lines)
    assert said == [(lines.prompt, "prompt")] and not floor.over
    floor, said = react(floor, Heard(said=False), lines)
    assert said == [] and floor.over


def test_silence_after_their_questions_were_invited_ends_it(lines: Lines) -> None:
    floor, _ = react(Floor(), Heard(), lines)
    floor, said = react(floor, Heard(said=False), lines)
    assert said == [] and floor.over


def test_the_wording_is_picked_per_session_and_replays_with_its_seed() -> None:
    sc = load_file(ROOT / "scenarios" / "staff-accountant.toml")
    assert Lines.choose(sc, seed=11) == Lines.choose(sc, seed=11)
    picked = {Lines.choose(sc, seed=k).anything_else for k in range(20)}
    assert len(picked) > 1
    every = set(Lines.every(sc))
    for k in range(20):
        assert set(Lines.choose(sc, seed=k).all()) <= every


def test_a_question_instead_of_an_answer_is_answered_and_the_interview_moves_on(lines: Lines) -> None:
    floor, _ = react(Floor(), Heard(probe=True), lines)
    floor, said = react(floor, Heard(next_step=True), lines)
    assert kinds(said) == ["next_step"] and not floor.awaiting_answer


def test_silence_after_the_objection_still_answers_what_was_asked_with_the_probe(lines: Lines) -> None:
    floor, _ = react(Floor(), Heard(probe=True, follow_up=True), lines)
    floor, said = react(floor, Heard(said=False), lines)
    assert kinds(said) == ["follow_up"] and not floor.awaiting_answer and not floor.over
