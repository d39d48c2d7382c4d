"""Akoma Ntoso 3.0 ``debate`` documents, one per meeting, after the UN's AKN4UN guidelines.

Identifiers follow the Akoma Ntoso Naming Convention with the UN as jurisdiction and the
Security Council (``unsc``) or the General Assembly (``unga``) as author: the Work is
``/akn/un/debate/verbatimRecord/unsc/<date>/<symbol>`` (``S/PV.8700`` -> ``S-PV-8700``;
``A/64/PV.121`` -> ``A-64-PV-121`` under ``unga``), the English Expression adds ``/eng@``, the Manifestation
``.akn``. Every speaker is a ``TLCPerson`` and every role a ``TLCRole`` in ``references``;
speeches are ``<speech by="#…" as="#…">`` with the speaker line in ``<from>``; procedural
and vote passages are ``<narrative>``; each agenda item a ``<debateSection>``. The files
are valid against the OASIS schema (``akomantoso30.xsd``), which the tests check.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from councilbase import __version__
from councilbase.export.people import Speaker, slug, speakers
from councilbase.export.records import file_stem, write_xml
from councilbase.model import Heading, Procedure, Record, Speech, VotePassage

AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"

ROLE_NAMES = {
    "president": "President of the Security Council",
    "member": "Member of the Security Council",
    "invited_state": "Representative of a State invited under rule 37",
    "observer": "Observer",
    "chair": "Chair of a committee, panel or round table",
    "rapporteur": "Rapporteur of a committee, panel or round table",
    "un_official": "Official of the United Nations",
    "briefer": "Briefer invited under rule 39",
    "unknown": "Speaker",
}
ASSEMBLY_ROLE_NAMES = ROLE_NAMES | {
    "president": "President of the General Assembly",
    "member": "Member of the United Nations",
}
AUTHORS = {"SC": ("unsc", "Security Council"), "GA": ("unga", "General Assembly")}
"""Each body's Akoma Ntoso author: its identifier and its name."""


