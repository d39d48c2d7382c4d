"""One entry point for every export format."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from councilbase.export.akn import write_akn
from councilbase.export.parlamint import write_parlamint
from councilbase.export.records import write_jsonl
from councilbase.export.tabular import write_csv, write_parquet
from councilbase.store.records import load_record, meeting_keys

FORMATS = ("csv", "parquet", "jsonl", "parlamint", "akn")


def export_database(conn: sqlite3.Connection, format: str, output: Path) -> str:
    """Export in one format to ``output`` (a folder; a file for jsonl); what was written,
    in words."""
    if format == "csv":
        return f"{len(write_csv(conn, output))} CSV tables"
    if format == "parquet":
        return f"{len(write_parquet(conn, output))} Parquet tables"
    if format == "jsonl":
        path = output if output.suffix == ".jsonl" else output / "records.jsonl"
        return f"{write_jsonl(conn, path)} records to {path.name}"
    if format not in ("parlamint", "akn"):
        raise ValueError(f"unknown export format {format!r}: one of {', '.join(FORMATS)}")
    writer = write_parlamint if format == "parlamint" else write_akn
    count = 0
    for key in meeting_keys(conn):
        record = load_record(conn, key)
        if record is not None:
            writer(record, key, output)
            count += 1
    return f"{count} {'ParlaMint TEI' if format == 'parlamint' else 'Akoma Ntoso'} files"
