"""Queries over the database: full-text search (FTS5, bm25), keyword in context, filtered
lists of speeches and meetings, and counts.

Every query takes the same :class:`Filters` (state, person, role, meeting, agenda topic,
dates), so the CLI, the Python API and the web app filter alike.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta
from typing import Any, Generic, TypeVar

from councilbase import reference
from councilbase.dates import check_range, parse_bound
from councilbase.errors import NoMatch, QueryError
from councilbase.model import ROLES
from councilbase.store.driver import sqlite3
from councilbase.store.records import token as index_token
from councilbase.suggest import nearest
from councilbase.symbols import parse_meeting

__all__ = ["Filters", "NoMatch", "QueryError", "Rows"]


@dataclass
class Filters:
    """What to narrow a query to; every field is optional."""

    state: str | None = None
    """A state's code (``RUS``) or any of its names (``Russian Federation``)."""
    person: str | None = None
    """Part of the speaker's name (``Nebenzia``)."""
    role: str | None = None
    """president, member, invited_state, un_official, briefer or unknown."""
    meeting: str | None = None
    """A meeting symbol (``S/PV.8700``; its resumptions too) or number (``8700``)."""
    topic: str | None = None
    """Words of an agenda item's title (``Middle East``)."""
    date_from: str | None = None
    """First day, ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    date_to: str | None = None
    """Last day, ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    mentions: str | None = None
    """A state (code or name), organisation (``OCHA``) or place (``Idlib``) the speech names."""
    cites: str | None = None
    """A document the speech cites: ``S/RES/2401 (2018)``, ``resolution 2401 (2018)``."""
    organisation: str | None = None
    """The organisation the speaker speaks for: ``OCHA``, ``African Union``."""
    year: int | None = None
    """The meeting's year, known even where its date is not (speech-level files)."""
    body: str | None = None
    """``SC`` (the Security Council) or ``GA`` (the General Assembly); both when unset."""

    def is_empty(self) -> bool:
        """Whether no filter is set."""
        return all(getattr(self, f.name) in (None, "") for f in fields(self))


T = TypeVar("T")


class Rows(list[T], Generic[T]):
    """Typed rows that convert to a pyarrow Table or a pandas DataFrame."""

    def to_dicts(self) -> list[dict[str, Any]]:
        """The rows as plain dictionaries."""
        return [asdict(row) for row in self]  # type: ignore[call-overload]

    def to_arrow(self) -> Any:
        """The rows as a ``pyarrow.Table``."""
        import pyarrow as pa

        return pa.Table.from_pylist(self.to_dicts())

    def to_pandas(self) -> Any:
        """The rows as a ``pandas.DataFrame`` (needs pandas installed)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("to_pandas() needs pandas: pip install pandas") from exc
        return pd.DataFrame(self.to_dicts())


@dataclass
class MeetingRow:
    """A meeting, as listed."""

    key: str
    body: str
    symbol: str | None
    meeting_number: int | None
    resumption: int | None
    date: str | None
    time: str | None
    president: str | None
    president_state: str | None
    agenda: str | None
    speeches: int
    words: int
    source_format: str | None


@dataclass
class SpeechRow:
    """A speech with its meeting and speaker."""

    id: str
    meeting: str
    body: str
    date: str | None
    seq: int
    speaker_line: str
    name: str | None
    affiliation: str | None
    state: str | None
    role: str
    language: str | None
    words: int
    text: str


@dataclass
class SearchHit:
    """A speech that matches a query, with its rank and a highlighted snippet."""

    id: str
    meeting: str
    body: str
    date: str | None
    seq: int
    speaker_line: str
    name: str | None
    affiliation: str | None
    state: str | None
    role: str
    language: str | None
    score: float
    snippet: str


@dataclass
class KwicLine:
    """One occurrence of a query in context: left, the match, right."""

    id: str
    meeting: str
    body: str
    date: str | None
    speaker_line: str
    left: str
    match: str
    right: str


def speech_id(meeting: str, seq: int) -> str:
    """The stable identifier of a speech: its meeting's key and its place (``S/PV.8700#3``)."""
    return f"{meeting}#{seq}"


