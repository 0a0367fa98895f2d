"""`trainer drill`: one item, rep after rep, driven for real through the command."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from speech import natural

from trainer.history.store import Store
from trainer.scenarios import file as scenarios
from trainer.session.close import CandidateTurn
from trainer.session.drill import CUES, DRILLABLE, DrillOptions, run_drill, wording_similarity
from trainer.speech.transcript import Transcript

# A failing rep, a pass, the same words again (not counted: it neither adds to the streak nor
# breaks it), then two more passes in new words: three counted in a row end the drill.
FOLLOW_UP_REPS = [
    "I look forward to hearing from you.",
    "May I call you if I have more questions?",
    "May I call you if I have any more questions?",
    "Would it be all right if I followed up with you by phone next week?",
    "If something else comes up, is it okay to email you?",
]


class Lines:
    def __init__(self, lines: list[str]) -> None:
        self.lines = list(lines)

    def next_turn(self, after_goodbye: bool) -> CandidateTurn | None:
        return CandidateTurn(Transcript(self.lines.pop(0))) if self.lines else None


class Silent:
    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []

    def say(self, line: str, kind: str) -> float:
        self.said.append((line, kind))
        return 0.0

    @property
    def cues(self) -> list[str]:
        return [line for line, kind in self.said if kind == "cue"]

    @property
    def reactions(self) -> list[str]:
        return [kind for _, kind in self.said if kind != "cue"]


def test_parroted_pass_does_not_count_and_three_in_a_row_end_the_drill() -> None:
    sc = scenarios.load("ux-designer")
    interviewer = Silent()
    result = run_drill(sc, "follow_up_permission", Lines(FOLLOW_UP_REPS + ["never reached"]), interviewer)
    assert [(r.passed, r.counted) for r in result.reps] == [
        (False, False),
        (True, True),
        (True, False),
        (True, True),
        (True, True),
    ]
    assert "rep 2" in result.reps[2].note
    assert result.done and result.ended_by == "done" and result.streak == 3
    assert interviewer.cues == [sc.next_step] * 5  # the cue that sets up a follow-up question
    assert interviewer.reactions == ["follow_up"] * 4  # each pass is granted, as in a session


def test_a_failing_rep_breaks_the_streak() -> None:
    sc = scenarios.load("ux-designer")
    reps = [
        "What is the next step in the hiring process?",
        "When do you expect to make a decision?",
        "I enjoyed meeting the team.",
        "Where do we go from here, and what's your timeline?",
    ]
    result = run_drill(sc, "next_step_asked", Lines(reps), Silent(), DrillOptions(needed=3))
    assert [r.passed for r in result.reps] == [True, True, False, True]
    assert result.streak == 1 and not result.done and result.ended_by == "turns ran out"


def test_objection_drill_uses_the_scenarios_objections_and_judges_the_answer() -> None:
    sc = scenarios.load("warehouse-supervisor")
    interviewer = Silent()
    answers = [
        "Don't worry, that won't be a problem.",
        "That's a fair concern. Last year I covered nights for three months at my current warehouse, "
        "and my crew hit ninety eight percent of our pick targets.",
    ]
    result = run_drill(sc, "objection_handled", Lines(answers), interviewer, DrillOptions(seed=1))
    assert all(line in sc.objections for line in interviewer.cues)
    assert [r.passed for r in result.reps][0] is False
    assert interviewer.reactions == ["acknowledge" for r in result.reps if r.passed]


def test_a_drill_cues_in_its_temperaments_words() -> None:
    from trainer.session.lines import phrasings

    sc = scenarios.load("ux-designer")
    interviewer = Silent()
    reps = ["Is there anything about my background that worries you?", "Any doubts about me for this job?"]
    run_drill(sc, "gaps_probed", Lines(reps), interviewer, DrillOptions(seed=4, interviewer="tough"))
    assert set(interviewer.cues) <= set(phrasings()["anything_else"]["tough"])
    assert interviewer.reactions == ["objection", "objection"]


def test_every_drillable_item_has_a_cue_and_wording_similarity_is_word_level() -> None:
    assert set(CUES) == set(DRILLABLE) and "concise" not in DRILLABLE
    assert wording_similarity("May I call you?", "may i call you") == 1.0
    assert wording_similarity("May I call you?", "Could we talk again next week?") < 0.3


def test_cli_text_drill_summary_history_and_progress(trainer_home: Path) -> None:
    stdin = "\n".join(FOLLOW_UP_REPS) + "\n"
    proc = run_cli("drill", "follow-up-permission", "-s", "ux-designer", "--text", "--no-voice", stdin=stdin)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Rep 1: ✗ not yet" in out and "Try:" in out
    assert "Rep 3: ✓ passed, but in nearly the words of rep 2" in out
    assert "Rep 5: ✓ counted (3 of 3 in a row)" in out
    assert "5 reps, 4 passed, 3 counted. Done" in out
    assert "Saved as run 1" in proc.stderr

    runs = Store().runs()
    assert len(runs) == 1 and runs[0].kind == "drill"
    assert runs[0].items[0]["id"] == "follow_up_permission" and runs[0].items[0]["passed"]
    reps = [e for e in runs[0].conversation or [] if e["kind"] == "rep"]
    assert [e["counted"] for e in reps] == [False, True, False, True, True]

    history = run_cli("history")
    assert "drill" in history.stdout and "4/5 reps passed" in history.stdout
    progress = run_cli("progress")
    assert progress.returncode == 0, progress.stderr
    assert "Drills (apart from full closes)" in progress.stdout
    assert "checklist item" not in progress.stdout  # no full close yet: drills are not closes
    shown = run_cli("show", "1")
    assert "✓ passed, not counted" in shown.stdout


def test_cli_drill_without_item_takes_the_weak_spot_from_progress(tmp_path: Path) -> None:
    close = tmp_path / "close.txt"
    close.write_text(
        "I bring user research, interaction design in Figma and accessible design. "
        "Do you see any gaps between my qualifications and the job? This job and I sound like a terrific match. "
        "What is the next step, and when will you decide? Thank you for your time."
    )
    assert run_cli("score", "-s", "ux-designer", "-t", str(close)).returncode == 0
    proc = run_cli("drill", "--text", "--no-voice", "--json", stdin="May I call you if I have more questions?\n")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    # Missed in the close: requirements and follow-up; requirements comes first in the checklist.
    assert doc["item"] == "requirements_matched" and doc["scenario"] == "ux-designer"
    assert "hit in 0 of your last 1 closes" in proc.stderr
    assert doc["reps"][0]["model_line"].startswith('"Your position requires')
    progress = run_cli("progress")
    assert "Drill it: trainer drill requirements_matched" in progress.stdout
    assert "Drills (apart from full closes)" in progress.stdout


def test_cli_drill_errors_are_one_line() -> None:
    bad = run_cli("drill", "concise", "-s", "ux-designer", "--text")
    assert bad.returncode == 2 and "not an item that can be drilled" in bad.stderr
    assert "Traceback" not in bad.stderr
    nothing = run_cli("drill", "--text", stdin="hello\n")
    assert nothing.returncode == 2 and "give one with -s SCENARIO" in nothing.stderr


def test_ctrl_c_ends_the_drill_with_its_summary_and_keeps_the_reps(trainer_home: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "trainer", "drill", "thanks-given", "-s", "ux-designer", "--text", "--no-voice"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, COLUMNS="120"),
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("Thank you for your time today.\n")
    proc.stdin.flush()
    assert proc.stdout.readline().startswith("Rep 1: ✓ counted")  # judged
    assert proc.stderr is not None
    lines = 0
    while lines < 3:  # the cue, the goodbye a pass gets, the cue for rep 2: the drill now waits for it
        line = proc.stderr.readline()
        assert line, "the drill ended before cueing rep 2"
        lines += line.startswith("Interviewer:")
    proc.send_signal(signal.SIGINT)
    out, errs = proc.communicate(timeout=60)
    assert proc.returncode == 0, errs
    assert "1 rep, 1 passed, 1 counted. Stopped at 1 of 3 in a row" in out
    assert "Traceback" not in errs
    runs = Store().runs()
    assert len(runs) == 1 and runs[0].kind == "drill" and not runs[0].items[0]["passed"]


@pytest.mark.slow
def test_cli_drill_from_recordings_with_synthesized_speech(tmp_path: Path) -> None:
    wavs = [natural(t, tail=1.0).save(tmp_path / f"rep{i}.wav") for i, t in enumerate(FOLLOW_UP_REPS)]
    args = [a for w in wavs for a in ("--input", str(w))]
    proc = run_cli("drill", "follow_up_permission", "-s", "ux-designer", *args, "--no-voice", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [(r["passed"], r["counted"]) for r in doc["reps"]] == [
        (False, False),
        (True, True),
        (True, False),
        (True, True),
        (True, True),
    ], [r["text"] for r in doc["reps"]]
    assert doc["done"] and all(r["verdict_s"] < 5 for r in doc["reps"])
    runs = Store().runs()
    assert runs[0].kind == "drill" and runs[0].engine == "whisper"
    assert len(Store().get(runs[0].id or 0, with_recordings=True).recordings) == 5
