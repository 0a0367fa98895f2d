"""`trainer history | show | replay | export | delete | progress | report`: saved runs."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from trainer.checklist.result import LABELS
from trainer.cli.common import err
from trainer.cli.report import print_report, render_conversation, render_delivery, render_transcript
from trainer.errors import InputError
from trainer.history import export as exporting
from trainer.history import runs as history
from trainer.history.progress import Progress, compute, drill_trends, sparkline
from trainer.history.store import RunRecord, Store
from trainer.session.tts import play_async, stop_playback
from trainer.speech.audio import load_bytes


def _store() -> Store:
    return Store()


def _when(run: RunRecord) -> str:
    return (run.created_at or "")[:16].replace("T", " ")


@click.command("history")
@click.option("--scenario", "-s", help="Only runs of this scenario (its name).")
@click.option("--last", type=click.IntRange(1, 10000), help="Only the last N runs.")
def history_command(scenario: str | None, last: int | None) -> None:
    """Your saved runs."""
    runs = _store().runs(scenario, last)
    if not runs:
        err.print("No runs saved yet. Try `trainer demo` or `trainer practice SCENARIO`.")
        return
    table = Table("run", "when (UTC)", "kind", "scenario", "engine", "total", "items")
    for r in runs:
        if r.kind == "drill":
            reps = [e for e in r.conversation or [] if e.get("kind") == "rep"]
            drilled = LABELS.get(r.items[0]["id"], "?") if r.items else "?"
            what = f"{drilled}: {sum(bool(e.get('passed')) for e in reps)}/{len(reps)} reps passed"
        else:
            what = f"{sum(i['passed'] for i in r.items)}/{len(r.items)}"
        kind = f"{r.kind} ({r.interviewer})" if r.interviewer else r.kind  # the interviewer's temperament
        table.add_row(str(r.id), _when(r), kind, r.scenario, r.engine or "text", str(r.total), what)
    Console().print(table)


@click.command("show")
@click.argument("run_id", type=int)
def show_command(run_id: int) -> None:
    """The full report of a saved run."""
    run = _store().get(run_id)
    renderables: list[Any] = []
    if run.conversation:
        renderables.append(render_conversation(run.conversation))
    else:
        renderables.append(render_transcript(history.to_transcript(run)))
    metrics = history.to_metrics(run)
    if metrics is not None and metrics.duration_s is not None:
        renderables.append(render_delivery(metrics, run.engine))
    console = Console()
    manner = f" · {run.interviewer} interviewer" if run.interviewer else ""
    console.print(f"Run {run.id} · {_when(run)} UTC · {run.kind}{manner}", style="dim")
    print_report(console, history.to_score(run), run.scenario_title, {"renderables": renderables})
    if run.notes:
        console.print(Text.assemble(("Your notes: ", "bold"), run.notes))


@click.command("replay")
@click.argument("run_id", type=int)
@click.option("--no-audio", is_flag=True, help="Only scroll the transcript, at the pace it was spoken.")
@click.option("--speed", type=click.FloatRange(0.25, 8), default=1.0, show_default=True, help="Playback speed.")
def replay_command(run_id: int, no_audio: bool, speed: float) -> None:
    """Play a run's recordings with the transcript scrolling along."""
    run = _store().get(run_id, with_recordings=True)
    if not run.recordings:
        raise InputError(
            f"run {run_id}: has no recordings (it was typed or scored from a transcript); try `trainer show {run_id}`"
        )
    words = history.to_transcript(run).words
    console = Console()
    for rec in run.recordings:
        sound = load_bytes(rec.wav, f"run {run_id} turn {rec.turn + 1}")
        turn_words = [w for w in words if rec.offset_s - 0.05 <= w.start < rec.offset_s + sound.duration + 0.05]
        console.print(f"— turn {rec.turn + 1} ({sound.duration:.1f} s)", style="dim")
        playing = False
        if not no_audio:
            try:
                play_async(sound, speed)
                playing = True
            except Exception as exc:  # no output device: scroll the words alone
                err.print(f"cannot play audio here ({exc}); showing the words at their pace", style="dim")
                no_audio = True
        start = time.monotonic()
        for w in turn_words:
            wait = (w.start - rec.offset_s) / speed - (time.monotonic() - start)
            if wait > 0:
                time.sleep(wait)
            console.print(w.text + " ", end="")
        remaining = sound.duration / speed - (time.monotonic() - start)
        if remaining > 0:
            time.sleep(remaining)
        console.print()
        if playing:
            stop_playback()


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(exporting.FORMATS), default="json", show_default=True)
@click.option("--scenario", "-s", help="Only runs of this scenario.")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
def export_command(fmt: str, scenario: str | None, output: Path | None) -> None:
    """All runs as JSON (everything but audio) or CSV (one row a run)."""
    runs = _store().runs(scenario)
    data = exporting.export(runs, fmt)
    if output:
        output.write_text(data, encoding="utf-8")
        err.print(f"Wrote {len(runs)} runs to {output}", style="dim")
    else:
        click.echo(data, nl=fmt == "json")


