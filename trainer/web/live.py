"""A page as the session's microphone, keyboard and loudspeaker.

The session (`trainer.session.close.run`) and the drill (`run_drill`) run unchanged in a worker
thread, as in `trainer practice`: only the seams are new. The page's PCM arrives in a queue that
`WebMic` reads like the sound card (`MicTurns` does the listening, end of turn and talking over);
typed turns arrive as text (`PageTurns`); the interviewer's lines go to the page, which plays them
and says when it is done (`PageInterviewer`). When the page goes away mid-session, the microphone
is "lost", which ends the session as in the terminal: what was said is scored and saved.
"""

from __future__ import annotations

import base64
import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from trainer.errors import DeviceError
from trainer.session import tts
from trainer.session.close import CandidateTurn
from trainer.session.practice import ahead
from trainer.speech.audio import Audio
from trainer.speech.transcript import Transcript

log = logging.getLogger("trainer.web.live")
PLAYBACK_GRACE_S = 8.0  # a page that never says a line finished playing is not waited for longer than this
RENDERED_LINES_KEPT = 64


class PageGone(DeviceError):
    """The page closed, or the user stopped the session: no more sound will come."""


class PageLink:
    """One page's connection, as the session's thread sees it. `send` must be thread-safe."""

    def __init__(self, send: Callable[[dict[str, Any]], None]) -> None:
        self._send = send
        self.pcm: queue.Queue[bytes | None] = queue.Queue()
        self.typed: queue.Queue[str | None] = queue.Queue()
        self._played: dict[int, threading.Event] = {}
        self._lock = threading.Lock()
        self.closed = threading.Event()
        self.turn_stop = threading.Event()

    def send(self, message: dict[str, Any]) -> None:
        if not self.closed.is_set():
            self._send(message)

    # -- what the page sends ---------------------------------------------------------------

    def receive(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "end-turn":
            self.turn_stop.set()
        elif kind == "text":
            self.typed.put(str(message.get("text", ""))[:5000])
        elif kind == "played":
            self._played_event(int(message.get("id", -1))).set()
        elif kind == "stop":
            self.close()

    def receive_pcm(self, data: bytes) -> None:
        if data and len(data) % 2 == 0:
            self.pcm.put(data)

    def close(self) -> None:
        """The page is gone (or asked to stop): every wait ends."""
        self.closed.set()
        self.pcm.put(None)
        self.typed.put(None)
        self.turn_stop.set()
        with self._lock:
            for event in self._played.values():
                event.set()

    # -- what the session waits for ----------------------------------------------------------

    def _played_event(self, line_id: int) -> threading.Event:
        with self._lock:
            event = self._played.setdefault(line_id, threading.Event())
            if self.closed.is_set():
                event.set()
            return event

    def wait_played(self, line_id: int, timeout: float) -> None:
        self._played_event(line_id).wait(timeout)

    def new_turn_stop(self) -> threading.Event:
        """The event the page's end-turn button sets, fresh for each turn."""
        self.turn_stop = threading.Event()
        if self.closed.is_set():
            self.turn_stop.set()
        return self.turn_stop


class WebMic:
    """The page's microphone, read as `trainer.speech.mic.Microphone` is."""

    def __init__(self, link: PageLink) -> None:
        self._link = link

    def read(self, timeout: float = 0.5) -> bytes | None:
        try:
            block = self._link.pcm.get(timeout=timeout)
        except queue.Empty:
            block = b""
        if block is None or self._link.closed.is_set():
            raise PageGone("the page closed or stopped the session")
        return block or None

    def drain(self) -> list[bytes]:
        out: list[bytes] = []
        while True:
            try:
                block = self._link.pcm.get_nowait()
            except queue.Empty:
                return out
            if block is None:
                self._link.pcm.put(None)  # keep the end for the next read
                return out
            out.append(block)


class PageDisplay:
    """The live partial transcript, sent to the page."""

    def __init__(self, link: PageLink, title: str) -> None:
        self._link = link
        self._title = title

    def __enter__(self) -> PageDisplay:
        self._link.send({"type": "listening", "after_goodbye": self._title != "You"})
        return self

    def update(self, text: str) -> None:
        self._link.send({"type": "partial", "text": text[-300:]})

    def __exit__(self, *exc: object) -> None:
        log.debug("turn over; %d microphone blocks wait unread", self._link.pcm.qsize())
        self._link.send({"type": "turn-over"})


class PageTurns:
    """Typed turns from the page, one message each; an empty one ends the close."""

    def __init__(self, link: PageLink) -> None:
        self._link = link

    def next_turn(self, after_goodbye: bool) -> CandidateTurn | None:
        if after_goodbye:
            return None  # typing after the goodbye is not a thing people do
        self._link.send({"type": "your-turn"})
        text = self._link.typed.get()
        if text is None:
            return CandidateTurn(Transcript(""), ended_by="interrupt")
        return CandidateTurn(Transcript(text.strip()), ended_by="enter")


# The interviewer's lines, rendered once per voice and kept: a second session does not wait for them.
_rendered: OrderedDict[tuple[str, tts.VoiceSettings], Future[Audio]] = OrderedDict()
_rendered_lock = threading.Lock()
_voice_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="web-voice")


