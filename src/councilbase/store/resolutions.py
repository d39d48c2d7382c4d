"""The Council's resolutions in the database: import their texts, fill what a text lacks
from the UN library's index, read one back with everything the database knows about it
(who cited it, how each member voted, the debates), and search their paragraphs.

``import_resolutions`` is idempotent like ``ingest``: a file whose bytes and parser
version are unchanged is skipped without being read again; a changed file, or another file
of the same resolution, replaces it. Each resolution is stored in one transaction; a file
that cannot be read is reported in one line and the run goes on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from councilbase.errors import QueryError, RecordError
from councilbase.model import Resolution, resolution_from_json, resolution_to_json
from councilbase.store.driver import sqlite3
from councilbase.store.schema import index_pending, now
from councilbase.store.search import Rows, fts_query, run_query

RESOLUTION_SUFFIXES = {".txt", ".text", ".pdf"}
FORMAT_RANK = {"pdf": 2, "text": 1}
"""When two files give the same resolution, the original (a PDF) over a text; between
equals, the file read first is kept and the other reported as a duplicate."""


@dataclass
class ResolutionOutcome:
    """What became of one file: added, replaced, unchanged, duplicate (another file of
    the same resolution is kept) or failed."""

    path: str
    status: str
    symbol: str | None = None
    message: str = ""


@dataclass
class ResolutionImportSummary:
    """Everything a resolution import did, file by file."""

    outcomes: list[ResolutionOutcome] = field(default_factory=list)
    seconds: float = 0.0
    filled: int = 0
    """Resolutions whose date, meeting or subject the index gave (their texts lack them)."""

    def count(self, status: str) -> int:
        """How many files ended with a status."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[ResolutionOutcome]:
        """The files that could not be imported."""
        return [o for o in self.outcomes if o.status == "failed"]


def resolution_files(paths: Iterable[str]) -> tuple[list[Path], list[RecordError]]:
    """Files, folders (their ``.txt`` and ``.pdf`` files, recursively) and globs -> the
    files to read, and an error for each path that is not there."""
    from councilbase.pipeline import expand

    files: list[Path] = []
    errors: list[RecordError] = []
    for path in expand(paths):
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in RESOLUTION_SUFFIXES
            )
        elif path.is_file():
            files.append(path)
        else:
            errors.append(RecordError(str(path), "does not exist"))
    return list(dict.fromkeys(files)), errors


def _unchanged(conn: sqlite3.Connection, path: Path, sha: str) -> bool:
    from councilbase.parse import PARSER_VERSION

    row = conn.execute(
        "SELECT 1 FROM resolutions WHERE source_path = ? AND sha256 = ? AND parser_version = ?",
        (str(path), sha, PARSER_VERSION),
    ).fetchone()
    return row is not None


BATCH = 64
"""Resolutions stored per transaction: each batch is whole or absent after a crash."""


def _parse_one(path: Path) -> tuple[Resolution | None, str]:
    """Parse one file: (the resolution, "") or (None, why it cannot be read)."""
    from councilbase.parse.resolution import parse_resolution_file

    try:
        return parse_resolution_file(path), ""
    except RecordError as exc:
        return None, exc.message
    except (OSError, ValueError, UnicodeError, RecursionError) as exc:
        return None, str(exc) or type(exc).__name__


def _parsed(paths: list[Path], jobs: int) -> Iterator[tuple[Path, Resolution | None, str]]:
    """Each file parsed, in order: in worker processes when there are many."""
    if jobs <= 1 or len(paths) < 50:
        for path in paths:
            yield (path, *_parse_one(path))
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("forkserver")) as pool:
        for path, (resolution, message) in zip(
            paths, pool.map(_parse_one, paths, chunksize=32), strict=True
        ):
            yield path, resolution, message


