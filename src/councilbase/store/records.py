"""Save a record into the database and load it back, exactly.

``save_record`` writes one record's rows (meeting, members, agenda, items, speeches);
``load_record`` rebuilds the :class:`~councilbase.model.Record`, so that
``record_to_json(load_record(db, key)) == record_to_json(record)``.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from councilbase import reference
from councilbase.dates import date_tokens
from councilbase.model import (
    AgendaItem,
    Heading,
    Item,
    LanguageChange,
    Member,
    Mention,
    PageReading,
    Position,
    President,
    Procedure,
    Record,
    Reference,
    Source,
    Speech,
    Statement,
    VotePassage,
    vote_from_json,
)
from councilbase.store.driver import sqlite3
from councilbase.symbols import parse_meeting

FORMAT_PRIORITY = {"pdf": 3, "text": 2, "jsonl": 2, "speeches": 1}
"""When two sources give the same meeting, the higher keeps it: the PDF is the original."""


def meeting_key(record: Record) -> str:
    """The record's stable identifier: its symbol (``S/PV.8699 (Resumption 1)``), or,
    for a record whose symbol is unknown, where it came from."""
    if record.symbol:
        return record.symbol
    source = record.source
    where = source.files[0] if source and source.files else (source.path if source else "?")
    return f"unknown:{where}"


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _dumps(value: Any) -> str:
    return _ENCODER.encode(value)


_SCALARS = (str, int, float, bool, type(None))
_FIELDS: dict[type, tuple[str, ...]] = {}


def asdict(value: Any) -> Any:
    """A dataclass (and what it holds) as plain dicts and lists, as ``dataclasses.asdict``
    gives it for JSON, several times faster (no deep copies; the field names read once a
    class): it was the largest part of an ingest's time in this process."""
    if isinstance(value, _SCALARS):
        return value
    names = _FIELDS.get(type(value))
    if names is not None:
        return {name: asdict(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return [asdict(v) for v in value]
    if isinstance(value, dict):
        return {k: asdict(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        _FIELDS[type(value)] = tuple(f.name for f in dataclasses.fields(value))
        return asdict(value)
    return value


def search_speaker(speech: Speech, record: Record) -> str:
    """Who speaks, as the person filter searches it: the speaker line, and for the
    President the name the cover page gives."""
    parts = [speech.speaker_line, speech.name or ""]
    if speech.role == "president" and record.president:
        parts.append(record.president.name)
    return " ".join(p for p in parts if p)


@functools.lru_cache(maxsize=65536)
def token(prefix: str, value: str) -> str:
    """An index token for a code or symbol: ``cite`` + ``S/RES/2401 (2018)`` ->
    ``citeSxRESx2401xx2018x`` (letters and digits only, as the tokenizer keeps them); the
    same few hundred codes come back for every speech, so they are kept once made."""
    return prefix + _NOT_TOKEN.sub("x", value)


_NOT_TOKEN = re.compile(r"[^0-9A-Za-z]")


def speech_facets(speech: Speech) -> str:
    """Index tokens for what a speech mentions and cites, and its organisation."""
    tokens = {token("mention", m.code) for m in speech.mentions}
    tokens |= {token("cite", r.symbol) for r in speech.references}
    if speech.organisation:
        tokens.add(token("org", speech.organisation))
    return "".join(f" {t}" for t in sorted(tokens))


def facets(record: Record, state: str | None, role: str) -> str:
    """Filter tokens indexed with a speech, so that filters are full-text terms:
    ``stateRUS rolemember y2020 ym202001 d20200110 mtg8700 key8700`` (see
    :func:`councilbase.store.search.facet_terms`)."""
    tokens = [f"role{role.replace('_', '')}", f"body{record.body}"]
    if state:
        tokens.append(f"state{state}")
    if record.year:
        tokens.append(f"yr{record.year}")  # the year even where the date is unknown
    tokens += date_tokens(record.date)
    if record.meeting_number is not None:
        number = str(record.meeting_number)
        if record.body == "GA" and record.symbol:
            number = parse_meeting(record.symbol).token
        tokens.append(f"mtg{number}")
        resumption = f"r{record.resumption}" if record.resumption else ""
        tokens.append(f"key{number}{resumption}")
    return " ".join(tokens)


def delete_meeting(conn: sqlite3.Connection, meeting_id: int) -> None:
    """Remove a meeting and everything hanging on it (cascades, full-text index)."""
    conn.execute("DELETE FROM meetings WHERE id = ?", (meeting_id,))


@dataclass
class RecordRows:
    """A record as the rows :func:`write_rows` inserts, built by :func:`record_rows` without
    the database: in a worker process for a large JSONL file, so that the writing process
    only writes (and receives tuples, several times cheaper to unpickle than the record)."""

    key: str
    source_format: str | None
    source_pages: int | None
    source_parser_version: str | None
    meeting: tuple[Any, ...]  # the meetings row, its source_id (given when written) last
    members: list[tuple[Any, ...]]
    agenda: list[tuple[Any, ...]]
    speeches: list[tuple[Any, ...]]  # each without its meeting_id
    items: list[tuple[Any, ...]]  # each without its meeting_id
    votes: list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]  # (vote row, its casts)
    statements: list[tuple[Any, ...]]
    # (speech seq, the row's other values): the speech's id is known once it is written
    positions: list[tuple[Any, ...]]
    mentions: list[tuple[Any, ...]]
    citations: list[tuple[Any, ...]]


def record_rows(record: Record) -> RecordRows:
    """The rows of a record, ready to write (see :func:`write_rows`)."""
    key = meeting_key(record)
    src = record.source
    president = record.president
    meeting = (
        key,
        record.symbol,
        record.meeting_number,
        record.resumption,
        record.session,
        record.session_number,
        record.year,
        record.date,
        "record" if record.date else None,
        record.time,
        record.place,
        president.name if president else None,
        president.country if president else None,
        reference.resolve_state(president.country) if president else None,
        src.path if src else None,
        src.format if src else None,
        src.sha256 if src else None,
        src.pages if src else None,
        _dumps(src.files if src else []),
        src.parser_version if src else None,
        _dumps(record.warnings),
        record.layout,
        _dumps([asdict(r) for r in record.reading]),
        record.body,
    )
    members = [
        (i, m.country, reference.resolve_state(m.country), m.representative, int(m.presiding))
        for i, m in enumerate(record.members)
    ]
    agenda = [
        (n, a.title, _dumps(a.sub_items), _dumps(a.documents), a.number, int(a.continued))
        for n, a in enumerate(record.agenda, start=1)
    ]
    speeches: list[tuple[Any, ...]] = []
    items: list[tuple[Any, ...]] = []
    agenda_item: int | None = None
    topic = " | ".join(a.title for a in record.agenda)
    for position, item in enumerate(record.items):
        if isinstance(item, Heading) and item.agenda_item is not None:
            agenda_item = item.agenda_item
        if isinstance(item, Speech):
            seq = len(speeches)
            state = item.state
            text = "\n".join(item.text)
            speeches.append(
                (
                    seq,
                    position,
                    agenda_item,
                    item.speaker_line,
                    search_speaker(item, record),
                    item.title,
                    item.name,
                    item.affiliation,
                    state,
                    item.role,
                    item.language,
                    text,
                    sum(len(p.split()) for p in item.text),
                    _dumps(item.pages),
                    _dumps([asdict(c) for c in item.language_changes]),
                    item.source_file,
                    _dumps(item.repairs) if item.repairs is not None else None,
                    topic,
                    facets(record, state, item.role) + speech_facets(item),
                    item.explains,
                    item.explains_vote,
                    item.organisation,
                    text_sha(text),
                    item.function,
                )
            )
            items.append((position, "speech", seq, None, None, "{}"))
        else:
            data = asdict(item)
            kind = data.pop("kind")
            text = data.pop("text")
            kind_type = data.pop("type", None)
            items.append((position, kind, None, kind_type, text, _dumps(data)))
    votes = []
    for number, vote in enumerate(record.votes):
        tally = vote.announced or vote.counted
        row = (
            number,
            vote.subject,
            vote.document,
            vote.method,
            vote.outcome,
            int(vote.unanimous),
            int(vote.without_vote),
            vote.resolution,
            tally.in_favour if tally else None,
            tally.against if tally else None,
            tally.abstaining if tally else None,
            _dumps(vote.vetoed_by),
            vote.item,
            _dumps(vote.warnings),
            _dumps(asdict(vote)),
            vote.decision,
        )
        votes.append((row, [(i, c.name, c.code, c.vote) for i, c in enumerate(vote.casts)]))
    said = record.speeches
    return RecordRows(
        key=key,
        source_format=src.format if src else None,
        source_pages=src.pages if src else None,
        source_parser_version=src.parser_version if src else None,
        meeting=meeting,
        members=members,
        agenda=agenda,
        speeches=speeches,
        items=items,
        votes=votes,
        statements=[(s.symbol, s.item) for s in record.statements],
        positions=[
            (seq, n, p.position, p.target, p.document, p.paragraph, p.start, p.end, p.vote)
            for seq, speech in enumerate(said)
            for n, p in enumerate(speech.positions)
        ],
        mentions=[
            (seq, m.kind, m.code, m.text, m.paragraph, m.start, m.end, n)
            for seq, speech in enumerate(said)
            for n, m in enumerate(speech.mentions)
        ],
        citations=[
            (seq, r.kind, r.symbol, r.text, r.paragraph, r.start, r.end, n)
            for seq, speech in enumerate(said)
            for n, r in enumerate(speech.references)
        ],
    )


def save_record(conn: sqlite3.Connection, record: Record, source_id: int | None) -> int:
    """Insert a record's rows (the caller holds the transaction); the meeting's id.

    A meeting with the same key is replaced.
    """
    return write_rows(conn, record_rows(record), source_id)


def write_rows(conn: sqlite3.Connection, rows: RecordRows, source_id: int | None) -> int:
    """Insert a record's rows (the caller holds the transaction), replacing a meeting with
    the same key; the meeting's id."""
    old = conn.execute("SELECT id FROM meetings WHERE key = ?", (rows.key,)).fetchone()
    if old is not None:
        delete_meeting(conn, old[0])
    cur = conn.execute(
        "INSERT INTO meetings (key, symbol, meeting_number, resumption, session, session_number,"
        " year, date, date_source, time, place, president_name, president_country,"
        " president_state, source_path, source_format, source_sha256, source_pages,"
        " source_files, parser_version, warnings, layout, reading, body, source_id)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (*rows.meeting, source_id),
    )
    meeting_id = int(cur.lastrowid or 0)
    conn.executemany(
        "INSERT INTO members (meeting_id, position, country, state, representative, presiding)"
        " VALUES (?,?,?,?,?,?)",
        [(meeting_id, *row) for row in rows.members],
    )
    conn.executemany(
        "INSERT INTO agenda_items (meeting_id, number, title, sub_items, documents,"
        " item_number, continued) VALUES (?,?,?,?,?,?,?)",
        [(meeting_id, *row) for row in rows.agenda],
    )
    conn.executemany(
        "INSERT INTO speeches (meeting_id, seq, position, agenda_item, speaker_line, speaker,"
        " title, name, affiliation, state, role, language, text, words, pages, language_changes,"
        " source_file, repairs, topic, facets, explains, explains_vote, organisation, text_sha,"
        " function) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(meeting_id, *row) for row in rows.speeches],
    )
    conn.executemany(
        "INSERT INTO items (meeting_id, position, kind, speech_seq, type, text, data)"
        " VALUES (?,?,?,?,?,?,?)",
        [(meeting_id, *row) for row in rows.items],
    )
    write_votes(conn, meeting_id, rows)
    return meeting_id


def write_votes(conn: sqlite3.Connection, meeting_id: int, rows: RecordRows) -> None:
    """The record's votes with each member's vote, its presidential statements, and what its
    speeches declare, mention and cite (written after the speeches: they point at them)."""
    for row, casts in rows.votes:
        vote_id = conn.execute(
            "INSERT INTO votes (meeting_id, number, subject, document, method, outcome, unanimous,"
            " without_vote, resolution, in_favour, against, abstaining, vetoed_by, item, warnings,"
            " data, decision) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (meeting_id, *row),
        ).lastrowid
        conn.executemany(
            "INSERT INTO vote_casts (vote_id, position, name, state, vote) VALUES (?,?,?,?,?)",
            [(vote_id, *cast) for cast in casts],
        )
    conn.executemany(
        "INSERT OR IGNORE INTO statements (meeting_id, symbol, item) VALUES (?,?,?)",
        [(meeting_id, *row) for row in rows.statements],
    )
    # the speeches' ids, read once (a lookup a row made the mentions most of a record's time)
    ids = dict(
        conn.execute("SELECT seq, id FROM speeches WHERE meeting_id = ?", (meeting_id,)).fetchall()
    )
    conn.executemany(
        "INSERT INTO mentions (speech_id, kind, code, text, paragraph, start, end, number)"
        " VALUES (?,?,?,?,?,?,?,?)",
        [(ids[row[0]], *row[1:]) for row in rows.mentions],
    )
    conn.executemany(
        "INSERT INTO citations (speech_id, kind, symbol, text, paragraph, start, end, number)"
        " VALUES (?,?,?,?,?,?,?,?)",
        [(ids[row[0]], *row[1:]) for row in rows.citations],
    )
    conn.executemany(
        "INSERT INTO positions (speech_id, number, position, target, document, paragraph, start,"
        " end, vote) VALUES (?,?,?,?,?,?,?,?,?)",
        [(ids[row[0]], *row[1:]) for row in rows.positions],
    )


@dataclass
class _Spans:
    """What a meeting's speeches mention, cite and declare, by speech id, in order."""

    mentions: dict[int, list[Mention]] = field(default_factory=dict)
    references: dict[int, list[Reference]] = field(default_factory=dict)
    positions: dict[int, list[Position]] = field(default_factory=dict)


_SPAN_TABLES: tuple[tuple[str, str, str, Any], ...] = (
    ("mentions", "mentions", "kind, code, text, paragraph, start, end", Mention),
    ("references", "citations", "kind, symbol, text, paragraph, start, end", Reference),
    ("positions", "positions", "position, target, document, paragraph, start, end, vote", Position),
)
"""What a speech mentions, cites and declares: its field, its table, the table's columns in
the dataclass's order, the dataclass."""


def _spans(conn: sqlite3.Connection, meeting: int) -> _Spans:
    spans = _Spans()
    for field_name, table, columns, make in _SPAN_TABLES:
        found: dict[int, list[Any]] = getattr(spans, field_name)
        for r in conn.execute(
            f"SELECT speech_id, {columns} FROM {table} WHERE speech_id IN"
            " (SELECT id FROM speeches WHERE meeting_id = ?) ORDER BY speech_id, number",
            (meeting,),
        ):
            found.setdefault(r[0], []).append(make(*r[1:]))
    return spans


def _speech(row: sqlite3.Row, spans: _Spans) -> Speech:
    text = row["text"]
    return Speech(
        speaker_line=row["speaker_line"],
        title=row["title"],
        name=row["name"],
        affiliation=row["affiliation"],
        role=row["role"],
        language=row["language"],
        text=text.split("\n") if text else [],
        pages=json.loads(row["pages"]),
        language_changes=[LanguageChange(**c) for c in json.loads(row["language_changes"])],
        source_file=row["source_file"],
        repairs=json.loads(row["repairs"]) if row["repairs"] is not None else None,
        explains=row["explains"],
        explains_vote=row["explains_vote"],
        positions=spans.positions.get(row["id"], []),
        state=row["state"],
        organisation=row["organisation"],
        mentions=spans.mentions.get(row["id"], []),
        references=spans.references.get(row["id"], []),
        function=row["function"],
    )


def _item(row: sqlite3.Row) -> Item:
    data = json.loads(row["data"])
    kind = row["kind"]
    if kind == "procedure":
        return Procedure(type=row["type"], text=row["text"], **data)
    if kind == "vote":
        return VotePassage(text=row["text"], **data)
    return Heading(text=row["text"], **data)


def meeting_id(conn: sqlite3.Connection, key: str) -> int | None:
    """The id of a meeting by its key or symbol (``S/PV.8700``), or None."""
    row = conn.execute("SELECT id FROM meetings WHERE key = ?", (key.strip(),)).fetchone()
    return int(row[0]) if row else None


def load_record(conn: sqlite3.Connection, key: str, *, with_index: bool = False) -> Record | None:
    """The record stored under a key, rebuilt exactly as it was saved; None if absent.

    With ``with_index``, a record without a date or agenda of its own has the ones the UN
    library's index gives (what exports that need a date, such as Akoma Ntoso, write)."""
    row = conn.execute("SELECT * FROM meetings WHERE key = ?", (key.strip(),)).fetchone()
    if row is None:
        return None
    mid = row["id"]
    own = "" if with_index else " AND source = 'record'"
    members = [
        Member(country=r["country"], representative=r["representative"], presiding=bool(r[2]))
        for r in conn.execute(
            "SELECT country, representative, presiding FROM members WHERE meeting_id = ?"
            " ORDER BY position",
            (mid,),
        )
    ]
    agenda = [
        AgendaItem(
            title=r["title"],
            sub_items=json.loads(r["sub_items"]),
            documents=json.loads(r["documents"]),
            number=r["item_number"],
            continued=bool(r["continued"]),
        )
        for r in conn.execute(
            f"SELECT * FROM agenda_items WHERE meeting_id = ?{own} ORDER BY number", (mid,)
        )
    ]
    spans = _spans(conn, mid)
    speeches = {
        r["seq"]: _speech(r, spans)
        for r in conn.execute("SELECT * FROM speeches WHERE meeting_id = ?", (mid,))
    }
    items: list[Item] = []
    for r in conn.execute("SELECT * FROM items WHERE meeting_id = ? ORDER BY position", (mid,)):
        items.append(speeches[r["speech_seq"]] if r["kind"] == "speech" else _item(r))
    source = None
    if row["source_format"] is not None:
        source = Source(
            path=row["source_path"],
            format=row["source_format"],
            sha256=row["source_sha256"],
            pages=row["source_pages"],
            files=json.loads(row["source_files"]),
            parser_version=row["parser_version"] or "",
        )
    president = None
    if row["president_name"] is not None:
        president = President(name=row["president_name"], country=row["president_country"])
    return Record(
        symbol=row["symbol"],
        meeting_number=row["meeting_number"],
        resumption=row["resumption"],
        session=row["session"],
        session_number=row["session_number"],
        year=row["year"],
        date=row["date"] if with_index or row["date_source"] == "record" else None,
        time=row["time"],
        place=row["place"],
        president=president,
        members=members,
        agenda=agenda,
        items=items,
        source=source,
        warnings=json.loads(row["warnings"]),
        votes=[
            vote_from_json(json.loads(r[0]))
            for r in conn.execute(
                "SELECT data FROM votes WHERE meeting_id = ? ORDER BY number", (mid,)
            )
        ],
        statements=[
            Statement(symbol=r[0], item=r[1])
            for r in conn.execute(
                "SELECT symbol, item FROM statements WHERE meeting_id = ? ORDER BY item, symbol",
                (mid,),
            )
        ],
        layout=row["layout"],
        reading=[PageReading(**r) for r in json.loads(row["reading"])],
        body=row["body"],
    )


def meeting_keys(conn: sqlite3.Connection) -> list[str]:
    """Every meeting's key, in meeting order."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT key FROM meetings ORDER BY coalesce(meeting_number, 1000000000),"
            " coalesce(resumption, 0), date, key"
        )
    ]


def text_sha(text: str) -> str:
    """The SHA-256 of a speech's text: the key its embeddings are stored under."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class IndexFill:
    """What the UN library's index gives a meeting whose record lacks it: the date and
    the agenda topics (empty when the record has its own)."""

    date: str | None = None
    agenda: list[str] = field(default_factory=list)


def index_fill(conn: sqlite3.Connection, key: str) -> IndexFill:
    """The date and agenda a meeting takes from the index (see
    :func:`councilbase.store.outcomes.apply_index`)."""
    row = conn.execute(
        "SELECT id, date, date_source FROM meetings WHERE key = ?", (key.strip(),)
    ).fetchone()
    if row is None:
        return IndexFill()
    agenda = [
        r[0]
        for r in conn.execute(
            "SELECT title FROM agenda_items WHERE meeting_id = ? AND source = 'index'"
            " ORDER BY number",
            (row["id"],),
        )
    ]
    return IndexFill(row["date"] if row["date_source"] == "index" else None, agenda)
