"""Ingest records into the database: plan the work, parse in parallel, store one record
per transaction.

* Idempotent: every source (a PDF or text file, one meeting's files in a speech-level
  folder, one record of a JSONL file) is kept in ``sources`` with the SHA-256 of the bytes
  read and the parser version; the same bytes are skipped, changed bytes replace the record.
* Safe to interrupt: each record is written in one transaction, so a killed run leaves the
  database as it was after the last whole record, and running it again completes it.
* A bad file never stops the run: it is reported with why, and the run goes on.
* When two sources give the same meeting, the original keeps it (PDF over a text record
  over a speech-level corpus); the other is kept in ``sources`` as superseded.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context

from councilbase.errors import RecordError
from councilbase.model import Record
from councilbase.parse import PARSER_VERSION
from councilbase.pipeline import Parsed, Unit, parse_unit, plan, read_jsonl
from councilbase.store.outcomes import apply_index
from councilbase.store.people import build_people
from councilbase.store.records import FORMAT_PRIORITY, meeting_key, save_record
from councilbase.store.schema import now


@dataclass
class Outcome:
    """What happened to one source."""

    label: str
    status: str  # added | replaced | unchanged | superseded | failed
    key: str | None = None
    message: str = ""


@dataclass
class IngestSummary:
    """Everything an ingest run did, source by source."""

    outcomes: list[Outcome] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    interrupted: bool = False
    stopped: str | None = None
    """Why the run stopped early (a full disk, a read-only database), or None."""

    def count(self, status: str) -> int:
        """How many sources ended with a status."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[Outcome]:
        """The sources that could not be ingested."""
        return [o for o in self.outcomes if o.status == "failed"]


ProgressCallback = Callable[[int, int, str], None]


def _source_row(conn: sqlite3.Connection, unit: Unit, part: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM sources WHERE path = ? AND part = ?", (unit.path, part)
    ).fetchone()
    return row


def is_unchanged(conn: sqlite3.Connection, unit: Unit, sha: str) -> bool:
    """Whether the unit's bytes were already ingested by this parser version."""
    if unit.format == "jsonl":
        row = conn.execute(
            "SELECT count(*), sum(sha256 = ?) FROM sources WHERE path = ?", (sha, unit.path)
        ).fetchone()
        return bool(row[0]) and row[0] == row[1]
    row = _source_row(conn, unit, unit.part)
    return row is not None and row["sha256"] == sha and row["parser_version"] == PARSER_VERSION


def store(conn: sqlite3.Connection, unit: Unit, record: Record, sha: str, size: int) -> Outcome:
    """Store one record from a unit in one transaction; what happened to it."""
    part = meeting_key(record) if unit.format == "jsonl" else unit.part
    key = meeting_key(record)
    fmt = record.source.format if record.source else unit.format
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        old_source = _source_row(conn, unit, part)
        held = conn.execute(
            "SELECT m.id, m.source_id, m.source_format, s.path FROM meetings m"
            " LEFT JOIN sources s ON s.id = m.source_id WHERE m.key = ?",
            (key,),
        ).fetchone()
        values = (
            unit.format,
            sha,
            size,
            record.source.pages if record.source else None,
            json.dumps([p.name for p in unit.files] if unit.format == "speeches" else []),
            record.source.parser_version if record.source else PARSER_VERSION,
            now(),
        )
        if old_source is None:
            source_id = conn.execute(
                "INSERT INTO sources (path, part, format, sha256, size, pages, files,"
                " parser_version, ingested_at, status) VALUES (?,?,?,?,?,?,?,?,?,'stored')",
                (unit.path, part, *values),
            ).lastrowid
        else:
            source_id = old_source["id"]
            conn.execute(
                "UPDATE sources SET format = ?, sha256 = ?, size = ?, pages = ?, files = ?,"
                " parser_version = ?, ingested_at = ?, status = 'stored', note = NULL"
                " WHERE id = ?",
                (*values, source_id),
            )
        if (
            held is not None
            and held["source_id"] != source_id
            and FORMAT_PRIORITY.get(held["source_format"] or "", 0) > FORMAT_PRIORITY.get(fmt, 0)
        ):
            note = f"{key} is held from {held['path']} ({held['source_format']})"
            conn.execute(
                "UPDATE sources SET status = 'superseded', note = ? WHERE id = ?",
                (note, source_id),
            )
            conn.execute("DELETE FROM meetings WHERE source_id = ? AND key != ?", (source_id, key))
            return Outcome(unit.label, "superseded", key, note)
        # this source's earlier record under another key (its symbol changed) goes
        conn.execute("DELETE FROM meetings WHERE source_id = ? AND key != ?", (source_id, key))
        if held is not None and held["source_id"] not in (None, source_id):
            conn.execute(
                "UPDATE sources SET status = 'superseded', note = ? WHERE id = ?",
                (f"{key} is held from {unit.path} ({fmt})", held["source_id"]),
            )
        apply_index(conn, [save_record(conn, record, int(source_id or 0))])
    status = "added" if held is None else "replaced"
    return Outcome(unit.label, status, key)


