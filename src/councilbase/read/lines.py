"""The read stage's output: lines of text, with their position on the page when known."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Line:
    """One printed line. Coordinates are PDF points from the bottom-left; ``None`` for text."""

    text: str
    page: int
    x0: float | None = None
    x1: float | None = None
    top: float | None = None
    bottom: float | None = None
    hyphen: bool = False
    """The line ended with a line-end hyphen (pdfium's U+FFFE, or ``-`` in text)."""


@dataclass(slots=True)
class Page:
    """One page: its size (when known) and its lines in content order."""

    number: int
    lines: list[Line] = field(default_factory=list)
    width: float | None = None
    height: float | None = None
