"""When has the speaker finished? A turn ends sooner when what was said is complete (a question,
a thanks, a goodbye) and later when it trails off mid-thought ("and...", "um", "because").

Judged on the recognizer's best guess of the turn so far (Whisper's speculative decode at the
pause, or the streaming engines' partial text). Whisper punctuates, and how it ended the last
sentence ("?", "." or "...") is the strongest sign there is in text: it hears the voice fall or
rise. Without punctuation, the same question detection the checklist judge uses decides.
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
QUESTION_TAILS = frozenset("or maybe perhaps especially particularly like say anything something".split())
AFTERTHOUGHT_WORDS = 2  # a tail this short is no statement of its own ("... after this? roughly.")
LEAD_INS = frozenset("and so but also okay ok great well then now oh right yes".split())  # "and may I..."
THANKS_REACH = 8  # "thanks again, I really enjoyed our conversation": a thanks this near the end closes


def assess(text: str) -> str:
    """ "complete", "open" (mid-thought) or "unsure", for text ending at a pause."""
    ctx = Context(Transcript(text))
    words = ctx.words
    if not words:
        return "unsure"
    last_said = text.lower().rstrip(" .,!?…").rsplit(maxsplit=1)[-1]  # fillers are not among `words`
    if last_said in FILLERS:
        return "open"
    ending = "…" if text.rstrip().endswith("...") else text.rstrip()[-1]
    if ending in "…,":  # the recognizer heard the voice trail off, or a clause that goes on
        return "open"
    if ending == "?":  # "...that I could speak to?" ends on a preposition and is finished
        return "complete"
    # A "." after an open word ("...that I could speak to.") means the recognizer heard the
    # sentence end; only unpunctuated text is judged by its last word.
    if ending not in ".!" and words[-1] in OPEN_ENDINGS and not _wh_question_ends(ctx):
        return "open"
    if CLOSING_WORDS & set(words[-THANKS_REACH:]):
        return "complete"
    last = len(words) - 1
    if ending in ".!":  # a question written as a statement still opens as one ("What is the next step.")
        return "complete" if _opens_as_question(ctx) or _tails_question(ctx) else "unsure"
    if ctx.is_question(last) and ctx.sentence_of(max(0, last - LAST_WORDS)) <= ctx.sentence_of(last):
        return "complete"
    # A tail whose end Whisper left unmarked (its audio stopped): "... back on me? maybe the
    # enterprise question that i can address before i leave"
    return "complete" if _tails_question(ctx) else "unsure"


def _last_sentence_start(ctx: Context) -> int:
    """The index of the first word of the last sentence."""
    sent = ctx.sentence_of(len(ctx.words) - 1)
    return next(i for i in range(len(ctx.words)) if ctx.sentence_of(i) == sent)


def _opens_as_question(ctx: Context) -> bool:
    """The last sentence begins with a question opener, perhaps after a word that leads in ("and
    may I ...", "so what is ..."); in punctuated text an opener further in is a relative clause or
    a statement ("I know the tool here is...", "so that is my answer")."""
    last = len(ctx.words) - 1
    first = _last_sentence_start(ctx)
    while first < last and ctx.words[first] in LEAD_INS:
        first += 1
    return ctx.opens_question(first)


def _tails_question(ctx: Context) -> bool:
    """The words after a question just asked are a short tail to it ("Any concerns about my
    background? Maybe the healthcare side, that I haven't addressed."): they start with a word
    that narrows or widens the question rather than a new statement, or they are too few to be a
    statement at all ("When will I hear back? roughly.", "... next? if possible."). A recognizer that decoded
    the tail apart from its question writes it as a sentence of its own, or as several ("... back
    on me? maybe the enterprise question. that i can address before i leave.")."""
    last = len(ctx.words) - 1
    asked = [i for i in range(ctx.sentence_of(last)) if ctx.text.sentences[i].question]
    if not asked:
        return False
    first = next((i for i in range(last + 1) if ctx.sentence_of(i) > asked[-1]), None)
    if first is None or last - first >= LAST_WORDS:
        return False
    afterthought = last - first < AFTERTHOUGHT_WORDS and ctx.words[last] not in OPEN_ENDINGS
    return afterthought or ctx.words[first] in QUESTION_TAILS


def _wh_question_ends(ctx: Context) -> bool:
    """The words end a wh-question on its stranded preposition ("...look like", "...report to")."""
    last = len(ctx.words) - 1
    if ctx.words[last] not in STRANDED or not ctx.is_question(last):
        return False
    sent = ctx.sentence_of(last)
    before = range(max(0, last - LAST_WORDS), last)
    return any(ctx.words[j] in WH_WORDS and ctx.sentence_of(j) == sent for j in before)