def _forget_missing_parts(conn: sqlite3.Connection, unit: Unit, keep: set[str]) -> None:
    """Records a JSONL file no longer holds are removed with their sources."""
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        for row in conn.execute(
            "SELECT id, part FROM sources WHERE path = ?", (unit.path,)
        ).fetchall():
            if row["part"] not in keep:
                conn.execute("DELETE FROM meetings WHERE source_id = ?", (row["id"],))
                conn.execute("DELETE FROM sources WHERE id = ?", (row["id"],))


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("forkserver"))


def _parse_alone(unit: Unit) -> Parsed:
    """Parse one unit in a process of its own: a crash there is that unit's alone."""
    with _pool(1) as executor:
        try:
            return executor.submit(parse_unit, unit).result()
        except BrokenProcessPool:
            return Parsed([], [RecordError(unit.label, "made the parser crash; it was skipped")])


def _ping() -> bool:
    return True


def _working_pool(workers: int) -> ProcessPoolExecutor | None:
    """A pool whose workers start; None where they cannot (a program read from standard
    input, some embedded interpreters): then this process parses alone."""
    executor = _pool(workers)
    try:
        if executor.submit(_ping).result(timeout=120):
            return executor
    except Exception:  # any failure to start means: parse here instead
        pass
    executor.shutdown(wait=False, cancel_futures=True)
    return None


class ParseTimeout(Exception):
    """A unit took longer than the time limit to parse."""


def _alarm(signum: int, frame: object) -> None:
    raise ParseTimeout


def _parse_here(unit: Unit, limit: float) -> Parsed:
    """Parse in this process, under a time limit when this is the main thread (SIGALRM)."""
    use_alarm = (
        limit > 0
        and threading.current_thread() is threading.main_thread()
        and hasattr(signal, "setitimer")
    )
    if not use_alarm:
        return parse_unit(unit)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return parse_unit(unit)
    except ParseTimeout:
        return Parsed([], [RecordError(unit.label, _too_long(limit))])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _too_long(limit: float) -> str:
    return f"took longer than {limit:g} s to parse and was skipped (--time-limit)"


def _kill(executor: ProcessPoolExecutor) -> None:
    """Stop a pool at once, its running workers included."""
    for process in list(getattr(executor, "_processes", {}).values()):
        process.kill()
    executor.shutdown(wait=False, cancel_futures=True)


def _parse_all(units: list[Unit], workers: int, limit: float = 0) -> Generator[Parsed, None, None]:
    """Parse units in order, in ``workers`` processes (in this one when 1, or when worker
    processes cannot start), each within ``limit`` seconds (0: no limit). When a worker dies
    (a crash inside a PDF library), the unit at the head is parsed alone to find out whether
    it was the cause, and a new pool takes the rest; a unit over the limit is skipped and its
    worker killed."""
    start = 0
    while start < len(units):
        executor = _working_pool(workers) if workers > 1 else None
        if executor is None:
            yield from (_parse_here(unit, limit) for unit in units[start:])
            return
        restart = False
        try:
            futures = [executor.submit(parse_unit, unit) for unit in units[start:]]
            for future in futures:
                try:
                    parsed = future.result(timeout=limit or None)
                except BrokenProcessPool:
                    parsed = _parse_alone(units[start])
                    restart = True
                except FuturesTimeout:
                    parsed = Parsed([], [RecordError(units[start].label, _too_long(limit))])
                    _kill(executor)
                    restart = True
                start += 1
                yield parsed
                if restart:
                    break
        finally:
            if restart:
                _kill(executor)
            else:
                executor.shutdown(wait=False, cancel_futures=True)


