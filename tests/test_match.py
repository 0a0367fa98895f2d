import pytest

from trainer.checklist.match import compile_pattern, find, phonetic, similarity, stem


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("mentoring", "mentored"),  # stems
        ("family", "families"),
        ("assessment", "assessor"),
        ("build", "built"),  # irregular past
        ("keep", "kept"),
        ("website", "site"),  # synonyms
        ("decision", "decide"),
        ("medication", "meditation"),  # recognizer slip, near spelling
        ("tableau", "tablo"),  # sound-alike
        ("rapid", "rabid"),
        ("sql", "sequel"),
    ],
)
def test_words_that_should_match(a: str, b: str) -> None:
    assert similarity(a, b) >= 0.8


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("experience", "experiment"),
        ("worries", "warehouse"),
        ("process", "buyers"),
        ("time", "team"),
        ("concern", "concert"),
    ],
)
def test_words_that_should_not_match(a: str, b: str) -> None:
    assert similarity(a, b) < 0.8


def test_sound_alikes_are_kept_out_of_phrase_banks() -> None:
    assert similarity("tableau", "tablo", by_sound=False) == 0.0
    assert similarity("worried", "write", by_sound=False) == 0.0


def test_stem_and_phonetic_keys() -> None:
    assert stem("mentoring") == stem("mentor")
    assert stem("accurately") == stem("accurate")
    assert stem("family") == stem("families") != stem("fami")
    assert phonetic("weekly") == phonetic("weakly")


def test_pattern_with_alternatives_gaps_and_optional_slots() -> None:
    p = compile_pattern("what|whats .. next step|steps from_here?")
    words = "so what are the next steps from here".split()
    [hit] = find(words, p)
    assert words[hit.start : hit.end] == ["what", "are", "the", "next", "steps", "from", "here"]
    assert find("the next step".split(), p) == []


def test_exact_words_do_not_match_their_relatives() -> None:
    p = compile_pattern("=interested in")
    assert find("interested in".split(), p)
    assert not find("interesting in".split(), p)
