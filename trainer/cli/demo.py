"""`trainer demo`: the whole flow with synthesized voices, no microphone, no download."""

from __future__ import annotations

from pathlib import Path

import click
from rich.panel import Panel
from rich.text import Text

from trainer.cli.common import (
    announce,
    engine_options,
    engine_request,
    err,
    preload_judge,
    report_saved,
    save_option,
    save_run,
)
from trainer.cli.practice import present, show_candidate, show_line
from trainer.cli.report import print_report, render_conversation, render_delivery
from trainer.history import runs as history
from trainer.scenarios import file as scenarios
from trainer.session import demo
from trainer.session.close import Event, SessionOptions, run
from trainer.session.practice import VoiceInterviewer
from trainer.speech.recognize import open_recognizer


@click.command("demo")
@click.option(
    "--scenario", "-s", "scenario_name", default=demo.DEFAULT_SCENARIO, show_default=True, help="Scenario name or file."
)
@click.option("--no-voice", is_flag=True, help="Don't play the interviewer's voice (lines are still synthesized).")
@click.option("--seed", type=int, default=7, show_default=True, help="Which objection the interviewer raises.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the report.")
@engine_options
@save_option
def demo_command(
    scenario_name: str,
    no_voice: bool,
    seed: int,
    as_json: bool,
    engine: str,
    model: Path | None,
    hints: bool,
    no_save: bool,
) -> None:
    """Watch a sample candidate rehearse a close, heard by the offline recognizer."""
    sc = scenarios.load(scenario_name)
    script = demo.load_script(sc)
    preload_judge()
    rec = open_recognizer(engine_request(engine, model, sc, hints))
    announce(rec)
    candidate = demo.DemoCandidate(sc, script, rec.engine)
    # The interviewer's lines are always rendered (their length sets the session clock); played if possible.
    interviewer = VoiceInterviewer(demo.INTERVIEWER_VOICE, show_line, speak=not no_voice, keep=lambda a, k: None)

    def on_event(event: Event) -> None:
        candidate.observe(event)
        show_candidate(event)

    with err.status("The sample candidate is speaking…"):
        result = run(sc, candidate, interviewer, SessionOptions(seed=seed), on_event)
    fid = demo.fidelity(sc, candidate.said, result.close)
    saved = None if no_save else save_run(history.from_session("demo", result))
    if as_json:
        present(result, True, None, saved)
        return
    said = Text("\n\n".join(candidate.said))
    note = Text.assemble(
        (f"{result.engine} heard the candidate with a word error rate of {fid.word_error_rate:.0%}. ", "bold"),
        f"On the checklist alone, the exact words said would total {fid.total_as_said}; the words heard total "
        f"{fid.total_as_heard}.",
        " The difference is what recognition errors cost." if fid.total_as_said != fid.total_as_heard else "",
    )
    from rich.console import Console

    print_report(
        Console(),
        result.score,
        sc.title,
        {
            "renderables": [
                render_conversation(result.events),
                Panel(said, title="What the sample candidate actually said", expand=True),
                Panel(note, title="Recognition", expand=True),
                render_delivery(result.metrics, result.engine),
            ]
        },
    )
    report_saved(saved)
