"""Ingest records into the database: plan the work, parse in parallel, store one record
per transaction.

* Idempotent: every source (a PDF or text file, one meeting's files in a speech-level
  folder, one record of a JSONL file) is kept in ``sources`` with the SHA-256 of the bytes
  read and the parser version; the same bytes are skipped, changed bytes replace the record.
* Safe to interrupt: each record is written whole or not at all (a savepoint of its own), and
  records are committed in batches (:class:`Batches`: every half second, or 200 records), so
  a killed run leaves the database as it was after the last committed batch, having reported
  no record it had not committed, and running it again completes it. Batches rather than a
  transaction a record: a commit a record rewrote the same index and full-text pages once per
  record (``bench/ingest_floor.py`` measures the bytes written against bare SQLite).
* A bad file never stops the run: it is reported with why, and the run goes on.
* When two sources give the same meeting, the original keeps it (PDF over a text record
  over a speech-level corpus); the other is kept in ``sources`` as superseded.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any

from councilbase.errors import RecordError, safe_path
from councilbase.model import Record
from councilbase.parse import PARSER_VERSION
from councilbase.pipeline import (
    JsonlChunk,
    Parsed,
    Unit,
    jsonl_chunks,
    parse_jsonl_chunk,
    parse_unit,
    plan,
)
from councilbase.store.driver import sqlite3
from councilbase.store.outcomes import apply_index
from councilbase.store.people import build_people
from councilbase.store.records import (
    FORMAT_PRIORITY,
    RecordRows,
    meeting_key,
    record_rows,
    write_rows,
)
from councilbase.store.schema import index_pending, is_stale, now
from councilbase.store.vetoes import link_veto_debates


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
    removed: int = 0
    """Records removed because the JSONL file that held them no longer does."""
    people_stale: bool = False
    """The people could not be rebuilt (interrupted twice): ``people rebuild`` does it."""

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


COMMIT_SECONDS = 0.5
COMMIT_RECORDS = 200


class Batches:
    """Records written in batches: each record in a savepoint of its own (all of it or none of
    it), the batch committed once it is :data:`COMMIT_SECONDS` old or :data:`COMMIT_RECORDS`
    long, and at the end. What happened to each record is reported (added to ``outcomes``)
    only once its batch is committed, so a killed run has reported nothing it lost."""

    def __init__(self, conn: sqlite3.Connection, outcomes: list[Outcome]) -> None:
        self.conn = conn
        self.outcomes = outcomes
        self.pending: list[Outcome] = []
        self.begun = 0.0
        # $COUNCILBASE_COMMIT_SECONDS: another interval (the kill trials commit more often)
        self.seconds = float(os.environ.get("COUNCILBASE_COMMIT_SECONDS") or COMMIT_SECONDS)

    @contextlib.contextmanager
    def record(self) -> Iterator[None]:
        """One record's writes: kept whole, or rolled back whole on any error."""
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self.begun = time.monotonic()
        self.conn.execute("SAVEPOINT record")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:  # SQLite may have rolled back the whole batch itself
                self.conn.execute("ROLLBACK TO record")
                self.conn.execute("RELEASE record")
            raise
        self.conn.execute("RELEASE record")

    def done(self, outcome: Outcome) -> None:
        """What happened to one record (or file); the batch is committed when it is due."""
        self.pending.append(outcome)
        if len(self.pending) >= COMMIT_RECORDS or (
            self.conn.in_transaction and time.monotonic() - self.begun >= self.seconds
        ):
            self.commit()

    def commit(self) -> None:
        """Index the batch's speeches, commit the batch and report its records."""
        if self.conn.in_transaction:
            index_pending(self.conn)
            self.conn.execute("COMMIT")
        self.outcomes.extend(self.pending)
        self.pending.clear()

    def abandon(self) -> None:
        """The batch cannot be committed (the disk is full): roll it back, report none of it
        but its failures."""
        if self.conn.in_transaction:
            self.conn.rollback()
        self.outcomes.extend(o for o in self.pending if o.status == "failed")
        self.pending.clear()


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        yield
        index_pending(conn)


