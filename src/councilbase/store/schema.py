"""The database schema as numbered migrations, applied when a database is opened.

A councilbase database is a plain SQLite file that any SQLite tool can open. It carries
``PRAGMA application_id`` = :data:`APPLICATION_ID` and ``PRAGMA user_version`` = the number
of the last migration applied; the table ``migrations`` lists each one with its time.
Later stages (votes, people, references, mentions, embeddings) add tables by appending
migrations here; a migration is never edited once released.

The full-text index is declared in :data:`FTS_TABLES` and can be rebuilt at any time with
:func:`rebuild_fts`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from councilbase.store.driver import sqlite3

APPLICATION_ID = 0x55_4E_53_43  # "UNSC"


class DatabaseError(Exception):
    """A database that councilbase cannot use, with what to do about it."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


M001_RECORDS = """
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,              -- file or folder the record was read from
    part TEXT NOT NULL DEFAULT '',   -- the meeting within a many-record source (corpus, JSONL)
    format TEXT NOT NULL,            -- pdf | text | speeches | jsonl
    sha256 TEXT NOT NULL,            -- of the bytes read (for a corpus meeting: its files)
    size INTEGER NOT NULL,           -- bytes read
    pages INTEGER,
    files TEXT NOT NULL DEFAULT '[]',  -- JSON list of corpus file names
    parser_version TEXT NOT NULL,
    ingested_at TEXT NOT NULL,       -- ISO 8601, UTC
    status TEXT NOT NULL CHECK (status IN ('stored', 'superseded')),
    note TEXT,                       -- why a source is superseded
    UNIQUE (path, part)
);

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,        -- S/PV.8699(Resumption1): the record's stable identifier
    symbol TEXT,
    meeting_number INTEGER,
    resumption INTEGER,
    session TEXT,
    session_number INTEGER,
    year INTEGER,
    date TEXT,                       -- ISO 8601 date
    time TEXT,                       -- HH:MM
    place TEXT,
    president_name TEXT,
    president_country TEXT,
    president_state TEXT,            -- code of the President's country
    source_id INTEGER REFERENCES sources (id) ON DELETE SET NULL,
    source_path TEXT,                -- the record's own source, as parsed
    source_format TEXT,
    source_sha256 TEXT,
    source_pages INTEGER,
    source_files TEXT NOT NULL DEFAULT '[]',
    parser_version TEXT,
    warnings TEXT NOT NULL DEFAULT '[]'  -- JSON list
);
CREATE INDEX meetings_date ON meetings (date);
CREATE INDEX meetings_number ON meetings (meeting_number, resumption);
CREATE INDEX meetings_symbol ON meetings (symbol);

CREATE TABLE members (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,       -- order on the cover page
    country TEXT NOT NULL,
    state TEXT,                      -- ISO 3166 alpha-3 (or project) code
    representative TEXT NOT NULL,
    presiding INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (meeting_id, position)
);
CREATE INDEX members_state ON members (state);

CREATE TABLE agenda_items (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,         -- 1-based, as listed on the cover page
    title TEXT NOT NULL,
    sub_items TEXT NOT NULL DEFAULT '[]',
    documents TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (meeting_id, number)
);

CREATE TABLE speeches (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,            -- 0-based order among the meeting's speeches
    position INTEGER NOT NULL,       -- 0-based order among all the meeting's items
    agenda_item INTEGER,             -- the agenda item it falls under (last heading before it)
    speaker_line TEXT NOT NULL,
    speaker TEXT NOT NULL,           -- who speaks, for search: line, name, the President's name
    title TEXT,
    name TEXT,
    affiliation TEXT,
    state TEXT,                      -- code of the state it speaks for, when a state
    role TEXT NOT NULL,
    language TEXT,
    text TEXT NOT NULL,              -- paragraphs separated by one newline
    words INTEGER NOT NULL,
    pages TEXT NOT NULL DEFAULT '[]',
    language_changes TEXT NOT NULL DEFAULT '[]',
    source_file TEXT,
    repairs TEXT,                    -- JSON object or NULL
    topic TEXT NOT NULL DEFAULT '',  -- the meeting's agenda titles, for search
    facets TEXT NOT NULL DEFAULT '', -- filter tokens for search (see store/search.py)
    UNIQUE (meeting_id, seq)
);
CREATE INDEX speeches_state ON speeches (state);
CREATE INDEX speeches_role ON speeches (role);
CREATE INDEX speeches_name ON speeches (name COLLATE NOCASE);

CREATE TABLE items (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('speech', 'procedure', 'vote', 'heading')),
    speech_seq INTEGER,              -- for kind = 'speech': speeches.seq
    type TEXT,                       -- procedure type (called_to_order, invitation, ...)
    text TEXT,                       -- procedure, vote passage or heading text
    data TEXT NOT NULL DEFAULT '{}', -- the item's other fields, JSON
    PRIMARY KEY (meeting_id, position)
);
"""

