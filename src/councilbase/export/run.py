"""One entry point for every export format, with the filters of search, written safely.

Every file is first written under a temporary name beside its final place and renamed
into place only when the whole export is written, so a full disk, an error or Ctrl-C
leaves what was there before as it was (and no half-written file). An output that is
not a regular file or folder we can write (a FIFO, a device such as ``/dev/null``,
``/proc``) is refused before anything is read.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from councilbase.store.driver import sqlite3
from councilbase.store.search import Filters, filter_sql

FORMATS = ("csv", "parquet", "jsonl", "parlamint", "akn")
FOLDER_FORMATS = ("csv", "parquet", "parlamint", "akn")


class ExportError(Exception):
    """An export that cannot be written, with why (one line)."""


def _check_target(path: Path, *, folder: bool) -> None:
    """Refuse outputs that are not a regular file or folder under a writable folder."""
    resolved = path.resolve()
    if str(resolved) == "/proc" or str(resolved).startswith(("/proc/", "/sys/", "/dev/")):
        raise ExportError(f"{path}: is a system path; give a folder or file of your own")
    if path.exists() or path.is_symlink():
        mode = os.stat(path).st_mode if path.exists() else 0
        if folder and not stat.S_ISDIR(mode):
            raise ExportError(f"{path}: exists and is not a folder; give a folder to write into")
        if not folder and not stat.S_ISREG(mode):
            if stat.S_ISDIR(mode):
                raise ExportError(
                    f"{path}: is a folder; give a file to write the records to"
                    f" ({path / 'records.jsonl'})"
                )
            raise ExportError(f"{path}: is not a regular file; give a file name ending in .jsonl")
    parent = resolved.parent if not path.exists() or not folder else resolved
    while not parent.exists():
        parent = parent.parent
    if not os.access(parent, os.W_OK):
        raise ExportError(f"{path}: the folder {parent} cannot be written")


class _Staging:
    """Files written under temporary names and renamed into place all at once."""

    def __init__(self) -> None:
        self.pending: list[tuple[Path, Path]] = []

    def path(self, final: Path) -> Path:
        """A temporary path beside ``final``, renamed to it by :meth:`commit`."""
        final.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent)
        os.close(handle)
        temporary = Path(name)
        self.pending.append((temporary, final))
        return temporary

    def commit(self) -> None:
        """Rename every file into place, with Ctrl-C held back until all are."""
        blocked = hasattr(signal, "pthread_sigmask")
        if blocked:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            for temporary, final in self.pending:
                os.replace(temporary, final)
            self.pending = []
        finally:
            if blocked:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def abandon(self) -> None:
        """Remove every temporary file: nothing of this export is left behind."""
        for temporary, _ in self.pending:
            with contextlib.suppress(OSError):
                temporary.unlink()
        self.pending = []


@contextlib.contextmanager
def selection(conn: sqlite3.Connection, filters: Filters | None) -> Iterator[bool]:
    """Temporary tables ``temp.export_speeches`` and ``temp.export_meetings`` holding what
    the filters select (every speech and meeting without filters); yields whether any
    filter is set."""
    where, args = filter_sql(filters)
    conn.execute("DROP TABLE IF EXISTS temp.export_speeches")
    conn.execute("DROP TABLE IF EXISTS temp.export_meetings")
    conn.execute(
        "CREATE TEMP TABLE export_speeches AS SELECT s.id FROM speeches s"
        f" JOIN meetings m ON m.id = s.meeting_id WHERE 1{where}",
        args,
    )
    if where:
        conn.execute(
            "CREATE TEMP TABLE export_meetings AS SELECT DISTINCT s.meeting_id AS id"
            " FROM speeches s WHERE s.id IN (SELECT id FROM temp.export_speeches)"
        )
    else:
        conn.execute("CREATE TEMP TABLE export_meetings AS SELECT id FROM meetings")
    try:
        yield bool(where)
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.export_speeches")
        conn.execute("DROP TABLE IF EXISTS temp.export_meetings")


_SPEECHES = "(SELECT id FROM temp.export_speeches)"
_MEETINGS = "(SELECT id FROM temp.export_meetings)"
TABLE_SELECTION = {
    "speeches": f"id IN {_SPEECHES}",
    "mentions": f"speech_id IN {_SPEECHES}",
    "citations": f"speech_id IN {_SPEECHES}",
    "positions": f"speech_id IN {_SPEECHES}",
    "meetings": f"id IN {_MEETINGS}",
    "members": f"meeting_id IN {_MEETINGS}",
    "agenda_items": f"meeting_id IN {_MEETINGS}",
    "items": f"meeting_id IN {_MEETINGS}",
    "votes": f"meeting_id IN {_MEETINGS}",
    "statements": f"meeting_id IN {_MEETINGS}",
    "vote_casts": f"vote_id IN (SELECT id FROM votes WHERE meeting_id IN {_MEETINGS})",
    "sources": f"id IN (SELECT source_id FROM meetings WHERE id IN {_MEETINGS})",
    "veto_debates": f"meeting_id IN {_MEETINGS} OR sc_meeting_id IN {_MEETINGS}",
    "embeddings": f"text_sha IN (SELECT text_sha FROM speeches WHERE id IN {_SPEECHES})",
}
"""With filters, the rows of each table an export keeps (the index of outcomes, people and
the other tables that hang on no meeting are exported whole)."""


def selected_keys(conn: sqlite3.Connection) -> list[str]:
    """The keys of the selected meetings, in meeting order."""
    from councilbase.store.search import MEETING_ORDER

    return [
        r[0]
        for r in conn.execute(
            f"SELECT m.key FROM meetings m WHERE m.id IN {_MEETINGS} ORDER BY {MEETING_ORDER}"
        )
    ]


def selected_resolutions(conn: sqlite3.Connection, filtered: bool) -> list[str]:
    """The resolutions an export writes, in number order: all of them; with filters, those
    adopted at the selected meetings or cited by the selected speeches."""
    if not filtered:
        return [r[0] for r in conn.execute("SELECT symbol FROM resolutions ORDER BY number")]
    return [
        r[0]
        for r in conn.execute(
            "SELECT symbol FROM resolutions WHERE symbol IN (SELECT resolution FROM votes"
            f" WHERE meeting_id IN {_MEETINGS}) OR symbol IN (SELECT symbol FROM citations"
            f" WHERE speech_id IN {_SPEECHES}) ORDER BY number"
        )
    ]


def export_database(
    conn: sqlite3.Connection, format: str, output: Path, filters: Filters | None = None
) -> str:
    """Export in one format to ``output`` (a folder; a file for jsonl), with only what the
    filters select; what was written, in words. Raises :class:`ExportError` (nothing
    changed on disk) when it cannot be written."""
    from councilbase.export.akn import write_akn, write_resolution_akn
    from councilbase.export.parlamint import write_parlamint
    from councilbase.export.records import resolutions_path, write_jsonl, write_resolutions_jsonl
    from councilbase.export.tabular import write_csv, write_parquet
    from councilbase.store.records import load_record
    from councilbase.store.resolutions import load_resolution

    if format not in FORMATS:
        raise ExportError(f"unknown export format {format!r}: one of {', '.join(FORMATS)}")
    _check_target(output, folder=format in FOLDER_FORMATS)
    staging = _Staging()
    try:
        with selection(conn, filters) as filtered:
            where = TABLE_SELECTION if filtered else {}
            if format in ("csv", "parquet"):
                writer = write_csv if format == "csv" else write_parquet
                files = writer(conn, output, staging.path, where)
                staging.commit()
                return f"{len(files)} {format.upper() if format == 'csv' else 'Parquet'} tables to {output}"
            keys = selected_keys(conn)
            symbols = selected_resolutions(conn, filtered)
            if format == "jsonl":
                count = write_jsonl(conn, staging.path(output), keys)
                also = ""
                if symbols:
                    beside = resolutions_path(output)
                    written = write_resolutions_jsonl(conn, staging.path(beside), symbols)
                    also = f", {written} resolutions to {beside}"
                staging.commit()
                return f"{count} records to {output}{also}"
            write: Callable[..., Path] = write_parlamint if format == "parlamint" else write_akn
            count = 0
            for key in keys:
                record = load_record(conn, key, with_index=True)
                if record is not None:
                    write(record, key, output, staging.path)
                    count += 1
            also = ""
            if format == "akn" and symbols:
                for symbol in symbols:
                    resolution = load_resolution(conn, symbol)
                    if resolution is not None:
                        write_resolution_akn(resolution, output, staging.path)
                also = f" and {len(symbols)} resolutions as Akoma Ntoso statements"
            staging.commit()
            kind = "ParlaMint TEI" if format == "parlamint" else "Akoma Ntoso"
            return f"{count} {kind} files{also} to {output}"
    except OSError as exc:
        staging.abandon()
        reason = exc.strerror or str(exc)
        raise ExportError(
            f"{output}: cannot be written ({reason}); nothing was changed there"
        ) from exc
    except BaseException:
        staging.abandon()
        raise
