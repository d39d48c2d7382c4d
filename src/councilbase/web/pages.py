"""What each page of the web app shows, as plain data: the HTML page and its JSON twin are
both made from these dictionaries, so they never disagree."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import asdict
from typing import Any

from councilbase import reference
from councilbase.analysis.agreement import agreement_with_others
from councilbase.extract.entities import organisation_by_code
from councilbase.model import Heading, Procedure, Record, Speech, VotePassage
from councilbase.store import search as q
from councilbase.store.driver import sqlite3
from councilbase.store.records import load_record

PAGE_SIZE = 20

ROLE_LABELS = {
    "president": "President",
    "member": "member",
    "invited_state": "invited State",
    "observer": "observer",
    "chair": "chair",
    "rapporteur": "rapporteur",
    "un_official": "UN official",
    "briefer": "briefer",
    "unknown": "speaker",
}
"""Roles in words, for pages and facet labels."""


BODY_LABELS = {"SC": "Security Council", "GA": "General Assembly"}


def role_label(role: str | None) -> str:
    """A role in words: ``invited_state`` -> "invited State"."""
    return ROLE_LABELS.get(role or "", role or "")


def page_links(page: int, pages: int) -> list[int | None]:
    """The page numbers to link around the current one: the first, the last, two each
    side of the current; None where numbers are left out (…)."""
    wanted = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    out: list[int | None] = []
    for number in wanted:
        if out and out[-1] is not None and number - out[-1] > 1:
            out.append(None)
        out.append(number)
    return out


class NotFound(LookupError):
    """The thing asked for is not in the database."""


def state_name(code: str | None) -> str | None:
    """A code's name: a state's or an organisation's."""
    if not code:
        return None
    state = reference.state_by_code(code)
    if state:
        return state.name
    organisation = organisation_by_code(code)
    return organisation.name if organisation else code


def home(conn: sqlite3.Connection) -> dict[str, Any]:
    """Counts and the latest meetings."""
    latest = conn.execute(
        "SELECT m.key, m.symbol, m.date, m.president_name,"
        " (SELECT title FROM agenda_items a WHERE a.meeting_id = m.id ORDER BY number LIMIT 1) AS agenda,"
        " (SELECT count(*) FROM speeches x WHERE x.meeting_id = m.id) AS speeches"
        " FROM meetings m ORDER BY coalesce(m.meeting_number, 0) DESC, coalesce(m.resumption, 0) DESC"
        " LIMIT 10"
    ).fetchall()
    return {"stats": q.stats(conn), "latest": [dict(r) for r in latest]}