FTS_TABLES = {
    "speeches_fts": {
        "content": "speeches",
        "columns": ["text", "speaker", "topic", "facets"],
        "tokenize": "unicode61 remove_diacritics 2",
    },
    "resolution_paragraphs_fts": {
        "content": "resolution_paragraphs",
        "columns": ["text", "facets"],
        "tokenize": "unicode61 remove_diacritics 2",
    },
}
"""Full-text indexes, declared: name -> content table, indexed columns, tokenizer."""


def _fts_names(name: str) -> tuple[str, str, str, str]:
    """A declared full-text index's content table, and its columns as a trigger lists them:
    plain, ``new.``, ``old.``."""
    table = str(FTS_TABLES[name]["content"])
    columns: list[str] = list(FTS_TABLES[name]["columns"])
    return (
        table,
        ", ".join(columns),
        ", ".join(f"new.{c}" for c in columns),
        ", ".join(f"old.{c}" for c in columns),
    )


def fts_sql(name: str) -> str:
    """The statements that create a declared full-text index and its sync triggers."""
    table, cols, new, old = _fts_names(name)
    return f"""
CREATE VIRTUAL TABLE {name} USING fts5(
    {cols}, content='{table}', content_rowid='id', tokenize='{FTS_TABLES[name]["tokenize"]}'
);
CREATE TRIGGER {name}_ai AFTER INSERT ON {table} BEGIN
    INSERT INTO {name} (rowid, {cols}) VALUES (new.id, {new});
END;
CREATE TRIGGER {name}_ad AFTER DELETE ON {table} BEGIN
    INSERT INTO {name} ({name}, rowid, {cols}) VALUES ('delete', old.id, {old});
END;
CREATE TRIGGER {name}_au AFTER UPDATE OF {cols} ON {table} BEGIN
    INSERT INTO {name} ({name}, rowid, {cols}) VALUES ('delete', old.id, {old});
    INSERT INTO {name} (rowid, {cols}) VALUES (new.id, {new});
END;
"""


def fts_pending_sql(name: str) -> str:
    """The statements that make a declared full-text index take new rows in bulk (m012).

    A row inserted into the content table is listed in ``{name}_pending`` (by a trigger)
    rather than indexed at once, and :func:`index_pending` indexes the listed rows in one
    statement before the transaction commits. Indexing each row from a trigger made FTS5 write
    its pending terms out as a segment of its own for every row (a trigger's statement opens a
    savepoint, and FTS5 flushes at each one), which then had to be merged: that was half of an
    ingest's time. A row is always either indexed or listed, never both: a listed row deleted
    or changed is left out of the index's delete (it has nothing there), and indexed later
    with its values of that time. The index also keeps 16 MB of new terms in memory before it
    writes them out (1 MB by default): fewer, larger segments, fewer merges (5% of a large
    ingest's time), the same answers."""
    table, cols, new, old = _fts_names(name)
    listed = f"EXISTS (SELECT 1 FROM {name}_pending WHERE id = old.id)"
    return f"""
DROP TRIGGER IF EXISTS {name}_ai;
DROP TRIGGER IF EXISTS {name}_ad;
DROP TRIGGER IF EXISTS {name}_au;
CREATE TABLE {name}_pending (
    id INTEGER PRIMARY KEY  -- {table}.id of a row not yet in {name}
);
INSERT INTO {name} ({name}, rank) VALUES ('hashsize', 16777216);
CREATE TRIGGER {name}_ai AFTER INSERT ON {table} BEGIN
    INSERT INTO {name}_pending (id) VALUES (new.id);
END;
CREATE TRIGGER {name}_ad AFTER DELETE ON {table} BEGIN
    INSERT INTO {name} ({name}, rowid, {cols})
        SELECT 'delete', old.id, {old} WHERE NOT {listed};
    DELETE FROM {name}_pending WHERE id = old.id;
END;
CREATE TRIGGER {name}_au AFTER UPDATE OF {cols} ON {table} WHEN NOT {listed} BEGIN
    INSERT INTO {name} ({name}, rowid, {cols}) VALUES ('delete', old.id, {old});
    INSERT INTO {name} (rowid, {cols}) VALUES (new.id, {new});
END;
"""


