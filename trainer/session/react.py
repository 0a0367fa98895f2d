"""The interviewer's reaction to a turn, as a pure step: what the candidate has done (`Heard`)
and where the conversation stands (`Floor`) decide the lines (`react`). See close.py for the
moves and the reactions they get."""

from __future__ import annotations

from dataclasses import dataclass, replace

from trainer.session.lines import Lines


@dataclass(frozen=True)
class Heard:
    """What the candidate has done, as the report's judge reads the close so far."""

    said: bool = True  # this turn had words
    probe: bool = False
    next_step: bool = False
    follow_up: bool = False
    interest: bool = False
    thanks: bool = False  # this turn ends with thanks
    handled: bool = False  # this turn answered the objection and handled it
    asked: tuple[str, ...] = ()  # this turn's other questions: "trial_close", "answer:<key>", "other"


@dataclass(frozen=True)
class Floor:
    """Where the conversation stands between turns."""

    raised: int = 0  # objections raised so far
    awaiting_answer: bool = False  # the next turn answers the latest objection
    presses: int = 0  # push-backs on the latest objection
    answered: frozenset[str] = frozenset()  # moves answered once: next_step, follow_up, interest, answer:<key>
    pending: frozenset[str] = frozenset()  # moves made with the probe, answered after the objection
    asked_anything_else: bool = False
    prompted: bool = False
    over: bool = False

    @property
    def objection_raised(self) -> bool:
        return self.raised > 0


MOVES = ("next_step", "follow_up", "interest", "thanks")


REPEATABLE = frozenset({"trial_close", "other"})  # answered each time they are asked


def react(floor: Floor, heard: Heard, lines: Lines) -> tuple[Floor, list[tuple[str, str]]]:
    """The interviewer's lines (text, kind) after a turn, and where the conversation then stands."""
    # What this turn asks of the interviewer: what the judge credits now and was not answered yet.
    moves = ({m for m in MOVES if getattr(heard, m)} | set(heard.asked)) - floor.answered | floor.pending
    interest = "interest" in moves  # acknowledged only when nothing else is answered
    moves.discard("interest")
    floor = replace(floor, pending=frozenset(), answered=floor.answered | ({"interest"} if interest else set()))
    said: list[tuple[str, str]] = []
    if floor.awaiting_answer:
        # An attempt that does not handle it is pressed (once; twice when tough); a question or a
        # thanks instead of an answer moves on (the objection stays unanswered in the report).
        if heard.said and not heard.handled and floor.presses < len(lines.push_backs) and not moves:
            k = floor.raised - 1
            return replace(floor, presses=floor.presses + 1), [(lines.push_back(k, floor.presses), "push_back")]
        floor = replace(floor, awaiting_answer=False)
        if heard.handled:
            said.append((lines.acknowledge, "acknowledge"))
        if floor.raised < len(lines.objections) and "thanks" not in moves:
            floor = replace(floor, raised=floor.raised + 1, awaiting_answer=True, presses=0, pending=frozenset(moves))
            return floor, [*said, (lines.raising(floor.raised - 1), "objection")]
    if heard.probe and not floor.objection_raised:
        floor = replace(floor, raised=1, awaiting_answer=True, pending=frozenset(moves))
        return floor, [*said, (lines.raising(0), "objection")]
    floor, answered = answer_questions(floor, moves, lines)
    if "thanks" in moves:
        return replace(floor, over=True), [*said, *answered]
    if answered:
        return floor, [*said, *answered]  # the candidate has the floor again
    if not heard.said:
        if floor.prompted or floor.asked_anything_else:
            return replace(floor, over=True), []
        return replace(floor, prompted=True), [(lines.prompt, "prompt")]
    return _invite(floor, said, lines, interest)


def _invite(
    floor: Floor, said: list[tuple[str, str]], lines: Lines, interest: bool
) -> tuple[Floor, list[tuple[str, str]]]:
    """Nothing asked: an acknowledgement (of the answer, or of their interest) invites their
    questions in the same breath; after that, a statement keeps them the floor."""
    if said:
        return replace(floor, asked_anything_else=True), [(lines.acknowledge_and_ask, "acknowledge")]
    if interest:
        if floor.asked_anything_else:
            return floor, [(lines.interest, "interest")]
        return replace(floor, asked_anything_else=True), [(lines.interest_and_ask, "interest")]
    if not floor.asked_anything_else:
        return replace(floor, asked_anything_else=True), [(lines.anything_else, "anything_else")]
    if lines.temperament == "tough":  # cuts lingering short: no more statements, the goodbye
        return replace(floor, over=True), []
    return floor, [(lines.keep_going, "keep_going")]


def answer_questions(
    floor: Floor, moves: set[str] | frozenset[str], lines: Lines
) -> tuple[Floor, list[tuple[str, str]]]:
    """The candidate's questions, in the order a person would take them: the next step and
    permission to follow up (each answered once), the scenario's answers, a trial close, and one
    deflection for whatever else they asked."""
    said = []
    asked = [("next_step", lines.next_step, "next_step"), ("follow_up", lines.follow_up, "follow_up")]
    asked += [(f"answer:{key}", text, "answer") for key, text in lines.answers]
    asked += [("trial_close", lines.trial_close, "trial_close"), ("other", lines.deflect, "deflect")]
    for move, line, kind in asked:
        if move in moves and move not in floor.answered:
            said.append((line, kind))
            floor = replace(floor, answered=floor.answered | ({move} - REPEATABLE))
    return floor, said
