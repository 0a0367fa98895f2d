"""Talking over the interviewer, for real, through a private PulseAudio server: with headphones
(the interviewer plays into a sink the microphone does not hear) words said over the line are
kept; with speakers (the null sink is both the interviewer's speaker and, through its monitor,
the microphone) the interviewer's own voice never becomes the candidate's words. Speech mixed
with the echo is recognized less surely and may not be kept (best effort)."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from speech import natural, pulse_microphone, wait_for_playback

from trainer.history.store import Store
from trainer.speech.overlap import drop_echo
from trainer.speech.transcript import Transcript, Word

SIGNAL = "We're nearly at time. Anything else you'd like us to know?"  # ux-designer's signal_to_end


def test_drop_echo_keeps_the_candidates_words_and_later_ones() -> None:
    words = [
        Word(w, k * 0.4, k * 0.4 + 0.3) for k, w in enumerate("nearly at time i really enjoyed it at time".split())
    ]
    kept = drop_echo(Transcript.from_words(words), SIGNAL, until_s=2.5)
    assert kept.text == "i really enjoyed it at time"  # "at time" after the overlap is the candidate's


@pytest.fixture(scope="module")
def pulse() -> Iterator[dict[str, str]]:
    with pulse_microphone() as env:
        yield env


def _session(env: dict[str, str], home: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "trainer", "practice", "ux-designer", "--json", "--silence", "1.5"],
        env=dict(env, TRAINER_HOME=str(home), COLUMNS="120"),
        cwd=ROOT,
        text=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_line(proc: subprocess.Popen[str], marker: str, seconds: float) -> list[str]:
    seen: list[str] = []
    found = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            seen.append(line)
            if marker in line:
                found.set()
                return

    threading.Thread(target=read, daemon=True).start()
    assert found.wait(seconds), seen
    return seen


@pytest.mark.slow
def test_words_said_over_the_interviewers_line_are_kept(
    pulse: dict[str, str], trainer_home: Path, tmp_path: Path
) -> None:
    # Headphones: the interviewer plays into a sink of its own, which the microphone does not hear.
    wav = natural("Thank you so much for your time today, I really enjoyed meeting the whole team.", tail=0.2)
    path = wav.save(tmp_path / "over.wav")
    subprocess.run(["pactl", "load-module", "module-null-sink", "sink_name=phones"], env=pulse, check=True)
    subprocess.run(["pactl", "set-default-sink", "phones"], env=pulse, check=True)
    try:
        proc = _session(pulse, trainer_home)
        before = _wait_line(proc, "Interviewer:", 60)  # printed, then rendered and played
        wait_for_playback(pulse, playing=True, held_s=0.5)  # the line is playing: speak over it
        subprocess.run(["paplay", "-d", "virt", str(path)], env=pulse, check=True)
        out, err = proc.communicate(timeout=120)
    finally:
        subprocess.run(["pactl", "set-default-sink", "virt"], env=pulse, check=True)
    err = "".join(before) + err
    assert proc.returncode == 0, err
    assert "you started speaking while the interviewer was talking" in err
    [run] = Store(trainer_home / "runs.sqlite3").runs()
    said = run.transcript["text"].lower()
    assert "enjoy" in said and "team" in said, said
    assert "nearly" not in said and "anything else" not in said, said


@pytest.mark.slow
def test_the_interviewers_echo_alone_never_becomes_the_candidates_words(
    pulse: dict[str, str], trainer_home: Path, tmp_path: Path
) -> None:
    path = natural("Thank you for your time today.", tail=0.2).save(tmp_path / "after.wav")
    proc = _session(pulse, trainer_home)
    before = _wait_line(proc, "Interviewer:", 60)
    wait_for_playback(pulse, playing=True, held_s=1.0)  # the line, not a device probe
    wait_for_playback(pulse, playing=False, held_s=0.5)  # the whole line has played, into the microphone too
    subprocess.run(["paplay", "-d", "virt", str(path)], env=pulse, check=True)
    out, err = proc.communicate(timeout=120)
    err = "".join(before) + err
    assert proc.returncode == 0, err
    assert "you started speaking" not in err
    [run] = Store(trainer_home / "runs.sqlite3").runs()
    said = run.transcript["text"].lower()
    assert "time" in said and "nearly" not in said and "know" not in said, said


def test_the_echo_explained_away_is_the_interviewers_recent_lines_not_only_the_last() -> None:
    """Through speakers the tail of the line before the last can still be heard (the sound card
    plays on after a line 'ends'): the words that explain an echo away are both recent lines."""
    from trainer.session.practice import MicTurns

    said = iter(["We will check references this week.", "Thanks for coming in today."])
    current = {"line": next(said)}
    turns = MicTurns(None, None, None, None, None, lambda: current["line"])  # type: ignore[arg-type]
    assert turns._said_lately() == "We will check references this week."
    current["line"] = next(said)
    recent = turns._said_lately()
    heard = Transcript.from_words([Word("references", 0.1, 0.6), Word("this", 0.6, 0.8), Word("week", 0.8, 1.1)])
    assert drop_echo(heard, recent, until_s=1.2).words == []
    assert drop_echo(heard, current["line"], until_s=1.2).words == heard.words  # the last line alone: kept