def import_resolutions(
    conn: sqlite3.Connection,
    paths: Iterable[str],
    *,
    jobs: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> ResolutionImportSummary:
    """Import resolution texts (and PDFs) from files, folders and globs: unchanged files
    skipped, the others parsed (in ``jobs`` processes; default: the cores, at most 4) and
    stored ``BATCH`` to a transaction, then the index's dates, meetings and subjects filled
    in where the texts lack them."""
    import os

    from councilbase.parse import file_sha256

    started = time.perf_counter()
    summary = ResolutionImportSummary()
    files, errors = resolution_files(paths)
    summary.outcomes += [ResolutionOutcome(e.path, "failed", message=e.message) for e in errors]
    todo: list[Path] = []
    for path in files:
        try:
            sha = file_sha256(path)
        except OSError as exc:
            summary.outcomes.append(
                ResolutionOutcome(str(path), "failed", message=exc.strerror or str(exc))
            )
            continue
        if _unchanged(conn, path, sha):
            summary.outcomes.append(ResolutionOutcome(str(path), "unchanged"))
        else:
            todo.append(path)
    workers = jobs if jobs is not None else min(4, os.cpu_count() or 1)
    stored: list[int] = []
    batch: list[tuple[Path, Resolution]] = []

    def flush() -> None:
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            for path, resolution in batch:
                status, new_id = write_resolution(conn, resolution, path.stat().st_size)
                message = ""
                if status == "duplicate":
                    kept = conn.execute(
                        "SELECT source_path FROM resolutions WHERE id = ?", (new_id,)
                    ).fetchone()[0]
                    message = f"{resolution.symbol} is already imported from {kept}"
                else:
                    stored.append(new_id)
                summary.outcomes.append(
                    ResolutionOutcome(str(path), status, resolution.symbol, message)
                )
            index_pending(conn)
        batch.clear()

    done = len(files) - len(todo)
    for path, resolution, message in _parsed(todo, workers):
        done += 1
        if progress:
            progress(done, len(files), path.name)
        if resolution is None:
            summary.outcomes.append(ResolutionOutcome(str(path), "failed", message=message))
            continue
        batch.append((path, resolution))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    if stored:
        summary.filled = fill_from_index(conn, stored)
    summary.seconds = time.perf_counter() - started
    return summary


def paragraph_rows(resolution: Resolution) -> list[tuple[str, str, str]]:
    """(label, part, text) of every paragraph in order: PP1..., OP1, OP1(a)..."""
    from councilbase.parse.resolution import paragraph_labels

    preamble = len(resolution.preamble)
    return [
        (label, "preamble" if index < preamble else "operative", text)
        for index, (label, text) in enumerate(paragraph_labels(resolution))
    ]


def _facets(resolution: Resolution) -> str:
    tokens = [f"year{resolution.year}"] if resolution.year else []
    tokens += [f"ch{c.lower()}" for c in resolution.chapters]
    if resolution.chapter_vii:
        tokens.append("actsvii")
    return " ".join(tokens)


def save_resolution(conn: sqlite3.Connection, resolution: Resolution, size: int) -> tuple[str, int]:
    """Store one resolution in one transaction, replacing what the database held for its
    symbol; ``(added | replaced | duplicate, id)``."""
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        outcome = write_resolution(conn, resolution, size)
        index_pending(conn)
        return outcome


def write_resolution(
    conn: sqlite3.Connection, resolution: Resolution, size: int
) -> tuple[str, int]:
    """Write one resolution inside the caller's transaction, replacing what the database
    held for its symbol; ``(added | replaced | duplicate, id)``."""
    source = resolution.source
    if source is None:
        raise ValueError(f"{resolution.symbol}: a resolution to store needs its source")
    data = json.dumps(resolution_to_json(resolution), ensure_ascii=False)
    old = conn.execute(
        "SELECT id, source_path, source_format FROM resolutions WHERE symbol = ?",
        (resolution.symbol,),
    ).fetchone()
    if old is not None:
        if (
            old["source_path"] != source.path
            and Path(old["source_path"]).is_file()
            and FORMAT_RANK.get(source.format, 0) <= FORMAT_RANK.get(old["source_format"], 0)
        ):
            return "duplicate", int(old["id"])  # another file of it is kept: the first read
        conn.execute("DELETE FROM resolutions WHERE id = ?", (old["id"],))
    resolution_id = conn.execute(
        "INSERT INTO resolutions (symbol, number, year, date, date_source, meeting,"
        " meeting_source, title, title_source, chapter_vii, chapters, preamble, operative,"
        " adoption, source_path, source_format, sha256, size, parser_version, imported_at,"
        " warnings, repairs, data) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            resolution.symbol,
            resolution.number,
            resolution.year,
            resolution.date,
            resolution.date_source,
            resolution.meeting,
            resolution.meeting_source,
            resolution.title,
            resolution.title_source,
            int(resolution.chapter_vii),
            json.dumps(resolution.chapters),
            len(resolution.preamble),
            len(resolution.operative),
            resolution.adoption,
            source.path,
            source.format,
            source.sha256 or "",
            size,
            source.parser_version,
            now(),
            json.dumps(resolution.warnings, ensure_ascii=False),
            json.dumps(resolution.repairs),
            data,
        ),
    ).lastrowid
    assert resolution_id is not None
    facets = _facets(resolution)
    conn.executemany(
        "INSERT INTO resolution_paragraphs (resolution_id, seq, label, part, text, facets)"
        " VALUES (?,?,?,?,?,?)",
        [
            (resolution_id, seq, label, part, text, facets)
            for seq, (label, part, text) in enumerate(paragraph_rows(resolution))
        ],
    )
    conn.executemany(
        "INSERT INTO resolution_citations (resolution_id, number, symbol, kind, paragraph,"
        " text) VALUES (?,?,?,?,?,?)",
        [
            (resolution_id, n, c.symbol, c.kind, c.paragraph, c.text)
            for n, c in enumerate(resolution.cites)
        ],
    )
    return ("replaced" if old is not None else "added"), resolution_id


