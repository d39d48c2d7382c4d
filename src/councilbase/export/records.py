"""The records of the database as JSONL: one ``councilbase.record/1`` document a line."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from councilbase.model import record_to_json
from councilbase.store.driver import sqlite3
from councilbase.store.records import index_fill, load_record, meeting_keys


def record_document(conn: sqlite3.Connection, key: str) -> dict[str, Any] | None:
    """A stored record's ``councilbase.record/1`` document, with ``index``: the date and
    agenda the UN library's index gives a record that lacks them (``ingest`` reads the
    document back as the record, the ``index`` part aside)."""
    record = load_record(conn, key)
    if record is None:
        return None
    document = record_to_json(record)
    fill = index_fill(conn, key)
    if fill.date or fill.agenda:
        document["index"] = {"date": fill.date, "agenda": fill.agenda}
    return document


def write_jsonl(conn: sqlite3.Connection, path: Path, keys: Iterable[str] | None = None) -> int:
    """Write the records (all, or those keys) to a JSONL file; how many were written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with path.open("w", encoding="utf-8") as handle:
        for key in keys if keys is not None else meeting_keys(conn):
            document = record_document(conn, key)
            if document is None:
                continue
            handle.write(json.dumps(document, ensure_ascii=False) + "\n")
            written += 1
    return written


def file_stem(key: str) -> str:
    """A file name for a meeting: ``S/PV.8699 (Resumption 1)`` -> ``S_PV.8699_Resumption1``."""
    stem = key.replace("/", "_").replace(" (Resumption ", "_Resumption").replace(")", "")
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in stem)


def write_xml(
    root: ET.Element, namespace: str, path: Path, staged: Callable[[Path], Path] | None = None
) -> Path:
    """Write an XML document, indented, with ``namespace`` as its default namespace (to
    ``staged(path)`` when given: a temporary name renamed into place later)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tree = ET.ElementTree(root)
    ET.indent(tree)
    ET.register_namespace("", namespace)
    tree.write(staged(path) if staged else path, encoding="utf-8", xml_declaration=True)
    return path


def resolutions_path(records_path: Path) -> Path:
    """Where a JSONL export puts the resolutions: beside the records,
    ``council.jsonl`` -> ``council.resolutions.jsonl``."""
    return records_path.with_name(f"{records_path.stem}.resolutions.jsonl")


def write_resolutions_jsonl(
    conn: sqlite3.Connection, path: Path, symbols: Iterable[str] | None = None
) -> int:
    """Write the resolutions (all, or those symbols) as ``councilbase.resolution/1``
    documents, one a line, in number order; how many were written."""
    from councilbase.model import resolution_to_json
    from councilbase.store.resolutions import load_resolution

    path.parent.mkdir(parents=True, exist_ok=True)
    if symbols is None:
        symbols = [r[0] for r in conn.execute("SELECT symbol FROM resolutions ORDER BY number")]
    written = 0
    with path.open("w", encoding="utf-8") as handle:
        for symbol in symbols:
            resolution = load_resolution(conn, symbol)
            if resolution is None:
                continue
            handle.write(json.dumps(resolution_to_json(resolution), ensure_ascii=False) + "\n")
            written += 1
    return written
