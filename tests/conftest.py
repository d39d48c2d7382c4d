"""Shared fixtures: the real records in ../shared/records (or $COUNCILBASE_RECORDS).

On CI (CI=true) the records are always present, so a test that needs them fails when
they are missing instead of skipping.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from councilbase.extract import extract
from councilbase.model import Record
from councilbase.parse import parse_pdf
from councilbase.sample import records_dir
from councilbase.store.driver import sqlite3


def _need(what: str) -> None:
    message = f"{what} is not available"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (required on CI)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def records() -> Path:
    """The folder of real records."""
    folder = records_dir()
    if folder is None:
        _need("../shared/records")
    assert folder is not None
    return folder


@pytest.fixture(scope="session")
def eras(records: Path) -> Path:
    """Records of other eras and of the General Assembly (../shared/eras)."""
    folder = records.parent / "eras"
    if not folder.is_dir():
        _need("../shared/eras")
    return folder


@pytest.fixture(scope="session")
def ocr_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One OCR cache for the session's tests (each scan is read by Tesseract once)."""
    return tmp_path_factory.mktemp("ocr-cache")


@pytest.fixture(scope="session")
def tesseract(tool: object) -> str:
    """The tesseract command (installed by .ci/run)."""
    return tool("tesseract")  # type: ignore[operator,no-any-return]


@pytest.fixture(scope="session")
def pdf_dir(records: Path) -> Path:
    return records / "pdf"


@pytest.fixture(scope="session")
def speeches_dir(records: Path) -> Path:
    return records / "speeches"


@pytest.fixture(scope="session")
def twenty_meetings(speeches_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The speech files of the corpus's first 20 meetings, in a folder of their own: an
    ingest short enough to kill many times."""
    import shutil

    folder = tmp_path_factory.mktemp("twenty-meetings")
    files = sorted(speeches_dir.glob("*.txt"))
    meetings = sorted({f.name.split("_spch")[0] for f in files})[:20]
    for file in files:
        if file.name.split("_spch")[0] in meetings:
            shutil.copy(file, folder / file.name)
    return folder


@pytest.fixture(scope="session")
def r8700(pdf_dir: Path) -> Record:
    """S/PV.8700, parsed and extracted once for the session."""
    record = parse_pdf(pdf_dir / "S_PV.8700_E.pdf")
    extract(record)
    return record


@pytest.fixture(scope="session")
def tool() -> object:
    """Find a command-line tool or skip (fail on CI)."""

    def find(name: str) -> str:
        path = shutil.which(name)
        if path is None:
            _need(name)
        assert path is not None
        return path

    return find


def run_pdftotext(pdftotext: str, pdf: Path, out: Path) -> Path:
    """Turn a PDF into a text record with pdftotext (form feeds between pages)."""
    subprocess.run([pdftotext, str(pdf), str(out)], check=True)
    return out


@pytest.fixture(scope="session")
def ingested(records: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database of every record in ../shared/records (PDFs and speech files), built once.
    Tests must only read it; use ``ingested_copy`` to change it."""
    from councilbase.store.database import Database

    path = tmp_path_factory.mktemp("db") / "records.db"
    with Database(path) as db:
        summary = db.ingest([str(records)], jobs=2)
        assert not summary.failed, summary.failed
    return path


@pytest.fixture
def ingested_copy(ingested: Path, tmp_path: Path) -> Path:
    """A copy of the ingested database that a test may change."""
    from councilbase.store.database import Database

    copy = tmp_path / "copy.db"
    with Database(ingested, readonly=True) as db:
        target = sqlite3.connect(copy)
        db.conn.backup(target)
        target.close()
    return copy


HOSTILE_MARKUP = (
    'China <script>window.pwned=1;alert("x")</script> supports the '
    '<img src=x onerror="window.pwned=2;alert(1)"> synthetic draft resolution'
)


@pytest.fixture(scope="session")
def web_db(records: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The records, their outcomes index, and a synthetic record (S/PV.9999) with markup
    in a speech: what the web tests serve."""
    from councilbase.sample import SYNTHETIC_RECORD
    from councilbase.store.database import Database
    from councilbase.store.outcomes import import_outcomes

    folder = tmp_path_factory.mktemp("web")
    hostile = folder / "hostile.txt"
    hostile.write_text(
        SYNTHETIC_RECORD.replace("China supports the synthetic draft resolution", HOSTILE_MARKUP),
        encoding="utf-8",
    )
    path = folder / "web.db"
    texts = records.parent / "resolutions"
    with Database(path) as db:
        db.ingest([str(records / "pdf"), str(records / "speeches"), str(hostile)], jobs=2)
        import_outcomes(db.conn, records / "outcomes")
        if texts.is_dir() or os.environ.get("CI") == "true":
            names = ("S-RES-2254(2015).txt", "S-RES-2118(2013).txt", "S-RES-2165(2014).txt")
            summary = db.import_resolutions([str(texts / name) for name in names])
            assert summary.count("added") == 3, summary.outcomes
    return path


@pytest.fixture(scope="session")
def texts() -> Path:
    """The folder of real resolution texts."""
    from councilbase.sample import resolutions_dir

    folder = resolutions_dir()
    if folder is None:
        _need("../shared/resolutions")
    assert folder is not None
    return folder


@pytest.fixture(scope="session")
def resolution_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A resolution as a text PDF, printed by Chromium from the synthetic sample's lines."""
    from councilbase.sample import SYNTHETIC_RESOLUTION

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        _need("chromium")
    folder = tmp_path_factory.mktemp("respdf")
    page = folder / "r.html"
    lines = SYNTHETIC_RESOLUTION.replace("9999 (2026)", "2999 (2026)").splitlines()
    page.write_text(
        "<html><body>"
        + "".join(f"<p>{html.escape(line)}</p>" for line in lines)
        + "</body></html>",
        encoding="utf-8",
    )
    pdf = folder / "S_RES_2999(2026)_E.pdf"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return pdf
