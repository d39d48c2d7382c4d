"""The General Assembly's plenary records: what sets them apart from the Council's.

The Assembly's record shares the Council's layouts (two columns until 2023, one column
after) but not its first page. There is no list of members and no agenda on it: the
heading (symbol, session, "46th plenary meeting", date, place) and the President, then the
body begins on the same page, two columns (or one) under the President's line, down to the
box on corrections at the foot. The agenda items are headings in the body ("Agenda item
110 (continued)" and the item's title), and the symbol (``A/60/PV.25``) stands at the top
of the page, or, in the records of the early 1990s, in the box at the foot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from councilbase.parse.cover import Cover, ordinal_number, parse_cover, parse_time
from councilbase.read.lines import Line, Page
from councilbase.symbols import parse_meeting

SYMBOL = re.compile(
    r"\bA\s*/\s*(?P<session>ES\s*-\s*\d{1,2}|\d{1,3})\s*/\s*PV\s*\.\s*(?P<number>\d{1,4})"
    r"(?:\s*\(\s*Resumption\s*(?P<resumption>\d{1,2})\s*\))?"
    r"(?:\s*/\s*Corr\s*\.\s*(?P<corr>\d{1,2}))?"
)
"""An Assembly meeting's symbol as printed: ``A/60/PV.25``, ``A/ES-10/PV.21``."""
_ASSEMBLY = re.compile(r"\bGeneral\s+Assembly\b|^GENERAL$", re.IGNORECASE)
_MEETING = re.compile(r"^(?P<number>\d{1,4})\s*(?:st|nd|rd|th)\s+plenary\s+meeting$", re.IGNORECASE)
_SESSION = re.compile(
    r"^(?P<ordinal>[A-Za-z]+(?:-[A-Za-z]+)?)\s+(?P<special>(?:emergency\s+)?special\s+)?session$",
    re.IGNORECASE,
)
_PRESIDENT = re.compile(r"^(?:Acting\s+|Temporary\s+)?President\s*:", re.IGNORECASE)
_FOOT = re.compile(
    r"^(?:This record (?:contains|is subject to correction)|Corrections should be)", re.IGNORECASE
)
_RULE = re.compile(r"^[_\-–—\s]{5,}$")


def is_assembly(page: Page) -> bool:
    """Whether a record's first page is the Assembly's: its heading names the General
    Assembly (or prints an Assembly symbol) and a plenary meeting (or a session)."""
    texts = [" ".join(line.text.split()) for line in page.lines]
    head = texts[:40]
    named = any(_ASSEMBLY.search(t) for t in head) or any(SYMBOL.search(t) for t in texts)
    plenary = any(
        re.search(r"plenary\s+meeting", t, re.IGNORECASE) or _SESSION.match(t) for t in head
    )
    council = any(re.search(r"Security\s+Council", t, re.IGNORECASE) for t in head[:12])
    return named and plenary and not council


@dataclass
class FirstPage:
    """The Assembly's first page cut in three: the heading down to the President's line,
    the body under it (a page of its own, to read in columns), and the box at the foot."""

    heading: list[Line]
    body: Page
    foot: list[Line]


def split_first_page(page: Page) -> FirstPage:
    """Cut the first page at the President's line and at the box on corrections."""
    lines = page.lines
    president = next((ln for ln in lines if _PRESIDENT.match(ln.text.strip())), None)
    foot_top = max(
        (ln.top or 0 for ln in lines if _FOOT.match(ln.text.strip())),
        default=None,
    )
    if president is None:
        return FirstPage(list(lines), Page(page.number, [], page.width, page.height), [])
    cut = president.top or 0
    middle = (page.width or 612.0) / 2
    heading: list[Line] = []
    body: list[Line] = []
    foot: list[Line] = []
    for line in lines:
        top = line.top or 0
        text = line.text.strip()
        if top > cut + 3 or (
            top >= cut - 3
            and (
                (line.x0 or 0) < middle
                or re.fullmatch(r"[.\s…]*\([^()]+(?:\([^()]*\))?[^()]*\)", text)
                or re.fullmatch(r"[.\s…]+", text)
            )
        ):
            heading.append(line)  # above the President's line, or on it in its column
        elif foot_top is not None and top <= foot_top + 1:
            foot.append(line)
        elif _president_block(line, president):
            heading.append(line)
        else:
            body.append(line)
    # the page's job number and bar code sit under the box; a foot without a box: the
    # lines under the body's last full line that no column holds
    return FirstPage(heading, Page(page.number, body, page.width, page.height, page.scanned), foot)


