"""A mock close: the interviewer signals the end, the candidate speaks, the interviewer reacts.

The session is pure logic: where the candidate's turns come from (microphone, recordings,
typed text) and how the interviewer's lines reach the user (voice, print) are passed in.
After each turn, what the candidate has done (`Heard`: the report's own judge reading the close
so far, so the conversation and the report never disagree) and where the conversation stands
(`Floor`) decide the interviewer's lines (`react`, a pure step):
- a probe for gaps or concerns: an objection from the scenario; the next turn is the answer
  (scored as `objection_handled`): acknowledged when it handles the objection, pressed once
  (twice when tough) when an attempt does not; a tough interviewer then raises a second one;
- the next step, permission to follow up, a question the scenario's `[interviewer.answers]`
  covers, a trial close, any other question: each answered (the last politely deflected);
- reaffirmed interest alone: a brief acknowledgement;
- thanks: the goodbye; anything said after it gets a cut-off and counts against `concise`;
- none of those: the candidate is asked once for their questions; a statement after that keeps
  them the floor (a tough interviewer says goodbye); saying nothing gets one prompt, then the goodbye.
The wording of each reaction is picked per session from reactions.toml (seeded) by temperament.
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
from trainer.checklist.objection import objection_handled
from trainer.checklist.questions import Asked, questions, read, uncovered
from trainer.checklist.result import Evidence, ItemResult, Score
from trainer.checklist.scorer import intents, score, total, warm
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


TEMPERAMENTS = ("neutral", "warm", "tough")


@lru_cache(maxsize=1)
def phrasings() -> dict[str, dict[str, list[str]]]:
    data = tomllib.loads(REACTIONS_PATH.read_text(encoding="utf-8"))
    return {kind: {t: list(v) for t, v in table.items()} for kind, table in data.items()}


def wording(scenario: Scenario, kind: str, temperament: str) -> list[str]:
    """The phrasings of one reaction: the scenario's own first, else the temperament's."""
    if scenario.lines.get(kind):
        return list(scenario.lines[kind])
    table = phrasings()[kind]
    return table.get(temperament) or table["neutral"]


@dataclass(frozen=True)
class Lines:
    """What the interviewer will say in one session, each reaction's wording picked once."""

    signal: str
    objections: tuple[str, ...]  # raised in this order: one, or two when tough
    push_backs: tuple[str, ...]  # "{objection}" templates: one per press on a weak answer
    another: str  # before a second objection
    acknowledge: str
    next_step: str
    follow_up: str
    interest: str
    trial_close: str
    deflect: str
    cut_off: str
    anything_else: str
    keep_going: str
    prompt: str
    goodbye: str
    answers: tuple[tuple[str, str], ...] = ()  # the scenario's [interviewer.answers]
    temperament: str = "neutral"

    @classmethod
    def choose(cls, scenario: Scenario, seed: int | None = None, temperament: str = "neutral") -> Lines:
        if temperament not in TEMPERAMENTS:
            raise ValueError(f"unknown interviewer {temperament!r}; expected one of {', '.join(TEMPERAMENTS)}")
        rng = random.Random(seed)
        pick = {kind: rng.choice(wording(scenario, kind, temperament)) for kind in sorted(phrasings())}
        tough = temperament == "tough"
        objections = rng.sample(scenario.objections, 2 if tough and len(scenario.objections) > 1 else 1)
        presses = wording(scenario, "push_back", temperament)
        push_backs = rng.sample(presses, 2) if tough and len(presses) > 1 else [pick["push_back"]] * (2 if tough else 1)
        return cls(
            scenario.signal_to_end,
            tuple(objections),
            tuple(push_backs),
            pick["another_objection"],
            pick["acknowledge"],
            scenario.next_step,
            pick["follow_up"],
            pick["interest"],
            pick["trial_close"],
            pick["deflect"],
            pick["cut_off"],
            pick["anything_else"],
            pick["keep_going"],
            pick["prompt"],
            scenario.goodbye,
            tuple(scenario.answers.items()),
            temperament,
        )

    @property
    def objection(self) -> str:
        return self.objections[0]

    def raising(self, k: int) -> str:
        """The line that raises objection k."""
        return self.objections[k] if k == 0 else f"{self.another} {self.objections[k]}"

    def push_back(self, k: int, press: int) -> str:
        """Press number `press` on a weak answer to objection k."""
        return self.push_backs[press].format(objection=self.objections[k])

    def answer(self, key: str) -> str:
        return dict(self.answers)[key]

    @property
    def acknowledge_and_ask(self) -> str:
        return f"{self.acknowledge} {self.anything_else}"

    @property
    def interest_and_ask(self) -> str:
        return f"{self.interest} {self.anything_else}"

    @classmethod
    def every(cls, scenario: Scenario) -> list[str]:
        """Every line any session of this scenario can say, whatever the temperament."""
        said = [scenario.signal_to_end, *scenario.objections, scenario.next_step, scenario.goodbye]
        said += list(scenario.answers.values())
        for temperament in TEMPERAMENTS:
            options = {kind: wording(scenario, kind, temperament) for kind in phrasings()}
            for kind, lines in options.items():
                for line in lines:
                    said += [line.format(objection=o) for o in scenario.objections] if "{objection}" in line else [line]
            said += [f"{a} {o}" for a in options["another_objection"] for o in scenario.objections]
            said += [f"{a} {b}" for a in options["acknowledge"] + options["interest"] for b in options["anything_else"]]
        return list(dict.fromkeys(said))

    def all(self) -> list[str]:
        """Every line of this session, in the order they are most likely needed (to render ahead)."""
        said = [self.signal, self.raising(0), self.next_step, self.anything_else, self.goodbye]
        said += [self.acknowledge_and_ask, self.acknowledge, self.follow_up, self.interest_and_ask]
        said += [self.push_back(k, p) for k in range(len(self.objections)) for p in range(len(self.push_backs))]
        said += [self.raising(k) for k in range(1, len(self.objections))]
        said += [a for _, a in self.answers]
        said += [self.trial_close, self.deflect, self.keep_going, self.prompt, self.cut_off]
        return list(dict.fromkeys(said))


