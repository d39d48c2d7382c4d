"""The database: schema, ingest (idempotent, replace, supersede, bad files, interrupts),
and the exact round trip record -> rows -> record."""

from __future__ import annotations

import shutil
import signal
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import councilbase
from councilbase.cli import app
from councilbase.model import record_to_json
from councilbase.pipeline import parse_inputs
from councilbase.sample import SYNTHETIC_RECORD, write_synthetic
from councilbase.store.database import Database
from councilbase.store.driver import sqlite3
from councilbase.store.schema import APPLICATION_ID, DatabaseError, latest_version
from councilbase.testing.faults import (
    STALE_PEOPLE,
    descendants,
    ingest_process,
    running,
    snapshot,
)

runner = CliRunner()

SUPERSEDED = [
    "S/PV.8698",
    "S/PV.8699",
    "S/PV.8699 (Resumption 1)",
    "S/PV.8699 (Resumption 2)",
    "S/PV.8700",
    "S/PV.8702",
    "S/PV.8704",
    "S/PV.8706",
    "S/PV.8706 (Resumption 1)",
]


def test_a_new_database_has_every_migration(tmp_path: Path) -> None:
    with Database(tmp_path / "new.db") as db:
        names = [r[0] for r in db.conn.execute("SELECT name FROM migrations ORDER BY number")]
        assert names == [
            "m001_records",
            "m002_speeches_fts",
            "m003_votes_outcomes",
            "m004_entities_people",
            "m005_embeddings",
            "m006_index_dates",
            "m007_derived",
            "m008_reading",
            "m009_bodies",
            "m010_resolutions",
            "m011_speech_people",
            "m012_fts_pending",
            "m013_speech_spans",
        ]
        assert db.conn.execute("PRAGMA user_version").fetchone()[0] == latest_version()
        assert db.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        for name in ("speeches_fts", "resolution_paragraphs_fts"):  # new terms kept to 16 MB
            config = dict(db.conn.execute(f"SELECT k, v FROM {name}_config").fetchall())
            assert config["hashsize"] == 16 << 20
        assert db.check() == []


def test_ingest_round_trips_every_record_exactly(ingested: Path, records: Path) -> None:
    parsed = parse_inputs([str(records / "pdf")]).records
    assert len(parsed) == 9
    with Database(ingested, readonly=True) as db:
        for record in parsed:
            assert record.symbol is not None
            stored = db.record(record.symbol)
            assert stored is not None
            assert record_to_json(stored) == record_to_json(record)


def test_ingest_of_all_records_counts(ingested: Path) -> None:
    with Database(ingested, readonly=True) as db:
        stats = db.stats()
        assert stats["meetings"] == 45
        assert stats["meetings_by_format"] == {"pdf": 9, "speeches": 36}
        assert stats["sources"] == {"stored": 45, "superseded": 9}
        superseded = [
            r[0]
            for r in db.conn.execute(
                "SELECT part FROM sources WHERE status = 'superseded' ORDER BY part"
            )
        ]
        assert superseded == SUPERSEDED
        assert db.check() == []


def test_same_files_again_change_nothing(tmp_path: Path, records: Path) -> None:
    path = tmp_path / "db.sqlite"
    with Database(path) as db:
        first = db.ingest([str(records / "pdf")], jobs=1)
        assert first.count("added") == 9
    before = snapshot(path)
    with Database(path) as db:
        second = db.ingest([str(records / "pdf")], jobs=1)
    assert [o.status for o in second.outcomes] == ["unchanged"] * 9
    assert snapshot(path) == before


def test_a_changed_file_replaces_its_record(tmp_path: Path) -> None:
    sample = write_synthetic(tmp_path / "in")
    path = tmp_path / "db.sqlite"
    with Database(path) as db:
        assert db.ingest([str(sample)]).count("added") == 1
        assert len(db.speeches()) == 5
    sample.write_text(
        SYNTHETIC_RECORD.replace(
            "The meeting rose at 10.40 a.m.",
            "Mr. Instance (United States of America): A speech added later.\n"
            "The meeting rose at 10.40 a.m.",
        ),
        encoding="utf-8",
    )
    with Database(path) as db:
        summary = db.ingest([str(sample)])
        assert [o.status for o in summary.outcomes] == ["replaced"]
        speeches = db.speeches(meeting="S/PV.9999")
        assert [s.speaker_line for s in speeches][-1] == "Mr. Instance (United States of America):"
        assert len(speeches) == 6
        assert db.count("later") == 1
        assert db.conn.execute("SELECT count(*) FROM meetings").fetchone()[0] == 1
        assert db.check() == []


