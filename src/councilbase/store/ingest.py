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

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from councilbase.errors import RecordError
from councilbase.model import Record, record_from_json
from councilbase.parse import PARSER_VERSION, parse_path
from councilbase.parse.corpus import parse_corpus
from councilbase.pipeline import classify, expand
from councilbase.read.speeches import name_fields
from councilbase.store.records import FORMAT_PRIORITY, meeting_key, save_record
from councilbase.store.schema import now

RECORD_SUFFIXES = {".pdf", ".txt", ".text", ".jsonl"}


@dataclass
class Unit:
    """One piece of ingest work: a file, or one meeting's files in a speech-level folder."""

    path: str
    format: str
    files: list[Path]
    part: str = ""

    @property
    def label(self) -> str:
        """How the unit is named in messages."""
        return f"{self.path} [{self.part}]" if self.part else self.path

    def digest(self) -> tuple[str, int]:
        """SHA-256 and size of the bytes this unit reads."""
        sha = hashlib.sha256()
        size = 0
        many = len(self.files) > 1 or self.format == "speeches"
        for path in self.files:
            if many:
                sha.update(path.name.encode("utf-8") + b"\0")
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    sha.update(block)
                    size += len(block)
            if many:
                sha.update(b"\0")
        return sha.hexdigest(), size


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

    def count(self, status: str) -> int:
        """How many sources ended with a status."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[Outcome]:
        """The sources that could not be ingested."""
        return [o for o in self.outcomes if o.status == "failed"]


ProgressCallback = Callable[[int, int, str], None]


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def plan(paths: Iterable[str]) -> tuple[list[Unit], list[Outcome], list[str]]:
    """The units to ingest from files, folders and globs; failures found while planning
    (missing paths); and files ignored because they are not records."""
    units: list[Unit] = []
    failures: list[Outcome] = []
    ignored: list[str] = []
    corpus: dict[tuple[str, int, int], list[Path]] = {}
    for path in expand(paths):
        if path.is_dir():
            candidates = list(_walk(path))
            explicit = False
        else:
            candidates = [path]
            explicit = True
        for file in candidates:
            if not explicit and file.suffix.lower() not in RECORD_SUFFIXES:
                ignored.append(str(file))
                continue
            if file.suffix.lower() == ".jsonl":
                units.append(Unit(str(file), "jsonl", [file]))
                continue
            kind = classify(file)
            if kind == "missing":
                failures.append(Outcome(str(file), "failed", message="does not exist"))
            elif kind == "speeches":
                fields = name_fields(file.name)
                if fields is None:
                    units.append(Unit(str(file), "speeches", [file]))
                else:
                    _, number, resumption, _ = fields
                    group = (str(file.parent), number, resumption or 0)
                    corpus.setdefault(group, []).append(file)
            else:
                units.append(Unit(str(file), kind, [file]))
    for (folder, number, resumption), files in sorted(corpus.items()):
        part = f"S/PV.{number}" + (f" (Resumption {resumption})" if resumption else "")
        units.append(Unit(folder, "speeches", sorted(files, key=lambda p: p.name), part))
    return units, failures, ignored


@dataclass
class Parsed:
    """A unit's records, and the errors met while parsing it."""

    records: list[Record]
    errors: list[RecordError]


def parse_unit(unit: Unit) -> Parsed:
    """Parse one unit (runs in a worker process); never raises for a bad input."""
    try:
        if unit.format == "speeches":
            result = parse_corpus(unit.files)
            return Parsed(result.records, result.errors)
        if unit.format == "jsonl":
            return Parsed(list(read_jsonl(unit.files[0])), [])
        return Parsed([parse_path(unit.files[0])], [])
    except RecordError as exc:
        return Parsed([], [exc])
    except Exception as exc:  # a parser bug must not stop the run: report it
        return Parsed([], [RecordError(unit.label, f"could not be parsed ({exc!r})")])


def read_jsonl(path: Path) -> Iterator[Record]:
    """Records from a JSONL file of ``councilbase.record/1`` documents."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield record_from_json(json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                raise RecordError(
                    f"{path}:{number}", f"is not a councilbase record ({exc})"
                ) from exc


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
        save_record(conn, record, int(source_id or 0))
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


def _executor(jobs: int) -> Executor | None:
    if jobs <= 1:
        return None
    return ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("forkserver"))


def ingest(
    conn: sqlite3.Connection,
    paths: Iterable[str],
    *,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
) -> IngestSummary:
    """Ingest files, folders and globs into an open database; a summary of what happened.

    ``jobs`` worker processes parse in parallel (default: the number of cores); this
    process alone writes. Interrupting (Ctrl-C) rolls back the record being written and
    returns the summary with ``interrupted`` set.
    """
    units, failures, ignored = plan(paths)
    summary = IngestSummary(outcomes=list(failures), ignored=ignored)
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
    executor = _executor(min(jobs or os.cpu_count() or 1, max(len(parallel), 1)))
    try:
        results: Iterable[Parsed] = (
            executor.map(parse_unit, [t[0] for t in parallel], chunksize=1)
            if executor
            else (parse_unit(t[0]) for t in parallel)
        )
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
    finally:
        if executor:
            executor.shutdown(wait=not summary.interrupted, cancel_futures=True)
    return summary
