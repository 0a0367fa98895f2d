"""The offline guarantee: everything but `models download` runs with no network at all and
tries no connection. Each command runs in a network namespace with no interfaces (`unshare -n`,
as root here and in CI), with an audit hook that records every attempt to resolve a name or to
connect to a network address."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.speech import espeak

pytestmark = pytest.mark.slow

GUARD = """
import json, socket, sys
attempts = []
def hook(event, args):
    if event == "socket.getaddrinfo" or (
        event == "socket.connect" and getattr(args[0], "family", None) in (socket.AF_INET, socket.AF_INET6)
    ):
        attempts.append([event, repr(args[1:])[:200]])
sys.addaudithook(hook)
from trainer.cli import main
try:
    main(sys.argv[1:])
except SystemExit as e:
    code = e.code or 0
else:
    code = 0
sys.stderr.write("\\nNETWORK-ATTEMPTS " + json.dumps(attempts) + "\\n")
sys.exit(code)
"""


def offline(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    if not shutil.which("unshare") or os.geteuid() != 0:
        pytest.skip("needs unshare and root for a network namespace")
    env = dict(os.environ, TRAINER_HOME=str(home), COLUMNS="120", HF_HUB_OFFLINE="0")
    return subprocess.run(
        ["unshare", "-n", sys.executable, "-c", GUARD, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )


def attempts(proc: subprocess.CompletedProcess[str]) -> list[object]:
    line = next(ln for ln in proc.stderr.splitlines() if ln.startswith("NETWORK-ATTEMPTS "))
    return json.loads(line.removeprefix("NETWORK-ATTEMPTS "))  # type: ignore[no-any-return]


def test_namespace_really_has_no_network(tmp_path: Path) -> None:
    if not shutil.which("unshare") or os.geteuid() != 0:
        pytest.skip("needs unshare and root for a network namespace")
    code = "import socket; s = socket.socket(); s.settimeout(2); s.connect(('127.0.0.1', 9))"
    proc = subprocess.run(["unshare", "-n", sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and ("unreachable" in proc.stderr or "refused" in proc.stderr), proc.stderr


def test_scoring_practice_demo_and_report_run_with_no_network(tmp_path: Path) -> None:
    home = tmp_path / "home"
    wav = espeak("Thank you for your time. What is the next step in the process?").save(tmp_path / "close.wav")
    runs = [
        ("score", "-s", "ux-designer", "--audio", str(wav), "--json"),
        ("practice", "ux-designer", "--input", str(wav), "--no-voice", "--json"),
        ("demo", "--no-voice"),
        ("report", "1", "--html", str(tmp_path / "run1.html")),
    ]
    for args in runs:
        proc = offline(*args, home=home)
        assert proc.returncode == 0, (args, proc.stderr[-2000:])
        assert attempts(proc) == [], args
        assert "Traceback" not in proc.stderr
    assert (tmp_path / "run1.html").stat().st_size > 1000