def fill_from_index(conn: sqlite3.Connection, ids: Iterable[int] | None = None) -> int:
    """Give the resolutions whose text lacks a date, an adopting meeting or a subject the
    UN library index's (marked ``index``); values the index gave before are refreshed.
    Returns how many resolutions changed."""
    where = ""
    args: list[Any] = []
    if ids is not None:
        chosen = list(ids)
        if not chosen:
            return 0
        where = f" AND r.id IN ({','.join('?' * len(chosen))})"
        args = chosen
    rows = conn.execute(
        "SELECT r.id, r.date, r.date_source, r.meeting, r.meeting_source, r.title,"
        " r.title_source, o.symbol AS index_meeting, o.date AS index_date, o.topic"
        " FROM resolutions r LEFT JOIN outcome_actions a ON a.document = r.symbol"
        " AND a.kind = 'resolution' LEFT JOIN outcomes o ON o.id = a.outcome_id"
        " WHERE (r.date_source IS NOT 'text' OR r.meeting_source IS NOT 'text'"
        f" OR r.title_source IS NOT 'text'){where} ORDER BY r.id, o.meeting_number",
        args,
    ).fetchall()
    changed = 0
    seen: set[int] = set()
    with conn:
        for row in rows:
            if row["id"] in seen:
                continue  # the first adopting meeting the index lists
            seen.add(row["id"])
            found = row["index_meeting"] is not None or row["index_date"] is not None
            values: dict[str, Any] = {}
            for column, index_value in (
                ("date", row["index_date"]),
                ("meeting", row["index_meeting"]),
                ("title", row["topic"] or None),
            ):
                if row[f"{column}_source"] == "text":
                    continue
                value = index_value if found else None
                source = "index" if value else None
                if (row[column], row[f"{column}_source"]) != (value, source):
                    values[column] = value
                    values[f"{column}_source"] = source
            if values:
                changed += 1
                sets = ", ".join(f"{k} = ?" for k in values)
                conn.execute(
                    f"UPDATE resolutions SET {sets} WHERE id = ?", [*values.values(), row["id"]]
                )
    return changed


