"""Ingest on a Dask cluster: throughput with 1 and 2 workers on OCR-heavy input (image-only
copies of the sample PDFs' first pages, made here) and on the born-digital PDFs, the speed-up,
and a projection of the whole archive's time from pages per second per worker.

    python bench/cluster.py [--records DIR] [--pages 6] [--files 4] [--workers 1 2]

Each run uses a fresh database and a fresh OCR cache (nothing is read from an earlier run);
the cluster (``local:N``, N worker processes of one thread) is started before the clock.
The baseline is the run with one worker, measured in the same run.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from common import parser_with_records, records_or_exit
from councilbase.store.database import Database
from councilbase.testing.scans import image_only_copy

ARCHIVE_SCANNED_PAGES = 100_000
"""Pages of the first decades that only a scan gives (issue 18's estimate)."""
ARCHIVE_PAGES = 250_000
"""All the Council's pages since 1946, about."""


def first_pages(pdf: Path, out: Path, pages: int) -> Path:
    """A copy of a PDF's first pages."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(str(pdf))
    copy = pdfium.PdfDocument.new()
    copy.import_pages(source, list(range(min(pages, len(source)))))
    copy.save(str(out))
    return out


def page_count(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    return sum(len(pdfium.PdfDocument(str(p))) for p in paths)


def run(paths: list[Path], workers: int, work: Path, label: str) -> float:
    """Seconds to ingest the files on a local cluster of ``workers`` processes."""
    from councilbase.cluster import connect

    os.environ["COUNCILBASE_OCR_CACHE"] = str(Path(tempfile.mkdtemp(dir=work, prefix="ocr")))
    database = work / f"{label}-{workers}.db"
    with connect(f"local:{workers}") as cluster, Database(database) as db:
        started = time.perf_counter()
        summary = db.ingest([str(p) for p in paths], cluster=cluster)
        seconds = time.perf_counter() - started
    assert not summary.failed, summary.failed
    return seconds


def main() -> None:
    parser = parser_with_records(__doc__)
    parser.add_argument("--pages", type=int, default=6, help="Pages of each scanned copy.")
    parser.add_argument("--files", type=int, default=4, help="How many scanned copies.")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    records = records_or_exit(args)
    pdfs = sorted((records / "pdf").glob("*.pdf"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        scans = []
        for pdf in pdfs[: args.files]:
            short = first_pages(pdf, work / f"short-{pdf.name}", args.pages)
            scans.append(image_only_copy(short, work / "scans" / pdf.name, 200))
        cases = [("scanned (OCR)", scans), ("born-digital", pdfs)]
        print(f"{os.cpu_count()} cores; workers: {args.workers}")
        rates: dict[str, float] = {}
        for label, paths in cases:
            pages = page_count(paths)
            times = {n: run(paths, n, work, label.split()[0]) for n in args.workers}
            base = times[args.workers[0]]
            for n, seconds in times.items():
                print(
                    f"{label:>14}: {len(paths)} files, {pages} pages, {n} worker(s):"
                    f" {seconds:6.1f} s, {pages / seconds:5.2f} pages/s,"
                    f" speed-up {base / seconds:.2f}x over {args.workers[0]}"
                )
            rates[label] = pages / base / args.workers[0]
        per_worker_ocr = rates["scanned (OCR)"]
        per_worker_digital = rates["born-digital"]
        for workers in (2, 16, 64):
            hours = (
                (
                    ARCHIVE_SCANNED_PAGES / per_worker_ocr
                    + (ARCHIVE_PAGES - ARCHIVE_SCANNED_PAGES) / per_worker_digital
                )
                / workers
                / 3600
            )
            print(
                f"projection: {ARCHIVE_PAGES:,} pages ({ARCHIVE_SCANNED_PAGES:,} scanned) on"
                f" {workers} workers: {hours:,.1f} h (at {per_worker_ocr:.3f} scanned and"
                f" {per_worker_digital:.2f} born-digital pages/s per worker)"
            )


if __name__ == "__main__":
    main()
