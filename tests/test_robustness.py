"""Nothing lost, nothing crashes: bad inputs, properties of the parser and the repair,
killed ingests, a full disk, a read-only database, ingest while serving, hostile requests."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from councilbase.errors import RecordError
from councilbase.model import record_from_json, record_to_json
from councilbase.parse import document_record
from councilbase.parse.corpus import parse_speech, repair_text
from councilbase.read.speeches import SpeechFile
from councilbase.read.text import text_document
from councilbase.store.database import Database
from councilbase.store.driver import sqlite3
from councilbase.testing.badinput import make_corpus, run_corpus
from councilbase.testing.faults import kill_trials, serving_during_ingest, snapshot
from councilbase.web.app import create_app


def test_every_bad_input_ends_in_a_message_or_a_documented_partial(
    records: Path, tmp_path: Path
) -> None:
    cases = make_corpus(records, tmp_path / "in", huge_mb=100)
    report = run_corpus(cases, tmp_path, time_limit=60)
    assert len(report.endings) == 39
    assert report.failures == []
    classes = report.by_class()
    assert classes["huge file (100 MB)"] == {"error": 1}
    assert classes["pdf with a password"] == {"error": 1}
    assert classes["pdf with no text layer"] == {"error": 1}
    assert classes["speech in UTF-16 without a BOM"] == {"record": 1}
    assert classes["outcome tables with broken rows"] == {"rows": 1}
    endings = {e.case.kind: e for e in report.endings}
    messages = {kind: ending.message for kind, ending in endings.items()}
    glyphs = messages["pdf page of 5 million glyphs"]  # refused by the page's size or the
    assert (  # worker's memory limit, whichever comes first on the machine
        "holds 5,009,998 characters, more than a record's page can" in glyphs
        or "more memory than the limit (1024 MB)" in glyphs
    )
    assert "more memory than the limit" in messages["pdf with a 1.2 GB flate stream"]
    assert "has 4,000 pages" in messages["pdf of 4,000 empty pages"]
    assert "a row spans more than 40 columns" in messages["outcome table of nested spans (1.7 MB)"]
    assert messages["FIFO named like a record"] == "is a FIFO, not a regular file: not read"
    assert messages["link to /dev/zero"] == "is a device, not a regular file: not read"
    assert classes["file name that is not UTF-8"] == {"record": 1}
    assert classes["file name with control characters"] == {"record": 1}
    assert "nests deeper than 64 levels" in messages["JSONL line nested 10,000 deep"]
    assert (
        "date: '2020-13-45' is not a day of the calendar"
        in messages["JSONL record dated 2020-13-45"]
    )
    assert "NaN is not a number" in messages["JSONL record with NaN"]
    assert "meeting_number: must be integer" in messages["JSONL record with a wrong type"]
    assert (
        "speeches[0].state: 'XXX' is not a state code"
        in messages["JSONL record with an unknown state code"]
    )
    assert "is not inside paragraph 0" in messages["JSONL record with offsets past a paragraph"]
    assert all(e.seconds < 30 for e in report.endings)
    assert not any(e.result in ("crash", "hang") for e in report.endings)


# --- properties ---------------------------------------------------------------------------

PROSE = st.text(
    alphabet=string.ascii_letters + " \n-.,;:()'’" + "éüçØ",
    min_size=0,
    max_size=600,
)
RECORDISH = st.lists(
    st.one_of(
        PROSE,
        st.sampled_from(
            [
                "The President: I thank the Council.",
                "Mr. Nebenzia (Russian Federation) (spoke in Russian):",
                "The meeting was called to order at 3.05 p.m.",
                "A vote was taken by show of hands.",
                "In favour:",
                "China, France, Russian Federation",
                "Against:",
                "None",
                "The draft resolution received 13 votes in favour.",
                "\f",
                "S/PV.8700",
                "United Nations S/PV.8700",
                "Security Council",
            ]
        ),
    ),
    max_size=30,
).map("\n".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RECORDISH)
def test_any_text_gives_a_record_or_a_clean_error_deterministically(text: str) -> None:
    from councilbase.extract import extract

    try:
        first = document_record(text_document("fuzz.txt", text))
    except RecordError:
        return
    extract(first)
    second = document_record(text_document("fuzz.txt", text))
    extract(second)
    assert record_to_json(first) == record_to_json(second)
    data = record_to_json(first)
    assert record_to_json(record_from_json(json.loads(json.dumps(data)))) == data


@settings(max_examples=100, deadline=None)
@given(PROSE)
def test_repair_never_loses_a_letter(text: str) -> None:
    paragraphs, _ = repair_text(text)
    before = sorted(ch for ch in text if ch.isalnum())
    after = sorted(ch for ch in "".join(paragraphs) if ch.isalnum())
    assert after == before


@settings(max_examples=60, deadline=None)
@given(PROSE)
def test_any_speech_file_gives_a_speech_or_a_clean_error(text: str) -> None:
    file = SpeechFile("UNSC_2020_SPV.9000_spch001.txt", 2020, 9000, None, 1, text)
    try:
        speech, warnings = parse_speech(file)
    except RecordError as exc:
        assert "has no text" in str(exc)
        return
    assert isinstance(warnings, list)
    again, _ = parse_speech(file)
    assert again == speech


# --- faults -------------------------------------------------------------------------------


def test_twenty_killed_ingests(
    records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGKILL at random moments of an ingest (20 trials): the database passes SQLite's and
    councilbase's checks, and running the ingest again gives exactly the rows of a run that
    was never killed. The corpus's speech files (a PDF's kills are tested in test_store),
    committed every 0.1 s, so that the kills fall between many commits."""
    monkeypatch.setenv("COUNCILBASE_COMMIT_SECONDS", "0.1")
    inputs = [str(records / "speeches")]
    trials = kill_trials(inputs, tmp_path, 20, seed=20)
    for number, trial in enumerate(trials):
        assert trial.damage_after_kill == [], number
        assert trial.problems_after_rerun == [], number
        assert trial.matches, number
    assert len({t.held for t in trials}) >= 4  # the kills fell at different points


