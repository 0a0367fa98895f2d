"""Fillers heard: recall and precision of "um"/"uh" and of every filler the report counts.

    python bench/fillers.py [--clips N] [--corpus DIR]

Clips: pieces of the labelled closes of other people (../shared/corpus) that contain "um" or "uh",
and as many pieces without one (for false hits), spoken by piper's natural voice with a faint
noise floor. Each clip with a hesitation is spoken three ways: with the hesitation set off by
commas (the short pause people leave around one; piper pauses there); run in, with no comma
(piper then says a word-length "um" at speaking rate, which Whisper hears as "i'm" or "on");
and run in but drawn out to the length people give one (tests/speech.py `drawn_out`: "um"
0.41 s, no pause either side).
Each clip is recognized by Whisper through the streaming pipeline (as `trainer score --audio`
does), then listened to again for hesitations (trainer/speech/fillers.py). Counts are compared
per clip (a filler heard counts up to the number said). Prints recall, precision and WER before
and after the second listen, for each way of speaking; the clips without a hesitation count
against the precision of each.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from tests.speech import HESITATION  # noqa: E402
from trainer.checklist.fit import close_rows  # noqa: E402
from trainer.checklist.text import FILLERS, normalize  # noqa: E402
from trainer.speech.audio import Audio  # noqa: E402
from trainer.speech.metrics import find_fillers  # noqa: E402
from trainer.speech.transcript import Transcript  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def pieces(corpus: Path) -> tuple[list[str], list[str]]:
    """Sentences (written closes) or 14-word stretches (recognizer-style), with and without a hesitation."""
    with_f: list[str] = []
    without: list[str] = []
    for row in close_rows(corpus):
        text = str(row["transcript"])
        if row["style"] == "written":
            parts = [p.strip() for p in re.split(r"(?<=[.?!])\s+", text) if len(p.split()) >= 5]
        else:
            w = text.split()
            parts = [" ".join(w[k : k + 14]) for k in range(0, len(w) - 10, 14)]
        for p in parts:
            (with_f if HESITATION.search(p) else without).append(p)
    return with_f, without


def paused(text: str) -> str:
    t = HESITATION.sub(r", \1, ", text)
    t = re.sub(r",(\s*,)+", ",", re.sub(r",\s*([.?!])", r"\1", t))
    return re.sub(r"\s+", " ", t).strip(" ,")


def run_in(text: str) -> str:
    return re.sub(r"\s+([.?!,])", r"\1", re.sub(r"\s+", " ", HESITATION.sub(r" \1 ", text))).strip()


def words(text: str) -> list[str]:
    return [t.text for t in normalize(text).tokens]


def counts(ws: list[str]) -> tuple[int, int]:
    """Hesitations, and every filler the report counts ("like", "you know" too)."""
    return sum(1 for w in ws if w in FILLERS), len(find_fillers(ws))


Voice = Callable[[str], Audio]
ERRORS = ("before", "after", "before, fillers left out", "after, fillers left out")


@dataclass
class Tally:
    said: list[int] = field(default_factory=lambda: [0, 0])  # hesitations, all fillers
    heard: dict[str, list[int]] = field(default_factory=lambda: {"before": [0, 0], "after": [0, 0]})
    matched: dict[str, list[int]] = field(default_factory=lambda: {"before": [0, 0], "after": [0, 0]})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ERRORS, 0))
    ref_n: int = 0
    plain_n: int = 0

    def add(self, text: str, heard: Transcript, again: Transcript) -> None:
        ref = words(text)
        plain = [w for w in ref if w not in FILLERS]
        self.ref_n += len(ref)
        self.plain_n += len(plain)
        said = counts(ref)
        for when, tr in (("before", heard), ("after", again)):
            hyp = words(tr.text)
            self.errors[when] += Levenshtein.distance(ref, hyp)
            self.errors[f"{when}, fillers left out"] += Levenshtein.distance(
                plain, [w for w in hyp if w not in FILLERS]
            )
            for i, got in enumerate(counts(hyp)):
                self.heard[when][i] += got
                self.matched[when][i] += min(got, said[i])
        for i in range(2):
            self.said[i] += said[i]


def ratio(a: int, b: int) -> str:
    return f"{a / b:.0%}" if b else "-"


def show(name: str, tally: Tally) -> None:
    print(f"\n{name}: {tally.ref_n} words")
    print(f"{'':14} {'said':>5}   {'recall before':>13} {'precision':>9}   {'recall after':>12} {'precision':>9}")
    for i, kind in enumerate(("hesitations", "all fillers")):
        n = tally.said[i]
        hb, mb = tally.heard["before"][i], tally.matched["before"][i]
        ha, ma = tally.heard["after"][i], tally.matched["after"][i]
        print(f"{kind:14} {n:5}   {ratio(mb, n):>13} {ratio(mb, hb):>9}   {ratio(ma, n):>12} {ratio(ma, ha):>9}")
    e = tally.errors
    print(
        f"WER: before {e['before'] / tally.ref_n:.1%}, after {e['after'] / tally.ref_n:.1%} (fillers counted); "
        f"fillers left out: before {e['before, fillers left out'] / tally.plain_n:.1%}, "
        f"after {e['after, fillers left out'] / tally.plain_n:.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=40, help="clips with a hesitation (and as many without)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()

    from tests.speech import drawn_out, natural
    from trainer.speech.engines import EngineOptions, create
    from trainer.speech.fillers import with_hesitations

    with_f, without = pieces(args.corpus)
    rng = random.Random(2026)
    hesitant = rng.sample(with_f, min(args.clips, len(with_f)))
    fluent = rng.sample(without, min(args.clips, len(without)))
    engine = create("whisper", EngineOptions())
    # How each clip with a hesitation is spoken: its text, and the voice.
    ways: dict[str, tuple[Callable[[str], str], Voice]] = {
        "set off by a pause": (paused, natural),
        "run in": (run_in, natural),
        "drawn out and run in": (run_in, drawn_out),
    }
    tallies = {"without a hesitation": Tally()} | {way: Tally() for way in ways}
    audio_s = first_s = second_s = 0.0
    jobs: list[tuple[str, str, Voice]] = [("without a hesitation", t, natural) for t in fluent]
    jobs += [(way, spell(t), voice) for way, (spell, voice) in ways.items() for t in hesitant]
    for k, (way, text, voice) in enumerate(jobs):
        sound = voice(text)
        audio_s += sound.duration
        t = time.perf_counter()
        heard = engine.transcribe(sound)
        first_s += time.perf_counter() - t
        t = time.perf_counter()
        again = with_hesitations(engine, heard, sound)
        second_s += time.perf_counter() - t
        tallies[way].add(text, heard, again)
        if k % 20 == 19:
            print(f"  {k + 1}/{len(jobs)} clips", file=sys.stderr, flush=True)

    none = tallies.pop("without a hesitation")
    print(f"\n{len(jobs)} clips: {len(fluent)} without a hesitation, {len(hesitant)} with one spoken {len(ways)} ways")
    print(
        f"{audio_s:.0f} s of speech; false hits on the clips without: {none.heard['before'][1]} before, {none.heard['after'][1]} after"
    )
    for way, tally in tallies.items():
        for when in ("before", "after"):  # the clips without a hesitation count against precision
            for i in range(2):
                tally.heard[when][i] += none.heard[when][i]
        show(f"hesitations {way} (+ the clips without)", tally)
    print(
        f"\ntime: first listen {first_s / audio_s:.2f} x real time (streaming, paced by nothing), "
        f"second listen {second_s / audio_s:.3f} x real time"
    )


if __name__ == "__main__":
    main()