def store(
    conn: sqlite3.Connection,
    unit: Unit,
    record: Record | RecordRows,
    sha: str,
    size: int,
    batches: Batches | None = None,
) -> Outcome:
    """Store one record (or its rows, :func:`~councilbase.store.records.record_rows`) from a
    unit, whole or not at all: in the current batch, else in a transaction of its own; what
    happened to it."""
    rows = record if isinstance(record, RecordRows) else record_rows(record)
    key = rows.key
    part = key if unit.format == "jsonl" else unit.part
    fmt = rows.source_format or unit.format
    with batches.record() if batches is not None else _transaction(conn):
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
            rows.source_pages,
            json.dumps([p.name for p in unit.files] if unit.format == "speeches" else []),
            rows.source_parser_version
            if rows.source_parser_version is not None
            else PARSER_VERSION,
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
        apply_index(conn, [write_rows(conn, rows, int(source_id or 0))])
    status = "added" if held is None else "replaced"
    return Outcome(unit.label, status, key)


def _forget_missing_parts(conn: sqlite3.Connection, unit: Unit, keep: set[str]) -> int:
    """Records a JSONL file no longer holds are removed with their sources; how many."""
    removed = 0
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        for row in conn.execute(
            "SELECT id, part FROM sources WHERE path = ?", (unit.path,)
        ).fetchall():
            if row["part"] not in keep:
                removed += conn.execute(
                    "DELETE FROM meetings WHERE source_id = ?", (row["id"],)
                ).rowcount
                conn.execute("DELETE FROM sources WHERE id = ?", (row["id"],))
    return removed


DEFAULT_MEMORY_LIMIT = 1024
"""Megabytes of address space a parser process may use (a real record needs under 100):
a file built to exhaust memory (millions of glyphs on a page, a compression bomb) ends
its worker, and is reported, instead of taking the machine."""


def _start_worker(megabytes: int, parent: int) -> None:
    """Pool initializer: cap this worker's address space, and end it when the process that
    started the pool is gone (see :func:`_watch`)."""
    if megabytes > 0:
        import resource

        size = megabytes << 20
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    threading.Thread(target=_watch, args=(parent,), name="watch-parent", daemon=True).start()


def _watch(parent: int, every: float = 0.5) -> None:
    """End this worker once the ingest that started it is gone (killed: SIGKILL leaves no
    time to stop the pool). A worker's own parent is the forkserver, which outlives the
    ingest while any worker does, and a worker waiting for work never sees the ingest go
    (its queue's pipes are held open by the other workers): without this, each killed
    ingest left its forkserver and workers behind for good, holding its output open."""
    while _alive(parent):
        time.sleep(every)
    os._exit(1)


def _alive(pid: int) -> bool:
    """Whether a process runs: not gone, and not a zombie waiting for its parent to read
    its status (a caller reading the ingest's output to its end before waiting for it
    would otherwise wait on the workers, and they on it)."""
    if os.path.isdir("/proc/self"):
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                return handle.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
        except (OSError, IndexError):
            return False
    try:  # no /proc here (macOS): ask the kernel, which counts a zombie as alive
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # gone, or the number reused by another user
        return False
    return True


def _pool(workers: int, memory_limit: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("forkserver"),
        initializer=_start_worker,
        initargs=(memory_limit, os.getpid()),
    )


def _crashed(unit: Unit, memory_limit: int) -> Parsed:
    limit = f" or needed more memory than the limit ({memory_limit} MB)" if memory_limit else ""
    return Parsed([], [RecordError(unit.label, f"made the parser crash{limit}; it was skipped")])


def _parse_alone(unit: Unit, memory_limit: int, limit: float) -> Parsed:
    """Parse one unit in a process of its own: a crash there is that unit's alone."""
    executor = _pool(1, memory_limit)
    try:
        return executor.submit(parse_unit, unit).result(timeout=limit or None)
    except BrokenProcessPool:
        return _crashed(unit, memory_limit)
    except FuturesTimeout:
        return Parsed([], [RecordError(unit.label, _too_long(limit))])
    finally:
        _kill(executor)


def _ping() -> bool:
    return True


def _working_pool(workers: int, memory_limit: int) -> ProcessPoolExecutor | None:
    """A pool whose workers start; None where they cannot (a program read from standard
    input, some embedded interpreters): then this process parses alone."""
    executor = _pool(workers, memory_limit)
    try:
        if executor.submit(_ping).result(timeout=120):
            return executor
    except Exception:  # any failure to start means: parse here instead
        pass
    executor.shutdown(wait=False, cancel_futures=True)
    return None


class ParseTimeout(BaseException):
    """A unit took longer than the time limit to parse (a BaseException, so that the
    parser's own net for unexpected errors does not catch it)."""


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
    """Stop a pool at once, its running workers included (safe to call twice)."""
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        process.kill()
    executor.shutdown(wait=False, cancel_futures=True)


