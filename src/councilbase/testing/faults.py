"""Fault experiments, shared by the tests (which assert on them) and ``bench/robustness.py``
(which prints their figures): an ingest killed at random moments and then run again, and the
web app answering while an ingest writes to its database. Also the two pieces they stand on:
an ingest in a child process, and ``councilbase serve`` in a child process."""

from __future__ import annotations

import json
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from councilbase.store.database import Database
from councilbase.store.driver import sqlite3

STALE_PEOPLE = "people: built before the last change"
INGEST = "import sys, councilbase; councilbase.open(sys.argv[1]).ingest(sys.argv[2:], jobs=1)"


def ingest_process(db_path: Path, inputs: Sequence[str]) -> subprocess.Popen[bytes]:
    """``ingest`` of the inputs into a database, in a child process (one job)."""
    return subprocess.Popen(
        [sys.executable, "-c", INGEST, str(db_path), *inputs],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stat(pid: int | str) -> list[bytes] | None:
    """The fields of /proc/PID/stat after the command's name (state, parent, ...), or None
    for a process that is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _stats() -> dict[int, list[bytes]]:
    """Every process's /proc/PID/stat fields."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(entry.name)) is not None:
            out[int(entry.name)] = fields
    return out


def descendants(pid: int, stats: dict[int, list[bytes]] | None = None) -> set[int]:
    """The processes a process started, and theirs (Linux: read from /proc)."""
    parents = {child: int(fields[1]) for child, fields in (stats or _stats()).items()}
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def running(pids: set[int]) -> set[int]:
    """Those of the processes that still run (zombies are not running)."""
    return {
        pid for pid in pids if (fields := _stat(pid)) is not None and fields[0] not in (b"Z", b"X")
    }


def snapshot(db_path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the data tables without row ids or times: what two runs must share."""
    conn = sqlite3.connect(db_path)
    try:
        return {
            "meetings": conn.execute(
                "SELECT key, symbol, date, president_name, source_sha256, warnings FROM meetings"
                " ORDER BY key"
            ).fetchall(),
            "speeches": conn.execute(
                "SELECT m.key, s.seq, s.position, s.speaker_line, s.state, s.role, s.text"
                " FROM speeches s JOIN meetings m ON m.id = s.meeting_id ORDER BY m.key, s.seq"
            ).fetchall(),
            "items": conn.execute(
                "SELECT m.key, i.position, i.kind, i.text FROM items i"
                " JOIN meetings m ON m.id = i.meeting_id ORDER BY m.key, i.position"
            ).fetchall(),
            "members": conn.execute(
                "SELECT m.key, x.position, x.state, x.representative FROM members x"
                " JOIN meetings m ON m.id = x.meeting_id ORDER BY m.key, x.position"
            ).fetchall(),
            "sources": conn.execute(
                "SELECT path, part, sha256, status FROM sources ORDER BY path, part"
            ).fetchall(),
            "fts": conn.execute(
                "SELECT count(*) FROM speeches_fts WHERE speeches_fts MATCH 'Council'"
            ).fetchall(),
        }
    finally:
        conn.close()


@dataclass
class KillTrial:
    """One ingest killed and run again."""

    held: int
    """Meetings in the database right after the kill."""
    problems_after_kill: list[str]
    problems_after_rerun: list[str]
    matches: bool
    """Whether the re-run left exactly the rows of an ingest that was never killed."""

    @property
    def damage_after_kill(self) -> list[str]:
        """What the kill broke: the problems ``check`` finds, but for the notice that the
        people were built before the last records (a kill before they were rebuilt: the
        check saying so is the point, and the re-run rebuilds them)."""
        return [p for p in self.problems_after_kill if not p.startswith(STALE_PEOPLE)]


def kill_trials(inputs: Sequence[str], folder: Path, trials: int, seed: int) -> list[KillTrial]:
    """Ingest the inputs once to time it and keep its rows; then, ``trials`` times, SIGKILL
    an ingest at a random moment, check the database, run the ingest again and compare."""
    reference = folder / "reference.db"
    started = time.monotonic()
    with Database(reference) as db:
        db.ingest(list(inputs), jobs=1)
    full = time.monotonic() - started
    expected = snapshot(reference)
    rng = random.Random(seed)
    out: list[KillTrial] = []
    for trial in range(trials):
        path = folder / f"killed-{trial}.db"
        Database(path).close()
        process = ingest_process(path, inputs)
        time.sleep(rng.uniform(0.2, full + 0.8))
        process.send_signal(signal.SIGKILL)
        process.wait()
        with Database(path) as db:
            after_kill = db.check()
            held = db.stats()["meetings"]
            db.ingest(list(inputs), jobs=1)
            after_rerun = db.check()
        out.append(KillTrial(held, after_kill, after_rerun, snapshot(path) == expected))
    return out


def free_port() -> int:
    """A TCP port nothing listens on now, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def listening(
    command: list[str], port: int, what: str, timeout: float = 30.0
) -> Iterator[subprocess.Popen[bytes]]:
    """A server command in a child process, until the block ends; yields it once it accepts
    connections on ``port`` of 127.0.0.1 (RuntimeError naming ``what`` if it never does)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{what} did not start") from None
                time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def server_process(
    db_path: Path, port: int | None = None, timeout: float = 30.0, workers: int | None = None
) -> Iterator[str]:
    """``councilbase serve`` over a database in a child process, until the block ends;
    yields its base URL once it accepts connections."""
    port = port or free_port()
    command = [sys.executable, "-m", "councilbase", "serve", "--db", str(db_path)]
    command += ["--port", str(port)] + (["--workers", str(workers)] if workers else [])
    with listening(command, port, f"the server over {db_path}", timeout):
        yield f"http://127.0.0.1:{port}"


SEARCH = "/api/search?q=Council"


@dataclass
class ServingReport:
    """What the clients saw while the ingest wrote."""

    requests: int = 0
    totals: list[int] = field(default_factory=list)
    """The ``total`` of each answer to :data:`SEARCH`, in order."""
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    writer_status: int | None = None


def serving_during_ingest(
    db_path: Path,
    inputs: Sequence[str],
    urls: Sequence[str] = (SEARCH, "/meetings/S/PV.8700"),
    clients: int = 4,
    min_totals: int = 0,
    max_totals: int | None = None,
) -> ServingReport:
    """Serve a database while another process ingests the inputs into it: ``clients``
    threads fetch the URLs in turn until the ingest ends (and until :data:`SEARCH` has
    answered ``min_totals`` times; at most ``max_totals`` times). Every failed request,
    and every JSON answer that does not parse, is an error."""
    report = ServingReport()
    lock = threading.Lock()
    with server_process(db_path) as base:
        started = time.monotonic()
        writer = ingest_process(db_path, inputs)

        def client() -> None:
            while writer.poll() is None or len(report.totals) < min_totals:
                for url in urls:
                    try:
                        with urllib.request.urlopen(base + url, timeout=30) as response:
                            body = response.read()
                        data = json.loads(body) if url.startswith("/api/") else None
                        with lock:
                            report.requests += 1
                            if url == SEARCH and data is not None:
                                report.totals.append(int(data["total"]))
                    except Exception as exc:  # every error counts against the server
                        with lock:
                            report.errors.append(f"{url}: {exc!r}")
                if max_totals is not None and len(report.totals) > max_totals:
                    break

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        report.writer_status = writer.wait(timeout=300)
        for thread in threads:
            thread.join(timeout=120)
        report.seconds = time.monotonic() - started
    return report


def tree_rss(root: int) -> int:
    """Resident memory, in bytes, of a process and all its descendants (from /proc)."""
    import os

    page = os.sysconf("SC_PAGE_SIZE")
    stats = _stats()
    return sum(
        int(stats[pid][21]) * page for pid in {root} | descendants(root, stats) if pid in stats
    )


def peak_memory(command: Sequence[str], interval: float = 0.02) -> tuple[int, int]:
    """Run a command; (its exit status, the peak resident memory of its process tree)."""
    process = subprocess.Popen(list(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(interval)
    return process.returncode, peak
