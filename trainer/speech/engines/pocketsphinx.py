"""pocketsphinx: the embedded engine. Its wheel ships an English model, so it works with no download."""

from __future__ import annotations

import re

from trainer.errors import EngineError
from trainer.speech.engines.base import Engine, EngineOptions, Stream
from trainer.speech.transcript import Transcript, Word

FRAMES_PER_SECOND = 100
_NOT_WORDS = re.compile(r"^(<s>|</s>|<sil>|\[.*\]|\+\+.*\+\+)$")


def unavailable(options: EngineOptions) -> str | None:
    try:
        import pocketsphinx  # noqa: F401
    except ImportError as exc:
        return f"pocketsphinx is not installed ({exc}); run `pip install pocketsphinx`"
    if options.model and not options.model.is_dir():
        return f"{options.model}: no such model folder"
    return None


WARMUP_S = 3.0  # audio that adapts a fresh decoder before its first real pass
SEGMENT_MIN_S = 6.0  # an utterance this long is closed at the next pause...
# ...or this long for the companion, whose closes come at the pause the turn may end on: shorter
# utterances close sooner (under 0.1 s against 0.36 s after 8 s), its partial text needs no more.
COMPANION_SEGMENT_MIN_S = 3.0
SEGMENT_GAP_S = 0.4  # ...of this much quiet
LEAD_S = 0.5  # quiet kept before an utterance's first speech


class PocketsphinxStream(Stream):
    """Streams into the decoder, closing an utterance at a pause once it is long enough: the
    search's memory and its final pass grow with utterance length (a 50 s utterance took 620 MB
    and 2.4 s to finish), so a long close is decoded piece by piece while it is spoken."""

    def __init__(self, decoder, warm_up: bool, segment_min_s: float = SEGMENT_MIN_S) -> None:  # type: ignore[no-untyped-def]
        from trainer.speech.listen import SpeechDetector

        self._decoder = decoder
        self._warmup: list[bytes] | None = [] if warm_up else None
        self._segment_min_s = segment_min_s
        self._detector = SpeechDetector()
        self._words: list[Word] = []
        self._offset = 0.0  # where the open utterance starts
        self._elapsed = 0.0
        self._open = False
        self._held: list[bytes] = []  # what came before the next utterance's first heard speech

    def _start(self) -> None:
        self._decoder.start_utt()
        self._open = True

    def _close(self) -> None:
        d = self._decoder
        d.end_utt()
        self._open = False
        # Under about 0.1 s of audio the decoder has no search result and seg() returns None.
        for seg in d.seg() or ():
            if _NOT_WORDS.match(seg.word):
                continue
            text = re.sub(r"\(\d+\)$", "", seg.word)  # alternate pronunciations: "that(2)"
            start = self._offset + seg.start_frame / FRAMES_PER_SECOND
            end = self._offset + (seg.end_frame + 1) / FRAMES_PER_SECOND
            self._words.append(Word(text, round(start, 3), round(end, 3), round(float(seg.prob), 3)))

    def _open_with(self, held: list[bytes]) -> None:
        """Start an utterance with the blocks held before it (the last `held` ones received)."""
        self._held = []
        self._offset = self._elapsed - sum(map(len, held)) / 32000
        self._start()
        for block in held:
            self._decoder.process_raw(block, False, False)
            self._detector.update(block)

    def _feed(self, pcm: bytes) -> None:
        if not self._open:
            # Quiet before speech is held, not decoded: closing an utterance costs time in
            # proportion to its length, and that close comes at the pause that ends the turn.
            self._held.append(pcm)
            self._elapsed += len(pcm) / 32000
            if not self._detector.update(pcm):
                return
            from trainer.speech.listen import lead_trimmed

            self._detector = self._detector.fresh()
            self._open_with(lead_trimmed(self._held, self._detector, LEAD_S))
            return
        self._decoder.process_raw(pcm, False, False)
        self._elapsed += len(pcm) / 32000
        self._detector.update(pcm)
        long_enough = self._elapsed - self._offset >= self._segment_min_s
        if long_enough and self._detector.heard and self._detector.quiet_s >= SEGMENT_GAP_S:
            self._close()

    def _flush_warmup(self) -> None:
        # A fresh decoder starts from a generic cepstral mean and mishears the first words
        # ("thanks again" as "fakes again"): let the first seconds adapt it in a throwaway pass,
        # then decode them for real.
        held, self._warmup = self._warmup or [], None
        if held:
            d = self._decoder
            d.start_utt()
            d.process_raw(b"".join(held), False, True)
            d.end_utt()
        for pcm in held:
            self._feed(pcm)

    def _text(self) -> str:
        hyp = self._decoder.hyp() if self._open else None
        return " ".join([w.text for w in self._words] + ([hyp.hypstr] if hyp and hyp.hypstr else []))

    def accept(self, pcm: bytes) -> str:
        if self._warmup is not None:
            self._warmup.append(pcm)
            if sum(len(b) for b in self._warmup) >= WARMUP_S * 32000:
                self._flush_warmup()
            return self._text()
        self._feed(pcm)
        return self._text()

    def finish(self) -> Transcript:
        if self._warmup is not None:
            self._flush_warmup()
        if not self._open and self._held:  # the meter never told speech from the room: decode it all
            self._open_with(self._held)
        if self._open:
            self._close()
        return Transcript.from_words(self._words, engine="pocketsphinx")


class PocketsphinxEngine(Engine):
    name = "pocketsphinx"

    def __init__(self, options: EngineOptions, redecode_first: bool = True, final_passes: bool = True) -> None:
        from pocketsphinx import Decoder

        config: dict[str, object] = {"loglevel": "FATAL"}
        if not final_passes:  # partial text comes from the first pass; the two after it only refine the end
            config.update(fwdflat=False, bestpath=False)
        if options.model:
            config["hmm"] = str(options.model)
        self._used = not redecode_first  # a companion engine needs no warm-up pass
        self._segment_min_s = SEGMENT_MIN_S if final_passes else COMPANION_SEGMENT_MIN_S
        try:
            self._decoder = Decoder(**config)
        except (RuntimeError, ValueError) as exc:
            raise EngineError(
                f"pocketsphinx could not load its model ({exc}); reinstall with `pip install --force-reinstall pocketsphinx`"
            ) from None

    def stream(self) -> Stream:
        first = not self._used
        self._used = True
        return PocketsphinxStream(self._decoder, warm_up=first, segment_min_s=self._segment_min_s)


def create(options: EngineOptions) -> Engine:
    return PocketsphinxEngine(options)


def create_companion() -> Engine:
    """For live partial text and fillers beside a non-streaming engine: no warm-up pass, and no
    final passes at the end of an utterance (they cost 0.1-0.3 s after a short turn, on the way
    to the interviewer's answer, and the partial text does not use them)."""
    return PocketsphinxEngine(EngineOptions(), redecode_first=False, final_passes=False)
