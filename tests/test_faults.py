"""Faults injected for real: the microphone vanishes, the voice hangs or crashes, the recognizer
fails, the process is told to stop (SIGTERM, SIGHUP, Ctrl-C) while listening and while saving.
In each case what was said is kept: scored and saved, or written to a fallback file."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from speech import espeak, natural, pulse_microphone, wait_for_playback, wait_for_recording

from trainer.history.store import Store
from trainer.session import tts
from trainer.speech.audio import Audio
from trainer.speech.engines import EngineOptions, create
from trainer.speech.engines.base import Engine, Stream
from trainer.speech.listen import ListenOptions, file_blocks, listen
from trainer.speech.transcript import Transcript

SPEECH = "Thanks again for your time today. I really enjoyed meeting the team and learning about the role."


@pytest.fixture(scope="module")
def mic_env() -> Iterator[dict[str, str]]:
    with pulse_microphone() as env:
        yield env


@pytest.fixture(scope="module")
def speech_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return natural(SPEECH, tail=0.2).save(tmp_path_factory.mktemp("faults") / "say.wav")


def start(env: dict[str, str], home: Path, *args: str, stdin: int | None = subprocess.DEVNULL) -> subprocess.Popen[str]:
    full = dict(env, TRAINER_HOME=str(home), COLUMNS="120")
    return subprocess.Popen(
        [sys.executable, "-m", "trainer", *args],
        env=full,
        cwd=ROOT,
        text=True,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for(proc: subprocess.Popen[str], seconds: float) -> tuple[str, str]:
    if proc.stdin is not None and proc.stdin.closed:
        proc.stdin = None  # the turns were written already
    try:
        return proc.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"hung for {seconds} s; stderr: {err[-2000:]}") from None


def listening(proc: subprocess.Popen[str], env: dict[str, str]) -> str:
    """Wait until the session listens: the interviewer's first line is shown, and the sound server
    has the session's microphone stream open (a fixed sleep was too short under load)."""
    assert proc.stderr is not None
    before = _read_until(proc.stderr, "Interviewer:", 1, 90)
    wait_for_recording(env)
    return "".join(before)


def saved_runs(home: Path) -> list:  # type: ignore[type-arg]
    return Store(home / "runs.sqlite3").runs()


# -- the microphone ------------------------------------------------------------------------------


@pytest.mark.slow
def test_microphone_vanishing_mid_turn_keeps_what_was_heard(speech_wav: Path, trainer_home: Path) -> None:
    with pulse_microphone() as env:  # a server of its own: this test takes its device away
        proc = start(env, trainer_home, "practice", "ux-designer", "--no-voice", "--engine", "pocketsphinx", "--json")
        before = listening(proc, env)
        player = subprocess.Popen(["paplay", "-d", "virt", str(speech_wav)], env=env)
        time.sleep(3.5)  # part of the sentence has been said
        modules = subprocess.run(["pactl", "list", "short", "modules"], env=env, capture_output=True, text=True)
        sink = next(line.split()[0] for line in modules.stdout.splitlines() if "module-null-sink" in line)
        subprocess.run(["pactl", "unload-module", sink], env=env, check=True)  # the device is gone
        out, err = wait_for(proc, 60)
        err = before + err
        player.wait(timeout=10)
    assert proc.returncode == 0, err
    assert "the microphone stopped sending sound" in err and "Traceback" not in err
    assert "Session stopped (microphone lost)" in err
    [run] = saved_runs(trainer_home)
    assert "thanks" in run.transcript["text"].lower() or "time" in run.transcript["text"].lower(), run.transcript
    assert len(Store(trainer_home / "runs.sqlite3").get(run.id or 0, with_recordings=True).recordings) == 1


