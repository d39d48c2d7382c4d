"""A corpus of bad inputs made from the real records, and a runner that feeds each one to
councilbase and says how it ended.

Classes: PDFs cut at random offsets, with flipped bytes, with a password, with no pages,
with no text layer (a scanned page); text and speech files in other encodings, binary,
empty, huge (100 MB), with no speaker lines, with speaker lines only; outcome tables with
broken rows. Every input must end in a clear message or a documented partial result, never
a traceback or a hang.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from councilbase.errors import RecordError
from councilbase.store.database import Database
from councilbase.store.outcomes import import_outcomes


@dataclass
class Case:
    """One bad input: its file, its class, and what a good ending is for it."""

    path: Path
    kind: str
    expect: str  # error | partial | record | rows


@dataclass
class Ending:
    """How councilbase ended on one case."""

    case: Case
    result: str  # error | partial | record | rows | crash | hang
    message: str
    seconds: float


@dataclass
class Report:
    """Every case and how it ended."""

    endings: list[Ending] = field(default_factory=list)

    def by_class(self) -> dict[str, dict[str, int]]:
        """For each class of input, how many ended each way."""
        out: dict[str, dict[str, int]] = {}
        for ending in self.endings:
            counts = out.setdefault(ending.case.kind, {})
            counts[ending.result] = counts.get(ending.result, 0) + 1
        return out

    @property
    def failures(self) -> list[Ending]:
        """Cases that crashed, hung, or ended other than expected."""
        return [
            e for e in self.endings if e.result in ("crash", "hang") or e.result != e.case.expect
        ]


def make_corpus(records: Path, out: Path, *, seed: int = 8, huge_mb: int = 100) -> list[Case]:
    """Write the bad inputs into ``out`` (made from the records in ``records``)."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []
    pdfs = sorted((records / "pdf").glob("*.pdf"))
    speeches = sorted((records / "speeches").glob("*.txt"))

    def add(name: str, data: bytes, kind: str, expect: str) -> None:
        path = out / name
        path.write_bytes(data)
        cases.append(Case(path, kind, expect))

    for i in range(6):
        data = rng.choice(pdfs).read_bytes()
        cut = rng.randrange(200, len(data) - 200)
        add(f"cut-{i}.pdf", data[:cut], "pdf cut at a random offset", "partial-or-error")
    for i in range(6):
        flipped = bytearray(rng.choice(pdfs).read_bytes())
        for _ in range(rng.choice((1, 8, 64, 512))):
            position = rng.randrange(len(flipped))
            flipped[position] ^= 0xFF
        add(
            f"flipped-{i}.pdf",
            bytes(flipped),
            "pdf with flipped bytes",
            "record-or-partial-or-error",
        )
    qpdf = shutil.which("qpdf")
    if qpdf:
        locked = out / "password.pdf"
        subprocess.run(
            [qpdf, "--encrypt", "user", "owner", "256", "--", str(pdfs[0]), str(locked)], check=True
        )
        cases.append(Case(locked, "pdf with a password", "error"))
    add("no-pages.pdf", _pdf_without_pages(), "pdf with no pages", "error")
    add("scanned.pdf", _pdf_without_text(), "pdf with no text layer", "error")
    text = speeches[5].read_text(encoding="utf-8", errors="replace")
    stem = speeches[5].name.replace("8698", "9100")
    add(
        stem.replace("spch", "spch9"),
        text.encode("utf-16-le"),
        "speech in UTF-16 without a BOM",
        "record",
    )
    add(
        stem.replace("spch0", "spch8"),
        text.replace("'", "’").encode("cp1252", errors="replace"),
        "speech in cp1252",
        "record",
    )
    add(
        stem.replace("spch0", "spch7"),
        text.encode("latin-1", errors="replace"),
        "speech in Latin-1",
        "record",
    )
    add("binary.txt", bytes(rng.randrange(256) for _ in range(4096)), "binary file", "error")
    add("empty.txt", b"", "empty file", "error")
    add("empty-speech_UNSC_2020_SPV.9101_spch001.txt", b"", "empty file", "error")
    add(
        "UNSC_2020_SPV.9102_spch001.txt",
        (("The situation remains difficult and the parties must talk. " * 30) + "\n").encode(),
        "speech with no speaker line",
        "partial",
    )
    add(
        "speakers-only.txt",
        "".join(f"Mr. Speaker{i} (France):\n" for i in range(200)).encode(),
        "text with speaker lines only",
        "error-or-partial",
    )
    huge = out / "UNSC_2020_SPV.9103_spch001.txt"
    with huge.open("wb") as handle:
        block = (text + "\n").encode("utf-8")
        written = 0
        while written < huge_mb * 1_000_000:
            handle.write(block)
            written += len(block)
    cases.append(Case(huge, f"huge file ({huge_mb} MB)", "error"))
    tables = out / "tables"
    tables.mkdir(exist_ok=True)
    html = (records / "outcomes" / "scact2019_table_en.html").read_text(
        encoding="utf-8", errors="replace"
    )
    broken = html.replace("</tr>", "", 40).replace("<td>", "<td><b>", 25)
    rows = html.split("<tr>")
    for i in range(5, min(len(rows), 60), 7):
        rows[i] = rows[i][: len(rows[i]) // 2]
    (tables / "scact2019_table_en.html").write_text(broken, encoding="utf-8")
    (tables / "scact2018_table_en.html").write_text("<tr>".join(rows), encoding="utf-8")
    (tables / "scact2017_table_en.html").write_text(
        "<html><body>No table here</body></html>", encoding="utf-8"
    )
    (tables / "scact2016_table_en.html").write_bytes(b"\xff\xfe\x00garbage" * 100)
    cases.append(Case(tables, "outcome tables with broken rows", "rows"))
    return cases


def _pdf_without_pages() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _pdf_without_text() -> bytes:
    """A page with only a drawing on it, as a scan without OCR would be."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    document.new_page(595, 842)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scan.pdf"
        document.save(str(path))
        return path.read_bytes()


def run_case(case: Case, db_path: Path, time_limit: float) -> Ending:
    """Feed one case to councilbase (ingest, or the outcomes import); how it ended."""
    started = time.perf_counter()
    try:
        with Database(db_path) as db:
            if case.expect == "rows":
                summary = import_outcomes(db.conn, case.path)
                rows = summary.total
                message = (
                    f"{rows} rows; {len(summary.problems)} rows with problems; "
                    f"{len(summary.errors)} files refused: "
                    + "; ".join(str(e) for e in summary.errors)[:300]
                )
                result = "rows"
            else:
                before = db.conn.execute("SELECT count(*) FROM meetings").fetchone()[0]
                outcome = db.ingest([str(case.path)], jobs=1, time_limit=time_limit)
                after = db.conn.execute("SELECT count(*) FROM meetings").fetchone()[0]
                failed = outcome.failed
                warnings = [
                    w
                    for (w,) in db.conn.execute(
                        "SELECT warnings FROM meetings ORDER BY id DESC LIMIT 1"
                    )
                ]
                if failed and after == before:
                    result, message = "error", failed[0].message
                elif after > before and warnings and warnings[0] != "[]":
                    result, message = "partial", warnings[0][:300]
                elif after > before:
                    result, message = "record", "stored"
                else:
                    result, message = "error", "nothing stored"
    except RecordError as exc:
        result, message = "error", str(exc)
    except Exception as exc:  # a crash is what this runner exists to find
        result, message = "crash", f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - started
    if seconds > time_limit * 1.5:
        result = "hang"
    if "-or-" in case.expect and result in case.expect.split("-or-"):
        case = Case(case.path, case.kind, result)
    return Ending(case, result, message, seconds)


def run_corpus(cases: list[Case], folder: Path, time_limit: float = 60.0) -> Report:
    """Run every case against a fresh database each."""
    report = Report()
    for number, case in enumerate(cases):
        report.endings.append(run_case(case, folder / f"case-{number}.db", time_limit))
    return report
