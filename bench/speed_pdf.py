"""Speed of the PDF parser against raw pypdfium2 text extraction of the same PDFs.

Both are timed in the same run, in one process, best of ``--repeat`` runs each.
Prints pages per second and the ratio parse / raw (goal: within 2x). Never fails on timing.

Run: ``.venv/bin/python bench/speed_pdf.py [--records DIR] [--repeat 3]``
"""

from __future__ import annotations

import time
from pathlib import Path

import pypdfium2 as pdfium

from common import parser_with_records, records_or_exit
from councilbase.parse import parse_pdf


def raw_extraction(paths: list[Path]) -> int:
    """Extract every page's text with pypdfium2 and nothing else; returns the page count."""
    pages = 0
    for path in paths:
        document = pdfium.PdfDocument(str(path))
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
            pages += 1
        document.close()
    return pages


def full_parse(paths: list[Path]) -> int:
    """Parse every PDF into a record; returns the page count."""
    return sum((parse_pdf(path).source.pages or 0) for path in paths)  # type: ignore[union-attr]


def best(function: object, paths: list[Path], repeat: int) -> tuple[float, int]:
    times = []
    pages = 0
    for _ in range(repeat):
        start = time.perf_counter()
        pages = function(paths)  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times), pages


def main() -> int:
    parser = parser_with_records(__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    args.records = records_or_exit(args)
    paths = sorted((args.records / "pdf").glob("*.pdf"))
    full_parse(paths[:1])  # warm the vocabulary and imports
    raw_time, pages = best(raw_extraction, paths, args.repeat)
    parse_time, _ = best(full_parse, paths, args.repeat)
    print(f"{len(paths)} PDFs, {pages} pages, best of {args.repeat}")
    print(f"raw pypdfium2 extraction: {raw_time:.3f} s  ({pages / raw_time:.0f} pages/s)")
    print(f"councilbase parse:        {parse_time:.3f} s  ({pages / parse_time:.0f} pages/s)")
    print(f"ratio parse / raw:        {parse_time / raw_time:.2f}x  (goal <= 2x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
