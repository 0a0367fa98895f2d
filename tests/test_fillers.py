"""Hesitations heard in a second listen (trainer/speech/fillers.py): alignment, and for real with
Whisper on natural speech, alone and through a whole session from recordings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.speech import drawn_out, natural
from trainer.scenarios.file import load as load_scenario
from trainer.session.close import run
from trainer.session.practice import FileTurns
from trainer.speech.audio import RATE
from trainer.speech.engines import EngineOptions, create
from trainer.speech.engines.whisper import HESITATION_PIECE_S, _pieces
from trainer.speech.fillers import add, with_hesitations
from trainer.speech.metrics import measure
from trainer.speech.transcript import Transcript, Word


def _words(spec: str) -> list[Word]:
    """'i:0.4-0.7 led:0.7-0.9' -> words with times."""
    out = []
    for item in spec.split():
        text, times = item.split(":")
        a, b = times.split("-")
        out.append(Word(text, float(a), float(b)))
    return out


def test_a_hesitation_goes_between_the_words_it_was_heard_between() -> None:
    # The first decode stretched "team" over the hesitation; the second one's clock differs.
    first = Transcript.from_words(_words("i:0.4-0.7 led:0.7-0.9 the:0.9-1.0 team:1.0-1.9 through:1.9-2.3"))
    second = _words("i:0.4-0.6 led:0.6-0.8 the:0.8-0.9 team:0.9-1.2 um:2.0-2.0 through:1.5-1.9")
    merged = add(first, second)
    assert merged.text == "i led the team um through"
    um = merged.words[4]
    assert merged.words[3].end <= um.start <= merged.words[5].start  # dated between its neighbours
    assert [f.text for f in measure(merged).fillers] == ["um"]


def test_a_hesitation_the_first_decode_has_is_not_counted_twice() -> None:
    first = Transcript.from_words(_words("so:0-0.2 uh:0.3-0.5 i:0.6-0.7 think:0.7-0.9"))
    second = _words("so:0-0.2 uh:0.3-0.5 i:0.6-0.7 think:0.7-0.9")
    assert add(first, second) is first
    # Words the second listen heard differently are not taken: only hesitations are added.
    second = _words("so:0-0.2 uh:0.3-0.5 eye:0.6-0.7 sink:0.7-0.9 uh:1.0-1.1")
    assert add(first, second).text == "so uh i think uh"


def test_a_word_the_second_listen_hears_as_a_hesitation_becomes_one() -> None:
    # Whisper's clean decode writes a run-in "um" as the nearest word; word for word, the
    # disfluent decode's hesitation takes its place (on the first decode's clock).
    first = Transcript.from_words(_words("so:0-0.2 i'm:0.2-0.4 for:0.4-0.6 me:0.6-0.8"))
    merged = add(first, _words("so:0-0.2 um:0.25-0.3 for:0.4-0.6 me:0.6-0.8"))
    assert merged.text == "so um for me"
    assert (merged.words[1].start, merged.words[1].end) == (0.2, 0.4)
    # A stretch heard with a different number of words keeps the first decode's words.
    merged = add(first, _words("so:0-0.2 um:0.25-0.3 uh:0.3-0.35 for:0.4-0.6 me:0.6-0.8"))
    assert [w.text for w in merged.words if w.text not in ("um", "uh")] == ["so", "i'm", "for", "me"]


def test_long_audio_is_cut_at_its_quietest_moment_within_whispers_window() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(0, 0.3, int(60 * RATE)).astype(np.float32)
    x[int(20.0 * RATE) : int(20.3 * RATE)] = 0.0  # a pause at 20 s
    pieces = _pieces(x)
    assert sum(len(p) for _, p in pieces) == len(x)
    assert all(len(p) <= HESITATION_PIECE_S * RATE for _, p in pieces)
    first_cut = pieces[1][0] / RATE
    assert 20.0 <= first_cut <= 20.3
    assert [at for at, _ in pieces] == sorted(at for at, _ in pieces)


@pytest.mark.slow
def test_whisper_hears_the_hesitations_in_a_second_listen() -> None:
    engine = create("whisper", EngineOptions())
    sound = natural(
        "I led the team, um, through the migration, and, uh, I think it went well. Um, what are the next steps?"
    )
    heard = engine.transcribe(sound)
    again = with_hesitations(engine, heard, sound)
    plain = [w.text for w in heard.words if w.text not in ("um", "uh")]
    # The second listen adds hesitations and nothing else.
    assert [w.text for w in again.words if w.text not in ("um", "uh")] == plain
    assert len(measure(again).fillers) >= 2 > len(measure(heard).fillers)
    assert all(f.at is not None for f in measure(again).fillers)


@pytest.mark.slow
def test_hesitations_run_into_the_words_around_them_are_heard() -> None:
    # No pause either side, drawn out as people say them: the clean decode writes such an "um" as
    # a word ("i'm", "on") or leaves it out; the second listen hears it.
    engine = create("whisper", EngineOptions())
    sound = drawn_out("I led the team um through the migration and uh I think it went well")
    heard = engine.transcribe(sound)
    again = with_hesitations(engine, heard, sound)
    assert len(measure(again).fillers) >= 2 > len(measure(heard).fillers)
    assert [w.text for w in again.words if w.text not in ("um", "uh")][:3] == ["i", "led", "the"]


@pytest.mark.slow
def test_a_session_reports_the_hesitations_of_its_turns(tmp_path: Path) -> None:
    class Quiet:
        def say(self, line: str, kind: str) -> float:
            return 0.0

    texts = [
        "Um, I really want this job. Do you have any concerns about my background?",
        "That is fair. Uh, last year I covered nights for three months, and, um, my crew hit every target.",
        "Thanks again for your time today.",
    ]
    wavs = [natural(t, tail=1.0).save(tmp_path / f"turn{i}.wav") for i, t in enumerate(texts)]
    engine = create("whisper", EngineOptions())
    result = run(load_scenario("warehouse-supervisor"), FileTurns(wavs, engine), Quiet())
    assert len(result.metrics.fillers) >= 2
    assert sum(w.text in ("um", "uh") for w in result.close.words) == len(result.metrics.fillers)