def test_a_full_disk_stops_the_ingest_and_loses_nothing(records: Path, tmp_path: Path) -> None:
    path = tmp_path / "full.db"
    with Database(path) as db:
        db.ingest([str(records / "pdf" / "S_PV.8700_E.pdf")], jobs=1)
        before = snapshot(path)
        pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
        db.conn.execute(f"PRAGMA max_page_count = {pages + 40}")
        summary = db.ingest([str(records / "speeches")], jobs=1)
        assert summary.stopped is not None and "full" in summary.stopped
        assert "run the same command again" in summary.stopped
        assert db.check() == []
        assert db.record("S/PV.8700") is not None
    after = snapshot(path)
    assert [m for m in after["meetings"] if m[0] == "S/PV.8700"] == before["meetings"]
    with Database(path) as db:  # room again: the same command finishes the job
        db.ingest([str(records / "speeches")], jobs=1)
        assert db.stats()["meetings"] == 45  # the 44 other meetings of the speech files, and 8700


def test_a_read_only_database_is_a_message(records: Path, tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    with Database(path) as db:
        db.ingest([str(records / "pdf" / "S_PV.8700_E.pdf")], jobs=1)
    before = path.read_bytes()
    with Database(path, readonly=True) as db:
        summary = db.ingest([str(records / "pdf" / "S_PV.8702_E.pdf")], jobs=1)
    assert summary.stopped is not None and "cannot be written" in summary.stopped
    assert path.read_bytes() == before


# --- concurrency --------------------------------------------------------------------------


def test_the_server_keeps_answering_while_an_ingest_writes(records: Path, tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    with Database(path) as db:
        db.ingest([str(records / "pdf" / "S_PV.8700_E.pdf")], jobs=1)
    report = serving_during_ingest(
        path, [str(records / "speeches"), str(records / "pdf")], min_totals=40, max_totals=400
    )
    assert report.writer_status == 0
    assert report.errors == []
    totals = report.totals
    assert len(totals) >= 40
    with sqlite3.connect(path) as conn:
        final = conn.execute(
            "SELECT count(*) FROM speeches_fts WHERE speeches_fts MATCH 'text:(Council)'"
        ).fetchone()[0]
    assert max(totals) <= final and min(totals) >= 1


# --- hostile requests ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_client(web_db: Path) -> TestClient:
    return TestClient(create_app(web_db), raise_server_exceptions=False)


HOSTILE_QUERIES = [
    '"',
    "NEAR(",
    "NEAR(a b, x)",
    "text:(",
    "*",
    "AND",
    "((((((",
    "a" * 499,
    "Syria OR " * 60,
    "<script>alert(1)</script>",
    "'; DROP TABLE speeches; --",
    "\x00\x01",
    "S/PV.8700)",
    "col:val",
    "^Syria",
    "-Syria",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_never_give_a_500(hostile_client: TestClient, query: str) -> None:
    for url in ("/search", "/api/search", "/search/facets", "/charts/per-month.svg"):
        response = hostile_client.get(url, params={"q": query})
        assert response.status_code < 500, (url, query, response.text[:200])
        if "html" in response.headers.get("content-type", ""):
            assert "<script>alert(1)</script>" not in response.text


@settings(max_examples=80, deadline=None)
@given(
    st.text(min_size=0, max_size=120),
    st.sampled_from(["state", "role", "person", "topic", "year", "mentions", "cites", "page"]),
)
def test_fuzzed_parameters_never_give_a_500(web_db: Path, value: str, name: str) -> None:
    client = TestClient(create_app(web_db), raise_server_exceptions=False)
    response = client.get("/api/search", params={"q": "Syria", name: value})
    assert response.status_code < 500, (name, value, response.text[:200])


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/..%2F..%2Fetc%2Fpasswd",
        "/meetings/%00",
        "/meetings/S%2FPV.8700%22%3E%3Cscript%3E",
        "/states/%3Cscript%3E",
        "/people/..%2F..",
        "/resolutions/%3Cimg%20src%3Dx%3E",
        "/api/meetings/" + "x" * 5000,
        "/outcomes?year=99999",
        "/static/..%2Fapp.py",
    ],
)
def test_path_tricks_are_4xx(hostile_client: TestClient, url: str) -> None:
    response = hostile_client.get(url)
    assert 400 <= response.status_code < 500, (url, response.status_code)
    assert "<script>" not in response.text and "<img src=x>" not in response.text
