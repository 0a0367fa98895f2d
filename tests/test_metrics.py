from trainer.speech.metrics import find_fillers, measure
from trainer.speech.transcript import Transcript, Word


def test_like_and_you_know_count_only_as_fillers() -> None:
    words = "i like python and it was like really fast you know and you know the team would like to".split()
    assert [words[i] for i in find_fillers(words)] == ["like", "you"]
    assert find_fillers("um so uh er i think".split()) == [0, 2, 3]


def test_timed_metrics() -> None:
    ws = [
        Word("um", 1.0, 1.3),
        Word("thank", 1.4, 1.7),
        Word("you", 1.7, 1.9),
        Word("for", 4.5, 4.7),
        Word("coming", 4.7, 5.0),
    ]
    m = measure(Transcript.from_words(ws))
    assert m.time_to_first_word_s == 1.0
    assert m.duration_s == 4.0
    assert m.words_per_minute == 75.0
    assert [f.text for f in m.fillers] == ["um"] and m.fillers[0].at == 1.0
    assert m.pauses == [(1.9, 2.6)] and m.longest_pause_s == 2.6
    assert m.to_dict()["filler_count"] == 1


def test_untimed_metrics_count_words_and_fillers() -> None:
    m = measure(Transcript("Um, I like SQL, you know, a lot."))
    assert m.words == 8 and m.words_per_minute is None
    assert [f.text for f in m.fillers] == ["um", "you know"]