def _parse_all(
    units: list[Unit],
    workers: int,
    limit: float | None = 0,
    memory_limit: int = DEFAULT_MEMORY_LIMIT,
) -> Generator[Parsed, None, None]:
    """Parse units in order, in ``workers`` processes (at least one, so that a crash, a
    time limit or the memory limit costs a worker, never this process; here only when no
    worker process can start), each within ``limit`` seconds (0: no limit). When a worker
    dies, the unit at the head is parsed alone to find out whether it was the cause, and a
    new pool takes the rest; a unit over the time limit is skipped and its worker killed."""
    start = 0
    while start < len(units):
        executor = _working_pool(max(1, workers), memory_limit)
        if executor is None:
            yield from (_parse_here(unit, unit.time_limit(limit)) for unit in units[start:])
            return
        restart = False
        try:
            futures = [executor.submit(parse_unit, unit) for unit in units[start:]]
            for future in futures:
                unit_limit = units[start].time_limit(limit)
                try:
                    parsed = future.result(timeout=unit_limit or None)
                except BrokenProcessPool:
                    parsed = _parse_alone(units[start], memory_limit, unit_limit)
                    restart = True
                except FuturesTimeout:
                    parsed = Parsed([], [RecordError(units[start].label, _too_long(unit_limit))])
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


JSONL_IN_WORKERS = 8_000_000
"""A JSONL file this large (bytes) has its lines parsed and checked in worker processes."""


def jsonl_rows(label: str, chunk: JsonlChunk) -> list[RecordRows | RecordError]:
    """What a worker does with some lines of a JSONL file: parse and check them
    (:func:`~councilbase.pipeline.parse_jsonl_chunk`) and build each record's rows."""
    return [
        read if isinstance(read, RecordError) else record_rows(read)
        for read in parse_jsonl_chunk(label, chunk)
    ]


def _jsonl_records(
    unit: Unit, workers: int, memory_limit: int
) -> Generator[Record | RecordRows | RecordError, None, None]:
    """A JSONL file's records in order, as :func:`councilbase.pipeline.read_jsonl` gives
    them, the lines parsed and checked (JSON, schema, the domain's rules) and the records'
    rows built in ``workers`` processes, chunk by chunk, two chunks a worker in flight, while
    this process writes; in this process for a small file, where no worker starts, or after
    a worker died."""
    path = unit.files[0]
    label = safe_path(path)
    chunks = jsonl_chunks(path)
    big = path.stat().st_size >= JSONL_IN_WORKERS
    executor = _working_pool(max(1, workers), memory_limit) if big else None
    if executor is None:
        for chunk in chunks:
            yield from parse_jsonl_chunk(label, chunk)
        return
    window: deque[tuple[Any, Any]] = deque()

    def take() -> Sequence[Record | RecordRows | RecordError]:
        chunk, future = window.popleft()
        try:
            result: Sequence[Record | RecordRows | RecordError] = future.result()
        except BrokenProcessPool:  # a worker died (the memory limit): read it here
            result = parse_jsonl_chunk(label, chunk)
        return result

    try:
        for chunk in chunks:
            window.append((chunk, executor.submit(jsonl_rows, label, chunk)))
            if len(window) >= 2 * max(1, workers):
                yield from take()
        while window:
            yield from take()
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


def _storage_problem(exc: sqlite3.Error) -> str | None:
    """What to tell the user when the database cannot be written."""
    message = str(exc).lower()
    if "locked" in message or "busy" in message:
        return (
            "the database is locked by another writer (another ingest or import?); wait for "
            "it to finish"
        )
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
    time_limit: float | None = None,
    memory_limit: int = DEFAULT_MEMORY_LIMIT,
    ocr: str = "auto",
    scheduler: str | None = None,
    cluster: Any = None,
) -> IngestSummary:
    """Ingest files, folders and globs into an open database; a summary of what happened.

    ``jobs`` worker processes parse in parallel (default: the number of cores), or, with
    ``scheduler`` (a Dask scheduler's address, or ``local:N``), the cluster's workers (see
    :mod:`councilbase.cluster`; or ``cluster``, one already connected); this process alone
    writes. Interrupting (Ctrl-C) rolls back the record being written and returns the
    summary with ``interrupted`` set.
    """
    cluster_context: contextlib.AbstractContextManager[Any] = contextlib.nullcontext(cluster)
    if scheduler is not None and cluster is None:
        from councilbase.cluster import connect

        cluster_context = connect(scheduler)  # entered below: a bad address fails first
    with cluster_context as cluster:
        return _ingest(conn, paths, jobs, progress, time_limit, memory_limit, ocr, cluster)


