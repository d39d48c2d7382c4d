"""The SQLite councilbase runs on (issue 18): a current one for every connection, FTS5 as
before, and threads, each with its own connection, reading whole pages while another process
ingests. The torn pages had one cause: opening a connection read the file's header with a
descriptor of our own, and closing it released the POSIX locks of every connection the process
held on the database, so that the writer, finding itself alone, checkpointed and removed the
write-ahead log under the readers (``bench/torn_reads.py`` counts them)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from councilbase.store.database import Database
from councilbase.store.driver import library, sqlite3


def test_every_connection_is_the_current_sqlite(tmp_path: Path) -> None:
    assert library().startswith("sqlean.py ")
    major, minor = (int(part) for part in sqlite3.sqlite_version.split(".")[:2])
    assert (major, minor) >= (3, 45)
    with Database(tmp_path / "d.db") as db:
        assert type(db.conn).__module__.startswith("sqlean")
        assert db.conn.execute("SELECT sqlite_version()").fetchone()[0] == sqlite3.sqlite_version
        assert db.conn.execute("SELECT count(*) FROM speeches_fts WHERE speeches_fts MATCH 'x'")


def test_threads_with_their_own_connections_read_whole_pages_while_another_process_writes(
    records: Path, tmp_path: Path
) -> None:
    path = tmp_path / "live.db"
    pdfs = sorted((records / "pdf").glob("*.pdf"))
    with Database(path) as db:  # something to read from the start
        assert not db.ingest([str(p) for p in pdfs[:2]], jobs=1).failed
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, councilbase; councilbase.open(sys.argv[1]).ingest(sys.argv[2:], jobs=1)",
            str(path),
            *[str(p) for p in pdfs[2:]],
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    errors: list[str] = []
    reads = [0]
    stop = threading.Event()

    def reader() -> None:
        with Database(path, readonly=True) as db:  # its own connection
            while not stop.is_set():
                try:
                    keys = db.meeting_keys()
                    for key in keys[-3:]:
                        record = db.record(key)
                        assert record is not None
                        json.dumps([s.text for s in record.speeches])
                    db.search("humanitarian", limit=5)
                    db.conn.execute("SELECT sum(length(data)) FROM items").fetchone()
                    reads[0] += 1
                except Exception as exc:  # every failure is counted: there must be none
                    errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 300
        while writer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        if writer.poll() is None:
            writer.kill()
    assert writer.returncode == 0, writer.stderr.read() if writer.stderr else ""
    assert reads[0] > 20
    assert errors == [], errors[:5]
    with Database(path, readonly=True) as db:
        assert db.check() == []


def test_opening_another_connection_keeps_the_locks_of_those_open(tmp_path: Path) -> None:
    """A reader's lock on the database must survive another connection opened and closed in
    its process: else a writer closing in another process believes itself the last one and
    removes the write-ahead log the reader depends on."""
    path = tmp_path / "d.db"
    with Database(path) as db:
        db.conn.execute("CREATE TABLE t (x)")
        db.conn.execute("INSERT INTO t VALUES (1)")
    with Database(path, readonly=True) as reader:
        assert reader.conn.execute("SELECT count(*) FROM t").fetchone()[0] == 1
        Database(path, readonly=True).close()  # another connection, opened and closed
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys, councilbase; db = councilbase.open(sys.argv[1]);"
                " db.conn.execute('INSERT INTO t VALUES (2)'); db.close()",
                str(path),
            ],
            check=True,
        )
        # the writer saw the reader: it left the log for the reader rather than removing it
        assert Path(f"{path}-wal").exists()
        assert reader.conn.execute("SELECT count(*) FROM t").fetchone()[0] == 2
