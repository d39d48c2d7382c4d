"""The database as one object, for notebooks and for the CLI and the web app alike.

import councilbase
db = councilbase.open("councilbase.db")
db.search('"cross-border" AND Syria', state="RUS").to_pandas()
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from councilbase.model import Record
from councilbase.store import search as q
from councilbase.store.driver import sqlite3
from councilbase.store.ingest import (
    DEFAULT_MEMORY_LIMIT,
    IngestSummary,
    ProgressCallback,
    ingest,
)
from councilbase.store.records import load_record, meeting_keys
from councilbase.store.resolutions import (
    ResolutionFilters,
    ResolutionHit,
    ResolutionImportSummary,
)
from councilbase.store.schema import connect, integrity_problems, rebuild_fts

DEFAULT_DB = "councilbase.db"


def default_path() -> Path:
    """``$COUNCILBASE_DB``, else ``./councilbase.db``."""
    return Path(os.environ.get("COUNCILBASE_DB") or DEFAULT_DB)


def _filters(**filters: Any) -> q.Filters:
    """The filters named as keywords (``state="RUS"``); an unknown name is a TypeError."""
    return q.Filters(**filters)


class Database:
    """An open councilbase database. Every query method takes the same filters:
    ``state``, ``person``, ``role``, ``meeting``, ``topic``, ``date_from``, ``date_to``,
    ``mentions``, ``cites``, ``organisation``, ``year``."""

    def __init__(self, path: str | Path | None = None, *, readonly: bool = False) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.readonly = readonly
        self.conn: sqlite3.Connection = connect(self.path, readonly=readonly)

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def ingest(
        self,
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
        """Ingest files, folders and globs (see :func:`councilbase.store.ingest.ingest`);
        ``scheduler``: parse on a Dask cluster (its address, or ``local:N``), or on
        ``cluster``, one connected with :func:`councilbase.cluster.connect`."""
        return ingest(
            self.conn,
            paths,
            jobs=jobs,
            progress=progress,
            time_limit=time_limit,
            memory_limit=memory_limit,
            ocr=ocr,
            scheduler=scheduler,
            cluster=cluster,
        )

    def meetings(
        self, *, limit: int | None = None, offset: int = 0, **filters: Any
    ) -> q.Rows[q.MeetingRow]:
        """Meetings in date order (those with matching speeches when filtered)."""
        return q.meetings(self.conn, _filters(**filters), limit=limit, offset=offset)

    def speeches(
        self, *, limit: int | None = None, offset: int = 0, **filters: Any
    ) -> q.Rows[q.SpeechRow]:
        """Speeches in meeting order, with their text."""
        return q.speeches(self.conn, _filters(**filters), limit=limit, offset=offset)

    def search(
        self, query: str, *, limit: int = 20, offset: int = 0, **filters: Any
    ) -> q.Rows[q.SearchHit]:
        """Full-text search, best first: phrases, AND / OR / NOT, prefixes (``humanitar*``)."""
        return q.search(self.conn, query, _filters(**filters), limit=limit, offset=offset)

    def count(self, query: str, **filters: Any) -> int:
        """How many speeches match a query."""
        return q.count(self.conn, query, _filters(**filters))

    def kwic(
        self, query: str, *, width: int = 50, limit: int = 50, **filters: Any
    ) -> q.Rows[q.KwicLine]:
        """Keyword in context: each occurrence with the words around it."""
        return q.kwic(self.conn, query, _filters(**filters), width=width, limit=limit)

    def record(self, key: str) -> Record | None:
        """A whole meeting record by its symbol (``S/PV.8700``), or None."""
        return load_record(self.conn, key)

    def meeting_keys(self) -> list[str]:
        """Every meeting's key, in meeting order."""
        return meeting_keys(self.conn)

    def stats(self) -> dict[str, Any]:
        """Counts of what the database holds."""
        return q.stats(self.conn)

    def import_resolutions(
        self,
        paths: Iterable[str],
        *,
        jobs: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> ResolutionImportSummary:
        """Import resolution texts and PDFs (see
        :func:`councilbase.store.resolutions.import_resolutions`)."""
        from councilbase.store.resolutions import import_resolutions

        return import_resolutions(self.conn, paths, jobs=jobs, progress=progress)

    def resolutions(
        self,
        query: str | None = None,
        *,
        limit: int = 20,
        offset: int = 0,
        filters: ResolutionFilters | None = None,
        **by: Any,
    ) -> q.Rows[ResolutionHit]:
        """Resolutions: with a query, their matching paragraphs best first; without, the
        resolutions in number order. Filters as keywords: ``year``, ``date_from``,
        ``date_to``, ``chapter_vii`` (True or False), ``cites`` (``"resolution 1267"``).

        ``db.resolutions('"safe havens"', chapter_vii=True, date_from="2000")``"""
        from councilbase.store.resolutions import ResolutionFilters, search_resolutions

        chosen = filters or ResolutionFilters(**by)
        return search_resolutions(self.conn, query, chosen, limit=limit, offset=offset)

    def count_resolutions(
        self, query: str | None = None, *, filters: ResolutionFilters | None = None, **by: Any
    ) -> int:
        """How many paragraphs match a query (without one: how many resolutions)."""
        from councilbase.store.resolutions import ResolutionFilters, count_resolutions

        return count_resolutions(self.conn, query, filters or ResolutionFilters(**by))

    def resolution(self, symbol: str) -> dict[str, Any] | None:
        """Everything the database knows of a resolution (``"S/RES/687 (1991)"``, ``687``):
        its text and structure, citations both ways, vote, debates; None when nothing."""
        from councilbase.store.resolutions import normalise_resolution, resolution_json

        return resolution_json(self.conn, normalise_resolution(symbol))

    def check(self) -> list[str]:
        """Problems found by SQLite's integrity check and councilbase's own (none: [])."""
        return integrity_problems(self.conn)

    def rebuild_search_index(self) -> None:
        """Rebuild the full-text index from the speeches."""
        rebuild_fts(self.conn)


def open_database(path: str | Path | None = None, *, readonly: bool = False) -> Database:
    """Open (or create) a councilbase database: ``councilbase.open("councilbase.db")``."""
    return Database(path, readonly=readonly)
