"""`trainer score`: score a close from a transcript (or, with --audio, from a recording)."""

from __future__ import annotations

import click
from rich.console import Console

from trainer import scenario as scenarios
from trainer import transcript as transcripts
from trainer.checklist.scorer import score
from trainer.report import print_report, to_json


@click.command("score")
@click.option("--scenario", "-s", "scenario_name", required=True, help="Scenario name or path to a .toml file.")
@click.option("--transcript", "-t", "transcript_file", help="Transcript file (text or JSON); '-' reads stdin.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the report.")
def score_command(scenario_name: str, transcript_file: str | None, as_json: bool) -> None:
    """Score a close against a scenario's checklist."""
    sc = scenarios.load(scenario_name)
    if transcript_file is None:
        raise click.UsageError("give --transcript FILE (or '-' for stdin)")
    tr = transcripts.read(transcript_file)
    result = score(sc, tr)
    if as_json:
        click.echo(to_json(result))
    else:
        print_report(Console(), result, sc)
