"""The interviewer's voices: how well Whisper understands them, how fast they render, their memory.

    python bench/voices.py [--lines N]

- Word error rate of Whisper tiny.en on the interviewer's lines of every bundled and corpus
  scenario (the signal, the objections, the next step, the goodbye, "anything else"), spoken by
  the natural voices and by espeak-ng in the same run (a faint noise floor mixed in, as a
  microphone would give);
- render speed (seconds of audio per second of rendering), and the time to the first audio of a
  line that was not rendered ahead (`tts.stream`: its first clause);
- the process's peak memory with the natural voice loaded;
- `trainer demo`'s word error rate (its candidate speaks with a natural voice).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"


def interviewer_lines(limit: int) -> list[str]:
    from trainer.scenarios import file as scenarios
    from trainer.session.lines import phrasings

    files = sorted((ROOT / "scenarios").glob("*.toml")) + sorted((CORPUS / "scenarios").glob("*.toml"))
    lines: list[str] = [phrasings()["anything_else"]["neutral"][0]]
    for f in files:
        sc = scenarios.load_file(f)
        lines += [sc.signal_to_end, *sc.objections, sc.next_step, sc.goodbye]
    return list(dict.fromkeys(lines))[:limit]


def words(text: str) -> list[str]:
    from trainer.checklist.text import normalize

    return [t.text for t in normalize(text).tokens]


def wer(engine, voice: str, lines: list[str]) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(word error rate, seconds of audio per second of rendering)."""
    from rapidfuzz.distance import Levenshtein

    from trainer.session import tts

    errors = total = 0
    audio_s = render_s = 0.0
    for line in lines:
        t0 = time.perf_counter()
        sound = tts.synthesize(line, tts.VoiceSettings(voice, 165))
        render_s += time.perf_counter() - t0
        audio_s += sound.duration
        heard = engine.transcribe(sound.with_noise_floor(-50.0))
        ref, hyp = words(line), words(heard.text)
        errors += Levenshtein.distance(ref, hyp)
        total += len(ref)
    return errors / max(1, total), audio_s / max(1e-9, render_s)


def first_audio(lines: list[str], voice: str) -> list[float]:
    from trainer.session import tts

    out = []
    for line in lines:
        t0 = time.perf_counter()
        next(iter(tts.stream(line, tts.VoiceSettings(voice, 165))))
        out.append(time.perf_counter() - t0)
    return out


def demo_wer() -> str:
    out = subprocess.run(
        [sys.executable, "-m", "trainer", "demo", "--no-save"], capture_output=True, text=True, cwd=ROOT, timeout=900
    )
    m = re.search(r"word error rate[^0-9]*([0-9.]+)\s*%", out.stdout + out.stderr, re.IGNORECASE)
    return f"{m.group(1)}%" if m else f"not found in its output (exit {out.returncode})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=60)
    parser.add_argument("--voices", default="", help="comma-separated voices to measure (default: all)")
    args = parser.parse_args()
    from bench.accuracy import peak_mb
    from trainer.session import natural
    from trainer.speech.recognize import EngineRequest, open_recognizer

    lines = interviewer_lines(args.lines)
    engine = open_recognizer(EngineRequest("whisper")).engine
    before = peak_mb()
    print(f"{len(lines)} interviewer lines, {sum(len(words(x)) for x in lines)} words; Whisper tiny.en\n")
    print("| voice | WER | rendering, x real time |")
    print("|---|---|---|")
    every = (*[v for v in natural.VOICES if v != "am_adam"], "en-us", "en-gb")
    for voice in [v for v in every if not args.voices or v in args.voices.split(",")]:
        rate, speed = wer(engine, voice, lines)
        print(f"| {voice} | {100 * rate:.1f}% | {speed:.1f} |", flush=True)
    cold = [line for line in lines if len(line.split()) >= 8][:20]
    firsts = first_audio(cold, natural.DEFAULT)
    after = peak_mb()
    print(
        f"\nfirst audio of a line not rendered ahead ({natural.DEFAULT}, {len(cold)} lines of 8+ words): "
        f"p50 {statistics.median(firsts):.2f} s, max {max(firsts):.2f} s"
    )
    print(f"peak memory: {before:.0f} MB with Whisper loaded, {after:.0f} MB with the natural voice too")
    print(f"`trainer demo` word error rate: {demo_wer()}")


if __name__ == "__main__":
    main()
