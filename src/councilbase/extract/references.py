"""References to documents in a speech: Security Council resolutions in every form the
records use, General Assembly and Human Rights Council resolutions, presidential
statements, meeting records and other documents, each with its offsets.

- ``resolution 2401 (2018)``, ``Security Council resolution 2401 (2018)`` -> ``S/RES/2401 (2018)``
- ``resolutions 2139 (2014), 2165 (2014) and 2254 (2015)`` -> three references
- ``resolution 2254`` (no year) -> ``S/RES/2254 (2015)``: the year follows from the number
  (``data/resolution_years.json``, the first resolution of every year)
- ``General Assembly resolution 46/182`` or ``resolution 46/182`` -> ``A/RES/46/182``;
  ``General Assembly resolution 194 (II)`` -> ``A/RES/194(II)``;
  ``resolution ES-10/19`` -> ``A/RES/ES-10/19``; ``Human Rights Council resolution 31/1``
  -> ``A/HRC/RES/31/1``
- ``S/2020/24``, ``S/PRST/2020/2``, ``S/PV.8697``, ``A/74/123``: as written
"""

from __future__ import annotations

import bisect
import json
import re
from functools import lru_cache
from importlib import resources

from councilbase.model import Reference

_ITEM = (
    r"(?:ES-)?\d{1,4}(?:/\d{1,4})?(?:\s+[A-F](?=\s*\([IVXLES-]+\)))?"
    r"(?:\s*\((?:\d{4}|E?S-(?:[IVXL]{1,6}|\d{1,2})|[IVXL]{1,6})\))?"
    # a date after an item of a list: "660 (1990) of 2 August 1990, 661 (1990) of ..."
    r"(?:\s+of\s+(?:of\s+)?\d{1,2}\s+[A-Z][a-z]+(?:\s*\(?\d{4}\)?)?)?"
)
_RES_LIST = re.compile(
    # no word boundary before "resolution": OCR glues words ("pursuant toresolution 2140")
    r"[Rr]esolutions?\s+"
    r"(?P<items>" + _ITEM + r"(?:(?:\s*,\s*|\s*,?\s+and\s+|\s*,?\s+or\s+)" + _ITEM + r")*)"
    r"(?![\d/])"
)
_LIST_DATE = re.compile(r"\s+of\s+(?:of\s+)?\d{1,2}\s+[A-Z][a-z]+(?:\s*\(?\d{4}\)?)?")
_BODY = re.compile(
    r"(?:Security\s+Council|General\s+Assembly|Human\s+Rights\s+Council|Council|Assembly)"
    r"(?:'s|’s)?\s+$"
)
_RES_ITEM = re.compile(
    r"(?P<es>ES-)?(?P<n>\d{1,4})(?:/(?P<m>\d{1,4}))?(?:\s+[A-F](?=\s*\([IVXLES-]+\)))?"
    r"(?:\s*\((?:(?P<y>\d{4})|(?P<roman>E?S-(?:[IVXL]{1,6}|\d{1,2})|[IVXL]{1,6}))\))?"
)
_SYMBOL = re.compile(
    r"\b(?:S/RES/(?P<resn>\d{1,4})\s*\((?P<resy>\d{4})\)"
    r"|S/PRST/\d{4}/\d+"
    r"|S/PV\.\d+(?:\s*\(Resumption\s*\d+\))?"
    r"|S/(?:19|20)\d{2}/\d+(?:/(?:Rev|Add|Corr)\.\d+)*"
    r"|A/RES/(?:ES-)?\d+/\d+"
    r"|A/HRC/RES/\d+/\d+"
    r"|A/(?:ES-\d+/)?\d+/\d+(?:/(?:Rev|Add|Corr)\.\d+)*"
    r"|S/Agenda/\d+"
    # the older document symbols, and their addenda and corrigenda: S/7930/Add.107
    r"|S/\d{3,5}(?:/(?:Rev|Add|Corr)\.\d+)*(?![/\d]))"
)


@lru_cache(maxsize=1)
def _years() -> tuple[list[int], list[int], int]:
    text = resources.files("councilbase").joinpath("data/resolution_years.json").read_text("utf-8")
    data = json.loads(text)
    pairs = sorted((int(number), int(year)) for year, number in data["first_resolution"].items())
    return [p[0] for p in pairs], [p[1] for p in pairs], int(data["last_resolution"])


def resolution_year(number: int) -> int | None:
    """The year a Security Council resolution number belongs to (2254 -> 2015); None past
    the last resolution the data knows."""
    numbers, years, last = _years()
    index = bisect.bisect_right(numbers, number) - 1
    return years[index] if index >= 0 and number <= last else None


