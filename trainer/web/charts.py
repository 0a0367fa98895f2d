"""Progress charts as inline SVG, drawn on the server: no chart script to ship."""

from __future__ import annotations

from html import escape

from trainer.history.progress import Progress

WIDTH, HEIGHT, PAD = 640, 220, 36


def totals_svg(progress: Progress) -> str:
    """The total of each close over time, 0-100, with a dot per run."""
    points = progress.points
    if not points:
        return ""
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    step = inner_w / max(1, len(points) - 1)
    xy = [(PAD + i * step, PAD + inner_h * (1 - p.total / 100)) for i, p in enumerate(points)]
    grid = "".join(
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{PAD + inner_h * (1 - v / 100):.1f}" '
        f'y2="{PAD + inner_h * (1 - v / 100):.1f}" class="grid"/>'
        f'<text x="{PAD - 6}" y="{PAD + inner_h * (1 - v / 100) + 4:.1f}" class="axis" text-anchor="end">{v}</text>'
        for v in (0, 50, 100)
    )
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" class="dot"><title>run {p.run_id}: {p.total}/100 '
        f"({escape(p.when)})</title></circle>"
        for (x, y), p in zip(xy, points)
    )
    return (
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="Total per close, oldest to newest" '
        f'class="chart">{grid}<polyline points="{line}" class="trend"/>{dots}</svg>'
    )


def items_svg(progress: Progress) -> str:
    """Hit rate per checklist item, as horizontal bars."""
    if not progress.items:
        return ""
    row, label_w = 26, 250
    height = PAD + row * len(progress.items)
    bars = []
    for k, it in enumerate(progress.items):
        y = PAD / 2 + k * row
        w = (WIDTH - label_w - PAD) * it.rate
        pct = round(100 * it.rate)
        bars.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" class="label">{escape(it.label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{WIDTH - label_w - PAD}" height="16" class="track"/>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="16" class="bar"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" class="axis">{pct}% ({it.hits}/{it.runs})</text>'
        )
    return (
        f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="Hit rate per checklist item" '
        f'class="chart">{"".join(bars)}</svg>'
    )