@click.command("delete")
@click.argument("run_id", type=int)
@click.option("--yes", is_flag=True, help="Don't ask.")
def delete_command(run_id: int, yes: bool) -> None:
    """Delete a saved run (its report and recordings)."""
    store = _store()
    run = store.get(run_id)
    if not yes and not click.confirm(f"Delete run {run_id} ({run.scenario}, total {run.total})?", err=True):
        return
    store.delete(run_id)
    err.print(f"Deleted run {run_id}.")


@click.command("progress")
@click.option("--scenario", "-s", help="Only runs of this scenario.")
@click.option("--last", type=click.IntRange(1, 1000), default=10, show_default=True, help="How many recent runs.")
@click.option("--chart", type=click.Path(path_type=Path), help="Also save the chart as a PNG here.")
def progress_command(scenario: str | None, last: int, chart: Path | None) -> None:
    """Are you getting better? Item hit rates, trends, and what to practise next."""
    store = _store()
    runs = store.runs(scenario, last, drills=False)
    drill_runs = store.runs(scenario, last, drills=True)
    if not runs and not drill_runs:
        err.print("No runs saved yet. Rehearse first: `trainer practice SCENARIO`.")
        return
    console = Console()
    p = compute(runs)
    if runs:
        _print_closes(console, p)
    if drill_runs:
        _print_drills(console, drill_runs)
    if chart and runs:
        from trainer.history.chart import save_png

        err.print(f"Chart saved to {save_png(p, chart)}", style="dim")


def _print_closes(console: Console, p: Progress) -> None:
    table = Table("checklist item", f"hit in last {p.runs} closes", "")
    for t in p.items:
        colour = "green" if t.rate >= 0.8 else "yellow" if t.rate >= 0.5 else "red"
        table.add_row(t.label, f"{t.hits}/{t.runs}", Text("█" * round(t.rate * 20), style=colour))
    console.print(table)
    totals = [pt.total for pt in p.points]
    console.print(
        f"Total          {sparkline(totals)}  {totals[0]} → {totals[-1]}"
        + (f" ({p.change:+d})" if p.change is not None else "")
    )
    wpm = [pt.wpm for pt in p.points]
    if any(v is not None for v in wpm):
        console.print(
            f"Words a minute {sparkline(wpm, 80, 220)}  latest {next((v for v in reversed(wpm) if v is not None), 0):.0f}"
        )
    fpm = [pt.fillers_per_minute for pt in p.points]
    if any(v is not None for v in fpm):
        console.print(
            f"Fillers a min. {sparkline(fpm, 0, 10)}  latest {next((v for v in reversed(fpm) if v is not None), 0):.1f}"
        )
    if p.focus:
        console.print(Text.assemble(("\nWork on: ", "bold"), p.focus.label, f" (hit {p.focus.hits} of {p.focus.runs})"))
        if p.focus_line:
            console.print(Text.assemble(("Practise: ", "bold yellow"), p.focus_line))
        console.print(f"Drill it: trainer drill {p.focus.id}", style="dim")
    else:
        console.print("\nEvery item hit in every run shown. Keep it this tight.", style="bold green")


def _print_drills(console: Console, drill_runs: list[RunRecord]) -> None:
    table = Table(
        "drilled item", "drills (finished)", "reps", "passed", "counted", title="Drills (apart from full closes)"
    )
    for d in drill_trends(drill_runs):
        table.add_row(d.label, f"{d.drills} ({d.finished})", str(d.reps), str(d.passes), str(d.counted))
    console.print(table)


@click.command("report")
@click.argument("run_id", type=int)
@click.option("--html", "html_path", type=click.Path(path_type=Path), required=True, help="Write the page here.")
def report_command(run_id: int, html_path: Path) -> None:
    """A self-contained HTML page for a run, with the progress chart."""
    from trainer.history.chart import png
    from trainer.history.html_report import build

    store = _store()
    run = store.get(run_id)
    recent = [r for r in store.runs(run.scenario, drills=False) if (r.id or 0) <= run_id][-10:]
    html_path.write_text(build(run, png(compute(recent))), encoding="utf-8")
    err.print(f"Wrote {html_path}", style="dim")


COMMANDS = [
    history_command,
    show_command,
    replay_command,
    export_command,
    delete_command,
    progress_command,
    report_command,
]