def index_pending(conn: sqlite3.Connection) -> int:
    """Index the rows listed as pending (see :func:`fts_pending_sql`) inside the caller's
    transaction; how many. Every writer of speeches or resolution paragraphs calls it before
    it commits, so that no committed row is missing from the index."""
    done = 0
    for name in with_pending(conn):
        table, cols, _, _ = _fts_names(name)
        done += conn.execute(
            f"INSERT INTO {name} (rowid, {cols}) SELECT id, {cols} FROM {table}"
            f" WHERE id IN (SELECT id FROM {name}_pending)"
        ).rowcount
        conn.execute(f"DELETE FROM {name}_pending")
    return done


def with_pending(conn: sqlite3.Connection) -> list[str]:
    """The declared full-text indexes that have rows waiting (see :func:`index_pending`)."""
    return [
        name
        for name in FTS_TABLES
        if conn.execute(f"SELECT 1 FROM {name}_pending LIMIT 1").fetchone() is not None
    ]


@dataclass(frozen=True)
class Migration:
    """One step of the schema: a number, a name, and what it does."""

    number: int
    name: str
    apply: Callable[[sqlite3.Connection], None]


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def run(conn: sqlite3.Connection) -> None:
        for statement in _statements(sql):
            conn.execute(statement)

    return run


def _statements(sql: str) -> list[str]:
    """Split a script into statements (``executescript`` would commit on its own)."""
    out: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        out.append(buffer.strip())
    return out


