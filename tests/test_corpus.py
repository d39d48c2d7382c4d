"""Speech-level corpora: the real files, both text variants, single files, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from councilbase import clean
from councilbase.cli import app
from councilbase.model import record_schema, record_to_json
from councilbase.parse.corpus import parse_corpus, repair_text
from councilbase.read.speeches import name_fields

runner = CliRunner()


def test_every_corpus_file_parses(speeches_dir: Path) -> None:
    result = parse_corpus([speeches_dir])
    assert result.errors == []
    speeches = [s for r in result.records for s in r.speeches]
    assert len(speeches) == 1077
    assert len(result.records) == 45
    with_title = [s for s in speeches if s.title is not None and s.speaker_line]
    assert len(with_title) / len(speeches) >= 0.995
    validator = jsonschema.Draft202012Validator(record_schema())
    for record in result.records:
        validator.validate(record_to_json(record))


def test_meeting_8700_from_corpus(speeches_dir: Path) -> None:
    files = sorted(speeches_dir.glob("UNSC_2020_SPV.8700_spch*.txt"))
    (record,) = parse_corpus(files).records
    assert (record.symbol, record.meeting_number, record.resumption, record.year) == (
        "S/PV.8700",
        8700,
        None,
        2020,
    )
    assert record.date is None and record.time is None and record.president is None
    assert record.members == [] and record.agenda == []
    first, second = record.speeches[:2]
    assert first.speaker_line == "The President:" and first.role == "president"
    assert (second.title, second.name, second.affiliation, second.language) == (
        "Mr.",
        "Nebenzia",
        "Russian Federation",
        "Russian",
    )
    assert second.role == "member"
    assert not second.text[0].startswith("Mr.")
    assert all("(spoke in" not in p for s in record.speeches for p in s.text)
    assert record.source is not None and record.source.format == "speeches"
    assert record.source.files[0] == "UNSC_2020_SPV.8700_spch001.txt"


def test_resumption_from_file_name(speeches_dir: Path) -> None:
    files = sorted(speeches_dir.glob("UNSC_2020_SPV.8699Resumption1_spch*.txt"))
    (record,) = parse_corpus(files).records
    assert record.symbol == "S/PV.8699 (Resumption 1)" and record.resumption == 1
    assert name_fields("UNSC_2020_SPV.8699Resumption2_spch046.txt") == (2020, 8699, 2, 46)
    assert name_fields("speech.txt") is None


def test_running_headers_removed(speeches_dir: Path) -> None:
    files = sorted(speeches_dir.glob("UNSC_2020_SPV.8704_spch*.txt"))
    raw = " ".join(f.read_text("cp1252") for f in files)
    assert "16/01/2020 The situation in the Middle East S/PV.8704" in raw
    (record,) = parse_corpus(files).records
    text = " ".join(p for s in record.speeches for p in s.text)
    assert "16/01/2020" not in text
    assert "S/PV.8704" not in text
    headers = raw.count("16/01/2020 The situation in the Middle East S/PV.8704")
    removed = sum((s.repairs or {}).get("headers_removed", 0) for s in record.speeches)
    assert removed >= headers


def test_references_to_records_are_kept() -> None:
    text, removed = clean.remove_corpus_headers(
        "As we said (see S/PV.8699), the Council must act. 20-00806 We agree."
    )
    assert text == "As we said (see S/PV.8699), the Council must act. We agree."
    assert removed == 1


def test_older_variant_is_unwrapped_and_repaired() -> None:
    """The 1995-2017 layout: PDF line breaks, line-end hyphens, ` - ` dashes, glued words."""
    older = (
        "Mr. Abdrakhmanov (Kazakhstan): I thank the delega-\n"
        "tion ofKazakhstan and theSecurity Council for the\n"
        "follow-\nup - and the co-\npenholders.\n\n"
        "We met McDonald and DeLaurentis with an iPhone.\n"
    )
    paragraphs, repairs = repair_text(older)
    assert paragraphs == [
        "Mr. Abdrakhmanov (Kazakhstan): I thank the delegation of Kazakhstan and the Security "
        "Council for the follow-up — and the co-penholders.",
        "We met McDonald and DeLaurentis with an iPhone.",
    ]
    assert repairs["glued_split"] == 2
    assert repairs["hyphens_joined"] == 1
    assert repairs["hyphens_kept"] == 2
    assert repairs["dashes"] == 1


def test_glued_words_split_only_at_known_words() -> None:
    assert clean.split_glued("ofKazakhstan theSyrian TheCouncil")[0] == (
        "of Kazakhstan the Syrian The Council"
    )
    for whole in ("McDonald", "DeLaurentis", "iPhone", "DiCarlo", "iTrace", "d'Ivoire"):
        assert clean.split_glued(whole) == (whole, 0)


def test_single_file_with_any_name(tmp_path: Path) -> None:
    path = tmp_path / "my speech.txt"
    path.write_text("Ms. King (Saint Vincent and the Grenadines) (spoke in Spanish): Gracias.\n")
    result = runner.invoke(app, ["parse", str(path)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["symbol"] is None and doc["meeting_number"] is None
    (speech,) = doc["speeches"]
    assert (speech["title"], speech["name"], speech["affiliation"], speech["language"]) == (
        "Ms.",
        "King",
        "Saint Vincent and the Grenadines",
        "Spanish",
    )
    assert speech["text"] == ["Gracias."]


def test_cli_groups_a_folder(speeches_dir: Path, tmp_path: Path) -> None:
    for f in sorted(speeches_dir.glob("UNSC_2020_SPV.870[01]_spch*.txt")):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    result = runner.invoke(app, ["parse", str(tmp_path), "-f", "jsonl"])
    assert result.exit_code == 0
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["symbol"] for d in docs] == ["S/PV.8700", "S/PV.8701"]
    assert len(docs[0]["speeches"]) == 23


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\x00\x01\x02binary\x00data" * 20, "binary file"),
    ],
)
def test_bad_corpus_files_do_not_stop_the_folder(
    speeches_dir: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    good = speeches_dir / "UNSC_2020_SPV.8698_spch001.txt"
    (tmp_path / good.name).write_bytes(good.read_bytes())
    (tmp_path / "UNSC_2020_SPV.8698_spch002.txt").write_bytes(content)
    result = runner.invoke(app, ["parse", str(tmp_path), "-f", "jsonl"])
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1
    assert message in result.stderr and "spch002" in result.stderr
    assert "Traceback" not in result.output


def test_encodings_and_no_speaker_line(tmp_path: Path) -> None:
    (tmp_path / "UNSC_2020_SPV.8800_spch001.txt").write_bytes(
        "\ufeffMr. Kabua (Marshall Islands): Côte d’Ivoire.".encode()
    )
    (tmp_path / "UNSC_2020_SPV.8800_spch002.txt").write_bytes(
        "Mr. Ba (Côte d'Ivoire) (spoke in French): Merci.".encode("cp1252")
    )
    (tmp_path / "UNSC_2020_SPV.8800_spch003.txt").write_bytes(b"no speaker line here at all")
    result = parse_corpus([tmp_path])
    (record,) = result.records
    first, second, third = record.speeches
    assert first.name == "Kabua" and first.text == ["Côte d’Ivoire."]
    assert second.affiliation == "Côte d'Ivoire" and second.language == "French"
    assert second.role == "invited_state"
    assert third.speaker_line == "" and third.role == "unknown"
    assert any("no speaker line" in w for w in record.warnings)
