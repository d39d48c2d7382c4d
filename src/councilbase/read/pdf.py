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
from dataclasses import dataclass
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
    """The page's printed lines with their boxes. A line that pdfium ran across the gutter
    of a two-column page is cut in two; on a one-column page (most lines cross the middle)
    nothing is cut."""
    text = textpage.get_text_range()
    left, top = ctypes.c_double(), ctypes.c_double()
    right, bottom = ctypes.c_double(), ctypes.c_double()
    middle = width / 2
    pieces: list[tuple[str, int, bool, list[tuple[float, float, float, float]]]] = []
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
        if rects:
            pieces.append((piece, start, hyphen, rects))
    spanning = sum(
        1
        for _, _, _, rects in pieces
        if min(r[0] for r in rects) < middle - 40 and max(r[2] for r in rects) > middle + 40
    )
    two_columns = spanning < 0.5 * len(pieces)
    lines: list[Line] = []
    for piece, start, hyphen, rects in pieces:
        crosses = (
            two_columns
            and any(
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


OCR_MODES = ("auto", "always", "never")
OCR_DPI = 300
"""The resolution a page without a scanned image is rendered at for OCR."""
SCAN_QUALITY = 0.93
"""A scanned page whose text layer scores below this (see
:func:`councilbase.read.ocr.text_quality`; born-digital pages score 0.95 and more) is read
again by OCR in ``auto`` mode, and the better reading kept."""


@dataclass(frozen=True)
class PageReading:
    """How one page's text was read: from its text layer or by OCR, how good it looks
    (0 to 1), and whether the page is a scan (an image covering most of it)."""

    page: int
    source: str
    quality: float
    scan: bool = False


@dataclass
class PdfReading:
    """What reading a PDF gave: its pages of lines, its producer, and each page's reading."""

    pages: list[Page]
    producer: str
    readings: list[PageReading]


def _scan_dpi(page: pdfium.PdfPage, width: float, height: float) -> int | None:
    """The resolution of the image that covers most of the page (a scanned page), or None
    when no image does. OCR reads a scan best at its own resolution, not resampled."""
    left, bottom = ctypes.c_float(), ctypes.c_float()
    right, top = ctypes.c_float(), ctypes.c_float()
    pixels_w, pixels_h = ctypes.c_uint(), ctypes.c_uint()
    for index in range(pdfium_c.FPDFPage_CountObjects(page)):
        obj = pdfium_c.FPDFPage_GetObject(page, index)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        shown = right.value - left.value
        if shown * (top.value - bottom.value) < 0.5 * width * height or shown <= 0:
            continue
        if pdfium_c.FPDFImageObj_GetImagePixelSize(obj, pixels_w, pixels_h):
            return max(150, min(400, round(pixels_w.value / (shown / 72))))
        return OCR_DPI
    return None


def read_pdf_document(
    path: str | Path, ocr: str = "auto", ocr_cache: Path | None = None
) -> PdfReading:
    """Read every page of a PDF record as positioned lines, from its text layer or by OCR:
    ``auto`` reads by OCR a page without text, or a scanned page whose text layer is poor
    (and keeps the better reading); ``always`` reads every page by OCR; ``never`` none.

    Raises :class:`RecordError` for a file that is not a PDF, is corrupt, truncated or
    password-protected, too large in ways no record is, or has no text that can be read.
    """
    from councilbase.read.ocr import ocr_page, text_quality

    if ocr not in OCR_MODES:
        raise RecordError(str(path), f"unknown OCR mode {ocr!r}: one of {', '.join(OCR_MODES)}")
    path = Path(path)
    document = _open(path)
    pages: list[Page] = []
    readings: list[PageReading] = []
    try:
        producer = " ".join(
            str(document.get_metadata_dict().get(key) or "") for key in ("Producer", "Creator")
        ).strip()
        if len(document) == 0:
            raise RecordError(str(path), "is a PDF with no pages")
        if len(document) > MAX_PAGES:
            raise RecordError(
                str(path), f"has {len(document):,} pages, more than a record has ({MAX_PAGES:,})"
            )
        for index in range(len(document)):
            number = index + 1
            page = document[index]
            try:
                width, height = page.get_size()
                _check_page(path, page, number)
                textpage = page.get_textpage()
                try:
                    _check_text(path, textpage, number)
                    lines = _page_lines(textpage, number, width)
                finally:
                    textpage.close()
                dpi = _scan_dpi(page, width, height)
                scan = dpi is not None
                quality = text_quality(lines, french=scan) if lines else 0.0
                source = "text"
                wanted = ocr == "always" or (
                    ocr == "auto" and (not lines or (scan and quality < SCAN_QUALITY))
                )
                if wanted:
                    read = ocr_page(page, number, dpi=dpi or OCR_DPI, cache=ocr_cache)
                    ocr_quality = text_quality(read.lines, french=True)
                    # an old scan's text layer is an old OCR's: Tesseract's reading (and its
                    # layout analysis) wins unless the layer reads clearly better
                    if ocr == "always" or not lines or ocr_quality + 0.05 > quality:
                        lines, quality, source = read.lines, ocr_quality, "ocr"
            except pdfium.PdfiumError as exc:
                raise RecordError(str(path), f"page {number} cannot be read ({exc})") from None
            finally:
                page.close()
            pages.append(Page(number=number, lines=lines, width=width, height=height, scanned=scan))
            readings.append(PageReading(number, source, quality, scan))
    finally:
        document.close()
    if not any(page.lines for page in pages):
        hint = (
            "OCR is needed before it can be parsed (run with --ocr auto)"
            if ocr == "never"
            else "OCR found no text on it either"
        )
        raise RecordError(str(path), f"has no text layer (a scanned record): {hint}")
    return PdfReading(pages, producer, readings)


def read_pdf(path: str | Path, ocr: str = "never") -> list[Page]:
    """Every page of a PDF record as positioned lines (see :func:`read_pdf_document`)."""
    return read_pdf_document(path, ocr).pages
