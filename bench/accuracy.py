"""Checklist accuracy, measured the way the judge will be judged: leave one role out.

    python bench/accuracy.py [--corpus DIR] [--errors] [--no-speed]

DIR holds *.jsonl labelled closes (searched recursively) and scenarios/ (default:
../shared/corpus beside the checkout). For each role, the semantic judge is fitted on the other
roles' closes and scores the left-out role's closes; the wording judge (the rule detectors,
used when the sentence model is missing) and a naive keyword baseline score the same closes in
the same run. Printed: per-item precision, recall and F1 for each, macro F1, written and
recognizer-style closes apart; then speed (model load, scoring a 3-minute close, against the
wording judge in the same run) and peak memory.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainer.checklist import fit  # noqa: E402
from trainer.checklist.semantic import INTENT_ITEMS, LIST_ITEMS  # noqa: E402
from trainer.scenarios.file import ITEM_IDS, Scenario  # noqa: E402

LABELLED = [i for i in ITEM_IDS if i != "concise"]
Pairs = list[tuple[bool, bool, str]]  # (verdict, label, style)

# The baseline: exact, case-insensitive search for the obvious phrase of each item.
BASELINE = {
    "gaps_probed": ["gaps", "concerns"],
    "interest_reaffirmed": ["terrific match", "great fit", "want this job"],
    "next_step_asked": ["next step"],
    "follow_up_permission": ["may i", "can i call", "can i email"],
    "thanks_given": ["thank you", "thanks"],
}


def baseline(scenario: Scenario, text: str) -> dict[str, bool]:
    low = text.lower()
    out = {item: any(w in low for w in words) for item, words in BASELINE.items()}
    out["skills_restated"] = sum(s.lower() in low for s in scenario.skills) >= scenario.min_skills
    out["requirements_matched"] = sum(r.lower() in low for r in scenario.requirements) >= 2
    return out


def prf(pairs: Iterable[tuple[bool, ...]]) -> tuple[float, float, float]:
    """Precision, recall, F1 of (verdict, label, ...) pairs."""
    pairs = list(pairs)
    tp = sum(p[0] and p[1] for p in pairs)
    fp = sum(p[0] and not p[1] for p in pairs)
    fn = sum(p[1] and not p[0] for p in pairs)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def leave_one_role_out(corpus: Path, show_errors: bool = False) -> dict[str, dict[str, Pairs]]:
    from trainer.checklist.embed import Embedder

    embedder = Embedder()
    rows = fit.load_corpus([corpus])
    t0 = time.perf_counter()
    samples = fit.prepare(rows, embedder)
    print(f"prepared {len(samples)} closes in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    texts = {str(r["id"]): (str(r["transcript"]), sc) for r, sc in rows}
    out: dict[str, dict[str, Pairs]] = {k: {i: [] for i in LABELLED} for k in ("judge", "wording", "baseline")}
    for role in sorted({s.role for s in samples}):
        model = fit.fit_ensemble([s for s in samples if s.role != role], embedder)
        for s in (s for s in samples if s.role == role):
            verdicts = fit.predict(model, s)
            base = baseline(texts[s.id][1], texts[s.id][0])
            for item in LABELLED:
                gold = s.labels[item]
                out["judge"][item].append((verdicts[item], gold, s.style))
                out["wording"][item].append((s.rules[item][0], gold, s.style))
                out["baseline"][item].append((base[item], gold, s.style))
                if show_errors and verdicts[item] != gold:
                    print(f"{s.id} {s.style:7} {item}: got {verdicts[item]} want {gold}", file=sys.stderr)
    return out


def macro(result: dict[str, Pairs], style: str | None = None) -> float:
    return statistics.mean(prf(p for p in result[i] if style in (None, p[2]))[2] for i in LABELLED)


def print_accuracy(res: dict[str, dict[str, Pairs]]) -> None:
    print("Leave one role out (fit on the other roles, score the left-out role):")
    print(
        f"{'item':22} {'P':>6} {'R':>6} {'F1':>6} {'F1 wr':>6} {'F1 asr':>6}   {'wording F1':>10} {'baseline F1':>11}"
    )
    for item in LABELLED:
        p, r, f = prf(res["judge"][item])
        fw = prf(x for x in res["judge"][item] if x[2] == "written")[2]
        fa = prf(x for x in res["judge"][item] if x[2] == "asr")[2]
        print(
            f"{item:22} {p:6.3f} {r:6.3f} {f:6.3f} {fw:6.3f} {fa:6.3f}   "
            f"{prf(res['wording'][item])[2]:10.3f} {prf(res['baseline'][item])[2]:11.3f}"
        )
    for style in (None, "written", "asr"):
        name = {None: "macro F1", "written": "  written", "asr": "  recognizer-style"}[style]
        print(
            f"{name:22} {macro(res['judge'], style):6.3f} {'':27} "
            f"{macro(res['wording'], style):7.3f} {macro(res['baseline'], style):11.3f}"
        )


def three_minute_close(corpus: Path, style: str) -> str:
    """About 450 words (three minutes at 150 a minute) of corpus closes run together."""
    rows = fit.close_rows(corpus)
    words = " ".join(str(r["transcript"]) for r in rows if r["style"] == style).split()
    return " ".join(words[:450])


TURN_WORDS = 75  # a session's turns: six of them make the 3-minute close


def speed(corpus: Path, runs: int = 15) -> None:
    from trainer.checklist import concepts, match, semantic
    from trainer.checklist.scorer import score, warm
    from trainer.scenarios.file import load_file
    from trainer.speech.transcript import Transcript

    t0 = time.perf_counter()
    judge = semantic.shared_judge()
    load = time.perf_counter() - t0
    if judge is None:
        print("speed: the judge's model could not be loaded", file=sys.stderr)
        return
    sc = load_file(corpus / "scenarios" / "web-developer.toml")
    word_caches = [match.similarity, match.phonetic, match.stem, match._positions, match.token_index]
    word_caches += [concepts._starts, concepts._heads]
    print(f"\nModel load: {load:.2f} s (sha256 check, ONNX session, tokenizer, example sentences)")
    print(
        f"{'3-minute close (450 words)':32} {'wording p50':>11} {'semantic p50':>12} {'p90':>6} {'ratio':>6}"
        f"   {'session p50':>11} {'p90':>6} {'ratio':>6}"
    )
    for style in ("written", "asr"):
        base = three_minute_close(corpus, style)
        words = base.split()
        turns = [" ".join(words[: k * TURN_WORDS]) for k in range(1, len(words) // TURN_WORDS)]
        timings: dict[str, list[float]] = {"wording": [], "semantic": [], "session": []}
        for _ in range(runs):
            for kind in timings:
                # Nothing of the close cached (vectors, word similarities); the scenario's phrases
                # are, as after the first score.
                judge.embedder.clear_cache()
                for cached in word_caches:
                    cached.cache_clear()
                for which in LIST_ITEMS:
                    judge.embedder.encode([t for _, ts in semantic.phrase_texts(sc, which) for t in ts])
                if kind == "session":  # as `practice` does after each turn, while the interviewer answers
                    for so_far in turns:
                        warm(sc, Transcript(so_far))
                t = time.perf_counter()
                score(sc, Transcript(base), semantic=kind != "wording")
                timings[kind].append(time.perf_counter() - t)
        w, s, ss = (statistics.median(timings[k]) for k in ("wording", "semantic", "session"))
        p90, sp90 = (sorted(timings[k])[int(0.9 * (runs - 1))] for k in ("semantic", "session"))
        print(
            f"{style:32} {w * 1000:9.0f} ms {s * 1000:10.0f} ms {p90 * 1000:4.0f} ms {s / w:6.2f}"
            f"   {ss * 1000:9.0f} ms {sp90 * 1000:4.0f} ms {ss / w:6.2f}"
        )
    print(f"session: the close heard in turns of {TURN_WORDS} words, each turn embedded as it ends; timed: the last")
    spoken_session(sc, corpus, runs=3)
    print(f"Peak memory (VmHWM): {peak_mb():.0f} MB")


SESSION_TURNS = 3
_THANKS = re.compile(r"\bthank(s| you)?\b", re.IGNORECASE)


class _Turns:
    """The close's turns, one after another, whatever the interviewer says."""

    def __init__(self, turns: list[str]) -> None:
        self._turns = list(turns)
        self.ended = 0.0  # when the session asked for a turn and there was none left

    def next_turn(self, after_goodbye: bool):  # type: ignore[no-untyped-def]
        from trainer.session.close import CandidateTurn
        from trainer.speech.transcript import Transcript

        if after_goodbye or not self._turns:
            self.ended = time.perf_counter()
            return None
        return CandidateTurn(Transcript(self._turns.pop(0)))


