"""How often members voted the same way, from the records' own vote lists (failed drafts
and amendments included): the Council's votes, the Assembly's recorded votes, or both.

What counts as a member's vote: the lists In favour / Against / Abstaining of each vote
taken; a vote adopted unanimously (printed without lists) counts as every member in favour:
the members on the meeting's cover page, or that year's Council when the record has no
cover page. A decision taken without a vote is no vote and is left out. A meeting's date is
its record's, else the UN library's index's, else 1 July of its year.

Rule for absences: a pair is compared only on the votes where both cast in favour, against
or abstaining; a vote where either did not participate (or is missing from the lists)
counts for neither agreement nor disagreement.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from councilbase import reference
from councilbase.analysis import PERIOD_DATE
from councilbase.dates import parse_bound
from councilbase.store.driver import sqlite3
from councilbase.store.search import Rows

CAST = ("in_favour", "against", "abstaining")


@dataclass
class Ballot:
    """One vote: when, and how each member voted."""

    vote_id: int
    date: str
    casts: dict[str, str] = field(default_factory=dict)


def ballots(
    conn: sqlite3.Connection,
    date_from: str | None = None,
    date_to: str | None = None,
    body: str | None = None,
) -> list[Ballot]:
    """Every vote taken in the period with each member's vote (see the module's rules);
    a meeting without a date counts as 1 July of its year. ``body``: the Council's votes
    (``SC``) or the Assembly's recorded votes (``GA``); both when None."""
    where, args = _period(date_from, date_to, body)
    votes: dict[int, Ballot] = {}
    unanimous: list[tuple[int, int, int | None]] = []
    for vote_id, meeting_id, day, year, is_unanimous, without_vote in conn.execute(
        f"SELECT v.id, v.meeting_id, {PERIOD_DATE}, m.year, v.unanimous,"
        " v.without_vote FROM votes v JOIN meetings m ON m.id = v.meeting_id"
        f" WHERE 1{where} ORDER BY 3, v.id",
        args,
    ):
        if without_vote:
            continue
        votes[vote_id] = Ballot(vote_id, day or "")
        if is_unanimous:
            unanimous.append((vote_id, meeting_id, year))
    if not votes:
        return []
    for vote_id, state, vote in conn.execute(
        "SELECT c.vote_id, c.state, c.vote FROM vote_casts c JOIN votes v ON v.id = c.vote_id"
        f" JOIN meetings m ON m.id = v.meeting_id WHERE c.state IS NOT NULL{where}",
        args,
    ):
        if vote_id in votes and vote in CAST:
            votes[vote_id].casts[state] = vote
    for vote_id, meeting_id, year in unanimous:
        ballot = votes[vote_id]
        if ballot.casts:
            continue
        members = {
            r[0]
            for r in conn.execute(
                "SELECT state FROM members WHERE meeting_id = ? AND state IS NOT NULL",
                (meeting_id,),
            )
        } or set(reference.council_members(year) or () if year else ())
        ballot.casts = dict.fromkeys(sorted(members), "in_favour")
    return [b for b in votes.values() if b.casts]


@dataclass
class Agreement:
    """How often a state voted as another one did."""

    state: str
    other: str
    votes: int
    same: int
    share: float


def agreement_with_others(
    conn: sqlite3.Connection,
    state: str,
    date_from: str | None = None,
    date_to: str | None = None,
    body: str | None = None,
) -> Rows[Agreement]:
    """A state's agreement with every member it voted beside, most agreeing first."""
    votes: Counter[str] = Counter()
    same: Counter[str] = Counter()
    for ballot in ballots(conn, date_from, date_to, body):
        mine = ballot.casts.get(state)
        if mine is None:
            continue
        for other, theirs in ballot.casts.items():
            if other != state:
                votes[other] += 1
                same[other] += theirs == mine
    out = [Agreement(state, o, n, same[o], round(same[o] / n, 4)) for o, n in votes.items()]
    out.sort(key=lambda a: (-a.share, -a.votes, a.other))
    return Rows(out)


@dataclass
class Pair:
    """How often two members voted the same way over a period."""

    a: str
    b: str
    votes: int
    same: int
    share: float


