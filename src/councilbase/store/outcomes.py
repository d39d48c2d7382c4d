"""The official outcomes index in the database, and its reconciliation with the votes the
records themselves give.

``import_outcomes`` replaces the index with the tables in a folder, in one transaction.
``reconcile`` compares, for every meeting with votes or with index actions, what the record
says (resolution, tally, veto, draft) with what the index says, and lists each disagreement
with both sides.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from councilbase.dates import date_tokens
from councilbase.errors import RecordError
from councilbase.parse.outcomes import OutcomeRow, Veto, parse_table, parse_vetoes
from councilbase.store.driver import sqlite3

VETO_FILE = "scact_veto_table_en.html"


@dataclass
class ImportSummary:
    """What an import read: rows per file, rows with problems, the veto list."""

    rows: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[str, int, str]] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)
    vetoes: int = 0
    errors: list[RecordError] = field(default_factory=list)
    dated: int = 0
    """Meetings whose date or agenda the index now gives (their records lack them)."""

    @property
    def total(self) -> int:
        """Meeting rows imported."""
        return sum(self.rows.values())


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def import_outcomes(conn: sqlite3.Connection, folder: Path) -> ImportSummary:
    """Import every ``scact*_table_en.html`` (and the veto list) in a folder, in one
    transaction. Each table read replaces the rows an earlier import took from the file of
    the same name; a file that cannot be read is reported and what the database held from
    it is kept, so a failed import never loses the index. Meetings without a date or an
    agenda of their own then take the index's (:func:`apply_index`)."""
    summary = ImportSummary()
    if not folder.is_dir():
        summary.errors.append(RecordError(str(folder), "is not a folder of outcome tables"))
        return summary
    files = sorted(p for p in folder.glob("scact*_table_en.html"))
    tables: list[tuple[Path, list[OutcomeRow]]] = []
    vetoes: list[Veto] | None = None
    for path in files:
        try:
            if not path.is_file():
                raise RecordError(str(path), "is not a regular file")
            if path.name == VETO_FILE:
                vetoes = parse_vetoes(path)
                continue
            rows, skipped = parse_table(path)
        except RecordError as exc:
            summary.errors.append(exc)
            continue
        tables.append((path, rows))
        summary.rows[path.name] = len(rows)
        if skipped:
            summary.skipped[path.name] = skipped
        summary.problems += [(path.name, r.row, "; ".join(r.problems)) for r in rows if r.problems]
    if not files:
        summary.errors.append(RecordError(str(folder), "holds no scact*_table_en.html files"))
        return summary
    if not tables and vetoes is None:
        return summary  # nothing good was read: the index stays as it was
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "DELETE FROM outcomes WHERE file = ?", [(path.name,) for path, _ in tables]
        )
        for _, rows in tables:
            for row in rows:
                _insert_row(conn, row)
        if vetoes is not None:
            conn.execute("DELETE FROM vetoes")
            conn.executemany(
                "INSERT INTO vetoes (row, date, draft, records, agenda, vetoed_by, problems)"
                " VALUES (?,?,?,?,?,?,?)",
                [
                    (
                        v.row,
                        v.date,
                        v.draft,
                        _dumps(v.records),
                        v.agenda,
                        _dumps(v.vetoed_by),
                        _dumps(v.problems),
                    )
                    for v in vetoes
                ],
            )
        summary.dated = apply_index(conn)
    summary.vetoes = len(vetoes or [])
    return summary


def _insert_row(conn: sqlite3.Connection, row: OutcomeRow) -> None:
    outcome_id = conn.execute(
        "INSERT INTO outcomes (file, row, year, symbol, meeting_number, resumption,"
        " closed, date, press_release, topic, outcome, letter_procedure,"
        " letter_outcome, problems) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            row.file,
            row.row,
            row.year,
            row.symbol,
            row.meeting_number,
            row.resumption,
            int(row.closed),
            row.date,
            row.press_release,
            row.topic,
            row.outcome,
            row.letter_procedure,
            row.letter_outcome,
            _dumps(row.problems),
        ),
    ).lastrowid
    conn.executemany(
        "INSERT INTO outcome_actions (outcome_id, position, kind, document, in_favour,"
        " against, abstaining, unanimous, without_vote, vetoed_by, text, note)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                outcome_id,
                i,
                a.kind,
                a.document,
                a.tally.in_favour if a.tally else None,
                a.tally.against if a.tally else None,
                a.tally.abstaining if a.tally else None,
                int(a.unanimous),
                int(a.without_vote),
                _dumps(a.vetoed_by),
                a.text,
                a.note,
            )
            for i, a in enumerate(row.actions)
        ],
    )


_DATE_TOKENS = re.compile(r" ?\b(?:y[0-9]{4}|ym[0-9]{6}|d[0-9]{8})\b")


