"""Plain-text records (pdftotext output, form feeds between pages) and the synthetic sample."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import run_pdftotext
from councilbase.model import Procedure, VotePassage
from councilbase.parse import parse_path, parse_text
from councilbase.read.text import decode
from councilbase.sample import write_synthetic


def test_pdftotext_record_of_8700(
    pdf_dir: Path, tmp_path: Path, tool: Callable[[str], str]
) -> None:
    path = run_pdftotext(tool("pdftotext"), pdf_dir / "S_PV.8700_E.pdf", tmp_path / "8700.txt")
    record = parse_path(path)
    assert record.source is not None and record.source.format == "text"
    assert record.symbol == "S/PV.8700"
    assert (record.date, record.time) == ("2020-01-10", "15:00")
    assert record.president is not None and record.president.name == "Mr. Dang"
    assert [m.representative for m in record.members][:3] == [
        "Mr. Pecsteen de Buytswerve",
        "Mr. Zhang Jun",
        "Mr. Singer Weisinger",
    ]
    assert len(record.members) == 15
    lines = [s.speaker_line for s in record.speeches]
    assert "Mr. Nebenzia (Russian Federation) (spoke in Russian):" in lines
    assert "Mr. Ja’afari (Syrian Arab Republic) (spoke in Arabic):" in lines
    votes = [i for i in record.items if isinstance(i, VotePassage)]
    assert votes[0].in_favour == ["China", "Russian Federation", "Viet Nam"]
    text = "\n".join(p for s in record.speeches for p in s.text)
    assert "20-00806" not in text and "*2000806*" not in text


def test_pdftotext_records_all_parse(
    pdf_dir: Path, tmp_path: Path, tool: Callable[[str], str]
) -> None:
    for pdf in sorted(pdf_dir.glob("*.pdf")):
        record = parse_path(run_pdftotext(tool("pdftotext"), pdf, tmp_path / (pdf.stem + ".txt")))
        assert record.symbol and record.date and len(record.members) == 15, pdf.name
        assert len(record.speeches) >= 10, pdf.name


def test_synthetic_sample_record(tmp_path: Path) -> None:
    record = parse_text(write_synthetic(tmp_path))
    assert record.symbol == "S/PV.9999"
    assert record.date == "2026-01-05"
    assert [s.speaker_line for s in record.speeches] == [
        "The President:",
        "Ms. Doe:",
        "Mr. Sample (China) (spoke in Chinese):",
        "The President:",
        "The President:",
    ]
    assert record.speeches[1].affiliation == (
        "Special Representative of the Secretary-General for the synthetic region"
    )
    (vote,) = [i for i in record.items if isinstance(i, VotePassage)]
    assert vote.against == [] and len(vote.in_favour) == 6
    assert [p.type for p in record.items if isinstance(p, Procedure)] == [
        "called_to_order",
        "agenda_adopted",
        "rose",
    ]


def test_decode_variants() -> None:
    assert decode("x", "Côte d’Ivoire".encode()) == "Côte d’Ivoire"
    assert decode("x", b"\xef\xbb\xbfBOM first") == "BOM first"
    assert decode("x", "Côte d’Ivoire".encode("cp1252")) == "Côte d’Ivoire"
    assert decode("x", "Türkiye".encode("utf-16")) == "Türkiye"
