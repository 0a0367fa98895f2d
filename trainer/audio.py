"""One audio value type: 16 kHz, mono, 16-bit PCM. Everything is converted to it once, on the way in.

Accepted files: WAV with PCM samples of 8, 16, 24 or 32 bits, or 32-bit float, at any sample
rate and channel count (channels are averaged). Other formats: convert them to WAV first
(for example `ffmpeg -i in.m4a out.wav`).
"""

from __future__ import annotations

import io
import struct
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trainer.errors import AudioError

RATE = 16000  # what every recognizer here wants
WIDTH = 2  # bytes per sample


@dataclass(frozen=True)
class Audio:
    """16 kHz mono 16-bit little-endian PCM."""

    pcm: bytes

    @property
    def duration(self) -> float:
        return len(self.pcm) / (RATE * WIDTH)

    @property
    def samples(self) -> np.ndarray:
        return np.frombuffer(self.pcm, dtype="<i2")

    def chunks(self, seconds: float = 0.1) -> list[bytes]:
        """The audio in pieces, as a microphone would deliver it."""
        size = int(RATE * seconds) * WIDTH
        return [self.pcm[i : i + size] for i in range(0, len(self.pcm), size)]

    @classmethod
    def from_samples(cls, samples: np.ndarray, rate: int = RATE) -> Audio:
        """From mono float samples in [-1, 1] (or int16) at `rate`."""
        x = samples.astype(np.float64)
        if samples.dtype == np.int16:
            x /= 32768.0
        if rate != RATE:
            x = resample(x, rate, RATE)
        return cls(np.clip(np.round(x * 32767.0), -32768, 32767).astype("<i2").tobytes())

    def with_noise_floor(self, dbfs: float = -50.0, seed: int = 0) -> Audio:
        """Mix in faint white noise. Synthesized speech has digital silence no microphone gives,
        and recognizers tuned on real recordings do worse on it."""
        rng = np.random.default_rng(seed)
        noise = rng.normal(0.0, 32768.0 * 10 ** (dbfs / 20), len(self.samples))
        mixed = self.samples.astype(np.float64) + noise
        return Audio(np.clip(np.round(mixed), -32768, 32767).astype("<i2").tobytes())

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(WIDTH)
            w.setframerate(RATE)
            w.writeframes(self.pcm)
        return path

    def to_wav_bytes(self) -> bytes:
        buf = io.BytesIO()
        with wave.open(buf, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(WIDTH)
            w.setframerate(RATE)
            w.writeframes(self.pcm)
        return buf.getvalue()

    def __add__(self, other: Audio) -> Audio:
        return Audio(self.pcm + other.pcm)


_DITHER = np.random.default_rng(1234)


def dither(pcm: bytes, dbfs: float = -60.0) -> bytes:
    """Fill digital silence with faint noise. Gated or synthesized audio has runs of exact zeros
    that no microphone produces; pocketsphinx's error rate roughly doubles on them. Audio with
    a real noise floor passes through unchanged."""
    x = np.frombuffer(pcm, dtype="<i2")
    if len(x) == 0 or np.count_nonzero(x == 0) < 0.05 * len(x):
        return pcm
    noise = _DITHER.normal(0.0, 32768.0 * 10 ** (dbfs / 20), len(x))
    return np.clip(np.round(x + noise), -32768, 32767).astype("<i2").tobytes()


def silence(seconds: float) -> Audio:
    return Audio(bytes(int(RATE * seconds) * WIDTH))


def resample(x: np.ndarray, src: int, dst: int) -> np.ndarray:
    """Resample float samples: a windowed-sinc low-pass against aliasing when going down, then
    linear interpolation (plenty for speech recognition)."""
    if src == dst or len(x) == 0:
        return x
    if dst < src:
        cutoff = dst / src / 2 * 0.9
        taps = 63
        n = np.arange(taps) - (taps - 1) / 2
        kernel = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(taps)
        x = np.convolve(x, kernel / kernel.sum(), mode="same")
    n_out = int(round(len(x) * dst / src))
    positions = np.arange(n_out) * (src / dst)
    return np.interp(positions, np.arange(len(x)), x)


def _decode(frames: bytes, width: int, fmt_float: bool) -> np.ndarray:
    if fmt_float:
        return np.frombuffer(frames, dtype="<f4").astype(np.float64)
    if width == 1:
        return (np.frombuffer(frames, dtype=np.uint8).astype(np.float64) - 128.0) / 128.0
    if width == 2:
        return np.frombuffer(frames, dtype="<i2").astype(np.float64) / 32768.0
    if width == 3:
        b = np.frombuffer(frames, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        v = np.where(v >= 1 << 23, v - (1 << 24), v)
        return v.astype(np.float64) / float(1 << 23)
    if width == 4:
        return np.frombuffer(frames, dtype="<i4").astype(np.float64) / float(1 << 31)
    raise AudioError(f"unsupported sample width {width * 8} bits")


def _float_wav(data: bytes) -> tuple[int, int, bytes] | None:
    """(channels, rate, frames) of a 32-bit float WAV, which the `wave` module refuses."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    pos, fmt, frames = 12, None, None
    while pos + 8 <= len(data):
        cid, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = data[pos + 8 : pos + 8 + size]
        if cid == b"fmt ":
            fmt = struct.unpack("<HHIIHH", body[:16])
        elif cid == b"data":
            frames = body
        pos += 8 + size + (size & 1)
    if fmt is None or frames is None:
        return None
    tag, channels, rate, _, _, bits = fmt
    if tag in (3, 0xFFFE) and bits == 32:
        return channels, rate, frames
    return None


def load(path: Path) -> Audio:
    """Read a WAV file and convert it to 16 kHz mono 16-bit. Errors name the file and the fix."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AudioError(f"{path}: no such file") from None
    except OSError as exc:
        raise AudioError(f"{path}: cannot be read ({exc.strerror})") from None
    return load_bytes(data, path)


def load_bytes(data: bytes, path: Path | str) -> Audio:
    """Decode WAV bytes; `path` names the source in errors."""
    path = Path(path)
    if not data:
        raise AudioError(f"{path}: the file is empty; record again or pick another file")
    floating = _float_wav(data)
    if floating:
        channels, rate, frames = floating
        x = _decode(frames, 4, True)
    else:
        try:
            with wave.open(io.BytesIO(data)) as w:
                channels, rate, width = w.getnchannels(), w.getframerate(), w.getsampwidth()
                frames = w.readframes(w.getnframes())
        except (wave.Error, EOFError, struct.error) as exc:
            raise AudioError(
                f"{path}: not a WAV file ({exc}); convert it to WAV, e.g. `ffmpeg -i {path.name} out.wav`"
            ) from None
        x = _decode(frames, width, False)
    if channels < 1 or rate < 1000:
        raise AudioError(f"{path}: implausible format ({channels} channels at {rate} Hz)")
    x = x[: len(x) - len(x) % channels].reshape(-1, channels).mean(axis=1)
    if len(x) == 0:
        raise AudioError(f"{path}: holds no audio samples; record again or pick another file")
    return Audio.from_samples(x, rate)