def parse_speech_id(value: str) -> tuple[str, int]:
    """``S/PV.8700#14`` -> (``S/PV.8700``, 14), the meeting symbol normalised; anything
    else (a seq that is not a small number, ``#²``) is a :class:`QueryError`."""
    meeting, hash_, seq = value.strip().rpartition("#")
    if not hash_ or not re.fullmatch(r"[0-9]{1,6}", seq, re.ASCII):
        raise QueryError(f"cannot read the speech {value!r}: write it as S/PV.8700#14")
    return str(parse_meeting(meeting)), int(seq)


_TOKEN = re.compile(r'"[^"]*"\*?|[()]|[^\s()"]+|"')
_OPERATORS = {"AND", "OR", "NOT"}
_BAREWORD = re.compile(r"^[\w]+\*?$")


def fts_query(query: str) -> str:
    """A user's query as FTS5 syntax: phrases in double quotes, AND / OR / NOT, ``word*``
    prefixes and parentheses pass through; any other word with punctuation
    (``S/2020/24``, ``co-penholders``, ``Kazakhstan's``) becomes a quoted phrase."""
    if query.count('"') % 2:
        raise QueryError(f"cannot read the search {query!r}: a double quote is not closed")
    if "NEAR(" in query:
        return query  # NEAR(a b, 5) groups are FTS5's own syntax: passed as written
    out: list[str] = []
    for token in _TOKEN.findall(query):
        if (
            token in ("(", ")")
            or token in _OPERATORS
            or token.startswith('"')
            or _BAREWORD.match(token)
        ):
            out.append(token)
        else:
            star = token.endswith("*")
            core = token.rstrip("*")
            if not re.search(r"\w", core):
                continue
            out.append('"' + core + '"' + ("*" if star else ""))
    text = " ".join(out).strip()
    if not text or all(t in _OPERATORS or t in "()" for t in out):
        raise QueryError(f"cannot read the search {query!r}: it has no words to look for")
    return text


def resolve_state_filter(value: str) -> str:
    """A state filter as a code; a name nobody knows is an error naming the nearest
    states, never a wrong code."""
    value = value.strip()
    if reference.state_by_code(value.upper()) is not None:
        return value.upper()
    code = reference.resolve_state(value)
    if code is None:
        names = [n for s in reference.states() for n in (s.name, *s.aliases)]
        raise NoMatch(
            f"unknown state {value!r}: give its code (RUS) or its name", nearest(value, names)
        )
    return code


def resolve_mention_filter(value: str) -> str:
    """A mention filter as a code: a state's code or name, an organisation's code or name,
    a place's or process's name."""
    from councilbase.extract.entities import surface_forms

    value = value.strip()
    if reference.state_by_code(value.upper()) is not None:
        return value.upper()
    code = reference.resolve_state(value)
    if code:
        return code
    forms = surface_forms()
    for form, (kind, found) in forms.items():
        if kind != "block" and (
            form.casefold() == value.casefold() or found.casefold() == value.casefold()
        ):
            return found
    raise NoMatch(
        f"unknown state, organisation or place {value!r}",
        nearest(value, [f for f, (kind, _) in forms.items() if kind != "block"]),
    )


def resolve_organisation_filter(value: str) -> str:
    """An organisation filter as a code."""
    from councilbase.extract.entities import organisations

    value = value.strip()
    for organisation in organisations():
        names = (organisation.code, organisation.name, *organisation.aliases)
        if any(value.casefold() == n.casefold() for n in names):
            return organisation.code
    raise NoMatch(
        f"unknown organisation {value!r}: give its code (OCHA) or its name",
        nearest(value, [n for o in organisations() for n in (o.code, o.name, *o.aliases)]),
    )


def resolve_cites_filter(value: str) -> str:
    """A citation filter as a symbol: ``resolution 2401 (2018)`` -> ``S/RES/2401 (2018)``."""
    from councilbase.extract.references import find_references

    found = find_references([value.strip()])
    if len(found) == 1:
        return found[0].symbol
    raise QueryError(
        f"cannot read the document {value!r}: write S/RES/2401 (2018), resolution 2401 (2018), "
        "S/PRST/2020/2 or S/2020/24"
    )


