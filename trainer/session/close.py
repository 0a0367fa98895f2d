"""A mock close: the interviewer signals the end, the candidate speaks, the interviewer reacts.

The session is pure logic: where the candidate's turns come from (microphone, recordings,
typed text) and how the interviewer's lines reach the user (voice, print) are passed in.
Reactions, as an interviewer would have them, after each turn:
- the candidate probed for gaps or concerns: the interviewer raises an objection, and the next
  turn is the answer (scored as `objection_handled`);
- they asked about next steps: the interviewer answers with the scenario's `next_step`;
- they thanked the interviewer: goodbye; anything said after it counts against `concise`;
- none of those: the interviewer asks once whether there is anything else, then says goodbye.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from trainer.checklist.context import Context
from trainer.checklist.items import gaps_probed, next_step_asked, thanks_given
from trainer.checklist.objection import objection_handled
from trainer.checklist.result import Evidence, Score
from trainer.checklist.scorer import score, total, warm
from trainer.scenarios.file import Scenario
from trainer.speech.audio import Audio
from trainer.speech.metrics import Metrics, measure_turns
from trainer.speech.transcript import Transcript, Word

ANYTHING_ELSE = "Is there anything else you'd like to ask me?"
# Turn endings after which nobody can be heard any more: the session ends and scores what was said.
STOPPING = frozenset({"interrupt", "microphone lost"})


@dataclass
class CandidateTurn:
    transcript: Transcript
    audio: Audio | None = None
    ended_by: str = "end of input"
    latency_s: float | None = None
    # The transcript with the hesitations a second listen finds, for the report (trainer/speech/fillers.py):
    # it runs while the interviewer speaks, and the session takes it at the end.
    later: Future[Transcript] | None = None


class TurnSource(Protocol):
    def next_turn(self, after_goodbye: bool) -> CandidateTurn | None:
        """The candidate's next turn; None when there are no more (recordings or lines ran out)."""


class Interviewer(Protocol):
    def say(self, line: str, kind: str) -> float:
        """Deliver a line; returns how many seconds it took (0 when only printed)."""


@dataclass(frozen=True)
class SessionOptions:
    max_turns: int = 8
    seed: int | None = None  # picks the objection; None: a different one each run


@dataclass
class Event:
    speaker: str  # "interviewer" or "candidate"
    kind: str  # signal, objection, next_step, anything_else, goodbye; turn, objection_answer, after_goodbye
    text: str
    at: float  # seconds from the start of the session
    turn: CandidateTurn | None = None


@dataclass
class SessionResult:
    scenario: Scenario
    events: list[Event]
    close: Transcript  # everything the candidate said before the goodbye, on the session's clock
    score: Score
    metrics: Metrics
    objection: str | None
    lingered_words: int
    engine: str | None = None
    notes: dict[str, str] = field(default_factory=dict)
    ended_by: str = "goodbye"  # or how it was cut short: "interrupt", "microphone lost"

    @property
    def turns(self) -> list[CandidateTurn]:
        return [e.turn for e in self.events if e.turn is not None]


def _speech_seconds(turns: list[CandidateTurn]) -> float | None:
    timed = [t.transcript.words for t in turns if t.transcript.words]
    if not timed:
        return None
    return sum(ws[-1].end - ws[0].start for ws in timed)


def merge_turns(turns: list[tuple[float, CandidateTurn]]) -> Transcript:
    """One transcript of the candidate's turns, word times moved onto the session clock."""
    texts = [t.transcript.text.strip() for _, t in turns if t.transcript.text.strip()]
    if all(t.transcript.words or not t.transcript.text.strip() for _, t in turns) and texts:
        words = [Word(w.text, w.start + at, w.end + at, w.confidence) for at, t in turns for w in t.transcript.words]
        engine = next((t.transcript.engine for _, t in turns if t.transcript.engine), None)
        return Transcript.from_words(words, engine=engine)
    return Transcript(" ".join(texts))


CLOSING_WORDS = 15  # thanks within a turn's last words ends the close; "Yes, thank you. ..." opens one


def _closes_with_thanks(ctx: Context, scenario: Scenario) -> bool:
    item = thanks_given(ctx, scenario)
    if not item.passed or not ctx.tokens:
        return False
    tail_start = ctx.tokens[max(0, len(ctx.tokens) - CLOSING_WORDS)].start
    return any(e.end > tail_start for e in item.evidence)


def onto_close(e: Evidence, said: list[tuple[float, CandidateTurn]], turn: CandidateTurn) -> Evidence:
    """Evidence found in one turn, moved onto the merged close (characters and seconds)."""
    chars = 0
    for at, t in said:
        if t is turn:
            if e.start_s is None:
                return Evidence(e.text, e.start + chars, e.end + chars, None, None, e.note)
            return Evidence(e.text, e.start + chars, e.end + chars, e.start_s + at, (e.end_s or e.start_s) + at, e.note)
        if t.transcript.text.strip():
            chars += len(t.transcript.text.strip()) + 1
    return e


