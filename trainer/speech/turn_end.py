"""When has the speaker finished? A turn ends sooner when what was said is complete (a question,
a thanks, a goodbye) and later when it trails off mid-thought ("and...", "um", "because").

Judged on the recognizer's best guess of the turn so far (Whisper's speculative decode at the
pause, or the streaming engines' partial text), by the same question detection the checklist
judge uses.
"""

from __future__ import annotations

from trainer.checklist.context import Context
from trainer.checklist.text import FILLERS
from trainer.speech.transcript import Transcript

# A last word that leaves the sentence open: a conjunction, preposition, article, filler.
OPEN_ENDINGS = (
    frozenset(
        """and but or so because since although though if when while unless until than that which who
    whose the a an my our your their his her its this these those to of for with from in on at by
    about into like as um uh er erm hmm also then very really just more most""".split()
    )
    | FILLERS
)
CLOSING_WORDS = frozenset({"thank", "thanks", "goodbye", "bye"})
LAST_WORDS = 12  # how far back a question opener governs the end of the turn
THANKS_REACH = 8  # "thanks again, I really enjoyed our conversation": a thanks this near the end closes


def assess(text: str) -> str:
    """ "complete", "open" (mid-thought) or "unsure", for text ending at a pause."""
    ctx = Context(Transcript(text))
    words = ctx.words
    if not words:
        return "unsure"
    last_said = text.lower().rstrip(" .,!?…").rsplit(maxsplit=1)[-1]  # fillers are not among `words`
    if words[-1] in OPEN_ENDINGS or last_said in FILLERS:
        return "open"
    if CLOSING_WORDS & set(words[-THANKS_REACH:]):
        return "complete"
    last = len(words) - 1
    if ctx.is_question(last) and ctx.sentence_of(max(0, last - LAST_WORDS)) <= ctx.sentence_of(last):
        return "complete"
    return "unsure"