def check_filters(filters: Filters | None) -> None:
    """Refuse, before any work, a filter whose value cannot be used: an unknown state,
    role, organisation or place, a date that is not in the calendar, a period that ends
    before it begins, a meeting symbol or a document that cannot be read."""
    if filters is None:
        return
    if filters.state:
        resolve_state_filter(filters.state)
    if filters.role:
        resolve_role_filter(filters.role)
    if filters.body:
        resolve_body_filter(filters.body)
    if filters.meeting:
        parse_meeting(filters.meeting)
    for value in (filters.date_from, filters.date_to):
        if value:
            parse_bound(value, end=False)
    check_range(filters.date_from, filters.date_to)
    if filters.mentions:
        resolve_mention_filter(filters.mentions)
    if filters.cites:
        resolve_cites_filter(filters.cites)
    if filters.organisation:
        resolve_organisation_filter(filters.organisation)
    if filters.person:
        person_terms(filters.person)
    if filters.topic:
        topic_terms(filters.topic)
    if filters.year is not None and not 1000 <= int(filters.year) <= 9999:
        raise QueryError(f"cannot read the year {filters.year!r}: write four digits, 2020")


_BODY_NAMES = {
    "sc": "SC",
    "council": "SC",
    "security council": "SC",
    "ga": "GA",
    "assembly": "GA",
    "general assembly": "GA",
}


def resolve_body_filter(value: str) -> str:
    """A body filter, checked: ``SC`` (or ``council``, ``Security Council``) or ``GA`` (or
    ``assembly``, ``General Assembly``), in any case."""
    body = _BODY_NAMES.get(" ".join(value.split()).lower())
    if body is None:
        raise QueryError(
            f"unknown body {value!r}: SC (the Security Council) or GA (the General Assembly)"
        )
    return body


def resolve_role_filter(value: str) -> str:
    """A role filter, checked: president, member, invited_state, un_official, briefer,
    unknown (a space or hyphen for the underscore is accepted)."""
    role = value.strip().lower().replace(" ", "_").replace("-", "_")
    if role not in ROLES:
        raise NoMatch(
            f"unknown role {value!r}: one of {', '.join(ROLES)}", nearest(value, list(ROLES))
        )
    return role


def person_terms(value: str) -> str:
    """The person filter as a term on the index's speaker column: every word of the
    name, each as a prefix (``Nebenzia`` matches ``Mr. Nebenzia`` and ``Nebenzia's``)."""
    words = _words(value)
    if not words:
        raise QueryError(f"cannot read the person {value!r}: give a name")
    return "speaker:(" + " AND ".join(f'"{w}"*' for w in words) + ")"


def topic_terms(value: str) -> str:
    """The topic filter as a phrase on the index's topic column (the meeting's agenda
    titles, the record's own or, for records without a cover page, the index's)."""
    words = _words(value)
    if not words:
        raise QueryError(f"cannot read the topic {value!r}: give words of it")
    return 'topic:"' + " ".join(words) + '"'


def meeting_condition(value: str) -> tuple[str, list[Any]]:
    """SQL on ``m`` for a meeting filter: the meeting and, for a symbol without a
    resumption, its resumptions too."""
    symbol = parse_meeting(value)
    canonical = str(symbol)
    if symbol.resumption or symbol.corrigendum:
        return "m.key = ?", [canonical]
    return "(m.key = ? OR m.key LIKE ?)", [canonical, f"{canonical} (Resumption %"]


