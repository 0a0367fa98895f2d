"""The interviewer's voice: a natural neural voice (`natural.py`, Kokoro) by default, and pyttsx3
(espeak-ng on Linux) as the fallback and as a choice, guarded so a session never freezes.

pyttsx3 has known traps on Linux: `say()` after a `save_to_file()` writes to that file instead of
speaking, only the last queued utterance is produced, an unknown voice fails silently, and
`runAndWait()` can block. So every line is rendered to a WAV file by pyttsx3 in a short-lived
child process with a time limit (`python -m trainer.session.tts`), with espeak-ng's own command as the
fallback; playing is done here, through PortAudio, with a deadline. When nothing can be played,
lines are printed and the session goes on.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from trainer.errors import TrainerError
from trainer.session import natural
from trainer.speech import audio as audio_io
from trainer.speech.audio import Audio

log = logging.getLogger("trainer.session.tts")
RENDER_TIMEOUT_S = 10.0  # a line renders in well under a second; longer is a hang
_pyttsx3_failed = False  # once it hangs or crashes, the rest of the session uses espeak-ng


class SpeechOutputError(TrainerError):
    """No way to synthesize speech on this machine."""


@dataclass(frozen=True)
class VoiceSettings:
    # A natural voice ("am_michael", "bf_emma": `trainer voices`), or an espeak-ng voice,
    # optionally with a variant: "en-gb", "en-us+f3".
    voice: str = natural.DEFAULT
    rate: int = 165  # words per minute

    @classmethod
    def for_scenario(
        cls, voice: str | None, rate: int | None, scenario_voice: str | None, scenario_rate: int | None
    ) -> VoiceSettings:
        """What was asked for, else the scenario's own voice and rate, else the defaults."""
        return cls(voice or scenario_voice or cls.voice, rate or scenario_rate or cls.rate)


