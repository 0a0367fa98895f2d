"""The end of a turn: sooner after a finished question or thanks, later after a trailing 'and'."""

from __future__ import annotations

import pytest
from speech import natural

from trainer.speech.audio import silence
from trainer.speech.engines import EngineOptions, create
from trainer.speech.listen import ListenOptions, file_blocks, listen
from trainer.speech.turn_end import assess


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("what is the next step in the hiring process", "complete"),
        ("do you have any concerns about my ability to do well", "complete"),
        ("thanks again i really enjoyed our conversation", "complete"),
        ("i led the redesign of our onboarding flow and", "open"),
        ("what i bring is user research um", "open"),
        ("i am thankful that", "open"),
        ("what would my first month in the role look like", "complete"),  # a stranded preposition
        ("What would my first month in the role look like?", "complete"),
        ("who would i be reporting to", "complete"),
        ("do you have any concerns about", "open"),  # a yes/no question needs its object
        ("i would love to work on", "open"),
        ("what i am looking for is a team with", "open"),  # "what I..." is not a question
        ("i have five years of experience", "unsure"),
        ("", "unsure"),
    ],
)
def test_assess(text: str, verdict: str) -> None:
    assert assess(text) == verdict


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # Whisper's punctuation: it heard the voice rise or fall.
        ("Do you have any reservations about my experience that I could speak to?", "complete"),
        ("I know the tool here is Power BI, and I'm confident I'll pick it up quickly.", "unsure"),
        ("So that is my answer.", "unsure"),  # an opener midway ("is my") is not a question
        ("And may I reach out by email if I think of other questions.", "complete"),  # "?" left out
        ("Any concerns about my background? Maybe the healthcare side, that I haven't addressed.", "complete"),
        ("Any gaps? I think I covered the rest.", "unsure"),  # a statement after the question
        ("When could I expect to hear back? approximately.", "complete"),  # an afterthought
        ("Who else would I meet before a decision? If possible.", "complete"),
        ("Who else would I meet? And the.", "unsure"),  # short, but it stops on an open word
        # a tail the recognizer cut into sentences of its own
        ("Anything holding you back on me? maybe the enterprise question. that i can address.", "complete"),
        ("Anything holding you back on me? maybe the enterprise question that i can address", "complete"),
        (
            "Anything holding you back? maybe not. I think we covered my background and my work in depth today.",
            "unsure",
        ),
        ("I led the redesign of our onboarding flow,", "open"),
        ("I led the redesign and...", "open"),
        ("I'd say that's what I'd like to speak to.", "unsure"),  # a "." after an open word ends it
        ("Thank you for your time.", "complete"),
    ],
)
def test_assess_punctuated(text: str, verdict: str) -> None:
    assert assess(text) == verdict


def test_a_finished_question_ends_the_turn_sooner_than_the_fixed_wait() -> None:
    engine = create("pocketsphinx", EngineOptions())
    clip = natural("What is the next step in the hiring process?", tail=3.0)
    fixed = listen(file_blocks(clip), engine.stream(), ListenOptions(silence_s=2.0, realtime=False))
    adaptive = listen(file_blocks(clip), engine.stream(), ListenOptions(adaptive=True, realtime=False))
    assert adaptive.ended_by == "complete" and fixed.ended_by == "silence"
    assert adaptive.audio.duration <= fixed.audio.duration - 1.0


def test_a_speaker_trailing_off_mid_sentence_is_not_cut_off() -> None:
    engine = create("pocketsphinx", EngineOptions())
    clip = natural("I led the redesign of our onboarding flow, and", tail=0.0) + silence(2.2).with_noise_floor(-50)
    clip = clip + natural("it cut drop off by a third.", lead=0.0, tail=4.0)
    turn = listen(file_blocks(clip), engine.stream(), ListenOptions(adaptive=True, realtime=False))
    assert "third" in turn.transcript.text, turn.transcript.text  # 2.2 s of quiet after "and": still their turn


def test_a_close_spoken_in_one_go_is_not_ended_by_its_first_question() -> None:
    from trainer.cli.common import listen_settings

    assert listen_settings(None, 120).adaptive  # practice and drill: a conversation
    whole = listen_settings(None, 120, conversation=False)  # score --mic: one long turn
    assert not whole.adaptive and whole.silence_s == 2.0
    assert listen_settings(1.5, 60).silence_s == 1.5 and not listen_settings(1.5, 60).adaptive


def test_a_turn_that_opens_with_little_room_before_the_speech_reads_its_soft_words_as_speech() -> None:
    """A turn with 0.1 s of room before the words (a candidate who answers at once): the level
    meter's floor must stay the room's. The 10th percentile of so short a history is soft speech,
    which then reads as quiet: 0.5 s of it ended this complete-sounding turn after
    "qualifications" once, in the microphone bench."""
    from trainer.speech.listen import SpeechDetector

    audio = natural("Do you see any gaps between my qualifications and the requirements?", lead=0.1, tail=0.0)
    meter = SpeechDetector()
    heard = [meter.update(chunk) for chunk in audio.chunks(0.1)]
    first, last = heard.index(True), len(heard) - 1 - heard[::-1].index(True)
    longest = run = 0
    for speech in heard[first:last]:
        run = 0 if speech else run + 1
        longest = max(longest, run)
    # at most 0.2 s (a guess starts there), well under the 0.5 s that ends such a turn
    assert longest < 3, f"{longest / 10:.1f} s of the speech read as quiet: {''.join('S' if h else '.' for h in heard)}"