def filter_sql(filters: Filters | None) -> tuple[str, list[Any]]:
    """SQL conditions on ``s`` (speeches) and ``m`` (meetings) for a set of filters.

    They select exactly the speeches the index terms of :func:`facet_terms` select: the
    person and topic filters are read from the full-text index in both."""
    if filters is None:
        return "", []
    where: list[str] = []
    args: list[Any] = []
    if filters.state:
        where.append("s.state = ?")
        args.append(resolve_state_filter(filters.state))
    for terms in (
        person_terms(filters.person) if filters.person else None,
        topic_terms(filters.topic) if filters.topic else None,
    ):
        if terms:
            where.append("s.id IN (SELECT rowid FROM speeches_fts WHERE speeches_fts MATCH ?)")
            args.append(terms)
    if filters.role:
        where.append("s.role = ?")
        args.append(resolve_role_filter(filters.role))
    if filters.meeting:
        condition, values = meeting_condition(filters.meeting)
        where.append(condition)
        args += values
    check_range(filters.date_from, filters.date_to)
    if filters.date_from:
        where.append("m.date >= ?")
        args.append(parse_bound(filters.date_from, end=False))
    if filters.date_to:
        where.append("m.date <= ?")
        args.append(parse_bound(filters.date_to, end=True))
    if filters.year is not None:
        where.append("m.year = ?")
        args.append(int(filters.year))
    if filters.body:
        where.append("m.body = ?")
        args.append(resolve_body_filter(filters.body))
    if filters.mentions:
        where.append("EXISTS (SELECT 1 FROM mentions x WHERE x.speech_id = s.id AND x.code = ?)")
        args.append(resolve_mention_filter(filters.mentions))
    if filters.cites:
        where.append("EXISTS (SELECT 1 FROM citations x WHERE x.speech_id = s.id AND x.symbol = ?)")
        args.append(resolve_cites_filter(filters.cites))
    if filters.organisation:
        where.append("s.organisation = ?")
        args.append(resolve_organisation_filter(filters.organisation))
    return "".join(f" AND {w}" for w in where), args


def check_names(conn: sqlite3.Connection, filters: Filters | None) -> None:
    """Refuse a person or topic that no speech in the database has, naming the nearest
    ones: ``--person Nebenzya`` -> did you mean 'Nebenzia'?"""
    if filters is None:
        return
    if filters.person:
        terms = person_terms(filters.person)
        if not _any_match(conn, terms):
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT name FROM speeches WHERE name IS NOT NULL"
                    " UNION SELECT name FROM people"
                )
            ]
            surnames = {n.split()[-1] for n in names if n.split()}
            raise NoMatch(
                f"no speaker is named {filters.person!r}",
                nearest(filters.person, [*names, *surnames]),
            )
    if filters.topic and not _any_match(conn, topic_terms(filters.topic)):
        titles = [r[0] for r in conn.execute("SELECT DISTINCT title FROM agenda_items")]
        words = {w for t in titles for w in _words(t) if len(w) > 3}
        raise NoMatch(
            f"no agenda item has the words {filters.topic!r}",
            nearest(filters.topic, [*titles, *words]),
        )


def _any_match(conn: sqlite3.Connection, terms: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM speeches_fts WHERE speeches_fts MATCH ? LIMIT 1", (terms,)
    ).fetchone()
    return row is not None


_NOT_THE_QUERY = (
    "locked",
    "busy",
    "disk",
    "readonly",
    "no such table",
    "unable to open",
    "interrupt",
)


def run_query(
    conn: sqlite3.Connection, sql: str, args: list[Any] | tuple[Any, ...], query: str
) -> list[sqlite3.Row]:
    """Run a full-text query; an error SQLite raises about the query itself (FTS5 syntax,
    a NEAR without its number, an unknown column) becomes a :class:`QueryError` that says
    how to write it. Errors of the database (locked, full, I/O) are raised as they are."""
    try:
        return conn.execute(sql, args).fetchall()
    except sqlite3.OperationalError as exc:
        message = str(exc)
        if any(word in message.lower() for word in _NOT_THE_QUERY):
            raise
        raise QueryError(
            f"cannot read the search {query!r} ({message}). Put phrases in double quotes, "
            "write operators in capitals (AND, OR, NOT), end a word with * for a prefix: "
            '"cross-border" AND humanitarian*'
        ) from exc


_run = run_query


MEETING_ORDER = "coalesce(m.meeting_number, 1000000000), coalesce(m.resumption, 0), m.date, m.key"
"""Meetings in the Council's order: by number (numbers are chronological), then date."""

_SPEECH_COLUMNS = (
    "m.key AS meeting, m.body, m.date, s.seq, s.speaker_line, s.name, s.affiliation, s.state,"
    " s.role, s.language"
)


