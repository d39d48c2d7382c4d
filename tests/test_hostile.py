"""The red team's classes of fault, each tried as a class: one bad input never costs the
others, exports are all or nothing, the web app under concurrent hostile requests never
answers 500, and every route's parameters parsed with the exact grammar they need."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import councilbase
from councilbase.cli import app
from councilbase.sample import write_synthetic
from councilbase.store.database import Database
from councilbase.store.driver import sqlite3
from councilbase.store.schema import _statements, fts_sql
from councilbase.testing.faults import server_process

runner = CliRunner()


# --- one bad input never costs the others ------------------------------------------------


def test_bad_file_names_and_lines_cost_only_themselves(
    records: Path, ingested: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    good = sorted((records / "pdf").glob("*.pdf"))[:2]
    for path in good:
        (folder / path.name).write_bytes(path.read_bytes())
    odd = folder / os.fsdecode(b"S_PV.8704_\xff.pdf")
    odd.write_bytes((records / "pdf" / "S_PV.8704_E.pdf").read_bytes())
    os.mkfifo(folder / "waiting.pdf")
    deep = tmp_path / "deep.jsonl"
    deep.write_text("[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    good_jsonl = tmp_path / "good.jsonl"
    assert (
        runner.invoke(app, ["export", "jsonl", str(good_jsonl), "--db", str(ingested)]).exit_code
        == 0
    )
    mixed = tmp_path / "mixed.jsonl"
    lines = good_jsonl.read_text("utf-8").splitlines()
    mixed.write_text("\n".join([lines[0], '{"schema": "councilbase.record/1"', *lines[1:3]]) + "\n")
    db_path = tmp_path / "isolated.db"
    result = runner.invoke(
        app,
        ["ingest", str(folder), str(deep), str(good_jsonl), str(mixed), "--db", str(db_path)],
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "waiting.pdf: is a FIFO, not a regular file: not read" in result.output
    assert "deep.jsonl:1: is not a councilbase record: nests deeper than 64 levels" in result.output
    assert "mixed.jsonl:2: is not a councilbase record" in result.output
    with Database(db_path, readonly=True) as db:
        keys = set(db.meeting_keys())
        assert "S/PV.8704" in keys and len(keys) == 45  # every good record, the JSONL's too
        assert db.conn.execute("SELECT count(*) FROM people").fetchone()[0] > 200
        stored = db.conn.execute(
            "SELECT path FROM sources WHERE path LIKE '%S_PV.8704_%'"
        ).fetchone()[0]
        assert stored.endswith("S_PV.8704_\\xff.pdf")  # the odd name kept, escaped
        assert db.check() == []
    with Database(ingested, readonly=True) as db:
        assert len(db.meeting_keys()) == 45


def test_a_crash_before_the_people_are_built_is_found_and_mended(ingested_copy: Path) -> None:
    with Database(ingested_copy) as db:  # as a kill between the records and the people
        db.conn.execute("DELETE FROM meetings WHERE key = 'S/PV.8700'")
        assert db.check() == [
            "people: built before the last change to the speeches (an ingest was stopped);"
            " run `councilbase people rebuild`"
        ]
    result = runner.invoke(app, ["check", "--db", str(ingested_copy)])
    assert result.exit_code == 1 and "councilbase people rebuild" in result.output
    result = runner.invoke(app, ["people", "rebuild", "--db", str(ingested_copy)])
    assert result.exit_code == 0 and "rebuilt from the speeches" in result.output
    with Database(ingested_copy, readonly=True) as db:
        assert db.check() == []


def test_a_locked_database_is_a_message(tmp_path: Path, records: Path) -> None:
    ingested_copy = tmp_path / "locked.db"
    Database(ingested_copy).close()
    holder = sqlite3.connect(ingested_copy, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code = (
            "import councilbase, sys;"
            "db = councilbase.open(sys.argv[1]); db.conn.execute('PRAGMA busy_timeout = 300');"
            "s = db.ingest([sys.argv[2]], jobs=1); print(s.stopped)"
        )
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                code,
                str(ingested_copy),
                str(records / "pdf" / "S_PV.8698_E.pdf"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.rollback()
        holder.close()
    assert "locked by another writer" in done.stdout, done.stdout + done.stderr


def test_a_time_limit_with_parallel_workers_skips_the_file(records: Path, tmp_path: Path) -> None:
    """A file over --time-limit with --jobs 2: reported, its worker killed, the rest stored
    (it once raised AttributeError and aborted the run)."""
    db = tmp_path / "t.db"
    result = runner.invoke(
        app,
        ["ingest", str(records / "pdf"), "--db", str(db), "--jobs", "2", "--time-limit", "0.05"],
    )
    assert "Traceback" not in result.output and "AttributeError" not in result.output
    assert "took longer than 0.05 s to parse and was skipped (--time-limit)" in result.output
    assert "ParseTimeout" not in result.output
    assert result.exit_code == 1


def test_an_older_database_is_upgraded_by_its_command(ingested_copy: Path) -> None:
    conn = sqlite3.connect(ingested_copy)
    # undo m007 to m013: a database as version 6 left it, each speech's person in its row,
    # its speeches indexed by triggers row by row, its mentions copied into it as JSON
    for column in ("mentions", "refs", "positions"):
        conn.execute(f"ALTER TABLE speeches ADD COLUMN {column} TEXT NOT NULL DEFAULT '[]'")
    conn.execute("DROP TABLE speeches_fts_pending")
    conn.execute("DROP TABLE resolution_paragraphs_fts_pending")
    for statement in _statements(fts_sql("speeches_fts")):
        if statement.startswith("CREATE TRIGGER"):
            name = statement.split()[2]
            conn.execute(f"DROP TRIGGER {name}")
            conn.execute(statement)
    people = conn.execute("SELECT speech_id, person_id FROM speech_people ORDER BY 1").fetchall()
    assert people
    conn.execute("ALTER TABLE speeches ADD COLUMN person_id INTEGER")
    conn.execute(
        "UPDATE speeches SET person_id ="
        " (SELECT person_id FROM speech_people WHERE speech_id = speeches.id)"
    )
    conn.execute("DROP TABLE speech_people")
    conn.execute("CREATE INDEX speeches_person ON speeches (person_id)")
    for table in (
        "resolution_paragraphs_fts",
        "resolution_citations",
        "resolution_paragraphs",
        "resolutions",
    ):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DROP TABLE derived")
    conn.execute("ALTER TABLE meetings DROP COLUMN layout")
    conn.execute("ALTER TABLE meetings DROP COLUMN reading")
    conn.execute("DROP TABLE veto_debates")
    conn.execute("DROP INDEX meetings_body")
    for table, column in (
        ("meetings", "body"),
        ("speeches", "function"),
        ("agenda_items", "item_number"),
        ("agenda_items", "continued"),
        ("votes", "decision"),
    ):
        conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    conn.execute("UPDATE speeches SET facets = replace(facets, ' bodySC', '')")
    conn.execute("DELETE FROM migrations WHERE number >= 7")
    conn.execute("PRAGMA user_version = 6")
    conn.commit()
    conn.close()
    result = runner.invoke(app, ["search", "Syria", "--db", str(ingested_copy)])
    assert result.exit_code == 2
    assert f"upgrade it with `councilbase upgrade --db {ingested_copy}`" in result.output
    result = runner.invoke(app, ["upgrade", "--db", str(ingested_copy)])
    assert result.exit_code == 0 and "applied m007_derived" in result.output
    assert "m011_speech_people" in result.output and "m013_speech_spans" in result.output
    assert runner.invoke(app, ["search", "Syria", "--db", str(ingested_copy)]).exit_code == 0
    conn = sqlite3.connect(ingested_copy)
    assert conn.execute("SELECT speech_id, person_id FROM speech_people ORDER BY 1").fetchall() == (
        people
    )
    kept = {r[1] for r in conn.execute("PRAGMA table_info(speeches)")}
    assert not kept & {"person_id", "mentions", "refs", "positions"}
    conn.close()
    with councilbase.open(ingested_copy) as db:  # speeches added since are indexed
        before = db.count("Syria"), db.count("synthetic")
        db.ingest([str(write_synthetic(ingested_copy.parent / "new"))])
        assert db.count("Syria") == before[0] and db.count("synthetic") > before[1]
        assert db.check() == []


# --- exports: all or nothing -------------------------------------------------------------


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize(
    "target", ["fifo", "/dev/null", "directory", "/proc/self/x", "file-for-folder"]
)
def test_exports_refuse_what_is_not_a_file_or_folder(
    ingested: Path, tmp_path: Path, target: str
) -> None:
    if target == "fifo":
        path = tmp_path / "out.jsonl"
        os.mkfifo(path)
        args = ["export", "jsonl", str(path)]
    elif target == "directory":
        path = tmp_path / "a-folder.jsonl"
        path.mkdir()
        args = ["export", "jsonl", str(path)]
    elif target == "file-for-folder":
        path = tmp_path / "plain"
        path.write_text("keep me")
        args = ["export", "csv", str(path)]
    else:
        args = ["export", "jsonl", target]
    result = runner.invoke(app, [*args, "--db", str(ingested)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and "Traceback" not in result.output
    if target == "file-for-folder":
        assert (tmp_path / "plain").read_text() == "keep me"


def test_an_export_that_fails_midway_leaves_the_old_one(
    ingested: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C, or a disk that fills, half way through: the old files stay as they were,
    no temporary file is left, and the message says nothing was written."""
    out = tmp_path / "csv"
    assert runner.invoke(app, ["export", "csv", str(out), "--db", str(ingested)]).exit_code == 0
    before = _tree(out)
    from councilbase.export import tabular

    real = tabular._batches
    calls = {"n": 0}

    def interrupted(conn: object, table: str, where: str | None = None) -> object:
        calls["n"] += 1
        if calls["n"] == 8:
            raise KeyboardInterrupt
        return real(conn, table, where)  # type: ignore[arg-type]

    monkeypatch.setattr(tabular, "_batches", interrupted)
    result = runner.invoke(
        app, ["export", "csv", str(out), "--db", str(ingested), "--state", "RUS"]
    )
    assert result.exit_code == 130
    assert "interrupted: nothing was written" in result.output
    assert _tree(out) == before

    def full(conn: object, table: str, where: str | None = None) -> object:
        calls["n"] += 1
        if calls["n"] == 12:
            raise OSError(28, "No space left on device")
        return real(conn, table, where)  # type: ignore[arg-type]

    monkeypatch.setattr(tabular, "_batches", full)
    result = runner.invoke(
        app, ["export", "csv", str(out), "--db", str(ingested), "--state", "RUS"]
    )
    assert result.exit_code == 2
    assert "cannot be written (No space left on device); nothing was changed there" in result.output
    assert _tree(out) == before


