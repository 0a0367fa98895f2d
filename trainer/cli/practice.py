"""`trainer practice`: the live mock close."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from trainer.cli.common import (
    PartialDisplay,
    announce,
    engine_options,
    engine_request,
    enter_stops_turn,
    err,
    interviewer_option,
    listen_options,
    listen_settings,
    preload_judge,
    read_line,
    report_saved,
    save_option,
    save_run,
)
from trainer.cli.report import print_report, render_conversation, render_delivery, to_json
from trainer.errors import InputError
from trainer.history import runs as history
from trainer.history.runs import Saved
from trainer.history.store import Store
from trainer.scenarios import file as scenarios
from trainer.scenarios.file import Scenario
from trainer.session import summary as summaries
from trainer.session import tts
from trainer.session.close import Event, SessionOptions, SessionResult, TurnSource, run
from trainer.session.lines import Lines
from trainer.session.practice import FileTurns, MicTurns, TextTurns, VoiceInterviewer
from trainer.speech.audio import Audio
from trainer.speech.recognize import EngineRequest, keep_recording, open_recognizer


def show_line(line: str, kind: str) -> None:
    err.print(Text.assemble(("Interviewer: ", "bold magenta"), line))


def voice_settings(sc: Scenario, voice: str | None, rate: int | None) -> tts.VoiceSettings:
    return tts.VoiceSettings.for_scenario(voice, rate, sc.voice, sc.rate)


def show_candidate(event: Event) -> None:
    if event.speaker == "candidate" and event.turn is not None and event.turn.audio is not None:
        err.print(Text.assemble(("You (heard): ", "bold cyan"), event.text or "(silence)"))


def typed_lines() -> Iterator[str]:
    interactive = sys.stdin.isatty()
    if interactive:
        err.print("Type each turn and press Enter; an empty line ends your close.", style="dim")
    while True:
        try:
            line = input("You: ") if interactive else sys.stdin.readline()
        except EOFError:
            return
        if not interactive and line == "":
            return
        yield line.rstrip("\n")


def session_json(result: SessionResult) -> str:
    conversation = [{"speaker": e.speaker, "kind": e.kind, "text": e.text, "at": round(e.at, 2)} for e in result.events]
    return to_json(
        result.score,
        transcript=result.close.to_dict(),
        metrics=result.metrics.to_dict(),
        engine=result.engine,
        objection=result.objection,
        objections=list(result.objections),
        interviewer=result.interviewer,
        conversation=conversation,
    )


def present(result: SessionResult, as_json: bool, summary: str | None, saved: Saved | None) -> None:
    """The report, then the last step of the advice: the meeting summary, kept with the run."""
    if as_json:
        click.echo(session_json(result))
    else:
        renderables: list[Any] = [render_conversation(result.events)]
        if result.close.words:
            renderables.append(render_delivery(result.metrics, result.engine))
        console = Console()
        console.print(f"{result.interviewer.capitalize()} interviewer", style="dim")
        print_report(console, result.score, result.scenario.title, {"renderables": renderables})
    if summary is None and sys.stdin.isatty() and not as_json:
        err.print("\nLast step: write a summary of the meeting for your follow-up. A draft:", style="bold")
        err.print(summaries.draft(result), style="dim")
        summary = read_line("Your summary (Enter to skip): ").strip()
    if summary and saved is not None and saved.run_id is not None:
        store = Store()
        store.set_notes(saved.run_id, summary)
        store.close()
        err.print(f"Summary kept with run {saved.run_id}.", style="dim")
    elif summary:
        err.print(f"Summary saved to {summaries.save(result, summary)}", style="dim")
    report_saved(saved)


@dataclass(frozen=True)
class TurnsFrom:
    """Where the candidate's turns come from: typed, recordings, or the microphone."""

    typed: bool
    inputs: tuple[Path, ...]
    request: EngineRequest
    device: str | None
    silence: float | None
    max_seconds: float


