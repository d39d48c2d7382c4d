"""Layout families of the Council's (and the Assembly's) verbatim records, and the detector
that says which one a file is in, and why.

=================  =====================================================================
family             what it is
=================  =====================================================================
two-column         the United Nations' two-column record (from about 1994 to 2023,
                   typeset with Acrobat Distiller, InDesign and the like): a cover page,
                   then two columns with running headers and footers
one-column         the current record, made with Microsoft Word (from 2024): a cover page,
                   then one column of indented paragraphs
official-records   the printed Official Records (1946 to the early 1990s), scanned: pages
                   in English and French side by side, the meeting's heading, President,
                   members and agenda at the top of the first text page, names in capitals
text               a record already turned into text (pdftotext's output)
speeches           a speech-level research corpus (one file per speech)
=================  =====================================================================

A family is data and a few recognisers (:mod:`official_records` holds the ones that differ),
never a copy of the parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from councilbase.read.layout import spanning_share
from councilbase.read.lines import Page
from councilbase.read.pdf import PageReading


@dataclass(frozen=True)
class Layout:
    """A layout family and what reading it needs: columns per page, whether pages are in
    two languages (keep the English), and why the detector chose it."""

    name: str
    columns: int = 2
    bilingual: bool = False
    why: list[str] = field(default_factory=list)


def detect(pages: list[Page], readings: list[PageReading], producer: str) -> Layout:
    """The family of a PDF record, from its producer, its page geometry and its text."""
    from councilbase.read.ocr import language_of

    why: list[str] = []
    scanned = sum(1 for r in readings if r.scan)
    if scanned >= max(1, len(readings) // 2):
        why.append(f"{scanned} of {len(readings)} pages are scanned images")
        languages = set()
        for page in pages[1:]:
            middle = (page.width or 612.0) / 2
            for side in (
                [ln.text for ln in page.lines if (ln.x1 or 0) <= middle + 4],
                [ln.text for ln in page.lines if (ln.x0 or 0) >= middle - 4],
            ):
                found = language_of(side)
                if found:
                    languages.add(found)
        if {"en", "fr"} <= languages:
            why.append("columns in English and in French")
            return Layout("official-records", columns=2, bilingual=True, why=why)
        why.append("in one language: a scan of a later layout")
    share = spanning_share(pages[1:])
    if share > 0.6:
        why.append(f"{share:.0%} of the body's lines run across the middle of the page")
        if "Word" in producer:
            why.append(f"made with {producer}")
        return Layout("one-column", columns=1, why=why)
    why.append(f"{share:.0%} of the body's lines cross the middle: two columns")
    if producer:
        why.append(f"made with {producer}")
    return Layout("two-column", columns=2, why=why)