M003_VOTES = """
ALTER TABLE speeches ADD COLUMN explains TEXT;          -- before | after: an explanation of vote
ALTER TABLE speeches ADD COLUMN explains_vote INTEGER;  -- votes.number of the vote it explains
ALTER TABLE speeches ADD COLUMN positions TEXT NOT NULL DEFAULT '[]';  -- JSON, as in the record

CREATE TABLE votes (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,         -- 0-based order in the meeting
    subject TEXT NOT NULL,           -- draft_resolution | oral_amendment | written_amendment | ...
    document TEXT,                   -- the draft voted on: S/2020/24
    method TEXT,
    outcome TEXT NOT NULL,           -- adopted | not_adopted | vetoed | withdrawn | unknown
    unanimous INTEGER NOT NULL,
    without_vote INTEGER NOT NULL,
    resolution TEXT,                 -- S/RES/2504 (2020)
    in_favour INTEGER,               -- the announced tally, else the lists' count
    against INTEGER,
    abstaining INTEGER,
    vetoed_by TEXT NOT NULL DEFAULT '[]',
    item INTEGER,                    -- items.position of the vote passage or announcement
    warnings TEXT NOT NULL DEFAULT '[]',
    data TEXT NOT NULL,              -- the whole vote as in the record JSON
    UNIQUE (meeting_id, number)
);
CREATE INDEX votes_resolution ON votes (resolution);
CREATE INDEX votes_document ON votes (document);

CREATE TABLE vote_casts (
    vote_id INTEGER NOT NULL REFERENCES votes (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,              -- as printed in the list
    state TEXT,                      -- its code; NULL when not in the reference data
    vote TEXT NOT NULL,              -- in_favour | against | abstaining | not_participating
    PRIMARY KEY (vote_id, position)
);
CREATE INDEX vote_casts_state ON vote_casts (state);

CREATE TABLE statements (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    symbol TEXT NOT NULL,            -- S/PRST/2020/2
    item INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, symbol)
);

CREATE TABLE positions (
    speech_id INTEGER NOT NULL REFERENCES speeches (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    position TEXT NOT NULL,          -- in_favour | against | abstaining
    target TEXT NOT NULL,
    document TEXT,
    paragraph INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    vote INTEGER,                    -- votes.number in the same meeting
    PRIMARY KEY (speech_id, number)
);
CREATE INDEX positions_document ON positions (document);

CREATE TABLE outcomes (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    row INTEGER NOT NULL,            -- 1-based meeting row in the file
    year INTEGER NOT NULL,
    symbol TEXT,                     -- S/PV.8700 (Resumption 1); NULL for meetings without one
    meeting_number INTEGER,
    resumption INTEGER,
    closed INTEGER NOT NULL,
    date TEXT,
    press_release TEXT,
    topic TEXT NOT NULL,
    outcome TEXT NOT NULL,           -- the outcome cell as printed
    letter_procedure TEXT,
    letter_outcome TEXT,
    problems TEXT NOT NULL DEFAULT '[]',
    UNIQUE (file, row)
);
CREATE INDEX outcomes_meeting ON outcomes (meeting_number, resumption);

CREATE TABLE outcome_actions (
    outcome_id INTEGER NOT NULL REFERENCES outcomes (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,              -- resolution | presidential_statement | draft_vetoed | ...
    document TEXT,
    in_favour INTEGER,
    against INTEGER,
    abstaining INTEGER,
    unanimous INTEGER NOT NULL,
    without_vote INTEGER NOT NULL,
    vetoed_by TEXT NOT NULL DEFAULT '[]',
    text TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (outcome_id, position)
);
CREATE INDEX outcome_actions_document ON outcome_actions (document);

CREATE TABLE vetoes (
    id INTEGER PRIMARY KEY,
    row INTEGER NOT NULL,
    date TEXT,
    draft TEXT NOT NULL,
    records TEXT NOT NULL DEFAULT '[]',
    agenda TEXT NOT NULL,
    vetoed_by TEXT NOT NULL DEFAULT '[]',
    problems TEXT NOT NULL DEFAULT '[]'
);
"""

M004_ENTITIES = """
ALTER TABLE speeches ADD COLUMN organisation TEXT;   -- code of the organisation it speaks for
ALTER TABLE speeches ADD COLUMN mentions TEXT NOT NULL DEFAULT '[]';  -- JSON, as in the record
ALTER TABLE speeches ADD COLUMN refs TEXT NOT NULL DEFAULT '[]';      -- JSON 'references'
ALTER TABLE speeches ADD COLUMN person_id INTEGER;   -- people.id, set by the people step
CREATE INDEX speeches_organisation ON speeches (organisation);
-- what search facets read for every match, without touching the speeches' text
CREATE INDEX speeches_facets ON speeches (id, meeting_id, state, role);
CREATE INDEX speeches_person ON speeches (person_id);

CREATE TABLE mentions (
    speech_id INTEGER NOT NULL REFERENCES speeches (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    kind TEXT NOT NULL,              -- state | organisation | place | process
    code TEXT NOT NULL,
    text TEXT NOT NULL,
    paragraph INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    PRIMARY KEY (speech_id, number)
);
CREATE INDEX mentions_code ON mentions (code);

CREATE TABLE citations (
    speech_id INTEGER NOT NULL REFERENCES speeches (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    kind TEXT NOT NULL,              -- sc_resolution | ga_resolution | presidential_statement | ...
    symbol TEXT NOT NULL,            -- S/RES/2401 (2018)
    text TEXT NOT NULL,
    paragraph INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    PRIMARY KEY (speech_id, number)
);
CREATE INDEX citations_symbol ON citations (symbol);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,        -- surname and affiliation code: nebenzia@RUS
    name TEXT NOT NULL,              -- the fullest form seen: Mr. Vassily Nebenzia
    state TEXT,
    organisation TEXT,
    affiliation TEXT,                -- as written, when neither code is known
    speeches INTEGER NOT NULL,
    first_meeting TEXT,
    last_meeting TEXT
);
CREATE TABLE person_names (
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    name TEXT NOT NULL,              -- a form as printed
    source TEXT NOT NULL,            -- speech | cover page | invitation
    count INTEGER NOT NULL,
    PRIMARY KEY (person_id, name, source)
);
CREATE TABLE person_decisions (
    id INTEGER PRIMARY KEY,
    person_id INTEGER REFERENCES people (id) ON DELETE CASCADE,
    name TEXT NOT NULL,              -- the form decided about
    other TEXT NOT NULL,             -- the form or person it was compared with
    decision TEXT NOT NULL CHECK (decision IN ('merged', 'refused')),
    rule TEXT NOT NULL,
    evidence TEXT NOT NULL
);
"""