def apply_index(conn: sqlite3.Connection, meeting_ids: Iterable[int] | None = None) -> int:
    """Give meetings whose record has no date or no agenda (a speech-level corpus has no
    cover page) the date and topics the UN library's index gives them, marked as coming
    from the index (``meetings.date_source``, ``agenda_items.source``), and index their
    speeches under them, so that every date and topic filter sees them. What an earlier
    index gave is replaced; a record's own date and agenda are never touched. Runs inside
    the caller's transaction; the number of meetings changed."""
    if meeting_ids is None:
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM meetings WHERE date_source IS NOT 'record' OR NOT EXISTS"
                " (SELECT 1 FROM agenda_items a WHERE a.meeting_id = meetings.id"
                " AND a.source = 'record')"
            )
        ]
    else:
        ids = list(meeting_ids)
    changed = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for meeting in conn.execute(
            "SELECT id, key, meeting_number, resumption, date, date_source FROM meetings"
            f" WHERE id IN ({marks})",
            chunk,
        ).fetchall():
            changed += _apply_to_meeting(conn, meeting)
    return changed


def _apply_to_meeting(conn: sqlite3.Connection, meeting: sqlite3.Row) -> int:
    mid = meeting["id"]
    agenda = conn.execute(
        "SELECT title, source FROM agenda_items WHERE meeting_id = ? ORDER BY number", (mid,)
    ).fetchall()
    own_agenda = [r["title"] for r in agenda if r["source"] == "record"]
    old_index_agenda = [r["title"] for r in agenda if r["source"] == "index"]
    index_rows: list[sqlite3.Row] = []
    if meeting["meeting_number"] is not None and str(meeting["key"]).startswith("S/PV."):
        index_rows = conn.execute(
            "SELECT date, topic FROM outcomes WHERE meeting_number = ?"
            " AND coalesce(resumption, 0) = ? ORDER BY year, file, row",
            (meeting["meeting_number"], meeting["resumption"] or 0),
        ).fetchall()
    date: str | None
    date_source: str | None
    if meeting["date_source"] == "record":
        date, date_source = meeting["date"], "record"
    else:
        date = next((r["date"] for r in index_rows if r["date"]), None)
        date_source = "index" if date else None
    index_agenda: list[str] = []
    if not own_agenda:
        for row in index_rows:
            topic = " ".join(str(row["topic"] or "").split())
            if topic and topic not in index_agenda:
                index_agenda.append(topic)
    if date == meeting["date"] and index_agenda == old_index_agenda:
        return 0
    conn.execute(
        "UPDATE meetings SET date = ?, date_source = ? WHERE id = ?", (date, date_source, mid)
    )
    conn.execute("DELETE FROM agenda_items WHERE meeting_id = ? AND source = 'index'", (mid,))
    conn.executemany(
        "INSERT INTO agenda_items (meeting_id, number, title, source) VALUES (?, ?, ?, 'index')",
        [(mid, len(own_agenda) + n, title) for n, title in enumerate(index_agenda, start=1)],
    )
    topic = " | ".join([*own_agenda, *index_agenda])
    tokens = "".join(f" {t}" for t in date_tokens(date))
    for speech_id, facets in conn.execute(
        "SELECT id, facets FROM speeches WHERE meeting_id = ?", (mid,)
    ).fetchall():
        conn.execute(
            "UPDATE speeches SET topic = ?, facets = ? WHERE id = ?",
            (topic, (_DATE_TOKENS.sub("", facets) + tokens).strip(), speech_id),
        )
    return 1


@dataclass
class Disagreement:
    """The record and the index say different things about a meeting."""

    meeting: str
    what: str
    record: str
    index: str


def _index_actions(
    conn: sqlite3.Connection, number: int, resumption: int | None
) -> list[sqlite3.Row]:
    rows: list[sqlite3.Row] = conn.execute(
        "SELECT a.* FROM outcome_actions a JOIN outcomes o ON o.id = a.outcome_id"
        " WHERE o.meeting_number = ? AND coalesce(o.resumption, 0) = ?"
        " AND a.kind IN ('resolution', 'draft_vetoed', 'draft_not_adopted', 'presidential_statement')"
        " ORDER BY o.file, o.row, a.position",
        (number, resumption or 0),
    ).fetchall()
    return rows


def _tally(row: sqlite3.Row) -> str:
    if row["in_favour"] is None:
        return "no tally"
    return f"{row['in_favour']}-{row['against']}-{row['abstaining']}"


