"""The terminal report (rich) and the stable JSON document of a scored close."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from trainer.checklist.result import LABELS, Evidence, Score
from trainer.session.close import Event
from trainer.speech.metrics import Metrics
from trainer.speech.transcript import Transcript


def _evidence_line(e: Evidence, item_id: str) -> str:
    if item_id == "concise":
        return e.note or ""
    when = f"[{e.start_s:5.1f}s] " if e.start_s is not None else ""
    note = f"  ({e.note})" if e.note else ""
    text = e.text if len(e.text) <= 90 else e.text[:87] + "..."
    return f"{when}“{text}”{note}"


def render(score: Score, title: str, extra: dict[str, Any] | None = None) -> Group:
    """A renderable report: items with evidence, suggestions for the misses, the total."""
    table = Table(show_header=True, header_style="bold", expand=True, show_lines=True)
    table.add_column("", width=2)
    table.add_column("Checklist item", ratio=2)
    table.add_column("Score", justify="right", width=5)
    table.add_column("Evidence / what to say next time", ratio=5)
    for item in score.items:
        mark = Text("✓", style="bold green") if item.passed else Text("✗", style="bold red")
        body = Text()
        if item.heard is not None and item.heard:
            body.append("heard: " + "; ".join(item.heard) + "\n", style="cyan")
        if item.passed or item.id == "concise":
            for e in item.evidence[:4]:
                body.append(_evidence_line(e, item.id) + "\n")
        if item.suggestion:
            body.append("→ " + item.suggestion, style="yellow")
        table.add_row(mark, LABELS[item.id], f"{item.score:.2f}", body)
    passed = sum(i.passed for i in score.items)
    colour = "green" if score.total >= 80 else "yellow" if score.total >= 50 else "red"
    header = Text.assemble(
        (title, "bold"),
        "\n",
        (f"Total {score.total}/100", f"bold {colour}"),
        f"  ·  {passed} of {len(score.items)} items",
    )
    parts: list[Any] = [Panel(header, title="Your close", expand=True), table]
    if extra:
        parts.extend(extra.get("renderables", []))
    return Group(*parts)


def print_report(console: Console, score: Score, title: str, extra: dict[str, Any] | None = None) -> None:
    console.print(render(score, title, extra))


def to_json(score: Score, **more: Any) -> str:
    """`{"scenario", "items", "total", ...more}`: the stable document other tools read."""
    doc = score.to_dict()
    doc.update({k: v for k, v in more.items() if v is not None})
    return json.dumps(doc, ensure_ascii=False)


def render_delivery(metrics: Metrics, engine: str | None) -> Panel:
    """Pace, fillers and pauses, from word timings."""
    rows = Table.grid(padding=(0, 2))
    rows.add_column(style="bold")
    rows.add_column()
    if engine:
        rows.add_row("Heard by", engine)
    if metrics.duration_s is not None:
        rows.add_row("Speaking time", f"{metrics.duration_s:.1f} s, {metrics.words} words")
    if metrics.words_per_minute is not None:
        pace = metrics.words_per_minute
        hint = " (slow down a little)" if pace > 180 else " (a little slow)" if pace < 110 else ""
        rows.add_row("Pace", f"{pace:.0f} words a minute{hint}")
    fillers = ", ".join(sorted({f.text for f in metrics.fillers})) or "none"
    per_min = f" ({metrics.fillers_per_minute:.1f} a minute)" if metrics.fillers_per_minute is not None else ""
    rows.add_row("Fillers", f"{len(metrics.fillers)}{per_min}: {fillers}" if metrics.fillers else "none")
    if metrics.longest_pause_s is not None:
        rows.add_row("Pauses over 2 s", f"{len(metrics.pauses)} (longest {metrics.longest_pause_s:.1f} s)")
    if metrics.time_to_first_word_s is not None:
        rows.add_row("Time to first word", f"{metrics.time_to_first_word_s:.1f} s")
    return Panel(rows, title="Delivery", expand=True)


def render_transcript(transcript: Transcript) -> Panel:
    return Panel(Text(transcript.text or "(nothing was heard)"), title="What the recognizer heard", expand=True)


def render_conversation(events: list[Event] | list[dict[str, Any]]) -> Panel:
    """The mock close as it happened, with times on the session clock."""
    lines = Text()
    rows = [
        e if isinstance(e, dict) else {"speaker": e.speaker, "kind": e.kind, "text": e.text, "at": e.at} for e in events
    ]
    timed = any(r["at"] for r in rows)
    for r in rows:
        who = "Interviewer" if r["speaker"] == "interviewer" else "You"
        style = "bold magenta" if r["speaker"] == "interviewer" else "bold cyan"
        note = "  (after the goodbye)" if r["kind"] == "after_goodbye" else ""
        if r["kind"] == "rep":  # a drill rep carries its verdict
            note = (
                "  ✓ counted" if r.get("counted") else "  ✓ passed, not counted" if r.get("passed") else "  ✗ not yet"
            )
        if timed:
            lines.append(f"[{r['at']:5.1f}s] ", style="dim")
        lines.append(f"{who}: ", style=style)
        lines.append(str(r["text"] or "(silence)") + note + "\n")
    title = "The reps" if any(r["kind"] == "rep" for r in rows) else "The close"
    return Panel(lines, title=title, expand=True)
