"""Read speech-level corpus files ("UN Security Council Debates" layout and single files).

Files named ``UNSC_<year>_SPV.<number>[ResumptionN]_spch<NNN>.txt`` give the meeting,
the resumption and the order of the speech; the text starts with the speaker line.
Any other name is read as a single speech of an unknown meeting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from councilbase.read.text import read_text_file

_NAME = re.compile(
    r"^UNSC_(?P<year>\d{4})_SPV\.(?P<number>\d+)(?:_?Resumption_?(?P<resumption>\d+))?"
    r"_spch(?P<order>\d+)\.txt$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SpeechFile:
    """One corpus file: what its name says, and its raw text."""

    path: str
    year: int | None
    meeting_number: int | None
    resumption: int | None
    order: int | None
    text: str

    @property
    def symbol(self) -> str | None:
        """The meeting symbol the name gives (``S/PV.8699 (Resumption 1)``), or None."""
        if self.meeting_number is None:
            return None
        base = f"S/PV.{self.meeting_number}"
        return f"{base} (Resumption {self.resumption})" if self.resumption else base


def name_fields(name: str) -> tuple[int, int, int | None, int] | None:
    """(year, meeting number, resumption, order) from a corpus file name, or None."""
    match = _NAME.match(name)
    if not match:
        return None
    resumption = match.group("resumption")
    return (
        int(match.group("year")),
        int(match.group("number")),
        int(resumption) if resumption else None,
        int(match.group("order")),
    )


def read_speech_file(path: str | Path) -> SpeechFile:
    """Read one corpus file; :class:`~councilbase.errors.RecordError` when unreadable."""
    path = Path(path)
    text = read_text_file(path)
    fields = name_fields(path.name)
    if fields is None:
        return SpeechFile(str(path), None, None, None, None, text)
    year, number, resumption, order = fields
    return SpeechFile(str(path), year, number, resumption, order, text)


def is_corpus_name(name: str) -> bool:
    """Whether a file name follows the corpus layout."""
    return _NAME.match(name) is not None
