"""Every table of the database as CSV or Parquet, one file per table, streamed in batches."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from councilbase.store.driver import sqlite3

PathMaker = Callable[[Path], Path]
"""Where to write a file that will end up at the path given (a temporary name beside it)."""


def _same(path: Path) -> Path:
    return path


BATCH = 5000


def tables(conn: sqlite3.Connection) -> list[str]:
    """The data tables (not the full-text index's shadow tables, not SQLite's own)."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    ).fetchall()
    virtual = {r[0] for r in rows if r[1] and r[1].upper().startswith("CREATE VIRTUAL")}
    return [
        r[0]
        for r in rows
        if r[0] not in virtual and not any(r[0].startswith(v + "_") for v in virtual)
    ]


def columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    """(name, declared type) of a table's columns."""
    return [(r[1], (r[2] or "").upper()) for r in conn.execute(f"PRAGMA table_info({table})")]


def _batches(
    conn: sqlite3.Connection, table: str, where: str | None = None
) -> Iterator[list[tuple[Any, ...]]]:
    condition = f" WHERE {where}" if where else ""
    cursor = conn.execute(f"SELECT * FROM {table}{condition} ORDER BY rowid")
    while batch := cursor.fetchmany(BATCH):
        yield [tuple(row) for row in batch]


def write_csv(
    conn: sqlite3.Connection,
    folder: Path,
    staged: PathMaker = _same,
    where: Mapping[str, str] | None = None,
) -> list[Path]:
    """One CSV file per table (UTF-8, header row); JSON columns stay JSON text. ``where``
    narrows a table's rows (SQL on its columns); ``staged`` says where to write a file."""
    written = []
    for table in tables(conn):
        path = folder / f"{table}.csv"
        with staged(path).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([name for name, _ in columns(conn, table)])
            for batch in _batches(conn, table, (where or {}).get(table)):
                writer.writerows(batch)
        written.append(path)
    return written


def _arrow_type(declared: str) -> Any:
    import pyarrow as pa

    if "INT" in declared:
        return pa.int64()
    if "REAL" in declared or "FLOA" in declared or "DOUB" in declared:
        return pa.float64()
    if "BLOB" in declared:
        return pa.binary()
    return pa.string()


def write_parquet(
    conn: sqlite3.Connection,
    folder: Path,
    staged: PathMaker = _same,
    where: Mapping[str, str] | None = None,
) -> list[Path]:
    """One Parquet file per table, with column types from the schema (zstd-compressed);
    ``where`` and ``staged`` as for :func:`write_csv`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    written = []
    for table in tables(conn):
        cols = columns(conn, table)
        schema = pa.schema([(name, _arrow_type(declared)) for name, declared in cols])
        path = folder / f"{table}.parquet"
        with pq.ParquetWriter(staged(path), schema, compression="zstd") as writer:
            empty = True
            for batch in _batches(conn, table, (where or {}).get(table)):
                arrays = [
                    pa.array([row[i] for row in batch], type=schema.field(i).type)
                    for i in range(len(cols))
                ]
                writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
                empty = False
            if empty:
                writer.write_table(schema.empty_table())
        written.append(path)
    return written