def test_pdf_keeps_a_meeting_whatever_order(tmp_path: Path, records: Path) -> None:
    """The original wins: speech files ingested after or before the PDF."""
    one_meeting = sorted((records / "speeches").glob("UNSC_2020_SPV.8700_spch*.txt"))
    folder = tmp_path / "speeches"
    folder.mkdir()
    for file in one_meeting:
        shutil.copy(file, folder / file.name)
    path = tmp_path / "db.sqlite"
    with Database(path) as db:
        assert [o.status for o in db.ingest([str(folder)]).outcomes] == ["added"]
        assert db.stats()["meetings_by_format"] == {"speeches": 1}
        summary = db.ingest([str(records / "pdf" / "S_PV.8700_E.pdf")])
        assert [o.status for o in summary.outcomes] == ["replaced"]
        assert db.stats()["meetings_by_format"] == {"pdf": 1}
        assert db.stats()["sources"] == {"stored": 1, "superseded": 1}
        (folder / one_meeting[0].name).write_text("Mr. X (France): changed.", encoding="utf-8")
        summary = db.ingest([str(folder)])
        assert [o.status for o in summary.outcomes] == ["superseded"]
        assert "held from" in summary.outcomes[0].message
        assert db.stats()["meetings_by_format"] == {"pdf": 1}


def test_a_bad_file_never_stops_the_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_synthetic(folder)
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    (folder / "notes.md").write_text("not a record", encoding="utf-8")
    db_path = tmp_path / "db.sqlite"
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(db_path)])
    assert result.exit_code == 1
    assert "1 added, 0 replaced, 0 unchanged, 0 superseded, 2 failed" in result.output
    assert "failed: " + str(folder / "broken.pdf") + ": " in result.output
    assert "failed: " + str(folder / "empty.pdf") + ": is empty" in result.output
    assert "ignored 1 files that are not records (.md)" in result.output
    assert "Traceback" not in result.output
    with Database(db_path, readonly=True) as db:
        assert db.meeting_keys() == ["S/PV.9999"]


def test_an_interrupted_ingest_leaves_whole_records(tmp_path: Path, records: Path) -> None:
    """Ctrl-C while writing: the record being written is rolled back, the rest stays."""
    path = tmp_path / "db.sqlite"
    seen: list[str] = []

    def stop_after_three(done: int, total: int, label: str) -> None:
        seen.append(label)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with Database(path) as db:
        summary = db.ingest([str(records / "pdf")], jobs=1, progress=stop_after_three)
        assert summary.interrupted
        assert db.stats()["meetings"] == 3
        assert db.check() == []
    with Database(path) as db:
        again = db.ingest([str(records / "pdf")], jobs=1)
        assert sorted(o.status for o in again.outcomes) == ["added"] * 6 + ["unchanged"] * 3
    reference = tmp_path / "reference.sqlite"
    with Database(reference) as db:
        db.ingest([str(records / "pdf")], jobs=1)
    assert snapshot(path) == snapshot(reference)


