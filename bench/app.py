"""`trainer app` measured as a user meets it: whole spoken closes from the page in headless Chromium.

    python bench/app.py [--closes N] [--no-practice]

Each close is one of the corpus's written dev closes (other people's words, for four roles),
cut into turns after its questions (where the interviewer would answer), spoken by piper's natural voice and played to the page as
its microphone (Chromium's fake capture device), with quiet while each interviewer line plays.
The page keeps a timeline (window.trainerTimeline): the start click, the first microphone block,
each interviewer line starting to play, the report shown. From it:

- first line: start clicked -> the interviewer's first line playing;
- reaction: the end of a turn's speech in the fed audio -> the interviewer's next line playing
  (the audio's clock is put on the page's by its first block, which arrives 0.1 s after capture
  starts; capture itself starts 10-100 ms into the file, so reactions read up to 0.1 s long);
- report: the goodbye played -> the report shown (the session first listens for words after the
  goodbye, as `trainer practice` does);
- verdicts: the page's against `trainer score --audio` on the same recordings (the turns the
  page recorded, joined with a second of quiet), item by item (objection_handled is a session's
  item only), and against `trainer practice --input` on them turn by turn. Not the fed file
  itself: a session can end before the close does (the interviewer says goodbye after a
  statement), and the words it never heard are no part of its verdicts;
- launch: `trainer app` started -> it answers HTTP; memory: the app's peak RSS (VmHWM);
- size of the shipped JS + CSS; requests the page made to anything but the app.
Beside it (unless --no-practice): bench/turns.py, `trainer practice`'s listen loop through the
PulseAudio microphone, in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from math import nan
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"


def pct(values: list[float], q: float) -> float:
    return float(statistics.quantiles(values, n=100, method="inclusive")[q - 1]) if len(values) > 1 else values[0]


def closes(n: int) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in (CORPUS / "closes-dev.jsonl").read_text().splitlines() if line.strip()]
    written = [r for r in rows if r["style"] == "written"]
    roles = sorted({str(r["scenario"]) for r in written})
    picked, k = [], 0
    while len(picked) < n and k < len(written):  # round robin over the roles
        for role in roles:
            same = [r for r in written if r["scenario"] == role]
            if k < len(same) and len(picked) < n:
                picked.append(same[k])
        k += 1
    return picked


def turns_of(text: str, most: int = 4) -> list[str]:
    """The close as a conversation would cut it: a turn ends after each question (the interviewer
    answers it), at most `most` turns; a close without questions is cut in thirds."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    turns, current = [], []
    for s in sentences:
        current.append(s)
        if s.endswith("?") and len(turns) < most - 1:
            turns.append(" ".join(current))
            current = []
    if current:
        turns.append(" ".join(current))
    if len(turns) == 1:
        cut = [round(len(sentences) * i / 3) for i in range(4)]
        turns = [" ".join(sentences[a:b]) for a, b in zip(cut, cut[1:]) if b > a]
    return turns


def build_audio(turns: list[str], lines: list[str], first: str, wav: Path) -> list[float]:
    """The close as the microphone hears it; returns where each turn's speech ends, in seconds."""
    from tests.speech import natural
    from trainer.session import tts
    from trainer.speech.audio import silence

    voice = tts.VoiceSettings()
    longest = max(tts.synthesize(line, voice).duration for line in lines)
    out = silence(tts.synthesize(first, voice).duration + 2.0)
    ends = []
    for text in turns:
        spoken = natural(text, lead=0.3, tail=0.0)
        out = out + spoken
        ends.append(out.duration - trailing_quiet(spoken))
        out = out + silence(3.5 + longest + 1.5)
    out.save(wav)
    return ends


def trailing_quiet(audio) -> float:  # type: ignore[no-untyped-def]
    """Seconds of quiet at the end of piper's speech (its own, after the last word)."""
    import numpy as np

    loud = np.flatnonzero(np.abs(audio.samples.astype(np.int32)) > 1000)
    return (len(audio.samples) - (loud[-1] + 1)) / 16000 if len(loud) else 0.0


def start_app(home: Path) -> tuple[subprocess.Popen[str], str, float]:
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "trainer", "app", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=None if os.environ.get("BENCH_APP_TIMELINE") else subprocess.DEVNULL,
        text=True,
        env=dict(os.environ, TRAINER_HOME=str(home)),
        cwd=ROOT,
    )
    assert proc.stdout is not None
    address = proc.stdout.readline().split()[-1]
    while True:  # the first HTTP answer (403 without the secret is an answer)
        try:
            urllib.request.urlopen(address.split("/?")[0] + "/api/status", timeout=5)
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.02)
            continue
        break
    return proc, address, time.monotonic() - t0


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def complete(turn: str) -> bool:
    """A turn that sounds finished, as bench/turns.py's complete turns: a question or a thanks."""
    last = re.split(r"(?<=[.!?])\s+", turn.strip())[-1].lower()
    return last.endswith("?") or "thank" in last


