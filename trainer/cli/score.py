"""`trainer score`: score a close from a transcript, a recording, or the microphone."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from trainer.checklist.scorer import score
from trainer.cli.common import (
    PartialDisplay,
    announce,
    engine_options,
    engine_request,
    enter_stops_turn,
    err,
    listen_options,
    listen_settings,
    preload_judge,
    report_saved,
    save_option,
    save_run,
)
from trainer.cli.report import print_report, render_delivery, render_transcript, to_json
from trainer.history import runs as history
from trainer.history.store import Recording
from trainer.scenarios import file as scenarios
from trainer.speech import audio as audio_io
from trainer.speech import transcript as transcripts
from trainer.speech.audio import Audio
from trainer.speech.fillers import with_hesitations
from trainer.speech.metrics import measure
from trainer.speech.recognize import EngineRequest, keep_recording, open_recognizer
from trainer.speech.transcript import Transcript


def _from_mic(
    request: EngineRequest, device: str | None, silence: float | None, max_seconds: float
) -> tuple[Transcript, Audio]:
    from trainer.speech.listen import listen, mic_blocks
    from trainer.speech.mic import Microphone

    # Open the microphone before loading the model, so nothing said meanwhile is lost.
    with Microphone(device) as mic:
        err.print("Speak your close now. Press Enter (or pause) to finish; Ctrl-C keeps what you said.", style="bold")
        rec = open_recognizer(request)
        announce(rec)
        stop = enter_stops_turn()
        with PartialDisplay() as display:
            turn = listen(
                mic_blocks(mic, stop),
                rec.engine.stream(),
                listen_settings(silence, max_seconds, conversation=False),
                display.update,
                stop,
                mic.drain,
            )
    err.print(f"Turn ended by {turn.ended_by}.", style="dim")
    turn.transcript.engine = rec.choice.name
    return with_hesitations(rec.engine, turn.transcript, turn.audio), turn.audio


def _from_file(path: Path, request: EngineRequest) -> tuple[Transcript, Audio]:
    sound = audio_io.load(path)
    rec = open_recognizer(request)
    announce(rec)
    with err.status(f"Recognizing {path.name} ({sound.duration:.0f} s)…"):
        return with_hesitations(rec.engine, rec.engine.transcribe(sound), sound), sound


@click.command("score")
@click.option("--scenario", "-s", "scenario_name", required=True, help="Scenario name or path to a .toml file.")
@click.option("--transcript", "-t", "transcript_file", help="Transcript file (text or JSON); '-' reads stdin.")
@click.option("--audio", "-a", "audio_file", type=click.Path(path_type=Path), help="A WAV recording of your close.")
@click.option("--mic", is_flag=True, help="Speak your close into the microphone now.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the report.")
@engine_options
@listen_options
@save_option
def score_command(
    scenario_name: str,
    transcript_file: str | None,
    audio_file: Path | None,
    mic: bool,
    as_json: bool,
    engine: str,
    model: Path | None,
    hints: bool,
    device: str | None,
    silence: float | None,
    max_seconds: float,
    no_save: bool,
) -> None:
    """Score a close against a scenario's checklist."""
    sources = [s for s in (transcript_file, audio_file, mic or None) if s]
    if len(sources) != 1:
        raise click.UsageError("give exactly one of --transcript FILE, --audio FILE.wav or --mic")
    sc = scenarios.load(scenario_name)
    preload_judge()  # while the recognizer works or the user speaks
    sound: Audio | None = None
    if transcript_file is not None:
        tr = transcripts.read(transcript_file)
    elif audio_file is not None:
        tr, sound = _from_file(audio_file, engine_request(engine, model, sc, hints))
    else:
        tr, sound = _from_mic(engine_request(engine, model, sc, hints), device, silence, max_seconds)
    result = score(sc, tr)
    metrics = measure(tr) if sound is not None else None
    saved = None
    if no_save and mic:
        err.print(f"Recording kept at {keep_recording(sound, 'close')}", style="dim")  # type: ignore[arg-type]
    elif not no_save:
        record = history.from_score("score", sc, result, tr, metrics)
        if sound is not None:
            record.recordings = [Recording(0, 0.0, sound.to_wav_bytes())]
        saved = save_run(record)
    if as_json:
        extra = {"transcript": tr.to_dict(), "metrics": metrics.to_dict(), "engine": tr.engine} if metrics else {}
        click.echo(to_json(result, **extra))
    else:
        renderables = [render_transcript(tr), render_delivery(metrics, tr.engine)] if metrics else []
        print_report(Console(), result, sc.title, {"renderables": renderables})
    report_saved(saved)
