"""A corpus of bad inputs made from the real records, and a runner that feeds each one to
councilbase and says how it ended.

Classes: PDFs cut at random offsets, with flipped bytes, with a password, with no pages,
with no text layer (a scanned page); text and speech files in other encodings, binary,
empty, huge (100 MB), with no speaker lines, with speaker lines only; outcome tables with
broken rows. And the red team's classes: small files that cost a lot (a page of millions of
glyphs, a compression bomb, thousands of pages, a table of nested spans), files that are
not files (a FIFO, a link to /dev/zero), names that are not UTF-8 or hold control
characters, and JSONL records that nest 10,000 deep or carry values no record can (a date
2020-13-45, NaN, a wrong type, an unknown code, offsets past their paragraph). Every input
must end in a clear message or a documented partial result, never a traceback or a hang.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import struct
import subprocess
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    spans = out / "spans"
    spans.mkdir(exist_ok=True)
    cell = '<td rowspan="50" colspan="50">x</td>' * 50
    (spans / "scact2019_table_en.html").write_text(
        "<table>" + f"<tr>{cell}</tr>" * 700 + "</table>", encoding="utf-8"
    )
    cases.append(Case(spans, "outcome table of nested spans (1.7 MB)", "error"))
    add("glyphs.pdf", _pdf_with_content(_many_glyphs()), "pdf page of 5 million glyphs", "error")
    add(
        "bomb.pdf",
        _pdf_with_content(_deflate_bomb(72), raw=True),
        "pdf with a 1.2 GB flate stream",
        "error",
    )
    add("pages.pdf", _pdf_with_pages(4000), "pdf of 4,000 empty pages", "error")
    good = pdfs[0].read_bytes()
    odd = out / os.fsdecode(b"b\xff-not-utf8.pdf")
    odd.write_bytes(good)
    cases.append(Case(odd, "file name that is not UTF-8", "record"))
    control = out / "control-\x1b[31m-name.pdf"
    control.write_bytes(good)
    cases.append(Case(control, "file name with control characters", "record"))
    fifo = out / "fifo.pdf"
    os.mkfifo(fifo)
    cases.append(Case(fifo, "FIFO named like a record", "error"))
    zero = out / "zero.pdf"
    zero.symlink_to("/dev/zero")
    cases.append(Case(zero, "link to /dev/zero", "error"))
    record = json.loads(_good_jsonl(records))
    for name, kind, broken in _bad_records(record):
        add(name, broken.encode("utf-8"), kind, "error")
    return cases


def _good_jsonl(records: Path) -> str:
    """One real record as a JSONL line (S/PV.8700 from its PDF)."""
    from councilbase.extract import extract
    from councilbase.model import record_to_json
    from councilbase.parse import parse_pdf

    record = parse_pdf(records / "pdf" / "S_PV.8700_E.pdf")
    extract(record)
    return json.dumps(record_to_json(record), ensure_ascii=False)


def _bad_records(record: dict[str, object]) -> list[tuple[str, str, str]]:
    """JSONL files of one record each, broken in one way each."""
    import copy

    def variant(change: Any) -> str:
        value = copy.deepcopy(record)
        change(value)
        return json.dumps(value, ensure_ascii=False)

    def set_date(r: Any) -> None:
        r["date"] = "2020-13-45"

    def set_type(r: Any) -> None:
        r["meeting_number"] = "eight thousand"

    def set_code(r: Any) -> None:
        r["speeches"][0]["state"] = "XXX"

    def set_offsets(r: Any) -> None:
        r["speeches"][1]["mentions"] = [
            {
                "kind": "state",
                "code": "SYR",
                "text": "Syria",
                "paragraph": 0,
                "start": 10**6,
                "end": 10**6 + 5,
            }
        ]

    nan = json.dumps(record).replace('"meeting_number": 8700', '"meeting_number": NaN')
    deep = "[" * 10_000 + "]" * 10_000
    return [
        ("deep.jsonl", "JSONL line nested 10,000 deep", deep),
        ("bad-date.jsonl", "JSONL record dated 2020-13-45", variant(set_date)),
        ("nan.jsonl", "JSONL record with NaN", nan),
        ("bad-type.jsonl", "JSONL record with a wrong type", variant(set_type)),
        ("bad-code.jsonl", "JSONL record with an unknown state code", variant(set_code)),
        ("bad-offsets.jsonl", "JSONL record with offsets past a paragraph", variant(set_offsets)),
    ]


def _pdf_with_content(content: bytes, *, raw: bool = False, pages: int = 1) -> bytes:
    """A PDF whose pages draw ``content`` (Flate-compressed here, or already when ``raw``)."""
    stream = content if raw else zlib.compress(content, 9)
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        f"<</Type/Pages/Kids[{kids}]/Count {pages}>>".encode(),
    ]
    content_id = 3 + pages
    font_id = content_id + 1
    objects += [
        f"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 {font_id} 0 R>>>>"
        f"/Contents {content_id} 0 R>>".encode()
        for _ in range(pages)
    ]
    objects.append(
        b"<</Length %d/Filter/FlateDecode>>stream\n" % len(stream) + stream + b"\nendstream"
    )
    objects.append(b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _many_glyphs(objects: int = 5000, each: int = 1000) -> bytes:
    """A page's text: ``objects`` text runs of ``each`` glyphs (5 million by default)."""
    line = b"(" + b"a" * each + b") Tj T* "
    return b"BT /F1 1 Tf 1 TL 10 800 Td " + line * objects + b" ET"


def _deflate_bomb(blocks: int) -> bytes:
    """A zlib stream that inflates to ``blocks`` x 16 MiB of spaces (1.2 GB for 72) from
    about 1 MB: one compressed block repeated, with the right checksum."""
    block = b" " * (1 << 24)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(blocks):
        adler = zlib.adler32(block, adler)
    end = compressor.flush(zlib.Z_FINISH)
    return b"\x78\xda" + piece * blocks + end + struct.pack(">I", adler)


def _pdf_with_pages(pages: int) -> bytes:
    return _pdf_with_content(b"BT ET", pages=pages)


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
            if case.path.is_dir():
                summary = import_outcomes(db.conn, case.path)
                rows = summary.total
                message = (
                    f"{rows} rows; {len(summary.problems)} rows with problems; "
                    f"{len(summary.errors)} files refused: "
                    + "; ".join(str(e) for e in summary.errors)[:300]
                )
                result = "rows" if rows or not summary.errors else "error"
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
