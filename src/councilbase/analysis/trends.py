"""Term trends and distinctive words.

* :func:`trend`: how often a word or phrase is said per year or month, overall or by one
  state, per 10,000 words spoken in the same speeches' period (so a busy year does not look
  like a rising term).
* :func:`distinctive`: the words that set a state's speeches on an agenda topic apart from
  everyone else's on it, by the log-odds ratio with an informative Dirichlet prior (Monroe,
  Colaresi and Quinn, "Fightin' Words", Political Analysis 2008): the prior is the topic's
  whole vocabulary, so frequent words need a large difference and rare ones are not
  over-read; words are ranked by the z-score of the difference.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from councilbase.analysis import MEETING_DATE
from councilbase.store import search as q
from councilbase.store.driver import sqlite3
from councilbase.store.search import Filters, Rows

WORD = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves mr ms mrs also like well must may shall""".split()  # noqa: SIM905
)


@dataclass
class TrendPoint:
    """Uses of a term in one period."""

    period: str
    uses: int
    speeches: int
    words: int
    per_10k_words: float


def _period_sql(by: str) -> str:
    if by == "year":
        return f"coalesce(substr({MEETING_DATE}, 1, 4), CAST(m.year AS TEXT))"
    if by == "month":
        return f"substr({MEETING_DATE}, 1, 7)"
    raise q.QueryError(f"cannot group by {by!r}: year or month")


def term_pattern(term: str) -> re.Pattern[str]:
    """A word or phrase as a case-insensitive pattern on word boundaries (``humanitar*`` is a
    prefix; ``cross-border`` also finds "cross border" and "crossborder", as the full-text
    index does)."""
    words = term.strip().strip('"').split()
    if not words:
        raise q.QueryError("give a word or a phrase")
    if not all(re.fullmatch(r"[\w'’.-]+\*?", w) and re.search(r"\w", w) for w in words):
        raise q.QueryError(
            f"cannot read the search {term!r}: a trend counts a word, a phrase or a prefix*"
            ' (cross-border, "humanitarian access", humanitar*), without operators'
        )
    parts = [
        r"[-\u2010\s]?".join(re.escape(piece) for piece in w.rstrip("*").split("-"))
        + (r"\w*" if w.endswith("*") else "")
        for w in words
    ]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", re.IGNORECASE)


def trend(
    conn: sqlite3.Connection, term: str, by: str = "year", filters: Filters | None = None
) -> Rows[TrendPoint]:
    """Uses of a word or phrase per period, normalised by the words spoken then (under the
    same filters: a state's trend is per 10,000 of that state's words)."""
    period = _period_sql(by)
    filters = filters or Filters()
    where, args = q.filter_sql(filters)
    words = {
        r[0]: r[1]
        for r in conn.execute(
            f"SELECT {period} AS p, sum(s.words) FROM speeches s JOIN meetings m ON m.id = s.meeting_id"
            f" WHERE 1{where} AND {period} IS NOT NULL GROUP BY p",
            args,
        )
    }
    pattern = term_pattern(term)
    query = '"' + " ".join(w.rstrip("*") for w in term.strip().strip('"').split()) + '"'
    if term.strip().endswith("*") and " " not in term.strip():
        query = term.strip()
    match = q.match_expression(conn, query, filters)
    uses: Counter[str] = Counter()
    speeches: Counter[str] = Counter()
    for p, text in q.run_query(
        conn,
        f"SELECT {period} AS p, s.text FROM speeches_fts f JOIN speeches s ON s.id = f.rowid"
        " JOIN meetings m ON m.id = s.meeting_id WHERE speeches_fts MATCH ?",
        (match,),
        term,
    ):
        if p is None:
            continue
        found = len(pattern.findall(text))
        if found:
            uses[p] += found
            speeches[p] += 1
    return Rows(
        TrendPoint(p, uses[p], speeches[p], n, round(uses[p] / n * 10_000, 3) if n else 0.0)
        for p, n in sorted(words.items())
    )


@dataclass
class DistinctiveWord:
    """A word and how strongly it sets one group's speeches apart (z > 0) or not (z < 0)."""

    word: str
    z: float
    count: int
    other_count: int


def tokens(text: str) -> list[str]:
    """Lower-case words, without stop-words or numbers."""
    return [w for w in WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 2]


def distinctive(
    conn: sqlite3.Connection,
    state: str,
    topic: str | None = None,
    top: int = 20,
    filters: Filters | None = None,
) -> Rows[DistinctiveWord]:
    """The words most distinctive of a state's speeches (on a topic) against everyone
    else's speeches (on the same topic)."""
    if not 1 <= top <= 1000:
        raise q.QueryError(f"the number of words must be 1 to 1000, not {top}")
    code = q.resolve_state_filter(state)
    base = filters or Filters()
    base = Filters(**{**base.__dict__, "topic": topic or base.topic, "state": None})
    where, args = q.filter_sql(base)
    mine: Counter[str] = Counter()
    others: Counter[str] = Counter()
    for speech_state, text in conn.execute(
        f"SELECT s.state, s.text FROM speeches s JOIN meetings m ON m.id = s.meeting_id WHERE 1{where}",
        args,
    ):
        (mine if speech_state == code else others).update(tokens(text))
    if not mine:
        raise q.QueryError(f"{code} has no speeches{' on ' + repr(topic) if topic else ''}")
    return Rows(log_odds(mine, others)[:top])


def log_odds(
    mine: Counter[str], others: Counter[str], prior_scale: float = 0.01
) -> list[DistinctiveWord]:
    """Monroe et al.'s log-odds ratio with an informative Dirichlet prior, as z-scores,
    most distinctive first. The prior counts are the pooled frequencies scaled so that they
    add up to ``prior_scale`` times the pooled words."""
    pooled = mine + others
    n_mine, n_others, n_all = sum(mine.values()), sum(others.values()), sum(pooled.values())
    alpha0 = prior_scale * n_all
    out = []
    for word, total in pooled.items():
        alpha = alpha0 * total / n_all
        y_i, y_j = mine.get(word, 0), others.get(word, 0)
        delta = math.log((y_i + alpha) / (n_mine + alpha0 - y_i - alpha)) - math.log(
            (y_j + alpha) / (n_others + alpha0 - y_j - alpha)
        )
        variance = 1 / (y_i + alpha) + 1 / (y_j + alpha)
        out.append(DistinctiveWord(word, round(delta / math.sqrt(variance), 3), y_i, y_j))
    out.sort(key=lambda d: (-d.z, d.word))
    return out