def test_a_jsonl_export_over_a_size_limit_keeps_the_old_file(
    ingested: Path, tmp_path: Path
) -> None:
    """A real write failure (a file-size limit, as a full disk gives): the good file that
    was there is kept whole."""
    good = tmp_path / "records.jsonl"
    assert (
        runner.invoke(
            app, ["export", "jsonl", str(good), "--db", str(ingested), "--meeting", "8700"]
        ).exit_code
        == 0
    )
    before = good.read_bytes()
    code = (
        "import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000));"
        "from councilbase.cli import main; sys.argv = ['councilbase', 'export', 'jsonl', sys.argv[1],"
        " '--db', sys.argv[2]]; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(good), str(ingested)], capture_output=True, text=True
    )
    assert done.returncode == 2, done.stderr
    assert "cannot be written (File too large); nothing was changed there" in done.stderr
    assert good.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.jsonl"]


# --- the web app under hostile, concurrent requests ----------------------------------------

HOSTILE = [
    "NEAR(",
    'a"b',
    "²⁰²⁰",
    "²",
    "9" * 30,
    "-1",
    "0",
    "S/PV.8700#99999999999999999999",
    "S/PV.8700#²",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "\x00",
    "../../etc/passwd",
    "x" * 300,
    "2020-13",
    "2020-02-30",
    "",
    " ",
    "RUS",
    "Syria",
]


