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
from councilbase.model import Heading, Procedure, Record, Resolution, Speech, VotePassage

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


def _meta(
    document: ET.Element, work: str, date: str, extra: dict[str, str], author_name: str
) -> ET.Element:
    """A document's ``meta``: the FRBR identification of its Work, English Expression and
    Manifestation, and ``references`` with its author and councilbase; the references."""
    meta = _e(document, "meta")
    identification = _e(meta, "identification", source="#councilbase")
    date_name = extra["date_name"]
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
    author = extra["author"]
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
    return references


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
    author, author_name = AUTHORS.get(record.body, AUTHORS["SC"])
    extra = {"alias": record.symbol or key, "date_name": date_name, "author": author}
    if record.meeting_number is not None:
        extra["number"] = str(record.meeting_number)
    references = _meta(debate, work, date, extra, author_name)
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


# --- resolutions: Akoma Ntoso ``statement`` documents ------------------------------------


def resolution_work_uri(resolution: Resolution) -> str:
    """``/akn/un/statement/resolution/unsc/2015-12-18/2254``: the Work-level FRBR URI of a
    Council resolution (dated by its adoption; the year's first day when unknown)."""
    date = resolution.date or f"{resolution.year or 1946:04d}-01-01"
    return f"/akn/un/statement/resolution/unsc/{date}/{resolution.number}"


def _cited_uri(symbol: str, kind: str) -> str:
    """An AKN reference for a document a resolution cites (its symbol, made a path)."""
    from councilbase.extract.references import resolution_year

    if kind == "sc_resolution":
        number = symbol.removeprefix("S/RES/").split(" ")[0]
        year = resolution_year(int(number)) if number.isdigit() else None
        return f"/akn/un/statement/resolution/unsc/{year or ''}/{number}".replace("//", "/")
    cleaned = symbol.replace(" ", "")
    for old, new in (("/", "-"), (".", "-"), ("(", "-"), (")", "")):
        cleaned = cleaned.replace(old, new)
    return f"/akn/un/doc/{cleaned}"


def _inline(parent: ET.Element, text: str) -> None:
    """Text into ``parent``, with each document it cites marked up as ``<ref>``."""
    from councilbase.extract.references import find_references

    position = 0
    last: ET.Element | None = None
    for reference in find_references([text]):
        if reference.start < position:
            continue
        before = text[position : reference.start]
        if last is None:
            parent.text = (parent.text or "") + before
        else:
            last.tail = (last.tail or "") + before
        last = _e(parent, "ref", text[reference.start : reference.end])
        last.set("href", _cited_uri(reference.symbol, reference.kind))
        position = reference.end
    rest = text[position:]
    if last is None:
        parent.text = (parent.text or "") + rest
    else:
        last.tail = (last.tail or "") + rest


def resolution_akn(resolution: Resolution) -> ET.Element:
    """A resolution as an Akoma Ntoso ``statement`` (name ``resolution``): the preface
    (symbol, adoption), the preamble (the Council's formula and each preambular paragraph
    as a recital), the operative paragraphs with their numbers and sub-paragraphs, and
    every cited document as a ``<ref>``."""
    work = resolution_work_uri(resolution)
    date = resolution.date or f"{resolution.year or 1946:04d}-01-01"
    date_name = "adoption" if resolution.date else "yearOnly"
    root = ET.Element(f"{{{AKN}}}akomaNtoso")
    statement = _e(root, "statement", name="resolution")
    extra = {
        "alias": resolution.symbol,
        "date_name": date_name,
        "author": "unsc",
        "number": str(resolution.number),
    }
    references = _meta(statement, work, date, extra, "Security Council")
    if resolution.chapter_vii:
        _e(
            references,
            "TLCConcept",
            eId="chapterVII",
            href="/akn/ontology/concepts/un/charter/chapterVII",
            showAs="Acting under Chapter VII of the Charter of the United Nations",
        )
    preface = _e(statement, "preface")
    _e(_e(preface, "p"), "docNumber", resolution.symbol)
    adoption = _e(preface, "p", "Adopted by the Security Council")
    if resolution.meeting:
        adoption.text = f"Adopted by the Security Council at its meeting {resolution.meeting}"
    if resolution.date:
        date_element = _e(adoption, "docDate", resolution.date, date=resolution.date)
        date_element.tail = ""
        adoption.text = (adoption.text or "") + ", on "
    if resolution.title:
        _e(_e(preface, "p"), "docTitle", resolution.title)
    preamble = _e(statement, "preamble")
    _e(_e(preamble, "formula", name="enactingFormula"), "p", "The Security Council,")
    if resolution.preamble:
        recitals = _e(preamble, "recitals")
        for number, text in enumerate(resolution.preamble, start=1):
            _inline(_e(_e(recitals, "recital", eId=f"recital_{number}"), "p"), text)
    body = _e(statement, "mainBody")
    used: set[str] = set()
    for index, paragraph in enumerate(resolution.operative, start=1):
        label = (paragraph.number or str(index)).replace(" ", "")
        if paragraph.part:
            label = f"{paragraph.part}-{label}".replace("'", "x")
        while label in used:  # a number printed twice: eIds stay unique
            label += "x"
        used.add(label)
        element = _e(body, "paragraph", eId=f"para_{label}")
        if paragraph.number:
            _e(element, "num", f"{paragraph.number}.")
        if paragraph.sub:
            _inline(_e(_e(element, "intro"), "p"), paragraph.text)
            names: set[str] = set()
            for sub in paragraph.sub:
                name = sub.label.strip("()")
                while name in names:
                    name += "x"
                names.add(name)
                child = _e(element, "subparagraph", eId=f"para_{label}__subpara_{name}")
                _e(child, "num", sub.label)
                _inline(_e(_e(child, "content"), "p"), sub.text)
        else:
            _inline(_e(_e(element, "content"), "p"), paragraph.text)
    if not resolution.operative:
        _e(body, "p", "")
    if resolution.adoption:
        _e(_e(statement, "conclusions"), "p", resolution.adoption)
    return root


def write_resolution_akn(
    resolution: Resolution, folder: Path, staged: Callable[[Path], Path] | None = None
) -> Path:
    """Write one resolution's Akoma Ntoso file, ``S_RES_2254_2015.akn.xml``; its path."""
    stem = resolution.symbol.replace("/", "_").replace(" (", "_").replace(")", "")
    return write_xml(resolution_akn(resolution), AKN, folder / f"{stem}.akn.xml", staged)
