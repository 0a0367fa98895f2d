"""`trainer demo`: the whole mock close on any machine, with no microphone and no download.

A sample candidate's turns are synthesized in one voice, the interviewer's lines in another;
the candidate's audio gets a faint noise floor (as a microphone would give) and is recognized by
the streaming engine block by block, as if spoken live; the interviewer reacts to what was
heard. The report then compares what was said with what was heard, so recognition errors that
cost points are visible.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from trainer import paths
from trainer.checklist.scorer import score
from trainer.checklist.text import normalize
from trainer.errors import ScenarioError
from trainer.scenarios.file import Scenario
from trainer.session import tts
from trainer.session.close import CandidateTurn, Event
from trainer.session.practice import candidate_turn
from trainer.speech.engines import Engine
from trainer.speech.fillers import Hesitations
from trainer.speech.listen import ListenOptions, file_blocks, listen
from trainer.speech.transcript import Transcript

# Two natural voices (espeak-ng's when the natural voice is unavailable): the demo shows what the
# recognizer makes of a person's voice, not of a robotic one.
CANDIDATE_VOICE = tts.VoiceSettings("am_adam", 160)
INTERVIEWER_VOICE = tts.VoiceSettings("bf_emma", 165)
DEFAULT_SCENARIO = "warehouse-supervisor"
MIC_NOISE_DBFS = -50.0


@dataclass(frozen=True)
class Script:
    turns: tuple[str, ...]  # the candidate's turns, without the objection answer
    objection_answers: tuple[str, ...]  # one per scenario objection


def _generated(sc: Scenario) -> Script:
    skills = ", ".join(s[0].lower() + s[1:] for s in sc.skills[:3])
    req = sc.requirements[0]
    first = (
        f"Thank you. To sum up what I bring: {skills}. You need someone to {req}, and I have done exactly that "
        f"in my last role. I really want this job. Do you have any concerns about my ability to do well here?"
    )
    last = (
        "What is the next step in the hiring process, and when do you expect to make a decision? "
        "May I call you next week if I have questions? Thank you for your time."
    )
    answer = "That is a fair concern. Last year I faced the same thing, and I handled it by learning fast and asking for feedback every week."
    return Script((first, last), tuple(answer for _ in sc.objections))


def load_script(sc: Scenario) -> Script:
    """The scenario's sample candidate (`examples/NAME.demo.toml` beside it), or one made from it."""
    for folder in (sc.path.parent / "examples", paths.bundled_scenarios_dir() / "examples"):
        path = folder / f"{sc.name}.demo.toml"
        if path.is_file():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
                turns, answers = data["turns"], data["objection_answers"]
            except (tomllib.TOMLDecodeError, KeyError) as exc:
                raise ScenarioError(
                    path, None, f"not a demo script ({exc}); expected turns and objection_answers"
                ) from None
            if len(answers) != len(sc.objections):
                raise ScenarioError(
                    path,
                    "objection_answers",
                    f"has {len(answers)} entries; expected one per objection ({len(sc.objections)})",
                )
            return Script(tuple(turns), tuple(answers))
    return _generated(sc)


class DemoCandidate:
    """Speaks the script, answering whichever objection the interviewer raised."""

    def __init__(self, sc: Scenario, script: Script, engine: Engine) -> None:
        self._sc = sc
        self._queue = list(script.turns)
        self._answers = dict(zip(sc.objections, script.objection_answers))
        self._engine = engine
        self._hesitations = Hesitations(engine)
        self._last_line: Event | None = None
        self.said: list[str] = []

    def observe(self, event: Event) -> None:
        if event.speaker == "interviewer":
            self._last_line = event

    def next_turn(self, after_goodbye: bool) -> CandidateTurn | None:
        if after_goodbye:
            return None  # the sample candidate knows not to linger
        if self._last_line is not None and self._last_line.kind == "objection":
            text = self._answers[self._last_line.text]
        elif self._queue:
            text = self._queue.pop(0)
        else:
            return None
        self.said.append(text)
        sound = tts.synthesize(text, CANDIDATE_VOICE).with_noise_floor(MIC_NOISE_DBFS)
        turn = listen(file_blocks(sound), self._engine.stream(), ListenOptions())
        return candidate_turn(turn, self._hesitations)


@dataclass(frozen=True)
class Fidelity:
    """How well the close was heard, and what it cost."""

    word_error_rate: float
    total_as_said: int
    total_as_heard: int


def fidelity(sc: Scenario, said: list[str], heard: Transcript) -> Fidelity:
    """Word error rate, and the checklist total on the words said versus the words heard."""
    ref = [t.text for t in normalize(" ".join(said)).tokens]
    hyp = [t.text for t in normalize(heard.text).tokens]
    wer = Levenshtein.distance(ref, hyp) / max(1, len(ref))
    return Fidelity(round(wer, 3), score(sc, Transcript(" ".join(said))).total, score(sc, Transcript(heard.text)).total)