def one_close(address: str, scenario: str, wav: Path, ends: list[float]) -> dict[str, object]:
    from tests.web import chromium

    base = address.split("/?")[0]
    with chromium(microphone=wav) as browser:
        page = browser.new_page()
        outside: list[str] = []
        page.on(
            "request", lambda r: None if r.url.startswith(base) or r.url.startswith("data:") else outside.append(r.url)
        )
        page.goto(address)
        page.goto(f"{base}/practice/{scenario}?processing=off&seed=1")
        page.select_option("#mode", "voice")
        page.select_option("#voice", "rendered")
        page.wait_for_load_state("networkidle")
        page.click("[data-testid=start]")
        page.wait_for_selector("[data-testid=report]:not([data-provisional])", timeout=300_000)
        marks = page.evaluate("window.trainerTimeline")
        url = page.url
        items = page.query_selector_all("[data-testid=report] [data-testid^=item-]")
        verdicts = {i.get_attribute("data-testid")[5:]: i.get_attribute("data-passed") == "true" for i in items}
    at = {m["type"]: m["t"] / 1000 for m in reversed(marks)}  # the first of each kind
    playing = [m for m in marks if m["type"] == "line-playing"]
    zero = at["mic-first-block"] - 0.1
    reactions, waits, ours = [], [], []
    overs = [m["t"] / 1000 for m in marks if m["type"] == "turn-over"]
    for end in ends:
        heard = zero + end
        after = [m["t"] / 1000 for m in playing if m["t"] / 1000 > heard]
        over = [t for t in overs if t > heard]
        if after:
            reactions.append(after[0] - heard)
        if after and over and over[0] < after[0]:
            waits.append(over[0] - heard)  # the turn-taking's wait, as in `practice`
            ours.append(after[0] - over[0])  # the session's reaction, sent, decoded and playing in the page
    goodbye = [m["t"] / 1000 for m in marks if m["type"] == "line-played" and m.get("kind") == "goodbye"]
    if os.environ.get("BENCH_APP_TIMELINE"):  # for a look at one close: the page's events on the audio's clock
        print("  speech ends:", ", ".join(f"{e:.2f}" for e in ends))
        for m in marks:
            print(f"  {m['t'] / 1000 - zero:8.2f}  {m['type']}  {m.get('kind', '')}")
    return {
        "first_line": at["line-playing"] - at["start-clicked"],
        "reactions": reactions,
        "waits": waits,
        "ours": ours,
        "run_id": int(re.search(r"/report/(\d+)", url).group(1)),  # type: ignore[union-attr]
        "report": at["report-shown"] - goodbye[-1] if goodbye else None,
        "verdicts": verdicts,
        "outside": outside,
    }


def verdicts(home: Path, *args: str) -> dict[str, bool]:
    """A `trainer ... --json --no-save` command's verdict per item."""
    out = subprocess.run(
        [sys.executable, "-m", "trainer", *args, "--json", "--no-save"],
        capture_output=True,
        text=True,
        env=dict(os.environ, TRAINER_HOME=str(home)),
        cwd=ROOT,
        check=True,
    )
    return {i["id"]: i["passed"] for i in json.loads(out.stdout)["items"]}


def page_recordings(home: Path, run_id: int, folder: Path) -> list[Path]:
    """The turns the page recorded for a run, as WAV files."""
    from trainer.history.store import Store

    run = Store(home / "runs.sqlite3").get(run_id, with_recordings=True)
    paths = []
    for rec in run.recordings:
        path = folder / f"run{run_id}-turn{rec.turn}.wav"
        path.write_bytes(rec.wav)
        paths.append(path)
    return paths


