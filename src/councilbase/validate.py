"""Check a ``councilbase.record/1`` document before it is stored: against the published JSON
Schema, and against the domain's rules the schema cannot say (dates in the calendar, codes
the reference data knows, offsets inside their paragraphs, indexes that point at something).

A document read from JSONL is refused with the line and the field when it breaks any of
them, so a bad value never reaches the database (where a date ``2020-13-45`` once broke
every later date filter and three exports).
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from typing import Any

MAX_DEPTH = 64
"""Deeper nesting than any record has (a record nests about 6 levels)."""


class DocumentError(ValueError):
    """A document that is not a valid record: the first problems, with their fields."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(shown + more)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a record can hold (JSON has no NaN or Infinity)")


_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def _deeper_than(text: str, limit: int) -> bool:
    """Whether JSON text nests deeper than ``limit`` (outside strings), read without parsing:
    the strings are taken out by one regular expression, then only the brackets are walked."""
    depth = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def load_document(text: str) -> dict[str, Any]:
    """A JSON object from one line of text, refusing NaN and Infinity and nesting deeper
    than :data:`MAX_DEPTH` (checked before parsing, so a line nested 10,000 deep costs
    nothing)."""
    if _deeper_than(text, MAX_DEPTH):
        raise ValueError(f"nests deeper than {MAX_DEPTH} levels: not a record")
    value = json.loads(text, parse_constant=_no_constant)
    if not isinstance(value, dict):
        raise ValueError(f"is a JSON {type(value).__name__}, not a record object")
    return value


@lru_cache(maxsize=1)
def _schema_check() -> Any:
    import copy

    import fastjsonschema

    from councilbase.model import record_schema

    schema = copy.deepcopy(record_schema())
    # the schema only uses keywords draft 7 has: compile it as such (fastjsonschema
    # compiles to Python, an order of magnitude faster than interpreting the schema)
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    return fastjsonschema.compile(schema)


def _schema_problems(document: dict[str, Any]) -> list[str]:
    import fastjsonschema

    try:
        _schema_check()(document)
    except fastjsonschema.JsonSchemaValueException as exc:
        name = exc.name or "data"
        where = name.replace("data.", "", 1).replace("data", "the record", 1)
        return [f"{where}: {str(exc.message).replace(name + ' ', '', 1)}"]
    return []


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def _day_problem(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        return f"{where}: {value!r} is not a date (YYYY-MM-DD)"
    try:
        date.fromisoformat(value)
    except ValueError:
        return f"{where}: {value!r} is not a day of the calendar"
    return None


@lru_cache(maxsize=1)
def _known_codes() -> tuple[frozenset[str], frozenset[str]]:
    from councilbase import reference
    from councilbase.extract.entities import organisations, surface_forms

    states = frozenset(s.code for s in reference.states())
    others = frozenset(o.code for o in organisations()) | frozenset(
        code for kind, code in surface_forms().values() if kind != "block"
    )
    return states, others


def _offsets(spans: list[dict[str, Any]], text: list[str], where: str, out: list[str]) -> None:
    for n, span in enumerate(spans):
        paragraph, start, end = span.get("paragraph"), span.get("start"), span.get("end")
        if not isinstance(paragraph, int) or not 0 <= paragraph < len(text):
            out.append(f"{where}[{n}].paragraph: {paragraph!r} is not one of the speech's")
            continue
        if start is None or end is None:
            continue
        length = len(text[paragraph])
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= length):
            out.append(
                f"{where}[{n}]: {start!r}-{end!r} is not inside paragraph {paragraph}"
                f" ({length} characters)"
            )


def domain_problems(document: dict[str, Any]) -> list[str]:
    """What a schema-valid document breaks of the domain's rules."""
    out: list[str] = []
    states, others = _known_codes()
    for problem in (
        _day_problem(document.get("date"), "date"),
        _day_problem((document.get("index") or {}).get("date"), "index.date"),
    ):
        if problem:
            out.append(problem)
    when = document.get("time")
    if when is not None and not _TIME.fullmatch(str(when)):
        out.append(f"time: {when!r} is not a time of day (HH:MM)")
    year = document.get("year")
    if year is not None and not 1945 <= year <= 2100:
        out.append(f"year: {year} is not a year of the United Nations")
    date_value = document.get("date")
    if year is not None and isinstance(date_value, str) and not date_value.startswith(str(year)):
        out.append(f"year: {year} disagrees with the date {date_value}")
    speeches = document.get("speeches", [])
    items = document.get("items", [])
    votes = document.get("votes", [])
    pointed = [i.get("speech") for i in items if i.get("kind") == "speech"]
    if sorted(p for p in pointed if isinstance(p, int)) != list(range(len(speeches))):
        out.append("items: the speech items do not point at each speech once")
    for n, speech in enumerate(speeches):
        where = f"speeches[{n}]"
        text = speech.get("text", [])
        if speech.get("state") is not None and speech["state"] not in states:
            out.append(f"{where}.state: {speech['state']!r} is not a state code")
        organisation = speech.get("organisation")
        if organisation is not None and organisation not in others:
            out.append(f"{where}.organisation: {organisation!r} is not an organisation code")
        for m, mention in enumerate(speech.get("mentions", [])):
            known = states if mention.get("kind") == "state" else others | states
            if mention.get("code") not in known:
                out.append(f"{where}.mentions[{m}].code: {mention.get('code')!r} is not known")
        for name in ("mentions", "references", "positions"):
            _offsets(speech.get(name, []), text, f"{where}.{name}", out)
        for c, change in enumerate(speech.get("language_changes", [])):
            if not 0 <= change.get("paragraph", -1) <= len(text):
                out.append(f"{where}.language_changes[{c}].paragraph: not one of the speech's")
        index = speech.get("explains_vote")
        if index is not None and not 0 <= index < len(votes):
            out.append(f"{where}.explains_vote: {index} is not one of the record's votes")
        for p, position in enumerate(speech.get("positions", [])):
            vote = position.get("vote")
            if vote is not None and not 0 <= vote < len(votes):
                out.append(f"{where}.positions[{p}].vote: {vote} is not one of the votes")
    for v, vote in enumerate(votes):
        item = vote.get("item")
        if item is not None and not 0 <= item < len(items):
            out.append(f"votes[{v}].item: {item} is not one of the record's items")
        for c, cast in enumerate(vote.get("casts", [])):
            if cast.get("code") is not None and cast["code"] not in states:
                out.append(f"votes[{v}].casts[{c}].code: {cast['code']!r} is not a state code")
    return out


def check_document(document: dict[str, Any]) -> None:
    """Raise :class:`DocumentError` naming the fields of a document that is not a valid
    record; return quietly for a good one."""
    problems = _schema_problems(document)
    if not problems:
        problems = domain_problems(document)
    if problems:
        raise DocumentError(problems)