def _president_block(line: Line, president: Line) -> bool:
    """The lines that finish the President's entry: the country under the name
    ("(Guyana)") and the rule under it, within a few lines of it and in its column."""
    gap = (president.top or 0) - (line.top or 0)
    text = line.text.strip()
    if not 0 < gap < 45 or (line.x0 or 0) > (president.x1 or 0):
        return False
    return bool(re.fullmatch(r"\([^()]+(?:\([^()]*\))?[^()]*\)", text) or _RULE.fullmatch(text))


def read_cover(heading: list[Line], foot: list[Line]) -> Cover:
    """The Assembly's cover fields: symbol (heading, else the foot), session, meeting
    number, date and time, place and President."""
    cover = parse_cover(heading)
    cover.warnings = [w for w in cover.warnings if "no symbol" not in w and "members list" not in w]
    cover.members = []
    cover.agenda = []
    texts = [" ".join(ln.text.split()) for ln in heading]
    for text in [*texts, *(" ".join(ln.text.split()) for ln in foot)]:
        match = SYMBOL.search(text)
        if match:
            symbol = parse_meeting(match.group(0).replace(" ", ""))
            cover.symbol = str(symbol)
            cover.meeting_number = symbol.number
            cover.resumption = symbol.resumption
            break
    for text in texts:
        joined = re.sub(r"(\d)\s+(st|nd|rd|th)\b", r"\1\2", text)
        meeting = _MEETING.match(joined)
        if meeting and cover.meeting_number is None:
            cover.meeting_number = int(meeting.group("number"))
        session = _SESSION.match(text)
        if session and cover.session is None:
            number = ordinal_number(session.group("ordinal"))
            if number is not None:
                cover.session = " ".join(
                    w.capitalize() if i == 0 else w.lower() for i, w in enumerate(text.split())
                )
                cover.session_number = number
    if cover.time is None:
        for text in texts:
            at = re.fullmatch(r"at\s+(.+)", text, re.IGNORECASE)
            if at:
                cover.time = parse_time(at.group(1))
                break
    if cover.place and cover.place.isupper():
        cover.place = cover.place.title()
    if cover.symbol is None and cover.meeting_number is not None and cover.session_number:
        special = cover.session and "emergency special" in cover.session.lower()
        part = f"ES-{cover.session_number}" if special else str(cover.session_number)
        cover.symbol = f"A/{part}/PV.{cover.meeting_number}"
        cover.warnings.append("cover page: symbol made from the session and the meeting number")
    if cover.symbol is None:
        cover.warnings.append("cover page: no symbol found")
    if cover.president is not None:
        from councilbase.parse.speaker import name_case

        cover.president.name = name_case(cover.president.name)
    return cover


_TEXT_FOOT_LINE = re.compile(
    r"^(?:\d{2}-\d{5}\s*\(E\)|\*\d{7,}\*|Distr\.\s*GENERAL|ENGLISH|"
    r"\d{1,2} [A-Z][a-z]+ \d{4}|A/(?:ES-)?\d+/PV\.\d+.*)\s*$"
)


def split_first_text_page(lines: list[str]) -> tuple[list[str], list[str]] | None:
    """The first page of an Assembly record turned into text, cut as
    :func:`split_first_page` cuts a PDF's: the heading down to the President's entry, and
    the body under it without the box on corrections (and the job number, bar code and
    symbol printed by it). None when the page is not the Assembly's."""
    page = Page(1, [Line(text=t, page=1) for t in lines if t.strip()])
    if not is_assembly(page):
        return None
    at = next((i for i, t in enumerate(lines) if _PRESIDENT.match(t.strip())), None)
    if at is None:
        return None
    end = at + 1
    named = bool(_PRESIDENT.sub("", lines[at]).strip())
    while end < len(lines) and end <= at + 6:
        text = lines[end].strip()
        if not named and re.match(r"(?:Mr|Mrs|Ms|Dr)\.|Miss|Sir|Dame|Sheikh", text):
            named = True  # "President:" alone, the name on a line of its own
        elif not (
            not text
            or re.fullmatch(r"\([^()]+\)", text)
            or _RULE.fullmatch(text)
            or re.fullmatch(r"[.\s…]+", text)
        ):
            break
        end += 1
    heading, body = lines[:end], []
    in_box = False
    for line in lines[end:]:
        text = line.strip()
        if _FOOT.match(text):
            in_box = True
        elif in_box and not text:
            in_box = False
        if in_box or _TEXT_FOOT_LINE.match(text):
            if _TEXT_FOOT_LINE.match(text) and SYMBOL.search(text):
                heading.append(text)  # the symbol, in the records of the early 1990s
            continue
        body.append(line)
    return heading, body
