"""The Official Records (1946 to the early 1990s): what differs from the later layouts.

The first page is a title page (the symbol, "492nd MEETING: 29 AUGUST 1950", a table of
contents). The meeting's own cover comes at the top of the first text page, in the English
column: the meeting's number in words, "Held at Lake Success, New York, on Tuesday,
29 August 1950, at 3 p.m.", "President: Mr. J. MALIK (Union of Soviet Socialist
Republics).", "Present: The representatives of the following countries: China, Cuba, ...",
then "1. Provisional agenda (S/Agenda/492)" and the numbered items. Sections are numbered
headings ("2. Adoption of the agenda"). OCR misreads some labels ("Presideut"), so the
recognisers below allow a letter or two astray.
"""

from __future__ import annotations

import re

from councilbase import clean
from councilbase.model import AgendaItem, Member, President
from councilbase.parse.cover import MONTHS, Cover, documents_in, parse_time
from councilbase.read.layout import Paragraph
from councilbase.read.lines import Line, printed_rows

_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_HELD = re.compile(
    rf"Held\s+at\s+(?P<place>.+?),?\s+on\s+{_WEEKDAY},?\s+(?P<day>\d{{1,2}})\s+"
    rf"(?P<month>[A-Z][a-z]+)\s+(?P<year>\d{{4}}),?\s*(?:\S{{1,3}}\s+(?P<time>[\d.:]+\s*[ap]\.\s*m\.|noon))?",
)
_TITLE_DATE = re.compile(
    r"(?P<number>\d+)\s*(?:st|nd|rd|th)\s+MEETING\s*:?\s*(?P<day>\d{1,2})\s+(?P<month>[A-Z]+)"
    r"\s+(?P<year>\d{4})",
    re.IGNORECASE,
)
_PRESIDENT = re.compile(r"^Pr[ec]s\w{2,5}\s*:\s*(?P<rest>.+)$", re.DOTALL)
_PRESENT = re.compile(
    r"^Pres[ec]nt\s*:\s*(?:The\s+representatives\s+of\s+the\s+fo\S{3,9}\s+"
    r"coun\S*\s*:\s*)?(?P<rest>.+)$",
    re.DOTALL,
)
_PROVISIONAL = re.compile(r"^\d+\s*\.\s*Provisional\s+agenda\b", re.IGNORECASE)
_NUMBERED = re.compile(r"^(?P<number>\d{1,2})\s*[.,]\s+(?P<title>.+)$", re.DOTALL)
_LETTERED = re.compile(r"^\((?P<letter>[a-z])\)\s+(?P<text>.+)$", re.DOTALL)


def _date(day: str, month: str, year: str) -> str | None:
    number = MONTHS.get(month.capitalize())
    if number is None:
        return None
    return f"{int(year):04d}-{number:02d}-{int(day):02d}"


def read_cover(
    title_page: list[Line], first_page: list[Line], paragraphs: list[Paragraph]
) -> tuple[Cover, list[Paragraph]]:
    """The meeting's cover, from the title page, the heading of the first text page and the
    paragraphs at the top of its English column; and the body's paragraphs without them."""
    from councilbase.parse.cover import parse_cover

    cover = parse_cover(title_page)
    cover.warnings = []
    texts = [clean.normalize_space(line.text) for line in title_page]
    for text in texts:
        found = _TITLE_DATE.search(text)
        if found:
            cover.meeting_number = cover.meeting_number or int(found.group("number"))
            cover.date = cover.date or _date(found["day"], found["month"], found["year"])
    rows = " ".join(clean.normalize_space(line.text) for line in printed_rows(first_page))
    held = _HELD.search(rows)
    if held:
        cover.place = held.group("place").strip(" ,")
        cover.date = _date(held["day"], held["month"], held["year"]) or cover.date
        if held.group("time"):
            cover.time = parse_time(held.group("time").replace(" ", ""))
    if cover.symbol is None and cover.meeting_number is not None:
        cover.symbol = f"S/PV.{cover.meeting_number}"
    body = list(paragraphs)
    start = next(
        (i for i, p in enumerate(body) if _PRESIDENT.match(p.text) or _PRESENT.match(p.text)),
        None,
    )
    if start is None:
        cover.warnings.append("official records: no President or members found at the top")
        return cover, body
    index = start
    while index < len(body):
        text = body[index].text
        president = _PRESIDENT.match(text)
        present = _PRESENT.match(text)
        if president and not present:
            rest = president.group("rest")
            while rest.count("(") > rest.count(")") and index + 1 < len(body):
                index += 1  # "(Union of Soviet Socialist" / "Republics)."
                rest = f"{rest} {body[index].text}"
            cover.president = _president(rest)
        elif present:
            names = re.split(r"\s*,\s*", present.group("rest").rstrip(". "))
            cover.members = [
                Member(country=name.strip(), representative="") for name in clean_names(names)
            ]
        elif _PROVISIONAL.match(text):
            cover.agenda, index = _agenda(body, index + 1)
            break
        elif cover.president is not None and cover.members:
            break
        index += 1
    if cover.president and cover.president.country:
        for member in cover.members:
            if member.country == cover.president.country:
                member.presiding = True
                member.representative = cover.president.name
    for name, value in (("symbol", cover.symbol), ("date", cover.date)):
        if value is None:
            cover.warnings.append(f"cover: no {name} found")
    return cover, body[index:]  # what stood above "President:" was the heading


