"""The truth text of the speeches of the Assembly records in ../shared/eras, read another
way than councilbase reads them (method: bench/eras_labels.md, "The Assembly's records").

Poppler's ``pdftotext`` (another PDF engine) reads each column of each page on its own
(a crop of the page's left and right halves; the first page from under the President's
line to the box on corrections), furniture lines are dropped by their form (page numbers,
job numbers, symbols, running heads), and the text is cut at the speaker lines labelled in
bench/eras_labels.json. A speech runs from its speaker line to the next one, or to the
first line of a passage in the record's own procedural wording (a vote, a decision, an
agenda item's heading, a note); a change of chair during a speech is left out of it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

_FURNITURE = re.compile(
    r"^\s*(?:\d{1,3}|\d{2}-\d{5}(?:\s*\(E\))?|\*\d{7,}\*|A/(?:ES-)?\d+/PV\.\d+.*|"
    r"General Assembly\s*-?.*session|General Assembly|\d+(?:st|nd|rd|th) (?:plenary )?meeting(?: - \w+day, \d+ \w+ \d{4})?|"
    r"Sixtieth session|Sixty-\w+ session|Forty-\w+ session|\d{2}/\d{2}/\d{4})\s*$",
    re.IGNORECASE,
)
PROCEDURAL = re.compile(
    r"^(?:A (?:recorded )?vote was taken|In favou?r\s*:|Against\s*:|Abstaining\s*:|"
    r"It was so decided|The meeting (?:was called to order|rose|was suspended|resumed)|"
    r"Agenda items? \d|AGENDA ITEMS? \d|\[?Subsequently|The draft (?:resolution|decision) was|"
    r"(?:Draft (?:resolution|decision)|The amendment|The (?:\w+ )?(?:preambular|operative) "
    r"paragraph|Operative paragraph|Preambular paragraph|The motion|The proposal)\b"
    r"[^.]{0,160}?\b(?:was|were) (?:adopted|rejected|retained|deleted)|"
    r"Reports? of the (?:\w+ )?Committee\s*$|Tribute to the memory)",
)
_CHAIR = re.compile(r"took the Chair\.?$|^The President (?:returned to|resumed) the Chair")


def _pdftotext(pdf: Path, page: int, box: tuple[float, float, float, float]) -> list[str]:
    x, y, w, h = (round(v) for v in box)
    done = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-x", str(x), "-y", str(y),
         "-W", str(w), "-H", str(h), "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [ln.strip() for ln in done.stdout.replace("\f", "").split("\n")]


def _first_page_band(pdf: Path) -> tuple[float, float]:
    """Where the first page's body lies (points from the top): under the President's line,
    above the box on corrections."""
    done = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', done.stdout)
    top = next(float(y1) for _y0, y1, w in words if w.startswith("President"))
    bottom = min(
        (float(y0) for y0, _y1, w in words if w == "This" and float(y0) > top), default=760.0
    )
    return top + 2, bottom - 2


def column_lines(pdf: Path) -> list[str]:
    """The record's lines, column by column and page by page, without furniture."""
    count = int(
        re.search(  # type: ignore[union-attr]
            r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                              text=True, check=True).stdout
        ).group(1)
    )  # fmt: skip
    lines: list[str] = []
    for page in range(1, count + 1):
        top, bottom = _first_page_band(pdf) if page == 1 else (40.0, 770.0)
        for x in (0.0, 306.0):
            for line in _pdftotext(pdf, page, (x, top, 306.0, bottom - top)):
                if line and not _FURNITURE.match(line):
                    lines.append(line)
    return lines


def truth_speeches(pdf: Path, speaker_lines: list[str]) -> list[tuple[str, str]]:
    """(speaker line, text) of each labelled speech, in order. Each speaker line is found
    in order as the start of a line (the label holds it as printed, joined when it runs over
    two lines)."""
    lines = column_lines(pdf)
    starts: list[int] = []
    position = 0
    for label in speaker_lines:
        while position < len(lines) and not _starts(lines, position, label):
            position += 1
        if position == len(lines):
            raise SystemExit(f"{pdf.name}: speaker line {label!r} not found in order")
        starts.append(position)
        position += 1
    out: list[tuple[str, str]] = []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        body = [lines[start]]
        for line in lines[start + 1 : end]:
            if _CHAIR.search(line):
                continue
            if PROCEDURAL.match(line):
                break
            body.append(line)
        text = _dehyphenate(" ".join(body))
        label = speaker_lines[number]
        text = text[len(label) :] if text.startswith(label) else text.split(":", 1)[-1]
        out.append((label, text.lstrip(" :")))
    return out


def _starts(lines: list[str], index: int, label: str) -> bool:
    """Whether the speaker line ``label`` (and its colon) starts at line ``index``, on
    that line or run over to the next."""
    joined = " ".join(lines[index : index + 3])
    return re.sub(r"-\s+", "-", joined).startswith(re.sub(r"-\s+", "-", label) + ":") or (
        joined.startswith(label) and joined[len(label) :].lstrip().startswith(":")
    )


def _dehyphenate(text: str) -> str:
    return re.sub(r"(\w)- (\w)", r"\1\2", text)