M005_EMBEDDINGS = """
CREATE TABLE embeddings (
    model TEXT NOT NULL,             -- all-MiniLM-L6-v2, hash-256, ...
    text_sha TEXT NOT NULL,          -- SHA-256 of the speech's text: unchanged text, no new work
    chunk INTEGER NOT NULL,          -- 0-based piece of about 150 words
    vector BLOB NOT NULL,            -- float32, unit length
    PRIMARY KEY (model, text_sha, chunk)
);
ALTER TABLE speeches ADD COLUMN text_sha TEXT;  -- SHA-256 of text: the embeddings' key
"""


def _m005(conn: sqlite3.Connection) -> None:
    _script(M005_EMBEDDINGS)(conn)
    conn.create_function("councilbase_sha256", 1, _sha256_hex, deterministic=True)
    conn.execute("UPDATE speeches SET text_sha = councilbase_sha256(text)")


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


M006_INDEX_DATES = """
-- where a meeting's date and agenda come from: its record, or (for a record without them,
-- such as a speech-level corpus) the UN library's index of meetings
ALTER TABLE meetings ADD COLUMN date_source TEXT;   -- record | index | NULL (no date)
ALTER TABLE agenda_items ADD COLUMN source TEXT NOT NULL DEFAULT 'record';  -- record | index
UPDATE meetings SET date_source = 'record' WHERE date IS NOT NULL;
CREATE INDEX outcomes_symbol ON outcomes (symbol);
"""


def _m006(conn: sqlite3.Connection) -> None:
    from councilbase.store.outcomes import apply_index

    _script(M006_INDEX_DATES)(conn)
    apply_index(conn)


M007_DERIVED = """
-- tables built from others (the people from the speeches), with the state of their source
-- when they were built: `check` says when they are stale (an ingest stopped before it)
CREATE TABLE derived (
    name TEXT PRIMARY KEY,           -- people
    signature TEXT NOT NULL,         -- the speeches' signature when it was built
    built_at TEXT NOT NULL
);
"""


def speeches_signature(conn: sqlite3.Connection) -> str:
    """Changes whenever speeches are added, removed or replaced (ids are never reused)."""
    row = conn.execute(
        "SELECT count(*), coalesce(max(id), 0), coalesce(sum(id), 0) FROM speeches"
    ).fetchone()
    return f"{row[0]}:{row[1]}:{row[2]}"


def mark_built(conn: sqlite3.Connection, name: str) -> None:
    """Record that a derived table was just built from the current speeches."""
    conn.execute(
        "INSERT OR REPLACE INTO derived (name, signature, built_at) VALUES (?, ?, ?)",
        (name, speeches_signature(conn), now()),
    )


def is_stale(conn: sqlite3.Connection, name: str) -> bool:
    """Whether a derived table was built before the last change to the speeches."""
    row = conn.execute("SELECT signature FROM derived WHERE name = ?", (name,)).fetchone()
    return row is None or row[0] != speeches_signature(conn)


def _m007(conn: sqlite3.Connection) -> None:
    _script(M007_DERIVED)(conn)
    mark_built(conn, "people")  # databases of earlier versions rebuilt them on every ingest


M008_READING = """
ALTER TABLE meetings ADD COLUMN layout TEXT;   -- the layout family that read it: two-column, one-column, official-records, text, speeches
ALTER TABLE meetings ADD COLUMN reading TEXT NOT NULL DEFAULT '[]';  -- JSON: each page read from its text layer or by OCR, with its quality
"""