# -- stop signals --------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_stop_signal_while_listening_scores_and_saves_what_was_said(  # type: ignore[no-untyped-def]
    mic_env, speech_wav: Path, trainer_home: Path, sig: signal.Signals
) -> None:
    proc = start(mic_env, trainer_home, "practice", "ux-designer", "--no-voice", "--engine", "pocketsphinx", "--json")
    before = listening(proc, mic_env)
    subprocess.run(["paplay", "-d", "virt", str(speech_wav)], env=mic_env, check=True)
    time.sleep(0.5)  # still listening: the turn ends only after 2 s of quiet
    proc.send_signal(sig)
    out, err = wait_for(proc, 60)
    err = before + err
    assert proc.returncode == 0, err
    assert "Session stopped (interrupt)" in err and "Traceback" not in err
    assert '"total"' in out  # the report, as JSON
    heard = [line for line in err.splitlines() if "(heard)" in line]
    assert heard and all(line.startswith("You (heard): ") for line in heard)  # clean lines off a terminal
    [run] = saved_runs(trainer_home)
    assert "time" in run.transcript["text"].lower(), run.transcript


def _lock_database(home: Path) -> sqlite3.Connection:
    """Hold the run database's write lock, so the next save waits for it (busy timeout)."""
    Store(home / "runs.sqlite3").connect()  # create it, schema included
    db = sqlite3.connect(home / "runs.sqlite3", isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    return db


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_stop_signal_while_saving_lets_the_save_finish(trainer_home: Path, sig: signal.Signals) -> None:
    lock = _lock_database(trainer_home)
    proc = start(
        dict(os.environ, TRAINER_LOG="debug"),
        trainer_home,
        "practice",
        "ux-designer",
        "--text",
        "--no-voice",
        stdin=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stderr is not None
    proc.stdin.write("I bring user research and Figma. Thank you for your time today.\n")
    proc.stdin.close()
    before = _read_until(proc.stderr, "saving the run", 1, 120)  # the session is over; the save waits for the lock
    # No wait needed before the lock goes: the process can run no further code of its own before
    # the kernel hands it the signal, and its handler for the save is in place ("saving the run").
    proc.send_signal(sig)
    lock.execute("ROLLBACK")
    lock.close()
    out, err = wait_for(proc, 60)
    err = "".join(before) + err
    assert proc.returncode == 130, err  # it stops as asked...
    assert "Saved as run 1" in err and "Traceback" not in err  # ...once the run is safe
    [run] = saved_runs(trainer_home)
    assert "Figma" in run.transcript["text"]


def _read_until(stream, marker: str, count: int, seconds: float) -> list[str]:  # type: ignore[no-untyped-def]
    """Lines of a live process's output until `marker` has been seen `count` times."""
    seen: list[str] = []
    done = threading.Event()

    def read() -> None:
        for line in stream:
            seen.append(line)
            if sum(marker in ln for ln in seen) >= count:
                break
        done.set()

    threading.Thread(target=read, daemon=True).start()
    assert done.wait(seconds), f"no {marker!r} x{count} in {seconds} s: {seen}"
    return seen


@pytest.mark.slow
def test_ctrl_c_while_the_interviewer_speaks_keeps_the_turns_said_before(mic_env, trainer_home: Path) -> None:  # type: ignore[no-untyped-def]
    # The private PulseAudio server's null sink is the default output: the voice really plays.
    proc = start(mic_env, trainer_home, "practice", "ux-designer", "--text", stdin=subprocess.PIPE)
    assert proc.stdin is not None and proc.stderr is not None
    proc.stdin.write("I bring user research and Figma. Do you have any concerns about my ability to do well?\n")
    proc.stdin.flush()
    before = _read_until(proc.stderr, "Interviewer:", 2, 60)  # the signal, then the objection starts
    wait_for_playback(mic_env, playing=True, held_s=0.3)  # the objection is playing
    proc.send_signal(signal.SIGINT)
    proc.stdin.close()
    out, err = wait_for(proc, 60)
    err = "".join(before) + err
    assert proc.returncode == 0, err
    assert "Session stopped (interrupt)" in err and "Traceback" not in err
    [run] = saved_runs(trainer_home)
    assert "Figma" in run.transcript["text"] and run.objection in run.conversation[-1]["text"]


@pytest.mark.slow
def test_ctrl_c_while_the_recognizer_decodes_keeps_the_recording(tmp_path: Path, trainer_home: Path) -> None:
    long_turn = espeak(" ".join([SPEECH] * 12), tail=1.0).save(tmp_path / "long.wav")  # about a minute
    env = dict(os.environ, TRAINER_LOG="debug")
    proc = start(env, trainer_home, "practice", "ux-designer", "--input", str(long_turn), "--no-voice")
    assert proc.stderr is not None
    before = _read_until(proc.stderr, "Processing segment", 1, 120)  # Whisper is decoding the minute of speech
    proc.send_signal(signal.SIGINT)
    out, err = wait_for(proc, 120)
    err = "".join(before) + err
    assert proc.returncode == 0, err
    assert "Session stopped (interrupt)" in err and "Traceback" not in err
    [run] = saved_runs(trainer_home)
    saved = Store(trainer_home / "runs.sqlite3").get(run.id or 0, with_recordings=True)
    assert len(saved.recordings) == 1 and len(saved.recordings[0].wav) > 16000 * 2 * 50  # all of the speech is kept


# -- the interviewer's voice ---------------------------------------------------------------------

FAKE_PYTTSX3 = '''
"""Stands in for a pyttsx3 whose driver {mode} on the second line (fault injection)."""
import os, subprocess, time
_count = os.path.join(os.environ["FAULT_DIR"], "calls")

class _Engine:
    def setProperty(self, *a): pass
    def save_to_file(self, text, path):
        self.text, self.path = text, path
    def runAndWait(self):
        n = int(open(_count).read()) + 1 if os.path.exists(_count) else 1
        open(_count, "w").write(str(n))
        if n >= 2:
            {action}
        subprocess.run(["espeak-ng", "-w", self.path, self.text], check=True)

def init():
    return _Engine()
'''


@pytest.mark.parametrize(("mode", "action"), [("hangs", "time.sleep(3600)"), ("crashes", "os.abort()")])
def test_voice_failing_mid_session_falls_back_and_the_session_goes_on(
    tmp_path: Path, trainer_home: Path, mode: str, action: str
) -> None:
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "pyttsx3.py").write_text(FAKE_PYTTSX3.format(mode=mode, action=action))
    env = dict(os.environ, PYTHONPATH=f"{fake}:{ROOT}", FAULT_DIR=str(tmp_path))
    lines = tmp_path / "lines"
    proc = start(
        env,
        trainer_home,
        "practice",
        "ux-designer",
        "--text",
        "--voice",
        "en-us",  # pyttsx3's voice, where the fault is injected
        "--lines-to",
        str(lines),
        stdin=subprocess.PIPE,
    )
    assert proc.stdin is not None
    proc.stdin.write("Do you have any concerns about my ability to do well?\nI led a redesign last year. Thank you.\n")
    proc.stdin.close()
    out, err = wait_for(proc, 120)
    assert proc.returncode == 0, err
    assert f"pyttsx3) {'hung' if mode == 'hangs' else 'failed'}" in err and "Traceback" not in err
    rendered = sorted(p.name for p in lines.glob("*.wav"))
    assert rendered[0] == "01-signal.wav" and len(rendered) >= 3  # every line rendered, espeak-ng after the fault
    assert "Overcame the objection" in out
    assert len(saved_runs(trainer_home)) == 1


def test_no_voice_at_all_prints_the_lines_and_the_session_goes_on(tmp_path: Path, trainer_home: Path) -> None:
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "pyttsx3.py").write_text("import os\ndef init():\n    os.abort()\n")
    bin_dir = tmp_path / "bin"  # a PATH with no espeak-ng on it
    bin_dir.mkdir()
    env = dict(os.environ, PYTHONPATH=f"{fake}:{ROOT}", PATH=str(bin_dir))
    proc = start(env, trainer_home, "practice", "ux-designer", "--text", "--voice", "en-us", stdin=subprocess.PIPE)
    assert proc.stdin is not None
    proc.stdin.write("Thank you for your time today.\n")
    proc.stdin.close()
    out, err = wait_for(proc, 120)
    assert proc.returncode == 0, err
    assert "cannot synthesize speech" in err and "Interviewer: We're nearly at time" in err
    assert len(saved_runs(trainer_home)) == 1


