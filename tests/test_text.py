from trainer.checklist.text import normalize, number_to_words


def test_numbers_are_spelled_like_a_recognizer_writes_them() -> None:
    assert number_to_words(118) == ["one", "hundred", "eighteen"]
    assert number_to_words(1_200_000) == ["one", "million", "two", "hundred", "thousand"]
    words = [t.text for t in normalize("I hit 118% of a $1.2 million quota, 1,000 calls").tokens]
    assert words == [
        "i",
        "hit",
        "one",
        "hundred",
        "eighteen",
        "percent",
        "of",
        "a",
        "one",
        "point",
        "two",
        "million",
        "quota",
        "one",
        "thousand",
        "calls",
    ]


def test_apostrophes_hyphens_and_variants_match_recognizer_output() -> None:
    words = [t.text for t in normalize("I've e-mailed; it's OK, alright? Multi-year.").tokens]
    assert words == ["ive", "emailed", "its", "okay", "all", "right", "multi", "year"]


def test_spelled_letters_join_and_alphanumerics_stay_whole() -> None:
    assert [t.text for t in normalize("A/B tests and a b tests, a11y").tokens] == [
        "ab",
        "tests",
        "and",
        "ab",
        "tests",
        "a11y",
    ]


def test_tokens_keep_offsets_of_the_original_text() -> None:
    text = "Um, thanks so much!"
    t = normalize(text)
    assert [(tok.text, text[tok.start : tok.end]) for tok in t.tokens] == [
        ("um", "Um"),
        ("thanks", "thanks"),
        ("so", "so"),
        ("much", "much"),
    ]
    assert t.tokens[0].filler and not t.tokens[1].filler
    assert [w.text for w in t.words] == ["thanks", "so", "much"]


def test_sentences_and_question_marks() -> None:
    t = normalize("I want this job. What happens next? Thanks.")
    assert [s.question for s in t.sentences] == [False, True, False]
    assert t.punctuated
    assert not normalize("no punctuation here at all").punctuated
