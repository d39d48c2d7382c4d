"""Who speaks in a record, as the XML exports name them: one identifier per speaker.

The identifiers are local to a meeting's file: the speaker's surname (or title) and the
code of the state they speak for (``Nebenzia.RUS``, ``President.VNM``,
``SecretaryGeneral``). Issue 6 gives people identities across meetings; until then a
speaker is who the record prints.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from councilbase import reference
from councilbase.model import Record, Speech


@dataclass
class Speaker:
    """A speaker of one meeting: identifier, name as printed, affiliation and role."""

    id: str
    name: str
    affiliation: str | None
    state: str | None
    role: str


def slug(text: str) -> str:
    """Letters and digits of a name, for an XML identifier (``Pecsteen de Buytswerve`` ->
    ``PecsteenDeBuytswerve``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    parts = re.findall(r"[A-Za-z0-9]+", ascii_text)
    out = "".join(p[:1].upper() + p[1:] for p in parts)
    return out if out and not out[0].isdigit() else f"x{out}"


def speaker_of(speech: Speech, record: Record) -> Speaker:
    """The speaker of a speech, with a stable identifier within the record."""
    state = reference.resolve_state(speech.affiliation)
    if speech.role == "president" and record.president:
        name = record.president.name
        state = state or reference.resolve_state(record.president.country)
        base = slug(name.split(".", 1)[-1]) if "." in name else slug(name)
    elif speech.name:
        name = f"{speech.title} {speech.name}".strip() if speech.title else speech.name
        base = slug(speech.name)
    else:
        name = speech.title or speech.speaker_line.rstrip(":") or "Unknown speaker"
        base = slug(name.removeprefix("The "))
    suffix = state or (slug(speech.affiliation)[:24] if speech.affiliation else "")
    ident = f"{base}.{suffix}" if suffix else base
    return Speaker(ident, name, speech.affiliation, state, speech.role)


def speakers(record: Record) -> dict[int, Speaker]:
    """The speaker of each speech (by its index among the record's speeches)."""
    return {i: speaker_of(s, record) for i, s in enumerate(record.speeches)}
