"""Shared fixtures: the real records in ../shared/records (or $COUNCILBASE_RECORDS).

On CI (CI=true) the records are always present, so a test that needs them fails when
they are missing instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from councilbase.extract import extract
from councilbase.model import Record
from councilbase.parse import parse_pdf
from councilbase.sample import records_dir


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
def pdf_dir(records: Path) -> Path:
    return records / "pdf"


@pytest.fixture(scope="session")
def speeches_dir(records: Path) -> Path:
    return records / "speeches"


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