M009_BODIES = """
-- the General Assembly's plenary records beside the Council's
ALTER TABLE meetings ADD COLUMN body TEXT NOT NULL DEFAULT 'SC';  -- SC | GA
CREATE INDEX meetings_body ON meetings (body, date);
ALTER TABLE speeches ADD COLUMN function TEXT;   -- "Rapporteur of the Third Committee"
ALTER TABLE agenda_items ADD COLUMN item_number INTEGER;   -- the Assembly's "Agenda item 73"
ALTER TABLE agenda_items ADD COLUMN continued INTEGER NOT NULL DEFAULT 0;
ALTER TABLE votes ADD COLUMN decision TEXT;      -- the Assembly's decision number: 64/555
-- every speech so far is the Council's: its body as a search filter token
UPDATE speeches SET facets = facets || ' bodySC';
-- the Assembly's debates on a veto (resolution 76/262, from April 2022) and the Council
-- meetings whose vetoes they discuss, when both records are in the database
CREATE TABLE veto_debates (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,     -- the Assembly's
    sc_meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,  -- the Council's
    vote_number INTEGER NOT NULL,    -- the vetoed vote among the Council meeting's votes
    evidence TEXT NOT NULL,          -- how the link was made
    PRIMARY KEY (meeting_id, sc_meeting_id, vote_number)
);
CREATE INDEX veto_debates_sc ON veto_debates (sc_meeting_id);
"""


M010_RESOLUTIONS = """
-- the Council's resolutions as text: what each is, its paragraphs, what they cite
CREATE TABLE resolutions (
    id INTEGER PRIMARY KEY,
    symbol TEXT NOT NULL UNIQUE,     -- S/RES/687 (1991)
    number INTEGER NOT NULL,
    year INTEGER,
    date TEXT,                       -- ISO 8601
    date_source TEXT,                -- text | index
    meeting TEXT,                    -- the adopting meeting: S/PV.2981
    meeting_source TEXT,             -- text | index
    title TEXT,                      -- title or subject
    title_source TEXT,               -- text | index
    chapter_vii INTEGER NOT NULL,    -- 1: the Council acts under Chapter VII
    chapters TEXT NOT NULL DEFAULT '[]',  -- JSON: the Charter chapters named (VI, VII, VIII)
    preamble INTEGER NOT NULL,       -- how many preambular paragraphs
    operative INTEGER NOT NULL,      -- how many operative paragraphs
    adoption TEXT,                   -- "Adopted unanimously at the 79th meeting."
    source_path TEXT NOT NULL,
    source_format TEXT NOT NULL,     -- text | pdf
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    parser_version TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    warnings TEXT NOT NULL DEFAULT '[]',
    repairs TEXT NOT NULL DEFAULT '{}',
    data TEXT NOT NULL               -- the councilbase.resolution/1 JSON, as parsed
);
CREATE INDEX resolutions_number ON resolutions (number);
CREATE INDEX resolutions_year ON resolutions (year);
CREATE INDEX resolutions_source ON resolutions (source_path);

CREATE TABLE resolution_paragraphs (
    id INTEGER PRIMARY KEY,
    resolution_id INTEGER NOT NULL REFERENCES resolutions (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,            -- 0-based order in the text
    label TEXT NOT NULL,             -- PP1, OP2, OP2(a)
    part TEXT NOT NULL CHECK (part IN ('preamble', 'operative')),
    text TEXT NOT NULL,
    facets TEXT NOT NULL DEFAULT '', -- filter tokens for search: year2015 chvii
    UNIQUE (resolution_id, seq)
);

CREATE TABLE resolution_citations (
    resolution_id INTEGER NOT NULL REFERENCES resolutions (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    symbol TEXT NOT NULL,            -- S/RES/661 (1990), A/RES/46/182, S/PRST/2015/1
    kind TEXT NOT NULL,              -- sc_resolution | ga_resolution | presidential_statement | ...
    paragraph TEXT NOT NULL,         -- PP3, OP2, OP2(a)
    text TEXT NOT NULL,              -- as written
    PRIMARY KEY (resolution_id, number)
);
CREATE INDEX resolution_citations_symbol ON resolution_citations (symbol);
"""