def joined(paths: list[Path], wav: Path) -> Path:
    """The recordings one after another, a second of quiet between them, as one file."""
    from trainer.speech.audio import load, silence

    out = load(paths[0])
    for path in paths[1:]:
        out = out + silence(1.0) + load(path)
    return out.save(wav)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--closes", type=int, default=10)
    parser.add_argument("--no-practice", action="store_true", help="skip bench/turns.py beside it")
    parser.add_argument("--only", help="one close of the corpus, by id (e.g. dev-025)")
    args = parser.parse_args()
    from trainer.scenarios import file as scenarios
    from trainer.session.lines import Lines

    static = ROOT / "trainer" / "web" / "static"
    shipped = sum(p.stat().st_size for p in static.iterdir() if p.suffix in (".js", ".css"))
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        (home / "scenarios").mkdir(parents=True)
        for f in (CORPUS / "scenarios").glob("*.toml"):
            shutil.copy(f, home / "scenarios" / f.name)
        proc, address, launch = start_app(home)
        results, agree, compared, p_agree, p_compared = [], 0, 0, 0, 0
        try:
            picked = [r for r in closes(100) if r["id"] == args.only] if args.only else closes(args.closes)
            for k, row in enumerate(picked):
                sc = scenarios.load_file(home / "scenarios" / f"{row['scenario']}.toml")
                wav = Path(tmp) / f"close-{k}.wav"
                lines = Lines.every(sc, ("neutral",))
                turns = turns_of(str(row["transcript"]))
                ends = build_audio(turns, lines, sc.signal_to_end, wav)
                r = one_close(address, sc.name, wav, ends)
                r["complete"] = [complete(t) for t in turns][: len(r["reactions"])]  # type: ignore[arg-type]
                recorded = page_recordings(home, int(r["run_id"]), Path(tmp))  # type: ignore[call-overload]
                whole = joined(recorded, Path(tmp) / f"close-{k}-recorded.wav")
                cli = verdicts(home, "score", "-s", sc.name, "--audio", str(whole))
                inputs = [a for path in recorded for a in ("--input", str(path))]
                same_session = verdicts(home, "practice", sc.name, *inputs, "--seed", "1", "--no-voice")
                p_hits = sum(same_session[i] == r["verdicts"].get(i) for i in same_session)  # type: ignore[attr-defined]
                p_agree, p_compared = p_agree + p_hits, p_compared + len(same_session)
                same = [i for i in cli if i != "objection_handled" and i in r["verdicts"]]  # type: ignore[operator]
                hits = sum(cli[i] == r["verdicts"][i] for i in same)  # type: ignore[index]
                differ = [f"{i} (page {r['verdicts'][i]}, score {cli[i]})" for i in same if cli[i] != r["verdicts"][i]]  # type: ignore[index]
                differ += [
                    f"{i} (page {r['verdicts'].get(i)}, practice {v})"
                    for i, v in same_session.items()
                    if v != r["verdicts"].get(i)
                ]  # type: ignore[attr-defined]
                agree, compared = agree + hits, compared + len(same)
                results.append(r)
                print(
                    f"close {k + 1} ({row['id']}, {sc.name}): first line {r['first_line']:.2f} s, "
                    f"reactions {', '.join(f'{x:.2f}' for x in r['reactions'])} s, report {r['report']:.2f} s "
                    f"after the goodbye, verdicts {p_hits}/{len(same_session)} as `practice --input` on its "
                    f"recordings, {hits}/{len(same)} as `score --audio` on them joined"
                    + (f"; differ: {', '.join(differ)}" if differ else ""),
                    flush=True,
                )
        finally:
            peak = peak_rss_mb(proc.pid)
            proc.send_signal(2)
            proc.wait(timeout=120)
    firsts = [float(r["first_line"]) for r in results]  # type: ignore[arg-type]
    reactions = [x for r in results for x in r["reactions"]]  # type: ignore[attr-defined]
    pairs = [(x, c) for r in results for x, c in zip(r["reactions"], r["complete"])]  # type: ignore[call-overload]
    finished = [x for x, c in pairs if c]
    others = [x for x, c in pairs if not c]
    reports = [float(r["report"]) for r in results if r["report"] is not None]  # type: ignore[arg-type]
    outside = [u for r in results for u in r["outside"]]  # type: ignore[attr-defined]
    print()
    print(f"closes: {len(results)}; turns: {len(reactions)}")
    print(f"launch -> answers HTTP: {launch:.2f} s")
    print(f"first line after start: p50 {pct(firsts, 50):.2f} s, max {max(firsts):.2f} s")
    print(f"interviewer answers after a turn's last word (page), all: p50 {pct(reactions, 50):.2f} s")
    print(
        f"  complete turns (a question or thanks, {len(finished)}): p50 {pct(finished or [nan], 50):.2f} s, p95 {pct(finished or [nan], 95):.2f} s"
    )
    print(
        f"  other turns ({len(others)}; 2 s of quiet end them, as in `practice`): p50 {pct(others or [nan], 50):.2f} s, p95 {pct(others or [nan], 95):.2f} s"
    )
    print(f"report after the goodbye played: p50 {pct(reports, 50):.2f} s, max {max(reports):.2f} s")
    waits = [x for r in results for x in r["waits"]]  # type: ignore[attr-defined]
    ours = [x for r in results for x in r["ours"]]  # type: ignore[attr-defined]
    print(
        f"  of which the turn-taking's wait (as in `practice`): p50 {pct(waits, 50):.2f} s, p95 {pct(waits, 95):.2f} s"
    )
    print(
        f"  and the page's own part (turn over -> line playing): p50 {pct(ours, 50):.2f} s, p95 {pct(ours, 95):.2f} s"
    )
    print(f"verdicts equal to `trainer practice --input` on the page's recordings: {p_agree}/{p_compared} items")
    print(
        f"verdicts equal to `trainer score --audio` on the page's recordings joined: {agree}/{compared} items ({100 * agree / max(1, compared):.1f}%)"
    )
    print(f"app peak memory (VmHWM) over the run: {peak:.0f} MB")
    print(f"shipped JS + CSS: {shipped / 1024:.1f} KB")
    print(f"requests to anything but the app: {len(outside)}")
    if not args.no_practice:
        print(
            "\n`trainer practice` through the PulseAudio microphone (bench/turns.py --rounds 1 --only adaptive):",
            flush=True,
        )
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "turns.py"), "--rounds", "1", "--only", "adaptive"], check=False
        )


if __name__ == "__main__":
    main()
