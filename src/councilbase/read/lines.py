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
    scanned: bool = False
    """A scanned page (its text from an image): its footer is told by what it says, not
    only by where it stands, as the text runs close to the edge."""


def printed_rows(lines: list[Line], side_by_side: bool = False) -> list[Line]:
    """The lines joined into the rows printed on the page, top to bottom: the pieces a
    reader returns of one row (a heading centred across both columns, a row OCR cut where
    its dotted leader is garbled), each the lines whose boxes overlap by more than half a
    line's height. ``side_by_side``: only pieces that follow each other left to right."""
    ordered = sorted(lines, key=lambda ln: (-(ln.top or 0), ln.x0 or 0))
    rows: list[Line] = []
    for line in ordered:
        if rows:
            last = rows[-1]
            overlap = min(last.top or 0, line.top or 0) - max(last.bottom or 0, line.bottom or 0)
            height = min((last.top or 0) - (last.bottom or 0), (line.top or 0) - (line.bottom or 0))
            after = (line.x0 or 0) > (last.x1 or 0)
            if height > 0 and overlap > 0.5 * height and (after or not side_by_side):
                rows[-1] = Line(
                    text=f"{last.text.rstrip()} {line.text.lstrip()}",
                    page=line.page,
                    x0=min(last.x0 or 0, line.x0 or 0),
                    x1=max(last.x1 or 0, line.x1 or 0),
                    top=max(last.top or 0, line.top or 0),
                    bottom=min(last.bottom or 0, line.bottom or 0),
                )
                continue
        rows.append(line)
    return rows
