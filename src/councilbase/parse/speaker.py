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
_DELIVERY = (
    r"(?:spoke|Spoke|speaks|Speaks)\s+in|(?:interpretation|Interpretation|[tT]?ranslated|Translated)"
    r"\s+(?:from|[fjJ][a-z]{2,3})(?:\s+the)?"
)
"""How a record says a speech was given in another language: "(spoke in French)" (from the
late 1990s), "(interpretation from Arabic)" (the 1990s), "(translated from Russian)" (the
Official Records)."""
_LANG = rf"\(\s*(?:{_DELIVERY})\s*(?P<lang>[A-Z][a-z]+)\s*\)"
_PAREN = r"\(\s*(?:[^()]|\([^()]*\))+?\s*\)"
_OFFICE = (
    r"(?:(?:Acting|Interim)\s+)?(?:Vice-?\s*|Co-?\s*)?"
    r"(?:Rapporteur|Chair(?:man|woman|person)?|President|Moderator|Coordinator|Facilitator|"
    r"Secretary|Director)\b"
)
"""An office printed after the speaker's state in the Assembly: "Rapporteur of the Third
Committee", "Chair of round table 2", "Vice-President", "Co-Chair of the Working Group"."""
_SPEAKER = re.compile(
    rf"^(?:(?P<func>(?i:{_FUNC_ALT}))|(?P<title>{_TITLE_ALT})\s+(?P<name>[^():;\n]{{1,90}}?))"
    rf"(?::(?=\s*\())?"  # "Mr. Briz Gutiérrez: (Guatemala) (spoke in Spanish):", a misprint
    rf"(?P<parens>(?:\s*{_PAREN}){{0,3}})"
    rf"(?:\s*,\s*(?P<office>{_OFFICE}[^:;()]{{0,160}}?(?:{_PAREN}[^:;()]{{0,60}}?)?))?\s*:\s*"
)
_FUNCTIONS = {t.casefold(): t for t in FUNCTION_TITLES}
_OCR_PRESIDENT = re.compile(
    rf"^The\s+(?P<word>[A-Za-z'’]{{7,12}})(?P<parens>(?:\s*{_PAREN}){{0,2}})\s*[:;]\s*"
)
_OCR_SPEAKER = re.compile(
    rf"^(?:(?P<title>Mr|Mrs|Sir|Mme|M|Dr)[.,]?\s+)?(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Za-z][\w.'’-]*){{0,5}})"
    rf"(?P<parens>(?:\s*{_PAREN}){{1,3}})\s*[:;]\s*"
)
"""A speaker's line as OCR reads an old record: the title's full stop read as a comma or
lost, the colon as a semicolon, or the title lost altogether (``Benegal N. Rau (India):``,
``Mahmoud Fawzi Bey (Egypt):``): accepted only when the parenthesis names a state."""
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
_SPOKE_IN = re.compile(
    r"\s*(?:(?:spoke|speaks)\s+in|(?:interpretation|t?ranslated)\s+(?:from|[fj][a-z]{2,3})"
    r"(?:\s+the)?)\s*(?P<lang>[A-Z][a-z]+)\s*",
    re.IGNORECASE,
)

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
    function: str | None = None


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


def _ocr_president(head: str) -> re.Match[str] | None:
    """ "The Presipest (translated from Russian):": the President's title in small capitals
    as OCR misreads it (close to "President", and not an English word)."""
    import difflib

    match = _OCR_PRESIDENT.match(head)
    if not match:
        return None
    word = match.group("word").casefold().replace("'", "").replace("’", "")
    if word == "president" or word in ("presidency", "presidents", "precedent"):
        return match if word == "president" else None
    if difflib.SequenceMatcher(None, word, "president").ratio() < 0.75:
        return None
    return match


def name_case(name: str) -> str:
    """A name printed in capitals (``MALIK``, ``van KLEFFENS``) in the usual case."""
    if not any(c.isalpha() for c in name) or name != name.upper():
        parts = name.split()
        if not any(len(p) > 2 and p.isupper() for p in parts):
            return name
    return " ".join(
        p.capitalize() if p.isupper() and len(p) > 1 and p.rstrip(".") != p[:1] else p
        for p in name.split()
    )


def _ocr_speaker(head: str) -> re.Match[str] | None:
    """A speaker's line of an OCR'd record (see :data:`_OCR_SPEAKER`), when the first
    parenthesis names a state the reference data knows."""
    match = _OCR_SPEAKER.match(head)
    if not match:
        return None
    first = _PAREN_GROUP.search(match.group("parens"))
    if first is None or reference.resolve_state(first.group("inner")) is None:
        return None
    if not _plausible_name(match.group("name")):
        return None
    return match


def match_speaker(text: str, tolerant: bool = False) -> SpeakerLine | None:
    """The speaker line at the start of a paragraph, or None when it does not start one.
    ``tolerant``: the paragraph was read by OCR, so the misreadings OCR makes of a speaker's
    line (a misread "PRESIDENT" in small capitals, a comma for the title's full stop, a
    semicolon for the colon, a title lost) are accepted where the rest is plain."""
    head = _DOUBLE_PAREN.sub("(", text[:300])
    match = _SPEAKER.match(head)
    ocr_title = False
    if not match:
        match = _ocr_president(head)
        if match:
            ocr_title = True
        elif tolerant:
            match = _ocr_speaker(head)
            if not match:
                return None
        else:
            return None
    name = None if ocr_title else match.group("name")
    if name is not None:
        name = name.strip()
        if not _plausible_name(name):
            return None
        name = name_case(name)
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
    groups = match.groupdict()
    if ocr_title:
        title: str | None = "The President"
    elif groups.get("func"):
        title = _FUNCTIONS[match.group("func").casefold()]
    else:
        title = groups.get("title")
        if title and not title.endswith(".") and title in ("Mr", "Mrs", "Dr"):
            title += "."
    office = groups.get("office")
    if office:
        spoken = _LANGUAGE_INLINE.search(office)
        if spoken:  # "..., Rapporteur of the Committee (spoke in Spanish):"
            language = language or spoken.group("lang")
            office = office[: spoken.start()] + office[spoken.end() :]
    return SpeakerLine(
        speaker_line=line,
        title=title,
        name=name,
        affiliation=re.sub(r"\s+", " ", affiliation).strip() if affiliation else None,
        language=language,
        rest=rest,
        function=_office(office),
    )


def _office(text: str | None) -> str | None:
    """The office after a speaker's state, tidied: "VicePresident" -> "Vice-President"."""
    if not text:
        return None
    text = re.sub(r"\s+", " ", text).strip().rstrip(",")
    return re.sub(r"\b(Vice|Co)-?\s*(?=[A-Z])", r"\1-", text)


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