def test_a_record_the_database_refuses_is_rolled_back_alone(
    tmp_path: Path, records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records are committed in batches, each record in a savepoint of its own: one the
    database refuses half-way (its meeting and speeches already written) leaves nothing of
    itself, and the records before and after it in the batch are kept."""
    from councilbase.store import records as records_module

    real = records_module.write_votes

    def refuse(conn: object, meeting_id: int, rows: records_module.RecordRows) -> None:
        if rows.key == "S/PV.8700":
            raise sqlite3.IntegrityError("refused for the test")
        real(conn, meeting_id, rows)  # type: ignore[arg-type]

    monkeypatch.setattr(records_module, "write_votes", refuse)
    path = tmp_path / "db.sqlite"
    with Database(path) as db:
        summary = db.ingest([str(records / "pdf")], jobs=1)
        assert [o.key for o in summary.failed] == ["S/PV.8700"]
        assert "refused for the test" in summary.failed[0].message
        assert summary.count("added") == 8
        assert "S/PV.8700" not in db.meeting_keys() and len(db.meeting_keys()) == 8
        orphans = db.conn.execute(
            "SELECT count(*) FROM speeches WHERE meeting_id NOT IN (SELECT id FROM meetings)"
        ).fetchone()[0]
        assert orphans == 0 and db.check() == []


def test_a_meeting_replaced_within_a_batch_leaves_the_index_whole(tmp_path: Path) -> None:
    """Speeches are indexed in bulk when their batch commits (``schema.index_pending``): a
    meeting stored twice in one batch (twice in one JSONL file) has its first speeches
    deleted before they were ever indexed, and only the second version is found."""
    import json

    record = parse_inputs([str(write_synthetic(tmp_path / "in"))]).records[0]
    first = record_to_json(record)
    second, third = json.loads(json.dumps(first)), json.loads(json.dumps(first))
    first["speeches"][0]["text"][0] += " Quokkafirst."
    second["speeches"][0]["text"][0] += " Wombatsecond."
    source = tmp_path / "twice.jsonl"
    source.write_text("".join(json.dumps(d) + "\n" for d in (first, second)), encoding="utf-8")
    path = tmp_path / "db.sqlite"
    with Database(path) as db:
        summary = db.ingest([str(source)])
        assert [o.status for o in summary.outcomes] == ["added", "replaced"]
        assert db.count("Quokkafirst") == 0 and db.count("Wombatsecond") == 1
        assert db.conn.execute("SELECT count(*) FROM speeches_fts_pending").fetchone()[0] == 0
        assert db.check() == []
        # and again, the speeches now indexed: replaced by a later batch
        third["speeches"][0]["text"][0] += " Numbatthird."
        source.write_text(json.dumps(third) + "\n", encoding="utf-8")
        assert [o.status for o in db.ingest([str(source)]).outcomes] == ["replaced"]
        assert db.count("Wombatsecond") == 0 and db.count("Numbatthird") == 1
        assert db.check() == []


def test_a_killed_ingest_is_completed_by_running_it_again(
    tmp_path: Path, records: Path, twenty_meetings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGKILL in the middle (three trials at different points), then a re-run: the same
    rows as an uninterrupted run, and a database that passes every check. (Committed every
    0.1 s, so that the meetings counted reach each point before the run ends.)"""
    monkeypatch.setenv("COUNCILBASE_COMMIT_SECONDS", "0.1")
    inputs = [str(records / "pdf" / "S_PV.8700_E.pdf"), str(twenty_meetings)]
    reference = tmp_path / "reference.sqlite"
    with Database(reference) as db:
        db.ingest(inputs, jobs=1)
    expected = snapshot(reference)
    for trial, kill_at in enumerate((1, 8, 17)):
        path = tmp_path / f"killed{trial}.sqlite"
        Database(path).close()
        process = ingest_process(path, inputs)
        deadline = time.monotonic() + 60
        meetings = 0
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with sqlite3.connect(path, timeout=1) as conn:
                    meetings = conn.execute("SELECT count(*) FROM meetings").fetchone()[0]
            except sqlite3.OperationalError:
                pass
            if meetings >= kill_at:
                break
            time.sleep(0.005)
        pool = descendants(process.pid)  # the parsing pool: its forkserver and worker
        process.send_signal(signal.SIGKILL)
        process.wait()
        left = running(pool)
        deadline = time.monotonic() + 10
        while left and time.monotonic() < deadline:  # the workers see the ingest gone
            time.sleep(0.1)
            left = running(pool)
        assert pool and not left, f"trial {trial}: {len(left)} of the ingest's processes left"
        with Database(path) as db:
            # what a kill may leave: people built before the last records, which check says
            assert [p for p in db.check() if not p.startswith(STALE_PEOPLE)] == []
            held = db.stats()["meetings"]
            assert held >= min(kill_at, 1)
            db.ingest(inputs, jobs=1)
            assert db.check() == []
        assert snapshot(path) == expected, f"trial {trial} killed after {held} meetings"


@pytest.mark.parametrize("proc", [True, False], ids=["proc", "no-proc"])
def test_a_worker_tells_whether_its_ingest_still_runs(
    proc: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an ingest's workers watch (``ingest._alive``): this process runs; a child that
    ended does not, nor (where /proc tells) one that ended and was not yet waited for. Without
    /proc (macOS) the kernel is asked instead."""
    import os
    import subprocess
    import sys

    from councilbase.store import ingest

    if not proc:
        real_isdir = os.path.isdir
        monkeypatch.setattr(os.path, "isdir", lambda p: p != "/proc/self" and real_isdir(p))
    assert ingest._alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while running({child.pid}):  # until it has ended: a zombie, not yet waited for
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert ingest._alive(child.pid) is (not proc)  # a zombie: only /proc tells it has ended
    child.wait()
    assert not ingest._alive(child.pid)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Database(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {latest_version() + 5}")
    with pytest.raises(DatabaseError, match="newer than this councilbase knows"):
        Database(path)
    result = runner.invoke(app, ["stats", "--db", str(path)])
    assert result.exit_code == 2
    assert "upgrade councilbase" in result.output
    assert "Traceback" not in result.output


def test_another_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="not a councilbase database"):
        Database(path)
    assert path.read_bytes() == before
    result = runner.invoke(app, ["ingest", "x.pdf", "--db", str(path)])
    assert result.exit_code == 2
    assert "is an SQLite database but not a councilbase database" in result.output


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just text", encoding="utf-8")
    with pytest.raises(DatabaseError, match=r"not a councilbase database \(not an SQLite file\)"):
        councilbase.open(path)
    assert path.read_text(encoding="utf-8") == "just text"


def test_readonly_open_of_a_missing_database_is_a_message(tmp_path: Path) -> None:
    result = runner.invoke(app, ["search", "x", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "no such database" in result.output
    assert not (tmp_path / "none.db").exists()


def test_ingest_in_parallel_gives_the_same_rows(tmp_path: Path, records: Path) -> None:
    inputs = [str(records / "pdf"), str(records / "speeches")]
    serial, parallel = tmp_path / "serial.db", tmp_path / "parallel.db"
    with Database(serial) as db:
        db.ingest(inputs, jobs=1)
    with Database(parallel) as db:
        db.ingest(inputs, jobs=2)
    assert snapshot(serial) == snapshot(parallel)


def test_rebuilding_the_search_index_keeps_results(ingested_copy: Path) -> None:
    with Database(ingested_copy) as db:
        before = [h.id for h in db.search("humanitarian", limit=50)]
        db.rebuild_search_index()
        assert [h.id for h in db.search("humanitarian", limit=50)] == before
        assert db.check() == []
