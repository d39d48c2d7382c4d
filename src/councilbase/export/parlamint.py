"""ParlaMint TEI: one ``<TEI>`` file per meeting, the format of the ParlaMint corpora of
parliamentary debates (https://github.com/clarin-eric/ParlaMint).

A meeting is a ``parla.sitting``; each speech an utterance ``<u who="#id">`` with its
paragraphs as ``<seg>``, preceded by the speaker line as ``<note type="speaker">``;
procedural passages, vote passages and headings are ``<note>`` and ``<head>``. The
speakers are listed in ``particDesc/listPerson``, each with an ``affiliation`` to a state
(``listOrg``) or to the function printed in the record. Utterances carry ParlaMint's
speaker types: ``#chair`` for the President, ``#regular`` for members of the Council,
``#guest`` for everyone else.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from councilbase import __version__, reference
from councilbase.export.people import Speaker, speakers
from councilbase.export.records import file_stem, write_xml
from councilbase.model import Heading, Procedure, Record, Speech, VotePassage

TEI = "http://www.tei-c.org/ns/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


SPEAKER_TYPE = {"president": "#chair", "member": "#regular"}


def _t(tag: str) -> str:
    return f"{{{TEI}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _t(tag), attrs)
    if text is not None:
        element.text = text
    return element


BODIES = {
    "SC": ("UNSC", "United Nations Security Council"),
    "GA": ("UNGA", "United Nations General Assembly"),
}
"""Each body's identifier and name in the corpus."""


def _ordinal(number: int) -> str:
    """``8701`` -> ``8701st``, ``8712`` -> ``8712th``."""
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def _body(record: Record) -> tuple[str, str]:
    return BODIES.get(record.body, BODIES["SC"])


def document_id(record: Record, key: str) -> str:
    """The TEI document's identifier (``UNSC_S_PV.8700``, ``UNGA_A_64_PV.121``)."""
    return f"{_body(record)[0]}_{file_stem(key)}"


def _header(tei: ET.Element, record: Record, key: str, people: list[Speaker]) -> None:
    header = _sub(tei, "teiHeader")
    file_desc = _sub(header, "fileDesc")
    title_stmt = _sub(file_desc, "titleStmt")
    org, org_name = _body(record)
    title = _sub(title_stmt, "title", f"{org_name}, verbatim record {key}", type="main")
    title.set(XML_LANG, "en")
    if record.meeting_number is not None:
        meeting = _sub(
            title_stmt,
            "meeting",
            f"{_ordinal(record.meeting_number)} {'plenary ' if record.body == 'GA' else ''}meeting"
            + (f", resumption {record.resumption}" if record.resumption else ""),
            n=str(record.meeting_number),
            corresp=f"#{org}",
            ana="#parla.sitting",
        )
        meeting.set(XML_LANG, "en")
    if record.session:
        session = _sub(
            title_stmt,
            "meeting",
            record.session,
            n=str(record.session_number or ""),
            corresp=f"#{org}",
            ana="#parla.session",
        )
        session.set(XML_LANG, "en")
    resp = _sub(title_stmt, "respStmt")
    _sub(resp, "orgName", "councilbase")
    _sub(resp, "resp", "Conversion to ParlaMint TEI").set(XML_LANG, "en")
    _sub(_sub(file_desc, "editionStmt"), "edition", __version__)
    extent = _sub(file_desc, "extent")
    speeches = record.speeches
    words = sum(len(p.split()) for s in speeches for p in s.text)
    _sub(
        extent, "measure", f"{len(speeches)} speeches", unit="speeches", quantity=str(len(speeches))
    ).set(XML_LANG, "en")
    _sub(extent, "measure", f"{words} words", unit="words", quantity=str(words)).set(XML_LANG, "en")
    publication = _sub(file_desc, "publicationStmt")
    _sub(_sub(publication, "publisher"), "orgName", "councilbase")
    availability = _sub(publication, "availability", status="free")
    _sub(availability, "p", "An official document of the United Nations.").set(XML_LANG, "en")
    bibl = _sub(_sub(file_desc, "sourceDesc"), "bibl")
    _sub(bibl, "title", key, type="main").set(XML_LANG, "en")
    _sub(bibl, "idno", f"https://undocs.org/en/{record.symbol or key}", type="URI", subtype="ODS")
    if record.date:
        _sub(bibl, "date", record.date, when=record.date)
    profile = _sub(header, "profileDesc")
    setting = _sub(_sub(profile, "settingDesc"), "setting")
    _sub(setting, "name", "United Nations Headquarters", type="address")
    if record.place:
        _sub(setting, "name", record.place, type="city")
    if record.date:
        _sub(setting, "date", record.date, when=record.date)
    partic = _sub(profile, "particDesc")
    list_org = _sub(partic, "listOrg")
    council = _sub(list_org, "org", role="parliament", ana="#parla.international")
    council.set(XML_ID, org)
    _sub(council, "orgName", org_name, full="yes").set(XML_LANG, "en")
    states = sorted(
        {p.state for p in people if p.state}
        | {reference.resolve_state(m.country) or "" for m in record.members} - {""}
    )
    for code in states:
        state = reference.state_by_code(code)
        entry = _sub(list_org, "org", role="state")
        entry.set(XML_ID, f"state.{code}")
        _sub(entry, "orgName", state.name if state else code, full="yes").set(XML_LANG, "en")
        _sub(entry, "idno", code, type="ISO3166-1-alpha-3")
    list_person = _sub(partic, "listPerson")
    for person in people:
        element = _sub(list_person, "person")
        element.set(XML_ID, person.id)
        _sub(element, "persName", person.name)
        role = "representative" if person.state else person.role
        if person.state:
            _sub(element, "affiliation", ref=f"#state.{person.state}", role=role)
        elif person.affiliation:
            _sub(element, "affiliation", person.affiliation, role=role)
    lang_usage = _sub(profile, "langUsage")
    _sub(lang_usage, "language", "English", ident="en").set(XML_LANG, "en")


