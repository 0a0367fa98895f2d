"""Where a close mentions a scenario's skills: initials stand for the words they abbreviate."""

import pytest

from trainer.checklist.concepts import Mention, build_concepts, find_mentions
from trainer.checklist.text import normalize

SKILLS = [
    "Active Directory and Microsoft 365 account administration",
    "ServiceNow ticket triage and knowledge-base writing",
    "troubleshooting clinical peripherals (Zebra label printers)",
    "human resources onboarding",
]


def mentions(text: str, skill: str) -> list[Mention]:
    concept = next(c for c in build_concepts(SKILLS, {}, SKILLS) if c.label == skill)
    return find_mentions(concept, [t.text for t in normalize(text).words], threshold=0.5)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("four years of AD and M365 admin", SKILLS[0]),  # initials, a number kept whole
        ("I run M365 for the whole county", SKILLS[0]),
        ("and I write our KB", SKILLS[1]),  # a hyphenated word's parts
        ("I handle HR onboarding for new hires", SKILLS[3]),
    ],
)
def test_initials_stand_for_their_words(text: str, skill: str) -> None:
    assert mentions(text, skill)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("our PZ fleet", SKILLS[2]),  # "peripherals (Zebra" is not one run
        ("I am an ADM at heart", SKILLS[0]),  # "Directory and Microsoft" is not one run either
    ],
)
def test_initials_stay_within_one_run_of_words(text: str, skill: str) -> None:
    assert not mentions(text, skill)