def _speech_fields(r: sqlite3.Row) -> dict[str, Any]:
    """The fields every speech row shares, from a row selected with ``_SPEECH_COLUMNS``."""
    fields = {name: r[name] for name in _SPEECH_FIELDS}
    fields["id"] = speech_id(r["meeting"], r["seq"])
    return fields


_SPEECH_FIELDS = (
    "meeting",
    "body",
    "date",
    "seq",
    "speaker_line",
    "name",
    "affiliation",
    "state",
    "role",
    "language",
)


def _meeting_facet(value: str) -> str:
    """``8700`` / ``S/PV.8700`` -> ``mtg8700`` (with its resumptions);
    ``S/PV.8699 (Resumption 1)`` -> ``key8699r1``."""
    symbol = parse_meeting(value)
    if symbol.resumption:
        return f"key{symbol.token}r{symbol.resumption}"
    return f"mtg{symbol.token}"


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def date_terms(first: date, last: date) -> list[str]:
    """The fewest facet tokens that cover the days first..last: whole years (``y2020``),
    whole months (``ym202001``), single days (``d20200110``)."""
    terms: list[str] = []
    day = first
    while day <= last:
        year_end = date(day.year, 12, 31)
        month_end = date(day.year, day.month, monthrange(day.year, day.month)[1])
        if day.month == 1 and day.day == 1 and year_end <= last:
            terms.append(f"y{day.year}")
            day = year_end + timedelta(days=1)
        elif day.day == 1 and month_end <= last:
            terms.append(f"ym{day.year}{day.month:02d}")
            day = month_end + timedelta(days=1)
        else:
            terms.append(f"d{day.year}{day.month:02d}{day.day:02d}")
            day += timedelta(days=1)
    return terms


def facet_terms(conn: sqlite3.Connection, filters: Filters | None) -> list[str]:
    """Filters as full-text terms on the indexed ``speaker``, ``topic`` and ``facets``
    columns, so a filtered search never looks up rows one by one."""
    if filters is None:
        return []
    terms: list[str] = []
    if filters.state:
        terms.append(f"facets:state{resolve_state_filter(filters.state)}")
    if filters.role:
        terms.append(f"facets:role{resolve_role_filter(filters.role).replace('_', '')}")
    if filters.meeting:
        terms.append(f"facets:{_meeting_facet(filters.meeting)}")
    if filters.person:
        terms.append(person_terms(filters.person))
    if filters.topic:
        terms.append(topic_terms(filters.topic))
    if filters.year is not None:
        terms.append(f"facets:yr{int(filters.year)}")
    if filters.body:
        terms.append(f"facets:body{resolve_body_filter(filters.body)}")
    if filters.mentions:
        terms.append("facets:" + index_token("mention", resolve_mention_filter(filters.mentions)))
    if filters.cites:
        terms.append("facets:" + index_token("cite", resolve_cites_filter(filters.cites)))
    if filters.organisation:
        terms.append(
            "facets:" + index_token("org", resolve_organisation_filter(filters.organisation))
        )
    if filters.date_from or filters.date_to:
        check_range(filters.date_from, filters.date_to)
        low, high = conn.execute("SELECT min(date), max(date) FROM meetings").fetchone()
        start = parse_bound(filters.date_from, end=False) if filters.date_from else low
        end = parse_bound(filters.date_to, end=True) if filters.date_to else high
        if not (low and start and end):
            return [*terms, "facets:nodate"]
        first = max(date.fromisoformat(start), date.fromisoformat(low))
        last = min(date.fromisoformat(end), date.fromisoformat(high))
        days = date_terms(first, last) if first <= last else ["nodate"]
        terms.append("facets:(" + " OR ".join(days) + ")")
    return terms


def match_expression(conn: sqlite3.Connection, query: str, filters: Filters | None) -> str:
    """The FTS5 expression for a user's query (on the text) and filters."""
    return " AND ".join([f"text:({fts_query(query)})", *facet_terms(conn, filters)])


RANK = "bm25(speeches_fts, 1.0, 0.0, 0.0, 0.0)"
"""bm25 on the speech text alone: the speaker, topic and facet columns only filter."""


