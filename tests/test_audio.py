from __future__ import annotations

import struct
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import run_cli
from trainer.errors import AudioError
from trainer.speech.audio import RATE, Audio, dither, load


def tone(rate: int, seconds: float = 1.0, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return 0.5 * np.sin(2 * np.pi * freq * t)


def write_wav(path: Path, x: np.ndarray, rate: int, channels: int, width: int) -> Path:
    frames = np.repeat(x[:, None], channels, axis=1)
    if width == 1:
        data = (frames * 127 + 128).astype(np.uint8).tobytes()
    elif width == 2:
        data = (frames * 32767).astype("<i2").tobytes()
    elif width == 3:
        v = (frames * 8388607).astype("<i4").reshape(-1)
        data = b"".join(struct.pack("<i", int(s))[:3] for s in v)
    else:
        data = (frames * 2147483647).astype("<i4").tobytes()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(data)
    return path


@pytest.mark.parametrize(
    ("rate", "channels", "width"), [(44100, 2, 3), (8000, 1, 1), (48000, 1, 4), (22050, 2, 2), (16000, 1, 2)]
)
def test_any_pcm_wav_becomes_16k_mono_16bit(tmp_path: Path, rate: int, channels: int, width: int) -> None:
    a = load(write_wav(tmp_path / "x.wav", tone(rate), rate, channels, width))
    assert abs(a.duration - 1.0) < 0.01
    spectrum = np.abs(np.fft.rfft(a.samples.astype(float)))
    assert abs(np.argmax(spectrum) * RATE / len(a.samples) - 440) < 3  # the tone survived resampling
    assert 0.4 < np.abs(a.samples).max() / 32768 < 0.6


def test_float_wav(tmp_path: Path) -> None:
    x = tone(32000).astype("<f4")
    data = x.tobytes()
    fmt = struct.pack("<HHIIHH", 3, 1, 32000, 32000 * 4, 4, 32)
    riff = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    path = tmp_path / "f.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", len(riff)) + riff)
    assert abs(load(path).duration - 1.0) < 0.01


def test_bad_files_raise_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "empty.wav").write_bytes(b"")
    (tmp_path / "text.wav").write_text("hello, not audio")
    write_wav(tmp_path / "nothing.wav", np.zeros(0), 16000, 1, 2)
    for name, words in [
        ("empty.wav", "empty"),
        ("text.wav", "not a WAV file"),
        ("nothing.wav", "no audio"),
        ("missing.wav", "no such file"),
    ]:
        with pytest.raises(AudioError, match=words):
            load(tmp_path / name)


def test_cli_reports_bad_audio_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.wav").write_text("not audio")
    proc = run_cli("score", "-s", "ux-designer", "--audio", str(tmp_path / "notes.wav"))
    assert proc.returncode == 2
    assert "notes.wav: not a WAV file" in proc.stderr and "Traceback" not in proc.stderr


def test_dither_fills_digital_silence_only() -> None:
    quiet = bytes(3200)
    assert dither(quiet) != quiet
    noisy = Audio(bytes(3200)).with_noise_floor(-50).pcm
    assert dither(noisy) == noisy
