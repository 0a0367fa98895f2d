"""Between the scored results and the run store: save a run (or keep it in a fallback file when
the store cannot take it), and turn a saved run back into a report."""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from trainer import paths
from trainer.checklist.result import Evidence, ItemResult, Score
from trainer.errors import StorageError
from trainer.history.store import Recording, RunRecord, Store
from trainer.scenarios.file import Scenario
from trainer.session.close import SessionResult, merge_turns, onto_close
from trainer.session.drill import DrillResult
from trainer.speech.metrics import Filler, Metrics
from trainer.speech.transcript import Transcript, Word

log = logging.getLogger("trainer.history.runs")


@dataclass
class Saved:
    run_id: int | None
    error: StorageError | None = None
    fallback: Path | None = None


def from_score(
    kind: str, scenario: Scenario, score: Score, transcript: Transcript, metrics: Metrics | None
) -> RunRecord:
    return RunRecord(
        kind=kind,
        scenario=scenario.name,
        scenario_title=scenario.title,
        total=score.total,
        items=[i.to_dict() for i in score.items],
        transcript=transcript.to_dict(),
        engine=transcript.engine,
        metrics=metrics.to_dict() if metrics else None,
    )


def from_session(kind: str, result: SessionResult) -> RunRecord:
    record = from_score(kind, result.scenario, result.score, result.close, result.metrics)
    record.engine = result.engine
    record.objection = "\n".join(result.objections) or None
    record.interviewer = result.interviewer
    record.conversation = [
        {"speaker": e.speaker, "kind": e.kind, "text": e.text, "at": round(e.at, 2)} for e in result.events
    ]
    turns = [e for e in result.events if e.turn is not None and e.turn.audio is not None and e.turn.audio.pcm]
    record.recordings = [Recording(k, e.at, e.turn.audio.to_wav_bytes()) for k, e in enumerate(turns)]  # type: ignore[union-attr]
    return record


def from_drill(result: DrillResult) -> RunRecord:
    """A drill as one run: the drilled item (passed when the drill was finished), every rep and
    its verdict in the conversation, the reps' recordings."""
    said = [(r.at, r.turn) for r in result.reps]
    reps = len(result.reps)
    evidence = [onto_close(e, said, r.turn).to_dict() for r in result.reps if r.counted for e in r.item.evidence]
    last = result.reps[-1] if result.reps else None
    item = {
        "id": result.item,
        "passed": result.done,
        "score": round(result.passes / reps, 3) if reps else 0.0,
        "evidence": evidence,
        "suggestion": None if result.done or last is None else last.model_line,
    }
    conversation: list[dict[str, object]] = []
    for r in result.reps:
        conversation.append({"speaker": "interviewer", "kind": "cue", "text": r.cue, "at": round(r.at, 2)})
        conversation.append(
            {
                "speaker": "candidate",
                "kind": "rep",
                "text": r.text,
                "at": round(r.at, 2),
                "passed": r.passed,
                "counted": r.counted,
                "note": r.note,
                "verdict_s": round(r.verdict_s, 3),
            }
        )
    with_audio = [r for r in result.reps if r.turn.audio is not None and r.turn.audio.pcm]
    return RunRecord(
        kind="drill",
        scenario=result.scenario.name,
        scenario_title=result.scenario.title,
        total=round(100 * result.passes / reps) if reps else 0,
        items=[item],
        transcript=merge_turns(said).to_dict(),
        engine=next((r.turn.transcript.engine for r in result.reps if r.turn.transcript.engine), None),
        conversation=conversation,
        recordings=[Recording(k, r.at, r.turn.audio.to_wav_bytes()) for k, r in enumerate(with_audio)],  # type: ignore[union-attr]
    )


def _fallback(record: RunRecord) -> Path | None:
    """Write the run (without audio) where it can be written: the user folder, the temp folder, here."""
    doc = json.dumps(record.to_dict(), indent=1)
    name = f"unsaved-run-{datetime.now():%Y%m%d-%H%M%S}-{record.scenario}.json"
    for folder in (paths.user_dir() / "unsaved", Path(tempfile.gettempdir()), Path.cwd()):
        try:
            return paths.write_private(folder / name, doc.encode("utf-8"))
        except OSError:
            continue
    return None


def save(record: RunRecord, store: Store | None = None) -> Saved:
    store = store or Store()
    try:
        return Saved(store.save(record))
    except StorageError as exc:
        return Saved(None, exc, _fallback(record))
    finally:
        store.close()


def to_score(record: RunRecord) -> Score:
    items = []
    for d in record.items:
        evidence = [
            Evidence(e["text"], e["start"], e["end"], e.get("start_s"), e.get("end_s"), e.get("note"))
            for e in d["evidence"]
        ]
        items.append(ItemResult(d["id"], d["passed"], d["score"], evidence, d.get("suggestion"), d.get("heard")))
    return Score(record.scenario, items, record.total)


def to_transcript(record: RunRecord) -> Transcript:
    t = record.transcript
    words = [Word(w["word"], w["start"], w["end"], w.get("confidence")) for w in t.get("words", [])]
    return Transcript(t["text"], words, t.get("engine"), t.get("duration"))


def to_metrics(record: RunRecord) -> Metrics | None:
    m = record.metrics
    if not m:
        return None
    return Metrics(
        words=m["words"],
        duration_s=m["duration_s"],
        words_per_minute=m["words_per_minute"],
        fillers=[Filler(f["text"], f["at"]) for f in m["fillers"]],
        fillers_per_minute=m["fillers_per_minute"],
        pauses=[tuple(p) for p in m["pauses"]],
        longest_pause_s=m["longest_pause_s"],  # type: ignore[misc]
        time_to_first_word_s=m["time_to_first_word_s"],
    )