class _Warmer:
    """Embeds the close so far in the background after each turn (while the interviewer answers),
    so that the report comes right after the last turn; only the latest close so far is worth it."""

    def __init__(self, scenario: Scenario) -> None:
        self._scenario = scenario
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="judge-warm")
        self._pending: Future[None] | None = None
        self._turns = 0  # how many turns the last submitted close had

    def submit(self, said: list[tuple[float, CandidateTurn]]) -> None:
        if len(said) == self._turns:
            return  # nothing new since the interviewer's last line
        if self._pending is not None:
            self._pending.cancel()  # superseded before it started
        self._turns = len(said)
        self._pending = self._pool.submit(warm, self._scenario, merge_turns(said))

    def stop(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def run(
    scenario: Scenario,
    source: TurnSource,
    interviewer: Interviewer,
    options: SessionOptions = SessionOptions(),
    on_event: Callable[[Event], None] | None = None,
    on_goodbye: Callable[[SessionResult], None] | None = None,
) -> SessionResult:
    """The mock close. `on_goodbye` gets the result as it stands once the goodbye is said, before
    the session listens for words after it: a front end can show the report at once, and update
    it if the candidate lingers."""
    rng = random.Random(options.seed)
    events: list[Event] = []
    clock = 0.0

    def add(event: Event) -> None:
        events.append(event)
        if on_event:
            on_event(event)

    def say(line: str, kind: str) -> None:
        nonlocal clock
        warmer.submit(said)  # while the interviewer speaks, not alongside the final scoring
        add(Event("interviewer", kind, line, clock))
        clock += interviewer.say(line, kind)

    said: list[tuple[float, CandidateTurn]] = []
    warmer = _Warmer(scenario)
    objection: str | None = None
    answer: CandidateTurn | None = None
    awaiting_answer = asked_next = answered_next = thanked = asked_anything_else = False
    lingered = 0
    ended_by = "goodbye"
    try:
        say(scenario.signal_to_end, "signal")
        for _ in range(options.max_turns):
            turn = source.next_turn(after_goodbye=False)
            if turn is None:
                break
            text = turn.transcript.text.strip()
            kind = "objection_answer" if awaiting_answer else "turn"
            add(Event("candidate", kind, text, clock, turn))
            start, clock = clock, clock + (turn.audio.duration if turn.audio else 0.0)
            if text:
                said.append((start, turn))
                if awaiting_answer:
                    answer, awaiting_answer = turn, False
            if turn.ended_by in STOPPING:
                ended_by = turn.ended_by  # Ctrl-C, a signal, a lost microphone: score what was said
                break
            if not text:
                break  # the candidate said nothing: the interviewer wraps up
            ctx = Context(turn.transcript)
            if gaps_probed(ctx, scenario).passed and objection is None:
                objection = rng.choice(scenario.objections)
                awaiting_answer = True
            asked_next = asked_next or next_step_asked(ctx, scenario).passed
            thanked = thanked or _closes_with_thanks(ctx, scenario)
            if awaiting_answer:
                say(objection or "", "objection")
                continue
            reacted = False
            if asked_next and not answered_next:
                say(scenario.next_step, "next_step")
                answered_next = reacted = True
            if thanked:
                break
            if reacted:
                continue  # the candidate has the floor again
            if asked_anything_else:
                break
            say(ANYTHING_ELSE, "anything_else")
            asked_anything_else = True
        if ended_by == "goodbye":
            say(scenario.goodbye, "goodbye")
            if on_goodbye is not None:
                on_goodbye(_result(scenario, events, said, objection, answer, 0, ended_by, wait=False))
            after = source.next_turn(after_goodbye=True)
            if after is not None and after.transcript.text.strip():
                add(Event("candidate", "after_goodbye", after.transcript.text.strip(), clock, after))
                lingered = len(Context(after.transcript).text.tokens)
    except KeyboardInterrupt:  # Ctrl-C (or SIGTERM/SIGHUP) while the interviewer spoke or between turns
        ended_by = "interrupt"
    finally:
        warmer.stop()

    return _result(scenario, events, said, objection, answer, lingered, ended_by, wait=ended_by == "goodbye")


def _result(
    scenario: Scenario,
    events: list[Event],
    said: list[tuple[float, CandidateTurn]],
    objection: str | None,
    answer: CandidateTurn | None,
    lingered: int,
    ended_by: str,
    wait: bool,
) -> SessionResult:
    """Score what was said. `wait`: for the second listens still running (never once stopped)."""
    for _, t in said:
        if t.later is not None and (wait or t.later.done()):
            t.transcript = t.later.result()
    close = merge_turns(said)
    result = score(scenario, close, extra_words=lingered, spoken_seconds=_speech_seconds([t for _, t in said]))
    handled = objection_handled(scenario, objection, answer.transcript if answer else None)
    if answer is not None:
        handled.evidence = [onto_close(e, said, answer) for e in handled.evidence]
    result.items.append(handled)
    result.total = total(result.items, scenario.weights)
    metrics = measure_turns([(at, t.transcript) for at, t in said])
    return SessionResult(
        scenario, list(events), close, result, metrics, objection, lingered, close.engine, ended_by=ended_by
    )
