"""Listen to one turn: stream audio into a recognizer and decide when the speaker is done.

A turn ends after `silence_s` of quiet following speech, at `max_s`, when `stop` is set (the
user pressed Enter), or on Ctrl-C, which keeps everything heard so far. The energy detector
adapts to the room: speech is anything well above the quietest level heard so far.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from trainer.errors import DeviceError
from trainer.speech.audio import RATE, WIDTH, Audio, dither
from trainer.speech.engines.base import Stream
from trainer.speech.transcript import Transcript
from trainer.speech.turn_end import assess

log = logging.getLogger("trainer.speech.listen")
SPEECH_ABOVE_FLOOR_DB = 12.0
MIN_SPEECH_DBFS = -48.0
DIGITAL_SILENCE_DBFS = -100.0  # zeros from a device starting up, not the room's level


@dataclass(frozen=True)
class ListenOptions:
    silence_s: float = 2.0  # quiet after speech that ends the turn
    max_s: float = 120.0  # hard limit for one turn
    no_speech_s: float = 20.0  # give up when nothing is said at all
    realtime: bool = True  # a live source paces itself; a file fed as if live does not
    # Adaptive end of turn: `complete_s` of quiet ends a turn that sounds finished (a question,
    # a thanks); one that trails off ("and...", "um") gets `open_extra_s` more than `silence_s`.
    adaptive: bool = False
    complete_s: float = 0.5
    open_extra_s: float = 1.5


@dataclass
class Turn:
    audio: Audio
    transcript: Transcript
    # "silence", "complete" (a finished question or thanks), "time limit", "enter", "interrupt",
    # "no speech", "end of input", "microphone lost"
    ended_by: str
    latency_s: float | None = None  # end of audio to final transcript
    partials: list[str] = field(default_factory=list)


def level_dbfs(pcm: bytes) -> float:
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    if len(x) == 0:
        return -120.0
    rms = float(np.sqrt(np.mean(x * x))) / 32768.0
    return 20 * np.log10(max(rms, 1e-6))


class SpeechDetector:
    """Speech is a block well above the room's noise floor: the 10th percentile of the levels of
    the last 10 seconds (speech has gaps between words, so that percentile is the room)."""

    def __init__(self) -> None:
        self.levels: deque[float] = deque(maxlen=100)
        self.heard = False
        self.quiet_s = 0.0

    def fresh(self) -> SpeechDetector:
        """A detector for the next piece of the same stream: nothing heard yet, but the same room.
        A new detector would take its floor from the piece's first blocks, speech when a piece is
        cut mid-sentence, and hear the words after it as quiet."""
        out = SpeechDetector()
        out.levels.extend(self.levels)
        return out

    @property
    def floor(self) -> float:
        if len(self.levels) < (self.levels.maxlen or 0):
            # Under 10 s of levels a tenth of them need not be the room: a turn may open with 0.3 s
            # of it and go on in speech, and the percentile is then soft speech, called quiet (a
            # turn was ended mid-sentence so). Until then the room is the quietest block heard.
            room = [level for level in self.levels if level > DIGITAL_SILENCE_DBFS]
            return min(room) if room else MIN_SPEECH_DBFS
        return float(np.percentile(self.levels, 10))

    @property
    def threshold(self) -> float:
        """The level above which a block is speech."""
        return max(self.floor + SPEECH_ABOVE_FLOOR_DB, MIN_SPEECH_DBFS)

    def update(self, pcm: bytes) -> bool:
        """Feed a block; True if it holds speech."""
        level = level_dbfs(pcm)
        self.levels.append(level)
        speech = level > self.threshold
        seconds = len(pcm) / (RATE * WIDTH)
        if speech:
            self.heard, self.quiet_s = True, 0.0
        else:
            self.quiet_s += seconds
        return speech


def lead_trimmed(blocks: list[bytes], detector: SpeechDetector, lead_s: float) -> list[bytes]:
    """`blocks` from `lead_s` before the first one louder than the room as `detector` knows it now.
    Judged when speech is first heard, not block by block: a recording that opens in speech gives
    the meter no room yet, and its first words would read as quiet."""
    first = next((i for i, b in enumerate(blocks) if level_dbfs(b) > detector.threshold), len(blocks) - 1)
    keep, i = 0.0, first
    while i > 0 and keep + len(blocks[i - 1]) / (RATE * WIDTH) <= lead_s + 1e-9:
        i -= 1
        keep += len(blocks[i]) / (RATE * WIDTH)
    return blocks[i:]


_MARKS = re.compile(r"(?<=\S)[.,!?…]+(?=\s|$)")


def listen(
    blocks: Iterator[bytes | None],
    stream: Stream,
    options: ListenOptions,
    on_partial: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
    leftover: Callable[[], list[bytes]] | None = None,
    prefix: list[bytes] | None = None,
    on_guess: Callable[[str], None] | None = None,
) -> Turn:
    """Consume `blocks` (None means no audio yet) until the turn ends; recognize as it goes.
    On Ctrl-C, `leftover` gives what was captured but not read yet, so the last words count.
    `prefix`: speech heard before the turn began (said over the interviewer): recognized and
    kept, but not timed by the end-of-turn detector, which would hear the interviewer in it.
    `on_guess`: each new guess at the whole turn made while waiting for quiet (the session reads
    it ahead, so that its reaction is ready if the guess is what the turn turns out to be)."""
    got: list[bytes] = []
    detector = SpeechDetector()
    elapsed = 0.0
    partial, partials = "", []
    ended_by = "end of input"
    broken = False
    said_so_far: dict[str, str] = {}  # text -> how it ends, judged once per text
    guessed: set[str] = set()  # the guesses passed on
    for early in prefix or []:
        got.append(early)
        if not broken:
            said = _accept(stream, dither(early))
            broken, partial = said is None, said or partial
    prefix_s = elapsed = sum(map(len, prefix or [])) / (RATE * WIDTH)
    try:
        for block in blocks:
            if stop is not None and stop.is_set():
                ended_by = "enter"
                break
            if block is None:
                continue
            got.append(block)
            elapsed += len(block) / (RATE * WIDTH)
            detector.update(block)
            text = partial if broken else _accept(stream, dither(block))
            if text is None:
                broken, text = True, partial
            if text != partial:
                partial = text
                partials.append(text)
                if on_partial:
                    on_partial(text)
            if on_guess is not None and detector.heard and detector.quiet_s > 0:
                _pass_on(stream.guess(), guessed, on_guess)
            if detector.heard and detector.quiet_s >= options.complete_s:
                ending = _ending(stream, partial, options, said_so_far) if options.adaptive else None
                if ending == "complete" and detector.quiet_s >= options.complete_s:
                    ended_by = "complete"
                    log.debug("complete after %.1f s of quiet: %r", detector.quiet_s, stream.guess())
                    break
                limit = options.silence_s + (options.open_extra_s if ending == "open" else 0.0)
                if detector.quiet_s >= limit:
                    ended_by = "silence"
                    log.debug("quiet for %.1f s, the turn read as %s: %r", detector.quiet_s, ending, stream.guess())
                    break
            if prefix and not detector.heard and elapsed - prefix_s >= options.silence_s + 1.0:
                ended_by = "silence"  # they had said it all over the interviewer's line
                break
            if elapsed >= options.max_s:
                ended_by = "time limit"
                break
            if not detector.heard and elapsed >= options.no_speech_s:
                ended_by = "no speech"
                break
    except KeyboardInterrupt:
        ended_by = "interrupt"
        for block in leftover() if leftover else []:  # captured before the stop, not read yet
            got.append(block)
            detector.update(block)
            if not broken and _accept(stream, dither(block)) is None:
                broken = True
    except DeviceError as exc:  # the microphone went away: keep what it heard until then
        log.warning("%s; what it heard until then is kept", exc)
        ended_by = "microphone lost"
    t0 = time.monotonic()
    audio = Audio(b"".join(got))
    if not detector.heard and not prefix:
        # No block rose above the room's noise: whatever the recognizer would make of the hiss is
        # not speech, and decoding it (20 s of quiet in Whisper's full window) kept the
        # interviewer waiting for seconds.
        transcript = Transcript("", [], None)
    else:
        transcript, ended_by = _recognized(stream, audio, broken, ended_by)
    latency = time.monotonic() - t0
    log.debug("turn ended by %s; the final transcript took %.2f s", ended_by, latency)
    transcript.duration = audio.duration
    return Turn(audio, transcript, ended_by, round(latency, 3), partials)


def _ending(stream: Stream, partial: str, options: ListenOptions, seen: dict[str, str]) -> str:
    text = stream.guess()
    if text is None and stream.guesses:
        return "unsure"  # the guess is on its way; the companion's partial is too rough to end on
    text = text or partial
    if text not in seen:
        seen[text] = assess(text)
    return seen[text]


def _pass_on(guess: str | None, guessed: set[str], on_guess: Callable[[str], None]) -> None:
    """A new guess at the whole turn, made in a quiet moment, as soon as it is there."""
    if guess and guess not in guessed:
        guessed.add(guess)
        on_guess(unmarked(guess))


def unmarked(guess: str) -> str:
    """A guess as the final transcript will read: its words without the punctuation marks the
    guess carries for judging the end of the turn (a transcript is its words, joined)."""
    return _MARKS.sub("", guess)


def _accept(stream: Stream, pcm: bytes) -> str | None:
    try:
        return stream.accept(pcm)
    except Exception as exc:  # any engine failure: the turn goes on being recorded
        log.warning("the recognizer failed mid-turn (%s: %s); recording on", type(exc).__name__, exc)
        return None


def _recognized(stream: Stream, audio: Audio, broken: bool, ended_by: str) -> tuple[Transcript, str]:
    """The turn's final transcript, and how it ended ("interrupt" when Ctrl-C stopped the decode)."""
    try:
        transcript = None if broken else _finish(stream)
        if transcript is None:  # the recognizer failed: the recording is kept and heard again
            transcript = rescue(audio)
    except KeyboardInterrupt:  # stopped while the last words were decoded: the recording is kept
        log.warning("recognition was stopped; the turn's recording is kept")
        return Transcript("", [], None), "interrupt"
    return transcript, ended_by