def resolution_id(conn: sqlite3.Connection, symbol: str) -> int | None:
    """The database id of a resolution by its symbol."""
    row = conn.execute("SELECT id FROM resolutions WHERE symbol = ?", (symbol,)).fetchone()
    return int(row[0]) if row else None


def load_resolution(conn: sqlite3.Connection, symbol: str) -> Resolution | None:
    """A stored resolution, with the date, meeting and subject the index gave when its text
    lacks them."""
    row = conn.execute(
        "SELECT data, date, date_source, meeting, meeting_source, title, title_source"
        " FROM resolutions WHERE symbol = ?",
        (symbol,),
    ).fetchone()
    if row is None:
        return None
    resolution = resolution_from_json(json.loads(row["data"]))
    for column in ("date", "date_source", "meeting", "meeting_source", "title", "title_source"):
        setattr(resolution, column, row[column])
    return resolution


def normalise_resolution(value: str) -> str:
    """``S/RES/687 (1991)``, ``S/RES/687``, ``687 (1991)``, ``resolution 687``, ``687`` ->
    ``S/RES/687 (1991)``; :class:`QueryError` for anything else."""
    import re

    from councilbase.extract.references import resolution_year

    text = " ".join(value.split())
    match = re.fullmatch(
        r"(?:S/RES/|S-RES-|(?:Security Council )?resolution\s+)?(\d{1,4})\s*(?:\((\d{4})\))?",
        text,
        re.I,
    )
    if match:
        number = int(match.group(1))
        year = int(match.group(2)) if match.group(2) else resolution_year(number)
        if year is not None and number > 0:
            return f"S/RES/{number} ({year})"
    raise QueryError(
        f"cannot read the resolution {value!r}: write S/RES/687 (1991), 687 (1991) or 687"
    )


def number_and_year(symbol: str) -> tuple[int, int | None]:
    """``S/RES/687 (1991)`` -> ``(687, 1991)`` (the year None when the symbol has none)."""
    number, _, year = symbol.removeprefix("S/RES/").rstrip(")").partition(" (")
    return int(number), int(year) if year else None


def is_resolution_symbol(value: str) -> bool:
    """Whether a value names a resolution rather than a meeting (``S/RES/...``,
    ``resolution 687``)."""
    lowered = value.strip().lower()
    return lowered.startswith(("s/res/", "s-res-", "resolution "))


# --- reading one back, with everything the database knows about it --------------------


def _casts(detail: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"member": c.get("name"), "state": c.get("code"), "vote": c.get("vote")}
        for c in detail.get("casts", [])
    ]


def vote(conn: sqlite3.Connection, symbol: str) -> dict[str, Any] | None:
    """How the resolution was adopted: each member's vote from the record when the record
    is in the database, else the index's tally (``source`` says which)."""
    rows = conn.execute(
        "SELECT m.key AS meeting, m.date, v.number, v.data FROM votes v JOIN meetings m"
        " ON m.id = v.meeting_id WHERE v.resolution = ? ORDER BY m.date, v.number",
        (symbol,),
    ).fetchall()
    for r in rows:
        detail = json.loads(r["data"])
        tally = detail.get("announced") or detail.get("counted")
        return {
            "source": "record",
            "meeting": r["meeting"],
            "date": r["date"],
            "vote": r["number"],
            "document": detail.get("document"),
            "in_favour": tally["in_favour"] if tally else None,
            "against": tally["against"] if tally else None,
            "abstaining": tally["abstaining"] if tally else None,
            "unanimous": bool(detail.get("unanimous")),
            "without_vote": bool(detail.get("without_vote")),
            "casts": _casts(detail),
        }
    index = conn.execute(
        "SELECT o.symbol AS meeting, o.date, a.in_favour, a.against, a.abstaining,"
        " a.unanimous, a.without_vote FROM outcome_actions a JOIN outcomes o"
        " ON o.id = a.outcome_id WHERE a.document = ? AND a.kind = 'resolution'"
        " ORDER BY o.meeting_number",
        (symbol,),
    ).fetchone()
    if index is None:
        return None
    return {
        "source": "index",
        "meeting": index["meeting"],
        "date": index["date"],
        "vote": None,
        "document": None,
        "in_favour": index["in_favour"],
        "against": index["against"],
        "abstaining": index["abstaining"],
        "unanimous": bool(index["unanimous"]),
        "without_vote": bool(index["without_vote"]),
        "casts": [],
    }