class _Voice:
    """The interviewer speaking each line for as long as its rendering lasts (a speaker plays it in
    real time), as `practice` does; the lines are rendered once, ahead, as practice renders them."""

    def __init__(self, lines: list[str]) -> None:
        from trainer.session import tts

        settings = tts.VoiceSettings()
        self._seconds = {line: tts.synthesize(line, settings).duration for line in dict.fromkeys(lines)}

    def say(self, line: str, kind: str) -> float:
        seconds = self._seconds.get(line, 2.0)
        time.sleep(seconds)
        return seconds


def spoken_session(sc: Scenario, corpus: Path, runs: int) -> None:
    """The whole practice loop with a spoken interviewer: six turns of the 3-minute close, the
    interviewer's answers and goodbye in real time, and no lingering after it (the least time
    the session leaves). Timed: from the session's last input to the report."""
    from trainer.checklist import concepts, match, semantic
    from trainer.session.close import SessionOptions, run
    from trainer.session.lines import Lines

    judge = semantic.shared_judge()
    assert judge is not None
    voice = _Voice(Lines.every(sc, ("neutral",)))
    word_caches = [match.similarity, match.phonetic, match.stem, match._positions, match.token_index]
    word_caches += [concepts._starts, concepts._heads]
    for style in ("written", "asr"):
        words = three_minute_close(corpus, style).split()
        # Three turns of 150 words (a session reacts to each: a probe, a question, the end), and no
        # thanks before the last one, which would end the session early.
        size = len(words) // SESSION_TURNS
        turns = [" ".join(words[k : k + size]) for k in range(0, len(words), size)]
        turns = [_THANKS.sub("", t) for t in turns[:-1]] + turns[-1:]
        waits, spoken = [], []
        for _ in range(runs):
            judge.embedder.clear_cache()
            for cached in word_caches:
                cached.cache_clear()
            source = _Turns(turns)
            t0 = time.perf_counter()
            result = run(sc, source, voice, SessionOptions(max_turns=len(turns), seed=1))
            waits.append(time.perf_counter() - source.ended)
            spoken.append(time.perf_counter() - t0)
        n = len(result.close.text.split())
        print(
            f"spoken session, {style:9} ({n} words in {len(turns)} turns): report {statistics.median(waits) * 1000:.0f} ms "
            f"after the last input (p50 of {runs}; max {max(waits) * 1000:.0f} ms), session {statistics.median(spoken):.0f} s"
        )


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--errors", action="store_true", help="list every disagreement with the labels")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--speed-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.speed_only:
        speed(args.corpus)
        return
    print_accuracy(leave_one_role_out(args.corpus, args.errors))
    if not args.no_speed:  # in a fresh process, so peak memory is the scorer's own
        sys.stdout.flush()
        subprocess.run([sys.executable, __file__, "--speed-only", "--corpus", str(args.corpus)], check=True)


assert set(LABELLED) == set(INTENT_ITEMS) | set(LIST_ITEMS)

if __name__ == "__main__":
    main()