def agreement_matrix(
    conn: sqlite3.Connection,
    date_from: str | None = None,
    date_to: str | None = None,
    body: str | None = None,
) -> Rows[Pair]:
    """Every pair of members that voted together, with how often they voted alike (the
    absence rule of this module). Each pair appears once, a < b."""
    votes: Counter[tuple[str, str]] = Counter()
    same: Counter[tuple[str, str]] = Counter()
    for ballot in ballots(conn, date_from, date_to, body):
        members = sorted(ballot.casts)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                votes[(a, b)] += 1
                same[(a, b)] += ballot.casts[a] == ballot.casts[b]
    return Rows(
        Pair(a, b, n, same[(a, b)], round(same[(a, b)] / n, 4))
        for (a, b), n in sorted(votes.items())
    )


def _period(
    date_from: str | None, date_to: str | None, body: str | None = None
) -> tuple[str, list[object]]:
    where = ""
    args: list[object] = []
    if body:
        where += " AND m.body = ?"
        args.append(body)
    if date_from:
        where += f" AND {PERIOD_DATE} >= ?"
        args.append(parse_bound(date_from, end=False))
    if date_to:
        where += f" AND {PERIOD_DATE} <= ?"
        args.append(parse_bound(date_to, end=True))
    return where, args


@dataclass
class VetoCount:
    """Vetoes one permanent member cast in a year."""

    state: str
    year: int
    vetoes: int
    source: str


def vetoes(conn: sqlite3.Connection, source: str = "records") -> Rows[VetoCount]:
    """Vetoes by state and year: from the records' own votes (``records``) or from the
    UN library's index (``index``)."""
    import json

    counts: dict[tuple[str, int], int] = {}
    if source == "records":
        rows = conn.execute(
            "SELECT v.vetoed_by, coalesce(m.year, CAST(substr(m.date, 1, 4) AS INTEGER)) FROM votes v"
            " JOIN meetings m ON m.id = v.meeting_id WHERE v.outcome = 'vetoed'"
        ).fetchall()
    elif source == "index":
        rows = conn.execute(
            "SELECT a.vetoed_by, o.year FROM outcome_actions a JOIN outcomes o ON o.id = a.outcome_id"
            " WHERE a.kind = 'draft_vetoed'"
        ).fetchall()
    else:
        raise ValueError(f"unknown source {source!r}: records or index")
    for vetoed_by, year in rows:
        for code in json.loads(vetoed_by):
            counts[(code, int(year))] = counts.get((code, int(year)), 0) + 1
    return Rows(
        VetoCount(s, y, n, source)
        for (s, y), n in sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    )


@dataclass
class WithMajority:
    """How often a state voted as the majority of the members did, per period."""

    period: str
    votes: int
    with_majority: int
    share: float


def with_majority(
    conn: sqlite3.Connection,
    state: str,
    by: str = "year",
    date_from: str | None = None,
    date_to: str | None = None,
    body: str | None = None,
) -> Rows[WithMajority]:
    """A state's agreement with the majority over time: the majority is the vote most
    members cast (a tie has no majority and is left out); a vote where the state did not
    take part is left out."""
    if by not in ("year", "month"):
        raise ValueError(f"by must be year or month, not {by!r}")
    width = 4 if by == "year" else 7
    totals: dict[str, list[int]] = {}
    for ballot in ballots(conn, date_from, date_to, body):
        mine = ballot.casts.get(state)
        if mine is None:
            continue
        ranked = Counter(ballot.casts.values()).most_common()
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            continue
        entry = totals.setdefault(ballot.date[:width] or "?", [0, 0])
        entry[0] += 1
        entry[1] += mine == ranked[0][0]
    return Rows(
        WithMajority(p, n, k, round(k / n, 4) if n else 0.0) for p, (n, k) in sorted(totals.items())
    )


def period_label(date_from: str | None, date_to: str | None) -> str:
    """The period of an agreement figure in words, for its title: ``, 2020-01 to 2020-03``
    or ``, all votes held``."""
    if not date_from and not date_to:
        return ", all votes held"
    if date_from and date_to and date_from == date_to:
        return f", {date_from}"
    return f", {date_from or 'the first vote'} to {date_to or 'the last'}"
