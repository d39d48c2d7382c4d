"""Dates as users write them in filters: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, checked
against the calendar (``2020-02-30`` is refused, not silently matched to nothing)."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date

from councilbase.errors import QueryError

_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{1,2}))?(?:-([0-9]{1,2}))?", re.ASCII)
FORMS = "write YYYY, YYYY-MM or YYYY-MM-DD (2020, 2020-01, 2020-01-10)"
FIRST_YEAR, LAST_YEAR = 1000, 9999


def parse_bound(value: str, *, end: bool) -> str:
    """The first (or, with ``end``, the last) day a date filter covers, as ISO
    ``YYYY-MM-DD``: ``2020`` -> ``2020-01-01`` / ``2020-12-31``, ``2020-02`` ->
    ``2020-02-01`` / ``2020-02-29``. A value that is not a real year, month or day raises
    :class:`QueryError` saying what is wrong."""
    text = value.strip()
    match = _DATE.fullmatch(text)
    if not match:
        raise QueryError(f"cannot read the date {value!r}: {FORMS}")
    year_s, month_s, day_s = match.groups()
    year = int(year_s)
    if not FIRST_YEAR <= year <= LAST_YEAR or year_s == "0000":
        raise QueryError(f"cannot read the date {value!r}: {year_s} is not a year; {FORMS}")
    if month_s is None:
        return f"{year:04d}-12-31" if end else f"{year:04d}-01-01"
    month = int(month_s)
    if not 1 <= month <= 12:
        raise QueryError(
            f"cannot read the date {value!r}: the month must be 01 to 12, not {month_s}; {FORMS}"
        )
    last = monthrange(year, month)[1]
    if day_s is None:
        return f"{year:04d}-{month:02d}-{last if end else 1:02d}"
    day = int(day_s)
    if not 1 <= day <= last:
        raise QueryError(
            f"cannot read the date {value!r}: {year:04d}-{month:02d} has days 01 to {last}, "
            f"not {day_s}"
        )
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_day(value: str) -> date:
    """An ISO day (``2020-01-10``) as a date; the last day of the month for a bound that
    only names a month."""
    return date.fromisoformat(parse_bound(value, end=True))


def check_range(date_from: str | None, date_to: str | None) -> None:
    """Refuse a period that ends before it begins."""
    if date_from and date_to:
        low, high = parse_bound(date_from, end=False), parse_bound(date_to, end=True)
        if low > high:
            raise QueryError(f"the period from {date_from} to {date_to} ends before it begins")


def date_tokens(day: str | None) -> list[str]:
    """The search index's tokens for a meeting's day: ``y2020 ym202001 d20200110``."""
    if not day or len(day) != 10:
        return []
    y, m, d = day.split("-")
    return [f"y{y}", f"ym{y}{m}", f"d{y}{m}{d}"]
