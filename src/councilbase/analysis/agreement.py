"""How often members voted the same way, from the records' own vote lists (failed drafts
and amendments included).

Rule for absences: a pair is compared only on the votes where both cast in favour, against
or abstaining; a vote where either did not participate (or is missing from the lists)
counts for neither agreement nor disagreement.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from councilbase.store.search import Rows, _date_bound


@dataclass
class Agreement:
    """How often a state voted as another one did."""

    state: str
    other: str
    votes: int
    same: int

    @property
    def share(self) -> float:
        """The share of their common votes cast the same way."""
        return self.same / self.votes if self.votes else 0.0


def agreement_with_others(
    conn: sqlite3.Connection,
    state: str,
    date_from: str | None = None,
    date_to: str | None = None,
) -> Rows[Agreement]:
    """A state's agreement with every member it voted beside, most agreeing first."""
    where = ""
    args: list[object] = [state]
    if date_from:
        where += " AND m.date >= ?"
        args.append(_date_bound(date_from, end=False))
    if date_to:
        where += " AND m.date <= ?"
        args.append(_date_bound(date_to, end=True))
    rows = conn.execute(
        "SELECT b.state AS other, count(*) AS votes, sum(a.vote = b.vote) AS same"
        " FROM vote_casts a JOIN vote_casts b ON b.vote_id = a.vote_id AND b.state != a.state"
        " JOIN votes v ON v.id = a.vote_id JOIN meetings m ON m.id = v.meeting_id"
        " WHERE a.state = ? AND b.state IS NOT NULL"
        " AND a.vote != 'not_participating' AND b.vote != 'not_participating'"
        f"{where} GROUP BY b.state",
        args,
    ).fetchall()
    out = [Agreement(state, r["other"], r["votes"], r["same"]) for r in rows]
    out.sort(key=lambda a: (-a.share, -a.votes, a.other))
    return Rows(out)
