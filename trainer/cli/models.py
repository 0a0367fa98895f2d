"""`trainer models`: the speech models on this machine."""

from __future__ import annotations

import click
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn
from rich.table import Table

from trainer import paths
from trainer.cli.common import err
from trainer.speech import models


@click.group("models")
def models_group() -> None:
    """Speech models: list, download, path, remove."""


@models_group.command("list")
def list_command() -> None:
    """Installed models, and the embedded one."""
    table = Table("name", "engine", "size", "folder")
    table.add_row("en-us (bundled)", "pocketsphinx", "37 MB", "inside the pocketsphinx package")
    # vosk and whisper models, each recognized by its folder layout
    for m in models.installed():
        table.add_row(m.name, m.kind, f"{m.size / 1e6:.0f} MB", str(m.path))
    Console().print(table)
    err.print(f"Model folder: {paths.models_dir()} (set TRAINER_MODELS to move it)", style="dim")


@models_group.command("download")
@click.argument("name", default=models.DEFAULT_VOSK_MODEL)
def download_command(name: str) -> None:
    """Download a model: a vosk one (default: the small US English one) or whisper-tiny.en."""
    if name.startswith("whisper-"):
        with err.status(f"Downloading {name}…"):
            click.echo(str(models.download(name)))
        return
    already = models.installed_path(name)
    if already:
        click.echo(str(already))
        return
    entry = models.vosk_entry(name)  # fails fast, before the progress bar, when offline
    with Progress(
        TextColumn(f"[bold]{name}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(), console=err
    ) as bar:
        task = bar.add_task("download", total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        path = models.download_vosk(name, update, entry)
    click.echo(str(path))


@models_group.command("path")
@click.argument("name", required=False)
def path_command(name: str | None) -> None:
    """Where models are kept (or where NAME is)."""
    click.echo(str(paths.models_dir() / name if name else paths.models_dir()))


@models_group.command("remove")
@click.argument("name")
def remove_command(name: str) -> None:
    """Delete an installed model."""
    click.echo(f"removed {models.remove(name)}")
