"""The microphone, through sounddevice (PortAudio): 16 kHz mono int16, or the device's rate resampled."""

from __future__ import annotations

import logging
import queue
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import numpy as np

from trainer.errors import DeviceError
from trainer.speech.audio import RATE, resample

log = logging.getLogger("trainer.speech.mic")
BLOCK_SECONDS = 0.1
# Blocks come every 0.1 s; this long without one (or a stream PortAudio stopped) means the
# device is gone: unplugged, or its sound server went away.
LOST_AFTER_S = 2.0
FIRST_BLOCK_S = 10.0  # a PulseAudio stream takes about 2 s to deliver its first block


class MicrophoneLost(DeviceError):
    """The microphone stopped delivering sound in the middle of a turn."""


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    channels: int
    default_rate: float
    is_default: bool


def _sounddevice():  # type: ignore[no-untyped-def]
    try:
        import sounddevice
    except OSError as exc:  # the PortAudio library itself is missing
        raise DeviceError(
            f"PortAudio is not installed ({exc}); on Debian/Ubuntu run `sudo apt-get install libportaudio2`"
        ) from None
    return sounddevice


def devices() -> list[InputDevice]:
    sd = _sounddevice()
    try:
        found = sd.query_devices()
        default_in = sd.default.device[0]
    except sd.PortAudioError as exc:
        raise DeviceError(f"cannot list audio devices ({exc})") from None
    return [
        InputDevice(i, d["name"], d["max_input_channels"], d["default_samplerate"], i == default_in)
        for i, d in enumerate(found)
        if d["max_input_channels"] > 0
    ]


def _pick(device: str | int | None) -> int | None:
    if device is None:
        return None
    inputs = devices()
    if isinstance(device, int) or str(device).isdigit():
        index = int(device)
        if any(d.index == index for d in inputs):
            return index
    else:
        for d in inputs:
            if str(device).lower() in d.name.lower():
                return d.index
    names = ", ".join(f"{d.index}: {d.name}" for d in inputs) or "none"
    raise DeviceError(f"--device {device}: no such input device; run `trainer devices` (inputs: {names})")


class Microphone:
    """Capture blocks of 16 kHz mono 16-bit PCM into a queue, from the moment it opens."""

    def __init__(self, device: str | int | None = None) -> None:
        self._device = _pick(device)
        self.blocks: queue.Queue[bytes] = queue.Queue()
        self._stream: Any = None
        self._rate = RATE
        self._opened = time.monotonic()
        self._last_block: float | None = None

    def _callback(self, indata: Any, frames: int, when: Any, status: Any) -> None:
        # Runs on PortAudio's thread: only hand the bytes over.
        self._last_block = time.monotonic()
        self.blocks.put(bytes(indata))

    @property
    def lost(self) -> bool:
        if self._stream is None:
            return False
        if self._last_block is None:
            return time.monotonic() - self._opened > FIRST_BLOCK_S
        return not self._stream.active or time.monotonic() - self._last_block > LOST_AFTER_S

    def open(self) -> Microphone:
        sd = _sounddevice()
        if not devices():
            raise DeviceError(
                "no input device found; plug in a microphone (see `trainer devices`), or give a recording or a transcript instead"
            )
        for rate in (RATE, None):
            try:
                if rate is None:
                    info = sd.query_devices(self._device, kind="input")
                    rate = int(info["default_samplerate"])
                self._rate = rate
                self._stream = sd.RawInputStream(
                    samplerate=rate,
                    blocksize=int(rate * BLOCK_SECONDS),
                    dtype="int16",
                    channels=1,
                    device=self._device,
                    callback=self._callback,
                )
                self._stream.start()
                self._opened, self._last_block = time.monotonic(), None
                log.info("microphone open at %d Hz", rate)
                return self
            except sd.PortAudioError as exc:
                last = exc
        raise DeviceError(f"cannot open the microphone ({last}); check `trainer devices` and pick one with --device")

    def read(self, timeout: float = 0.5) -> bytes | None:
        """The next block as 16 kHz PCM, or None if none arrived in `timeout` seconds."""
        try:
            block = self.blocks.get(timeout=timeout)
        except queue.Empty:
            if self.lost:
                raise MicrophoneLost(
                    f"the microphone stopped sending sound ({LOST_AFTER_S:.0f} s without any); "
                    "check it is plugged in, then see `trainer devices`"
                ) from None
            return None
        return self._to_rate(block)

    def _to_rate(self, block: bytes) -> bytes:
        if self._rate == RATE:
            return block
        x = np.frombuffer(block, dtype="<i2").astype(np.float64)
        return np.clip(resample(x, self._rate, RATE), -32768, 32767).astype("<i2").tobytes()

    def drain(self) -> list[bytes]:
        """Take every block captured so far (while the interviewer spoke), as 16 kHz PCM."""
        out: list[bytes] = []
        while True:
            try:
                block = self.blocks.get_nowait()
            except queue.Empty:
                return out
            out.append(self._to_rate(block))

    def close(self) -> None:
        if self._stream is not None:
            stream, self._stream = self._stream, None
            try:
                stream.abort()  # not stop(): a device that is gone has nothing left to drain
                stream.close()
            except Exception as exc:  # a vanished device can fail to close; nothing is left to save
                log.info("closing the microphone: %s", exc)

    def __enter__(self) -> Microphone:
        return self.open()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