# -- the recognizer ------------------------------------------------------------------------------


class FailingStream(Stream):
    """Fault injection: a real engine's stream that raises after `after` blocks (or at finish)."""

    def __init__(self, inner: Stream, after: int | None) -> None:
        self.inner, self.after, self.blocks = inner, after, 0

    def accept(self, pcm: bytes) -> str:
        self.blocks += 1
        if self.after is not None and self.blocks > self.after:
            raise RuntimeError("injected recognizer fault")
        return self.inner.accept(pcm)

    def finish(self) -> Transcript:
        if self.after is None:
            raise RuntimeError("injected recognizer fault at finish")
        return self.inner.finish()


class FailingEngine(Engine):
    name = "failing"

    def __init__(self, inner: Engine, after: int | None) -> None:
        self.inner, self.after = inner, after

    def stream(self) -> Stream:
        return FailingStream(self.inner.stream(), self.after)


@pytest.mark.parametrize("after", [20, None], ids=["mid-turn", "at-finish"])
def test_recognizer_failing_mid_turn_is_heard_again_by_the_fallback(after: int | None) -> None:
    audio: Audio = natural(SPEECH, tail=2.5)
    engine = FailingEngine(create("whisper", EngineOptions()), after)
    turn = listen(file_blocks(audio), engine.stream(), ListenOptions(realtime=False))
    assert turn.ended_by == "silence" and turn.audio.duration > audio.duration - 1.0  # all the speech was recorded
    assert turn.transcript.engine == "pocketsphinx (fallback)"
    assert "time" in turn.transcript.text and "team" in turn.transcript.text


