"""`trainer practice` and `trainer demo`, driven for real: typed turns, and synthesized speech
recognized by the embedded engine, one WAV per turn."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.speech import natural
from trainer.scenarios.file import ITEM_IDS, load
from trainer.session import close, tts
from trainer.session.close import SessionOptions, run
from trainer.speech.audio import silence

PROBE = (
    "To sum up, I have led picking crews of thirty people and I train every new hire myself. "
    "You need someone to run the night shift, and I have run a second shift crew for two years. "
    "Do you have any concerns about my background?"
)
ANSWER = "That is a fair concern. Last year I covered nights for three months, and my crew hit ninety eight percent of targets."
NEXT = "What is the next step, and when do you expect to decide?"
THANKS = "May I call you next week if I have questions? Thank you for your time."


class Lines:
    def __init__(self, *lines: str) -> None:
        self.lines = list(lines)

    def next_turn(self, after_goodbye: bool):  # type: ignore[no-untyped-def]
        from trainer.session.close import CandidateTurn
        from trainer.speech.transcript import Transcript

        return CandidateTurn(Transcript(self.lines.pop(0))) if self.lines else None


class Quiet:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def say(self, line: str, kind: str) -> float:
        self.lines.append((kind, line))
        return 0.0


def raising(sc, objection: str) -> int:  # type: ignore[no-untyped-def]
    """A seed whose session raises this objection (ANSWER handles the one about nights)."""
    return next(k for k in range(100) if close.Lines.choose(sc, k).objection == objection)


def kinds(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{e.speaker[0]}:{e.kind}" for e in result.events]


def test_interviewer_reacts_to_probe_question_and_thanks() -> None:
    sc = load("warehouse-supervisor")
    seed = raising(sc, sc.objections[0])
    result = run(sc, Lines(PROBE, ANSWER, NEXT, THANKS), Quiet(), SessionOptions(seed=seed))
    assert kinds(result) == [
        "i:signal",
        "c:turn",
        "i:objection",
        "c:objection_answer",
        "i:acknowledge",  # the answer handled it; their questions are invited in the same breath
        "c:turn",
        "i:next_step",
        "c:turn",
        "i:follow_up",  # "May I call you next week?" is granted before the goodbye
        "i:goodbye",
    ]
    assert result.objection in sc.objections
    ids = [i.id for i in result.score.items]
    assert ids == [*ITEM_IDS, "objection_handled"]
    assert result.score.item("objection_handled").passed
    assert result.score.item("next_step_asked").passed and result.score.item("concise").passed
    # The objection answer's evidence points into the merged close.
    ev = result.score.item("objection_handled").evidence[0]
    assert result.close.text[ev.start : ev.end] == ev.text


def test_whole_close_in_one_turn_still_gets_every_reaction() -> None:
    sc = load("warehouse-supervisor")
    seed = raising(sc, sc.objections[0])
    result = run(sc, Lines(f"{PROBE} {NEXT} {THANKS}", ANSWER), Quiet(), SessionOptions(seed=seed))
    assert kinds(result) == [
        "i:signal",
        "c:turn",
        "i:objection",
        "c:objection_answer",
        "i:acknowledge",
        "i:next_step",
        "i:follow_up",
        "i:goodbye",
    ]


def test_dismissing_the_objection_fails_it_and_lingering_fails_concise() -> None:
    result = run(
        load("warehouse-supervisor"),
        Lines(PROBE, "That's not a problem, I'll be fine.", THANKS, "oh and also one more thing"),
        Quiet(),
    )
    assert kinds(result)[3:6] == ["c:objection_answer", "i:push_back", "c:objection_answer"]
    assert not result.score.item("objection_handled").passed
    # Neither answer handled it: the first one given is the one the report speaks to.
    assert "brushed the concern aside" in (result.score.item("objection_handled").suggestion or "")
    assert result.lingered_words == 6 and not result.score.item("concise").passed


def test_no_probe_means_no_objection_and_advice_to_probe() -> None:
    result = run(load("ux-designer"), Lines(THANKS), Quiet())
    assert result.objection is None
    item = result.score.item("objection_handled")
    assert not item.passed and "Probe for gaps" in (item.suggestion or "")


def test_cli_text_session_json(trainer_home: Path) -> None:
    stdin = "\n".join([PROBE, ANSWER, NEXT, THANKS]) + "\n"
    proc = run_cli(
        "practice",
        "warehouse-supervisor",
        "--text",
        "--no-voice",
        "--json",
        "--seed",
        "2",
        "--summary",
        "Met Dana; concern: nights.",
        stdin=stdin,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [i["id"] for i in doc["items"]] == [*ITEM_IDS, "objection_handled"]
    assert [c["kind"] for c in doc["conversation"]][:3] == ["signal", "turn", "objection"]
    assert doc["objection"] and "Interviewer:" in proc.stderr
    from trainer.history.store import Store

    [run] = Store(trainer_home / "runs.sqlite3").runs()
    assert run.notes == "Met Dana; concern: nights."  # the summary is kept with the run


def test_interviewer_lines_can_be_rendered_to_wav_files(tmp_path: Path) -> None:
    from trainer.speech.audio import load as load_wav

    proc = run_cli(
        "practice", "ux-designer", "--text", "--no-voice", "--lines-to", str(tmp_path / "lines"), stdin=THANKS + "\n"
    )
    assert proc.returncode == 0, proc.stderr
    files = sorted(p.name for p in (tmp_path / "lines").glob("*.wav"))
    assert files[0] == "01-signal.wav" and files[-1].endswith("-goodbye.wav")
    assert load_wav(tmp_path / "lines" / files[0]).duration > 1.0


def test_cli_text_report_and_long_close() -> None:
    long_turn = " ".join(["I have run crews and trained new hires and kept the floor safe."] * 30)
    proc = run_cli("practice", "warehouse-supervisor", "--text", "--no-voice", stdin=long_turn + "\n" + THANKS + "\n")
    assert proc.returncode == 0, proc.stderr
    assert "Overcame the objection" in proc.stdout and "The close" in proc.stdout
    assert "keep it under 300 words" in proc.stdout  # the close ran long


@pytest.fixture(scope="module")
def turn_wavs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("turns")
    texts = [
        "I really want this job. Do you have any concerns about my background?",
        "That is a fair concern. Last year I covered nights for three months, and my crew hit ninety eight percent of targets.",
        "What is the next step in the process? Thanks again for your time today.",
    ]
    return [natural(t, tail=1.0).save(folder / f"turn{i}.wav") for i, t in enumerate(texts)]


def test_cli_session_from_recordings(turn_wavs: list[Path], tmp_path: Path) -> None:
    args = [a for w in turn_wavs for a in ("--input", str(w))]
    proc = run_cli(
        "practice", "warehouse-supervisor", *args, "--no-voice", "--json", env={"TRAINER_MODELS": str(tmp_path)}
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    conv = [f"{c['speaker'][0]}:{c['kind']}" for c in doc["conversation"]]
    assert conv[:4] == ["i:signal", "c:turn", "i:objection", "c:objection_answer"], doc["conversation"]
    assert conv[-2:] == ["i:next_step", "i:goodbye"], doc["conversation"]
    assert doc["engine"] == "whisper" and doc["transcript"]["words"]  # the default, out of the box
    items = {i["id"]: i for i in doc["items"]}
    assert items["gaps_probed"]["evidence"][0]["start_s"] >= 0
    assert items["next_step_asked"]["passed"]


def test_cli_silent_user(tmp_path: Path) -> None:
    quiet = silence(3).with_noise_floor(-50).save(tmp_path / "quiet.wav")
    proc = run_cli("practice", "ux-designer", "--input", str(quiet), "--no-voice", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    # Nothing said: one prompt, then (nothing more to hear) the goodbye.
    assert doc["total"] == 0 and [c["kind"] for c in doc["conversation"]] == ["signal", "turn", "prompt", "goodbye"]


def test_cli_bad_input_file_is_checked_before_the_session(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_text("nope")
    proc = run_cli("practice", "ux-designer", "--input", str(bad), "--no-voice")
    assert proc.returncode == 2 and "bad.wav: not a WAV file" in proc.stderr
    assert "Interviewer:" not in proc.stderr


def test_interviewer_voice_renders_distinct_voices(tmp_path: Path) -> None:
    a = tts.synthesize("We're about done here.", tts.VoiceSettings("en-us", 165))
    b = tts.synthesize("We're about done here.", tts.VoiceSettings("en-gb", 165))
    slow = tts.synthesize("We're about done here.", tts.VoiceSettings("en-us", 100))
    assert 0.5 < a.duration < 4 and a.pcm != b.pcm
    assert slow.duration > a.duration * 1.3


def test_voice_without_sound_output_never_hangs(tmp_path: Path) -> None:
    env = {"XDG_RUNTIME_DIR": str(tmp_path / "none"), "PULSE_SERVER": "unix:/nonexistent", "AUDIODEV": "null"}
    proc = run_cli("practice", "ux-designer", "--text", stdin=THANKS + "\n", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Interviewer:" in proc.stderr and "Total" in proc.stdout


def test_demo_runs_the_whole_flow_and_is_honest_about_recognition(tmp_path: Path) -> None:
    proc = run_cli("demo", "--no-voice", env={"TRAINER_MODELS": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "What the sample candidate actually said" in out and "word error rate" in out
    assert "Overcame the objection" in out and "Interviewer:" in proc.stderr
    json_proc = run_cli("demo", "--no-voice", "--json", env={"TRAINER_MODELS": str(tmp_path)})
    doc = json.loads(json_proc.stdout)
    kinds_ = [c["kind"] for c in doc["conversation"]]
    assert kinds_[:3] == ["signal", "turn", "objection"] and kinds_[-1] == "goodbye"
    assert doc["engine"] == "whisper" and len(doc["items"]) == 9


def test_a_line_pyttsx3_quietly_drops_is_rendered_by_espeak_without_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    # pyttsx3 writes no audio (and exits 0) for some text, e.g. with "e-commerce" in it.
    with caplog.at_level(logging.WARNING):
        sound = tts.synthesize("Your portfolio is mostly e-commerce.", tts.VoiceSettings())
    assert sound.duration > 1.0 and not caplog.records
    assert not tts._pyttsx3_failed  # the next line still gets pyttsx3
