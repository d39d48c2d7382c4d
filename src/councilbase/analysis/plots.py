"""Plots of analysis results, written as SVG (the web app's own charts, no dependency) or
PNG (drawn with matplotlib, which ships its own fonts: nothing to install on the system).

A :class:`Chart` holds what to draw; :meth:`Chart.write` picks the format from the file's
suffix.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from councilbase.web import charts

FORMATS = (".svg", ".png")
BLUE = "#3a6ea5"


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
            return charts.bar_chart(self.data, self.title, value_format=self.value_format)
        if self.kind == "hbar":
            return charts.hbar_chart(self.data, self.title)
        if self.kind == "heatmap":
            return charts.heatmap(self.labels, self.values, self.title)
        return charts.interval_chart(self.intervals, self.title)

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
