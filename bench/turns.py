"""Turn-taking through a real microphone path: how soon a turn ends after the last word, and how
often a speaker who pauses mid-sentence is cut off.

    python bench/turns.py [--rounds N]

A private PulseAudio server with a null sink stands in for the microphone (its monitor is the
default source); each clip (piper's natural voice, -50 dBFS floor) is played into it with paplay
and recorded through sounddevice by the trainer's own listen loop with Whisper, as in a session.
Complete turns: questions and thanks. Paused turns: a sentence with a 1 s pause in the middle
("... and [1 s] it cut drop-off by a third"). For each: the fixed 2 s end of turn (the baseline,
and `--silence 2`) against the adaptive one (the default).

- reaction: from the last word (the last speech block of the recording) to the final transcript
  in hand and read, i.e. when the interviewer can answer: quiet waited + final decode + the
  session's reading of the turn (the report's judge on the close so far, the other questions),
  which runs on the recognizer's guess while the turn-taking waits and is reused when the turn
  ends as guessed (`read ahead` counts how often). Each clip's words are new to the sentence
  model's cache (only the example sentences stay embedded), as in a session;
- final: from the end of the turn to the final transcript;
- cut: a paused turn whose end came before its second half (speech heard after the turn ended);
  a complete turn ended before its last words is counted too (its recording is kept for a look).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COMPLETE = [
    "What is the next step in the hiring process?",
    "Thank you so much for your time today.",
    "Do you have any concerns about my ability to do well in this job?",
    "When do you expect to make a decision?",
    "May I call you if I have further questions?",
    "Do you see any gaps between my qualifications and the requirements?",
    "Thanks again, I really enjoyed our conversation.",
    "Is there anything else I can tell you about my experience?",
    "What would my first month in the role look like?",
    "Thank you for meeting with me.",
]
PAUSED = [
    ("I led the redesign of our onboarding flow, and", "it cut drop-off by a third."),
    ("Last year I ran usability tests with", "about forty customers every quarter."),
    ("What I bring is user research, um", "and interaction design in Figma."),
    ("My team shipped the new component library", "two weeks ahead of schedule."),
    ("I think the biggest gap might be", "my experience with banking regulation."),
    ("When I joined my last company, the", "design system did not exist yet."),
    ("I would love to work on", "accessibility for your mobile app."),
    ("So the way I handled that was", "to pair with the compliance team early."),
    ("Before that I worked at a small agency where", "I was the only designer."),
    ("I am really excited about this role because", "it combines research and design."),
]


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def child(rounds: int, only: str | None) -> None:
    from tests.speech import natural
    from trainer.checklist import embed, questions
    from trainer.checklist.scorer import score
    from trainer.checklist.semantic import preload
    from trainer.scenarios import file as scenarios
    from trainer.session.close import CandidateTurn, _Ahead
    from trainer.session.lines import Lines
    from trainer.speech.audio import silence
    from trainer.speech.engines import EngineOptions, create
    from trainer.speech.listen import ListenOptions, SpeechDetector, listen, mic_blocks
    from trainer.speech.mic import Microphone
    from trainer.speech.transcript import Transcript

    sc = scenarios.load("ux-designer")
    preload().join()
    embedder = embed.shared()
    assert embedder is not None, "the judge's sentence model is needed: run scripts/setup.sh"
    score(sc, Transcript("warm up the judge"))
    ahead = _Ahead(sc, Lines.choose(sc, 1))
    engine = create("whisper", EngineOptions())
    tmp = Path(tempfile.mkdtemp(prefix="trainer-turns-"))
    clips: list[tuple[str, Path]] = []
    for k, text in enumerate(COMPLETE):
        clips.append(("complete", natural(text, lead=0.3, tail=4.0).save(tmp / f"c{k}.wav")))
    for k, (a, b) in enumerate(PAUSED):
        audio = natural(a, lead=0.3, tail=0.0) + silence(1.0) + natural(b, lead=0.0, tail=4.0)
        clips.append(("paused", audio.with_noise_floor(-50).save(tmp / f"p{k}.wav")))
    modes = {"fixed 2 s (baseline)": ListenOptions(silence_s=2.0), "adaptive": ListenOptions(adaptive=True)}
    modes = {m: o for m, o in modes.items() if only is None or m.startswith(only)}
    results: dict[str, dict[str, list[float]]] = {
        m: {"reaction": [], "final": [], "cut": [], "cut_complete": [], "ahead": []} for m in modes
    }
    with Microphone() as mic:
        time.sleep(3)  # a PulseAudio stream takes about 2 s to start
        for _ in range(rounds):
            for mode, options in modes.items():
                for kind, wav in clips:
                    # A turn said for the first time: only the examples stay embedded, as in a session.
                    embedder.clear_cache()
                    questions.prepare()
                    mic.drain()
                    player = subprocess.Popen(["paplay", "-d", "virt", str(wav)])
                    ahead.expect([], None)
                    turn = listen(mic_blocks(mic), engine.stream(), options, on_guess=ahead.guess)
                    t0 = time.perf_counter()
                    said = CandidateTurn(turn.transcript)
                    ahead.heard([(0.0, said)], said, None)  # what the session does before it reacts
                    judged = time.perf_counter() - t0
                    results[mode]["ahead"].append(1.0 if judged < 0.005 else 0.0)
                    detector, last_speech, at = SpeechDetector(), 0.0, 0.0
                    for block in turn.audio.chunks(0.1):
                        at += 0.1
                        if detector.update(block):
                            last_speech = at
                    after, more = SpeechDetector(), False  # is the speaker still going?
                    deadline = time.monotonic() + 2.5
                    for block in mic_blocks(mic):
                        if block is not None:
                            more = after.update(block) or more
                        if time.monotonic() > deadline:
                            break
                    player.wait()
                    waited = turn.audio.duration - last_speech
                    if kind == "complete":
                        results[mode]["reaction"].append(waited + (turn.latency_s or 0.0) + judged)
                        results[mode]["final"].append((turn.latency_s or 0.0) + judged)
                        results[mode]["cut_complete"].append(1.0 if more else 0.0)
                        if more:
                            kept = turn.audio.save(tmp / f"cut-{len(results[mode]['reaction'])}.wav")
                            print(f"  a complete turn was cut; its recording: {kept}", file=sys.stderr)
                    else:
                        results[mode]["cut"].append(1.0 if more else 0.0)
                    print(
                        f"  {mode:22} {kind:8} ended by {turn.ended_by:9} cut={more} quiet {waited:.2f}s"
                        f" decode {turn.latency_s or 0.0:.2f}s judge {judged:.2f}s {turn.transcript.text[:50]!r}",
                        file=sys.stderr,
                    )
    print(
        f"{'end of turn':22} {'reaction p50':>12} {'p95':>6} {'final p50':>10} {'p95':>6} {'cut mid-sentence':>17}"
        f" {'complete turns cut':>19} {'read ahead':>11}"
    )
    for mode, r in results.items():
        cuts = r["cut"]
        print(
            f"{mode:22} {statistics.median(r['reaction']):11.2f}s {pct(r['reaction'], 0.95):5.2f}s "
            f"{statistics.median(r['final']):9.2f}s {pct(r['final'], 0.95):5.2f}s "
            f"{sum(cuts):6.0f}/{len(cuts)} ({sum(cuts) / len(cuts):.0%})"
            f" {sum(r['cut_complete']):12.0f}/{len(r['cut_complete'])}"
            f" {sum(r['ahead']):6.0f}/{len(r['ahead'])}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", help="run one end-of-turn mode: 'fixed' or 'adaptive'")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.rounds, args.only)
        return
    from tests.speech import pulse_microphone

    with pulse_microphone() as env:  # PortAudio must start inside this environment: a child process
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--rounds",
                str(args.rounds),
                *(["--only", args.only] if args.only else []),
            ],
            env=dict(env, **{"PYTHONPATH": str(ROOT)}),
            check=True,
        )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