M011_SPEECH_PEOPLE = """
-- each speech's person, kept apart from the speeches: writing a person into a speech's row
-- rewrote the row, text and all, and made the people step most of what a large ingest wrote
CREATE TABLE speech_people (
    speech_id INTEGER PRIMARY KEY REFERENCES speeches (id) ON DELETE CASCADE,  -- speeches.id
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE   -- people.id
);
CREATE INDEX speech_people_person ON speech_people (person_id);
INSERT INTO speech_people (speech_id, person_id)
    SELECT id, person_id FROM speeches WHERE person_id IS NOT NULL;
DROP INDEX speeches_person;
ALTER TABLE speeches DROP COLUMN person_id;
"""


M013_SPEECH_SPANS = """
-- what a speech mentions, cites and declares is kept in mentions, citations and positions
-- alone: a JSON copy of each in the speech's row was a third of what an ingest built and wrote
ALTER TABLE speeches DROP COLUMN mentions;
ALTER TABLE speeches DROP COLUMN refs;
ALTER TABLE speeches DROP COLUMN positions;
"""


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "m001_records", _script(M001_RECORDS)),
    Migration(2, "m002_speeches_fts", _script(fts_sql("speeches_fts"))),
    Migration(3, "m003_votes_outcomes", _script(M003_VOTES)),
    Migration(4, "m004_entities_people", _script(M004_ENTITIES)),
    Migration(5, "m005_embeddings", _m005),
    Migration(6, "m006_index_dates", _m006),
    Migration(7, "m007_derived", _m007),
    Migration(8, "m008_reading", _script(M008_READING)),
    Migration(9, "m009_bodies", _script(M009_BODIES)),
    Migration(
        10,
        "m010_resolutions",
        _script(M010_RESOLUTIONS + fts_sql("resolution_paragraphs_fts")),
    ),
    Migration(11, "m011_speech_people", _script(M011_SPEECH_PEOPLE)),
    Migration(
        12,
        "m012_fts_pending",
        _script(fts_pending_sql("speeches_fts") + fts_pending_sql("resolution_paragraphs_fts")),
    ),
    Migration(13, "m013_speech_spans", _script(M013_SPEECH_SPANS)),
)


def latest_version() -> int:
    """The schema version this councilbase writes."""
    return MIGRATIONS[-1].number


def check_file(path: Path) -> None:
    """Refuse a folder given as the database. The file's header is left to SQLite (see
    :func:`connect`): opening the database with a descriptor of our own and closing it would
    release every POSIX lock this process holds on it, the other connections' included, and let
    another process's checkpoint overwrite pages they are reading (SQLite's "How to corrupt",
    2.2.1)."""
    if path.is_dir():
        raise DatabaseError(str(path), "is a folder; give a database file (--db FILE)")


