"""Domain hints: the words a speaker rehearsing this scenario is likely to say."""

from __future__ import annotations

from trainer.checklist.concepts import GENERIC, STOPWORDS, content_words
from trainer.scenarios.file import Scenario

MAX_HINTS = 40


def scenario_hints(sc: Scenario) -> tuple[str, ...]:
    """The role's telling words, as written (names keep their capitals): skills, requirements,
    aliases. Only content words: a hint names a topic, never a checklist phrase, so it cannot
    make a recognizer "hear" a question that was not asked."""
    out: list[str] = []
    seen: set[str] = set()
    phrases = [sc.role, *sc.skills, *sc.requirements, *(a for v in sc.skill_aliases.values() for a in v)]
    for phrase in phrases:
        wanted = set(content_words(phrase))
        for raw in phrase.replace("/", " ").split():
            word = raw.strip(",.;:()")
            key = word.lower().replace("'", "")
            if key in wanted and key not in GENERIC and key not in STOPWORDS and key not in seen:
                seen.add(key)
                out.append(word)
    return tuple(out[:MAX_HINTS])
