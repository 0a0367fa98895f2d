"""The interviewer's natural voice (Kokoro through kokoro-onnx), for real, and its fallbacks."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.conftest import run_cli
from trainer.session import natural, tts
from trainer.session.practice import VoiceInterviewer
from trainer.speech.audio import Audio

LINE = "Your portfolio is mostly e-commerce. Banking is heavily regulated, and every screen goes through review."


@pytest.fixture
def fresh_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """A natural voice that has not been loaded (or failed) yet in this process."""
    monkeypatch.setattr(natural, "ENGINE", natural._Engine())
    monkeypatch.setattr(tts, "_natural_failed", False)


@pytest.mark.slow
def test_natural_voice_speaks_a_line_whisper_understands_word_for_word(fresh_engine: None) -> None:
    from trainer.checklist.text import normalize
    from trainer.speech.recognize import EngineRequest, open_recognizer

    sound = tts.synthesize(LINE, tts.VoiceSettings("am_michael", 165))
    assert 4.0 < sound.duration < 12.0
    heard = open_recognizer(EngineRequest("whisper")).engine.transcribe(sound.with_noise_floor(-50.0))
    # Letters only: Whisper writes "e-commerce" as "e -commerce", which is no mishearing.
    said = "".join(t.text for t in normalize(LINE).tokens).replace("-", "")
    got = "".join(t.text for t in normalize(heard.text).tokens).replace("-", "")
    assert got == said, heard.text


@pytest.mark.slow
def test_the_model_is_joined_once_checked_and_kept(
    fresh_engine: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRAINER_MODELS", str(tmp_path / "models"))
    path = natural.model_path()
    assert path == tmp_path / "models" / natural.MODEL_FILE and path.stat().st_size > 80_000_000
    made = path.stat().st_mtime_ns
    assert natural.model_path() == path and path.stat().st_mtime_ns == made  # joined once
    assert not list(path.parent.glob("*.tmp"))


def test_a_missing_model_part_falls_back_to_espeak_with_one_message(
    fresh_engine: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    monkeypatch.setenv("TRAINER_MODELS", str(tmp_path))  # no model joined yet: it must be made from the parts
    monkeypatch.setattr(natural, "MODEL_PARTS", (*natural.MODEL_PARTS[:3], "no_such_model_part_package"))
    with caplog.at_level(logging.WARNING):
        first = tts.synthesize("Thank you for coming in.", tts.VoiceSettings("bf_emma", 165))
        second = tts.synthesize("We'll be in touch.", tts.VoiceSettings("bf_emma", 165))
    assert first.duration > 0.5 and second.duration > 0.5  # espeak-ng spoke both
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "no_such_model_part_package" in warnings[0] and "espeak-ng" in warnings[0]


def test_a_tampered_voice_table_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    voice = natural.VOICES["am_michael"]
    monkeypatch.setitem(
        natural.VOICES, "am_michael", natural.NaturalVoice(voice.name, voice.description, voice.accent, "0" * 64)
    )
    with pytest.raises(natural.NaturalVoiceError, match="sha256"):
        natural.style("am_michael")
    assert natural.style("bf_emma").shape == (510, 1, 256)


def test_a_line_not_rendered_in_time_plays_its_first_clause_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """The interviewer does not wait for the whole line: pieces are delivered as they render."""
    rendered: list[str] = []

    def fake_synthesize(text: str, settings: tts.VoiceSettings, urgent: bool = False) -> Audio:  # pieces, not audio
        rendered.append(text)
        return Audio(bytes(3200))

    monkeypatch.setattr(tts, "synthesize", fake_synthesize)
    kept: list[Audio] = []
    interviewer = VoiceInterviewer(
        tts.VoiceSettings(), lambda line, kind: None, speak=False, keep=lambda a, k: kept.append(a)
    )
    interviewer.say(LINE, "objection")
    assert rendered == ["Your portfolio is mostly e-commerce.", LINE.split(". ", 1)[1]]
    assert len(kept) == 2


def test_voices_command_lists_the_natural_voices_and_espeak() -> None:
    out = run_cli("voices")
    assert out.returncode == 0, out.stderr
    for name in ("am_michael", "af_heart", "bm_george", "bf_emma", "en-us"):
        assert name in out.stdout
    assert "not installed" not in out.stdout.split("en-us")[0]  # the natural voices are installed by set-up


def test_a_natural_voice_that_hangs_hands_the_line_to_espeak(
    fresh_engine: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import threading

    stuck = threading.Event()
    monkeypatch.setattr(natural.ENGINE, "_render", lambda text, voice, rate: stuck.wait(30))  # a render that never ends
    monkeypatch.setattr(natural, "RENDER_TIMEOUT_S", 0.5)
    with caplog.at_level(logging.WARNING):
        sound = tts.synthesize("Thank you for coming in.", tts.VoiceSettings("am_michael", 165))
    stuck.set()
    assert sound.duration > 0.5  # espeak-ng said it
    assert any("hung" in r.getMessage() and "espeak-ng" in r.getMessage() for r in caplog.records)
    assert tts._natural_failed  # the rest of the run does not wait for it again
