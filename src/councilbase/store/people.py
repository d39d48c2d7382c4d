"""People in the database: rebuilt from every speech and cover page after an ingest, and
explained on request."""

from __future__ import annotations

import re
from dataclasses import dataclass

from councilbase import reference
from councilbase.extract.people import Person, Sighting, plain, resolve_people
from councilbase.store.driver import sqlite3
from councilbase.store.schema import mark_built

_PERMANENT_REPRESENTATIVE = re.compile(
    r"Permanent Representative of (?:the )?(?P<state>[A-Z][^,;]+?) to the United Nations"
)
MEETING_ORDER = "coalesce(m.meeting_number, 1000000000), coalesce(m.resumption, 0), m.key"


def sightings(conn: sqlite3.Connection) -> list[Sighting]:
    """Every name the database holds: speakers, cover-page representatives, Presidents."""
    out: list[Sighting] = []
    rows = conn.execute(
        "SELECT s.id, s.title, s.name, s.role, s.affiliation, s.state, s.organisation,"
        " m.key, m.date, m.president_name, m.president_state FROM speeches s"
        f" JOIN meetings m ON m.id = s.meeting_id ORDER BY {MEETING_ORDER}, s.seq"
    )
    for row in rows:
        affiliation = row["state"] or row["organisation"] or (row["affiliation"] or "").strip()
        if row["title"] in ("The President", "The Acting President"):
            names = [n.strip() for n in (row["president_name"] or "").split("/") if n.strip()]
            if len(names) == 1 and row["president_state"]:
                out.append(
                    Sighting(
                        names[0],
                        row["president_state"],
                        "president",
                        row["key"],
                        row["date"],
                        row["id"],
                    )
                )
            # when the chair changed hands ("Mr. Pham Binh Minh/Mr. Dang") the record does not
            # say who spoke when: those speeches stay without a person
            continue
        if row["title"] == "The Secretary-General":
            out.append(
                Sighting(
                    "The Secretary-General", "UNSG", "speech", row["key"], row["date"], row["id"]
                )
            )
            continue
        if not row["name"] or not affiliation:
            continue
        name = f"{row['title']} {row['name']}" if row["title"] else row["name"]
        source = "speech"
        home = _PERMANENT_REPRESENTATIVE.search(row["affiliation"] or "")
        if row["organisation"] and home and reference.resolve_state(home.group("state")):
            # "Permanent Representative of Morocco ..., as Chair of the ... configuration of the
            # Peacebuilding Commission": the person is Morocco's, speaking in another capacity
            affiliation = reference.resolve_state(home.group("state")) or affiliation
            source = f"speech, as {row['organisation']}"
        out.append(Sighting(name, affiliation, source, row["key"], row["date"], row["id"]))
    for row in conn.execute(
        "SELECT president_name, president_state, key, date FROM meetings"
        f" m WHERE president_state IS NOT NULL ORDER BY {MEETING_ORDER}"
    ):
        for name in (row["president_name"] or "").split("/"):
            if name.strip():
                out.append(
                    Sighting(
                        name.strip(), row["president_state"], "president", row["key"], row["date"]
                    )
                )
    for row in conn.execute(
        "SELECT x.representative, x.state, m.key, m.date FROM members x"
        f" JOIN meetings m ON m.id = x.meeting_id WHERE x.state IS NOT NULL ORDER BY {MEETING_ORDER}"
    ):
        for name in row["representative"].split("/"):
            if name.strip():
                out.append(
                    Sighting(name.strip(), row["state"], "cover page", row["key"], row["date"])
                )
    return out


def build_people(conn: sqlite3.Connection) -> int:
    """Rebuild the people tables and every speech's person from the database; how many
    people there are.

    A person keeps their row (and id) from one rebuild to the next, and only the speeches
    whose person changed are written (in ``speech_people``: a person written into the
    speeches' rows rewrote each row, text and all, and made the people step most of the bytes
    a large ingest wrote)."""
    people, _ = resolve_people(sightings(conn))
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM person_decisions")
        conn.execute("DELETE FROM person_names")
        old = dict(conn.execute("SELECT key, id FROM people").fetchall())
        wanted: dict[int, int] = {}
        kept: set[int] = set()
        for person in people:
            person_id = _save(conn, person, old.get(person.key))
            kept.add(person_id)
            wanted.update((speech, person_id) for speech in person.speeches)
        gone = [(i,) for i in old.values() if i not in kept]
        held = dict(conn.execute("SELECT speech_id, person_id FROM speech_people").fetchall())
        conn.executemany(
            "DELETE FROM speech_people WHERE speech_id = ?",
            [(speech,) for speech in held if speech not in wanted],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO speech_people (speech_id, person_id) VALUES (?, ?)",
            [(speech, person) for speech, person in wanted.items() if held.get(speech) != person],
        )
        conn.executemany("DELETE FROM people WHERE id = ?", gone)
        mark_built(conn, "people")
    return len(people)