def reconcile(conn: sqlite3.Connection) -> list[Disagreement]:
    """Every disagreement between the records' votes and the official index."""
    out: list[Disagreement] = []
    if not conn.execute("SELECT 1 FROM outcomes LIMIT 1").fetchone():
        return out
    meetings = conn.execute(
        "SELECT id, key, meeting_number, resumption FROM meetings"
        " WHERE meeting_number IS NOT NULL ORDER BY meeting_number, coalesce(resumption, 0)"
    ).fetchall()
    for meeting in meetings:
        key = meeting["key"]
        index = _index_actions(conn, meeting["meeting_number"], meeting["resumption"])
        listed = conn.execute(
            "SELECT count(*) FROM outcomes WHERE meeting_number = ? AND coalesce(resumption, 0) = ?",
            (meeting["meeting_number"], meeting["resumption"] or 0),
        ).fetchone()[0]
        votes = conn.execute(
            "SELECT * FROM votes WHERE meeting_id = ? ORDER BY number", (meeting["id"],)
        ).fetchall()
        statements = [
            r[0]
            for r in conn.execute(
                "SELECT symbol FROM statements WHERE meeting_id = ?", (meeting["id"],)
            )
        ]
        if not listed:
            if votes or statements:
                out.append(Disagreement(key, "meeting", "has votes or statements", "not listed"))
            continue
        resolutions = {r["document"]: r for r in index if r["kind"] == "resolution"}
        drafts = {
            r["document"]: r for r in index if r["kind"] in ("draft_vetoed", "draft_not_adopted")
        }
        prsts = {r["document"] for r in index if r["kind"] == "presidential_statement"}
        seen_resolutions: set[str] = set()
        seen_drafts: set[str] = set()
        for vote in votes:
            tally = (
                f"{vote['in_favour']}-{vote['against']}-{vote['abstaining']}"
                if vote["in_favour"] is not None
                else "no tally"
            )
            label = (
                vote["resolution"]
                or vote["document"]
                or f"vote {vote['number'] + 1} ({vote['subject']})"
            )
            if vote["outcome"] == "adopted" and vote["resolution"]:
                row = resolutions.get(vote["resolution"])
                seen_resolutions.add(vote["resolution"])
                if row is None:
                    out.append(
                        Disagreement(
                            key, f"{label}: adopted", f"adopted {tally}", "not in the index"
                        )
                    )
                elif row["in_favour"] is not None and tally != "no tally" and _tally(row) != tally:
                    out.append(Disagreement(key, f"{label}: tally", tally, _tally(row)))
            elif (
                vote["outcome"] in ("vetoed", "not_adopted")
                and vote["subject"] == "draft_resolution"
            ):
                document = vote["document"]
                row = drafts.get(document) if document else None
                if document:
                    seen_drafts.add(document)
                if row is None:
                    out.append(
                        Disagreement(
                            key,
                            f"{label}: {vote['outcome']}",
                            f"{vote['outcome']} {tally}",
                            "not in the index",
                        )
                    )
                    continue
                kind = "vetoed" if row["kind"] == "draft_vetoed" else "not_adopted"
                if kind != vote["outcome"]:
                    out.append(Disagreement(key, f"{label}: outcome", vote["outcome"], kind))
                if row["in_favour"] is not None and tally != "no tally" and _tally(row) != tally:
                    out.append(Disagreement(key, f"{label}: tally", tally, _tally(row)))
                record_vetoes = json.loads(vote["vetoed_by"])
                index_vetoes = json.loads(row["vetoed_by"])
                if (
                    kind == "vetoed"
                    and record_vetoes
                    and sorted(record_vetoes) != sorted(index_vetoes)
                ):
                    out.append(
                        Disagreement(
                            key,
                            f"{label}: vetoed by",
                            ", ".join(record_vetoes),
                            ", ".join(index_vetoes),
                        )
                    )
        for document, row in resolutions.items():
            if document not in seen_resolutions:
                out.append(
                    Disagreement(
                        key,
                        f"{document}: adopted",
                        "no such vote in the record",
                        f"adopted {_tally(row)}",
                    )
                )
        for document, row in drafts.items():
            if document not in seen_drafts:
                out.append(
                    Disagreement(
                        key,
                        f"{document}: {row['kind'].removeprefix('draft_')}",
                        "no such vote in the record",
                        _tally(row),
                    )
                )
        for symbol in prsts - set(statements):
            if symbol and symbol.startswith("S/PRST/"):
                out.append(
                    Disagreement(
                        key,
                        f"{symbol}: presidential statement",
                        "not read out in the record",
                        "issued",
                    )
                )
        for symbol in set(statements) - prsts:
            out.append(
                Disagreement(
                    key, f"{symbol}: presidential statement", "read out", "not in the index"
                )
            )
    return out


def unknown_names(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """Vote-list names and speech affiliations the reference data does not know:
    (meeting, where, name as written). They are kept as written, never given a code."""
    rows = conn.execute(
        "SELECT DISTINCT m.key, 'vote list', c.name FROM vote_casts c JOIN votes v ON v.id = c.vote_id"
        " JOIN meetings m ON m.id = v.meeting_id WHERE c.state IS NULL"
        " UNION SELECT DISTINCT m.key, 'affiliation', s.affiliation FROM speeches s"
        " JOIN meetings m ON m.id = s.meeting_id WHERE s.affiliation IS NOT NULL"
        " AND s.state IS NULL AND s.organisation IS NULL ORDER BY 1, 2, 3"
    ).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]


def outcome_counts(conn: sqlite3.Connection) -> dict[str, Counter[str]]:
    """Actions per kind in the index, per year."""
    out: dict[str, Counter[str]] = {}
    for year, kind, count in conn.execute(
        "SELECT o.year, a.kind, count(*) FROM outcome_actions a JOIN outcomes o ON o.id = a.outcome_id"
        " GROUP BY 1, 2"
    ):
        out.setdefault(str(year), Counter())[kind] = count
    return out