def _ingest(
    conn: sqlite3.Connection,
    paths: Iterable[str],
    jobs: int | None,
    progress: ProgressCallback | None,
    time_limit: float | None,
    memory_limit: int,
    ocr: str,
    cluster: Any,
) -> IngestSummary:
    units, missing, ignored = plan(paths)
    for unit in units:
        unit.ocr = ocr
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
    results: Generator[Parsed, None, None]
    if cluster is not None:
        from councilbase.cluster import parse_on_cluster

        results = parse_on_cluster(cluster, [t[0] for t in parallel])
    else:
        results = _parse_all([t[0] for t in parallel], workers, time_limit, memory_limit)
    batches = Batches(conn, summary.outcomes)
    try:
        for (unit, sha, size), parsed in zip(parallel, results, strict=True):
            for error in parsed.errors:
                batches.done(Outcome(error.path, "failed", message=error.message))
            for record in parsed.records:
                batches.done(_store_one(conn, unit, record, sha, size, batches))
            tick(unit.label)
        for unit, sha, size in jsonl:
            keep: set[str] = set()
            whole = True
            reads = _jsonl_records(unit, jobs or os.cpu_count() or 1, memory_limit)
            try:
                for read in reads:
                    if isinstance(read, RecordError):
                        whole = False
                        batches.done(Outcome(read.path, "failed", message=read.message))
                        continue
                    keep.add(read.key if isinstance(read, RecordRows) else meeting_key(read))
                    batches.done(_store_one(conn, unit, read, sha, size, batches))
            except OSError as exc:
                whole = False
                batches.done(
                    Outcome(unit.label, "failed", message=f"cannot be read ({exc.strerror})")
                )
            finally:
                reads.close()
            batches.commit()
            if whole:  # records the file no longer holds go; not when a line could not be read
                summary.removed += _forget_missing_parts(conn, unit, keep)
            tick(unit.label)
        batches.commit()
    except KeyboardInterrupt:
        summary.interrupted = True
        _commit_what_is_done(batches, summary)
    except sqlite3.OperationalError as exc:
        problem = _storage_problem(exc)
        if problem is None:
            raise
        batches.abandon()
        summary.stopped = (
            f"{problem}: stopped after {summary.count('added') + summary.count('replaced')} "
            "records; every record written is whole. Make room (or fix the file's permissions) "
            "and run the same command again"
        )
    finally:
        results.close()
        if conn.in_transaction:  # an error of ours: nothing half-done stays open
            batches.abandon()
        _rebuild_derived(conn, summary)
    return summary


def _commit_what_is_done(batches: Batches, summary: IngestSummary) -> None:
    """After Ctrl-C: the records finished before it are committed (the one being written was
    rolled back); a second Ctrl-C, or a database that refuses, leaves the batch out."""
    try:
        batches.commit()
    except (KeyboardInterrupt, sqlite3.OperationalError):
        batches.abandon()


def _store_one(
    conn: sqlite3.Connection,
    unit: Unit,
    record: Record | RecordRows,
    sha: str,
    size: int,
    batches: Batches,
) -> Outcome:
    """Store a record; one that the database refuses (a value it cannot hold) is reported
    and the run goes on. Errors of the database itself (full, locked) stop the run."""
    try:
        return store(conn, unit, record, sha, size, batches)
    except (sqlite3.IntegrityError, sqlite3.InterfaceError, ValueError, OverflowError) as exc:
        key = record.key if isinstance(record, RecordRows) else meeting_key(record)
        return Outcome(unit.label, "failed", key, f"could not be stored ({exc})")


def _rebuild_derived(conn: sqlite3.Connection, summary: IngestSummary) -> None:
    """Rebuild the people from what the database now holds, whatever ended the run
    (all done, Ctrl-C, a bad file), unless the database cannot be written; a second
    Ctrl-C leaves them as they were, and `check` then says they are stale."""
    changed = summary.count("added") or summary.count("replaced") or summary.removed
    if summary.stopped is not None or not (changed or is_stale(conn, "people")):
        return
    try:
        build_people(conn)
        link_veto_debates(conn)
    except KeyboardInterrupt:
        summary.interrupted = True
        summary.people_stale = True
    except sqlite3.OperationalError as exc:
        problem = _storage_problem(exc)
        if problem is None:
            raise
        summary.stopped = f"{problem}: the records are in, the people were not rebuilt"
