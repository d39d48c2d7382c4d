"""Read a PDF record with pypdfium2 into pages of positioned lines.

pdfium gives the page text in content order with ``\\r\\n`` between printed lines and
U+FFFE where a line ends in a hyphen (the next line follows without a break). Each
line's boxes come from ``FPDFText_CountRects``/``FPDFText_GetRect`` over its character
range, which costs little beside the text extraction itself.
"""

from __future__ import annotations

import ctypes
import itertools
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from councilbase.errors import RecordError
from councilbase.read.lines import Line, Page

_BREAK = re.compile(r"\r\n|\r|\n|\ufffe")
_GUTTER_MARGIN = 4.0

MAX_PAGES = 3000
"""More pages than any verbatim record has (the longest run to a few hundred)."""
MAX_OBJECTS_PER_PAGE = 20_000
"""Drawing objects a page may hold (a born-digital page has about 100-450, a scanned page
with its OCR layer about 1,400): checked before the page's text is built."""
MAX_CHARS_PER_PAGE = 60_000
"""Characters a page may hold (a dense page has about 4,000-8,000): a file made of
millions of glyphs is refused, never stored."""


def _check_page(path: Path, page: pdfium.PdfPage, number: int) -> None:
    objects = pdfium_c.FPDFPage_CountObjects(page)
    if objects > MAX_OBJECTS_PER_PAGE:
        raise RecordError(
            str(path),
            f"page {number} holds {objects:,} drawing objects, more than a record's page can"
            f" ({MAX_OBJECTS_PER_PAGE:,}): not read",
        )


def _check_text(path: Path, textpage: pdfium.PdfTextPage, number: int) -> None:
    chars = pdfium_c.FPDFText_CountChars(textpage)
    if chars > MAX_CHARS_PER_PAGE:
        raise RecordError(
            str(path),
            f"page {number} holds {chars:,} characters, more than a record's page can"
            f" ({MAX_CHARS_PER_PAGE:,}): not read",
        )


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise RecordError(str(path), f"cannot be read ({exc.strerror})") from None
    if not head:
        raise RecordError(str(path), "is empty")
    if b"%PDF" not in head:
        raise RecordError(str(path), "is not a PDF (no %PDF header)")
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        text = str(exc).lower()
        if "password" in text:
            raise RecordError(str(path), "is password-protected") from None
        raise RecordError(str(path), f"is a corrupt or truncated PDF ({exc})") from None


def _char_boxes(textpage: pdfium.PdfTextPage, start: int, count: int) -> list[tuple[float, float]]:
    """The horizontal extent of each character of a range (used only to split rare lines)."""
    left, right = ctypes.c_double(), ctypes.c_double()
    bottom, top = ctypes.c_double(), ctypes.c_double()
    boxes = []
    for index in range(start, start + count):
        pdfium_c.FPDFText_GetCharBox(textpage, index, left, right, bottom, top)
        boxes.append((left.value, right.value))
    return boxes


def _page_lines(textpage: pdfium.PdfTextPage, number: int, width: float) -> list[Line]:
    text = textpage.get_text_range()
    left, top = ctypes.c_double(), ctypes.c_double()
    right, bottom = ctypes.c_double(), ctypes.c_double()
    middle = width / 2
    lines: list[Line] = []
    position = 0
    for match in [*_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[position:end]
        hyphen = bool(match and match.group() == "\ufffe")
        start = position
        position = match.end() if match else len(text)
        if not piece.strip():
            continue
        count = pdfium_c.FPDFText_CountRects(textpage, start, len(piece))
        rects = []
        for index in range(count):
            pdfium_c.FPDFText_GetRect(textpage, index, left, top, right, bottom)
            rects.append((left.value, bottom.value, right.value, top.value))
        if not rects:
            continue
        crosses = (
            any(
                a[2] <= middle + _GUTTER_MARGIN and b[0] >= middle - _GUTTER_MARGIN and b[0] > a[2]
                for a, b in itertools.pairwise(rects)
            )
            and min(r[0] for r in rects) < middle - 40
            and max(r[2] for r in rects) > middle + 40
        )
        if crosses:
            lines.extend(_split_at_gutter(textpage, piece, start, number, rects, middle, hyphen))
            continue
        lines.append(
            Line(
                text=piece,
                page=number,
                x0=min(r[0] for r in rects),
                x1=max(r[2] for r in rects),
                top=max(r[3] for r in rects),
                bottom=min(r[1] for r in rects),
                hyphen=hyphen,
            )
        )
    return lines


def _split_at_gutter(
    textpage: pdfium.PdfTextPage,
    piece: str,
    start: int,
    number: int,
    rects: list[tuple[float, float, float, float]],
    middle: float,
    hyphen: bool,
) -> list[Line]:
    """Split a line that pdfium ran across both columns into its left and right parts."""
    boxes = _char_boxes(textpage, start, len(piece))
    cut = next(
        (
            i
            for i, (x0, _x1) in enumerate(boxes)
            if x0 >= middle - _GUTTER_MARGIN and piece[i] != " "
        ),
        len(piece),
    )
    top = max(r[3] for r in rects)
    bottom = min(r[1] for r in rects)
    parts = []
    for text, span, is_last in (
        (piece[:cut], boxes[:cut], False),
        (piece[cut:], boxes[cut:], True),
    ):
        real = [b for b, ch in zip(span, text, strict=True) if not ch.isspace()]
        if not text.strip() or not real:
            continue
        parts.append(
            Line(
                text=text,
                page=number,
                x0=min(b[0] for b in real),
                x1=max(b[1] for b in real),
                top=top,
                bottom=bottom,
                hyphen=hyphen and is_last,
            )
        )
    return parts


def read_pdf(path: str | Path) -> list[Page]:
    """Read every page of a PDF record as positioned lines.

    Raises :class:`RecordError` for a file that is not a PDF, is corrupt, truncated or
    password-protected, or has no text layer (a scan that needs OCR).
    """
    path = Path(path)
    document = _open(path)
    pages: list[Page] = []
    try:
        if len(document) == 0:
            raise RecordError(str(path), "is a PDF with no pages")
        if len(document) > MAX_PAGES:
            raise RecordError(
                str(path), f"has {len(document):,} pages, more than a record has ({MAX_PAGES:,})"
            )
        for index in range(len(document)):
            page = document[index]
            try:
                width, height = page.get_size()
                _check_page(path, page, index + 1)
                textpage = page.get_textpage()
                try:
                    _check_text(path, textpage, index + 1)
                    lines = _page_lines(textpage, index + 1, width)
                finally:
                    textpage.close()
            except pdfium.PdfiumError as exc:
                raise RecordError(str(path), f"page {index + 1} cannot be read ({exc})") from None
            finally:
                page.close()
            pages.append(Page(number=index + 1, lines=lines, width=width, height=height))
    finally:
        document.close()
    if not any(page.lines for page in pages):
        raise RecordError(
            str(path), "has no text layer (a scanned record): OCR is needed before it can be parsed"
        )
    return pages