def cited_by(conn: sqlite3.Connection, symbol: str) -> list[dict[str, Any]]:
    """The resolutions in the database that cite this one, in number order, with the
    paragraphs that do."""
    rows = conn.execute(
        "SELECT r.symbol, r.year, group_concat(c.paragraph, ' ') AS paragraphs"
        " FROM resolution_citations c JOIN resolutions r ON r.id = c.resolution_id"
        " WHERE c.symbol = ? GROUP BY r.id ORDER BY r.number",
        (symbol,),
    ).fetchall()
    return [
        {
            "symbol": r["symbol"],
            "year": r["year"],
            "paragraphs": list(dict.fromkeys(r["paragraphs"].split())),
        }
        for r in rows
    ]


def speeches_on(conn: sqlite3.Connection, symbol: str, limit: int = 500) -> list[dict[str, Any]]:
    """The speeches that cite the resolution, and the explanations of its vote (speeches
    made before or after the vote that adopted it), in meeting order."""
    from councilbase.store.search import MEETING_ORDER

    explained = conn.execute(
        "SELECT DISTINCT v.meeting_id, v.document,"
        " (SELECT count(*) FROM votes w WHERE w.meeting_id = v.meeting_id) AS votes"
        " FROM votes v WHERE v.resolution = ?",
        (symbol,),
    ).fetchall()
    explanation_ids: set[int] = set()
    for row in explained:
        sql = "SELECT s.id FROM speeches s WHERE s.meeting_id = ? AND s.explains IS NOT NULL"
        args: list[Any] = [row["meeting_id"]]
        if row["votes"] > 1:  # several votes: the explanations that name this one
            sql += (
                " AND EXISTS (SELECT 1 FROM positions p WHERE p.speech_id = s.id"
                " AND p.document IN (?, ?))"
            )
            args += [symbol, row["document"] or symbol]
        explanation_ids |= {r[0] for r in conn.execute(sql, args)}
    citing_ids = {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT speech_id FROM citations WHERE symbol = ?", (symbol,)
        )
    }
    ids = sorted(explanation_ids | citing_ids)
    if not ids:
        return []
    out = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        out += conn.execute(
            "SELECT s.id, m.key AS meeting, m.date, m.body, s.seq, s.speaker_line, s.state,"
            " s.role, s.explains FROM speeches s JOIN meetings m ON m.id = s.meeting_id"
            f" WHERE s.id IN ({','.join('?' * len(chunk))}) ORDER BY {MEETING_ORDER}, s.seq",
            chunk,
        ).fetchall()
    return [
        {
            "meeting": r["meeting"],
            "date": r["date"],
            "body": r["body"],
            "seq": r["seq"],
            "speaker_line": r["speaker_line"],
            "state": r["state"],
            "cites": r["id"] in citing_ids,
            "explains": r["explains"] if r["id"] in explanation_ids else None,
        }
        for r in out[:limit]
    ]


