"""Recognizer benchmark: speed (x real time), latency and word error rate, per engine and voice.

    python bench/recognizers.py

Speech is synthesized here (piper's en_US joe voice and espeak-ng, both with a -50 dBFS noise
floor), so the numbers are measured in one run on the same audio. Vosk has no English model on
this machine: its speed and latency are measured on Korean speech with the Korean model from
PyPI, and its English accuracy is the published figure.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from bench.closes import CLOSES, FILLER_WORDS  # noqa: E402
from tests.speech import espeak, natural, vosk_korean_model  # noqa: E402
from trainer.engines import EngineOptions, create  # noqa: E402
from trainer.metrics import find_fillers  # noqa: E402
from trainer.text import normalize  # noqa: E402

KOREAN = ["안녕하세요 만나서 반갑습니다 오늘 시간 내주셔서 감사합니다", "다음 단계는 무엇입니까 언제 결정하실 예정입니까"]


def words(text: str) -> list[str]:
    if not text.isascii():  # Korean: spacing varies, so compare characters (a character error rate)
        return [c for c in text if not c.isspace()]
    return [t.text for t in normalize(text).tokens]


def run(engine, clips):  # type: ignore[no-untyped-def]
    """(WER, x real time, mean latency s, filler recall, hypotheses) over (reference, audio) clips."""
    errors = ref_words = 0
    busy = audio_s = 0.0
    latencies = []
    fillers_ref = fillers_hit = 0
    for ref, audio in clips:
        stream = engine.stream()
        t0 = time.perf_counter()
        for chunk in audio.chunks(0.1):
            stream.accept(chunk)
        t1 = time.perf_counter()
        hyp = stream.finish()
        t2 = time.perf_counter()
        busy += t2 - t0
        latencies.append(t2 - t1)
        audio_s += audio.duration
        r, h = words(ref), words(hyp.text)
        errors += Levenshtein.distance(r, h)
        ref_words += len(r)
        fillers_ref += sum(w in FILLER_WORDS for w in r)
        fillers_hit += min(sum(w in FILLER_WORDS for w in r), len(find_fillers(h)))
    recall = fillers_hit / fillers_ref if fillers_ref else float("nan")
    return errors / ref_words, busy / audio_s, sum(latencies) / len(latencies), recall


def main() -> None:
    print("Synthesizing speech…", file=sys.stderr)
    voices = {"natural (piper joe)": [(t, natural(t)) for t in CLOSES], "espeak-ng": [(t, espeak(t)) for t in CLOSES]}
    total = sum(a.duration for clips in voices.values() for _, a in clips)
    print(f"{len(CLOSES)} closes per voice, {total:.0f} s of audio in all\n")
    print(f"{'engine':14} {'voice':20} {'WER':>6} {'x RT':>6} {'latency':>8} {'filler recall':>14}")
    t0 = time.perf_counter()
    sphinx = create("pocketsphinx", EngineOptions())
    load = time.perf_counter() - t0
    for voice, clips in voices.items():
        wer, rtf, lat, rec = run(sphinx, clips)
        print(f"{'pocketsphinx':14} {voice:20} {wer:6.1%} {rtf:6.2f} {lat:7.2f}s {rec:14.0%}", flush=True)
    print(f"  (pocketsphinx model load {load:.2f} s)")
    t0 = time.perf_counter()
    vosk = create("vosk", EngineOptions(model=vosk_korean_model()))
    load = time.perf_counter() - t0
    wer, rtf, lat, _ = run(vosk, [(t, espeak(t, voice="ko")) for t in KOREAN])
    print(f"{'vosk (ko)':14} {'espeak-ng Korean':20} {wer:6.1%} {rtf:6.2f} {lat:7.2f}s {'n/a':>14}  (character error rate)")
    print(f"  (vosk Korean model load {load:.2f} s; English WER published for vosk-model-small-en-us-0.15: 9.85% LibriSpeech test-clean)")


if __name__ == "__main__":
    main()
