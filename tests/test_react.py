"""The interviewer's reactions, as a pure step: what the candidate did in a turn (`Heard`) and where
the conversation stands (`Floor`) decide the lines. No recognizer, no judge: every case is built."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.scenarios.file import load_file
from trainer.session.lines import Lines
from trainer.session.react import Floor, Heard, react

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


@pytest.fixture(scope="module")
def tough() -> Lines:
    return Lines.choose(load_file(ROOT / "scenarios" / "staff-accountant.toml"), seed=5, temperament="tough")


def test_a_tough_interviewer_presses_twice_then_raises_a_second_objection(tough: Lines) -> None:
    assert len(tough.objections) == 2 and tough.objections[0] != tough.objections[1]
    floor, said = react(Floor(), Heard(probe=True), tough)
    assert said == [(tough.objections[0], "objection")]
    floor, said = react(floor, Heard(), tough)
    floor, again = react(floor, Heard(), tough)
    assert kinds(said + again) == ["push_back", "push_back"] and said[0][0] != again[0][0]
    floor, said = react(floor, Heard(), tough)  # pressed twice: on to the second concern
    assert said == [(tough.raising(1), "objection")] and tough.objections[1] in said[0][0]
    floor, said = react(floor, Heard(handled=True), tough)
    assert kinds(said) == ["acknowledge"] and floor.raised == 2 and not floor.awaiting_answer


def test_thanks_in_the_answer_ends_it_without_a_second_objection(tough: Lines) -> None:
    floor, _ = react(Floor(), Heard(probe=True), tough)
    floor, said = react(floor, Heard(handled=True, thanks=True), tough)
    assert kinds(said) == ["acknowledge"] and floor.over and floor.raised == 1


def test_temperaments_word_things_differently() -> None:
    sc = load_file(ROOT / "scenarios" / "staff-accountant.toml")
    picked = {
        t: {Lines.choose(sc, seed=k, temperament=t).push_back(0, 0) for k in range(12)} for t in ("warm", "tough")
    }
    assert picked["warm"].isdisjoint(picked["tough"])
    assert Lines.choose(sc, seed=3, temperament="warm").temperament == "warm"
    with pytest.raises(ValueError, match="expected one of neutral, warm, tough"):
        Lines.choose(sc, seed=3, temperament="grumpy")


def test_interest_alone_is_acknowledged_once(lines: Lines) -> None:
    floor, said = react(Floor(), Heard(interest=True), lines)
    assert said == [(lines.interest_and_ask, "interest")]
    floor, said = react(floor, Heard(interest=True), lines)  # still credited, already acknowledged
    assert kinds(said) == ["keep_going"]


def test_interest_with_a_question_gets_the_answer_only(lines: Lines) -> None:
    floor, said = react(Floor(), Heard(interest=True, next_step=True), lines)
    assert kinds(said) == ["next_step"]
    floor, said = react(floor, Heard(interest=True, next_step=True), lines)
    assert kinds(said) == ["anything_else"]  # nothing new: their questions are invited


def test_other_questions_are_answered_from_the_table_or_deflected_each_time() -> None:
    sc = load_file(ROOT / "scenarios" / "staff-accountant.toml")
    lines = Lines.choose(sc, seed=2)
    key, answer = lines.answers[0]
    floor, said = react(Floor(), Heard(asked=(f"answer:{key}", "trial_close", "other", "other")), lines)
    assert said == [(answer, "answer"), (lines.trial_close, "trial_close"), (lines.deflect, "deflect")]
    floor, said = react(floor, Heard(asked=(f"answer:{key}", "other")), lines)
    assert said == [(lines.deflect, "deflect")]  # the table's answer once; a deflection each time


def test_a_tough_interviewer_cuts_statements_short_after_asking_for_questions(tough: Lines, lines: Lines) -> None:
    floor, said = react(Floor(), Heard(), tough)
    assert kinds(said) == ["anything_else"]
    floor, said = react(floor, Heard(), tough)
    assert said == [] and floor.over
    floor, _ = react(Floor(), Heard(), lines)
    floor, said = react(floor, Heard(), lines)
    assert kinds(said) == ["keep_going"] and not floor.over


def test_a_turn_read_ahead_on_the_guess_is_reused_when_the_turn_ends_as_guessed() -> None:
    from trainer.session.close import CandidateTurn, _Ahead, hear
    from trainer.speech.listen import unmarked
    from trainer.speech.transcript import Transcript

    sc = load_file(ROOT / "scenarios" / "ux-designer.toml")
    lines = Lines.choose(sc, seed=1)
    ahead = _Ahead(sc, lines)
    try:
        ahead.expect([], None)
        ahead.guess(unmarked("what are the next steps? and may i email you next week?"))
        turn = CandidateTurn(Transcript("what are the next steps and may i email you next week"))
        [(close, reading)] = ahead._read.items()
        assert close == turn.transcript.text
        heard = ahead.heard([(0.0, turn)], turn, None)
        assert heard is reading.result()  # not read again
        assert heard == hear(sc, [(0.0, turn)], turn, None, lines)
        assert heard.next_step and heard.follow_up
        other = CandidateTurn(Transcript("thank you for your time"))  # ended otherwise: read now
        assert ahead.heard([(0.0, other)], other, None).thanks
    finally:
        ahead.stop()