def index_rows(conn: sqlite3.Connection, symbol: str) -> list[dict[str, Any]]:
    """The index's rows that name the resolution: meeting, date, subject, tally."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT o.symbol AS meeting, o.date, o.topic, a.in_favour, a.against, a.abstaining,"
            " a.unanimous, a.without_vote FROM outcome_actions a JOIN outcomes o"
            " ON o.id = a.outcome_id WHERE a.document = ? ORDER BY o.meeting_number",
            (symbol,),
        )
    ]


def resolution_json(conn: sqlite3.Connection, symbol: str) -> dict[str, Any] | None:
    """What ``show --json`` prints for a resolution: its text and structure (when the text
    is in the database), who cites it, its vote, the index's rows and the debates. None
    when the database knows nothing of it."""
    resolution = load_resolution(conn, symbol)
    voted = vote(conn, symbol)
    index = index_rows(conn, symbol)
    citing = cited_by(conn, symbol)
    speeches = speeches_on(conn, symbol)
    if resolution is None and voted is None and not index and not citing and not speeches:
        return None
    number, year = number_and_year(symbol)
    out: dict[str, Any] = {
        "symbol": symbol,
        "number": number,
        "year": year,
        "in_database": resolution is not None,
        "date": None,
        "date_source": None,
        "meeting": None,
        "meeting_source": None,
        "title": None,
        "title_source": None,
        "chapter_vii": None,
        "chapters": [],
        "preamble": [],
        "operative": [],
        "cites": [],
    }
    if resolution is not None:
        data = resolution_to_json(resolution)
        for key in out:
            if key in data:
                out[key] = data[key]
        out["cites"] = [
            {"symbol": c.symbol, "kind": c.kind, "paragraph": c.paragraph, "text": c.text}
            for c in resolution.cites
        ]
        out["adoption"] = resolution.adoption
        out["warnings"] = resolution.warnings
        out["source"] = resolution.source.path if resolution.source else None
    else:  # not imported: what the index says
        first = index[0] if index else None
        if first:
            out |= {
                "date": first["date"],
                "date_source": "index" if first["date"] else None,
                "meeting": first["meeting"],
                "meeting_source": "index" if first["meeting"] else None,
                "title": first["topic"] or None,
                "title_source": "index" if first["topic"] else None,
            }
    out["cited_by"] = [c["symbol"] for c in citing]
    out["vote"] = voted
    out["index"] = index
    out["speeches"] = speeches
    return out


# --- search over the paragraphs ----------------------------------------------------------


@dataclass
class ResolutionHit:
    """A resolution (and, for a search, its matching paragraph) as listed."""

    symbol: str
    number: int
    year: int | None
    date: str | None
    meeting: str | None
    title: str | None
    chapter_vii: bool
    paragraph: str | None = None
    """The matching paragraph's label: PP3, OP2, OP2(a)."""
    snippet: str | None = None
    score: float | None = None


@dataclass
class ResolutionFilters:
    """What to narrow a listing or a search of resolutions to."""

    year: int | None = None
    date_from: str | None = None
    """First year (``YYYY``) or day."""
    date_to: str | None = None
    chapter_vii: bool | None = None
    cites: str | None = None
    """A document the resolution cites: ``S/RES/1267 (1999)``, ``resolution 1267``."""


def _filter_sql(filters: ResolutionFilters) -> tuple[list[str], list[Any]]:
    from councilbase.store.search import resolve_cites_filter

    where: list[str] = []
    args: list[Any] = []
    if filters.year is not None:
        where.append("r.year = ?")
        args.append(filters.year)
    for value, op, pad in ((filters.date_from, ">=", "0000"), (filters.date_to, "<=", "9999")):
        if value:
            if not value[:4].isdigit():
                raise QueryError(
                    f"cannot read the date {value!r}: write YYYY, YYYY-MM or YYYY-MM-DD"
                )
            where.append(f"coalesce(r.date, r.year || '-{pad[:2]}-{pad[:2]}') {op} ?")
            args.append(value if op == ">=" else value + "-99")
    if filters.chapter_vii is not None:
        where.append("r.chapter_vii = ?")
        args.append(int(filters.chapter_vii))
    if filters.cites:
        symbol = resolve_cites_filter(filters.cites)
        where.append("r.id IN (SELECT resolution_id FROM resolution_citations WHERE symbol = ?)")
        args.append(symbol)
    return where, args


_HIT_COLUMNS = "r.symbol, r.number, r.year, r.date, r.meeting, r.title, r.chapter_vii"


def _hit(r: sqlite3.Row, **extra: Any) -> ResolutionHit:
    return ResolutionHit(
        symbol=r["symbol"],
        number=r["number"],
        year=r["year"],
        date=r["date"],
        meeting=r["meeting"],
        title=r["title"],
        chapter_vii=bool(r["chapter_vii"]),
        **extra,
    )