@dataclass(frozen=True)
class SessionOptions:
    max_turns: int = 8
    seed: int | None = None  # picks the objection and the wording; None: different each run
    lines: Lines | None = None  # the lines, already picked (a front end that renders them ahead)
    interviewer: str = "neutral"  # the temperament, when the lines are not given


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


def _invite(floor: Floor, said: list[tuple[str, str]], lines: Lines, interest: bool) -> tuple[Floor, list[tuple[str, str]]]:
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
    objections: tuple[str, ...] = ()  # every objection raised, in order (two from a tough interviewer)
    interviewer: str = "neutral"  # the temperament

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


QUESTION_ITEMS = ("gaps_probed", "next_step_asked", "follow_up_permission")  # their questions get their reactions
CLOSING_WORDS = 15  # thanks within a turn's last words ends the close; "Yes, thank you. ..." opens one


def _closes_with_thanks(ctx: Context, item: ItemResult) -> bool:
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


def hear(
    scenario: Scenario, said: list[tuple[float, CandidateTurn]], turn: CandidateTurn, objection: str | None, lines: Lines
) -> Heard:
    """What the candidate has done, read by the report's judge in the close so far (`said`, which
    ends with `turn` when it had words); `objection`: the one this turn answers, if it does."""
    if not turn.transcript.text.strip():
        return Heard(said=False)
    close = merge_turns(said)
    before = merge_turns(said[:-1]).text.strip()
    found = intents(scenario, close)
    ctx = Context(close)
    quoted = [e for item in QUESTION_ITEMS if found[item].passed for e in found[item].evidence]
    asked = uncovered(questions(ctx, len(before)), quoted)
    return Heard(
        probe=found["gaps_probed"].passed,
        next_step=found["next_step_asked"].passed,
        follow_up=found["follow_up_permission"].passed,
        interest=found["interest_reaffirmed"].passed,
        thanks=_closes_with_thanks(ctx, found["thanks_given"]),
        handled=objection is not None and objection_handled(scenario, objection, turn.transcript).passed,
        asked=tuple(_move(a) for a in read(asked, dict(lines.answers)) if a.kind != "checklist"),
    )


