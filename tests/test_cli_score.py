from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT, run_cli
from trainer.scenarios.file import ITEM_IDS

EXAMPLE = ROOT / "scenarios" / "examples" / "ux-designer-close.txt"


def test_json_is_one_object_with_every_item() -> None:
    proc = run_cli("score", "--scenario", "ux-designer", "--transcript", str(EXAMPLE), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)  # exactly one JSON document on stdout
    assert doc["scenario"] == "ux-designer"
    assert [i["id"] for i in doc["items"]] == list(ITEM_IDS)
    assert 0 <= doc["total"] <= 100
    for item in doc["items"]:
        assert set(item) >= {"id", "passed", "score", "evidence", "suggestion"}
        assert 0.0 <= item["score"] <= 1.0
    text = EXAMPLE.read_text()
    for ev in doc["items"][0]["evidence"]:
        assert text[ev["start"] : ev["end"]] == ev["text"]


def test_report_reads_stdin_and_shows_items_and_total() -> None:
    proc = run_cli("score", "-s", "staff-accountant", "-t", "-", stdin="Thank you for your time. What's the next step?")
    assert proc.returncode == 0, proc.stderr
    assert "Total" in proc.stdout and "Thanked the interviewer" in proc.stdout
    assert "May I feel free to call" in proc.stdout  # the suggestion for the missed follow-up


def test_scenario_file_path_works(tmp_path: Path) -> None:
    proc = run_cli("score", "-s", str(ROOT / "scenarios" / "ux-designer.toml"), "-t", str(EXAMPLE), "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["total"] >= 90


def test_bad_inputs_give_one_line_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    broken = tmp_path / "broken.toml"
    broken.write_text("title = \n")
    cases = [
        (["score", "-s", "ux-designer", "-t", str(tmp_path / "missing.txt")], "no such file"),
        (["score", "-s", "ux-designer", "-t", str(empty)], "empty"),
        (["score", "-s", str(broken), "-t", str(EXAMPLE)], "not valid TOML"),
        (["score", "-s", "nope", "-t", str(EXAMPLE)], "no scenario by that name"),
    ]
    for args, words in cases:
        proc = run_cli(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert words in proc.stderr
        assert "Traceback" not in proc.stderr
        assert proc.stderr.strip().count("\n") == 0, proc.stderr
        assert proc.stdout == ""
