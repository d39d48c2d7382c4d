"""The UN library's tables of Security Council meetings and outcomes (one HTML file a
year, ``scact<YEAR>_table_en.html``) and its veto list (``scact_veto_table_en.html``).

Each table row is one meeting row (a meeting with several topics spans several rows, its
symbol and date cells spanning them): symbol (with "(closed)", "(Resumption n)",
"+Corr.1"), date, press release, topic, and the outcome cell, which holds zero or more
actions: a resolution with its tally (``S/RES/2401 (2018) 15-0-0``, "adopted unanimously",
"without vote"), a presidential statement (``S/PRST/2020/5``, or ``S/12345 (PRST)`` before
1994), a draft "not adopted" or "vetoed by USSR" with its tally, a communiqué, a note, a
letter. Every row is parsed, or reported with what could not be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from councilbase import reference
from councilbase.errors import RecordError
from councilbase.model import Tally
from councilbase.read.text import read_text_file

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}


@dataclass
class Cell:
    """A table cell: its text (``<br>`` as newlines) and the links in it."""

    text: str
    links: list[str] = field(default_factory=list)


MAX_SPAN = 20
"""The most rows or columns one cell may span (the library's tables span at most 7)."""
MAX_TABLE_BYTES = 20_000_000
"""The largest table file read (the library's are about 100 KB)."""
MAX_COLUMNS = 40
MAX_CELLS = 400_000
"""Cells a table may expand to (the largest yearly table has about 2,000): a small file of
nested spans that would expand to millions is refused, not expanded."""


class TableTooLarge(Exception):
    """The table expands to more cells than an outcomes table has."""


class _TableReader(HTMLParser):
    """Rows of cells, with ``rowspan`` and ``colspan`` expanded (within the limits above)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells = 0
        self.rows: list[list[Cell]] = []
        self._row: list[tuple[Cell, int, int]] | None = None
        self._cell: tuple[list[str], list[str], int, int] | None = None
        self._pending: dict[int, tuple[Cell, int]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "tr":
            self._close_cell()
            self._close_row()
            self._row = []
        elif tag in ("td", "th"):
            if self._row is None:
                self._row = []
            self._close_cell()
            self._cell = ([], [], _span(values.get("rowspan")), _span(values.get("colspan")))
        elif (tag == "br" and self._cell is not None) or (
            tag == "p" and self._cell is not None and self._cell[0]
        ):
            self._cell[0].append("\n")
        elif tag == "a" and self._cell is not None and values.get("href"):
            self._cell[1].append(values["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._close_cell()
        elif tag == "tr" or tag == "table":
            self._close_cell()
            self._close_row()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[0].append(data)

    def _close_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            parts, links, rows, cols = self._cell
            text = "\n".join(" ".join(line.split()) for line in "".join(parts).split("\n"))
            self._row.append((Cell(text.strip("\n "), links), rows, cols))
        self._cell = None

    def _close_row(self) -> None:
        if self._row is None:
            return
        cells: list[Cell] = []
        column = 0
        queue = list(self._row)
        while queue or column in self._pending:
            if column in self._pending:
                cell, left = self._pending.pop(column)
                cells.append(cell)
                if left > 1:
                    self._pending[column] = (cell, left - 1)
                column += 1
                continue
            cell, rows, cols = queue.pop(0)
            for _ in range(cols):
                cells.append(cell)
                if rows > 1:
                    self._pending[column] = (cell, rows - 1)
                column += 1
            if column > MAX_COLUMNS:
                raise TableTooLarge(f"a row spans more than {MAX_COLUMNS} columns")
        self.cells += len(cells)
        if self.cells > MAX_CELLS:
            raise TableTooLarge(f"the table expands to more than {MAX_CELLS:,} cells")
        if cells:
            self.rows.append(cells)
        self._row = None

    def close(self) -> None:
        super().close()
        self._close_cell()
        self._close_row()


def _span(value: str | None) -> int:
    try:
        return max(1, min(int((value or "1").strip()[:6]), MAX_SPAN))
    except ValueError:
        return 1


def read_table(path: Path) -> list[list[Cell]]:
    """The rows of an HTML table file, spans expanded; :class:`RecordError` for a table
    that expands past the limits of a real one."""
    reader = _TableReader()
    try:
        reader.feed(read_text_file(path, MAX_TABLE_BYTES))
        reader.close()
    except TableTooLarge as exc:
        raise RecordError(str(path), f"is not an outcomes table: {exc}") from None
    return reader.rows


# --- actions -----------------------------------------------------------------------------


@dataclass
class Action:
    """One action in an outcome cell."""

    kind: str
    """resolution, presidential_statement, draft_not_adopted, draft_vetoed, communique,
    note, letter, election, other."""
    document: str | None
    tally: Tally | None = None
    unanimous: bool = False
    without_vote: bool = False
    vetoed_by: list[str] = field(default_factory=list)
    text: str = ""
    note: str = ""
    """What the table adds in brackets: "(France did not participate in the voting.)"."""


@dataclass
class OutcomeRow:
    """One meeting row of the index."""

    file: str
    row: int
    year: int
    symbol: str | None
    meeting_number: int | None
    resumption: int | None
    closed: bool
    date: str | None
    press_release: str | None
    topic: str
    outcome: str
    actions: list[Action] = field(default_factory=list)
    letter_procedure: str | None = None
    letter_outcome: str | None = None
    problems: list[str] = field(default_factory=list)


_TALLY = r"(?P<f>\d{1,2})\s*-\s*(?P<a>\d{1,2})\s*-\s*(?P<ab>\d{1,2})"
_RESOLUTION = re.compile(
    r"S/RES/(?P<n>\d+)\s*\((?P<y>\d{4})\)\s*(?:"
    + _TALLY
    + r"|(?P<unanimous>adopted\s+unanimously)|(?P<without>without\s+(?:a\s+)?vote|adopted\s+by\s+consensus))?"
    + r"(?:\s*\((?P<note>[^)]*(?:not\s+participate|absent)[^)]*)\))?",
    re.IGNORECASE,
)
_DOC = (
    r"(?:S/PV\.\d+|S/(?:\d{4}/)?\d+(?:/Rev\.\d+)?(?:/(?:Add|Corr)\.\d+)?"
    r"(?:\s*(?:and|&)?\s*(?:Add|Corr)\.\d+)*)"
)
_PAREN = r"(?:\s*\([^)]{0,80}\))?"
_DRAFT = re.compile(
    r"(?:(?:\w+[- ]Power\s+|Power\s+\w+\s+)?Draft\s+resolutions?\s*)?(?P<docs>\(?"
    + _DOC
    + r"\)?"
    + _PAREN
    + r"(?:\s*(?:,|and|&)\s*"
    + _DOC
    + _PAREN
    + r")*)"
    r"\s*(?:(?P<vetoed>vetoed\s+by\s*(?P<who>[A-Za-z][A-Za-z ,.]*?))(?=\s*(?:\d|$|\+|Draft\b|S/))"
    r"|(?P<not>(?:was\s+)?not\s+adopted))"
    r"\s*(?:" + _TALLY + r")?",
    re.IGNORECASE,
)
_DOC_IN = re.compile(_DOC)
_PRST = re.compile(
    r"S/PRST/\d{4}/\d+|(?P<old>S/(?:PV\.)?\d+)\s*\(PRST\)(?:\s*and\s+Corr\.\d+)?"
    r"|\bPRST(?:\s+unnumbered)?\b",
    re.IGNORECASE,
)
_COMMUNIQUE = re.compile(r"Communiqu[ée]", re.IGNORECASE)
_NOTE = re.compile(
    r"\b(?P<kind>Note|Letter)\s*\(?\s*(?P<doc>S/\d{4}/\d+|S/\d+)\s*\)?", re.IGNORECASE
)
_ELECTION = re.compile(
    r"Election\s+of\s+[^\n+]+|Referral\s+to\s+[^\n+]+|Admission\s+of\s+new\s+Members[^\n+]*",
    re.IGNORECASE,
)
_DECISION = re.compile(r"\bDecision\b", re.IGNORECASE)
_BARE_DOCUMENT = re.compile(r"^\s*(?P<doc>S/\d{4,6})\s*$")
_BARE_TALLY = re.compile(r"^\s*" + _TALLY + r"\s*$")
_NONE = re.compile(r"^(?:--|-|—|none)?$", re.IGNORECASE)
VETO_ACRONYMS = {"USA": "USA", "USSR": "SUN", "UK": "GBR"}
"""Matched in capitals, glued or not: "FranceUK USA"."""
VETO_NAMES = {
    "united states": "USA",
    "united kingdom": "GBR",
    "soviet union": "SUN",
    "france": "FRA",
    "china": "CHN",
    "russian federation": "RUS",
    "russia": "RUS",
}


def vetoing_members(text: str) -> list[str]:
    """ "UK and USA", "China and Russian Federation", "ChinaRussian Federation" -> codes."""
    found: list[tuple[int, str]] = []
    lower = text.lower()
    for acronym, code in VETO_ACRONYMS.items():
        for match in re.finditer(rf"(?<![A-Z]){acronym}(?![A-Z])", text):
            found.append((match.start(), code))
    for name, code in VETO_NAMES.items():
        # names may be glued together where a line break was lost ("ChinaRussian Federation")
        for match in re.finditer(re.escape(name), lower):
            found.append((match.start(), code))
    codes: list[str] = []
    for _, code in sorted(found):
        if code not in codes:
            codes.append(code)
    return codes


def _tally(match: re.Match[str]) -> Tally | None:
    if match.group("f") is None:
        return None
    return Tally(int(match.group("f")), int(match.group("a")), int(match.group("ab")))


def parse_outcome(text: str) -> tuple[list[Action], str]:
    """The actions in an outcome cell, and whatever text was left unread."""
    flat = " ".join(text.split())
    if _NONE.match(flat):
        return [], ""
    spans: list[tuple[int, int, Action]] = []

    def taken(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e, _ in spans)

    for match in _RESOLUTION.finditer(flat):
        spans.append(
            (
                match.start(),
                match.end(),
                Action(
                    "resolution",
                    f"S/RES/{match.group('n')} ({match.group('y')})",
                    tally=_tally(match),
                    unanimous=bool(match.group("unanimous")),
                    without_vote=bool(match.group("without")),
                    text=match.group().strip(),
                    note=match.group("note") or "",
                ),
            )
        )
    for match in _DRAFT.finditer(flat):
        if taken(match.start(), match.end()):
            continue
        vetoed = match.group("vetoed") is not None
        for document in _DOC_IN.findall(match.group("docs")):
            action = Action(
                "draft_vetoed" if vetoed else "draft_not_adopted",
                " ".join(document.split()),
                tally=_tally(match),
                vetoed_by=vetoing_members(match.group("who") or "") if vetoed else [],
                text=match.group().strip(),
            )
            spans.append((match.start(), match.end(), action))
    for match in _PRST.finditer(flat):
        if taken(match.start(), match.end()):
            continue
        document = match.group("old") or (
            None if match.group().upper().startswith("PRST") else match.group()
        )
        spans.append(
            (
                match.start(),
                match.end(),
                Action("presidential_statement", document, text=match.group()),
            )
        )
    for pattern, kind in (
        (_COMMUNIQUE, "communique"),
        (_NOTE, "note"),
        (_ELECTION, "election"),
        (_DECISION, "decision"),
        (_BARE_DOCUMENT, "document"),
        (_BARE_TALLY, "vote"),
    ):
        for match in pattern.finditer(flat):
            if taken(match.start(), match.end()):
                continue
            if kind == "note":
                action = Action(match.group("kind").lower(), match.group("doc"), text=match.group())
            elif kind == "document":
                action = Action(kind, match.group("doc"), text=match.group().strip())
            elif kind == "vote":  # a tally alone: the table does not name what was voted on
                action = Action(kind, None, tally=_tally(match), text=match.group().strip())
            else:
                action = Action(kind, None, text=match.group().strip())
            spans.append((match.start(), match.end(), action))
    spans.sort(key=lambda s: s[0])
    leftover = flat
    for start, end, _ in sorted(spans, key=lambda s: -s[0]):
        leftover = leftover[:start] + " " + leftover[end:]
    leftover = re.sub(r"\s+|\+|&|\band\b|[,;]|--", " ", leftover).strip()
    return [a for _, _, a in spans], leftover


# --- rows --------------------------------------------------------------------------------

_MEETING = re.compile(
    r"^S/PV\.(?P<n>\d+)\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
COLUMNS = {
    "meeting record": "symbol",
    "date": "date",
    "press release": "press_release",
    "topic": "topic",
    "security council outcome / vote": "outcome",
    "recording": "recording",
    "letter with vote procedure / briefings": "letter_procedure",
    "letter with vote outcome": "letter_outcome",
}


def parse_date(text: str, year: int) -> str | None:
    """ "12 March" (+ the table's year) -> ``2020-03-12``; the first day of "12-13 March"."""
    match = re.search(r"(?P<d>\d{1,2})(?:\s*(?:-|–|and)\s*\d{1,2})?\s+(?P<m>[A-Za-z]+)", text)
    if not match:
        return None
    name = match.group("m").lower()
    month = MONTHS.get(name) or next(
        (n for m, n in MONTHS.items() if len(name) >= 3 and m.startswith(name)), None
    )
    if month is None:
        return None
    try:
        return date(year, month, int(match.group("d"))).isoformat()
    except ValueError:
        return None


def _meeting(text: str) -> tuple[str | None, int | None, int | None, bool, list[str]]:
    flat = " ".join(text.split())
    if _NONE.match(flat):
        return None, None, None, False, []
    match = _MEETING.match(flat)
    if not match:
        return None, None, None, False, [f"cannot read the meeting record {flat!r}"]
    number = int(match.group("n"))
    rest = match.group("rest")
    resumption_match = re.search(r"Resumption\s*(\d+)", rest, re.IGNORECASE)
    resumption = int(resumption_match.group(1)) if resumption_match else None
    closed = bool(re.search(r"closed|private", rest, re.IGNORECASE))
    symbol = f"S/PV.{number}" + (f" (Resumption {resumption})" if resumption else "")
    return symbol, number, resumption, closed, []


def parse_table(path: Path) -> tuple[list[OutcomeRow], list[str]]:
    """The meeting rows of one yearly table; and rows that are not meeting rows, skipped
    with why (titles, headers, notes)."""
    year_match = re.search(r"(\d{4})", path.name)
    if not year_match:
        raise RecordError(str(path), "is not a yearly table (no year in its name)")
    year = int(year_match.group(1))
    rows = read_table(path)
    header: list[str] | None = None
    out: list[OutcomeRow] = []
    skipped: list[str] = []
    for cells in rows:
        texts = [" ".join(c.text.split()) for c in cells]
        lowered = [t.lower() for t in texts]
        if "topic" in lowered and any(t.startswith("meeting") for t in lowered):
            header = [COLUMNS.get(t, t) for t in lowered]
            continue
        if header is None or len(cells) < 3:
            skipped.append(" | ".join(texts)[:120])
            continue
        fields = _fields(header, cells)
        symbol_text = fields.get("symbol", "")
        if not (symbol_text.startswith("S/PV") or _NONE.match(symbol_text.strip())):
            skipped.append(" | ".join(texts)[:120])
            continue
        symbol, number, resumption, closed, problems = _meeting(symbol_text)
        date_text = fields.get("date", "")
        if not symbol_text.strip() and not date_text.strip() and out:
            # a further topic of the meeting above, its cells left empty instead of spanned
            previous = out[-1]
            symbol, number, resumption, closed = (
                previous.symbol,
                previous.meeting_number,
                previous.resumption,
                previous.closed,
            )
            date_text = previous.date or ""
        outcome_text = fields.get("outcome", "")
        actions, leftover = parse_outcome(outcome_text)
        if leftover:
            problems.append(f"cannot read {leftover!r} in the outcome")
        iso = (
            parse_date(date_text, year)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_text)
            else date_text
        )
        if iso is None:
            problems.append(f"cannot read the date {date_text!r}")
        press = fields.get("press_release") or None
        out.append(
            OutcomeRow(
                file=path.name,
                row=len(out) + 1,
                year=year,
                symbol=symbol,
                meeting_number=number,
                resumption=resumption,
                closed=closed,
                date=iso,
                press_release=None if press and press.lower() in ("none issued", "--") else press,
                topic=" ".join(fields.get("topic", "").split()),
                outcome=" ".join(outcome_text.split()),
                actions=actions,
                letter_procedure=_dash_none(fields.get("letter_procedure")),
                letter_outcome=_dash_none(fields.get("letter_outcome")),
                problems=problems,
            )
        )
    if header is None:
        raise RecordError(
            str(path), "has no table of meetings (no header row with Meeting and Topic)"
        )
    return out, skipped


def _dash_none(value: str | None) -> str | None:
    if value is None or _NONE.match(value.strip()):
        return None
    return " ".join(value.split())


def _fields(header: list[str], cells: list[Cell]) -> dict[str, str]:
    """Cells by column. A row with more cells than the header keeps the extra ones' text in
    the outcome (they are empty or "--" in the tables); a row short of cells keeps the
    outcome in its last cell."""
    if len(cells) >= len(header):
        fields = {name: cell.text for name, cell in zip(header, cells, strict=False)}
        extra = [c.text for c in cells[len(header) :] if not _NONE.match(" ".join(c.text.split()))]
        if extra:
            fields["outcome"] = "\n".join([fields.get("outcome", ""), *extra]).strip()
        return fields
    fields = {name: cell.text for name, cell in zip(header, cells[:-1], strict=False)}
    fields["outcome"] = cells[-1].text
    return fields


@dataclass
class Veto:
    """One row of the veto list."""

    row: int
    date: str | None
    draft: str
    records: list[str]
    agenda: str
    vetoed_by: list[str]
    problems: list[str] = field(default_factory=list)


def parse_vetoes(path: Path) -> list[Veto]:
    """The veto list: date, draft, meeting records, agenda item, who cast the negative vote."""
    out: list[Veto] = []
    for cells in read_table(path):
        texts = [c.text for c in cells]
        if len(cells) < 5 or not re.search(r"\d{4}", texts[0]) or "S/" not in texts[1]:
            continue
        problems: list[str] = []
        day = re.search(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})", texts[0])
        iso = parse_date(f"{day.group(1)} {day.group(2)}", int(day.group(3))) if day else None
        if iso is None:
            problems.append(f"cannot read the date {texts[0]!r}")
        vetoed_by = vetoing_members(texts[4])
        if not vetoed_by:
            problems.append(f"cannot read who vetoed: {texts[4]!r}")
        out.append(
            Veto(
                row=len(out) + 1,
                date=iso,
                draft=" ".join(texts[1].split()),
                records=re.findall(r"S/PV\.\d+(?:\s*\(Resumption\s*\d+\))?|S/\d{4}/\d+", texts[2]),
                agenda=" ".join(texts[3].split()),
                vetoed_by=vetoed_by,
                problems=problems,
            )
        )
    return out


def state_of(code: str) -> str:
    """A state's name for messages."""
    state = reference.state_by_code(code)
    return state.name if state else code
