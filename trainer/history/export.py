"""Saved runs for other tools: JSON (everything but audio) or CSV (one row a run)."""

from __future__ import annotations

import csv
import io
import json

from trainer.checklist.result import LABELS
from trainer.history.store import RunRecord

FORMATS = ("json", "csv")


def to_json(runs: list[RunRecord]) -> str:
    return json.dumps([r.to_dict() for r in runs], indent=1)


def to_csv(runs: list[RunRecord]) -> str:
    buf = io.StringIO()
    ids = list(LABELS)
    writer = csv.writer(buf)
    writer.writerow(
        ["run", "created_at", "kind", "scenario", "engine", "total", "words_per_minute", "fillers_per_minute", *ids]
    )
    for r in runs:
        passed = {i["id"]: int(i["passed"]) for i in r.items}
        m = r.metrics or {}
        writer.writerow(
            [
                r.id,
                r.created_at,
                r.kind,
                r.scenario,
                r.engine or "",
                r.total,
                m.get("words_per_minute", ""),
                m.get("fillers_per_minute", ""),
                *[passed.get(i, "") for i in ids],
            ]
        )
    return buf.getvalue()


def export(runs: list[RunRecord], fmt: str) -> str:
    return to_json(runs) if fmt == "json" else to_csv(runs)
