"""The command line: a thin layer over the core. Errors become one line and an exit code here."""

from __future__ import annotations

import logging
import os
import signal
import sys

import click
from rich.console import Console
from rich.text import Text

from trainer import __version__
from trainer.errors import TrainerError

err_console = Console(stderr=True, highlight=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="trainer")
def cli() -> None:
    """Rehearse the close of a job interview out loud and get a scored report."""


def _register() -> None:
    from trainer.cli import app, demo, drill, history, models, practice, scenarios, score, speech

    cli.add_command(app.app_command)
    cli.add_command(score.score_command)
    cli.add_command(scenarios.scenarios_group)
    cli.add_command(speech.transcribe_command)
    cli.add_command(speech.devices_command)
    cli.add_command(speech.voices_command)
    cli.add_command(models.models_group)
    cli.add_command(practice.practice_command)
    cli.add_command(demo.demo_command)
    cli.add_command(drill.drill_command)
    for command in history.COMMANDS:
        cli.add_command(command)


_register()


def _stop(signum: int, frame: object) -> None:
    # SIGTERM (a shutdown, `kill`) and SIGHUP (the terminal closed) end a session like Ctrl-C:
    # what was said is scored and saved.
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> None:
    # Library code logs (never prints); warnings reach the user as one line each on stderr.
    # TRAINER_LOG=debug shows the library's timings (when a turn ended and why), for reports of lag.
    level = os.environ.get("TRAINER_LOG", "warning").upper()
    debug = level == "DEBUG"
    logging.basicConfig(
        level=getattr(logging, level, logging.WARNING),
        format="%(relativeCreated)9.0f ms %(name)s: %(message)s" if debug else "warning: %(message)s",
    )
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _stop)
    try:
        code = cli.main(args=argv, prog_name="trainer", standalone_mode=False)
        if isinstance(code, int) and code:  # click returns an Exit's code when not standalone
            sys.exit(code)
    except TrainerError as exc:
        err_console.print(Text.assemble(("error: ", "bold red"), str(exc)), soft_wrap=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        err_console.print("interrupted")
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