def _move(asked: Asked) -> str:
    return f"answer:{asked.key}" if asked.kind == "answer" else asked.kind


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
    lines = options.lines or Lines.choose(scenario, options.seed, options.interviewer)
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
    answers: dict[int, CandidateTurn] = {}  # objection k: the answer that handled it, else the first
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
            k = floor.raised - 1
            add(Event("candidate", "objection_answer" if floor.awaiting_answer else "turn", text, clock, turn))
            start, clock = clock, clock + (turn.audio.duration if turn.audio else 0.0)
            if text:
                said.append((start, turn))
            if turn.ended_by in STOPPING:
                ended_by = turn.ended_by  # Ctrl-C, a signal, a lost microphone: score what was said
                if answering:
                    answers.setdefault(k, turn)
                break
            heard = hear(scenario, said, turn, lines.objections[k] if answering else None, lines)
            if answering and (k not in answers or heard.handled):
                answers[k] = turn
            floor, reply = react(floor, heard, lines)
            for line, kind in reply:
                say(line, kind)
            if floor.over:
                break
        if ended_by == "goodbye":
            say(lines.goodbye, "goodbye")
            if on_goodbye is not None:
                on_goodbye(_result(scenario, events, said, lines, floor, answers, 0, ended_by, wait=False))
            after = source.next_turn(after_goodbye=True)
            if after is not None and after.transcript.text.strip():
                add(Event("candidate", "after_goodbye", after.transcript.text.strip(), clock, after))
                lingered = len(Context(after.transcript).text.tokens)
                say(lines.cut_off, "cut_off")
    except KeyboardInterrupt:  # Ctrl-C (or SIGTERM/SIGHUP) while the interviewer spoke or between turns
        ended_by = "interrupt"
    finally:
        warmer.stop()

    return _result(scenario, events, said, lines, floor, answers, lingered, ended_by, wait=ended_by == "goodbye")


def _result(
    scenario: Scenario,
    events: list[Event],
    said: list[tuple[float, CandidateTurn]],
    lines: Lines,
    floor: Floor,
    answers: dict[int, CandidateTurn],
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
    raised = lines.objections[: floor.raised]
    result.items.append(_handled(scenario, raised, answers, said))
    result.total = total(result.items, scenario.weights)
    metrics = measure_turns([(at, t.transcript) for at, t in said])
    return SessionResult(
        scenario,
        list(events),
        close,
        result,
        metrics,
        raised[0] if raised else None,
        lingered,
        close.engine,
        ended_by=ended_by,
        objections=raised,
        interviewer=lines.temperament,
    )


def _handled(
    scenario: Scenario, raised: tuple[str, ...], answers: dict[int, CandidateTurn], said: list[tuple[float, CandidateTurn]]
) -> ItemResult:
    """`objection_handled` over every objection raised: passed when each answer handles its own."""
    verdicts = []
    for k, objection in enumerate(raised or (None,)):
        answer = answers.get(k)
        item = objection_handled(scenario, objection, answer.transcript if answer else None)
        if answer is not None:
            item.evidence = [onto_close(e, said, answer) for e in item.evidence]
        verdicts.append(item)
    if len(verdicts) == 1:
        return verdicts[0]
    first = verdicts[0]
    first.passed = all(v.passed for v in verdicts)
    first.score = round(sum(v.score for v in verdicts) / len(verdicts), 3)
    first.evidence = [e for v in verdicts for e in v.evidence]
    first.heard = [h for v in verdicts for h in (v.heard or [])]
    first.suggestion = next((v.suggestion for v in verdicts if not v.passed), None)
    return first
