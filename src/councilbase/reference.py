"""Reference data: the states of the United Nations, their names, codes and Council seats.

The data lives in ``data/states.json`` (versioned, with its sources named).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class State:
    """A state as the reference data knows it."""

    code: str
    name: str
    status: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]


def normalize_name(name: str) -> str:
    """A form of a name for lookups: straight quotes, no leading "the", single spaces."""
    name = name.replace("’", "'").replace("`", "'").strip().strip(".,;:")
    name = re.sub(r"\s+", " ", name)
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    return name.casefold()


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    text = resources.files("councilbase").joinpath("data/states.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@lru_cache(maxsize=1)
def states() -> tuple[State, ...]:
    """Every state in the reference data: members, observers and former members."""
    return tuple(
        State(
            code=s["code"],
            name=s["name"],
            status=s["status"],
            aliases=tuple(s.get("aliases", [])),
            demonyms=tuple(s.get("demonyms", [])),
        )
        for s in _data()["states"]
    )


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for state in states():
        for name in (state.name, *state.aliases):
            index.setdefault(normalize_name(name), state.code)
    return index


def resolve_state(name: str | None) -> str | None:
    """The code of the state a name stands for (``"United Kingdom"`` -> ``GBR``), or None."""
    if not name:
        return None
    return _index().get(normalize_name(name))


def state_by_code(code: str) -> State | None:
    """The state with a code, or None."""
    return next((s for s in states() if s.code == code), None)


def council_members(year: int) -> frozenset[str] | None:
    """The codes of the Council's fifteen members in a year, or None when the data lacks it."""
    members = _data()["council_membership"].get(str(year))
    return frozenset(members) if members else None


@dataclass(frozen=True)
class Spelling:
    """A name the UN printed for a member, and the years it stood for (``to``: None while
    still in use)."""

    name: str
    code: str
    first: int
    last: int | None
    seen: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def spellings() -> tuple[Spelling, ...]:
    """The dated spellings of the reference data (``spellings`` in ``states.json``)."""
    return tuple(
        Spelling(s["name"], s["code"], s["from"], s["to"], tuple(s.get("seen", ())))
        for s in _data().get("spellings", {}).get("names", [])
    )


def resolve_state_in(name: str | None, year: int | None) -> str | None:
    """A state's code from a name as printed in a given year: a dated spelling when the
    year falls in its years ("Yugoslavia" in 2001 is the Federal Republic, SRB), else
    :func:`resolve_state`."""
    if name and year is not None:
        key = normalize_name(name)
        for spelling in spellings():
            if normalize_name(spelling.name) == key and spelling.first <= year <= (
                spelling.last or 9999
            ):
                return spelling.code
    return resolve_state(name)


def un_members(day: str) -> frozenset[str]:
    """The codes of the members of the United Nations on a day (``YYYY-MM-DD``; a year
    alone stands for its 1 July): the General Assembly's membership."""
    if len(day) == 4:
        day = f"{day}-07-01"
    return frozenset(
        code
        for code, periods in _data()["un_membership"]["periods"].items()
        if any(start <= day and (end is None or day < end) for start, end in periods)
    )


def observers() -> frozenset[str]:
    """The codes of the states that are the Assembly's observers (the Holy See, the State
    of Palestine)."""
    return frozenset(s.code for s in states() if s.status == "observer")


def permanent_members(year: int | None = None) -> frozenset[str]:
    """The codes of the five permanent members; without a year, every state that has held a
    permanent seat (the USSR until 1991, then the Russian Federation)."""
    current = frozenset(_data()["permanent_members"])
    if year is None:
        return current | {"SUN"}
    if year <= 1991:
        return (current - {"RUS"}) | {"SUN"}
    return current


def vocabulary() -> list[str]:
    """Every name and demonym in the data, for the text-repair vocabulary."""
    words: list[str] = []
    for state in states():
        words.extend((state.name, *state.aliases, *state.demonyms))
    return words


def ambiguous_forms() -> dict[str, list[str]]:
    """Names and demonyms that stand for more than one state ("Congolese"): never a code."""
    forms: dict[str, list[str]] = _data().get("ambiguous_forms", {})
    return forms


def join_state_names(pieces: list[str]) -> list[str]:
    """The state names a printed list holds, as the reference data knows them: pieces cut
    by a line or page break joined again ("United Kingdom" + "of Great Britain and Northern
    Ireland"), items run together with "and" taken apart ("China and Russian Federation"),
    a word printed with a stray space mended ("Colomb ia"). A piece the data cannot read
    any of these ways is kept as printed (never given a guessed name)."""
    names = [" ".join(p.split()) for p in pieces if p and p.strip()]
    out: list[str] = []
    index = 0
    while index < len(names):
        joined = _join_forward(names, index)
        if joined is not None:
            name, index = joined
            out.append(name)
            continue
        name = names[index]
        index += 1
        if resolve_state(name):
            out.append(name)
            continue
        parts = _split_at_and(name) or _split_run_together(name)
        if parts:
            out.extend(parts)
            continue
        out.append(_despace(name) or _misread(name) or name)
    return out


def _misread(name: str) -> str | None:
    """A long name with a letter or two misread by OCR (``Northerr. Ireland``): the
    reference name it is very close to, when exactly one is (never for short names,
    where one letter makes another state: Niger, Nigeria)."""
    import difflib

    key = normalize_name(name)
    if len(key) < 12:
        return None
    names = {normalize_name(n): n for s in states() for n in (s.name, *s.aliases)}
    close = difflib.get_close_matches(key, list(names), n=2, cutoff=0.92)
    if len(close) == 1 or (len(close) == 2 and resolve_state(close[0]) == resolve_state(close[1])):
        return names[close[0]]
    return None


def _join_forward(names: list[str], index: int) -> tuple[str, int] | None:
    """Join a piece with the one or two after it when that makes a known name and one of
    the pieces is not a name on its own."""
    for end in range(min(len(names), index + 3), index + 1, -1):
        joined = " ".join(names[index:end])
        if resolve_state(joined) and not all(resolve_state(n) for n in names[index:end]):
            return joined, end
    return None


def _split_at_and(name: str) -> list[str] | None:
    """``China and Russian Federation`` -> both; ``Trinidad and Tobago`` stays whole (it
    resolves as it is, so this is never asked)."""
    pieces = re.split(r"\s+and\s+", name)
    if len(pieces) < 2:
        return None
    best: dict[int, list[str]] = {0: []}
    for end in range(1, len(pieces) + 1):
        for start in range(end):
            if start in best:
                candidate = " and ".join(pieces[start:end])
                if resolve_state(candidate) and end not in best:
                    best[end] = [*best[start], candidate]
    found = best.get(len(pieces))
    return found if found and len(found) > 1 else None


def _split_run_together(name: str) -> list[str] | None:
    """``Zambia Zimbabwe`` (a comma the printer left out) -> both: a piece that is two
    known names one after the other, and no name as a whole."""
    words = name.split()
    for i in range(1, len(words)):
        first, second = " ".join(words[:i]), " ".join(words[i:])
        if resolve_state(first) and resolve_state(second):
            return [first, second]
    return None


def _despace(name: str) -> str | None:
    """``Colomb ia`` -> ``Colombia``: a word split by one stray space, mended only when
    the result is a known name."""
    words = name.split()
    for i in range(len(words) - 1):
        candidate = " ".join([*words[:i], words[i] + words[i + 1], *words[i + 2 :]])
        if resolve_state(candidate):
            return candidate
    return None