def _e(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{AKN}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def meeting_date(record: Record) -> str:
    """The meeting's date; for a record without one (speech-level corpora), the first day
    of its year, marked as such in ``FRBRdate/@name``."""
    if record.date:
        return record.date
    return f"{record.year or 1946:04d}-01-01"


def work_uri(record: Record, key: str) -> str:
    """The Work-level FRBR URI of a meeting record."""
    date = meeting_date(record)
    number = (record.symbol or key).replace(" ", "")
    for old, new in (("/", "-"), (".", "-"), ("(", "-"), (")", "")):
        number = number.replace(old, new)
    author = AUTHORS.get(record.body, AUTHORS["SC"])[0]
    return f"/akn/un/debate/verbatimRecord/{author}/{date}/{number}"


def _frbr(
    meta_id: ET.Element, level: str, this: str, uri: str, date: str, extra: dict[str, str]
) -> None:
    element = _e(meta_id, level)
    _e(element, "FRBRthis", value=this)
    _e(element, "FRBRuri", value=uri)
    if level == "FRBRWork" and "alias" in extra:
        _e(element, "FRBRalias", value=extra["alias"], name="symbol")
    _e(element, "FRBRdate", date=date, name=extra.get("date_name", "meeting"))
    _e(element, "FRBRauthor", href=f"#{extra.get('author', 'unsc')}")
    if level == "FRBRWork":
        _e(element, "FRBRcountry", value="un")
        if "number" in extra:
            _e(element, "FRBRnumber", value=extra["number"])
    if level == "FRBRExpression":
        _e(element, "FRBRlanguage", language="eng")
    if level == "FRBRManifestation":
        _e(element, "FRBRformat", value="application/akn+xml")


def record_akn(record: Record, key: str) -> ET.Element:
    """A record as an Akoma Ntoso ``debate`` document."""
    by_speech = speakers(record)
    people: dict[str, Speaker] = {}
    for speaker in by_speech.values():
        people.setdefault(speaker.id, speaker)
    date = meeting_date(record)
    date_name = "meeting" if record.date else "yearOnly"
    work = work_uri(record, key)
    root = ET.Element(f"{{{AKN}}}akomaNtoso")
    debate = _e(root, "debate", name="verbatimRecord")
    meta = _e(debate, "meta")
    identification = _e(meta, "identification", source="#councilbase")
    author, author_name = AUTHORS.get(record.body, AUTHORS["SC"])
    extra = {"alias": record.symbol or key, "date_name": date_name, "author": author}
    if record.meeting_number is not None:
        extra["number"] = str(record.meeting_number)
    _frbr(identification, "FRBRWork", f"{work}/!main", work, date, extra)
    _frbr(
        identification,
        "FRBRExpression",
        f"{work}/eng@/!main",
        f"{work}/eng@",
        date,
        {"date_name": date_name},
    )
    _frbr(
        identification,
        "FRBRManifestation",
        f"{work}/eng@/!main.akn",
        f"{work}/eng@.akn",
        date,
        {"date_name": "conversion"},
    )
    references = _e(meta, "references", source="#councilbase")
    _e(
        references,
        "TLCOrganization",
        eId=author,
        href=f"/akn/ontology/organizations/un/{author}",
        showAs=author_name,
    )
    _e(
        references,
        "TLCOrganization",
        eId="councilbase",
        href="/akn/ontology/organizations/councilbase",
        showAs=f"councilbase {__version__}",
    )
    for person in people.values():
        _e(
            references,
            "TLCPerson",
            eId=person.id,
            href=f"/akn/ontology/persons/un/{person.id}",
            showAs=person.name + (f" ({person.affiliation})" if person.affiliation else ""),
        )
    for role in sorted({p.role for p in people.values()}):
        _e(
            references,
            "TLCRole",
            eId=f"role_{slug(role)}",
            href=f"/akn/ontology/roles/un/{role}",
            showAs=(ASSEMBLY_ROLE_NAMES if record.body == "GA" else ROLE_NAMES).get(role, role),
        )
    preface = _e(debate, "preface")
    _e(_e(preface, "p"), "docNumber", record.symbol or key)
    if record.date:
        p = _e(preface, "p")
        _e(p, "docDate", record.date, date=record.date)
    if record.meeting_number is not None:
        _e(
            preface,
            "p",
            f"{record.meeting_number}th meeting"
            + (f" (Resumption {record.resumption})" if record.resumption else ""),
        )
    if record.president:
        country = f" ({record.president.country})" if record.president.country else ""
        _e(preface, "p", f"President: {record.president.name}{country}")
    for member in record.members:
        _e(preface, "p", f"{member.country}: {member.representative}")
    body = _e(debate, "debateBody")
    section = _e(body, "debateSection", name="proceedings", eId="dbsect_1")
    count = 1
    speech_index = 0

    def section_is_empty() -> bool:
        return all(child.tag == f"{{{AKN}}}heading" for child in section)

    for position, item in enumerate(record.items, start=1):
        if isinstance(item, Heading):
            if not section_is_empty():
                count += 1
                section = _e(body, "debateSection", name="agendaItem", eId=f"dbsect_{count}")
            elif len(section) and section[0].tag == f"{{{AKN}}}heading":
                continue
            _e(section, "heading", item.text)
        elif isinstance(item, Speech):
            speaker = by_speech[speech_index]
            element = _e(
                section,
                "speech",
                by=f"#{speaker.id}",
                eId=f"dbsect_{count}__speech_{speech_index + 1}",
            )
            element.set("as", f"#role_{slug(speaker.role)}")
            _e(element, "from", item.speaker_line or speaker.name)
            for paragraph in item.text or [""]:
                _e(element, "p", paragraph)
            speech_index += 1
        elif isinstance(item, VotePassage | Procedure):
            _e(section, "narrative", item.text, eId=f"dbsect_{count}__narrative_{position}")
    if section_is_empty():
        _e(section, "narrative", "")
    return root


def write_akn(
    record: Record, key: str, folder: Path, staged: Callable[[Path], Path] | None = None
) -> Path:
    """Write one meeting's Akoma Ntoso file (through ``staged``, see
    :func:`councilbase.export.records.write_xml`); its path."""
    return write_xml(record_akn(record, key), AKN, folder / f"{file_stem(key)}.akn.xml", staged)