def _query_params(dependant: Any) -> list[str]:
    names = [p.alias for p in dependant.query_params]
    for sub in dependant.dependencies:
        names += _query_params(sub)
    return names


def _app_routes(db: Path) -> list[tuple[str, list[str]]]:
    """Every GET route of the app with the query parameters it reads (its own and those of
    its dependencies)."""
    from fastapi.routing import APIRoute

    from councilbase.web.app import create_app

    out = []
    for route in create_app(db).routes:
        if isinstance(route, APIRoute) and "GET" in route.methods:
            out.append((route.path, _query_params(route.dependant)))
    return out


def _fill(path: str, value: str) -> str:
    quoted = urllib.parse.quote(value, safe="")
    for name in ("{key:path}", "{symbol:path}", "{speech:path}", "{key}", "{code}"):
        path = path.replace(name, quoted)
    return path


def test_every_route_with_hostile_parameters_from_concurrent_clients(web_db: Path) -> None:
    routes = _app_routes(web_db)
    assert len(routes) >= 25
    rng = random.Random(14)
    urls = []
    for path, params in routes:
        for _ in range(6):
            chosen = {p: rng.choice(HOSTILE) for p in params if rng.random() < 0.7}
            urls.append(_fill(path, rng.choice(HOSTILE)) + "?" + urllib.parse.urlencode(chosen))
    urls += ["/api/search?q=NEAR(&page=1"] * 300  # the one that raced the shared statement
    urls += ["/api/similar/S/PV.8700%2399999999999999999999", "/api/similar/S/PV.8700%23%C2%B2"]
    urls += ["/search?q=Syria&year=%C2%B2%E2%81%B0%C2%B2%E2%81%B0"]
    rng.shuffle(urls)
    statuses: dict[int, list[str]] = {}
    lock = threading.Lock()
    with server_process(web_db) as base:

        def worker(part: list[str]) -> None:
            for url in part:
                try:
                    with urllib.request.urlopen(base + url, timeout=60) as response:
                        code = response.status
                except urllib.error.HTTPError as exc:
                    code = exc.code
                with lock:
                    statuses.setdefault(code, []).append(url)

        threads = [threading.Thread(target=worker, args=(urls[i::16],)) for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert 500 not in statuses, statuses.get(500, [])[:10]
    assert set(statuses) <= {200, 400, 404, 422}, {k: v[:3] for k, v in statuses.items()}
    assert sum(len(v) for v in statuses.values()) == len(urls)


def test_a_database_gone_while_serving_is_a_message(web_db: Path, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from councilbase.web.app import create_app

    copy = tmp_path / "served.db"
    copy.write_bytes(web_db.read_bytes())
    client = TestClient(create_app(copy))
    assert client.get("/").status_code == 200
    copy.rename(tmp_path / "moved.db")
    for path in ("/", "/api/", "/search?q=Syria"):
        response = client.get(path)
        assert response.status_code == 503
        assert "is gone (moved or deleted while the server runs)" in response.text
