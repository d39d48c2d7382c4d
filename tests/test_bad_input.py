"""Bad input: one line naming the file and what is wrong, a non-zero exit, no traceback."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from typer.testing import CliRunner

from councilbase.cli import app
from councilbase.errors import RecordError
from councilbase.parse import parse_path

runner = CliRunner()


def check_one_line(path: Path, expected: str) -> None:
    with pytest.raises(RecordError) as caught:
        parse_path(path)
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)
    result = runner.invoke(app, ["parse", str(path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0]
    assert "Traceback" not in result.output


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    check_one_line(path, "is empty")


def test_empty_text_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("   \n")
    check_one_line(path, "is empty")


def test_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("just some notes")
    check_one_line(path, "is not a PDF")


def test_truncated_pdf(pdf_dir: Path, tmp_path: Path) -> None:
    data = (pdf_dir / "S_PV.8700_E.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 3])
    check_one_line(path, "corrupt or truncated")


def test_password_protected_pdf(pdf_dir: Path, tmp_path: Path, tool: Callable[[str], str]) -> None:
    qpdf = tool("qpdf")
    path = tmp_path / "locked.pdf"
    subprocess.run(
        [
            qpdf,
            "--encrypt",
            "user",
            "owner",
            "256",
            "--",
            str(pdf_dir / "S_PV.8700_E.pdf"),
            str(path),
        ],
        check=True,
    )
    check_one_line(path, "password-protected")


def test_scan_without_text_layer(tmp_path: Path) -> None:
    """A page without text: OCR (the default, auto) finds none either; with --ocr never the
    message says OCR is needed."""
    document = pdfium.PdfDocument.new()
    document.new_page(612, 792)
    path = tmp_path / "scan.pdf"
    document.save(str(path))
    check_one_line(path, "has no text layer (a scanned record): OCR found no text on it either")
    with pytest.raises(RecordError) as caught:
        parse_path(path, ocr="never")
    assert "OCR is needed before it can be parsed (run with --ocr auto)" in str(caught.value)


def test_text_that_is_not_a_record(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text("Security Council meeting notes\fDear colleague, nothing here.\n")
    check_one_line(path, "not a Security Council record")


def test_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["parse", str(tmp_path / "nope.pdf")])
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


def test_bad_file_does_not_stop_the_others(pdf_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 garbage")
    result = runner.invoke(
        app, ["parse", str(bad), str(pdf_dir / "S_PV.8698_E.pdf"), "-f", "jsonl"]
    )
    assert result.exit_code == 1
    assert '"symbol": "S/PV.8698"' in result.stdout
    assert "bad.pdf" in result.stderr