def search_resolutions(
    conn: sqlite3.Connection,
    query: str | None = None,
    filters: ResolutionFilters | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
    mark: tuple[str, str] = ("«", "»"),
) -> Rows[ResolutionHit]:
    """With a query: the matching paragraphs, best first (bm25), each with its resolution;
    without: the resolutions in number order. Filters narrow both."""
    filters = filters or ResolutionFilters()
    where, args = _filter_sql(filters)
    if query is None or not query.strip():
        sql = f"SELECT {_HIT_COLUMNS} FROM resolutions r"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY r.number LIMIT ? OFFSET ?"
        return Rows(_hit(r) for r in conn.execute(sql, [*args, limit, offset]))
    match = f"text:({fts_query(query)})"
    sql = (
        f"SELECT {_HIT_COLUMNS}, p.label, bm25(resolution_paragraphs_fts, 1.0, 0.0) AS score,"
        " snippet(resolution_paragraphs_fts, 0, ?, ?, '…', 24) AS snippet"
        " FROM resolution_paragraphs_fts f JOIN resolution_paragraphs p ON p.id = f.rowid"
        " JOIN resolutions r ON r.id = p.resolution_id"
        " WHERE resolution_paragraphs_fts MATCH ?"
    )
    if where:
        sql += " AND " + " AND ".join(where)
    sql += " ORDER BY score, r.number, p.seq LIMIT ? OFFSET ?"
    rows = run_query(conn, sql, [mark[0], mark[1], match, *args, limit, offset], query)
    return Rows(
        _hit(r, paragraph=r["label"], snippet=r["snippet"], score=round(float(r["score"]), 4))
        for r in rows
    )


def count_resolutions(
    conn: sqlite3.Connection, query: str | None = None, filters: ResolutionFilters | None = None
) -> int:
    """How many resolutions match (with a query: how many paragraphs)."""
    filters = filters or ResolutionFilters()
    where, args = _filter_sql(filters)
    if query is None or not query.strip():
        sql = "SELECT count(*) FROM resolutions r" + (
            " WHERE " + " AND ".join(where) if where else ""
        )
        return int(conn.execute(sql, args).fetchone()[0])
    sql = (
        "SELECT count(*) FROM resolution_paragraphs_fts f JOIN resolution_paragraphs p"
        " ON p.id = f.rowid JOIN resolutions r ON r.id = p.resolution_id"
        " WHERE resolution_paragraphs_fts MATCH ?"
    )
    if where:
        sql += " AND " + " AND ".join(where)
    return int(run_query(conn, sql, [f"text:({fts_query(query)})", *args], query)[0][0])


# --- what `check` says about the citations ------------------------------------------------


def citation_problems(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Citations of Council resolutions that cannot be right: a resolution that did not
    exist yet when the citing one was adopted (a higher number), or a year that contradicts
    the number (``resolution 678 (1991)``: 678 is of 1990)."""
    from councilbase.extract.references import resolution_year

    out: list[dict[str, Any]] = []
    rows = conn.execute(
        "SELECT r.symbol AS citing, r.number AS citing_number, c.symbol, c.paragraph, c.text"
        " FROM resolution_citations c JOIN resolutions r ON r.id = c.resolution_id"
        " WHERE c.kind = 'sc_resolution' ORDER BY r.number, c.number"
    ).fetchall()
    for row in rows:
        number, year = number_and_year(row["symbol"])
        problem = None
        if number >= row["citing_number"]:
            problem = f"cites {row['symbol']}, which did not exist yet"
        else:
            expected = resolution_year(number)
            if expected is not None and year is not None and expected != year:
                problem = f"cites {row['symbol']}, but resolution {number} is of {expected}"
        if problem:
            out.append(
                {
                    "resolution": row["citing"],
                    "paragraph": row["paragraph"],
                    "cited": row["symbol"],
                    "text": row["text"],
                    "problem": problem,
                }
            )
    return out
