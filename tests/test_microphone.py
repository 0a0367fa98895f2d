"""The microphone path for real: a private PulseAudio server with a null sink stands in for a
microphone; a WAV played into the sink is recorded through sounddevice by `trainer score --mic`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.speech import natural, play_into_microphone, pulse_microphone, wait_for_recording


@pytest.fixture(scope="module")
def mic_env():  # type: ignore[no-untyped-def]
    with pulse_microphone() as env:
        yield env


def start_trainer(env: dict[str, str], home: Path, *args: str) -> subprocess.Popen[str]:
    full = dict(env, TRAINER_HOME=str(home), TRAINER_MODELS=str(home / "models"), COLUMNS="120")
    return subprocess.Popen(
        [sys.executable, "-m", "trainer", *args],
        env=full,
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )


def test_devices_lists_the_virtual_microphone(mic_env, trainer_home: Path) -> None:  # type: ignore[no-untyped-def]
    proc = start_trainer(mic_env, trainer_home, "devices")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "default" in out or "pulse" in out


def test_spoken_close_is_recorded_recognized_and_scored(mic_env, trainer_home: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wav = natural("Thanks again for your time today. What is the next step in the process?", lead=1.0, tail=0.2).save(
        tmp_path / "say.wav"
    )
    proc = start_trainer(
        mic_env,
        trainer_home,
        "score",
        "--mic",
        "-s",
        "ux-designer",
        "--json",
        "--silence",
        "1.5",
        "--max-seconds",
        "40",
    )
    wait_for_recording(mic_env)  # the microphone is open: what is played now is heard
    play_into_microphone(mic_env, wav)
    out, err = proc.communicate(timeout=90)
    assert proc.returncode == 0, err
    doc = json.loads(out)
    items = {i["id"]: i for i in doc["items"]}
    assert items["thanks_given"]["passed"], doc["transcript"]["text"]
    assert items["thanks_given"]["evidence"][0]["start_s"] > 0.5  # the audio began after the microphone opened
    assert "next step" in doc["transcript"]["text"]
    assert "Turn ended by silence" in err
    assert "Listening:" not in err and "You:" not in err  # stderr is not a terminal: no partials glued to lines
    from trainer.history.store import Store

    [run] = Store(trainer_home / "runs.sqlite3").runs()
    saved = Store(trainer_home / "runs.sqlite3").get(run.id or 0, with_recordings=True)
    assert len(saved.recordings) == 1 and len(saved.recordings[0].wav) > 16000 * 2 * 4


def test_silent_user_hits_the_time_limit_and_still_gets_a_report(mic_env, trainer_home: Path) -> None:  # type: ignore[no-untyped-def]
    proc = start_trainer(mic_env, trainer_home, "score", "--mic", "-s", "ux-designer", "--json", "--max-seconds", "6")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    doc = json.loads(out)
    assert doc["total"] == 0 and doc["transcript"]["text"] == ""
    assert "Turn ended by time limit" in err


def test_no_microphone_is_a_clear_error(trainer_home: Path) -> None:
    env = dict(os.environ, XDG_RUNTIME_DIR=str(trainer_home / "no-pulse"), PULSE_SERVER="unix:/nonexistent")
    proc = start_trainer(env, trainer_home, "score", "--mic", "-s", "ux-designer")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "error:" in err and "Traceback" not in err
