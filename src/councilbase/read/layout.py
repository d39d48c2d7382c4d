"""Rebuild the reading order of the two-column layout and cut the text into paragraphs.

The cover page is kept as lines for the cover parser. On the other pages the running
header and footer are dropped by their place on the page, lines are ordered left
column then right column (full-width lines stay in place and separate the bands), and
paragraphs are found by first-line indentation and by the space above a line, so that
a paragraph continues across columns and pages.
"""

from __future__ import annotations

import itertools
import math
import re
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


def _furniture_key(text: str) -> str:
    return re.sub(r"[\W\d_]+", " ", text.casefold()).strip()


def repeated_headers(pages: list[Page]) -> frozenset[str]:
    """The lines at the top and bottom of scanned pages that repeat on several pages:
    running headers and footers, told by their repetition (a scan's text runs close to the
    edges, so its furniture cannot be told by place alone)."""
    seen: Counter[str] = Counter()
    scanned = [p for p in pages if p.scanned]
    for page in scanned:
        height = page.height or 792.0
        keys = {
            _furniture_key(line.text)
            for line in page.lines
            if (line.bottom or 0) >= height * HEADER_BAND or (line.top or 0) <= height * FOOTER_BAND
        }
        seen.update(k for k in keys if len(k) >= 6)
    least = max(3, len(scanned) // 4)
    return frozenset(k for k, n in seen.items() if n >= least)


def _is_furniture(
    line: Line, height: float, scanned: bool = False, repeated: frozenset[str] = frozenset()
) -> bool:
    assert line.top is not None and line.bottom is not None
    in_band = line.bottom >= height * HEADER_BAND or line.top <= height * FOOTER_BAND
    if scanned and in_band and _furniture_key(line.text) in repeated:
        return True
    if line.bottom >= height * HEADER_BAND:
        return not scanned or len(line.text.strip()) < 60 or clean.is_footer(line.text)
    short = 6 if scanned else 40
    return line.top <= height * FOOTER_BAND and (
        clean.is_footer(line.text) or (len(line.text.strip()) < short and not _prose(line.text))
    )


def _prose(text: str) -> bool:
    """A short line of running text (the end of a sentence at the foot of a column:
    "President, took the Chair."), not a page number, a job number or a symbol."""
    return len(re.findall(r"\b[a-z]{2,}\b", text)) >= 2


def spanning_share(pages: list[Page]) -> float:
    """The share of body lines that run across the middle of their page: near 1 for a
    one-column layout, small for two columns (only headings and the odd wide line)."""
    spanning = total = 0
    for page in pages:
        width = page.width or 612.0
        height = page.height or 792.0
        middle = width / 2
        for line in page.lines:
            if _is_furniture(line, height) or len(line.text.strip()) < 25:
                continue
            total += 1
            spanning += (line.x0 or 0) < middle - 40 and (line.x1 or 0) > middle + 40
    return spanning / total if total else 0.0


def gutter(lines: list[Line], width: float) -> float:
    """Where the two columns of a page meet: the place near the middle that the fewest
    lines run across (the middle itself for a typeset page; a scan sits where it sits)."""
    middle = width / 2
    if not lines:
        return middle
    # the candidates: 81 places 0.4 % of the width apart; each line crosses those strictly
    # between x0 + 4 and x1 - 4, counted with a difference array (one pass over the lines)
    unit = width * 0.004
    changes = [0] * 82
    for line in lines:
        low = math.floor(((line.x0 or 0) + 4 - middle) / unit) + 1  # first step with x > x0+4
        high = math.ceil(((line.x1 or 0) - 4 - middle) / unit) - 1  # last step with x < x1-4
        low, high = max(low, -40), min(high, 40)
        if low <= high:
            changes[low + 40] += 1
            changes[high + 41] -= 1
    best, fewest, crossing = middle, len(lines) + 1, 0
    for step in range(-40, 41):
        crossing += changes[step + 40]
        x = middle + step * unit
        if crossing < fewest or (crossing == fewest and abs(x - middle) < abs(best - middle)):
            best, fewest = x, crossing
    return best


def ordered_body_lines(
    page: Page,
    columns: int = 2,
    keep_language: str | None = None,
    repeated: frozenset[str] = frozenset(),
) -> list[tuple[str, Line]]:
    """The body lines of one page in reading order, each with its column (L, R or F; a
    one-column page is all L). With ``keep_language`` (``en``), a column in another
    language (the French of the bilingual Official Records) is left out, told by its words,
    not by its side of the page."""
    width = page.width or 612.0
    height = page.height or 792.0
    middle = width / 2
    body = [line for line in page.lines if not _is_furniture(line, height, page.scanned, repeated)]
    if columns == 1:
        body.sort(key=lambda ln: (-(ln.top or 0), ln.x0 or 0))
        return [("L", ln) for ln in _merge_same_row(body)]
    middle = gutter(body, width)
    tagged = [(_column(line, middle), line) for line in body]
    if keep_language is not None:
        tagged = _in_language(tagged, keep_language)
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


def _in_language(tagged: list[tuple[str, Line]], language: str) -> list[tuple[str, Line]]:
    """Leave out the columns (and full-width lines) of a page written in another language."""
    from councilbase.read.ocr import language_of

    dropped: set[str] = set()
    for col in ("L", "R"):
        found = language_of([ln.text for c, ln in tagged if c == col])
        if found is not None and found != language:
            dropped.add(col)
    kept = []
    for col, line in tagged:
        if col in dropped:
            continue
        if col == "F" and language_of([line.text * 4]) not in (None, language):
            continue  # a heading in the other language (the line repeated to be judged)
        kept.append((col, line))
    return kept


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
    """The left and right edges of each column, from the commonest values: of each page
    where the column has lines enough (a scan sits a little differently on every page),
    else of the pages of the same parity (a typeset record alternates its margins)."""
    grouped: dict[tuple[int, str], list[Line]] = {}
    for number, col, line in ordered:
        for key in ((number % 2, col), (-number - 1, col)):  # parity, and the page itself
            grouped.setdefault(key, []).append(line)
    starts = {k: Counter(round(ln.x0 or 0) for ln in v) for k, v in grouped.items()}
    ends = {k: Counter(round(ln.x1 or 0) for ln in v) for k, v in grouped.items()}
    lefts: dict[tuple[int, str], float] = {}
    rights: dict[tuple[int, str], float] = {}
    for key, counter in starts.items():
        common = counter.most_common(3)
        lefts[key] = float(min(x for x, n in common if n >= common[0][1] / 3))
    for key, counter in ends.items():
        rights[key] = float(max(x for x, _n in counter.most_common(3)))
    for number in {n for n, _, _ in ordered}:
        for col in ("L", "R", "F"):
            page_key = (-number - 1, col)
            if page_key in starts and sum(starts[page_key].values()) >= 12:
                lefts[(number, col)] = _near_left(starts[page_key])
                rights[(number, col)] = rights[page_key]
            elif (number % 2, col) in lefts:
                lefts[(number, col)] = lefts[(number % 2, col)]
                rights[(number, col)] = rights[(number % 2, col)]
    return lefts, rights


def _near_left(counter: Counter[int]) -> float:
    """A column's left edge from its lines' starts (within 2 points, as scans wobble)."""
    merged: Counter[int] = Counter()
    for x, n in counter.items():
        merged[x // 3] += n
    common = merged.most_common(3)
    bucket = min(b for b, n in common if n >= common[0][1] / 3)
    return float(min(x for x in counter if x // 3 == bucket))


def pdf_document(
    path: str,
    pages: list[Page],
    columns: int | None = None,
    keep_language: str | None = None,
) -> Document:
    """Turn the pages of a PDF record into cover lines and body paragraphs (``columns``:
    1 or 2, found from the pages when not given; ``keep_language``: leave out columns in
    other languages)."""
    if columns is None:
        columns = 1 if spanning_share(pages[1:]) > 0.6 else 2
    ordered: list[tuple[int, str, Line]] = []
    repeated = repeated_headers(pages[1:])
    for page in pages[1:]:
        ordered.extend(
            (page.number, col, line)
            for col, line in ordered_body_lines(page, columns, keep_language, repeated)
        )
    edges, rights = _column_edges(ordered)
    pitches = [
        (a.top or 0) - (b.top or 0)
        for (pa, ca, a), (pb, cb, b) in itertools.pairwise(ordered)
        if pa == pb and ca == cb and 0 < (a.top or 0) - (b.top or 0) < 30
    ]
    # the line pitch: the lower quartile of the gaps (in a layout of short paragraphs the
    # gaps between paragraphs may be nearly as many as those between lines)
    pitch = statistics.quantiles(pitches, n=4)[0] if len(pitches) >= 4 else 12.0
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
        edge = edges.get((number, col), line.x0 or 0)
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
                and (p_line.x1 or 0) >= rights.get((number, col), 0) - 12
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
