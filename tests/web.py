"""`trainer app` started for real, and Debian's headless Chromium as its user (driven by Playwright,
without downloading a browser). The fake microphone plays a WAV file (browser-facts.md)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/lib/chromium/chromium"
ROOT = Path(__file__).resolve().parent.parent
# Without these, Chromium tries to reach Google's hosts at every start (the network is closed here).
QUIET = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


@dataclass
class RunningApp:
    proc: subprocess.Popen[str]
    address: str  # with the launch secret

    @property
    def base(self) -> str:
        return self.address.split("/?", 1)[0]

    @property
    def host(self) -> str:
        return self.base.removeprefix("http://")

    def stop(self) -> tuple[int, str]:
        """Ctrl-C, as a user would; the exit code and what it printed on stderr."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            _, err = self.proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return self.proc.returncode, err


@contextmanager
def running_app(*args: str) -> Iterator[RunningApp]:
    """`trainer app --no-browser --port 0`; ready once it prints its address (its own signal)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "trainer", "app", "--no-browser", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=dict(os.environ),
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "http://" not in line:
        proc.kill()
        raise AssertionError(f"trainer app printed no address: {line!r} {proc.stderr.read() if proc.stderr else ''}")
    app = RunningApp(proc, line.split()[-1])
    try:
        yield app
    finally:
        app.stop()


@contextmanager
def chromium(microphone: Path | None = None, allow_microphone: bool = True) -> Iterator[Any]:
    """A headless Chromium; with `microphone`, that WAV is what its microphone hears (once)."""
    from playwright.sync_api import sync_playwright

    args = [*QUIET, "--autoplay-policy=no-user-gesture-required"]
    if allow_microphone:
        args += ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
    else:
        args += ["--use-fake-device-for-media-stream", "--deny-permission-prompts"]
    if microphone is not None:
        args.append(f"--use-file-for-fake-audio-capture={microphone}%noloop")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser: Any, app: RunningApp, path: str = "/", width: int = 1280, height: int = 900) -> Any:
    """A new tab that has been let in with the launch secret, at `path`; page errors fail the test."""
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    page.goto(app.address)
    if path != "/":
        page.goto(app.base + path)
    return page


def spoken_close(turns: list[Any], lines_between: list[list[str]], first_line: str, voice: Any) -> Any:
    """The fake microphone's recording of a whole spoken close: quiet while each interviewer line
    plays (its rendered length, the longest of the lines that may come), then the next turn.
    `turns` are Audio; `lines_between[k]` the lines the interviewer may say after turn k."""
    from trainer.session import tts
    from trainer.speech.audio import silence

    seconds: dict[str, float] = {}

    def longest(lines: list[str]) -> float:
        for line in lines:
            if line not in seconds:
                seconds[line] = tts.synthesize(line, voice).duration
        return max(seconds[line] for line in lines)

    out = silence(longest([first_line]) + 2.0)
    for turn, after in zip(turns, lines_between):
        # The slowest end of turn (a trailing-off) and the reply, with room to spare.
        out = out + turn + silence(3.5 + longest(after) + 1.5)
    return out
