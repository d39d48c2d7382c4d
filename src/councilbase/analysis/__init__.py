"""The analysis stage: vote agreement, term trends, semantic similarity, position scaling."""

MEETING_DATE = "m.date"
"""SQL for a meeting's date (``m`` is ``meetings``): its record's, else the date the UN
library's index gives the meeting (``meetings.date_source`` says which); NULL when neither
knows it."""

PERIOD_DATE = f"coalesce({MEETING_DATE}, m.year || '-07-01')"
"""A meeting's date for grouping and periods: as :data:`MEETING_DATE`, else 1 July of its
year."""