def _render_pyttsx3(text: str, settings: VoiceSettings, path: Path) -> bool:
    global _pyttsx3_failed
    if _pyttsx3_failed:
        return False
    cmd = [sys.executable, "-m", "trainer.session.tts", settings.voice, str(settings.rate), str(path)]
    try:
        proc = subprocess.run(cmd, input=text, text=True, capture_output=True, timeout=RENDER_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        log.warning("the interviewer's voice (pyttsx3) hung for %.0f s; using espeak-ng from now on", RENDER_TIMEOUT_S)
        _pyttsx3_failed = True
        return False
    ok = proc.returncode == 0 and path.exists() and path.stat().st_size > 44
    if proc.returncode != 0:  # a crash: don't pay for it on every line
        why = proc.stderr.strip()[-300:] or f"exit code {proc.returncode}"
        log.warning("the interviewer's voice (pyttsx3) failed (%s); using espeak-ng from now on", why)
        _pyttsx3_failed = True
    elif not ok:  # pyttsx3 quietly writes nothing for some lines (e.g. with "e-commerce" in them)
        log.info("pyttsx3 wrote no audio for %r; espeak-ng renders it", text[:60])
    elif _too_short(path, text, settings.rate):
        # Under load pyttsx3 now and then writes a line cut short or at its default rate.
        log.info("pyttsx3 wrote %r too short for %d words a minute; espeak-ng renders it", text[:60], settings.rate)
        return False
    return ok


TOO_SHORT = 0.6  # of the time the words take at the asked rate; whole lines measure 0.77-2.6 of it


def _too_short(path: Path, text: str, rate: int) -> bool:
    try:
        seconds = audio_io.load(path).duration
    except TrainerError:
        return True  # an unreadable file: let espeak-ng write it again
    return seconds < TOO_SHORT * len(text.split()) * 60 / rate


def _render_espeak(text: str, settings: VoiceSettings, path: Path) -> bool:
    exe = shutil.which("espeak-ng") or shutil.which("espeak")
    if not exe:
        return False
    try:
        proc = subprocess.run(
            [exe, "-v", settings.voice, "-s", str(settings.rate), "-w", str(path), text],
            capture_output=True,
            timeout=RENDER_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return False
    return proc.returncode == 0 and path.exists() and path.stat().st_size > 44


def render(text: str, settings: VoiceSettings, path: Path) -> Path:
    """Write `text` spoken in `settings`' voice to a WAV file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if _render_pyttsx3(text, settings, path) or _render_espeak(text, settings, path):
        return path
    raise SpeechOutputError(
        "cannot synthesize speech: pyttsx3 and espeak-ng both failed; install espeak-ng "
        "(`sudo apt-get install espeak-ng`) or use --no-voice"
    )


_natural_failed = False  # said once; the rest of the run speaks with espeak-ng


def synthesize(text: str, settings: VoiceSettings, urgent: bool = False) -> Audio:
    """`text` in `settings`' voice. `urgent`: needed now (a line not rendered ahead), so it goes
    before the lines being rendered ahead of time."""
    global _natural_failed
    if natural.is_natural(settings.voice):
        if not _natural_failed:
            try:
                return natural.synthesize(text, settings.voice, settings.rate, urgent)
            except natural.NaturalVoiceError as exc:
                log.warning("%s; the interviewer speaks with espeak-ng instead", exc)
                _natural_failed = True
        settings = VoiceSettings(natural.VOICES[settings.voice].accent, settings.rate)
    with tempfile.TemporaryDirectory(prefix="trainer-tts-") as tmp:
        return audio_io.load(render(text, settings, Path(tmp) / "line.wav"))


FIRST_PIECE = re.compile(r"^(.{12,}?[,;:.!?])\s+(.+)$", re.DOTALL)


def pieces(text: str) -> list[str]:
    """A line cut where it can start playing soonest: its first clause, then the rest."""
    m = FIRST_PIECE.match(text.strip())
    return [m.group(1), m.group(2)] if m else [text.strip()]


def stream(text: str, settings: VoiceSettings) -> Iterator[Audio]:
    """A line not rendered ahead, as pieces: the first clause plays while the rest renders."""
    for piece in pieces(text):
        yield synthesize(piece, settings, urgent=True)


def voices() -> list[tuple[str, str, bool]]:
    """(name, description, usable here) of the voices `--voice` takes, natural ones first."""
    usable = natural.usable()
    out = [(v.name, v.description, usable) for v in natural.VOICES.values()]
    espeak = shutil.which("espeak-ng") is not None
    out += [(n, d, espeak) for n, d in ESPEAK_VOICES]
    return out


ESPEAK_VOICES = (
    ("en-us", "espeak-ng, US English (robotic; the fallback)"),
    ("en-gb", "espeak-ng, UK English"),
    ("en-us+f3", "espeak-ng, US English, higher"),
)


def play(sound: Audio) -> None:
    """Play through the default output device; returns within the clip's length plus 2 s."""
    import sounddevice as sd

    sd.play(sound.samples, audio_io.RATE)
    deadline = time.monotonic() + sound.duration + 2.0
    while sd.get_stream().active and time.monotonic() < deadline:
        time.sleep(0.05)
    sd.stop()


def play_async(sound: Audio, speed: float = 1.0) -> None:
    """Start playing (at `speed`, by resampling the clock) and return at once."""
    import sounddevice as sd

    sd.play(sound.samples, int(audio_io.RATE * speed))


def stop_playback() -> None:
    import sounddevice as sd

    sd.stop()


def _worker() -> None:
    """`python -m trainer.session.tts VOICE RATE OUT.wav` with the text on stdin: pyttsx3, isolated."""
    import contextlib

    voice, rate, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    text = sys.stdin.read()
    import pyttsx3

    with contextlib.redirect_stdout(sys.stderr):  # pyttsx3 prints "Audio saved to ..."
        engine = pyttsx3.init()
        engine.setProperty("voice", voice)
        engine.setProperty("rate", rate)
        engine.save_to_file(text, out)
        engine.runAndWait()


if __name__ == "__main__":
    _worker()
