"""Each temperament in a live session through the microphone: a private PulseAudio server's null
sink stands in for it, `trainer practice` listens with Whisper, and each turn (piper's natural
voice) is played into the sink once the interviewer's line before it has been shown. The
interviewer must react as its temperament does, and the run is saved with the temperament."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.speech import natural, pulse_microphone
from trainer.history.store import Store
from trainer.session.lines import phrasings

PROBE = "Do you have any concerns about my background for this role?"
WEAK = "Honestly, I don't think that would be a problem at all."
THANKS = "Thank you very much for your time today."
# The turns, and the interviewer's reactions (kinds) the session must show for them.
SCRIPTS = {
    "neutral": ([PROBE, WEAK, THANKS], ["signal", "objection", "push_back", "goodbye"]),
    "warm": ([PROBE, WEAK, THANKS], ["signal", "objection", "push_back", "goodbye"]),
    "tough": (
        [PROBE, WEAK, "I really don't see an issue there.", "It will be fine, trust me.", THANKS],
        ["signal", "objection", "push_back", "push_back", "objection", "goodbye"],
    ),
}


@pytest.fixture(scope="module")
def pulse() -> Iterator[dict[str, str]]:
    with pulse_microphone() as env:
        yield env


class Lines:
    """The interviewer's lines as the program shows them on stderr, counted as they come."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        self._changed = threading.Condition()
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            with self._changed:
                self.seen.append(line)
                self._changed.notify_all()

    def interviewer_lines(self) -> int:
        return sum("Interviewer:" in line for line in self.seen)

    def wait_for(self, count: int, seconds: float = 120.0) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self.interviewer_lines() >= count, seconds), "".join(self.seen)


@pytest.mark.slow
@pytest.mark.parametrize("temperament", ["neutral", "warm", "tough"])
def test_a_live_session_with_each_temperament(
    temperament: str, pulse: dict[str, str], trainer_home: Path, tmp_path: Path
) -> None:
    turns, expected = SCRIPTS[temperament]
    wavs = [natural(text, tail=0.3).save(tmp_path / f"turn{k}.wav") for k, text in enumerate(turns)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "trainer", "practice", "staff-accountant", "--interviewer", temperament]
        + ["--no-voice", "--seed", "3", "--json"],
        env=dict(pulse, TRAINER_HOME=str(trainer_home), COLUMNS="200"),
        cwd=ROOT,
        text=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    shown = Lines(proc)
    try:
        for k, wav in enumerate(wavs):
            shown.wait_for(k + 1)  # each turn here answers one line: the signal, the objection, ...
            subprocess.run(["paplay", "-d", "virt", str(wav)], env=pulse, check=True)
        out, _ = proc.communicate(timeout=180)
    finally:
        proc.kill()
    assert proc.returncode == 0, "".join(shown.seen)
    report = json.loads(out)
    kinds = [e["kind"] for e in report["conversation"] if e["speaker"] == "interviewer"]
    assert kinds == expected, (kinds, report["conversation"])
    assert report["interviewer"] == temperament
    pushes = [e["text"] for e in report["conversation"] if e["kind"] == "push_back"]
    wording = phrasings()["push_back"][temperament]
    assert all(any(p.startswith(w.split("{")[0].strip()) for w in wording) for p in pushes), pushes
    if temperament == "tough":
        assert len(report["objections"]) == 2 and report["objections"][0] != report["objections"][1]
    [run] = Store(trainer_home / "runs.sqlite3").runs()
    assert run.interviewer == temperament
