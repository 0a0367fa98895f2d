"""A self-contained HTML page for one run: the transcript on a timeline with every checklist hit
highlighted where it was said, the misses with advice, and the progress chart. No network: the
styles are inline and the chart is embedded as a data URI."""

from __future__ import annotations

import base64
import html

from trainer.checklist.result import LABELS
from trainer.history.store import RunRecord

COLOURS = {
    "skills_restated": "#bee3f8",
    "requirements_matched": "#c6f6d5",
    "gaps_probed": "#fefcbf",
    "interest_reaffirmed": "#fed7e2",
    "next_step_asked": "#e9d8fd",
    "follow_up_permission": "#feebc8",
    "thanks_given": "#b2f5ea",
    "objection_handled": "#fbd38d",
}

CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #1a202c; }
h1 { margin-bottom: 0.2rem; } .total { font-size: 2.5rem; font-weight: 700; }
.transcript { line-height: 2; font-size: 1.05rem; background: #f7fafc; padding: 1rem; border-radius: 8px; }
mark { border-radius: 3px; padding: 0 2px; }
.legend span { display: inline-block; margin: 0 0.6rem 0.4rem 0; padding: 0 0.4rem; border-radius: 3px; }
.timeline { position: relative; height: 2.6rem; background: #edf2f7; border-radius: 6px; margin: 1rem 0; }
.tick { position: absolute; top: 0.3rem; height: 2rem; width: 6px; border-radius: 3px; }
.misses li { margin-bottom: 0.6rem; } .passed { color: #276749; } .missed { color: #9b2c2c; }
table { border-collapse: collapse; } td, th { padding: 0.3rem 0.8rem; border-bottom: 1px solid #e2e8f0; text-align: left; }
img.chart { max-width: 100%; border: 1px solid #e2e8f0; border-radius: 8px; }
"""


def _highlighted(text: str, spans: list[tuple[int, int, str]]) -> str:
    """The transcript with a <mark> for every stretch, overlaps split at every boundary."""
    cuts = sorted({0, len(text), *[s for s, _, _ in spans], *[e for _, e, _ in spans]})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        piece = html.escape(text[a:b])
        items = [item for s, e, item in spans if s <= a and b <= e]
        if items:
            title = html.escape(", ".join(LABELS.get(i, i) for i in items))
            colour = COLOURS.get(items[0], "#e2e8f0")
            classes = " ".join(f"hit-{i}" for i in items)
            out.append(f'<mark class="{classes}" style="background:{colour}" title="{title}">{piece}</mark>')
        else:
            out.append(piece)
    return "".join(out)


def build(run: RunRecord, chart_png: bytes | None) -> str:
    text = run.transcript.get("text", "")
    spans = [
        (e["start"], e["end"], item["id"])
        for item in run.items
        if item["passed"] and item["id"] in COLOURS
        for e in item["evidence"]
        if 0 <= e["start"] < e["end"] <= len(text)
    ]
    words = run.transcript.get("words") or []
    length = max([w["end"] for w in words] + [1.0])
    ticks = []
    for item in run.items:
        for e in item["evidence"]:
            if item["passed"] and e.get("start_s") is not None and item["id"] in COLOURS:
                left = 100 * e["start_s"] / length
                label = html.escape(f"{LABELS.get(item['id'], item['id'])} at {e['start_s']:.1f} s")
                ticks.append(
                    f'<div class="tick hit-{item["id"]}" style="left:{left:.2f}%;background:{COLOURS[item["id"]]};'
                    f'border:1px solid #4a5568" title="{label}"></div>'
                )
    rows = "".join(
        f'<tr><td class="{"passed" if i["passed"] else "missed"}">{"✓" if i["passed"] else "✗"}</td>'
        f"<td>{html.escape(LABELS.get(i['id'], i['id']))}</td><td>{i['score']:.2f}</td></tr>"
        for i in run.items
    )
    misses = "".join(
        f"<li><b>{html.escape(LABELS.get(i['id'], i['id']))}</b>: {html.escape(i.get('suggestion') or '')}</li>"
        for i in run.items
        if not i["passed"]
    )
    legend = "".join(f'<span style="background:{c}">{html.escape(LABELS[i])}</span>' for i, c in COLOURS.items())
    timeline = (
        f'<h2>Timeline</h2><div class="timeline" id="timeline">{"".join(ticks)}</div><p>0 s — {length:.0f} s</p>'
        if ticks
        else ""
    )
    chart = (
        f'<h2>Progress</h2><img class="chart" alt="progress chart" src="data:image/png;base64,{base64.b64encode(chart_png).decode()}">'
        if chart_png
        else ""
    )
    notes = f"<h2>Your notes</h2><p>{html.escape(run.notes)}</p>" if run.notes else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Run {run.id}: {html.escape(run.scenario_title)}</title>
<style>{CSS}</style></head><body>
<h1>{html.escape(run.scenario_title)}</h1>
<p>Run {run.id} · {html.escape(run.created_at or "")} · {html.escape(run.kind)}{f" · {html.escape(run.interviewer)} interviewer" if run.interviewer else ""} · heard by {html.escape(run.engine or "text")}</p>
<div class="total">{run.total}/100</div>
<h2>What you said</h2><div class="legend">{legend}</div>
<div class="transcript" id="transcript">{_highlighted(text, spans)}</div>
{timeline}
<h2>Checklist</h2><table>{rows}</table>
<h2>What to say next time</h2><ul class="misses">{misses or "<li>Nothing missed. Keep it this tight.</li>"}</ul>
{notes}{chart}
</body></html>
"""
