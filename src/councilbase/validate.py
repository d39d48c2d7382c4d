"""Check a ``councilbase.record/1`` document before it is stored: against the published JSON
Schema, and against the domain's rules the schema cannot say (dates in the calendar, codes
the reference data knows, offsets inside their paragraphs, indexes that point at something).

A document read from JSONL is refused with the line and the field when it breaks any of
them, so a bad value never reaches the database (where a date ``2020-13-45`` once broke
every later date filter and three exports).
"""

from __future__ import annotations

import itertools
import json
import operator
import re
from collections.abc import Callable
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


Check = Callable[[Any], bool]


class _Unsupported(ValueError):
    """The schema says something :func:`_compile` does not read: no quick check then."""


_ANNOTATIONS = frozenset({"description", "title", "$id", "$schema", "$comment", "$defs"})
_KEYWORDS = frozenset(
    {"type", "enum", "const", "pattern", "minimum", "maximum", "required", "properties"}
    | {"additionalProperties", "items", "oneOf", "$ref"}
)
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),  # not bool, not 1.0: stricter than JSON Schema, so never wrongly valid
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
    "array": (list,),
    "object": (dict,),
}
_SCALARS = frozenset({str, int, float, bool, type(None)})
_ANY: frozenset[type] = frozenset({str, int, float, bool, type(None), list, dict})


def _compile(schema: dict[str, Any], root: dict[str, Any], refs: dict[str, Check]) -> Check:
    """A predicate that holds only for values the schema accepts (never for one it refuses):
    a quick yes for the records that are valid, which are nearly all of them; anything else
    is left to the full validator and its messages. Built from the schema itself, reading
    only the keywords it knows (another makes it refuse, :class:`_Unsupported`)."""
    unknown = set(schema) - _ANNOTATIONS - _KEYWORDS
    if unknown:
        raise _Unsupported(f"keywords {sorted(unknown)}")
    if "$ref" in schema:
        return _reference(schema, root, refs)
    if "oneOf" in schema:
        return _one_of(schema, root, refs)
    allowed = _allowed_types(schema)
    scalar = _scalar_check(schema)
    whole = _object_check(schema, root, refs) if dict in allowed else None
    items = _compile(schema["items"], root, refs) if "items" in schema else None
    if items is not None and list not in allowed:
        raise _Unsupported("items on a value that is not an array")
    # items of scalar types and nothing more (paragraphs): their types checked at once
    plain = schema.get("items", {})
    item_types = _allowed_types(plain) if set(plain) - _ANNOTATIONS == {"type"} else None
    if item_types is not None and not item_types <= _SCALARS:
        item_types = None

    if allowed == {dict} and whole is not None and scalar is None:
        return whole  # an object alone: its own check tells a non-object apart

    def check(value: Any) -> bool:
        kind = type(value)
        if kind not in allowed:
            return False
        if kind is dict:
            return whole is None or whole(value)
        if kind is list:
            if item_types is not None:
                return set(map(type, value)) <= item_types
            return items is None or all(map(items, value))
        return scalar is None or scalar(value)

    return check


def _allowed_types(schema: dict[str, Any]) -> frozenset[type]:
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return frozenset(t for name in names for t in _TYPES[name])
    if "enum" in schema or "const" in schema:
        values: list[Any] = schema.get("enum", [schema.get("const")])
        return frozenset({type(v) for v in values})
    return _ANY


def _scalar_check(schema: dict[str, Any]) -> Check | None:
    """enum, const, minimum, maximum, pattern: for a value of a scalar type."""
    checks: list[Check] = []
    if "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        kinds = frozenset(type(v) for v in values)
        if not kinds <= {str, int, type(None)}:  # by exact type: True is not 1 here
            raise _Unsupported("an enum of other values than strings, integers and null")
        allowed = frozenset(values)
        checks.append(lambda v: type(v) in kinds and v in allowed)
    if "minimum" in schema:
        low = schema["minimum"]
        checks.append(lambda v: type(v) not in (int, float) or v >= low)
    if "maximum" in schema:
        high = schema["maximum"]
        checks.append(lambda v: type(v) not in (int, float) or v <= high)
    if "pattern" in schema:
        pattern = re.compile(schema["pattern"])
        checks.append(lambda v: type(v) is not str or pattern.search(v) is not None)
    if not checks:
        return None
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(c(v) for c in checks)


def _object_check(schema: dict[str, Any], root: dict[str, Any], refs: dict[str, Check]) -> Check:
    properties: dict[str, Any] = schema.get("properties", {})
    required = frozenset(schema.get("required", []))
    extra = schema.get("additionalProperties", True)
    flat = _flat_object_check(properties, required, extra)
    if flat is not None:
        return flat
    names = frozenset(properties)
    checks = [(name, _compile(sub, root, refs)) for name, sub in properties.items()]
    others = _compile(extra, root, refs) if isinstance(extra, dict) else None
    closed = extra is False

    def check(value: Any) -> bool:
        if type(value) is not dict:
            return False
        keys = value.keys()
        if not required <= keys or (closed and not keys <= names):
            return False
        for name, sub in checks:
            if name in value and not sub(value[name]):
                return False
        if others is not None:
            return all(others(v) for k, v in value.items() if k not in names)
        return True

    return check


