"""Rebuild the reading order of the two-column layout and cut the text into paragraphs.

The cover page is kept as lines for the cover parser. On the other pages the running
header and footer are dropped by their place on the page, lines are ordered left
column then right column (full-width lines stay in place and separate the bands), and
paragraphs are found by first-line indentation and by the space above a line, so that
a paragraph continues across columns and pages.
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter
from dataclasses import dataclass, field

from councilbase import clean
from councilbase.read.lines import Line, Page

HEADER_BAND = 0.905
FOOTER_BAND = 0.105
INDENT = 8.0
GAP_FACTOR = 1.3


@dataclass(slots=True)
class Paragraph:
    """A paragraph of the body, with the pages it spans."""

    text: str
    pages: list[int]
    indented: bool = True
    parts: list[tuple[str, bool]] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    """A record after reading and cleaning: cover lines and body paragraphs."""

    path: str
    format: str
    page_count: int
    cover: list[Line]
    paragraphs: list[Paragraph]


def _column(line: Line, middle: float) -> str:
    assert line.x0 is not None and line.x1 is not None
    if line.x1 <= middle + 4:
        return "L"
    if line.x0 >= middle - 4:
        return "R"
    return "F"


def _is_furniture(line: Line, height: float) -> bool:
    assert line.top is not None and line.bottom is not None
    if line.bottom >= height * HEADER_BAND:
        return True
    return line.top <= height * FOOTER_BAND and (
        clean.is_footer(line.text) or len(line.text.strip()) < 40
    )


def ordered_body_lines(page: Page) -> list[tuple[str, Line]]:
    """The body lines of one page in reading order, each with its column (L, R or F)."""
    width = page.width or 612.0
    height = page.height or 792.0
    middle = width / 2
    body = [line for line in page.lines if not _is_furniture(line, height)]
    tagged = [(_column(line, middle), line) for line in body]
    full = sorted((line for col, line in tagged if col == "F"), key=lambda ln: -(ln.top or 0))
    ordered: list[tuple[str, Line]] = []
    upper = float("inf")
    for bound in [*full, None]:
        lower = bound.top if bound is not None else float("-inf")
        assert lower is not None
        for col in ("L", "R"):
            band = [ln for c, ln in tagged if c == col and lower < (ln.top or 0) <= upper]
            band.sort(key=lambda ln: (-(ln.top or 0), ln.x0 or 0))
            ordered.extend((col, ln) for ln in _merge_same_row(band))
        if bound is not None:
            ordered.append(("F", bound))
            upper = bound.bottom if bound.bottom is not None else lower
    return ordered


def _merge_same_row(lines: list[Line]) -> list[Line]:
    """Join pieces that pdfium returned separately but that stand on one printed line."""
    merged: list[Line] = []
    for line in lines:
        if merged:
            last = merged[-1]
            assert last.top is not None and last.bottom is not None
            assert line.top is not None and line.bottom is not None
            overlap = min(last.top, line.top) - max(last.bottom, line.bottom)
            if (
                overlap > 0.6 * min(last.top - last.bottom, line.top - line.bottom)
                and not last.hyphen
            ):
                merged[-1] = Line(
                    text=last.text.rstrip() + " " + line.text.lstrip(),
                    page=line.page,
                    x0=min(last.x0 or 0, line.x0 or 0),
                    x1=max(last.x1 or 0, line.x1 or 0),
                    top=max(last.top, line.top),
                    bottom=min(last.bottom, line.bottom),
                    hyphen=line.hyphen,
                )
                continue
        merged.append(line)
    return merged


def _column_edges(
    ordered: list[tuple[int, str, Line]],
) -> tuple[dict[tuple[int, str], float], dict[tuple[int, str], float]]:
    """The left and right edges of each column, by page parity, from the commonest values."""
    starts: dict[tuple[int, str], Counter[int]] = {}
    ends: dict[tuple[int, str], Counter[int]] = {}
    for number, col, line in ordered:
        starts.setdefault((number % 2, col), Counter())[round(line.x0 or 0)] += 1
        ends.setdefault((number % 2, col), Counter())[round(line.x1 or 0)] += 1
    lefts: dict[tuple[int, str], float] = {}
    rights: dict[tuple[int, str], float] = {}
    for key, counter in starts.items():
        common = counter.most_common(3)
        lefts[key] = float(min(x for x, n in common if n >= common[0][1] / 3))
    for key, counter in ends.items():
        rights[key] = float(max(x for x, _n in counter.most_common(3)))
    return lefts, rights


def pdf_document(path: str, pages: list[Page]) -> Document:
    """Turn the pages of a PDF record into cover lines and body paragraphs."""
    ordered: list[tuple[int, str, Line]] = []
    for page in pages[1:]:
        ordered.extend((page.number, col, line) for col, line in ordered_body_lines(page))
    edges, rights = _column_edges(ordered)
    pitches = [
        (a.top or 0) - (b.top or 0)
        for (pa, ca, a), (pb, cb, b) in itertools.pairwise(ordered)
        if pa == pb and ca == cb and 0 < (a.top or 0) - (b.top or 0) < 30
    ]
    pitch = statistics.median(pitches) if pitches else 12.0
    seen = clean.word_counts(line.text for _, _, line in ordered)

    paragraphs: list[Paragraph] = []
    current: list[tuple[str, bool]] = []
    current_pages: list[int] = []
    indented = False
    previous: tuple[int, str, Line] | None = None

    def flush() -> None:
        if current:
            text = clean.join_lines(current, seen, prefer_keep=True)
            if text:
                paragraphs.append(
                    Paragraph(text, sorted(set(current_pages)), indented, list(current))
                )
        current.clear()
        current_pages.clear()

    for number, col, line in ordered:
        edge = edges.get((number % 2, col), line.x0 or 0)
        is_indented = (line.x0 or 0) - edge > INDENT
        new = is_indented or col == "F"
        if previous is not None:
            p_number, p_col, p_line = previous
            same_column = p_number == number and p_col == col
            gap = (p_line.top or 0) - (line.top or 0)
            if same_column and gap > GAP_FACTOR * pitch:
                new = True
            elif (
                same_column
                and is_indented
                and abs((p_line.x0 or 0) - (line.x0 or 0)) < 1.5
                and (p_line.x1 or 0) >= rights.get((number % 2, col), 0) - 12
            ):
                new = False  # a block quotation or a vote list: every line indented alike
            if p_col == "F":
                new = True
        if new:
            flush()
            indented = is_indented
        current.append((line.text, line.hyphen))
        current_pages.append(number)
        previous = (number, col, line)
    flush()
    cover = list(pages[0].lines) if pages else []
    return Document(
        path=path, format="pdf", page_count=len(pages), cover=cover, paragraphs=paragraphs
    )
