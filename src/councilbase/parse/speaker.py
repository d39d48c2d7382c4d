"""Recognise a speaker line and split it into title, name, affiliation and language.

``Mr. Nebenzia (Russian Federation) (spoke in Russian): ...`` gives title ``Mr.``, name
``Nebenzia``, affiliation ``Russian Federation``, language ``Russian``, and the text
after the colon. Used by the PDF and text parsers and by the speech-corpus reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from councilbase import reference

PERSONAL_TITLES = (
    "Mr.", "Mrs.", "Ms.", "Miss", "Mme.", "Mme", "Mlle", "Dame", "Sir", "Dr.", "Dr", "Lord", "Lady",
    "Baroness", "Baron", "Archbishop", "Monsignor", "Msgr.", "Cardinal", "Bishop", "Sheikh",
    "Sheikha", "Shaikh", "Prince", "Princess", "King", "Queen", "Judge", "General", "Rev.",
    "Reverend", "Father", "Sister", "Ambassador", "Professor", "Prof.", "Imam", "Rabbi",
    "Crown Prince", "Emir", "Sultan", "President", "Prime Minister", "Minister", "Dato",
    "Dato'", "Datuk", "Tan Sri", "Dato Sri", "Tun", "Pehin", "Haji", "Hajjah", "Count",
    "Countess", "Lord Bishop", "Ayatollah", "Mufti", "Patriarch", "Pope", "Grand Duke",
)  # fmt: skip
FUNCTION_TITLES = (
    "The President", "The Acting President", "The Secretary-General",
    "The Deputy Secretary-General", "The Chair", "The Chairman", "The Chairperson",
    "The Temporary President",
)  # fmt: skip
NAME_PARTICLES = frozenset(
    [
        "de",
        "da",
        "do",
        "dos",
        "das",
        "du",
        "del",
        "della",
        "der",
        "den",
        "di",
        "van",
        "von",
        "la",
        "le",
        "al",
        "el",
        "bin",
        "ben",
        "ibn",
        "y",
        "e",
        "zu",
        "ter",
        "te",
        "und",
        "and",
        "ould",
        "ag",
        "bint",
    ]
)

_TITLE_ALT = "|".join(re.escape(t) for t in sorted(PERSONAL_TITLES, key=len, reverse=True))
_FUNC_ALT = "|".join(re.escape(t) for t in sorted(FUNCTION_TITLES, key=len, reverse=True))
_LANG = r"\(\s*(?:spoke|Spoke|speaks)\s+in\s*(?P<lang>[A-Z][a-z]+)\s*\)"
_PAREN = r"\(\s*(?:[^()]|\([^()]*\))+?\s*\)"
_SPEAKER = re.compile(
    rf"^(?:(?P<func>{_FUNC_ALT})|(?P<title>{_TITLE_ALT})\s+(?P<name>[^():;\n]{{1,90}}?))"
    rf"(?P<parens>(?:\s*{_PAREN}){{0,3}})\s*:\s*"
)
_PAREN_GROUP = re.compile(r"\(\s*(?P<inner>(?:[^()]|\([^()]*\))+?)\s*\)")
_LANGUAGE_ONLY = re.compile(rf"^\s*{_LANG}\s*$")
_LANGUAGE_INLINE = re.compile(rf"\s*{_LANG}\s*")
_DOUBLE_PAREN = re.compile(r"\(\s+\(")
_SPOKE_AROUND = re.compile(
    r"\s*spoke\s+(?P<text>(?!in\s)[^()]{3,300}?[.!?])\s+in\s+(?P<lang>[A-Z][a-z]+)\s*"
)
_SPOKE_AROUND_IN_LINE = re.compile(
    r"\(\s*spoke\s+(?!in\s)[^()]{3,300}?[.!?]\s+in\s+(?P<lang>[A-Z][a-z]+)\s*\)"
)
_SPOKE_IN = re.compile(r"\s*(?:spoke|speaks)\s+in\s*(?P<lang>[A-Z][a-z]+)\s*", re.IGNORECASE)

UN_FUNCTION_WORDS = re.compile(
    r"Secretary-General|Under-Secretary|Assistant Secretary|Special Representative|Special Envoy|"
    r"Special Coordinator|Special Adviser|High Commissioner|United Nations|Executive Director|"
    r"Force Commander|Police Commissioner|Chef de Cabinet|Emergency Relief|Head of the|"
    r"Resident Coordinator|Humanitarian Coordinator|Director-General|Administrator|"
    r"Prosecutor|President of the International|Chair of the|Chairman of the|Chair of|"
    r"Military Adviser|Coordinator|Department of|Office of",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SpeakerLine:
    """The parts of a speaker line; ``rest`` is the text that follows the colon."""

    speaker_line: str
    title: str | None
    name: str | None
    affiliation: str | None
    language: str | None
    rest: str


def _plausible_name(name: str) -> bool:
    tokens = name.replace("/", " ").split()
    if not tokens or len(tokens) > 9:
        return False
    for token in tokens:
        core = token.strip(".,'’-")
        if not core:
            continue
        if core.lower() in NAME_PARTICLES or core.lower().startswith(("al-", "el-", "bin-")):
            continue
        if not (core[0].isupper() or core[0].isdigit()):
            return False
    return True


def match_speaker(text: str) -> SpeakerLine | None:
    """The speaker line at the start of a paragraph, or None when it does not start one."""
    head = _DOUBLE_PAREN.sub("(", text[:300])
    match = _SPEAKER.match(head)
    if not match:
        return None
    name = match.group("name")
    if name is not None:
        name = name.strip()
        if not _plausible_name(name):
            return None
    affiliation: str | None = None
    language: str | None = None
    moved = ""
    for group in _PAREN_GROUP.finditer(match.group("parens")):
        inner = group.group("inner")
        spoke = _SPOKE_IN.fullmatch(inner)
        garbled = _SPOKE_AROUND.fullmatch(inner)
        if spoke:
            language = language or spoke.group("lang")
        elif garbled:
            # OCR put the first sentence inside "(spoke ... in French)": give it back
            language = language or garbled.group("lang")
            moved = garbled.group("text").strip()
        elif affiliation is None:
            affiliation = inner
    line = re.sub(r"\s+", " ", head[: match.end()].strip())
    rest = head[match.end() :] + text[300:]
    if moved:
        line = _SPOKE_AROUND_IN_LINE.sub(lambda m: f"(spoke in {m.group('lang')})", line)
        rest = f"{moved} {rest.strip()}"
    if match.group("func"):
        title: str | None = match.group("func")
    else:
        title = match.group("title")
    return SpeakerLine(
        speaker_line=line,
        title=title,
        name=name,
        affiliation=re.sub(r"\s+", " ", affiliation).strip() if affiliation else None,
        language=language,
        rest=rest,
    )


def language_change(text: str) -> str | None:
    """The language of a paragraph that is only ``(spoke in English)``, or None."""
    match = _LANGUAGE_ONLY.match(text)
    return match.group("lang") if match else None


def split_inline_language(text: str) -> tuple[str, str | None]:
    """Take a ``(spoke in X)`` out of a paragraph; the text without it and the language."""
    if "spoke" not in text and "speaks" not in text and "Spoke" not in text:
        return text, None
    match = _LANGUAGE_INLINE.search(text)
    if not match:
        return text, None
    return (text[: match.start()] + " " + text[match.end() :]).strip(), match.group("lang")


def _matches_member(affiliation: str, country: str) -> bool:
    a, c = reference.normalize_name(affiliation), reference.normalize_name(country)
    if a == c or c.startswith(a + " ") or a.startswith(c + " "):
        return True
    code = reference.resolve_state(affiliation)
    return code is not None and code == reference.resolve_state(country)


def classify_role(
    title: str | None,
    affiliation: str | None,
    members: list[str] | None = None,
    year: int | None = None,
) -> str:
    """The capacity in which someone spoke: president, member, invited_state, un_official,
    briefer or unknown. ``members`` are the cover page's countries; without them the
    Council's membership in ``year`` (from the reference data) is used.
    """
    if title in ("The President", "The Acting President", "The Temporary President"):
        return "president"
    if title in ("The Secretary-General", "The Deputy Secretary-General"):
        return "un_official"
    if not affiliation:
        return "unknown"
    if members and any(_matches_member(affiliation, country) for country in members):
        return "member"
    code = reference.resolve_state(affiliation)
    if code is not None:
        if not members and year is not None:
            council = reference.council_members(year)
            if council is not None:
                return "member" if code in council else "invited_state"
            return "unknown"
        return "invited_state"
    if UN_FUNCTION_WORDS.search(affiliation):
        return "un_official"
    return "briefer"


_INVITEE = re.compile(
    r"(?P<title>Mr\.|Mrs\.|Ms\.|Miss|Dame|Sir|Dr\.|Lord|Lady|Baroness|Archbishop|Sheikh|Prince)"
    r"\s+(?P<name>[A-Z][^,;:()]{1,60}?),\s+(?P<function>[^;]{5,250}?)"
    r"(?=,\s+(?:and\s+)?(?:Mr\.|Mrs\.|Ms\.|Miss|Dame|Sir|Dr\.)|;|,?\s+to (?:participate|brief)|"
    r",?\s+and\s+(?:Mr\.|Mrs\.|Ms\.)|\.\s|\.$)"
)


def invitees(texts: Iterable[str]) -> dict[str, str]:
    """Surname -> function, from the President's invitations ("I invite Mr. Mark Lowcock,
    Under-Secretary-General for Humanitarian Affairs ..., to participate").
    """
    found: dict[str, str] = {}
    for text in texts:
        for match in _INVITEE.finditer(text):
            function = re.sub(r"\s+", " ", match.group("function")).strip().rstrip(",")
            if re.match(r"(?:and|but|I|we)\b", function) or re.search(
                r"\b(?:I|we)\s+(?:request|welcome|invite)\b", function
            ):
                continue  # "I welcome Mr. Rama, and I request the Protocol Officer ...": no function
            found.setdefault(match.group("name").split()[-1], function)
    return found