def _storage_problem(exc: sqlite3.Error) -> str | None:
    """What to tell the user when the database cannot be written."""
    message = str(exc).lower()
    if "full" in message:
        return "the disk (or the database's size limit) is full"
    if "readonly" in message or "read-only" in message:
        return "the database cannot be written (read-only file, folder or connection)"
    if "disk i/o" in message or "unable to open" in message:
        return f"the database cannot be written ({exc})"
    return None


def ingest(
    conn: sqlite3.Connection,
    paths: Iterable[str],
    *,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
    time_limit: float = 300.0,
) -> IngestSummary:
    """Ingest files, folders and globs into an open database; a summary of what happened.

    ``jobs`` worker processes parse in parallel (default: the number of cores); this
    process alone writes. Interrupting (Ctrl-C) rolls back the record being written and
    returns the summary with ``interrupted`` set.
    """
    units, missing, ignored = plan(paths)
    summary = IngestSummary(
        outcomes=[Outcome(e.path, "failed", message=e.message) for e in missing], ignored=ignored
    )
    total = len(units)
    done = 0

    def tick(label: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total, label)

    todo: list[tuple[Unit, str, int]] = []
    for unit in units:
        try:
            sha, size = unit.digest()
        except OSError as exc:
            summary.outcomes.append(Outcome(unit.label, "failed", message=f"cannot be read: {exc}"))
            tick(unit.label)
            continue
        if is_unchanged(conn, unit, sha):
            summary.outcomes.append(Outcome(unit.label, "unchanged", unit.part or None))
            tick(unit.label)
        else:
            todo.append((unit, sha, size))
    jsonl = [t for t in todo if t[0].format == "jsonl"]
    parallel = [t for t in todo if t[0].format != "jsonl"]
    workers = min(jobs or os.cpu_count() or 1, max(len(parallel), 1))
    results = _parse_all([t[0] for t in parallel], workers, time_limit)
    try:
        for (unit, sha, size), parsed in zip(parallel, results, strict=True):
            for error in parsed.errors:
                summary.outcomes.append(Outcome(error.path, "failed", message=error.message))
            for record in parsed.records:
                summary.outcomes.append(store(conn, unit, record, sha, size))
            tick(unit.label)
        for unit, sha, size in jsonl:
            keep: set[str] = set()
            try:
                for record in read_jsonl(unit.files[0]):
                    keep.add(meeting_key(record))
                    summary.outcomes.append(store(conn, unit, record, sha, size))
            except RecordError as exc:
                summary.outcomes.append(Outcome(exc.path, "failed", message=exc.message))
            else:
                _forget_missing_parts(conn, unit, keep)
            tick(unit.label)
    except KeyboardInterrupt:
        summary.interrupted = True
    except sqlite3.OperationalError as exc:
        problem = _storage_problem(exc)
        if problem is None:
            raise
        summary.stopped = (
            f"{problem}: stopped after {summary.count('added') + summary.count('replaced')} "
            "records; every record written is whole. Make room (or fix the file's permissions) "
            "and run the same command again"
        )
    finally:
        results.close()
    changed = summary.count("added") or summary.count("replaced")
    if summary.stopped is None and not summary.interrupted and changed:
        try:
            build_people(conn)
        except sqlite3.OperationalError as exc:
            problem = _storage_problem(exc)
            if problem is None:
                raise
            summary.stopped = f"{problem}: the records are in, the people were not rebuilt"
    return summary
