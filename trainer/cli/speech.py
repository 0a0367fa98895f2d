"""`trainer transcribe` and `trainer devices`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from trainer.cli.common import announce, engine_options, engine_request, err
from trainer.scenarios import file as scenarios
from trainer.speech import audio as audio_io
from trainer.speech.fillers import with_hesitations
from trainer.speech.metrics import measure
from trainer.speech.recognize import open_recognizer


@click.command("transcribe")
@click.argument("wav", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Words with timings and delivery metrics, as JSON.")
@engine_options
@click.option("--scenario", "-s", "scenario_name", help="Use this scenario's words as recognizer hints.")
def transcribe_command(
    wav: Path, as_json: bool, engine: str, model: Path | None, hints: bool, scenario_name: str | None
) -> None:
    """Transcribe a WAV recording (text to stdout)."""
    sound = audio_io.load(wav)
    sc = scenarios.load(scenario_name) if scenario_name else None
    rec = open_recognizer(engine_request(engine, model, sc, hints))
    announce(rec)
    tr = with_hesitations(rec.engine, rec.engine.transcribe(sound), sound)
    if as_json:
        click.echo(json.dumps({**tr.to_dict(), "metrics": measure(tr).to_dict()}))
    else:
        click.echo(tr.text)


@click.command("devices")
def devices_command() -> None:
    """List microphones (input devices)."""
    from trainer.speech.mic import devices

    found = devices()
    if not found:
        err.print("No input device found. Plug in a microphone, or practise with --input FILE.wav or --text.")
        raise click.exceptions.Exit(1)
    table = Table("index", "name", "channels", "rate", "default")
    for d in found:
        table.add_row(str(d.index), d.name, str(d.channels), f"{d.default_rate:.0f}", "*" if d.is_default else "")
    Console().print(table)


@click.command("voices")
def voices_command() -> None:
    """List the interviewer's voices (for --voice, or `voice` in a scenario file)."""
    from trainer.session import tts

    table = Table("voice", "what", "here")
    for name, description, usable in tts.voices():
        table.add_row(name, description, "yes" if usable else "not installed")
    Console().print(table)
    err.print(f"Default: {tts.VoiceSettings().voice}. Without the natural voice, espeak-ng speaks.", style="dim")