def clean_names(names: list[str]) -> list[str]:
    """The members' names as the reference data knows them (pieces a line break cut
    joined, names run together taken apart)."""
    from councilbase.reference import join_state_names

    return join_state_names([n for n in names if n.strip()])


def _president(text: str) -> President:
    flat = " ".join(text.replace(" .", ".").split()).rstrip(". ")
    found = re.match(r"^(?P<name>.+?)\s*\((?P<country>[^()]+)\)\s*$", flat)
    if not found:
        return President(flat, None)
    from councilbase.parse.speaker import name_case

    return President(name_case(found.group("name").strip()), found.group("country").strip())


def _agenda(body: list[Paragraph], index: int) -> tuple[list[AgendaItem], int]:
    """The numbered agenda items after "Provisional agenda", with their lettered
    sub-items, each continued over the paragraphs that follow it; the index of the first
    paragraph after them (a speaker's line, or the next section's heading, whose number
    starts again: "2. Adoption of the agenda")."""
    from councilbase.parse.speaker import match_speaker

    items: list[AgendaItem] = []
    last = 0
    while index < len(body):
        text = " ".join(body[index].text.split())
        numbered = _NUMBERED.match(text)
        lettered = _LETTERED.match(text)
        lost = re.match(
            r"^[.,]\s+(?P<title>[A-Z].+)$", text
        )  # the number lost by OCR: ". Adoption"
        if numbered and int(numbered.group("number")) > last:
            last = int(numbered.group("number"))
            items.append(AgendaItem(title=numbered.group("title").strip()))
        elif lost and not items:
            last = 1
            items.append(AgendaItem(title=lost.group("title").strip()))
        elif lettered and items:
            items[-1].sub_items.append(text)
        elif items and not numbered and match_speaker(text) is None and len(text) < 600:
            if items[-1].sub_items:
                items[-1].sub_items[-1] = f"{items[-1].sub_items[-1]} {text}"
            else:
                items[-1].title = f"{items[-1].title} {text}"
        else:
            break
        index += 1
    for item in items:
        item.title = item.title.rstrip(".;: ")
        item.sub_items = [s.rstrip(";. ") for s in item.sub_items]
        item.documents = documents_in(" ".join([item.title, *item.sub_items]))
    return items, index


def contents(title_page: list[Line]) -> list[str]:
    """The section titles the title page's table of contents lists (in English)."""
    titles: list[str] = []
    for line in title_page:
        text = clean.strip_dot_leaders(" ".join(line.text.split()))
        found = re.match(r"^\d{1,2}\s*\.\s+(?P<title>[A-Z].+?)[\s.,\d]*$", text)
        if found:
            titles.append(found.group("title").rstrip(". "))
    return titles


def section_title(text: str, sections: list[str]) -> str | None:
    """A numbered section heading ("2. Adoption of the agenda") without its number, when
    the table of contents lists it (so an agenda read out in a speech is never taken for
    headings)."""
    import difflib

    found = _NUMBERED.match(" ".join(text.split()))
    if not found or len(text) > 250:
        return None
    title = found.group("title").strip().rstrip(".")
    key = title.casefold()
    for section in sections:
        if difflib.SequenceMatcher(None, key, section.casefold()).ratio() > 0.85:
            return title
    return None