def record_tei(record: Record, key: str) -> ET.Element:
    """A record as a ParlaMint TEI document."""
    by_speech = speakers(record)
    people: dict[str, Speaker] = {}
    for speaker in by_speech.values():
        people.setdefault(speaker.id, speaker)
    doc_id = document_id(record, key)
    tei = ET.Element(_t("TEI"), {"ana": "#parla.sitting #reference"})
    tei.set(XML_ID, doc_id)
    tei.set(XML_LANG, "en")
    _header(tei, record, key, list(people.values()))
    text = _sub(tei, "text", ana="#reference")
    body = _sub(text, "body")
    div = _sub(body, "div", type="debateSection")
    speech_index = 0
    for item in record.items:
        if isinstance(item, Speech):
            speaker = by_speech[speech_index]
            _sub(div, "note", item.speaker_line, type="speaker")
            u = _sub(div, "u", who=f"#{speaker.id}", ana=SPEAKER_TYPE.get(speaker.role, "#guest"))
            u.set(XML_ID, f"{doc_id}.u{speech_index + 1}")
            changes = {c.paragraph: c.language for c in item.language_changes}
            for n, paragraph in enumerate(item.text, start=1):
                if n - 1 in changes:
                    _sub(u, "note", f"(spoke in {changes[n - 1]})", type="comment")
                seg = _sub(u, "seg", paragraph)
                seg.set(XML_ID, f"{doc_id}.u{speech_index + 1}.p{n}")
            speech_index += 1
        elif isinstance(item, Heading):
            if len(div) > 0:
                div = _sub(body, "div", type="debateSection")
            _sub(div, "head", item.text)
        elif isinstance(item, VotePassage):
            _sub(div, "note", item.text, type="vote")
        elif isinstance(item, Procedure):
            _sub(div, "note", item.text, type="narrative", subtype=item.type)
    return tei


def write_parlamint(
    record: Record, key: str, folder: Path, staged: Callable[[Path], Path] | None = None
) -> Path:
    """Write one meeting's ParlaMint TEI file (through ``staged``, see
    :func:`councilbase.export.records.write_xml`); its path."""
    return write_xml(
        record_tei(record, key), TEI, folder / f"{document_id(record, key)}.xml", staged
    )
