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
# A wh-question leaves its preposition at the end and is finished ("what would my first month
# look like?", "who would I report to?"); a yes/no question that ends on one is not ("do you have
# any concerns about...").
STRANDED = frozenset("like for to on with about at from in of into".split())
WH_WORDS = frozenset("what who whom which where whats whos wheres".split())
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
    if last_said in FILLERS or (words[-1] in OPEN_ENDINGS and not _wh_question_ends(ctx)):
        return "open"
    if CLOSING_WORDS & set(words[-THANKS_REACH:]):
        return "complete"
    last = len(words) - 1
    if ctx.is_question(last) and ctx.sentence_of(max(0, last - LAST_WORDS)) <= ctx.sentence_of(last):
        return "complete"
    return "unsure"


def _wh_question_ends(ctx: Context) -> bool:
    """The words end a wh-question on its stranded preposition ("...look like", "...report to")."""
    last = len(ctx.words) - 1
    if ctx.words[last] not in STRANDED or not ctx.is_question(last):
        return False
    sent = ctx.sentence_of(last)
    before = range(max(0, last - LAST_WORDS), last)
    return any(ctx.words[j] in WH_WORDS and ctx.sentence_of(j) == sent for j in before)
