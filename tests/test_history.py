"""Saved runs for real: SQLite on disk, concurrent savers, a crash mid-save, a corrupt and a
too-new database, a full disk (a tiny tmpfs), and the commands that read them back."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from trainer.errors import StorageError
from trainer.history.store import SCHEMA_VERSION, Recording, RunRecord, Store

CLOSE = "I really want this job. Do you have any concerns about my background? What is the next step? Thank you for your time."


def record(total: int = 50, audio_bytes: int = 0) -> RunRecord:
    return RunRecord(
        kind="score",
        scenario="ux-designer",
        scenario_title="UX",
        total=total,
        items=[
            {
                "id": "thanks_given",
                "passed": True,
                "score": 1.0,
                "evidence": [{"text": "Thank you", "start": 0, "end": 9}],
                "suggestion": None,
            }
        ],
        transcript={"text": "Thank you", "words": []},
        recordings=[Recording(0, 0.0, os.urandom(audio_bytes))] if audio_bytes else [],
    )


def test_save_read_delete_and_schema_version(trainer_home: Path) -> None:
    store = Store()
    first = store.save(record(40, audio_bytes=1000))
    store.save(record(70))
    runs = store.runs()
    assert [r.total for r in runs] == [40, 70]
    assert len(store.get(first, with_recordings=True).recordings[0].wav) == 1000
    store.delete(first)
    assert [r.total for r in store.runs()] == [70]
    store.close()
    db = sqlite3.connect(trainer_home / "runs.sqlite3")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT count(*) FROM recordings").fetchone()[0] == 0  # deleted with its run


def test_a_version_1_database_is_upgraded_and_keeps_its_runs(trainer_home: Path) -> None:
    from trainer.history.store import MIGRATIONS

    trainer_home.mkdir(parents=True)
    db = sqlite3.connect(trainer_home / "runs.sqlite3")
    MIGRATIONS[0](db)
    db.execute(
        "INSERT INTO runs (created_at, kind, scenario, scenario_title, total, transcript) VALUES (?,?,?,?,?,?)",
        ("2026-11-01T10:00:00", "practice", "ux-designer", "UX", 61, json.dumps({"text": "Thanks", "words": []})),
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    store = Store()
    [old] = store.runs()
    assert (old.total, old.interviewer) == (61, None)
    new = record(80)
    new.interviewer = "tough"
    store.get(store.save(new))
    assert [r.interviewer for r in store.runs()] == [None, "tough"]


def test_corrupt_database_is_reported_and_left_alone(trainer_home: Path) -> None:
    trainer_home.mkdir(parents=True)
    path = trainer_home / "runs.sqlite3"
    junk = b"this is not sqlite" * 500
    path.write_bytes(junk)
    with pytest.raises(StorageError, match="left untouched"):
        Store().save(record())
    assert path.read_bytes() == junk
    proc = run_cli("score", "-s", "ux-designer", "-t", "-", stdin=CLOSE)
    assert proc.returncode == 1
    assert "Total" in proc.stdout  # the report is still shown
    assert "mv " in proc.stderr and "the run is kept in" in proc.stderr and "Traceback" not in proc.stderr
    fallback = proc.stderr.split("the run is kept in ")[1].split()[0]
    assert json.loads(Path(fallback).read_text())["transcript"]["text"] == CLOSE
    assert path.read_bytes() == junk


def test_database_from_a_newer_trainer_is_not_touched(trainer_home: Path) -> None:
    trainer_home.mkdir(parents=True)
    path = trainer_home / "runs.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE future (x)")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="newer trainer"):
        Store().runs()
    assert path.read_bytes() == before


SAVER = """
import sys
from trainer.history.store import Store, RunRecord, Recording
store = Store()
for k in range(int(sys.argv[1])):
    store.save(RunRecord(kind="score", scenario="s", scenario_title="S", total=k,
        items=[{"id": f"item{j}", "passed": True, "score": 1.0, "evidence": [], "suggestion": None} for j in range(8)],
        transcript={"text": "x" * 1000}, recordings=[Recording(0, 0.0, b"\\0" * int(sys.argv[2]))]))
    print(k, flush=True)
