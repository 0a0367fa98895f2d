"""Long turns: how soon the interviewer can answer a close's long first turn, and what it costs
in words.

    python bench/long_turns.py [--turns N] [--keep-guess-s S]

Each turn is a written dev close of the corpus (other people's words) up to its first question
past 45 words: the summing-up turn, often 15-40 s, that ends in a probe. Spoken by piper's
natural voice and fed through the trainer's own listen loop with Whisper at real-time pace (the
decodes run while the speaker talks, as in a session), with the adaptive end of turn.

- answer: from the end of the audio's speech to the turn's final transcript in hand;
- ended by: how the turn ended ("complete": a question heard; "silence": the longer wait);
- WER: the transcript against the text said. A turn that ends early (at a question inside it,
  followed by a pause) is listed, and left out of the WER, since its missing words are not a
  recognition error.
`--keep-guess-s` sets whisper.KEEP_GUESS_S for the run (the current value is the default), to
compare with another.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"

from rapidfuzz.distance import Levenshtein  # noqa: E402

from tests.speech import natural  # noqa: E402
from trainer.checklist.text import normalize  # noqa: E402
from trainer.speech.audio import Audio  # noqa: E402
from trainer.speech.engines import EngineOptions, create  # noqa: E402
from trainer.speech.engines import whisper as whisper_engine  # noqa: E402
from trainer.speech.listen import ListenOptions, file_blocks, listen  # noqa: E402


def words(text: str) -> list[str]:
    return [t.text for t in normalize(text).tokens]


def long_turns(n: int) -> list[str]:
    rows = [json.loads(line) for line in (CORPUS / "closes-dev.jsonl").read_text().splitlines() if line.strip()]
    out = []
    for row in (r for r in rows if r["style"] == "written"):
        sentences = re.split(r"(?<=[.?!])\s+", str(row["transcript"]))
        ends = [
            i for i, s in enumerate(sentences) if s.endswith("?") and len(" ".join(sentences[: i + 1]).split()) > 45
        ]
        if ends:
            out.append(" ".join(sentences[: ends[0] + 1]))
    return out[:n]


def paced(audio: Audio, block_s: float = 0.1) -> Iterator[bytes | None]:
    """The recording as a microphone gives it: a block every `block_s` seconds, then quiet."""
    t0 = time.monotonic()
    for i, block in enumerate(file_blocks(audio, block_s, trailing_silence_s=5.0)):
        wait = t0 + (i + 1) * block_s - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        yield block


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=12)
    parser.add_argument("--keep-guess-s", type=float, default=whisper_engine.KEEP_GUESS_S)
    args = parser.parse_args()
    whisper_engine.KEEP_GUESS_S = args.keep_guess_s
    engine = create("whisper", EngineOptions())
    answers, errors, said = [], 0, 0
    print(f"{'speech':>7} {'ended by':9} {'answer':>7} {'word errors':>12}")
    for text in long_turns(args.turns):
        speech = natural(text, lead=0.5, tail=0.0)
        t0 = time.monotonic()
        turn = listen(paced(speech), engine.stream(), ListenOptions(adaptive=True))
        answer = time.monotonic() - t0 - speech.duration
        ref, hyp = words(text), words(turn.transcript.text)
        early = answer < -0.5  # ended at a question inside the turn (a pause after it), before its last words
        wrong = Levenshtein.distance(ref, hyp)
        if not early:
            answers.append(answer)
            errors, said = errors + wrong, said + len(ref)
        note = "  ended early, at a question inside it" if early else ""
        print(f"{speech.duration:6.1f}s {turn.ended_by:9} {answer:6.2f}s {wrong:5d}/{len(ref):<5d}{note}", flush=True)
    s = sorted(answers)
    print(
        f"KEEP_GUESS_S {args.keep_guess_s:g}: answer p50 {statistics.median(s):.2f} s, slowest {s[-1]:.2f} s,"
        f" {sum(a > 1.2 for a in s)}/{len(s)} over 1.2 s; WER {errors / said:.1%} ({len(s)} turns)"
    )


if __name__ == "__main__":
    main()