def _save(conn: sqlite3.Connection, person: Person, person_id: int | None) -> int:
    """Write a person (in their row of the last build when there is one) with their names and
    the decisions taken about them; their id."""
    meetings = [s.meeting for s in person.sightings]
    state = (
        person.affiliation
        if len(person.affiliation) == 3 and person.affiliation.isupper()
        else None
    )
    organisation = None if state else person.affiliation if person.affiliation.isupper() else None
    values = (
        person.key,
        person.name,
        state,
        organisation,
        None if state or organisation else person.affiliation,
        len(person.speeches),
        meetings[0] if meetings else None,
        meetings[-1] if meetings else None,
    )
    if person_id is None:
        person_id = int(
            conn.execute(
                "INSERT INTO people (key, name, state, organisation, affiliation, speeches,"
                " first_meeting, last_meeting) VALUES (?,?,?,?,?,?,?,?)",
                values,
            ).lastrowid
            or 0
        )
    else:
        conn.execute(
            "UPDATE people SET key = ?, name = ?, state = ?, organisation = ?, affiliation = ?,"
            " speeches = ?, first_meeting = ?, last_meeting = ? WHERE id = ?",
            (*values, person_id),
        )
    counts: dict[tuple[str, str], int] = {}
    for s in person.sightings:
        counts[(s.name, s.source)] = counts.get((s.name, s.source), 0) + 1
    conn.executemany(
        "INSERT INTO person_names (person_id, name, source, count) VALUES (?,?,?,?)",
        [(person_id, name, source, count) for (name, source), count in counts.items()],
    )
    conn.executemany(
        "INSERT INTO person_decisions (person_id, name, other, decision, rule, evidence)"
        " VALUES (?,?,?,?,?,?)",
        [
            (
                person_id,
                d.name,
                d.other,
                d.decision,
                d.rule + (" (unsure)" if d.unsure else ""),
                d.evidence,
            )
            for d in person.decisions
        ],
    )
    return person_id


@dataclass
class Explanation:
    """A person: names seen, where, and every decision taken about them."""

    key: str
    name: str
    affiliation: str
    speeches: int
    first_meeting: str | None
    last_meeting: str | None
    names: list[tuple[str, str, int]]
    decisions: list[tuple[str, str, str, str, str]]


def explain(conn: sqlite3.Connection, name: str) -> list[Explanation]:
    """The people whose names contain ``name`` (case, accents and honorifics aside)."""
    wanted = plain(name)
    out: list[Explanation] = []
    for row in conn.execute("SELECT * FROM people ORDER BY speeches DESC, key"):
        forms = conn.execute(
            "SELECT name, source, count FROM person_names WHERE person_id = ? ORDER BY count DESC, name",
            (row["id"],),
        ).fetchall()
        if not any(wanted in plain(f["name"]) for f in forms) and wanted not in row["key"]:
            continue
        decisions = conn.execute(
            "SELECT decision, rule, name, other, evidence FROM person_decisions WHERE person_id = ?"
            " ORDER BY id",
            (row["id"],),
        ).fetchall()
        out.append(
            Explanation(
                key=row["key"],
                name=row["name"],
                affiliation=row["state"] or row["organisation"] or row["affiliation"] or "",
                speeches=row["speeches"],
                first_meeting=row["first_meeting"],
                last_meeting=row["last_meeting"],
                names=[(f["name"], f["source"], f["count"]) for f in forms],
                decisions=[tuple(d) for d in decisions],
            )
        )
    return out


def unsure_merges(conn: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
    """Every merge made on weaker evidence: (person, form, other form, evidence)."""
    return [
        (r[0], r[1], r[2], r[3])
        for r in conn.execute(
            "SELECT p.key, d.name, d.other, d.evidence FROM person_decisions d JOIN people p"
            " ON p.id = d.person_id WHERE d.rule LIKE '%(unsure)%' OR d.rule = 'short form'"
            " ORDER BY p.key"
        )
    ]


def nearest_people(conn: sqlite3.Connection, name: str) -> list[str]:
    """The names of people closest to one that matches nobody (``Nebenzya`` ->
    ``Nebenzia``)."""
    from councilbase.suggest import nearest

    forms = [r[0] for r in conn.execute("SELECT DISTINCT name FROM person_names")]
    surnames = {f.split()[-1] for f in forms if f.split()}
    return nearest(name, [*surnames, *forms])


def list_people(
    conn: sqlite3.Connection, limit: int, body: str | None = None
) -> tuple[int, list[sqlite3.Row]]:
    """How many people there are, and the ``limit`` with most speeches (``body``: those
    who spoke in that body, with their speeches there)."""
    if body:
        total = int(
            conn.execute(
                "SELECT count(DISTINCT sp.person_id) FROM speech_people sp"
                " JOIN speeches s ON s.id = sp.speech_id JOIN meetings m ON m.id = s.meeting_id"
                " WHERE m.body = ?",
                (body,),
            ).fetchone()[0]
        )
        rows = conn.execute(
            "SELECT p.name, p.key, count(*) AS speeches FROM speeches s"
            " JOIN meetings m ON m.id = s.meeting_id JOIN speech_people sp ON sp.speech_id = s.id"
            " JOIN people p ON p.id = sp.person_id"
            " WHERE m.body = ? GROUP BY p.id ORDER BY speeches DESC, p.key LIMIT ?",
            (body, limit),
        ).fetchall()
        return total, rows
    total = int(conn.execute("SELECT count(*) FROM people").fetchone()[0])
    rows = conn.execute(
        "SELECT name, key, speeches FROM people ORDER BY speeches DESC, key LIMIT ?", (limit,)
    ).fetchall()
    return total, rows