def _kind(symbol: str) -> str:
    if symbol.startswith("S/RES/"):
        return "sc_resolution"
    if symbol.startswith("S/PRST/"):
        return "presidential_statement"
    if symbol.startswith("S/PV."):
        return "meeting"
    if symbol.startswith("A/HRC/RES/"):
        return "hrc_resolution"
    if symbol.startswith("A/RES/"):
        return "ga_resolution"
    return "document"


def find_references(paragraphs: list[str]) -> list[Reference]:
    """Every reference in the paragraphs, in order of appearance."""
    out: list[Reference] = []
    for number, paragraph in enumerate(paragraphs):
        spans: list[tuple[int, int]] = []
        for match in _RES_LIST.finditer(paragraph) if "esolution" in paragraph else ():
            body_match = _BODY.search(paragraph, max(0, match.start() - 40), match.start())
            body = body_match.group().lower() if body_match else ""
            first = body_match.start() if body_match else match.start()
            items_start = match.start("items")
            # the dates after the items ("of 2 August 1990") blanked, offsets kept
            items = _LIST_DATE.sub(lambda m: " " * len(m.group()), match.group("items"))
            for item in _RES_ITEM.finditer(items):
                start, end = items_start + item.start(), items_start + item.end()
                if item.start() == 0:
                    start = first
                symbol = _resolution_symbol(item, body)
                if symbol is None:
                    continue
                out.append(
                    Reference(_kind(symbol), symbol, paragraph[start:end], number, start, end)
                )
                spans.append((start, end))
        for match in _SYMBOL.finditer(paragraph) if "/" in paragraph else ():
            if any(s <= match.start() < e for s, e in spans):
                continue
            text = match.group()
            symbol = " ".join(text.split())
            if match.group("resn"):
                symbol = f"S/RES/{match.group('resn')} ({match.group('resy')})"
            elif symbol.startswith("S/PV."):
                symbol = re.sub(r"\s*\(\s*Resumption\s*(\d+)\s*\)", r" (Resumption \1)", symbol)
            out.append(Reference(_kind(symbol), symbol, text, number, match.start(), match.end()))
            # "S/1996/411 and Corr.1 and Add.1": the addenda and corrigenda, by their symbols
            base = re.sub(r"/(?:Rev|Add|Corr)\.\d+$", "", symbol)
            extra = _ADDENDA.match(paragraph, match.end())
            offset = extra.start() if extra else 0
            for part in _ADDENDUM.finditer(extra.group()) if extra else ():
                out.append(
                    Reference(
                        _kind(symbol),
                        f"{base}/{part.group('kind')}.{part.group('n')}",
                        part.group(),
                        number,
                        offset + part.start(),
                        offset + part.end(),
                    )
                )
    out.sort(key=lambda r: (r.paragraph, r.start))
    return out


_ADDENDA = re.compile(r"(?:\s*(?:,|and|,\s*and)\s*(?:Rev|Add|Corr)\.\s?\d+)+")
_ADDENDUM = re.compile(r"(?P<kind>Rev|Add|Corr)\.\s?(?P<n>\d+)")


def bare_resolutions(paragraph: str, taken: list[tuple[int, int]], before: int) -> list[Reference]:
    """Council resolutions a resolution's text names by number and year alone, without the
    word ("in particular 1500 (2003) of 14 August 2003, 1546 (2004) ..."): taken only where
    the year is the one the number belongs to and the number is below ``before`` (the citing
    resolution's own), so that no other "N (YYYY)" is read as one."""
    out: list[Reference] = []
    for match in _BARE.finditer(paragraph):
        if any(s <= match.start() < e for s, e in taken):
            continue
        number, year = int(match.group("n")), int(match.group("y"))
        if number < before and resolution_year(number) == year:
            symbol = f"S/RES/{number} ({year})"
            out.append(
                Reference("sc_resolution", symbol, match.group(), 0, match.start(), match.end())
            )
    return out


_BARE = re.compile(r"(?<![\w/.,-])(?P<n>\d{1,4})\s\((?P<y>(?:19|20)\d{2})\)")


def _resolution_symbol(item: re.Match[str], body: str) -> str | None:
    number, second, year = item.group("n"), item.group("m"), item.group("y")
    if item.group("roman"):  # General Assembly resolutions of the first sessions: 194 (II)
        return f"A/RES/{number}({item.group('roman')})"
    if item.group("es"):
        return f"A/RES/ES-{number}/{second}" if second else None
    if second:  # 46/182: the General Assembly's (or the Human Rights Council's) numbering
        if "human rights" in body:
            return f"A/HRC/RES/{number}/{second}"
        return f"A/RES/{number}/{second}"
    if "assembly" in body:
        return None  # "General Assembly resolution 377" without a session: not read
    if "human rights" in body:
        return None
    if year is None:
        found = resolution_year(int(number))
        if found is None:
            return None
        year = str(found)
    return f"S/RES/{int(number)} ({year})"
