"""Invented words: does anything but speech become text? Whisper is known to "hear" words in
silence and noise (a trailing "you", "Thank you.").

    python bench/tails.py

32 turns: a short answer (piper's natural voice) followed by 4 s of one of eight tails: digital
silence, room noise at -50 and -40 dBFS, hum, breaths (soft noise bursts), clicks, a chair creak
(a low thud), and a keyboard (click trains). Each is recognized through the trainer's own listen
loop (end of turn after 2 s of quiet, as in a session), once with the speech alone as well.
Counted: words the recognizer put after the end of the speech, and words not in the text said.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.speech import natural  # noqa: E402
from trainer.checklist.text import normalize  # noqa: E402
from trainer.speech.audio import RATE, Audio  # noqa: E402
from trainer.speech.engines import EngineOptions, create  # noqa: E402
from trainer.speech.listen import ListenOptions, file_blocks, listen  # noqa: E402

ANSWERS = [
    "What is the next step in the hiring process?",
    "Thank you so much for your time today.",
    "I led the redesign of our onboarding flow last year.",
    "May I call you if I have further questions?",
]


def _db(x: np.ndarray, dbfs: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(x**2))) or 1.0
    return x / rms * 10 ** (dbfs / 20)


def tails(seconds: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    out = {
        "silence": np.zeros(n),
        "room -50 dBFS": _db(rng.normal(size=n), -50),
        "room -40 dBFS": _db(rng.normal(size=n), -40),
        "hum 50 Hz": _db(np.sin(2 * np.pi * 50 * t) + 0.3 * np.sin(2 * np.pi * 150 * t), -38),
    }
    breaths = _db(rng.normal(size=n), -55)
    for start in (0.4, 2.0):  # two soft breaths, 0.6 s each, shaped
        a, b = int(start * RATE), int((start + 0.6) * RATE)
        breaths[a:b] += _db(rng.normal(size=b - a), -32) * np.hanning(b - a)
    out["breaths"] = breaths
    clicks = _db(rng.normal(size=n), -55)
    for start in (0.5, 1.7, 3.1):
        a = int(start * RATE)
        clicks[a : a + 40] += rng.choice([-1, 1]) * 0.5 * np.exp(-np.arange(40) / 6)
    out["clicks"] = clicks
    creak = _db(rng.normal(size=n), -55)
    a, b = int(1.0 * RATE), int(1.25 * RATE)
    creak[a:b] += 0.2 * np.sin(2 * np.pi * 90 * t[: b - a]) * np.hanning(b - a)
    out["creak"] = creak
    keys = _db(rng.normal(size=n), -55)
    for start in np.arange(0.3, 3.5, 0.17):
        a = int(start * RATE)
        keys[a : a + 60] += 0.15 * rng.normal(size=60) * np.exp(-np.arange(60) / 10)
    out["keyboard"] = keys
    return out


def words(text: str) -> list[str]:
    return [t.text for t in normalize(text).words]


def main() -> None:
    rng = np.random.default_rng(2026)
    engine = create("whisper", EngineOptions())
    print(f"{'tail':16} {'turns':>5} {'words after speech':>19} {'words not said':>15}")
    total_after = total_extra = turns = 0
    rows: dict[str, list[int]] = {}
    for answer in ANSWERS:
        speech = natural(answer, lead=0.3, tail=0.0)
        said = set(words(answer))
        for name, tail in tails(4.0, rng).items():
            pcm = np.clip(tail * 32767, -32768, 32767).astype("<i2").tobytes()
            turn = listen(file_blocks(speech + Audio(pcm)), engine.stream(), ListenOptions(realtime=False))
            after = sum(w.start > speech.duration + 0.1 for w in turn.transcript.words)
            extra = sum(w not in said for w in words(turn.transcript.text))
            r = rows.setdefault(name, [0, 0, 0])
            r[0] += 1
            r[1] += after
            r[2] += extra
            if after or extra:
                print(f"  {name}: {turn.transcript.text!r}", file=sys.stderr)
    for name, (n, after, extra) in rows.items():
        print(f"{name:16} {n:5d} {after:19d} {extra:15d}")
        turns, total_after, total_extra = turns + n, total_after + after, total_extra + extra
    print(f"{'all':16} {turns:5d} {total_after:19d} {total_extra:15d}")


if __name__ == "__main__":
    main()
