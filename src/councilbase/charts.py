"""Charts, shared by the web app and the analysis commands: drawn on the server as SVG (no
JavaScript, readable in any browser, testable as text; every label escaped), or as PNG with
matplotlib (which ships its own fonts: nothing to install on the system).

A :class:`Chart` holds what to draw; :meth:`Chart.write` picks the format from the file's
suffix.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Literal

FORMATS = (".svg", ".png")
BLUE = "#3a6ea5"


def bar_chart(
    data: Sequence[tuple[str, float]],
    title: str,
    *,
    width: int = 720,
    height: int = 260,
    value_format: str = "{:g}",
) -> str:
    """Vertical bars, one per label (months on a query, for instance); the margins grow
    with the labels so that none is cut off, and each bar shows its value when there are
    few enough to read."""
    top = max((v for _, v in data), default=0) or 1
    longest = max((len(label) for label, _ in data), default=4)
    top_label = value_format.format(top)
    slant = 0.72 * 6.2 * longest  # a label's reach, drawn at 45 degrees, 10-pixel type
    margin_left = int(max(48, 7 * len(top_label) + 14, slant * 0.75 + 8))
    margin_bottom, margin_top = int(max(56, slant + 22)), 30
    height = max(height, margin_top + margin_bottom + 120)
    plot_w, plot_h = width - margin_left - 12, height - margin_bottom - margin_top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" font-family="system-ui, sans-serif" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="8" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{margin_left}" y1="{margin_top + plot_h}" x2="{margin_left + plot_w}"'
        f' y2="{margin_top + plot_h}" stroke="#333"/>',
        f'<text x="{margin_left - 6}" y="{margin_top + 4}" font-size="11" text-anchor="end">'
        f"{escape(top_label)}</text>",
        f'<text x="{margin_left - 6}" y="{margin_top + plot_h}" font-size="11" text-anchor="end">0</text>',
    ]
    if not data:
        parts.append(
            f'<text x="{margin_left + 10}" y="{margin_top + plot_h / 2}" font-size="13">No data</text>'
        )
    step = plot_w / max(len(data), 1)
    every = max(1, len(data) // 12)
    show_values = 0 < len(data) <= 24
    for i, (label, value) in enumerate(data):
        h = plot_h * value / top
        x = margin_left + i * step
        parts.append(
            f'<rect class="bar" x="{x + step * 0.1:.1f}" y="{margin_top + plot_h - h:.1f}"'
            f' width="{step * 0.8:.1f}" height="{h:.1f}" fill="{BLUE}">'
            f"<title>{escape(label)}: {escape(value_format.format(value))}</title></rect>"
        )
        if show_values and value:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{margin_top + plot_h - h - 3:.1f}" font-size="10"'
                f' text-anchor="middle">{escape(value_format.format(value))}</text>'
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{margin_top + plot_h + 14}" font-size="10"'
                f' text-anchor="end" transform="rotate(-45 {x + step / 2:.1f} {margin_top + plot_h + 14})">'
                f"{escape(label)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def hbar_chart(data: Sequence[tuple[str, float]], title: str, *, width: int = 720) -> str:
    """Horizontal bars for shares between 0 and 1 (agreement with each member)."""
    row, margin_left, margin_top = 18, 220, 30
    height = margin_top + row * max(len(data), 1) + 10
    plot_w = width - margin_left - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" font-family="system-ui, sans-serif" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="8" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    if not data:
        parts.append(f'<text x="8" y="{margin_top + 12}" font-size="13">No votes</text>')
    for i, (label, share) in enumerate(data):
        y = margin_top + i * row
        w = plot_w * max(0.0, min(1.0, share))
        parts.append(
            f'<text x="{margin_left - 6}" y="{y + 12}" font-size="11" text-anchor="end">{escape(label)}</text>'
            f'<rect class="bar" x="{margin_left}" y="{y + 2}" width="{w:.1f}" height="{row - 5}" fill="#3a6ea5">'
            f"<title>{escape(label)}: {share:.0%}</title></rect>"
            f'<text x="{margin_left + w + 4:.1f}" y="{y + 12}" font-size="11">{share:.0%}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _share_colour(value: float) -> str:
    shade = int(235 - 180 * max(0.0, min(1.0, value)))
    return f"rgb({shade},{shade + 10},{min(255, shade + 40)})"


def heatmap(labels: Sequence[str], values: dict[tuple[str, str], float], title: str) -> str:
    """A square matrix of shares (0 to 1), darker for more agreement, each cell with its
    percentage, and a legend of the scale."""
    cell, margin, top = 34, 74, 40
    size = margin + cell * len(labels) + 10
    legend_y = top + margin + cell * len(labels) + 14
    width = max(size, 420)
    height = legend_y + 46
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" font-family="system-ui, sans-serif" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="4" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
        '<text x="4" y="32" font-size="11" fill="#57606a">Share of votes where both voted the'
        " same way (both took part)</text>",
    ]
    if not labels:
        parts.append(f'<text x="4" y="{top + 30}" font-size="13">No votes in this period</text>')
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{margin - 4}" y="{top + margin + i * cell + 20}" font-size="10" text-anchor="end">{escape(label)}</text>'
            f'<text x="{margin + i * cell + cell / 2}" y="{top + margin - 6}" font-size="10" text-anchor="middle">{escape(label)}</text>'
        )
    for i, a in enumerate(labels):
        for j, b in enumerate(labels):
            value = 1.0 if a == b else values.get((a, b), values.get((b, a), -1.0))
            x, y = margin + j * cell, top + margin + i * cell
            if value < 0:
                fill, text, ink = "#eeeeee", "", "#000"
            else:
                fill, text = _share_colour(value), f"{value:.0%}"
                ink = "#fff" if value > 0.55 else "#1d232a"
            parts.append(
                f'<rect class="cell" x="{x}" y="{y}" width="{cell - 1}" height="{cell - 1}" fill="{fill}">'
                f"<title>{escape(a)} / {escape(b)}: {escape(text or 'no common votes')}</title></rect>"
            )
            if text and a != b:
                parts.append(
                    f'<text x="{x + (cell - 1) / 2}" y="{y + cell / 2 + 3}" font-size="9"'
                    f' text-anchor="middle" fill="{ink}">{escape(text[:-1])}</text>'
                )
    # the legend: the colour scale from 0% to 100%, and grey for pairs that never voted together
    steps = 10
    for k in range(steps + 1):
        parts.append(
            f'<rect class="legend" x="{4 + k * 18}" y="{legend_y}" width="18" height="12"'
            f' fill="{_share_colour(k / steps)}"/>'
        )
    parts.append(
        f'<text x="4" y="{legend_y + 26}" font-size="10">0%</text>'
        f'<text x="{4 + steps * 18 + 18}" y="{legend_y + 26}" font-size="10" text-anchor="end">100%</text>'
        f'<rect x="{4 + (steps + 2) * 18}" y="{legend_y}" width="18" height="12" fill="#eeeeee"/>'
        f'<text x="{4 + (steps + 3) * 18 + 4}" y="{legend_y + 10}" font-size="10">no common votes</text>'
        f'<text x="4" y="{legend_y + 40}" font-size="10" fill="#57606a">Numbers in the cells'
        " are percentages.</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def interval_chart(
    rows: Sequence[tuple[str, float, float, float]], title: str, *, width: int = 720
) -> str:
    """Points with intervals on one axis (positions with their 95% intervals)."""
    row, margin_left, margin_top = 16, 160, 30
    height = margin_top + row * max(len(rows), 1) + 30
    low = min((r[2] for r in rows), default=-1.0)
    high = max((r[3] for r in rows), default=1.0)
    span = (high - low) or 1.0
    plot_w = width - margin_left - 20

    def x(value: float) -> float:
        return margin_left + (value - low) / span * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" font-family="system-ui, sans-serif" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="8" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{x(0):.1f}" y1="{margin_top}" x2="{x(0):.1f}" y2="{height - 20}" stroke="#bbb"/>',
    ]
    for i, (label, value, lo, hi) in enumerate(rows):
        y = margin_top + i * row + row / 2
        parts.append(
            f'<text x="{margin_left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{escape(label)}</text>'
            f'<line x1="{x(lo):.1f}" y1="{y:.1f}" x2="{x(hi):.1f}" y2="{y:.1f}" stroke="#3a6ea5"/>'
            f'<circle class="point" cx="{x(value):.1f}" cy="{y:.1f}" r="3.5" fill="#1f3b5a">'
            f"<title>{escape(label)}: {value:.2f} [{lo:.2f}, {hi:.2f}]</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass
class Chart:
    """One chart: bars (``bar``, ``hbar``: label and value), a ``heatmap`` of shares between
    labels, or points with intervals (``interval``: label, value, low, high)."""

    kind: Literal["bar", "hbar", "heatmap", "interval"]
    title: str
    data: Sequence[tuple[str, float]] = ()
    intervals: Sequence[tuple[str, float, float, float]] = ()
    labels: Sequence[str] = ()
    values: dict[tuple[str, str], float] = field(default_factory=dict)
    value_format: str = "{:g}"

    def svg(self) -> str:
        """The chart as an SVG document."""
        if self.kind == "bar":
            return bar_chart(self.data, self.title, value_format=self.value_format)
        if self.kind == "hbar":
            return hbar_chart(self.data, self.title)
        if self.kind == "heatmap":
            return heatmap(self.labels, self.values, self.title)
        return interval_chart(self.intervals, self.title)

    def png(self) -> bytes:
        """The chart as a PNG image."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        rows = len(self.labels) if self.kind == "heatmap" else len(self.data or self.intervals)
        if self.kind == "bar":
            size = (9.0, 4.0)
        elif self.kind == "heatmap":
            size = (max(5.0, 0.45 * rows + 2), max(4.5, 0.45 * rows + 1.5))
        else:
            size = (9.0, max(2.5, 0.28 * rows + 1.2))
        figure = Figure(figsize=size, dpi=110, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        axes.set_title(self.title, loc="left", fontsize=11, fontweight="bold")
        if not (self.data or self.intervals or self.labels):
            axes.text(0.5, 0.5, "No data", ha="center", va="center", transform=axes.transAxes)
            axes.set_axis_off()
        elif self.kind == "bar":
            names = [label for label, _ in self.data]
            axes.bar(range(len(names)), [v for _, v in self.data], color=BLUE)
            every = max(1, len(names) // 12)
            axes.set_xticks(range(0, len(names), every), names[::every], rotation=45, ha="right")
            axes.spines[["top", "right"]].set_visible(False)
        elif self.kind == "hbar":
            names = [label for label, _ in self.data][::-1]
            shares = [v for _, v in self.data][::-1]
            axes.barh(names, shares, color=BLUE)
            axes.set_xlim(0, max(1.0, max(shares, default=0.0) * 1.1))
            for y, share in enumerate(shares):
                axes.text(share, y, f" {share:.0%}", va="center", fontsize=8)
            axes.spines[["top", "right"]].set_visible(False)
        elif self.kind == "heatmap":
            labels = list(self.labels)
            grid = [
                [
                    1.0
                    if a == b
                    else self.values.get((a, b), self.values.get((b, a), float("nan")))
                    for b in labels
                ]
                for a in labels
            ]
            image = axes.imshow(grid, cmap="Blues", vmin=0.0, vmax=1.0)
            axes.set_xticks(range(len(labels)), labels, rotation=90, fontsize=8)
            axes.set_yticks(range(len(labels)), labels, fontsize=8)
            figure.colorbar(image, ax=axes, shrink=0.7, label="share of votes alike")
        else:
            ordered = list(self.intervals)[::-1]
            ys = range(len(ordered))
            values = [r[1] for r in ordered]
            axes.errorbar(
                values,
                ys,
                xerr=[[r[1] - r[2] for r in ordered], [r[3] - r[1] for r in ordered]],
                fmt="o",
                color="#1f3b5a",
                ecolor=BLUE,
                markersize=4,
            )
            axes.set_yticks(list(ys), [r[0] for r in ordered], fontsize=8)
            axes.axvline(0.0, color="#bbbbbb", linewidth=0.8)
            axes.spines[["top", "right"]].set_visible(False)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()

    def write(self, path: Path) -> None:
        """Write the chart, as SVG or PNG by the file's suffix."""
        suffix = path.suffix.lower()
        if suffix not in FORMATS:
            raise ValueError(
                f"{path}: plots are written as .svg or .png, not {suffix or 'no suffix'}"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".svg":
            path.write_text(self.svg(), encoding="utf-8")
        else:
            path.write_bytes(self.png())
