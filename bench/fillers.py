"""Fillers heard: recall and precision of "um"/"uh" and of every filler the report counts.

    python bench/fillers.py [--clips N] [--corpus DIR]

Clips: pieces of the labelled closes of other people (../shared/corpus) that contain "um" or "uh",
and as many pieces without one (for false hits), spoken by piper's natural voice with a faint
noise floor. Recognizer-style closes have no punctuation; there a filler is set off by commas, the
short pause around a hesitation that a written close marks the same way (piper runs an unpunctuated
"um" into the next word as "on", which is not how people hesitate). Each clip is recognized by
Whisper through the streaming pipeline (as `trainer score --audio` does), then listened to again
for hesitations (trainer/speech/fillers.py). Counts are compared per clip (a filler heard counts
up to the number said). Prints recall, precision and WER before and after the second listen.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from trainer.checklist.text import FILLERS, normalize  # noqa: E402
from trainer.speech.metrics import find_fillers  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
HESITATIONS = re.compile(r"\b(um+|uh+)\b", re.IGNORECASE)


def pieces(corpus: Path) -> tuple[list[str], list[str]]:
    """Sentences (written closes) or 14-word stretches (recognizer-style), with and without a hesitation."""
    with_f, without = [], []
    for path in sorted(corpus.rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            text = str(row["transcript"])
            if row["style"] == "written":
                parts = [p.strip() for p in re.split(r"(?<=[.?!])\s+", text) if len(p.split()) >= 5]
            else:
                w = text.split()
                parts = [HESITATIONS.sub(r", \1,", " ".join(w[k : k + 14])) for k in range(0, len(w) - 10, 14)]
            for p in parts:
                (with_f if HESITATIONS.search(p) else without).append(p)
    return with_f, without


def words(text: str) -> list[str]:
    return [t.text for t in normalize(text).tokens]


def counts(ws: list[str]) -> tuple[int, int]:
    """Hesitations, and every filler the report counts ("like", "you know" too)."""
    return sum(1 for w in ws if w in FILLERS), len(find_fillers(ws))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=40, help="clips with a hesitation (and as many without)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()

    from tests.speech import natural
    from trainer.speech.engines import EngineOptions, create
    from trainer.speech.fillers import with_hesitations

    with_f, without = pieces(args.corpus)
    rng = random.Random(2026)
    clips = rng.sample(with_f, min(args.clips, len(with_f))) + rng.sample(without, min(args.clips, len(without)))
    engine = create("whisper", EngineOptions())
    # [hesitations said, heard before, matched before, heard after, matched after] and the same for all fillers
    tally = {"hesitations": [0] * 5, "all fillers": [0] * 5}
    err = {"before": 0, "after": 0, "before, fillers left out": 0, "after, fillers left out": 0}
    ref_n = ref_plain_n = 0
    audio_s = first_s = second_s = 0.0
    for k, text in enumerate(clips):
        sound = natural(text)
        audio_s += sound.duration
        t = time.perf_counter()
        heard = engine.transcribe(sound)
        first_s += time.perf_counter() - t
        t = time.perf_counter()
        again = with_hesitations(engine, heard, sound)
        second_s += time.perf_counter() - t
        ref = words(text)
        ref_n += len(ref)
        plain = [w for w in ref if w not in FILLERS]
        ref_plain_n += len(plain)
        said = counts(ref)
        for when, tr in (("before", heard), ("after", again)):
            hyp = words(tr.text)
            err[when] += Levenshtein.distance(ref, hyp)
            err[f"{when}, fillers left out"] += Levenshtein.distance(plain, [w for w in hyp if w not in FILLERS])
            got = counts(hyp)
            for i, name in enumerate(tally):
                col = 1 if when == "before" else 3
                tally[name][col] += got[i]
                tally[name][col + 1] += min(got[i], said[i])
        for i, name in enumerate(tally):
            tally[name][0] += said[i]
        if k % 10 == 9:
            print(f"  {k + 1}/{len(clips)} clips", file=sys.stderr, flush=True)

    print(f"\n{len(clips)} clips ({args.clips} with a hesitation), {audio_s:.0f} s of speech, {ref_n} words")
    print(f"{'':14} {'said':>5}   {'recall before':>13} {'precision':>9}   {'recall after':>12} {'precision':>9}")
    for name, (n, hb, mb, ha, ma) in tally.items():

        def ratio(a: int, b: int) -> str:
            return f"{a / b:.0%}" if b else "-"

        print(f"{name:14} {n:5}   {ratio(mb, n):>13} {ratio(mb, hb):>9}   {ratio(ma, n):>12} {ratio(ma, ha):>9}")
    print(
        f"WER: before {err['before'] / ref_n:.1%}, after {err['after'] / ref_n:.1%} (fillers counted); "
        f"fillers left out: before {err['before, fillers left out'] / ref_plain_n:.1%}, "
        f"after {err['after, fillers left out'] / ref_plain_n:.1%}"
    )
    print(
        f"time: first listen {first_s / audio_s:.2f} x real time (streaming, paced by nothing), "
        f"second listen {second_s / audio_s:.3f} x real time"
    )


if __name__ == "__main__":
    main()