def test_recognizer_failing_in_a_session_still_gives_a_scored_saved_run(tmp_path: Path, trainer_home: Path) -> None:
    from trainer.history import runs as history
    from trainer.scenarios import file as scenarios
    from trainer.session.close import run
    from trainer.session.practice import FileTurns

    wav = natural("Thank you so much for your time today. May I call you if I have further questions?", tail=2.5)
    source = FileTurns([wav.save(tmp_path / "turn.wav")], FailingEngine(create("pocketsphinx", EngineOptions()), 5))

    class Quiet:
        def say(self, line: str, kind: str) -> float:
            return 0.0

    result = run(scenarios.load("ux-designer"), source, Quiet())
    items = {i.id: i for i in result.score.items}
    assert items["thanks_given"].passed and items["follow_up_permission"].passed
    saved = history.save(history.from_session("practice", result))
    assert saved.run_id is not None and len(Store().get(saved.run_id, with_recordings=True).recordings) == 1


def test_ctrl_c_at_the_summary_prompt_keeps_the_saved_run(trainer_home: Path) -> None:
    """In a real terminal (a pty): Ctrl-C typed at the meeting-summary prompt, after the report."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: the trainer, on the pty
        os.environ.update(TRAINER_HOME=str(trainer_home), COLUMNS="120")
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "trainer", "practice", "ux-designer", "--text", "--no-voice"])
    seen = b""

    def read_until(marker: bytes, seconds: float) -> None:
        nonlocal seen
        deadline = time.monotonic() + seconds
        while marker not in seen:
            assert time.monotonic() < deadline, seen[-2000:]
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break

    read_until(b"You: ", 60)
    os.write(fd, b"I bring user research and Figma. Thank you for your time today.\r")
    read_until(b"Your summary", 60)
    os.write(fd, b"\x03")  # Ctrl-C, as the terminal sends it
    read_until(b"interrupted", 30)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 130 and b"Traceback" not in seen
    [run] = saved_runs(trainer_home)
    assert "Figma" in run.transcript["text"] and run.notes == ""


SHORT_PYTTSX3 = '''
"""Stands in for a pyttsx3 that writes a line cut short (it does, now and then, under load)."""
import subprocess

class _Engine:
    def setProperty(self, *a): pass
    def save_to_file(self, text, path):
        self.text, self.path = text, path
    def runAndWait(self):
        subprocess.run(["espeak-ng", "-w", self.path, " ".join(self.text.split()[:2])], check=True)

def init():
    return _Engine()
'''


def test_a_line_the_voice_cuts_short_is_rendered_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "pyttsx3.py").write_text(SHORT_PYTTSX3)
    monkeypatch.setenv("PYTHONPATH", f"{fake}:{ROOT}")
    monkeypatch.setattr(tts, "_pyttsx3_failed", False)
    line = "We're seeing two more people this week, and we'd like to make an offer by Friday."
    sound = tts.synthesize(line, tts.VoiceSettings("en-us", 165))
    assert sound.duration >= 0.6 * len(line.split()) * 60 / 165  # the whole line (4.5 s), not two words (0.7 s)
