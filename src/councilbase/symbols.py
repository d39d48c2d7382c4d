"""Document symbols as users type them and as the records print them, in one canonical
form: ``s/pv.8700`` -> ``S/PV.8700``, ``8699 (resumption 1)`` -> ``S/PV.8699 (Resumption 1)``,
``a/es-10/pv.21`` -> ``A/ES-10/PV.21``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from councilbase.errors import QueryError

_MEETING = re.compile(
    r"""
    (?:
      (?P<body>S|A)\s*[/_]\s*
      (?:(?:ES-?\s*(?P<es>[0-9]{1,2})|(?P<session>[0-9]{1,3}))\s*[/_]\s*)?
      PV\s*\.?\s*
    )?
    (?P<number>[0-9]{1,6})
    (?:\s*[(/,]?\s*Resumption\s*(?P<resumption>[0-9]{1,2})\s*\)?)?
    (?:\s*/?\s*Corr\s*\.?\s*(?P<corr>[0-9]{1,2}))?
    """,
    re.IGNORECASE | re.VERBOSE | re.ASCII,
)


@dataclass(frozen=True)
class MeetingSymbol:
    """The parts of a meeting record's symbol."""

    body: str
    """``SC`` (the Security Council) or ``GA`` (the General Assembly)."""
    number: int
    session: str | None = None
    """The Assembly's session: ``64`` or ``ES-10``; None for the Council."""
    resumption: int | None = None
    corrigendum: int | None = None

    @property
    def base(self) -> str:
        """The symbol without resumption or corrigendum: ``S/PV.8699``, ``A/64/PV.121``."""
        if self.body == "GA":
            return f"A/{self.session}/PV.{self.number}"
        return f"S/PV.{self.number}"

    @property
    def token(self) -> str:
        """The meeting's number as a search token: ``8700`` for S/PV.8700, ``A48n46`` for
        A/48/PV.46, ``AES10n21`` for A/ES-10/PV.21."""
        if self.body == "GA":
            return f"A{(self.session or '').replace('-', '')}n{self.number}"
        return str(self.number)

    def __str__(self) -> str:
        text = self.base
        if self.resumption:
            text += f" (Resumption {self.resumption})"
        if self.corrigendum:
            text += f"/Corr.{self.corrigendum}"
        return text


def parse_meeting(value: str) -> MeetingSymbol:
    """A meeting symbol in any of the forms people write it, or :class:`QueryError`.
    A bare number is a Council meeting (``8700`` -> ``S/PV.8700``)."""
    text = " ".join(value.replace("\u00a0", " ").split())
    match = _MEETING.fullmatch(text)
    if not match or (match.group("body") == "A" and not (match["es"] or match["session"])):
        raise QueryError(
            f"cannot read the meeting {value!r}: write S/PV.8700, 8700, "
            "'S/PV.8699 (Resumption 1)', A/64/PV.121 or A/ES-10/PV.21"
        )
    if match["body"] and match["body"].upper() == "S" and (match["es"] or match["session"]):
        raise QueryError(f"cannot read the meeting {value!r}: a Council record is S/PV.<number>")
    body = "GA" if (match["body"] or "").upper() == "A" else "SC"
    session = f"ES-{int(match['es'])}" if match["es"] else match["session"]
    if session and session.isdigit():
        session = str(int(session))
    return MeetingSymbol(
        body=body,
        number=int(match["number"]),
        session=session,
        resumption=int(match["resumption"]) if match["resumption"] else None,
        corrigendum=int(match["corr"]) if match["corr"] else None,
    )


def normalise_meeting(value: str) -> str:
    """The canonical form of a meeting symbol: ``s/pv.8699(resumption1)`` ->
    ``S/PV.8699 (Resumption 1)``."""
    return str(parse_meeting(value))


def undocs_url(symbol: str) -> str:
    """The document's official address at the UN: ``https://undocs.org/en/S/PV.8700``
    (resumptions as the ODS writes them: ``S/PV.8699(Resumption1)``)."""
    compact = re.sub(r"\s*\(\s*Resumption\s*(\d+)\s*\)", r"(Resumption\1)", symbol)
    compact = re.sub(r"\s+\((\d{4})\)", r"(\1)", compact)  # S/RES/2504 (2020) -> S/RES/2504(2020)
    return "https://undocs.org/en/" + compact.replace(" ", "")
