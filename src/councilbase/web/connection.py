"""The web app's one read-only connection per process, made safe for the threads that
answer requests, and the cache of expensive whole-database results.

Why one connection and not one per thread: one page cache per process, and one place for
the cache of whole-database results. (Separate connections once read torn pages during an
ingest; the cause was our own header read, which released the process's locks: see
``store.schema.check_file``.)

Why each statement runs whole under a lock: two threads stepping the same statement of a
shared connection (the sqlite3 module caches prepared statements) get "another row
available" (19 of 1,387 concurrent requests once failed so). :class:`SerialConnection` runs a
statement and fetches all its rows before another thread may use the connection.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from councilbase.store import search
from councilbase.store.database import Database
from councilbase.store.driver import sqlite3
from councilbase.store.schema import DatabaseError


class Fetched:
    """A statement's rows, fetched at once, read like a cursor."""

    def __init__(self, rows: list[Any], description: Any, rowcount: int) -> None:
        self._rows = rows
        self._next = 0
        self.description = description
        self.rowcount = rowcount

    def __iter__(self) -> Iterator[Any]:
        while self._next < len(self._rows):
            self._next += 1
            yield self._rows[self._next - 1]

    def fetchone(self) -> Any:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[Any]:
        rest = self._rows[self._next :]
        self._next = len(self._rows)
        return rest

    def fetchmany(self, size: int = 1) -> list[Any]:
        part = self._rows[self._next : self._next + size]
        self._next += len(part)
        return part


class SerialConnection:
    """A connection shared by threads, each statement run whole (all its rows fetched)
    while no other thread uses it. Everything else is the connection's own."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.Lock) -> None:
        self._conn = conn
        self._lock = lock

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Fetched:
        with self._lock:
            cursor = self._conn.execute(sql, parameters)
            rows = cursor.fetchall()
            return Fetched(rows, cursor.description, cursor.rowcount)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


CACHE_ENTRIES = 64
"""Expensive results kept per process (a request that names a new topic adds one): the
oldest goes first, so no sequence of requests grows the cache without bound."""


class Connections:
    """The process's connection (read-only; an ingest writing to the same file never
    blocks it, WAL) and its cache of expensive results; and a second connection that counts
    a search's matches while the first ranks them (:meth:`count_soon`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._statements = threading.Lock()
        self._cache: OrderedDict[tuple[str, tuple[float, int, float, int]], Any] = OrderedDict()
        self._computing: dict[tuple[str, tuple[float, int, float, int]], threading.Lock] = {}
        self._expensive = threading.Semaphore(1)
        self._db = Database(path, readonly=True)  # refuses a bad file at start-up
        self._shared = SerialConnection(self._db.conn, self._statements)
        self._counting: SerialConnection | None = None
        self._counters = ThreadPoolExecutor(max_workers=2, thread_name_prefix="count")

    def count_soon(self, query: str, filters: search.Filters) -> Future[int]:
        """A search's number of matches, counted in another thread on the second connection
        (opened on first use), while the request's thread ranks them on the first."""
        with self._lock:
            if self._counting is None:
                self._counting = SerialConnection(
                    Database(self.path, readonly=True).conn, threading.Lock()
                )
            counting: Any = self._counting  # used as a connection: its statements run whole
        return self._counters.submit(search.count, counting, query, filters)

    def get(self) -> Any:
        """The connection for a request, or :class:`DatabaseError` when the file is gone."""
        if not self.path.exists():
            raise self._gone()
        return self._shared

    def _gone(self) -> DatabaseError:
        return DatabaseError(
            str(self.path),
            "is gone (moved or deleted while the server runs): put it back, or restart the"
            " server with --db pointing at it",
        )

    def signature(self) -> tuple[float, int, float, int]:
        """Changes whenever the database (or its write-ahead log) does."""
        try:
            main = self.path.stat()
        except FileNotFoundError:
            raise self._gone() from None
        wal = self.path.with_name(self.path.name + "-wal")
        try:
            extra = wal.stat()
            return (main.st_mtime, main.st_size, extra.st_mtime, extra.st_size)
        except FileNotFoundError:
            return (main.st_mtime, main.st_size, 0.0, 0)

    def cached(self, name: str, compute: Callable[[Any], Any], expensive: bool = False) -> Any:
        """A whole-database result, computed again only when the database changes, and
        computed at most once at a time: a second request for it waits for the first's
        result. ``expensive`` work (a Wordfish fit) runs one at a time, and its result is
        shared by the server's processes through a file (see :func:`_shared_result`)."""
        key = (name, self.signature())
        if expensive:
            local = compute
            compute = lambda conn: _shared_result(self.path, key, lambda: local(conn))  # noqa: E731
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._cache:
                    return self._cache[key]
            if expensive:
                with self._expensive:
                    value = compute(self.get())
            else:
                value = compute(self.get())
            with self._lock:
                for old in [k for k in self._cache if k[1] != key[1]]:
                    del self._cache[old]
                self._cache[key] = value
                while len(self._cache) > CACHE_ENTRIES:
                    self._cache.popitem(last=False)
                self._computing.pop(key, None)
        return value


def _cache_folder() -> Path:
    from councilbase import cache_dir

    return cache_dir("web")


def _shared_result(path: Path, key: tuple[str, Any], compute: Callable[[], Any]) -> Any:
    """A result computed once for all the server's processes: the first takes a lock on a
    file named after the database's state and the request, computes and writes the result
    (pickled); the others wait on the lock and read it. Any trouble with the cache folder
    (read-only home, full disk) falls back to computing here."""
    import contextlib
    import fcntl
    import hashlib
    import pickle

    digest = hashlib.sha256(repr((str(path.resolve()), key)).encode()).hexdigest()[:32]
    folder = _cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = (folder / f"{digest}.lock").open("a+b")
    except OSError:
        return compute()
    result_file = folder / f"{digest}.pickle"
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if result_file.exists():
                with contextlib.suppress(Exception), result_file.open("rb") as handle:
                    return pickle.load(handle)  # our own file, written below
            value = compute()
            with contextlib.suppress(OSError):
                partial = result_file.with_suffix(".part")
                with partial.open("wb") as handle:
                    pickle.dump(value, handle)
                partial.replace(result_file)
                _prune(folder)
            return value
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _prune(folder: Path, keep: int = 200) -> None:
    """Keep the cache folder small: the newest ``keep`` results (and their locks)."""
    import contextlib

    results = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in results[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()
            old.with_suffix(".lock").unlink()
