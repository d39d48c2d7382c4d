"""Parse the cover page: symbol, session, meeting, date and time, place, President, members
and agenda. Works on positioned lines (PDF) and on plain lines (a text record).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from councilbase import clean
from councilbase.model import AgendaItem, Member, President
from councilbase.read.lines import Line, printed_rows

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}
_SYMBOL = re.compile(r"S/PV\.(?P<number>\d+)(?:\s*\(\s*Resumption\s*(?P<resumption>\d+)\s*\))?")
_SESSION = re.compile(r"^(?P<session>[A-Z][a-z]+(?:-[a-z]+)?)\s+year$")
_MEETING = re.compile(r"^(?P<number>\d+)\s*(?:st|nd|rd|th)\s+meeting$")
_DATE = re.compile(
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),\s+(?P<day>\d{1,2})\s+"
    r"(?P<month>[A-Z][a-z]+)\s+(?P<year>\d{4})(?:,\s*(?P<time>.+))?$"
)
_TIME = re.compile(
    r"^(?P<hour>\d{1,2})(?:[.:](?P<minute>\d{2}))?\s*(?P<half>a\.\s?m\.|p\.\s?m\.)?|^(?P<noon>noon|midnight)",
    re.IGNORECASE,
)
_DOCUMENT = re.compile(
    r"\b(?:S|A|E)/(?:RES/|PRST/|PV\.)?\d+(?:/\d+)*(?:/(?:Add|Rev|Corr|Amend)\.\d+)*"
    r"(?:\s*\(\d{4}\))?"
)
_PERSON_START = re.compile(
    r"^(?:Mr\.|Mrs\.|Ms\.|Miss|Dame|Sir|Dr\.|Lord|Lady|Baroness|Sheikh|Prince)\s"
)
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}  # fmt: skip


def ordinal_number(words: str) -> int | None:
    """``Seventy-fifth`` -> 75; None for words that are not an ordinal."""
    parts = words.lower().split("-")
    if len(parts) == 1:
        return _ORDINALS.get(parts[0])
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _ORDINALS:
        return _TENS[parts[0]] + _ORDINALS[parts[1]]
    return None


def parse_time(text: str) -> str | None:
    """``3 p.m.`` -> ``15:00``; ``10.25 a.m.`` -> ``10:25``; None when unreadable."""
    match = _TIME.match(text.strip())
    if not match:
        return None
    if match.group("noon"):
        return "12:00" if match.group("noon").lower() == "noon" else "00:00"
    hour = int(match.group("hour"))
    minute = int(match.group("minute") or 0)
    half = (match.group("half") or "").replace(" ", "").lower()
    if half == "p.m." and hour < 12:
        hour += 12
    if half == "a.m." and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def documents_in(text: str) -> list[str]:
    """The document symbols cited in a piece of text, in order, without repeats."""
    found: list[str] = []
    for match in _DOCUMENT.finditer(text):
        symbol = match.group().strip()
        if symbol not in found:
            found.append(symbol)
    return found


@dataclass
class Cover:
    """The fields of a cover page."""

    symbol: str | None = None
    meeting_number: int | None = None
    resumption: int | None = None
    session: str | None = None
    session_number: int | None = None
    date: str | None = None
    time: str | None = None
    place: str | None = None
    president: President | None = None
    members: list[Member] = field(default_factory=list)
    agenda: list[AgendaItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


_TRAILING_PERSON = re.compile(
    r"(?P<person>(?:Mr\.|Mrs\.|Ms\.|Miss|Dame|Sir|Dr\.|Lord|Lady|Baroness|Sheikh|Prince)\s+"
    r"[A-ZÀ-Ý][^.…]*?)\s*$"
)


def _person(text: str) -> str:
    """A person's name without what OCR made of the dotted leader after it
    (``Mr. Dang... 2.2... eee`` -> ``Mr. Dang``)."""
    words: list[str] = []
    for token in text.split():
        leader = re.search(r"\.\.|…", token)
        if leader:
            # the name runs into the leader: keep what comes before it, then stop
            if token[: leader.start()]:
                words.append(token[: leader.start()])
            break
        core = token.rstrip(".,")
        if words and (
            not core
            or re.search(r"\d", token)
            or (
                core[0].islower()
                and core not in ("de", "van", "von", "da", "al", "bin", "el", "du", "la", "le")
            )
        ):
            break
        # a full stop ends an abbreviation or an initial (``Mr.``, ``J.``); a comma or a
        # stop after a whole word is punctuation
        short = len(re.split(r"[/-]", core)[-1]) <= 3
        words.append(token.rstrip(",") if short else core)
    return " ".join(words)


def _country(text: str) -> str:
    """A member's name from the start of a cover line whose leader OCR garbled: the longest
    run of words that names a state, else the words before the garbage."""
    from councilbase.reference import join_state_names, resolve_state

    words = re.sub(r"[.…:;,!«»]+", " ", text).split()
    for length in range(len(words), 0, -1):
        candidate = " ".join(words[:length])
        fixed = join_state_names([candidate])
        if len(fixed) == 1 and resolve_state(fixed[0]):
            return fixed[0]
    kept = []
    for word in words:
        if not re.fullmatch(r"[A-Z][a-z'’-]+|of|and|the", word):
            break
        kept.append(word)
    return " ".join(kept) or text.strip()


def _label(text: str, label: str) -> str | None:
    match = re.match(rf"^{label}\s*:\s*(.*)$", text)
    return match.group(1).strip() if match else None


def _members_by_year(cover: Cover) -> None:
    """Members whose names OCR garbled, read against the Council of the meeting's year:
    a name close to one member's, or, when one line is left and one member, that one (each
    with a warning)."""
    import difflib

    from councilbase.reference import council_members, resolve_state, state_by_code

    year = int(cover.date[:4]) if cover.date else None
    council = council_members(year) if year else None
    if not council:
        return
    names = {state_by_code(code).name: code for code in council if state_by_code(code)}  # type: ignore[union-attr]
    unread = [m for m in cover.members if resolve_state(m.country) is None]
    for member in unread:
        close = difflib.get_close_matches(
            member.country.casefold(), [n.casefold() for n in names], n=1, cutoff=0.6
        )
        if close:
            name = next(n for n in names if n.casefold() == close[0])
            cover.warnings.append(f"cover page: {member.country!r} read as {name} (OCR)")
            member.country = name
    held = {resolve_state(m.country) for m in cover.members}
    left = [m for m in cover.members if resolve_state(m.country) is None]
    missing = [code for code in council if code not in held]
    if len(left) == 1 and len(missing) == 1:
        name = state_by_code(missing[0]).name  # type: ignore[union-attr]
        cover.warnings.append(
            f"cover page: {left[0].country!r} read as {name}, the one member of the {year}"
            " Council not otherwise listed (OCR)"
        )
        left[0].country = name


def parse_cover(lines: list[Line], ocr: bool = False) -> Cover:
    """Read the cover page's fields from its lines (positioned or not); ``ocr``: the page
    was read by OCR (rows joined, names checked against the year's Council)."""
    if ocr and all(line.x0 is not None for line in lines):
        lines = printed_rows(lines, side_by_side=True)
    cover = Cover()
    texts = [clean.normalize_space(line.text) for line in lines]
    for text in texts:
        if cover.symbol is None and (match := _SYMBOL.search(text)):
            resumption = match.group("resumption")
            cover.resumption = int(resumption) if resumption else None
            cover.symbol = f"S/PV.{match.group('number')}" + (
                f" (Resumption {resumption})" if resumption else ""
            )
        if cover.session is None and (match := _SESSION.match(text)):
            cover.session = text
            cover.session_number = ordinal_number(match.group("session"))
        if cover.meeting_number is None and (match := _MEETING.match(text)):
            cover.meeting_number = int(match.group("number"))
    date_index = None
    for index, text in enumerate(texts):
        match = _DATE.search(text)
        if match and match.group("month") in MONTHS:
            cover.date = (
                f"{int(match.group('year')):04d}-{MONTHS[match.group('month')]:02d}-"
                f"{int(match.group('day')):02d}"
            )
            if match.group("time"):
                cover.time = parse_time(match.group("time"))
            date_index = index
            break
    if date_index is not None:
        for text in texts[date_index + 1 : date_index + 4]:
            if text and text not in ("Provisional",) and not re.search(r"\d|:", text):
                cover.place = text
                break
    _members_and_president(lines, texts, cover)
    cover.agenda = _agenda(lines, texts)
    if ocr:
        _members_by_year(cover)
    if cover.meeting_number is None and cover.symbol:
        cover.meeting_number = int(cover.symbol.split(".")[1].split()[0])
    for name, value in (("symbol", cover.symbol), ("date", cover.date)):
        if value is None:
            cover.warnings.append(f"cover page: no {name} found")
    return cover


def _members_and_president(lines: list[Line], texts: list[str], cover: Cover) -> None:
    president_text = None
    members_start = None
    agenda_start = len(texts)
    for index, text in enumerate(texts):
        if president_text is None and (value := _label(text, "President")) is not None:
            president_text = value
            rest = texts[index + 1 : index + 4]
            if not president_text:
                president_text = rest[0] if rest else ""
                rest = rest[1:]
            if "(" not in president_text:
                country = next((t for t in rest if re.fullmatch(r"\(.+\)", t)), None)
                if country:
                    president_text += " " + country
        elif members_start is None and (value := _label(text, "Members")) is not None:
            members_start = index
        elif text == "Agenda" or text.startswith("Agenda "):
            agenda_start = index
            break
    if president_text is not None:
        flat = clean.strip_dot_leaders(president_text)
        match = re.match(r"^(?P<name>.+?)\s*\((?P<country>[^()]+(?:\([^()]*\))?)\)\s*$", flat)
        if match:
            cover.president = President(
                _person(match.group("name").strip()), match.group("country").strip()
            )
        else:
            cover.president = President(flat, None)
    if members_start is None:
        cover.warnings.append("cover page: no members list found")
        return
    countries: list[str] = []
    people: list[str | None] = []
    loose_people: list[str] = []
    for index in range(members_start, agenda_start):
        text = texts[index]
        if index == members_start:
            text = _label(text, "Members") or ""
        if not text:
            continue
        trailing = _TRAILING_PERSON.search(text)
        if clean.has_dot_leader(text) and not (trailing and trailing.start() > 0):
            parts = re.split(r"(?:\s*\.){2,}\s*", text, maxsplit=1)
            countries.append(parts[0].strip())
            person = parts[1].strip() if len(parts) > 1 else ""
            people.append(person or None)
        elif trailing and trailing.start() > 0:
            # "Country ....... Mr. Name", the leader as it comes: dots, or what OCR made of it
            head = text[: trailing.start()]
            countries.append(
                _country(head) if not clean.has_dot_leader(head) or _country(head) else head
            )
            people.append(_person(trailing.group("person")))
        elif _PERSON_START.match(text):
            loose_people.append(text)
        elif countries and people and people[-1] is not None and not loose_people:
            people[-1] = f"{people[-1]} {text}"
    if loose_people and all(p is None for p in people):
        people = list(loose_people)  # a text record lists the representatives apart
    if len(people) != len(countries):
        cover.warnings.append(
            f"cover page: {len(countries)} member countries but {len(people)} representatives"
        )
    for country, person in zip(countries, people, strict=False):
        cover.members.append(Member(country=country, representative=person or ""))
    president = cover.president
    if president and president.country and president.country not in countries:
        cover.members.append(Member(president.country, president.name, presiding=True))
        cover.members.sort(key=lambda m: m.country)


def _agenda(lines: list[Line], texts: list[str]) -> list[AgendaItem]:
    try:
        start = next(i for i, t in enumerate(texts) if t == "Agenda" or t.startswith("Agenda "))
    except StopIteration:
        return []
    block: list[tuple[str, Line]] = []
    first = texts[start][len("Agenda") :].strip()
    if first:
        block.append((first, lines[start]))
    for index in range(start + 1, len(texts)):
        text = texts[index]
        if text.startswith(clean.DISCLAIMER_START[:30]) or clean.is_footer(text):
            break
        if text:
            block.append((text, lines[index]))
    if not block:
        return []
    positioned = all(line.x0 is not None for _, line in block)
    if positioned:
        base = min(line.x0 for _, line in block if line.x0 is not None)
        right = max(line.x1 or 0 for _, line in block)
    longest = max(len(text) for text, _ in block)
    entries: list[tuple[bool, list[str]]] = []
    open_entry = False
    for text, line in block:
        indented = positioned and (line.x0 or 0) > base + 8
        if open_entry and entries[-1][0] == indented:
            entries[-1][1].append(text)
        else:
            entries.append((indented, [text]))
        short = (line.x1 or 0) < right - 30 if positioned else len(text) < 0.8 * longest
        open_entry = not short
    items: list[AgendaItem] = []
    for indented, parts in entries:
        text = " ".join(parts)
        if not items or (positioned and not indented):
            items.append(AgendaItem(title=text))
        else:
            items[-1].sub_items.append(text)
    for item in items:
        item.documents = documents_in(" ".join([item.title, *item.sub_items]))
    return items
