"""The sources of the candidate's turns and the interviewer's delivery, for `trainer practice`
and `trainer demo`."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from trainer.session import tts
from trainer.session.close import STOPPING, CandidateTurn
from trainer.speech import audio as audio_io
from trainer.speech import overlap as overlapping
from trainer.speech.audio import Audio
from trainer.speech.engines import Engine
from trainer.speech.fillers import Hesitations
from trainer.speech.listen import ListenOptions, Turn, file_blocks, listen, mic_blocks
from trainer.speech.transcript import Transcript

log = logging.getLogger("trainer.session.practice")
LINGER_LISTEN_S = 4.0  # after the goodbye, how long we listen for a candidate who talks on
ECHO_LINES = 2  # the interviewer's lines whose echo is taken out of what the microphone hears


def candidate_turn(t: Turn, hesitations: Hesitations | None = None) -> CandidateTurn:
    """The session's turn; with `hesitations`, listened to again for them in the background."""
    later = hesitations.submit(t.transcript, t.audio) if hesitations is not None else None
    return CandidateTurn(t.transcript, t.audio, t.ended_by, t.latency_s, later)


class TextTurns:
    """Typed turns, one line each."""

    def __init__(self, lines: Iterator[str], interactive: bool) -> None:
        self._lines = lines
        self._interactive = interactive

    def next_turn(self, after_goodbye: bool) -> CandidateTurn | None:
        if after_goodbye and self._interactive:
            return None
        line = next(self._lines, None)
        return None if line is None else CandidateTurn(Transcript(line.strip()), ended_by="enter")


class FileTurns:
    """Recordings, one WAV per turn, recognized as if they came from the microphone."""

    def __init__(self, files: list[Path], engine: Engine, on_partial: Callable[[str], None] | None = None) -> None:
        self._audio = [audio_io.load(f) for f in files]  # every file checked before the session starts
        self._engine = engine
        self._on_partial = on_partial
        self._hesitations = Hesitations(engine)

    def next_turn(self, after_goodbye: bool) -> CandidateTurn | None:
        if not self._audio:
            return None
        sound = self._audio.pop(0)
        turn = listen(file_blocks(sound), self._engine.stream(), ListenOptions(), self._on_partial)
        if turn.ended_by in STOPPING:
            turn.audio = sound  # stopped midway: the run keeps the whole recording, not the part read
        return candidate_turn(turn, self._hesitations)


class MicTurns:
    """Live turns from the microphone, with a partial transcript as the candidate speaks. Words
    said while the interviewer was still talking open the turn (their echo is taken out)."""

    def __init__(  # type: ignore[no-untyped-def]
        self,
        mic,
        engine: Engine,
        options: ListenOptions,
        display_factory,
        stop_factory,
        last_line: Callable[[], str | None] = lambda: None,
    ) -> None:
        self._mic = mic
        self._engine = engine
        self._options = options
        self._display = display_factory
        self._stop = stop_factory
        self._last_line = last_line
        self._stopped = False
        self._hesitations = Hesitations(engine)
        self._lines: deque[str] = deque(maxlen=ECHO_LINES)
        # Set by the session: gets each guess at a turn while the turn-taking waits for quiet.
        self.on_guess: Callable[[str], None] | None = None

    def _said_lately(self) -> str | None:
        """The interviewer's recent lines: through speakers, the tail of the line before the last
        can still reach the microphone (the sound card's buffer plays on after the line 'ends')."""
        line = self._last_line()
        if line is not None and (not self._lines or self._lines[-1] != line):
            self._lines.append(line)
        return " ".join(self._lines) or None

    def next_turn(self, after_goodbye: bool) -> CandidateTurn | None:
        if self._stopped:
            return None  # the microphone is gone, or the user stopped the session
        line = self._said_lately()
        overlap = overlapping.check(self._mic.drain(), line, self._engine)
        if overlap.blocks:
            log.warning("you started speaking while the interviewer was talking; that part is kept")
        options = self._options
        if after_goodbye:
            options = ListenOptions(silence_s=1.0, max_s=LINGER_LISTEN_S * 3, no_speech_s=LINGER_LISTEN_S)
        stop = self._stop()
        with self._display("You" if not after_goodbye else "(after the goodbye)") as display:
            turn = listen(
                mic_blocks(self._mic, stop),
                self._engine.stream(),
                options,
                display.update,
                stop,
                self._mic.drain,
                overlap.blocks,
                None if after_goodbye else self.on_guess,
            )
        if overlap.blocks:
            turn.transcript = overlapping.drop_echo(turn.transcript, line, Audio(b"".join(overlap.blocks)).duration)
        self._stopped = turn.ended_by in STOPPING
        return candidate_turn(turn, None if after_goodbye or self._stopped else self._hesitations)


@dataclass
class VoiceInterviewer:
    """Speaks each line aloud (and shows it); falls back to showing it when no sound can be played."""

    settings: tts.VoiceSettings
    show: Callable[[str, str], None]
    speak: bool = True
    keep: Callable[[Audio, str], None] | None = None  # receives each rendered line (e.g. to save it)
    last_line: str | None = None
    _ready: dict[str, Future[Audio]] = field(default_factory=dict)

    def prepare(self, lines: list[str]) -> None:
        """Render the lines the interviewer may say, in the background, so that an answer is
        spoken as soon as the candidate's turn ends instead of after its rendering."""
        if not self.speak and self.keep is None:
            return
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice")
        for line in dict.fromkeys(lines):
            self._ready[line] = pool.submit(tts.synthesize, line, self.settings)
        pool.shutdown(wait=False)

    def say(self, line: str, kind: str) -> float:
        self.last_line = line
        self.show(line, kind)
        if not self.speak and self.keep is None:
            return 0.0
        ready = self._ready.pop(line, None)
        try:
            # A line already rendering finishes sooner than one started over in pieces.
            if ready is not None and (ready.done() or ready.running() or not self.speak):
                sounds: Iterator[Audio] = iter([ready.result()])
            else:  # not rendered in time: its first clause plays while the rest renders
                if ready is not None:
                    ready.cancel()
                sounds = ahead(tts.stream(line, self.settings))
            return sum(self._deliver(sound, kind) for sound in sounds)
        except tts.SpeechOutputError as exc:
            log.warning("%s", exc)
            self.speak = False
            self.keep = None
            return 0.0

    def _deliver(self, sound: Audio, kind: str) -> float:
        if self.keep:
            self.keep(sound, kind)
        if self.speak:
            try:
                tts.play(sound)
            except Exception as exc:  # no output device, PortAudio missing: go on printed
                log.warning("cannot play the interviewer's voice (%s); showing the lines instead", exc)
                self.speak = False
        return sound.duration


def ahead(pieces: Iterator[Audio]) -> Iterator[Audio]:
    """The pieces of a line, each rendered while the one before it plays."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice-stream")
    try:
        nxt = pool.submit(next, pieces, None)
        while (piece := nxt.result()) is not None:
            nxt = pool.submit(next, pieces, None)
            yield piece
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
