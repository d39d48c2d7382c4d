"""Affiliations and mentions: states, organisations, places and named processes.

Every surface form the reference data lists (a state's names, aliases and demonyms, an
organisation's names and acronyms, places and processes) goes into one trie-shaped regular
expression, matched case-sensitively, longest form first, on word boundaries. Forms that
contain a state's name without meaning the state ("Latin America", "Gulf of Guinea",
"Turkish Cypriots") are matched too, and dropped. A form that stands for two states
("Congolese", "Korean") is left out: it never becomes a wrong code.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from councilbase import reference
from councilbase.model import Mention, Record, Speech


@dataclass(frozen=True)
class Organisation:
    """An organisation as the reference data knows it."""

    code: str
    name: str
    kind: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Place:
    """A place or a named process."""

    code: str
    name: str
    kind: str
    state: str | None
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    text = resources.files("councilbase").joinpath("data/organisations.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@lru_cache(maxsize=1)
def organisations() -> tuple[Organisation, ...]:
    """Every organisation in the reference data."""
    return tuple(
        Organisation(o["code"], o["name"], o["kind"], tuple(o.get("aliases", [])))
        for o in _data()["organisations"]
    )


@lru_cache(maxsize=1)
def places() -> tuple[Place, ...]:
    """Every place and named process in the reference data."""
    return tuple(
        Place(p["code"], p["name"], p["kind"], p.get("state"), tuple(p.get("aliases", [])))
        for p in _data()["places"]
    )


def organisation_by_code(code: str) -> Organisation | None:
    """The organisation with a code, or None."""
    return next((o for o in organisations() if o.code == code), None)


def _apostrophes(form: str) -> list[str]:
    if "'" in form or "’" in form:
        return [form.replace("’", "'"), form.replace("'", "’")]
    return [form]


@lru_cache(maxsize=1)
def surface_forms() -> dict[str, tuple[str, str]]:
    """Every form -> (kind, code); kind is state, organisation, place, process or ``block``."""
    by_form: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for state in reference.states():
        for form in (state.name, *state.aliases, *state.demonyms, *_plurals(state.demonyms)):
            for variant in _apostrophes(form):
                by_form[variant].add(("state", state.code))
    for organisation in organisations():
        for form in (organisation.name, *organisation.aliases):
            if form.startswith("the "):
                continue
            for variant in _apostrophes(form):
                by_form[variant].add(("organisation", organisation.code))
    for place in places():
        for form in (place.name, *place.aliases):
            for variant in _apostrophes(form):
                by_form[variant].add((place.kind, place.code))
    ambiguous = set(reference.ambiguous_forms())
    forms: dict[str, tuple[str, str]] = {}
    for form, targets in by_form.items():
        if len(targets) == 1 and len(form) > 1 and form not in ambiguous:
            forms[form] = next(iter(targets))
    for form in _data()["not_mentions"]:
        if forms.get(form, ("", ""))[0] not in ("organisation", "place", "process"):
            forms[form] = ("block", "")
    return forms


def _plurals(demonyms: tuple[str, ...]) -> list[str]:
    """ "Libyans", "Israelis": plurals of the demonyms that take an s."""
    return [d + "s" for d in demonyms if d[-1] in "aeinou" and not d.endswith("ese")]


@lru_cache(maxsize=1)
def _state_matcher() -> re.Pattern[str]:
    """States only: for the states named inside an organisation's or a process's name
    ("United Nations Verification Mission in Colombia", "Berlin Conference on Libya")."""
    forms = [f for f, (kind, _) in surface_forms().items() if kind in ("state", "block")]
    return re.compile(r"(?<![\w’'])(?:" + _trie_pattern(forms) + r")(?![\w])")


def _trie_pattern(words: list[str]) -> str:
    """A regular expression matching any of the words, longest first at every branch."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else f"{body}?"
        return body

    return build(trie)


@lru_cache(maxsize=1)
def _matcher() -> re.Pattern[str]:
    forms = list(surface_forms())
    first = "".join(sorted({re.escape(f[0]) for f in forms}))
    # the look-ahead on the first letters lets most positions fail at once
    return re.compile(rf"(?=[{first}])(?<![\w’'])(?:" + _trie_pattern(forms) + r")(?![\w])")


def find_mentions(paragraphs: list[str]) -> list[Mention]:
    """Every state, organisation, place and process the paragraphs name, with offsets."""
    forms = surface_forms()
    pattern = _matcher()
    out: list[Mention] = []
    for number, paragraph in enumerate(paragraphs):
        for match in pattern.finditer(paragraph):
            kind, code = forms[match.group()]
            if kind == "block":
                continue
            out.append(Mention(kind, code, match.group(), number, match.start(), match.end()))
            if kind in ("organisation", "process"):
                for inner in _state_matcher().finditer(paragraph, match.start(), match.end()):
                    inner_kind, inner_code = forms[inner.group()]
                    if inner_kind == "state":
                        out.append(
                            Mention(
                                "state",
                                inner_code,
                                inner.group(),
                                number,
                                inner.start(),
                                inner.end(),
                            )
                        )
    return out


# --- affiliations --------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def resolve_affiliation(affiliation: str) -> tuple[str | None, str | None]:
    """An affiliation as printed -> (state code, organisation code); (None, None) when the
    reference data knows neither. The most specific organisation named wins: "Special
    Representative of the Secretary-General and Head of UNOWAS" -> UNOWAS."""
    state = reference.resolve_state(affiliation)
    if state:
        return state, None
    text = " ".join(affiliation.split())
    found = [m for m in find_mentions([text]) if m.kind == "organisation"]
    if found:
        ranked = sorted(found, key=lambda m: (_GENERIC.get(m.code, 0), -(m.end - m.start)))
        return None, ranked[0].code
    states = [m for m in find_mentions([text]) if m.kind == "state"]
    if len({m.code for m in states}) == 1 and re.search(
        r"\b(?:Permanent Representative|Minister|Ambassador|President of|Head of State)\b", text
    ):
        return states[0].code, None
    return None, None


_GENERIC = {"UN": 3, "UNSG": 2, "UNSC": 2, "UNGA": 2}
"""Organisations that other ones sit under: chosen only when nothing more specific is named."""


def annotate(record: Record) -> None:
    """Give every speech its state or organisation and its mentions; flag affiliations the
    reference data does not know (kept as written)."""
    for speech in record.speeches:
        _affiliate(speech, record)
        speech.mentions = find_mentions(speech.text)


def _affiliate(speech: Speech, record: Record) -> None:
    speech.state, speech.organisation = None, None
    if speech.affiliation:
        speech.state, speech.organisation = resolve_affiliation(speech.affiliation)
    elif speech.title == "The Secretary-General":
        speech.organisation = "UNSG"
    if speech.state is None and speech.role == "president" and record.president:
        speech.state = reference.resolve_state(record.president.country)
    if speech.affiliation and not (speech.state or speech.organisation):
        warning = f"affiliation {speech.affiliation!r} is not in the reference data"
        if warning not in record.warnings:
            record.warnings.append(warning)