def search(
    conn: sqlite3.Connection,
    query: str,
    filters: Filters | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
    mark: tuple[str, str] = ("«", "»"),
    snippet_words: int = 24,
) -> Rows[SearchHit]:
    """Speeches matching a full-text query, best first (bm25), with snippets.

    Ranking runs on the full-text index alone (filters are index terms too); the speeches'
    other fields are read for the returned page only.
    """
    match = match_expression(conn, query, filters)
    sql = (
        f"SELECT rowid, {RANK} AS score, snippet(speeches_fts, 0, ?, ?, '…', ?) AS snippet"
        " FROM speeches_fts WHERE speeches_fts MATCH ? ORDER BY score, rowid LIMIT ? OFFSET ?"
    )
    ranked = _run(conn, sql, [mark[0], mark[1], snippet_words, match, limit, offset], query)
    if not ranked:
        return Rows()
    ids = [r["rowid"] for r in ranked]
    rows = {
        r["id"]: r
        for r in conn.execute(
            f"SELECT s.id, {_SPEECH_COLUMNS} FROM speeches s JOIN meetings m ON m.id = s.meeting_id"
            f" WHERE s.id IN ({','.join('?' * len(ids))})",
            ids,
        )
    }
    return Rows(
        SearchHit(
            **_speech_fields(rows[r["rowid"]]),
            score=round(float(r["score"]), 4),
            snippet=r["snippet"].replace("\n", " ¶ "),
        )
        for r in ranked
        if r["rowid"] in rows
    )


def count(conn: sqlite3.Connection, query: str, filters: Filters | None = None) -> int:
    """How many speeches match a query and filters."""
    match = match_expression(conn, query, filters)
    sql = "SELECT count(*) FROM speeches_fts WHERE speeches_fts MATCH ?"
    return int(_run(conn, sql, [match], query)[0][0])


_MARK_START, _MARK_END = "\x02", "\x03"


def kwic(
    conn: sqlite3.Connection,
    query: str,
    filters: Filters | None = None,
    *,
    width: int = 50,
    limit: int = 50,
) -> Rows[KwicLine]:
    """A keyword-in-context concordance: every occurrence of the query in the matching
    speeches, in meeting order, with ``width`` characters each side."""
    match = match_expression(conn, query, filters)
    args: list[Any] = []
    sql = (
        f"SELECT {_SPEECH_COLUMNS}, highlight(speeches_fts, 0, ?, ?) AS marked"
        " FROM speeches_fts JOIN speeches s ON s.id = speeches_fts.rowid"
        " JOIN meetings m ON m.id = s.meeting_id"
        " WHERE speeches_fts MATCH ?"
        f" ORDER BY {MEETING_ORDER}, s.seq"
    )
    cursor_args = [_MARK_START, _MARK_END, match, *args]
    lines: Rows[KwicLine] = Rows()
    # read the expression once cheaply, so that any error about it is a QueryError
    run_query(
        conn, "SELECT rowid FROM speeches_fts WHERE speeches_fts MATCH ? LIMIT 1", [match], query
    )
    for r in conn.execute(sql, cursor_args):
        text = r["marked"].replace("\n", " ")
        for found in re.finditer(f"{_MARK_START}(.*?){_MARK_END}", text):
            left = text[: found.start()].replace(_MARK_START, "").replace(_MARK_END, "")
            right = text[found.end() :].replace(_MARK_START, "").replace(_MARK_END, "")
            lines.append(
                KwicLine(
                    id=speech_id(r["meeting"], r["seq"]),
                    meeting=r["meeting"],
                    body=r["body"],
                    date=r["date"],
                    speaker_line=r["speaker_line"],
                    left=left[-width:],
                    match=found.group(1),
                    right=right[:width],
                )
            )
            if len(lines) >= limit:
                return lines
    return lines