def open_turns(stack: ExitStack, how: TurnsFrom, interviewer: VoiceInterviewer, how_to_speak: str) -> TurnSource:
    if how.typed:
        return TextTurns(typed_lines(), sys.stdin.isatty())
    if how.inputs:
        rec = open_recognizer(how.request)
        announce(rec)
        return FileTurns(list(how.inputs), rec.engine)
    from trainer.speech.mic import Microphone

    # The microphone opens before the model loads: nothing said meanwhile is lost.
    mic = stack.enter_context(Microphone(how.device))
    rec = open_recognizer(how.request)
    announce(rec)
    err.print(how_to_speak, style="bold")
    return MicTurns(
        mic,
        rec.engine,
        listen_settings(how.silence, how.max_seconds),
        PartialDisplay,
        enter_stops_turn,
        lambda: interviewer.last_line,
    )


@click.command("practice")
@click.argument("scenario_name", metavar="SCENARIO")
@click.option("--text", "typed", is_flag=True, help="Type your turns instead of speaking them.")
@click.option(
    "--input",
    "inputs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A WAV recording of one turn (repeat, in order).",
)
@click.option("--no-voice", is_flag=True, help="Print the interviewer's lines instead of speaking them.")
@click.option(
    "--voice",
    help="Interviewer's voice: a natural one (am_michael, af_heart, bm_george, bf_emma) or espeak-ng's (en-us, en-gb); `trainer voices` lists them.",
)
@click.option("--rate", type=click.IntRange(80, 400), help="Interviewer's speaking rate, words a minute.")
@click.option("--seed", type=int, help="Pick the interviewer's objection and wording reproducibly.")
@interviewer_option(
    "How the interviewer treats you: warm, neutral, or tough (a second objection, presses harder, cuts lingering short)."
)
@click.option(
    "--lines-to",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also write each interviewer line to a WAV file in this folder (for machines with no sound output).",
)
@click.option("--summary", help="Your meeting summary for the follow-up (skips the prompt).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the report.")
@engine_options
@listen_options
@save_option
def practice_command(
    scenario_name: str,
    typed: bool,
    inputs: tuple[Path, ...],
    no_voice: bool,
    voice: str | None,
    rate: int | None,
    seed: int | None,
    temperament: str,
    lines_to: Path | None,
    summary: str | None,
    as_json: bool,
    engine: str,
    model: Path | None,
    hints: bool,
    device: str | None,
    silence: float | None,
    max_seconds: float,
    no_save: bool,
) -> None:
    """Rehearse the close: the interviewer signals the end, you speak, the interviewer reacts."""
    if typed and inputs:
        raise InputError("--text and --input: pick one way to give your turns")
    sc = scenarios.load(scenario_name)
    keep = None
    if lines_to is not None:
        lines_to.mkdir(parents=True, exist_ok=True)
        counter = iter(range(1, 1000))

        def keep(sound: Audio, kind: str) -> None:
            sound.save(lines_to / f"{next(counter):02d}-{kind}.wav")

    interviewer = VoiceInterviewer(voice_settings(sc, voice, rate), show_line, speak=not no_voice, keep=keep)
    lines = Lines.choose(sc, seed, temperament)
    interviewer.prepare(lines.all())
    preload_judge()
    with ExitStack() as stack:
        how = TurnsFrom(typed, inputs, engine_request(engine, model, sc, hints), device, silence, max_seconds)
        source = open_turns(
            stack,
            how,
            interviewer,
            "Speak after the interviewer. Pause (or press Enter) to end a turn; Ctrl-C ends the session.",
        )
        result = run(sc, source, interviewer, SessionOptions(seed=seed, lines=lines), show_candidate)
    if result.ended_by != "goodbye":
        err.print(f"Session stopped ({result.ended_by}): what you said until then is scored and saved.", style="bold")
    saved = None if no_save else save_run(history.from_session("practice", result))
    if no_save:  # not in the history: keep the recordings as files
        for turn in result.turns:
            if turn.audio is not None and not inputs:
                keep_recording(turn.audio, f"{sc.name}-turn")
    present(result, as_json, summary, saved)
