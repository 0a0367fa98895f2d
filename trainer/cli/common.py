"""Options shared by the commands that listen, and the live partial-transcript display."""

from __future__ import annotations

import select
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.live import Live
from rich.text import Text

from trainer.errors import StorageError
from trainer.history import runs as history
from trainer.history.runs import Saved
from trainer.history.store import RunRecord
from trainer.scenarios.file import Scenario
from trainer.session.lines import TEMPERAMENTS
from trainer.speech.engines import names as engine_names
from trainer.speech.hints import scenario_hints
from trainer.speech.listen import ListenOptions
from trainer.speech.recognize import EngineRequest, Recognizer

F = TypeVar("F", bound=Callable[..., Any])
err = Console(stderr=True, highlight=False)


def preload_judge() -> None:
    """Load the checklist judge in the background while the user speaks or the recognizer works."""
    from trainer.checklist.semantic import preload

    preload()


def engine_options(f: F) -> F:
    f = click.option(
        "--hints/--no-hints",
        default=False,
        show_default=True,
        help="Tell the recognizer the scenario's words (Whisper's prompt). Off by default: it lowered WER but not checklist F1 (BENCHMARKS.md).",
    )(f)
    f = click.option(
        "--model", type=click.Path(path_type=Path), help="Use this model folder (any vosk model for --engine vosk)."
    )(f)
    f = click.option(
        "--engine",
        type=click.Choice(engine_names()),
        default="auto",
        show_default=True,
        help="Recognizer. auto: the most accurate one installed with a model (whisper, vosk), else pocketsphinx.",
    )(f)
    return f


def listen_options(f: F) -> F:
    f = click.option("--device", help="Input device index or name (see `trainer devices`).")(f)
    f = click.option(
        "--silence",
        type=click.FloatRange(0.5, 10),
        default=None,
        help="Seconds of quiet that end your turn. Default: as in a conversation, 0.5 s after a "
        "finished question or thanks, 2 s otherwise, 3.5 s after a trailing 'and...' or 'um' "
        "(a whole close scored with `score --mic`: 2 s).",
    )(f)
    f = click.option(
        "--max-seconds",
        type=click.FloatRange(5, 900),
        default=120.0,
        show_default=True,
        help="Hard limit for one turn.",
    )(f)
    return f


def engine_request(
    engine: str, model: Path | None, scenario: Scenario | None = None, hints: bool = False
) -> EngineRequest:
    return EngineRequest(engine, model, scenario_hints(scenario) if scenario is not None and hints else ())


def listen_settings(silence: float | None, max_seconds: float, conversation: bool = True) -> ListenOptions:
    """A turn of a conversation ends as a person's would (adaptive); a whole close spoken in one
    go (`score --mic`) ends only after `silence` (2 s): its questions are not the end of it."""
    if silence is None and conversation:
        return ListenOptions(max_s=max_seconds, adaptive=True)
    return ListenOptions(silence_s=silence or ListenOptions().silence_s, max_s=max_seconds)


def announce(rec: Recognizer) -> None:
    err.print(Text.assemble(("Recognizer: ", "dim"), (rec.choice.name, "bold"), (f" — {rec.choice.reason}", "dim")))


class PartialDisplay:
    """The live partial transcript, on stderr, refreshed as words arrive. Only on a terminal:
    redirected to a file or a pipe, partials would be noise glued to the final line."""

    def __init__(self, title: str = "Listening") -> None:
        self._text = Text("…", style="dim")
        self._title = title
        self._live = (
            Live(self._render(), console=err, refresh_per_second=8, transient=True) if err.is_terminal else None
        )

    def _render(self) -> Text:
        return Text.assemble((f"{self._title}: ", "bold cyan"), self._text)

    def update(self, text: str) -> None:
        self._text = Text(text[-300:])
        if self._live is not None:
            self._live.update(self._render())

    def __enter__(self) -> PartialDisplay:
        if self._live is not None:
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.__exit__(None, None, None)


def enter_stops_turn() -> threading.Event:
    """An event set when the user presses Enter (only when stdin is a terminal)."""
    import sys

    stop = threading.Event()
    if sys.stdin is not None and sys.stdin.isatty():

        def wait() -> None:
            try:
                sys.stdin.readline()
            finally:
                stop.set()

        threading.Thread(target=wait, daemon=True).start()
    return stop


@contextmanager
def signals_deferred() -> Iterator[list[int]]:
    """Ctrl-C, SIGTERM and SIGHUP wait until the block is done (a run being saved is saved whole);
    the signals that came meanwhile are listed for the caller."""
    got: list[int] = []
    sigs = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    before = {s: signal.signal(s, lambda signum, frame: got.append(signum)) for s in sigs}
    try:
        yield got
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


def read_line(prompt: str) -> str:
    """A line typed at the terminal ("" at end of input). Waits in short slices, not in one blocking
    read: Ctrl-C may land on one of the sentence model's threads, and a blocking read in the main
    thread would then never see it."""
    click.echo(prompt, nl=False, err=True)
    while not select.select([sys.stdin], [], [], 0.2)[0]:
        pass
    return sys.stdin.readline().rstrip("\r\n")


def save_run(record: RunRecord) -> Saved:
    """Save a run; a stop asked for meanwhile is honoured once the run is safe."""
    with signals_deferred() as got:
        saved = history.save(record)
    if got:
        report_saved(saved)
        raise KeyboardInterrupt(signal.Signals(got[0]).name)
    return saved


def interviewer_option(help_text: str) -> Callable[[F], F]:
    """`--interviewer warm|neutral|tough`, passed as `temperament`."""
    return click.option(
        "--interviewer",
        "temperament",
        type=click.Choice(TEMPERAMENTS),
        default="neutral",
        show_default=True,
        help=help_text,
    )


def save_option(f: F) -> F:
    return click.option("--no-save", is_flag=True, help="Don't keep this run in your history.")(f)


def report_saved(saved: Saved | None) -> None:
    """Say where the run went; after the report, so a failed save never hides it."""
    if saved is None:
        return
    if saved.run_id is not None:
        err.print(f"Saved as run {saved.run_id} (`trainer show {saved.run_id}`, `trainer progress`).", style="dim")
        return
    where = f"; the run is kept in {saved.fallback}" if saved.fallback else ""
    raise StorageError(f"{saved.error}{where}")
