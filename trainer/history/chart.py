"""The progress chart as a PNG (matplotlib, no display needed)."""

from __future__ import annotations

import io
from pathlib import Path

from trainer.history.progress import Progress


def png(progress: Progress) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 7), gridspec_kw={"height_ratios": [3, 2]})
    xs = list(range(1, len(progress.points) + 1))
    top.plot(xs, [p.total for p in progress.points], marker="o", color="#2b6cb0", label="total (0-100)")
    top.set_ylim(0, 105)
    top.set_xlabel("rehearsal")
    top.set_ylabel("total")
    top.set_xticks(xs)
    top.grid(alpha=0.3)
    pace = top.twinx()
    pace.plot(
        xs,
        [p.wpm if p.wpm is not None else float("nan") for p in progress.points],
        marker="s",
        color="#dd6b20",
        label="words / minute",
    )
    pace.plot(
        xs,
        [p.fillers_per_minute * 10 if p.fillers_per_minute is not None else float("nan") for p in progress.points],
        marker="^",
        color="#805ad5",
        label="fillers / minute × 10",
    )
    pace.set_ylabel("pace")
    lines = top.get_legend_handles_labels()
    more = pace.get_legend_handles_labels()
    top.legend(lines[0] + more[0], lines[1] + more[1], loc="lower right", fontsize=8)
    top.set_title("Your close, rehearsal by rehearsal")
    labels = [t.label for t in progress.items]
    rates = [t.rate * 100 for t in progress.items]
    colours = ["#38a169" if r >= 80 else "#d69e2e" if r >= 50 else "#e53e3e" for r in rates]
    bottom.barh(labels, rates, color=colours)
    bottom.set_xlim(0, 100)
    bottom.invert_yaxis()
    bottom.set_xlabel(f"% of the last {progress.runs} runs that hit the item")
    bottom.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()


def save_png(progress: Progress, path: Path) -> Path:
    path.write_bytes(png(progress))
    return path