def _flat_object_check(
    properties: dict[str, Any], required: frozenset[str], extra: Any
) -> Check | None:
    """An object of scalars, all of them required and no other (a mention, a reference):
    the types of all its values compared at once, then the least of the values that have a
    minimum, the values that have an enum, and what else a value must be. Most of a record's
    objects are of this kind; None for any other."""
    if extra is not False or required != frozenset(properties) or len(properties) < 2:
        return None
    names = tuple(properties)
    kinds: list[frozenset[type]] = []
    lows: dict[float, list[int]] = {}
    enums: list[tuple[int, frozenset[Any]]] = []
    others: list[tuple[int, Check]] = []
    for index, name in enumerate(names):
        sub = properties[name]
        own = set(sub) - _ANNOTATIONS
        if own - {"type", "enum", "const", "minimum", "maximum", "pattern"}:
            return None
        allowed = _allowed_types(sub)
        if not allowed <= _SCALARS:
            return None
        kinds.append(allowed)
        if own <= {"type", "minimum"} and "minimum" in own and allowed <= {int, float}:
            lows.setdefault(sub["minimum"], []).append(index)
        elif own <= {"type", "enum"} and "enum" in own and not allowed & {bool, float}:
            enums.append((index, frozenset(sub["enum"])))  # exact: the type is checked first
        elif (scalar := _scalar_check(sub)) is not None:
            others.append((index, scalar))
    combinations = frozenset(itertools.product(*kinds))
    if len(combinations) > 256:
        return None
    keys = frozenset(names)
    values = operator.itemgetter(*names)
    least = [(operator.itemgetter(*group, group[0]), low) for low, group in lows.items()]

    def check(value: Any) -> bool:
        if type(value) is not dict or value.keys() != keys:
            return False
        got = values(value)
        if tuple(map(type, got)) not in combinations:
            return False
        for pick, low in least:
            if min(pick(got)) < low:
                return False
        for index, allowed in enums:
            if got[index] not in allowed:
                return False
        return all(sub(got[index]) for index, sub in others)

    return check


def _reference(schema: dict[str, Any], root: dict[str, Any], refs: dict[str, Check]) -> Check:
    if set(schema) - _ANNOTATIONS != {"$ref"} or not schema["$ref"].startswith("#/$defs/"):
        raise _Unsupported(f"the reference {schema['$ref']!r}")
    name = schema["$ref"].removeprefix("#/$defs/")
    if name not in refs:
        refs[name] = _never  # a definition that refers to itself is not read
        refs[name] = _compile(root["$defs"][name], root, refs)
    if refs[name] is _never:
        raise _Unsupported(f"the recursive definition {name!r}")
    return refs[name]


def _never(value: Any) -> bool:
    return False


def _one_of(schema: dict[str, Any], root: dict[str, Any], refs: dict[str, Check]) -> Check:
    """oneOf whose branches are told apart by a required property of a constant value
    (``kind``): a value matches the branch its ``kind`` names, and no other can."""
    if set(schema) - _ANNOTATIONS != {"oneOf"}:
        raise _Unsupported("oneOf beside other keywords")
    branches: dict[str, Check] = {}
    field_names: set[str] = set()
    for branch in schema["oneOf"]:
        resolved = branch
        while "$ref" in resolved:
            resolved = root["$defs"][resolved["$ref"].removeprefix("#/$defs/")]
        tags = [
            (name, sub["const"])
            for name, sub in resolved.get("properties", {}).items()
            if "const" in sub and name in resolved.get("required", [])
        ]
        if len(tags) != 1 or not isinstance(tags[0][1], str) or tags[0][1] in branches:
            raise _Unsupported("a oneOf without one constant property telling it apart")
        field_names.add(tags[0][0])
        branches[tags[0][1]] = _compile(branch, root, refs)
    if len(field_names) != 1:
        raise _Unsupported("a oneOf told apart by different properties")
    (tag,) = field_names

    def check(value: Any) -> bool:
        if type(value) is not dict:
            return False
        name = value.get(tag)
        branch = branches.get(name) if type(name) is str else None
        return branch is not None and branch(value)

    return check


@lru_cache(maxsize=1)
def _quick_check() -> Check | None:
    """The schema's quick check (:func:`_compile`), or None where it cannot be built."""
    from councilbase.model import record_schema

    schema = record_schema()
    try:
        return _compile(schema, schema, {})
    except _Unsupported:
        return None


def _schema_problems(document: dict[str, Any]) -> list[str]:
    import fastjsonschema

    quick = _quick_check()
    if quick is not None and quick(document):
        return []
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