def meetings_list(conn: sqlite3.Connection, filters: q.Filters, page: int) -> dict[str, Any]:
    """A page of meetings."""
    rows = q.meetings(conn, filters, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return {
        "meetings": [asdict(m) for m in rows[:PAGE_SIZE]],
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "body": q.resolve_body_filter(filters.body) if filters.body else None,
    }


def _segments(text: str, spans: list[tuple[int, int, str, str]]) -> list[dict[str, Any]]:
    """A paragraph cut into plain text and linked spans (mentions, references)."""
    out: list[dict[str, Any]] = []
    position = 0
    for start, end, kind, target in sorted(spans):
        if start < position:
            continue  # a span inside one already taken (a state inside a mission's name)
        if start > position:
            out.append({"text": text[position:start]})
        out.append({"text": text[start:end], "kind": kind, "target": target})
        position = end
    if position < len(text):
        out.append({"text": text[position:]})
    return out


def _link(kind: str, code: str) -> str | None:
    if kind == "state":
        return f"/states/{code}"
    if kind == "sc_resolution":
        return f"/resolutions/{code}"
    if kind in ("meeting",):
        return f"/meetings/{code}"
    return None


def meeting(conn: sqlite3.Connection, key: str) -> dict[str, Any]:
    """A meeting with everything in it, in order, ready to read: the cover (with the date
    and agenda of the UN library's index where the record has none, marked so), a table of
    contents, the decisions, and the proceedings."""
    from councilbase.store.records import index_fill
    from councilbase.symbols import normalise_meeting, undocs_url

    key = normalise_meeting(key)
    record = load_record(conn, key)
    if record is None:
        raise NotFound(f"{key} is not in the database")
    stored_key = record_key(record)
    fill = index_fill(conn, stored_key)
    people = {
        r["seq"]: (r["key"], r["name"])
        for r in conn.execute(
            "SELECT s.seq, p.key, p.name FROM speeches s JOIN meetings m ON m.id = s.meeting_id"
            " JOIN speech_people sp ON sp.speech_id = s.id JOIN people p ON p.id = sp.person_id"
            " WHERE m.key = ?",
            (stored_key,),
        )
    }
    items: list[dict[str, Any]] = []
    contents: list[dict[str, Any]] = []
    speech_seq = 0
    for position, item in enumerate(record.items):
        if isinstance(item, Speech):
            items.append(_speech(item, speech_seq, record, people.get(speech_seq)))
            contents.append(
                {
                    "kind": "speech",
                    "anchor": f"speech-{speech_seq}",
                    "text": item.speaker_line or "(unknown speaker)",
                    "affiliation": state_name(item.state or item.organisation),
                }
            )
            speech_seq += 1
        elif isinstance(item, VotePassage):
            items.append(
                {
                    "kind": "vote_passage",
                    "anchor": f"item-{position}",
                    "text": item.text,
                    "method": item.method,
                    "lists": [
                        {"label": label, "vote": vote, "names": names}
                        for label, vote, names in (
                            ("In favour", "in_favour", item.in_favour),
                            ("Against", "against", item.against),
                            ("Abstaining", "abstaining", item.abstaining),
                            ("Not participating", "not_participating", item.not_participating),
                        )
                        if names or vote != "not_participating"
                    ],
                }
            )
        elif isinstance(item, Procedure):
            items.append({"kind": "procedure", "type": item.type, "text": item.text})
        elif isinstance(item, Heading):
            anchor = f"item-{position}"
            items.append({"kind": "heading", "text": item.text, "anchor": anchor})
            contents.append({"kind": "heading", "anchor": anchor, "text": item.text})
    votes = []
    for number, vote in enumerate(record.votes):
        data = asdict(vote)
        data["number"] = number
        tally = vote.announced or vote.counted
        data["tally"] = str(tally) if tally else None
        data["by_vote"] = {
            kind: [{"name": c.name, "code": c.code} for c in vote.casts if c.vote == kind]
            for kind in ("in_favour", "against", "abstaining", "not_participating")
        }
        votes.append(data)
    agenda = [asdict(a) | {"source": "record"} for a in record.agenda]
    agenda += [
        {"title": t, "sub_items": [], "documents": [], "source": "index"} for t in fill.agenda
    ]
    return {
        "key": stored_key,
        "official_url": undocs_url(record.symbol) if record.symbol else None,
        "title": agenda[0]["title"] if agenda else None,
        "veto_debates": veto_debates(conn, stored_key),
        "record": {
            "body": record.body,
            "body_name": BODY_LABELS.get(record.body, record.body),
            "symbol": record.symbol,
            "meeting_number": record.meeting_number,
            "resumption": record.resumption,
            "date": record.date or fill.date,
            "date_source": "record" if record.date else ("index" if fill.date else None),
            "time": record.time,
            "place": record.place,
            "session": record.session,
            "president": asdict(record.president) if record.president else None,
            "members": [
                asdict(m) | {"state": reference.resolve_state(m.country)} for m in record.members
            ],
            "agenda": agenda,
            "source": asdict(record.source) if record.source else None,
            "warnings": record.warnings,
            "layout": record.layout,
            "reading": [asdict(r) for r in record.reading],
            "ocr_pages": sum(1 for r in record.reading if r.source == "ocr"),
        },
        "contents": contents,
        "proceedings": items,
        "votes": votes,
        "statements": [asdict(s) for s in record.statements],
    }


def veto_debates(conn: sqlite3.Connection, key: str) -> list[dict[str, Any]]:
    """The Assembly's debates on a veto cast at this Council meeting, or the Council
    meetings whose vetoes this Assembly meeting debates (see :mod:`councilbase.store.vetoes`)."""
    rows = conn.execute(
        "SELECT a.key AS assembly, a.date AS assembly_date, c.key AS council,"
        " c.date AS council_date, d.vote_number, d.evidence FROM veto_debates d"
        " JOIN meetings a ON a.id = d.meeting_id JOIN meetings c ON c.id = d.sc_meeting_id"
        " WHERE a.key = ? OR c.key = ? ORDER BY a.date, c.date",
        (key, key),
    ).fetchall()
    return [dict(r) for r in rows]


def record_key(record: Record) -> str:
    """The key a record is stored under."""
    from councilbase.store.records import meeting_key

    return meeting_key(record)


def _speech(
    speech: Speech, seq: int, record: Record, person: tuple[str, str] | None
) -> dict[str, Any]:
    paragraphs = []
    for number, text in enumerate(speech.text):
        spans = [
            (m.start, m.end, m.kind, m.code)
            for m in speech.mentions
            if m.paragraph == number and m.kind == "state"
        ] + [(r.start, r.end, r.kind, r.symbol) for r in speech.references if r.paragraph == number]
        segments = _segments(text, spans)
        for segment in segments:
            if "kind" in segment:
                segment["href"] = _link(segment["kind"], segment["target"])
        paragraphs.append(segments)
    return {
        "kind": "speech",
        "id": q.speech_id(record_key(record), seq),
        "seq": seq,
        "speaker_line": speech.speaker_line,
        "name": speech.name,
        "title": speech.title,
        "affiliation": speech.affiliation,
        "state": speech.state,
        "organisation": speech.organisation,
        "affiliation_name": state_name(speech.state or speech.organisation),
        "role": speech.role,
        "function": speech.function,
        "language": speech.language,
        "explains": speech.explains,
        "person": {"key": person[0], "name": person[1]} if person else None,
        "paragraphs": paragraphs,
        "positions": [asdict(p) for p in speech.positions],
    }


def search_page(
    conn: sqlite3.Connection,
    query: str,
    filters: q.Filters,
    page: int,
    count_soon: Callable[[str, q.Filters], Future[int]] | None = None,
) -> dict[str, Any]:
    """One page of results with their snippets, the total and the pages (the counts by
    facet come apart, from :func:`facets`, so that a page of results never waits for them).
    A page past the last says so, with the last page's number.

    ``count_soon`` counts the matches elsewhere (the web app: on a second connection, in
    another thread) while this connection ranks them, so that the answer waits for the
    longer of the two rather than both."""
    q.check_names(conn, filters)
    offset = (page - 1) * PAGE_SIZE
    found: Sequence[q.SearchHit] = []
    if count_soon is None:  # counted first: a page past the end is not searched
        total = q.count(conn, query, filters)
        if offset < total:
            found = q.search(conn, query, filters, limit=PAGE_SIZE, offset=offset)
    else:
        counted = count_soon(query, filters)
        found = q.search(conn, query, filters, limit=PAGE_SIZE, offset=offset)
        total = counted.result()
    pages = max(1, -(-total // PAGE_SIZE))
    hits = found if page <= pages else []
    past_end = None
    if total and page > pages:
        past_end = (
            f"page {page} is past the end: {total:,} speeches make {pages} "
            f"page{'s' if pages > 1 else ''} of {PAGE_SIZE}"
        )
    return {
        "query": query,
        "filters": {k: v for k, v in asdict(filters).items() if v not in (None, "")},
        "total": total,
        "page": page,
        "pages": pages,
        "page_links": page_links(min(page, pages), pages),
        "past_end": past_end,
        "has_next": page < pages,
        "first": (page - 1) * PAGE_SIZE + 1 if hits else 0,
        "last": (page - 1) * PAGE_SIZE + len(hits),
        "hits": [asdict(h) | {"role_label": role_label(h.role)} for h in hits],
    }


def facets(
    conn: sqlite3.Connection, query: str, filters: q.Filters
) -> dict[str, list[dict[str, Any]]]:
    """How many of the matching speeches fall in each year, state, role and agenda topic.

    Only columns stored before a speech's text are read, and meetings are looked up once
    each, so the counts stay cheap for tens of thousands of matches.
    """
    match = q.match_expression(conn, query, filters)
    groups = q.run_query(
        conn,
        "SELECT s.meeting_id, s.state, s.role, count(*) FROM speeches_fts f"
        " JOIN speeches s INDEXED BY speeches_facets ON s.id = f.rowid"
        " WHERE speeches_fts MATCH ? GROUP BY 1, 2, 3",
        (match,),
        query,
    )
    per_meeting: dict[int, int] = {}
    out: dict[str, dict[Any, int]] = {
        "body": {},
        "year": {},
        "state": {},
        "role": {},
        "topic": {},
    }
    for meeting_id, state, role, count in groups:
        per_meeting[meeting_id] = per_meeting.get(meeting_id, 0) + count
        if state is not None:
            out["state"][state] = out["state"].get(state, 0) + count
        out["role"][role] = out["role"].get(role, 0) + count
    ids = list(per_meeting)
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        for meeting_id, year, title, body in conn.execute(
            "SELECT m.id, m.year, a.title, m.body FROM meetings m LEFT JOIN agenda_items a"
            f" ON a.meeting_id = m.id AND a.number = 1 WHERE m.id IN ({marks})",
            chunk,
        ):
            count = per_meeting[meeting_id]
            out["body"][body] = out["body"].get(body, 0) + count
            if year is not None:
                out["year"][year] = out["year"].get(year, 0) + count
            if title:
                out["topic"][title] = out["topic"].get(title, 0) + count
    result: dict[str, list[dict[str, Any]]] = {}
    for name, counts in out.items():
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:15]
        if name == "year":
            ordered = sorted(counts.items(), key=lambda kv: kv[0])
        result[name] = [
            {
                "value": value,
                "count": count,
                "label": state_name(value)
                if name == "state"
                else role_label(value)
                if name == "role"
                else BODY_LABELS.get(value, value)
                if name == "body"
                else value,
            }
            for value, count in ordered
        ]
    return result


def per_month(conn: sqlite3.Connection, query: str, filters: q.Filters) -> list[tuple[str, int]]:
    """Matching speeches per month (dated meetings only)."""
    match = q.match_expression(conn, query, filters)
    return [
        (r[0], r[1])
        for r in q.run_query(
            conn,
            "SELECT substr(m.date, 1, 7) AS month, count(*) FROM speeches_fts f"
            " JOIN speeches s ON s.id = f.rowid JOIN meetings m ON m.id = s.meeting_id"
            " WHERE speeches_fts MATCH ? AND m.date IS NOT NULL GROUP BY month ORDER BY month",
            (match,),
            query,
        )
    ]


def person(conn: sqlite3.Connection, key: str, page: int) -> dict[str, Any]:
    """A person: names, decisions, speeches."""
    row = conn.execute("SELECT * FROM people WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise NotFound(f"no person {key!r}")
    names = [
        dict(r)
        for r in conn.execute(
            "SELECT name, source, count FROM person_names WHERE person_id = ? ORDER BY count DESC",
            (row["id"],),
        )
    ]
    decisions = [
        dict(r)
        for r in conn.execute(
            "SELECT decision, rule, evidence FROM person_decisions WHERE person_id = ? ORDER BY id",
            (row["id"],),
        )
    ]
    speeches = conn.execute(
        "SELECT m.key, m.date, s.seq, s.speaker_line, s.words FROM speeches s JOIN meetings m"
        " ON m.id = s.meeting_id JOIN speech_people sp ON sp.speech_id = s.id"
        " WHERE sp.person_id = ?"
        " ORDER BY coalesce(m.meeting_number, 1000000000), coalesce(m.resumption, 0), s.seq"
        " LIMIT ? OFFSET ?",
        (row["id"], PAGE_SIZE + 1, (page - 1) * PAGE_SIZE),
    ).fetchall()
    return {
        "key": row["key"],
        "name": row["name"],
        "state": row["state"],
        "organisation": row["organisation"],
        "affiliation": row["affiliation"],
        "affiliation_name": state_name(row["state"] or row["organisation"]) or row["affiliation"],
        "speech_count": row["speeches"],
        "names": names,
        "decisions": decisions,
        "speeches": [
            {
                "id": q.speech_id(r["key"], r["seq"]),
                "meeting": r["key"],
                "date": r["date"],
                "seq": r["seq"],
                "speaker_line": r["speaker_line"],
                "words": r["words"],
            }
            for r in speeches[:PAGE_SIZE]
        ],
        "page": page,
        "has_next": len(speeches) > PAGE_SIZE,
    }


def state(conn: sqlite3.Connection, code: str, page: int) -> dict[str, Any]:
    """A state: its speeches, its votes, how often it voted with each other member."""
    found = reference.state_by_code(code.upper())
    if found is None:
        raise NotFound(f"no state {code!r}")
    code = found.code
    filters = q.Filters(state=code)
    speeches = q.speeches(conn, filters, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    votes = [
        dict(r)
        for r in conn.execute(
            "SELECT m.key AS meeting, m.body, m.date, v.number, v.subject, v.document,"
            " v.resolution, v.outcome, c.vote FROM vote_casts c JOIN votes v ON v.id = c.vote_id"
            " JOIN meetings m ON m.id = v.meeting_id WHERE c.state = ?"
            " ORDER BY m.body DESC, m.date, coalesce(m.meeting_number, 0), v.number",
            (code,),
        )
    ]
    return {
        "code": code,
        "name": found.name,
        "status": found.status,
        "speech_count": conn.execute(
            "SELECT count(*) FROM speeches WHERE state = ?", (code,)
        ).fetchone()[0],
        "speeches": [
            {k: v for k, v in asdict(s).items() if k != "text"} for s in speeches[:PAGE_SIZE]
        ],
        "page": page,
        "has_next": len(speeches) > PAGE_SIZE,
        "votes": votes,
        "agreement": _agreement(conn, code, "SC"),
        "assembly_agreement": _agreement(conn, code, "GA"),
        "bodies": {body: sum(1 for v in votes if v["body"] == body) for body in ("SC", "GA")},
    }


def _agreement(conn: sqlite3.Connection, code: str, body: str) -> list[dict[str, Any]]:
    """How often a state voted as each other member of a body did."""
    return [
        {
            "other": a.other,
            "name": state_name(a.other),
            "votes": a.votes,
            "same": a.same,
            "share": round(a.share, 4),
        }
        for a in agreement_with_others(conn, code, body=body)
    ]


def _linked(text: str) -> list[dict[str, Any]]:
    """A resolution's paragraph with the documents it cites linked."""
    from councilbase.extract.references import find_references

    spans = [(r.start, r.end, r.kind, r.symbol) for r in find_references([text])]
    segments = _segments(text, spans)
    for segment in segments:
        if "kind" in segment:
            segment["href"] = _link(segment["kind"], segment["target"])
    return segments


def resolution(conn: sqlite3.Connection, symbol: str) -> dict[str, Any]:
    """A resolution: its text with paragraph numbers and cited documents linked, what it
    cites and what cites it, its lineage, the vote with each member's, the index's rows,
    the speeches that cite it and the explanations of its vote."""
    from councilbase.analysis.resolutions import lineage, neighbourhood
    from councilbase.store.resolutions import normalise_resolution, resolution_json
    from councilbase.symbols import undocs_url

    try:
        found = normalise_resolution(symbol)
    except q.QueryError:
        found = q.resolve_cites_filter(symbol)
    if not re.fullmatch(r"S/RES/\d{1,4} \(\d{4}\)", found):
        raise NotFound(f"{found} is not a Security Council resolution")
    data = resolution_json(conn, found)
    if data is None:
        raise NotFound(f"{found} is not in the database")
    casts = (data["vote"] or {}).get("casts", [])
    for cast in casts:
        cast["state_name"] = state_name(cast["state"]) or cast["member"]
    data["official_url"] = undocs_url(found)
    data["subject"] = data["title"]
    data["text"] = {
        "preamble": [
            {"label": f"PP{n}", "segments": _linked(text)}
            for n, text in enumerate(data["preamble"], start=1)
        ],
        "operative": [
            {
                "label": f"OP{p['number'] or n}".replace(" ", ""),
                "number": p["number"],
                "segments": _linked(p["text"]),
                "sub": [{"label": s["label"], "segments": _linked(s["text"])} for s in p["sub"]],
            }
            for n, p in enumerate(data["operative"], start=1)
        ],
    }
    data["lineage"] = (
        [asdict(step) for step in lineage(conn, found, 2)] if data["in_database"] else []
    )
    data["neighbourhood"] = neighbourhood(conn, found)
    grouped: dict[str, dict[str, Any]] = {}
    for cite in data["cites"]:
        entry = grouped.setdefault(
            cite["symbol"], {"symbol": cite["symbol"], "kind": cite["kind"], "paragraphs": []}
        )
        if cite["paragraph"] not in entry["paragraphs"]:
            entry["paragraphs"].append(cite["paragraph"])
    data["cites_grouped"] = list(grouped.values())
    return data


def resolutions_list(
    conn: sqlite3.Connection, query: str, filters: Any, page: int
) -> dict[str, Any]:
    """The resolutions (with a query: their matching paragraphs), a page at a time."""
    from councilbase.store.resolutions import count_resolutions, search_resolutions

    hits = search_resolutions(
        conn, query or None, filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    total = count_resolutions(conn, query or None, filters)
    pages = max(1, -(-total // PAGE_SIZE))
    chosen = {k: v for k, v in asdict(filters).items() if v not in (None, "")}
    return {
        "query": query,
        "resolutions_query": query,
        "filters": chosen,
        "hits": hits.to_dicts(),
        "total": total,
        "page": page,
        "pages": pages,
        "page_links": page_links(page, pages),
        "held": conn.execute("SELECT count(*) FROM resolutions").fetchone()[0],
    }


def outcomes(conn: sqlite3.Connection, year: int | None) -> dict[str, Any]:
    """The official index for a year (the latest year held, when none is given)."""
    years = [r[0] for r in conn.execute("SELECT DISTINCT year FROM outcomes ORDER BY year")]
    if year is None:
        year = years[-1] if years else None
    rows = []
    if year is not None:
        for row in conn.execute(
            "SELECT id, symbol, date, closed, topic, outcome, press_release FROM outcomes WHERE year = ?"
            " ORDER BY date DESC, coalesce(meeting_number, 0) DESC, row",
            (year,),
        ).fetchall():
            actions = [
                dict(a) | {"vetoed_by": json.loads(a["vetoed_by"])}
                for a in conn.execute(
                    "SELECT kind, document, in_favour, against, abstaining, vetoed_by, text FROM outcome_actions"
                    " WHERE outcome_id = ? ORDER BY position",
                    (row["id"],),
                )
            ]
            held = (
                conn.execute("SELECT 1 FROM meetings WHERE key = ?", (row["symbol"],)).fetchone()
                is not None
                if row["symbol"]
                else False
            )
            rows.append(
                {
                    k: row[k]
                    for k in ("symbol", "date", "closed", "topic", "outcome", "press_release")
                }
                | {
                    "actions": actions,
                    "vetoed": any(a["kind"] == "draft_vetoed" for a in actions),
                    "held": held,
                }
            )
    return {"year": year, "years": years, "rows": rows}