def rendered(line: str, settings: tts.VoiceSettings) -> Future[Audio]:
    key = (line, settings)
    with _rendered_lock:
        if key in _rendered:
            _rendered.move_to_end(key)
            return _rendered[key]
        future = _voice_pool.submit(tts.synthesize, line, settings)
        _rendered[key] = future
        while len(_rendered) > RENDERED_LINES_KEPT:
            _rendered.popitem(last=False)
        return future


class PageInterviewer:
    """Sends each line to the page, with its rendered audio (or for the browser's own voice), and
    waits until the page says it has finished playing it."""

    def __init__(self, link: PageLink, settings: tts.VoiceSettings, rendered_voice: bool = True) -> None:
        self._link = link
        self._settings = settings
        self._rendered_voice = rendered_voice
        self._ids = iter(range(1, 1_000_000))
        self.last_line: str | None = None

    def prepare(self, lines: list[str]) -> None:
        if self._rendered_voice:
            for line in dict.fromkeys(lines):
                rendered(line, self._settings)

    def _sounds(self, line: str) -> list[Audio] | Iterator[Audio]:
        """The line's audio: rendered ahead, or (not ready in time) in pieces as they render."""
        if not self._rendered_voice:
            return []
        future = rendered(line, self._settings)
        if future.done() or future.running():  # rendering already: sooner than starting over in pieces
            return [future.result()]
        return ahead(tts.stream(line, self._settings))

    def say(self, line: str, kind: str) -> float:
        self.last_line = line
        if self._link.closed.is_set():
            return 0.0
        started, total, line_id = time.monotonic(), 0.0, 0
        try:
            for part, sound in enumerate(self._sounds(line)):
                line_id = self._send(line, kind, sound, part)
                total += sound.duration
        except tts.SpeechOutputError as exc:
            log.warning("%s; the page speaks the lines with the browser's voice", exc)
            self._rendered_voice = False
        if line_id == 0:  # the browser's own voice speaks it
            line_id = self._send(line, kind, None, 0)
            total = 0.4 * len(line.split())  # about 150 words a minute
        self._link.wait_played(line_id, max(0.0, total - (time.monotonic() - started)) + PLAYBACK_GRACE_S)
        return total if self._rendered_voice else time.monotonic() - started

    def _send(self, line: str, kind: str, sound: Audio | None, part: int) -> int:
        line_id = next(self._ids)
        self._link.send(
            {
                "type": "line",
                "id": line_id,
                "kind": kind,
                "text": line,
                "part": part,  # 1, 2, ...: more audio of the same line (it is shown once)
                "audio": base64.b64encode(sound.to_wav_bytes()).decode("ascii") if sound else None,
                "duration": round(sound.duration, 3) if sound else None,
            }
        )
        return line_id
