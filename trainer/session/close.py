"""A mock close: the interviewer signals the end, the candidate speaks, the interviewer reacts.

The session is pure logic: where the candidate's turns come from (microphone, recordings,
typed text) and how the interviewer's lines reach the user (voice, print) are passed in.
After each turn, what the candidate did (`Heard`) and where the conversation stands (`Floor`)
decide the interviewer's lines (`react`, a pure step):
- a probe for gaps or concerns: an objection from the scenario; the next turn is the answer
  (scored as `objection_handled`): acknowledged when it handles the objection, pressed once when
  an attempt does not (a question instead of an answer is answered, and the interview goes on);
- a question about the next step: the scenario's `next_step`; asking to follow up: granted;
- thanks: the goodbye; anything said after it counts against `concise`;
- none of those: the candidate is asked once for their questions; a statement after that keeps
  them the floor; saying nothing gets one prompt, then the goodbye.
The wording of each reaction is picked per session from reactions.toml (seeded).
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from trainer.checklist.context import Context
from trainer.checklist.items import follow_up_permission, gaps_probed, next_step_asked, thanks_given
from trainer.checklist.objection import objection_handled
from trainer.checklist.result import Evidence, Score
from trainer.checklist.scorer import score, total, warm
from trainer.scenarios.file import Scenario
from trainer.speech.audio import Audio
from trainer.speech.metrics import Metrics, measure_turns
from trainer.speech.transcript import Transcript, Word

REACTIONS_PATH = Path(__file__).parent / "reactions.toml"
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


@lru_cache(maxsize=1)
def phrasings() -> dict[str, list[str]]:
    return {k: list(v) for k, v in tomllib.loads(REACTIONS_PATH.read_text(encoding="utf-8")).items()}


@dataclass(frozen=True)
class Lines:
    """What the interviewer will say in one session, each reaction's wording picked once."""

    signal: str
    objection: str
    push_back: str
    acknowledge: str
    next_step: str
    follow_up: str
    anything_else: str
    keep_going: str
    prompt: str
    goodbye: str

    @classmethod
    def choose(cls, scenario: Scenario, seed: int | None = None) -> Lines:
        rng = random.Random(seed)
        pick = {kind: rng.choice(options) for kind, options in sorted(phrasings().items())}
        objection = rng.choice(scenario.objections)
        return cls(
            scenario.signal_to_end,
            objection,
            pick["push_back"].format(objection=objection),
            pick["acknowledge"],
            scenario.next_step,
            pick["follow_up"],
            pick["anything_else"],
            pick["keep_going"],
            pick["prompt"],
            scenario.goodbye,
        )

    @property
    def acknowledge_and_ask(self) -> str:
        return f"{self.acknowledge} {self.anything_else}"

    @classmethod
    def every(cls, scenario: Scenario) -> list[str]:
        """Every line any session of this scenario can say."""
        said = [scenario.signal_to_end, *scenario.objections, scenario.next_step, scenario.goodbye]
        wording = phrasings()
        for options in wording.values():
            for line in options:
                said += [line.format(objection=o) for o in scenario.objections] if "{objection}" in line else [line]
        return said + [f"{a} {b}" for a in wording["acknowledge"] for b in wording["anything_else"]]

    def all(self) -> list[str]:
        """Every line, in the order they are most likely needed (to render ahead)."""
        return [
            self.signal,
            self.objection,
            self.next_step,
            self.anything_else,
            self.goodbye,
            self.acknowledge_and_ask,
            self.acknowledge,
            self.push_back,
            self.follow_up,
            self.keep_going,
            self.prompt,
        ]


@dataclass(frozen=True)
class SessionOptions:
    max_turns: int = 8
    seed: int | None = None  # picks the objection and the wording; None: different each run
    lines: Lines | None = None  # the lines, already picked (a front end that renders them ahead)


@dataclass(frozen=True)
class Heard:
    """What the candidate did in one turn, as the judge reads it."""

    said: bool = True
    probe: bool = False
    next_step: bool = False
    follow_up: bool = False
    thanks: bool = False
    handled: bool = False  # the turn answered the objection and handled it


@dataclass(frozen=True)
class Floor:
    """Where the conversation stands between turns."""

    objection_raised: bool = False
    awaiting_answer: bool = False  # the next turn answers the objection
    pushed_back: bool = False
    answered: frozenset[str] = frozenset()  # next_step, follow_up: said once
    pending: frozenset[str] = frozenset()  # moves made with the probe, answered after the objection
    asked_anything_else: bool = False
    prompted: bool = False
    over: bool = False


MOVES = ("next_step", "follow_up", "thanks")


