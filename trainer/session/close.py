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

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from trainer.checklist.context import Context
from trainer.checklist.objection import objection_handled
from trainer.checklist.questions import Asked, questions, read, uncovered
from trainer.checklist.result import Evidence, ItemResult, Score
from trainer.checklist.scorer import intents, score, total, warm
from trainer.scenarios.file import Scenario
from trainer.session.lines import Lines
from trainer.session.react import Floor, Heard, answer_questions, react
from trainer.speech.audio import Audio
from trainer.speech.metrics import Metrics, measure_turns
from trainer.speech.transcript import Transcript, Word

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
    """Where the candidate's turns come from. A live source may also have an `on_guess`
    attribute: the session sets it to a callable that takes each guess at the turn being said."""

    def next_turn(self, after_goodbye: bool) -> CandidateTurn | None:
        """The candidate's next turn; None when there are no more (recordings or lines ran out)."""


class Interviewer(Protocol):
    def say(self, line: str, kind: str) -> float:
        """Deliver a line; returns how many seconds it took (0 when only printed)."""


@dataclass(frozen=True)
class SessionOptions:
    max_turns: int = 8
    seed: int | None = None  # picks the objection and the wording; None: different each run
    lines: Lines | None = None  # the lines, already picked (a front end that renders them ahead)
    interviewer: str = "neutral"  # the temperament, when the lines are not given


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


class _Ahead:
    """Reads the recognizer's guesses at a turn while the turn-taking waits for quiet: when the
    turn ends as guessed, what the candidate did is known already and the reaction is at once."""

    def __init__(self, scenario: Scenario, lines: Lines) -> None:
        self._scenario, self._lines = scenario, lines
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="judge-ahead")
        self._said: list[tuple[float, CandidateTurn]] = []
        self._objection: str | None = None
        self._read: dict[str, Future[Heard]] = {}  # the close so far, as guessed: its reading

    def expect(self, said: list[tuple[float, CandidateTurn]], objection: str | None) -> None:
        """The next turn follows `said` and answers `objection` (None: it answers none)."""
        self._said, self._objection, self._read = list(said), objection, {}

    def guess(self, text: str) -> None:  # called on the listening thread
        turn = CandidateTurn(Transcript(text.strip()))
        said = [*self._said, (0.0, turn)] if text.strip() else self._said
        close = merge_turns(said).text
        if close not in self._read:
            args = (self._scenario, said, turn, self._objection, self._lines)
            self._read[close] = self._pool.submit(hear, *args)

    def heard(self, said: list[tuple[float, CandidateTurn]], turn: CandidateTurn, objection: str | None) -> Heard:
        ahead = self._read.get(merge_turns(said).text) if turn.transcript.text.strip() else None
        if ahead is not None and objection == self._objection and not ahead.cancelled():
            return ahead.result()
        return hear(self._scenario, said, turn, objection, self._lines)

    def stop(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def hear(
    scenario: Scenario,
    said: list[tuple[float, CandidateTurn]],
    turn: CandidateTurn,
    objection: str | None,
    lines: Lines,
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
    ahead = _Ahead(scenario, lines)
    if hasattr(source, "on_guess"):
        source.on_guess = ahead.guess
    floor = Floor()
    answers: dict[int, CandidateTurn] = {}  # objection k: the answer that handled it, else the first
    lingered = 0
    ended_by = "goodbye"
    try:
        say(lines.signal, "signal")
        for _ in range(options.max_turns):
            ahead.expect(said, lines.objections[floor.raised - 1] if floor.awaiting_answer else None)
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
            heard = ahead.heard(said, turn, lines.objections[k] if answering else None)
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
        ahead.stop()

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
    scenario: Scenario,
    raised: tuple[str, ...],
    answers: dict[int, CandidateTurn],
    said: list[tuple[float, CandidateTurn]],
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
