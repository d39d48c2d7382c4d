"""The analysis stage: vote agreement, term trends, semantic similarity, position scaling."""

MEETING_DATE = (
    "coalesce(m.date, (SELECT o.date FROM outcomes o WHERE o.meeting_number = m.meeting_number"
    " AND o.symbol = m.key AND o.date IS NOT NULL LIMIT 1))"
)
"""SQL for a meeting's date (``m`` is ``meetings``): its record's, else the date the UN
library's index gives the meeting (a speech-level corpus has no cover page); NULL when
neither knows it."""

PERIOD_DATE = f"coalesce({MEETING_DATE}, m.year || '-07-01')"
"""A meeting's date for grouping and periods: as :data:`MEETING_DATE`, else 1 July of its
year."""
