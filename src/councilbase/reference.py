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
