"""`trainer drill`: say one part of the close again and again until it comes out naturally."""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from trainer.checklist.result import LABELS
from trainer.cli.common import (
    engine_options,
    engine_request,
    err,
    interviewer_option,
    listen_options,
    preload_judge,
    report_saved,
    save_option,
    save_run,
)
from trainer.cli.practice import TurnsFrom, open_turns, show_line, voice_settings
from trainer.errors import InputError
from trainer.history import runs as history
from trainer.history.progress import compute, weakest
from trainer.history.store import Store
from trainer.scenarios import file as scenarios
from trainer.session.drill import DRILLABLE, DrillOptions, DrillResult, Rep, drill_lines, run_drill
from trainer.session.practice import VoiceInterviewer


def _item_name(value: str | None) -> str | None:
    if value is None:
        return None
    item = value.strip().lower().replace("-", "_")
    if item not in DRILLABLE:
        raise InputError(f"{value}: not an item that can be drilled; expected one of: {', '.join(DRILLABLE)}")
    return item


def choose(item: str | None, scenario_name: str | None) -> tuple[str, str, str]:
    """The item and scenario to drill, and why (from `trainer progress` when not given)."""
    store = Store()
    try:
        runs = store.runs(scenario_name, 10, drills=False) if item is None or scenario_name is None else []
    finally:
        store.close()
    why = ""
    if item is None:
        focus = weakest(compute(runs).items, DRILLABLE)
        if focus is not None:
            item, why = focus.id, f"hit in {focus.hits} of your last {focus.runs} closes"
        elif runs:
            item, why = "objection_handled", "every item passed in your recent closes: drill the hardest part"
        else:
            item, why = DRILLABLE[0], "no full close saved yet (`trainer practice` finds your weak spot)"
    if scenario_name is None:
        if not runs:
            raise InputError("no scenario: give one with -s SCENARIO (see `trainer scenarios list`)")
        scenario_name = runs[-1].scenario
    return item, scenario_name, why


def drill_json(result: DrillResult) -> str:
    return json.dumps(
        {
            "scenario": result.scenario.name,
            "item": result.item,
            "ended_by": result.ended_by,
            "done": result.done,
            "reps": [r.to_dict() for r in result.reps],
            "passes": result.passes,
            "counted": result.counted,
            "streak": result.streak,
        },
        indent=1,
    )


class RepPrinter:
    """The verdict of each rep as soon as it is judged."""

    def __init__(self, console: Console, needed: int) -> None:
        self.console = console
        self.needed = needed

    def __call__(self, r: Rep) -> None:
        if not r.passed:
            mark = Text("✗ not yet", style="bold red")
        elif r.counted:
            mark = Text(f"✓ counted ({r.streak} of {self.needed} in a row)", style="bold green")
        else:
            mark = Text(f"✓ {r.note}", style="bold yellow")
        self.console.print(Text.assemble((f"Rep {r.number}: ", "bold"), mark, (f"  · {r.verdict_s:.2f} s", "dim")))
        for e in r.item.evidence[:3]:
            self.console.print(
                Text.assemble(("  heard: ", "dim"), f"“{e.text}”", (f"  ({e.note})" if e.note else "", "dim"))
            )
        label = "Another way to say it: " if r.passed else "Try: "
        self.console.print(Text.assemble(("  " + label, "bold yellow"), r.model_line))


def summary_line(result: DrillResult) -> str:
    label = LABELS[result.item]
    reps = len(result.reps)
    head = f"Drill — {label}: {reps} rep{'s' * (reps != 1)}, {result.passes} passed, {result.counted} counted."
    if result.done:
        return f"{head} Done: {result.needed} in a row in your own words."
    why = {
        "interrupt": "stopped",
        "turns ran out": "no more turns",
        "nothing said": "nothing said",
        "rep limit": "rep limit reached",
    }.get(result.ended_by, result.ended_by)
    return f"{head} {why.capitalize()} at {result.streak} of {result.needed} in a row; run it again to finish."


@click.command("drill")
@click.argument("item", required=False, callback=lambda ctx, param, value: _item_name(value))
@click.option("--scenario", "-s", "scenario_name", help="Scenario name or file (default: your latest close's).")
@click.option("--text", "typed", is_flag=True, help="Type each rep instead of speaking it.")
@click.option(
    "--input", "inputs", multiple=True, type=click.Path(path_type=Path), help="A WAV recording of one rep (repeat)."
)
@click.option(
    "--in-a-row", "needed", type=click.IntRange(1, 10), default=3, show_default=True, help="Passes to finish."
)
@click.option("--no-voice", is_flag=True, help="Print the interviewer's cue instead of speaking it.")
@click.option(
    "--voice",
    help="Interviewer's voice: a natural one (am_michael, af_heart, bm_george, bf_emma) or espeak-ng's (en-us, en-gb); `trainer voices` lists them.",
)
@click.option("--rate", type=click.IntRange(80, 400), help="Interviewer's speaking rate, words a minute.")
@click.option("--seed", type=int, help="Pick the interviewer's wording and objection reproducibly.")
@interviewer_option("Whose wording cues and answers your reps: warm, neutral or tough.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object at the end instead of the verdicts.")
@engine_options
@listen_options
@save_option
def drill_command(
    item: str | None,
    scenario_name: str | None,
    typed: bool,
    inputs: tuple[Path, ...],
    needed: int,
    no_voice: bool,
    voice: str | None,
    rate: int | None,
    seed: int | None,
    temperament: str,
    as_json: bool,
    engine: str,
    model: Path | None,
    hints: bool,
    device: str | None,
    silence: float | None,
    max_seconds: float,
    no_save: bool,
) -> None:
    """Drill one item of the close (default: the one `trainer progress` says needs work)."""
    if typed and inputs:
        raise InputError("--text and --input: pick one way to give your reps")
    item, scenario_name, why = choose(item, scenario_name)
    sc = scenarios.load(scenario_name)
    preload_judge()
    err.print(
        Text.assemble(
            ("Drill: ", "bold"),
            LABELS[item],
            (f" ({why})" if why else "", "dim"),
            (f" · {sc.title}. Say just that part; {needed} passes in a row in your own words end the drill.", "dim"),
        )
    )
    interviewer = VoiceInterviewer(voice_settings(sc, voice, rate), show_line, speak=not no_voice)
    interviewer.prepare(drill_lines(sc, temperament))
    console = Console()
    printer = None if as_json else RepPrinter(console, needed)
    with ExitStack() as stack:
        how = TurnsFrom(typed, inputs, engine_request(engine, model, sc, hints), device, silence, max_seconds)
        source = open_turns(stack, how, interviewer, "Pause (or press Enter) to end a rep; Ctrl-C ends the drill.")
        options = DrillOptions(needed=needed, seed=seed, interviewer=temperament)
        result = run_drill(sc, item, source, interviewer, options, printer)
    saved = None if no_save or not result.reps else save_run(history.from_drill(result))
    if as_json:
        click.echo(drill_json(result))
    else:
        console.print(Text(summary_line(result), style="bold green" if result.done else "bold"))
    report_saved(saved)