def speeches(
    conn: sqlite3.Connection,
    filters: Filters | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> Rows[SpeechRow]:
    """Speeches, in meeting order, narrowed by filters."""
    where, args = filter_sql(filters)
    sql = (
        f"SELECT {_SPEECH_COLUMNS}, s.words, s.text FROM speeches s"
        f" JOIN meetings m ON m.id = s.meeting_id WHERE 1{where}"
        f" ORDER BY {MEETING_ORDER}, s.seq"
        " LIMIT ? OFFSET ?"
    )
    rows = conn.execute(sql, [*args, -1 if limit is None else limit, offset]).fetchall()
    return Rows(
        SpeechRow(
            **_speech_fields(r),
            words=r["words"],
            text=r["text"],
        )
        for r in rows
    )


def meetings(
    conn: sqlite3.Connection,
    filters: Filters | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> Rows[MeetingRow]:
    """Meetings in date order; with speech filters, the meetings that have such speeches."""
    body = resolve_body_filter(filters.body) if filters and filters.body else None
    if filters is not None and body:
        filters = Filters(**{**vars(filters), "body": None})  # on the meeting itself, below
    where, args = filter_sql(filters)
    speech_filter = ""
    if where:
        speech_filter = f" AND EXISTS (SELECT 1 FROM speeches s WHERE s.meeting_id = m.id{where})"
    if body:
        speech_filter += " AND m.body = ?"
        args.append(body)
    sql = (
        "SELECT m.key, m.body, m.symbol, m.meeting_number, m.resumption, m.date, m.time,"
        " m.president_name, m.president_state, m.source_format,"
        " (SELECT title FROM agenda_items a WHERE a.meeting_id = m.id ORDER BY number LIMIT 1)"
        " AS agenda,"
        " (SELECT count(*) FROM speeches x WHERE x.meeting_id = m.id) AS speeches,"
        " (SELECT coalesce(sum(words), 0) FROM speeches x WHERE x.meeting_id = m.id) AS words"
        f" FROM meetings m WHERE 1{speech_filter}"
        f" ORDER BY {MEETING_ORDER} LIMIT ? OFFSET ?"
    )
    rows = conn.execute(sql, [*args, -1 if limit is None else limit, offset]).fetchall()
    return Rows(
        MeetingRow(
            key=r["key"],
            body=r["body"],
            symbol=r["symbol"],
            meeting_number=r["meeting_number"],
            resumption=r["resumption"],
            date=r["date"],
            time=r["time"],
            president=r["president_name"],
            president_state=r["president_state"],
            agenda=r["agenda"],
            speeches=r["speeches"],
            words=r["words"],
            source_format=r["source_format"],
        )
        for r in rows
    )


def stats(conn: sqlite3.Connection) -> dict[str, Any]:
    """Counts of what the database holds."""

    def one(sql: str) -> Any:
        return conn.execute(sql).fetchone()[0]

    def pairs(sql: str) -> dict[str, int]:
        return {str(r[0]): int(r[1]) for r in conn.execute(sql)}

    return {
        "meetings": one("SELECT count(*) FROM meetings"),
        "speeches": one("SELECT count(*) FROM speeches"),
        "words": one("SELECT coalesce(sum(words), 0) FROM speeches"),
        "agenda_items": one("SELECT count(*) FROM agenda_items"),
        "procedural_items": one("SELECT count(*) FROM items WHERE kind = 'procedure'"),
        "vote_passages": one("SELECT count(*) FROM items WHERE kind = 'vote'"),
        "first_date": one("SELECT min(date) FROM meetings"),
        "last_date": one("SELECT max(date) FROM meetings"),
        "states_speaking": one("SELECT count(DISTINCT state) FROM speeches"),
        "sources": pairs("SELECT status, count(*) FROM sources GROUP BY status ORDER BY 1"),
        "meetings_by_format": pairs(
            "SELECT coalesce(source_format, '?'), count(*) FROM meetings GROUP BY 1 ORDER BY 1"
        ),
        "speeches_by_role": pairs(
            "SELECT role, count(*) FROM speeches GROUP BY role ORDER BY 2 DESC"
        ),
        "speeches_by_language": pairs(
            "SELECT coalesce(language, 'English (or not given)'), count(*) FROM speeches"
            " GROUP BY 1 ORDER BY 2 DESC"
        ),
        "schema_version": one("PRAGMA user_version"),
    }