def _check_identity(conn: sqlite3.Connection, path: str) -> int:
    """The schema version of an open database, refusing foreign and newer ones."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    if app_id != APPLICATION_ID and tables:
        raise DatabaseError(
            path, "is an SQLite database but not a councilbase database; give another --db FILE"
        )
    if version > latest_version():
        raise DatabaseError(
            path,
            f"has schema version {version}, newer than this councilbase knows "
            f"({latest_version()}); upgrade councilbase to use it",
        )
    return int(version)


def migrate(conn: sqlite3.Connection, path: str) -> list[str]:
    """Apply the migrations a database lacks, each in its own transaction; their names."""
    version = _check_identity(conn, path)
    applied: list[str] = []
    for migration in MIGRATIONS:
        if migration.number <= version:
            continue
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            if migration.number == 1:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS migrations "
                    "(number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            migration.apply(conn)
            conn.execute(
                "INSERT INTO migrations (number, name, applied_at) VALUES (?, ?, ?)",
                (migration.number, migration.name, now()),
            )
            conn.execute(f"PRAGMA user_version = {migration.number}")
        applied.append(migration.name)
    return applied


def now() -> str:
    """The current time, ISO 8601 in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    """Open (creating and migrating when writable) a councilbase database.

    Writable connections use WAL so that readers (the web server) never block on an
    ingest; read-only ones refuse a missing file and never change it.
    """
    path = Path(path)
    check_file(path)
    if readonly:
        if not path.exists():
            raise DatabaseError(str(path), "does not exist; build it with `councilbase ingest`")
        uri = f"file:{path.resolve().as_posix()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
    else:
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        except sqlite3.OperationalError as exc:
            raise DatabaseError(str(path), f"cannot be opened: {exc}") from exc
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        if readonly:
            version = _check_identity(conn, str(path))
            if version == 0:
                raise DatabaseError(str(path), "is an empty database; run `councilbase ingest`")
            if version < latest_version():
                raise DatabaseError(
                    str(path),
                    f"has schema version {version}, older than this councilbase's "
                    f"({latest_version()}); upgrade it with `councilbase upgrade --db {path}`",
                )
        else:
            _check_identity(conn, str(path))  # before anything is written to the file
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            # statement journals in memory: in a file they were three quarters of the bytes an
            # ingest wrote; and a checkpoint every 64 MB of log rather than 4, so that pages
            # written again and again (an index's, the full-text index's) reach the file once
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA wal_autocheckpoint = 16384")
            conn.execute("PRAGMA cache_size = -65536")  # 64 MB: a batch's pages stay in memory
            migrate(conn, str(path))
            if with_pending(conn):  # rows a writer outside councilbase left unindexed
                with conn:
                    conn.execute("BEGIN IMMEDIATE")
                    index_pending(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc):  # SQLITE_NOTADB: read before anything is written
            raise DatabaseError(
                str(path), "is not a councilbase database (not an SQLite file)"
            ) from exc
        raise DatabaseError(str(path), f"is not a usable database: {exc}") from exc
    except DatabaseError:
        conn.close()
        raise
    return conn


def rebuild_fts(conn: sqlite3.Connection) -> None:
    """Rebuild every declared full-text index from its content table."""
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        for name in FTS_TABLES:
            conn.execute(f"INSERT INTO {name} ({name}) VALUES ('rebuild')")
            conn.execute(f"DELETE FROM {name}_pending")


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """SQLite's integrity check, foreign keys and the full-text index, as a list of problems."""
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
    problems += [
        f"foreign key: {row[0]} row {row[1]} -> {row[2]}"
        for row in conn.execute("PRAGMA foreign_key_check")
    ]
    for name in FTS_TABLES:
        try:
            conn.execute(f"INSERT INTO {name} ({name}, rank) VALUES ('integrity-check', 1)")
        except sqlite3.OperationalError as exc:
            if "readonly" not in str(exc):
                problems.append(f"{name}: {exc}")
            else:  # a read-only connection: compare the indexed rows with the content rows
                table = str(FTS_TABLES[name]["content"])
                missing = conn.execute(
                    f"SELECT count(*) FROM {table} WHERE id NOT IN (SELECT id FROM {name}_docsize)"
                ).fetchone()[0]
                extra = conn.execute(
                    f"SELECT count(*) FROM {name}_docsize WHERE id NOT IN (SELECT id FROM {table})"
                ).fetchone()[0]
                if missing or extra:
                    problems.append(f"{name}: {missing} rows not indexed, {extra} stale entries")
        except sqlite3.DatabaseError as exc:
            problems.append(f"{name}: {exc}")
    problems += [
        f"meeting {row[0]}: item for speech {row[1]} has no speech"
        for row in conn.execute(
            "SELECT m.key, i.speech_seq FROM items i JOIN meetings m ON m.id = i.meeting_id "
            "WHERE i.kind = 'speech' AND NOT EXISTS (SELECT 1 FROM speeches s "
            "WHERE s.meeting_id = i.meeting_id AND s.seq = i.speech_seq)"
        )
    ]
    built = conn.execute("SELECT signature FROM derived WHERE name = 'people'").fetchone()
    if built is not None and built[0] != speeches_signature(conn):
        problems.append(
            "people: built before the last change to the speeches (an ingest was stopped);"
            " run `councilbase people rebuild`"
        )
    problems += [
        f"meeting {row[0]}: its source is not marked stored"
        for row in conn.execute(
            "SELECT m.key FROM meetings m JOIN sources s ON s.id = m.source_id "
            "WHERE s.status != 'stored'"
        )
    ]
    return problems
