"""How soon a drill rep gets its verdict after the rep ends.

    python bench/drill.py [--rounds N]

Typed reps: the judge's time alone (the semantic judge, loaded beforehand, as the drill preloads
it while the cue plays), against the wording judge on the same reps (the baseline).
Spoken reps: natural speech (piper) fed at real-time pace, as a microphone would, through the
same turn-taking as `trainer drill` (the turn ends after 2 s of quiet); the verdict time is from
the end of the turn to the verdict (final transcript + judge). Baseline in the same run: Whisper
without speculative decoding (the piece decoded only when the turn has ended).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.speech import natural  # noqa: E402
from trainer.checklist.scorer import score  # noqa: E402
from trainer.checklist.semantic import shared_judge  # noqa: E402
from trainer.scenarios import file as scenarios  # noqa: E402
from trainer.session.close import CandidateTurn  # noqa: E402
from trainer.session.drill import CUES, judge_rep  # noqa: E402
from trainer.session.lines import Lines  # noqa: E402
from trainer.speech.audio import Audio  # noqa: E402
from trainer.speech.engines import EngineOptions, create  # noqa: E402
from trainer.speech.engines import whisper as whisper_engine  # noqa: E402
from trainer.speech.listen import ListenOptions, listen  # noqa: E402
from trainer.speech.transcript import Transcript  # noqa: E402

# Written for this bench (not from the labelled corpus): one line a rep, as a candidate drilling
# that item would say it.
REPS = {
    "skills_restated": "What I bring is user research, interaction design in Figma and building design systems.",
    "requirements_matched": "You need someone to redesign the onboarding flow, and I did exactly that at my last job.",
    "gaps_probed": "Do you see any gaps between my background and what you need for this role?",
    "objection_handled": "That's a fair point. Last year I designed a loan application that passed compliance review twice.",
    "interest_reaffirmed": "I'm more excited about this role than when I walked in; it's a great fit.",
    "next_step_asked": "What happens next in the process, and when are you hoping to decide?",
    "follow_up_permission": "Would it be all right if I called you next week with any questions?",
    "thanks_given": "Thank you so much for taking the time to meet with me today.",
}


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def row(label: str, values: list[float], baseline: list[float] | None = None) -> str:
    p50, p95 = statistics.median(values), pct(values, 0.95)
    ratio = f"  x{p50 / statistics.median(baseline):.2f} of baseline p50" if baseline else ""
    return f"{label:44} p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   n={len(values)}{ratio}"


def paced(audio: Audio, trailing_s: float = 3.0) -> Iterator[bytes | None]:
    """Blocks at the pace a microphone delivers them."""
    start = time.monotonic()
    blocks = list(audio.chunks(0.1)) + [b"\x00\x00" * 1600] * int(trailing_s / 0.1)
    for k, block in enumerate(blocks):
        wait = start + (k + 1) * 0.1 - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        yield block


def spoken(clips: dict[str, Audio], speculate: bool) -> list[float]:
    sc = scenarios.load("ux-designer")
    engine = create("whisper", EngineOptions())
    saved = whisper_engine.SPECULATE_GAP_S
    whisper_engine.SPECULATE_GAP_S = saved if speculate else float("inf")
    try:
        out = []
        for item, clip in clips.items():
            turn = listen(paced(clip.with_noise_floor(-50)), engine.stream(), ListenOptions(silence_s=2.0))
            t0 = time.perf_counter()
            judge_rep(item, sc, CandidateTurn(turn.transcript, turn.audio), CUES[item](sc, Lines.choose(sc, 0)))
            out.append((turn.latency_s or 0.0) + time.perf_counter() - t0)
        return out
    finally:
        whisper_engine.SPECULATE_GAP_S = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="times each typed rep is judged")
    args = parser.parse_args()
    sc = scenarios.load("ux-designer")
    assert shared_judge() is not None, "the semantic judge could not be loaded"
    semantic, wording = [], []
    for _ in range(args.rounds):
        for item, line in REPS.items():
            cue = CUES[item](sc, Lines.choose(sc, 0))
            t0 = time.perf_counter()
            judge_rep(item, sc, CandidateTurn(Transcript(line)), cue)
            semantic.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            score(sc, Transcript(line), semantic=False)
            wording.append(time.perf_counter() - t0)
    print("Verdict time after the end of a rep (target: <= 0.5 s)")
    print(row("typed rep, wording judge (baseline)", wording))
    print(row("typed rep, semantic judge", semantic, wording))
    clips = {item: natural(line, lead=0.5, tail=0.0) for item, line in REPS.items()}
    spoken({"thanks_given": clips["thanks_given"]}, speculate=False)  # warm-up: model load, first decode
    plain = spoken(clips, speculate=False) + spoken(clips, speculate=False)
    spec = spoken(clips, speculate=True) + spoken(clips, speculate=True)
    print(row("spoken rep, whisper decoded at turn end (baseline)", plain))
    print(row("spoken rep, whisper speculative (what drill does)", spec, plain))


if __name__ == "__main__":
    main()