def react(floor: Floor, heard: Heard, lines: Lines) -> tuple[Floor, list[tuple[str, str]]]:
    """The interviewer's lines (text, kind) after a turn, and where the conversation then stands."""
    moves = {m for m in MOVES if getattr(heard, m)} | floor.pending
    floor = replace(floor, pending=frozenset())
    said: list[tuple[str, str]] = []
    if floor.awaiting_answer:
        # An attempt that does not handle it is pressed once; a question or a thanks instead of an
        # answer moves on (the objection stays unanswered in the report).
        if heard.said and not heard.handled and not floor.pushed_back and not moves:
            return replace(floor, pushed_back=True), [(lines.push_back, "push_back")]
        floor = replace(floor, awaiting_answer=False)
        if heard.handled:
            said.append((lines.acknowledge, "acknowledge"))
    if heard.probe and not floor.objection_raised:
        floor = replace(floor, objection_raised=True, awaiting_answer=True, pending=frozenset(moves))
        return floor, [*said, (lines.objection, "objection")]
    floor, answered = answer_questions(floor, moves, lines)
    if "thanks" in moves:
        return replace(floor, over=True), [*said, *answered]
    if answered:
        return floor, [*said, *answered]  # the candidate has the floor again
    if not heard.said:
        if floor.prompted or floor.asked_anything_else:
            return replace(floor, over=True), []
        return replace(floor, prompted=True), [(lines.prompt, "prompt")]
    if said:  # the acknowledgement alone: it invites their questions in the same breath
        return replace(floor, asked_anything_else=True), [(lines.acknowledge_and_ask, "acknowledge")]
    if not floor.asked_anything_else:
        return replace(floor, asked_anything_else=True), [(lines.anything_else, "anything_else")]
    return floor, [(lines.keep_going, "keep_going")]


def answer_questions(
    floor: Floor, moves: set[str] | frozenset[str], lines: Lines
) -> tuple[Floor, list[tuple[str, str]]]:
    """The next step and permission to follow up, each answered once."""
    said = []
    for move, line in (("next_step", lines.next_step), ("follow_up", lines.follow_up)):
        if move in moves and move not in floor.answered:
            said.append((line, move))
            floor = replace(floor, answered=floor.answered | {move})
    return floor, said


@dataclass
class Event:
    speaker: str  # "interviewer" or "candidate"
    # the interviewer's: signal, objection, push_back, acknowledge, next_step, follow_up,
    # anything_else, keep_going, prompt, goodbye; the candidate's: turn, objection_answer, after_goodbye
    kind: str
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


def hear(scenario: Scenario, turn: CandidateTurn, objection: str | None) -> Heard:
    """What the candidate did in a turn; `objection`: the one this turn answers, if it does."""
    if not turn.transcript.text.strip():
        return Heard(said=False)
    ctx = Context(turn.transcript)
    return Heard(
        probe=gaps_probed(ctx, scenario).passed,
        next_step=next_step_asked(ctx, scenario).passed,
        follow_up=follow_up_permission(ctx, scenario).passed,
        thanks=_closes_with_thanks(ctx, scenario),
        handled=objection is not None and objection_handled(scenario, objection, turn.transcript).passed,
    )


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
    lines = options.lines or Lines.choose(scenario, options.seed)
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
    floor = Floor()
    answer: CandidateTurn | None = None
    lingered = 0
    ended_by = "goodbye"
    try:
        say(lines.signal, "signal")
        for _ in range(options.max_turns):
            turn = source.next_turn(after_goodbye=False)
            if turn is None:  # no more turns: what they asked with the probe is still answered
                floor, reply = answer_questions(floor, floor.pending, lines)
                for line, kind in reply:
                    say(line, kind)
                break
            text = turn.transcript.text.strip()
            answering = floor.awaiting_answer and bool(text)
            add(Event("candidate", "objection_answer" if floor.awaiting_answer else "turn", text, clock, turn))
            start, clock = clock, clock + (turn.audio.duration if turn.audio else 0.0)
            if text:
                said.append((start, turn))
            if turn.ended_by in STOPPING:
                ended_by = turn.ended_by  # Ctrl-C, a signal, a lost microphone: score what was said
                answer = answer or (turn if answering else None)
                break
            heard = hear(scenario, turn, lines.objection if answering else None)
            if answering and (answer is None or heard.handled):
                answer = turn  # the answer that handled the objection, else the first one given
            floor, reply = react(floor, heard, lines)
            for line, kind in reply:
                say(line, kind)
            if floor.over:
                break
        if ended_by == "goodbye":
            say(lines.goodbye, "goodbye")
            objection = lines.objection if floor.objection_raised else None
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

    objection = lines.objection if floor.objection_raised else None
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