def _finish(stream: Stream) -> Transcript | None:
    try:
        return stream.finish()
    except Exception as exc:
        log.warning("the recognizer failed at the end of the turn (%s: %s)", type(exc).__name__, exc)
        return None


def rescue(audio: Audio) -> Transcript:
    """The turn's recording, recognized by the embedded engine after the chosen one failed;
    an empty transcript (the recording is still kept) when that fails too."""
    from trainer.speech.engines import EngineOptions, create

    try:
        stream = create("pocketsphinx", EngineOptions()).stream()
        for block in audio.chunks(0.1):
            stream.accept(dither(block))
        transcript = stream.finish()
    except Exception as exc:
        log.warning("the fallback recognizer failed too (%s); the recording is kept", exc)
        return Transcript("", [], None)
    log.warning("the turn was recognized again by pocketsphinx")
    return Transcript(transcript.text, transcript.words, "pocketsphinx (fallback)")


def file_blocks(audio: Audio, seconds: float = 0.1, trailing_silence_s: float = 0.0) -> Iterator[bytes | None]:
    """A recording fed block by block as if it came from the microphone."""
    yield from audio.chunks(seconds)
    quiet = bytes(int(RATE * seconds) * WIDTH)
    for _ in range(int(trailing_silence_s / seconds)):
        yield quiet


def mic_blocks(mic, stop: threading.Event | None = None) -> Iterator[bytes | None]:  # type: ignore[no-untyped-def]
    while stop is None or not stop.is_set():
        yield mic.read(timeout=0.2)
