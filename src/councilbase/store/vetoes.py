"""The General Assembly's debates on a veto, linked to the Council meeting whose veto they
discuss, where both records are in the database.

Since resolution 76/262 (26 April 2022) the President of the Assembly convenes a formal
meeting within ten working days after a permanent member casts a veto in the Council, to
debate the situation in which it was cast ("Use of the veto"). A link is made for an
Assembly meeting held from then on and a vote the Council's records give as vetoed, when:

* the Assembly's record names the vetoed draft (``S/2022/431``) or the Council meeting
  (``S/PV.9048``); or
* the Assembly's agenda (its headings) speaks of the veto, and the veto was cast at most
  ten working days (Monday to Friday) before the Assembly met.

Each link keeps its evidence in words.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from councilbase.store.driver import sqlite3

FIRST_DAY = "2022-04-26"
"""The day resolution 76/262 was adopted: no veto debate is looked for before it."""


def working_days(first: date, last: date) -> int:
    """Monday-to-Friday days after ``first`` up to and including ``last``."""
    days = 0
    day = first
    while day < last:
        day += timedelta(days=1)
        days += day.weekday() < 5
    return days


def _texts(conn: sqlite3.Connection, meeting_id: int) -> str:
    rows = conn.execute("SELECT text FROM speeches WHERE meeting_id = ?", (meeting_id,))
    items = conn.execute(
        "SELECT text FROM items WHERE meeting_id = ? AND text IS NOT NULL", (meeting_id,)
    )
    return "\n".join(r[0] for r in [*rows, *items])


def link_veto_debates(conn: sqlite3.Connection) -> int:
    """Rebuild the links between the Assembly's veto debates and the Council's vetoes (the
    caller holds no transaction); how many links there are."""
    assemblies = conn.execute(
        "SELECT id, date FROM meetings WHERE body = 'GA' AND date >= ? ORDER BY date",
        (FIRST_DAY,),
    ).fetchall()
    links: list[tuple[int, int, int, str]] = []
    for meeting_id, day in assemblies:
        held = date.fromisoformat(day)
        topics = " ".join(
            r[0]
            for r in conn.execute(
                "SELECT title FROM agenda_items WHERE meeting_id = ?", (meeting_id,)
            )
        )
        on_veto = bool(re.search(r"\bveto\b", topics, re.IGNORECASE))
        text = _texts(conn, meeting_id)
        for sc_id, key, vote_number, document, sc_day in conn.execute(
            "SELECT m.id, m.key, v.number, v.document, m.date FROM votes v"
            " JOIN meetings m ON m.id = v.meeting_id WHERE m.body = 'SC'"
            " AND v.outcome = 'vetoed' AND m.date IS NOT NULL AND m.date <= ?"
            " AND m.date >= ?",
            (day, (held - timedelta(days=60)).isoformat()),
        ):
            evidence = []
            if document and re.search(rf"(?<![\w/]){re.escape(document)}(?![\w/])", text):
                evidence.append(f"the Assembly's record names the vetoed draft {document}")
            if re.search(rf"(?<![\w/]){re.escape(key)}(?!\d)", text):
                evidence.append(f"the Assembly's record names {key}")
            gap = working_days(date.fromisoformat(sc_day), held)
            if on_veto and gap <= 10:
                evidence.append(
                    f"the Assembly met on the veto {gap} working day{'s' * (gap != 1)} after it"
                )
            if evidence:
                links.append((meeting_id, sc_id, vote_number, "; ".join(evidence)))
    with conn:
        conn.execute("DELETE FROM veto_debates")
        conn.executemany(
            "INSERT OR REPLACE INTO veto_debates (meeting_id, sc_meeting_id, vote_number,"
            " evidence) VALUES (?,?,?,?)",
            links,
        )
    return len(links)
