"""Score a close against a scenario's checklist."""

from __future__ import annotations

from trainer.checklist.advice import suggestion
from trainer.checklist.context import Context
from trainer.checklist.items import DETECTORS
from trainer.checklist.result import ItemResult, Score
from trainer.scenario import ITEM_IDS, Scenario
from trainer.transcript import Transcript


def _spoken_seconds(transcript: Transcript) -> float | None:
    if not transcript.words:
        return None
    return transcript.words[-1].end - transcript.words[0].start


def concise(ctx: Context, scenario: Scenario, extra_words: int = 0) -> ItemResult:
    """Didn't linger: seconds of speech against `max_seconds` when timed, else words against `max_words`.

    `extra_words` are words spoken after the interviewer said goodbye (practice sessions).
    """
    seconds = _spoken_seconds(ctx.transcript)
    words = len(ctx.text.tokens)
    if seconds is not None:
        used, limit = seconds, float(scenario.max_seconds)
        note = f"{seconds:.0f} s of speech, limit {scenario.max_seconds} s"
    else:
        used, limit = float(words), float(scenario.max_words)
        note = f"{words} words, limit {scenario.max_words}"
    over = max(0.0, used - limit) / limit
    score = max(0.0, 1.0 - over) - min(0.5, extra_words / 40)
    passed = used <= limit and extra_words == 0
    evidence = []
    if ctx.tokens:
        evidence.append(ctx.evidence(0, len(ctx.tokens), note=note))
    return ItemResult("concise", passed, max(0.0, score), evidence)


def score(scenario: Scenario, transcript: Transcript, extra_words: int = 0) -> Score:
    ctx = Context(transcript)
    results = [DETECTORS[i](ctx, scenario) for i in ITEM_IDS if i in DETECTORS]
    results.append(concise(ctx, scenario, extra_words))
    if not ctx.tokens:
        for r in results:  # nothing said: nothing passes, not even brevity
            r.passed, r.score = False, 0.0
    words, seconds = len(ctx.text.tokens), _spoken_seconds(transcript)
    for r in results:
        r.suggestion = suggestion(r, scenario, words, seconds)
    order = {item_id: k for k, item_id in enumerate(ITEM_IDS)}
    results.sort(key=lambda r: order[r.id])
    weights = scenario.weights
    total = sum(weights[r.id] * r.score for r in results) / sum(weights.values()) * 100
    return Score(scenario.name, results, round(total))
