"""Charts drawn on the server as SVG: no JavaScript, readable in any browser, testable as
text. Every label is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape


def bar_chart(
    data: Sequence[tuple[str, float]],
    title: str,
    *,
    width: int = 720,
    height: int = 260,
    value_format: str = "{:g}",
) -> str:
    """Vertical bars, one per label (months on a query, for instance)."""
    margin_left, margin_bottom, margin_top = 48, 56, 28
    plot_w, plot_h = width - margin_left - 12, height - margin_bottom - margin_top
    top = max((v for _, v in data), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" font-family="system-ui, sans-serif" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{margin_left}" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{margin_left}" y1="{margin_top + plot_h}" x2="{margin_left + plot_w}"'
        f' y2="{margin_top + plot_h}" stroke="#333"/>',
        f'<text x="{margin_left - 6}" y="{margin_top + 4}" font-size="11" text-anchor="end">'
        f"{escape(value_format.format(top))}</text>",
        f'<text x="{margin_left - 6}" y="{margin_top + plot_h}" font-size="11" text-anchor="end">0</text>',
    ]
    if not data:
        parts.append(
            f'<text x="{margin_left + 10}" y="{margin_top + plot_h / 2}" font-size="13">No data</text>'
        )
    step = plot_w / max(len(data), 1)
    every = max(1, len(data) // 12)
    for i, (label, value) in enumerate(data):
        h = plot_h * value / top
        x = margin_left + i * step
        parts.append(
            f'<rect class="bar" x="{x + step * 0.1:.1f}" y="{margin_top + plot_h - h:.1f}"'
            f' width="{step * 0.8:.1f}" height="{h:.1f}" fill="#3a6ea5">'
            f"<title>{escape(label)}: {escape(value_format.format(value))}</title></rect>"
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


def heatmap(labels: Sequence[str], values: dict[tuple[str, str], float], title: str) -> str:
    """A square matrix of shares (0 to 1), darker for more agreement."""
    cell, margin = 30, 70
    size = margin + cell * len(labels) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" font-family="system-ui, sans-serif" width="{size}" height="{size + 20}"'
        f' viewBox="0 0 {size} {size + 20}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="4" y="14" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{margin - 4}" y="{margin + i * cell + 17}" font-size="10" text-anchor="end">{escape(label)}</text>'
            f'<text x="{margin + i * cell + 13}" y="{margin - 6}" font-size="10" text-anchor="middle">{escape(label)}</text>'
        )
    for i, a in enumerate(labels):
        for j, b in enumerate(labels):
            value = 1.0 if a == b else values.get((a, b), values.get((b, a), -1.0))
            if value < 0:
                fill = "#eeeeee"
                text = ""
            else:
                shade = int(235 - 180 * value)
                fill = f"rgb({shade},{shade + 10},{min(255, shade + 40)})"
                text = f"{value:.0%}"
            parts.append(
                f'<rect class="cell" x="{margin + j * cell}" y="{margin + i * cell}" width="{cell - 1}" height="{cell - 1}" fill="{fill}">'
                f"<title>{escape(a)} / {escape(b)}: {escape(text or 'no common votes')}</title></rect>"
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
