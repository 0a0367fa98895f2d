"""Score a close against a scenario's checklist."""

from __future__ import annotations

from trainer.checklist.advice import suggestion
from trainer.checklist.context import Context
from trainer.checklist.items import DETECTORS
from trainer.checklist.result import ItemResult, Score
from trainer.checklist.semantic import INTENT_ITEMS, shared_judge
from trainer.scenarios.file import ITEM_IDS, Scenario
from trainer.speech.transcript import Transcript


def _spoken_seconds(transcript: Transcript) -> float | None:
    if not transcript.words:
        return None
    return transcript.words[-1].end - transcript.words[0].start


def concise(ctx: Context, scenario: Scenario, extra_words: int = 0, seconds: float | None = None) -> ItemResult:
    """Didn't linger: seconds of speech against `max_seconds` when timed, else words against `max_words`.

    `extra_words` are words spoken after the interviewer said goodbye (practice sessions);
    `seconds` overrides the speaking time (a session's turns have the interviewer between them).
    """
    seconds = _spoken_seconds(ctx.transcript) if seconds is None else seconds
    words = len(ctx.text.tokens)
    if seconds is not None:
        used, limit = seconds, float(scenario.max_seconds)
        note = f"{seconds:.0f} s of speech, limit {scenario.max_seconds} s"
    else:
        used, limit = float(words), float(scenario.max_words)
        note = f"{words} words, limit {scenario.max_words}"
    if extra_words:
        note += f"; {extra_words} words after the goodbye"
    over = max(0.0, used - limit) / limit
    score = max(0.0, 1.0 - over) - min(0.5, extra_words / 40)
    passed = used <= limit and extra_words == 0
    evidence = []
    if ctx.tokens:
        evidence.append(ctx.evidence(0, len(ctx.tokens), note=note))
    return ItemResult("concise", passed, max(0.0, score), evidence)


def total(items: list[ItemResult], weights: dict[str, float]) -> int:
    """Weighted mean of the item scores, 0 to 100, over the items present."""
    w = {i.id: weights.get(i.id, 0.0) for i in items}
    return round(sum(w[i.id] * i.score for i in items) / (sum(w.values()) or 1.0) * 100)


def warm(scenario: Scenario, transcript: Transcript) -> None:
    """Do the semantic judge's heavy part for a close still being said (a session's turns so far),
    so that scoring the whole close at the end is quick. Nothing without the semantic judge."""
    ctx = Context(transcript)
    for item in DETECTORS.values():  # fills the word-similarity caches for the words said so far
        item(ctx, scenario)
    judge = shared_judge() if ctx.tokens else None
    if judge is not None:
        judge.warm(ctx, scenario)


def intents(scenario: Scenario, transcript: Transcript) -> dict[str, ItemResult]:
    """The intent items' verdicts (gaps, interest, next step, follow-up, thanks) exactly as `score`
    gives them for the same words: what the interviewer reacts to in a close still being said."""
    ctx = Context(transcript)
    rules = {i: DETECTORS[i](ctx, scenario) for i in INTENT_ITEMS}
    judge = shared_judge() if ctx.tokens else None
    if judge is not None:
        rules = judge.intents(ctx, rules)
    if not ctx.tokens:
        for r in rules.values():
            r.passed, r.score = False, 0.0
    return rules


def score(
    scenario: Scenario,
    transcript: Transcript,
    extra_words: int = 0,
    spoken_seconds: float | None = None,
    semantic: bool = True,
) -> Score:
    """The checklist verdicts. The wording detectors always run (they are evidence for the semantic
    judge, and the whole verdict when its model is missing or `semantic` is False)."""
    ctx = Context(transcript)
    rules = {i: DETECTORS[i](ctx, scenario) for i in ITEM_IDS if i in DETECTORS}
    judge = shared_judge() if semantic and ctx.tokens else None
    if judge is not None:
        rules = judge.judge(ctx, scenario, rules)
    results = list(rules.values())
    results.append(concise(ctx, scenario, extra_words, spoken_seconds))
    if not ctx.tokens:
        for r in results:  # nothing said: nothing passes, not even brevity
            r.passed, r.score = False, 0.0
    words, seconds = len(ctx.text.tokens), _spoken_seconds(transcript)
    for r in results:
        r.suggestion = suggestion(r, scenario, words, seconds)
    order = {item_id: k for k, item_id in enumerate(ITEM_IDS)}
    results.sort(key=lambda r: order[r.id])
    return Score(scenario.name, results, total(results, scenario.weights), "semantic" if judge else "wording")
