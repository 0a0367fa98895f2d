"""pocketsphinx: the embedded engine. Its wheel ships an English model, so it works with no download."""

from __future__ import annotations

import re

from trainer.engines.base import Engine, EngineOptions, Stream
from trainer.errors import EngineError
from trainer.transcript import Transcript, Word

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


class PocketsphinxStream(Stream):
    def __init__(self, decoder, first: bool) -> None:  # type: ignore[no-untyped-def]
        self._decoder = decoder
        self._first = first
        self._audio: list[bytes] = []
        decoder.start_utt()

    def accept(self, pcm: bytes) -> str:
        if self._first:
            self._audio.append(pcm)
        self._decoder.process_raw(pcm, False, False)
        hyp = self._decoder.hyp()
        return hyp.hypstr if hyp else ""

    def finish(self) -> Transcript:
        d = self._decoder
        d.end_utt()
        if self._first:
            # A fresh decoder starts from a generic cepstral mean and mishears the first words
            # ("thanks again" as "fakes again"). Once one utterance has adapted it, decode the
            # first one again: measured to fix the opening words at the cost of one extra pass.
            d.start_utt()
            d.process_raw(b"".join(self._audio), False, True)
            d.end_utt()
        words = []
        for seg in d.seg():
            if _NOT_WORDS.match(seg.word):
                continue
            text = re.sub(r"\(\d+\)$", "", seg.word)  # alternate pronunciations: "that(2)"
            words.append(
                Word(
                    text,
                    seg.start_frame / FRAMES_PER_SECOND,
                    (seg.end_frame + 1) / FRAMES_PER_SECOND,
                    round(float(seg.prob), 3),
                )
            )
        return Transcript.from_words(words, engine="pocketsphinx")


class PocketsphinxEngine(Engine):
    name = "pocketsphinx"

    def __init__(self, options: EngineOptions, redecode_first: bool = True) -> None:
        from pocketsphinx import Decoder

        config = {"loglevel": "FATAL"}
        if options.model:
            config["hmm"] = str(options.model)
        self._used = not redecode_first  # a companion engine needs no second pass
        try:
            self._decoder = Decoder(**config)
        except (RuntimeError, ValueError) as exc:
            raise EngineError(
                f"pocketsphinx could not load its model ({exc}); reinstall with `pip install --force-reinstall pocketsphinx`"
            ) from None

    def stream(self) -> Stream:
        first = not self._used
        self._used = True
        return PocketsphinxStream(self._decoder, first)


def create(options: EngineOptions) -> Engine:
    return PocketsphinxEngine(options)


def create_companion() -> Engine:
    """For live partial text and fillers beside a non-streaming engine: no extra final pass."""
    return PocketsphinxEngine(EngineOptions(), redecode_first=False)
