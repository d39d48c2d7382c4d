"""One notion of a meeting's date and topic, and the same filters giving the same speeches
in the CLI, the Python API, the web pages, the JSON API, the analysis commands and the
exports. 36 of the 45 meetings in ../shared/records are known only from speech files: they
take their date and agenda from the UN library's index."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import councilbase
from councilbase.cli import app
from councilbase.store.database import Database
from councilbase.store.driver import sqlite3
from councilbase.store.outcomes import import_outcomes
from councilbase.web.app import create_app

runner = CliRunner()

FILTER_SETS = [
    {"date_from": "2020"},
    {"date_from": "2020-02", "date_to": "2020-03-03"},
    {"topic": "Middle East"},
    {"topic": "Middle East", "state": "RUS", "date_from": "2020-01-15"},
    {"role": "member", "mentions": "SYR", "date_to": "2020-02-15"},
    {"person": "Nebenzia", "date_from": "2020-01"},
    {"cites": "resolution 2254 (2015)", "topic": "Middle East"},
]
QUERY = "humanitarian"

CLI_NAMES = {"date_from": "--from", "date_to": "--to"}
WEB_NAMES = {"date_from": "from", "date_to": "to"}


def cli_args(filters: dict[str, str]) -> list[str]:
    return [x for k, v in filters.items() for x in (CLI_NAMES.get(k, f"--{k}"), v)]


@pytest.fixture(scope="module")
def client(web_db: Path) -> TestClient:
    return TestClient(create_app(web_db))


def test_speech_file_meetings_take_the_index_date_and_topic(web_db: Path) -> None:
    with Database(web_db, readonly=True) as db:
        row = db.conn.execute(
            "SELECT date, date_source FROM meetings WHERE key = 'S/PV.8707'"
        ).fetchone()
        assert tuple(row) == ("2020-01-29", "index")
        agenda = db.conn.execute(
            "SELECT a.title, a.source FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id"
            " WHERE m.key = 'S/PV.8707'"
        ).fetchall()
        assert [tuple(r) for r in agenda] == [("The situation in the Middle East", "index")]
        # the record itself is unchanged: it has no date; exports and pages mark the index's
        assert db.record("S/PV.8707").date is None
        # the PDFs keep their own (cover page) dates
        assert db.conn.execute(
            "SELECT date_source FROM meetings WHERE key = 'S/PV.8700'"
        ).fetchone()[0] == ("record")
        undated = db.conn.execute(
            "SELECT count(*) FROM meetings WHERE date IS NULL AND key LIKE 'S/PV.87%'"
        ).fetchone()[0]
        assert undated == 0
        everything = db.count(QUERY)
        assert db.count(QUERY, date_from="2020") == everything
        assert len(db.meetings(topic="Middle East")) > 4


def test_either_order_of_ingest_and_index_gives_the_same_rows(
    records: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "ingest-first.db", tmp_path / "index-first.db"
    inputs = [str(records / "speeches")]
    with Database(first) as db:
        db.ingest(inputs, jobs=1)
        import_outcomes(db.conn, records / "outcomes")
    with Database(second) as db:
        import_outcomes(db.conn, records / "outcomes")
        db.ingest(inputs, jobs=1)

    def rows(path: Path) -> tuple[list[tuple[object, ...]], ...]:
        conn = sqlite3.connect(path)
        out = (
            conn.execute("SELECT key, date, date_source FROM meetings ORDER BY key").fetchall(),
            conn.execute(
                "SELECT m.key, a.number, a.title, a.source FROM agenda_items a"
                " JOIN meetings m ON m.id = a.meeting_id ORDER BY 1, 2"
            ).fetchall(),
            conn.execute(
                "SELECT m.key, s.seq, s.topic, s.facets FROM speeches s"
                " JOIN meetings m ON m.id = s.meeting_id ORDER BY 1, 2"
            ).fetchall(),
        )
        conn.close()
        return out

    a, b = rows(first), rows(second)
    assert a == b
    # the index's topics reach the full-text index whether the speeches were indexed before
    # the index came (an update of indexed rows) or after (rows still waiting for the commit)
    word = next(w for w in a[2][0][2].split() if len(w) > 5 and w.isalpha())
    found = []
    for path in (first, second):
        with Database(path) as db:
            assert db.check() == []
            found.append(
                db.conn.execute(
                    "SELECT rowid FROM speeches_fts WHERE speeches_fts MATCH ? ORDER BY rowid",
                    (f"topic : {word}",),
                ).fetchall()
            )
    assert found[0] == found[1] and found[0]
    assert sum(1 for r in a[0] if r[2] == "index") == 45  # every corpus meeting dated
    assert "d20200129" in dict(((k, s), f) for k, s, _t, f in a[2])[("S/PV.8707", 0)]


@pytest.mark.parametrize("filters", FILTER_SETS, ids=lambda f: ",".join(f))
def test_the_same_filters_give_the_same_speeches_everywhere(
    web_db: Path, client: TestClient, tmp_path: Path, filters: dict[str, str]
) -> None:
    # the Python API: the reference
    with councilbase.open(web_db, readonly=True) as db:
        api_ids = [h.id for h in db.search(QUERY, limit=10_000, **filters)]
        total = db.count(QUERY, **filters)
        listed = [s.id for s in db.speeches(**filters)]
        with_word = {
            s.id for s in db.speeches(**filters) if re.search(rf"\b{QUERY}\b", s.text, re.I)
        }
    assert total == len(api_ids) > 0
    assert set(api_ids) == with_word  # search under filters = the filtered speeches with it

    # the CLI
    result = runner.invoke(
        app,
        ["search", QUERY, "--db", str(web_db), "--limit", "10000", "--json", *cli_args(filters)],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["total"] == total and [h["id"] for h in payload["hits"]] == api_ids

    # the JSON API, every page
    params = {WEB_NAMES.get(k, k): v for k, v in filters.items()}
    web_ids: list[str] = []
    page = 1
    while True:
        data = client.get("/api/search", params={"q": QUERY, "page": page, **params}).json()
        assert data["total"] == total
        web_ids += [h["id"] for h in data["hits"]]
        if not data["has_next"]:
            break
        page += 1
    assert web_ids == api_ids

    # the web page
    html = client.get("/search", params={"q": QUERY, **params}).text
    assert f"{total:,} speeches match" in html
    facets = client.get("/api/search/facets", params={"q": QUERY, **params}).json()["facets"]
    assert sum(f["count"] for f in facets["role"]) == total

    # the analysis commands: the term's trend counts the same speeches
    result = runner.invoke(app, ["trend", QUERY, "--db", str(web_db), "--json", *cli_args(filters)])
    assert result.exit_code == 0, result.output
    assert sum(p["speeches"] for p in json.loads(result.stdout)) == total

    # the exports: the filtered speeches, and the meetings that hold them
    out = tmp_path / "csv"
    result = runner.invoke(
        app, ["export", "csv", str(out), "--db", str(web_db), *cli_args(filters)]
    )
    assert result.exit_code == 0, result.output
    with (out / "speeches.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with (out / "meetings.csv").open(encoding="utf-8") as handle:
        meetings = {r["id"]: r["key"] for r in csv.DictReader(handle)}
    exported = [f"{meetings[r['meeting_id']]}#{r['seq']}" for r in rows]
    assert sorted(exported) == sorted(listed)


def test_meeting_lists_and_exports_carry_the_index_dates(
    web_db: Path, client: TestClient, tmp_path: Path
) -> None:
    with councilbase.open(web_db, readonly=True) as db:
        assert all(m.date for m in db.meetings() if m.key.startswith("S/PV.87"))
    page = client.get("/meetings", params={"page": 2}).text
    assert "2020-02-" in page
    out = tmp_path / "csv"
    assert runner.invoke(app, ["export", "csv", str(out), "--db", str(web_db)]).exit_code == 0
    with (out / "meetings.csv").open(encoding="utf-8") as handle:
        rows = {r["key"]: r for r in csv.DictReader(handle)}
    assert (rows["S/PV.8707"]["date"], rows["S/PV.8707"]["date_source"]) == ("2020-01-29", "index")
    jsonl = tmp_path / "all.jsonl"
    result = runner.invoke(app, ["export", "jsonl", str(jsonl), "--db", str(web_db)])
    assert result.exit_code == 0 and f"wrote 46 records to {jsonl}" in result.output
    documents = {d["symbol"]: d for d in map(json.loads, jsonl.read_text("utf-8").splitlines())}
    assert documents["S/PV.8707"]["date"] is None
    assert documents["S/PV.8707"]["index"] == {
        "date": "2020-01-29",
        "agenda": ["The situation in the Middle East"],
    }
    assert "index" not in documents["S/PV.8700"]
    home = client.get("/").text
    assert "2020-01-08 to 2026-01-05" in home  # the synthetic S/PV.9999 is dated 2026


def test_a_failed_index_import_keeps_what_was_there(
    ingested_copy: Path, tmp_path: Path, records: Path
) -> None:
    with Database(ingested_copy) as db:
        import_outcomes(db.conn, records / "outcomes")
        before = db.conn.execute("SELECT count(*) FROM outcomes").fetchone()[0]
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "scact2019_table_en.html").write_bytes(b"\x00\x01 not a table \xff" * 100)
    result = runner.invoke(app, ["outcomes", "import", str(bad), "--db", str(ingested_copy)])
    assert result.exit_code == 1
    assert "the index held before is unchanged" in result.output
    with Database(ingested_copy, readonly=True) as db:
        assert db.conn.execute("SELECT count(*) FROM outcomes").fetchone()[0] == before == 9564
        assert (
            db.conn.execute("SELECT date FROM meetings WHERE key = 'S/PV.8707'").fetchone()[0]
            == "2020-01-29"
        )