"""


def test_two_processes_saving_at_once_both_land(trainer_home: Path) -> None:
    Store().runs()  # create the database first
    env = dict(os.environ, TRAINER_HOME=str(trainer_home))
    procs = [subprocess.Popen([sys.executable, "-c", SAVER, "40", "20000"], env=env, cwd=ROOT) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    runs = Store().runs()
    assert len(runs) == 80 and all(len(r.items) == 8 for r in runs)


def test_killed_during_saves_leaves_no_half_run(trainer_home: Path) -> None:
    Store().runs()
    env = dict(os.environ, TRAINER_HOME=str(trainer_home))
    proc = subprocess.Popen(
        [sys.executable, "-c", SAVER, "100000", "2000000"], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    for _ in range(3):
        proc.stdout.readline()  # a few runs are in
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)  # mid-way through the next one
    proc.wait()
    store = Store()
    runs = store.runs()
    assert len(runs) >= 3
    assert all(len(r.items) == 8 for r in runs)
    assert all(len(store.get(r.id or 0, with_recordings=True).recordings) == 1 for r in runs)
    db = sqlite3.connect(trainer_home / "runs.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_ctrl_c_during_a_save_rolls_it_back(trainer_home: Path) -> None:
    class CtrlC:
        """A recording whose audio is still being read when the user presses Ctrl-C."""

        turn, offset_s = 0, 0.0

        @property
        def wav(self) -> bytes:
            raise KeyboardInterrupt

    store = Store()
    store.save(record(10))
    interrupted = record(20)
    interrupted.recordings = [CtrlC()]  # type: ignore[list-item]
    with pytest.raises(KeyboardInterrupt):
        store.save(interrupted)  # the run row and its items were already written in the transaction
    assert [r.total for r in Store().runs()] == [10]
    assert store.save(record(30)) > 0  # and the store still works


@pytest.fixture
def tiny_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    mount = tmp_path / "tiny"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(mount)], capture_output=True)
    if result.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"CI runs as root and must be able to mount a tmpfs: {result.stderr!r}")
        pytest.skip("mounting a tmpfs needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_reports_and_keeps_the_transcript(tiny_disk: Path, tmp_path: Path) -> None:
    env = {"TRAINER_HOME": str(tiny_disk / "home")}
    first = run_cli("score", "-s", "ux-designer", "-t", "-", stdin=CLOSE, env=env)
    assert first.returncode == 0, first.stderr
    big = tmp_path / "big.txt"
    big.write_text(" ".join([CLOSE] * 400))
    filler = tiny_disk / "filler"
    try:  # fill what is left of the disk
        with filler.open("wb") as f:
            while True:
                f.write(b"\0" * 4096)
                f.flush()
    except OSError:
        pass
    proc = run_cli("score", "-s", "ux-designer", "-t", str(big), env=env)
    assert proc.returncode == 1
    assert "Total" in proc.stdout  # still on screen
    assert "disk is full" in proc.stderr and "the run is kept in" in proc.stderr
    kept = Path(proc.stderr.split("the run is kept in ")[1].split()[0])
    assert kept.exists() and CLOSE in json.loads(kept.read_text())["transcript"]["text"]
    filler.unlink()
    assert len(Store(tiny_disk / "home" / "runs.sqlite3").runs()) == 1  # the earlier run is intact


def test_no_save(trainer_home: Path) -> None:
    assert run_cli("score", "-s", "ux-designer", "-t", "-", "--no-save", stdin=CLOSE).returncode == 0
    assert not (trainer_home / "runs.sqlite3").exists() or Store().runs() == []


def practice_runs(n: int) -> None:
    lines = [
        "I really want this job. Do you have any concerns about my background?",
        "Last year I designed a payments flow that passed compliance review twice, so I know the process.",
        "What is the next step? May I call you next week? Thank you for your time.",
    ]
    for k in range(n):
        turns = lines if k else lines[-1:]
        proc = run_cli(
            "practice",
            "ux-designer",
            "--text",
            "--no-voice",
            "--seed",
            "1",
            "--summary",
            f"note {k}",
            stdin="\n".join(turns) + "\n",
        )
        assert proc.returncode == 0, proc.stderr


def test_history_show_export_delete(trainer_home: Path) -> None:
    practice_runs(3)
    listing = run_cli("history")
    assert listing.returncode == 0 and listing.stdout.count("practice") == 3
    shown = run_cli("show", "2")
    assert "Overcame the objection" in shown.stdout and "note 1" in shown.stdout and "The close" in shown.stdout
    doc = json.loads(run_cli("export").stdout)
    assert [r["id"] for r in doc] == [1, 2, 3] and doc[1]["conversation"][0]["kind"] == "signal"
    rows = list(csv.DictReader(io.StringIO(run_cli("export", "--format", "csv").stdout)))
    assert (
        [r["run"] for r in rows] == ["1", "2", "3"] and rows[0]["gaps_probed"] == "0" and rows[1]["gaps_probed"] == "1"
    )
    assert run_cli("delete", "2", "--yes").returncode == 0
    assert [r["id"] for r in json.loads(run_cli("export").stdout)] == [1, 3]
    missing = run_cli("show", "2")
    assert missing.returncode == 2 and "no such run" in missing.stderr


def test_progress_shows_trends_focus_and_chart(trainer_home: Path, tmp_path: Path) -> None:
    practice_runs(3)
    chart = tmp_path / "chart.png"
    proc = run_cli("progress", "--chart", str(chart))
    assert proc.returncode == 0, proc.stderr
    assert "Probed for gaps and concerns" in proc.stdout and "2/3" in proc.stdout
    assert "Work on:" in proc.stdout and "Practise:" in proc.stdout
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and chart.stat().st_size > 10_000


def test_replay_scrolls_the_transcript(trainer_home: Path, tmp_path: Path) -> None:
    from tests.speech import natural

    wav = natural("Thanks again for your time today.").save(tmp_path / "t.wav")
    assert (
        run_cli("score", "-s", "ux-designer", "--audio", str(wav), env={"TRAINER_MODELS": str(tmp_path)}).returncode
        == 0
    )
    t0 = time.monotonic()
    proc = run_cli("replay", "1", "--no-audio", "--speed", "2")
    assert proc.returncode == 0, proc.stderr
    assert "turn 1" in proc.stdout and "time" in proc.stdout
    assert time.monotonic() - t0 > 1.0  # paced: the clip is about 3 s, played at double speed
    typed = run_cli("score", "-s", "ux-designer", "-t", "-", stdin=CLOSE)
    assert typed.returncode == 0
    none = run_cli("replay", "2")
    assert none.returncode == 2 and "no recordings" in none.stderr


def test_html_report_renders_in_a_real_browser(trainer_home: Path, tmp_path: Path) -> None:
    practice_runs(2)
    page = tmp_path / "run.html"
    proc = run_cli("report", "2", "--html", str(page))
    assert proc.returncode == 0, proc.stderr
    text = page.read_text()
    assert "http://" not in text and "https://" not in text  # self-contained
    chromium = "/usr/bin/chromium"
    assert Path(chromium).exists(), "scripts/setup.sh --test installs Debian's chromium"
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [chromium, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    assert 'class="hit-gaps_probed"' in dom and 'class="hit-thanks_given"' in dom
    assert "What to say next time" in dom and "data:image/png;base64," in dom
    shot = tmp_path / "shot.png"
    subprocess.run(
        [chromium, *flags, "--window-size=1000,1400", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
    )
    from PIL import Image

    image = Image.open(shot).convert("L")
    colours = image.getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 50  # not a blank page
    assert image.getextrema()[0] < 80  # dark text is on it
