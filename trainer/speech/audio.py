"""One audio value type: 16 kHz, mono, 16-bit PCM. Everything is converted to it once, on the way in.

Accepted files: little-endian RIFF WAV, plain or WAVE_FORMAT_EXTENSIBLE, with PCM samples of 8,
16, 24 or 32 bits or float samples of 32 or 64 bits, at any sample rate and channel count
(channels are averaged, whatever the channel mask), chunks in any order. Refused with a one-line
error that says how to convert: compressed WAV (u-law, A-law, ADPCM), big-endian RIFX, RF64, and
anything that is not WAV (for example `ffmpeg -i in.m4a out.wav`).
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


MAX_SECONDS = 30 * 60  # longer than any close; bigger files are refused before they are decoded
MAX_BYTES = 400 * 1024 * 1024  # 30 min of 8-channel 32-bit audio at 48 kHz would be 2.6 GB: a cap, not a promise

_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE
_NAMES = {6: "A-law", 7: "u-law", 2: "MS ADPCM", 17: "IMA ADPCM", 85: "MP3", 0x50: "MPEG"}


@dataclass(frozen=True)
class _Format:
    floating: bool
    channels: int
    rate: int
    bits: int  # container bits per sample
    block: int  # bytes per frame


def _convert_hint(path: Path) -> str:
    return f"convert it to 16-bit PCM WAV, e.g. `ffmpeg -i {path.name} out.wav`"


def _parse_fmt(body: bytes, path: Path) -> _Format:
    if len(body) < 16:
        raise AudioError(f"{path}: the WAV format chunk is cut short; {_convert_hint(path)}")
    tag, channels, rate, _, block, bits = struct.unpack("<HHIIHH", body[:16])
    if tag == _EXTENSIBLE:
        # WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
        if len(body) < 40:
            raise AudioError(f"{path}: the extensible WAV format chunk is cut short; {_convert_hint(path)}")
        tag = struct.unpack("<H", body[24:26])[0]
    if tag not in (_PCM, _FLOAT):
        kind = _NAMES.get(tag, f"format tag {tag:#06x}")
        raise AudioError(f"{path}: {kind} WAV audio is not supported; {_convert_hint(path)}")
    floating = tag == _FLOAT
    if (floating and bits not in (32, 64)) or (not floating and bits not in (8, 16, 24, 32)):
        raise AudioError(
            f"{path}: {bits}-bit {'float' if floating else 'PCM'} samples are not supported; {_convert_hint(path)}"
        )
    if not 1 <= channels <= 64 or not 1000 <= rate <= 768000:
        raise AudioError(f"{path}: implausible format ({channels} channels at {rate} Hz); {_convert_hint(path)}")
    if block != channels * bits // 8:
        block = channels * bits // 8  # some writers get blockAlign wrong; the sample layout decides
    return _Format(floating, channels, rate, bits, block)


def _chunks(data: bytes, path: Path) -> tuple[_Format, bytes]:
    """The format and the sample bytes of a RIFF/WAVE file, chunks in any order."""
    head = data[:4]
    if head in (b"RIFX", b"RF64", b"BW64") and data[8:12] == b"WAVE":
        kind = {b"RIFX": "big-endian (RIFX)", b"RF64": "RF64", b"BW64": "BW64"}[head]
        raise AudioError(f"{path}: {kind} WAV files are not supported; {_convert_hint(path)}")
    if head != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioError(f"{path}: not a WAV file; {_convert_hint(path)}")
    pos, fmt, frames = 12, None, None
    while pos + 8 <= len(data):
        cid, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = data[pos + 8 : pos + 8 + size]  # a size that lies is cut at the end of the file
        if cid == b"fmt " and fmt is None:
            fmt = _parse_fmt(body, path)
        elif cid == b"data" and frames is None:
            frames = body
        pos += 8 + size + (size & 1)
    if fmt is None:
        raise AudioError(f"{path}: the WAV file has no format chunk; {_convert_hint(path)}")
    if frames is None:
        raise AudioError(f"{path}: the WAV file has no audio data; record again or pick another file")
    return fmt, frames


def _decode(frames: bytes, fmt: _Format) -> np.ndarray:
    """Samples as float64 in [-1, 1], frames by channels (a last partial frame is dropped)."""
    width = fmt.bits // 8
    n = len(frames) // fmt.block
    frames = frames[: n * fmt.block]
    if fmt.floating:
        with np.errstate(invalid="ignore", over="ignore"):  # NaN and infinities are cleaned next
            x = np.frombuffer(frames, dtype="<f4" if width == 4 else "<f8").astype(np.float64)
        x = np.clip(np.nan_to_num(x, nan=0.0, posinf=1.0, neginf=-1.0), -1.0, 1.0)
    elif width == 1:
        x = (np.frombuffer(frames, dtype=np.uint8).astype(np.float64) - 128.0) / 128.0
    elif width == 2:
        x = np.frombuffer(frames, dtype="<i2").astype(np.float64) / 32768.0
    elif width == 3:
        b = np.frombuffer(frames, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        x = np.where(v >= 1 << 23, v - (1 << 24), v).astype(np.float64) / float(1 << 23)
    else:
        x = np.frombuffer(frames, dtype="<i4").astype(np.float64) / float(1 << 31)
    return x.reshape(n, fmt.channels)


def load(path: Path) -> Audio:
    """Read a WAV file and convert it to 16 kHz mono 16-bit. Errors name the file and the fix."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise AudioError(
                f"{path}: {size / 2**20:.0f} MB is too big (at most {MAX_BYTES // 2**20} MB); trim it to the close"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise AudioError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise AudioError(f"{path}: is a folder, not a WAV file") from None
    except OSError as exc:
        raise AudioError(f"{path}: cannot be read ({exc.strerror})") from None
    return load_bytes(data, path)


def load_bytes(data: bytes, path: Path | str) -> Audio:
    """Decode WAV bytes; `path` names the source in errors."""
    path = Path(path)
    if not data:
        raise AudioError(f"{path}: the file is empty; record again or pick another file")
    fmt, frames = _chunks(data, path)
    seconds = len(frames) / fmt.block / fmt.rate
    if seconds > MAX_SECONDS:
        raise AudioError(
            f"{path}: {seconds / 60:.0f} minutes is too long (at most {MAX_SECONDS // 60}); trim it to the close"
        )
    x = _decode(frames, fmt).mean(axis=1)  # channels averaged, whatever the channel mask
    if len(x) == 0:
        raise AudioError(f"{path}: holds no audio samples; record again or pick another file")
    return Audio.from_samples(x, fmt.rate)
