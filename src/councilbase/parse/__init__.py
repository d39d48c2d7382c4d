"""The parse stage: a read and cleaned document -> a :class:`~councilbase.model.Record`.

:func:`parse_path` is the entry point for one file of any supported format.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from councilbase import __version__
from councilbase.errors import RecordError
from councilbase.model import Procedure, Record, Source, Speech
from councilbase.parse import speaker as sp
from councilbase.parse.body import Para, parse_body_and_agenda, recognise_invitation
from councilbase.parse.cover import Cover, parse_cover
from councilbase.read.layout import Document, pdf_document
from councilbase.read.lines import Page
from councilbase.read.text import read_text_file, text_document

PARSER_REVISION = 3
"""Raised whenever the parsers read a record differently, so that ``ingest`` parses files
it holds again (a source is unchanged only for the same bytes and the same version)."""
PARSER_VERSION = f"councilbase {__version__} (parser {PARSER_REVISION})"


def document_record(
    document: Document,
    sha256: str | None = None,
    cover: Cover | None = None,
    tolerant: bool = False,
    assembly: bool = False,
) -> Record:
    """Parse a read and cleaned document into a record (with the cover, when a layout
    family read it apart; ``tolerant`` of OCR's misreadings, for a document read by OCR;
    ``assembly``: a plenary record of the General Assembly, whose agenda items are headings
    in the body)."""
    cover = cover if cover is not None else parse_cover(document.cover, ocr=tolerant)
    titles = [item.title for item in cover.agenda]
    paragraphs = [Para(p.text, tuple(p.pages), p.indented) for p in document.paragraphs]
    texts = [" ".join([item.title, *item.sub_items]) for item in cover.agenda]
    items, headed = parse_body_and_agenda(paragraphs, titles, texts, tolerant, assembly)
    record = Record(
        symbol=cover.symbol,
        meeting_number=cover.meeting_number,
        resumption=cover.resumption,
        session=cover.session,
        session_number=cover.session_number,
        year=int(cover.date[:4]) if cover.date else None,
        date=cover.date,
        time=cover.time,
        place=cover.place,
        president=cover.president,
        members=cover.members,
        agenda=cover.agenda + headed,
        items=items,
        source=Source(
            path=document.path,
            format=document.format,
            sha256=sha256,
            pages=document.page_count,
            parser_version=PARSER_VERSION,
        ),
        warnings=list(cover.warnings),
        body="GA" if assembly else "SC",
    )
    assign_roles(record)
    empty = sum(1 for speech in record.speeches if not speech.text)
    if empty:
        record.warnings.append(f"{empty} speeches have a speaker line and no text")
    if not record.speeches:
        record.warnings.append("no speeches found")
    return record


def invitations(record: Record) -> list[str]:
    """The passages inviting someone to the table: procedural lines ("At the invitation of
    the President, ...") and the President's own paragraphs under rule 37 or 39 (kept in
    the speech, where the record prints them, and read from there)."""
    found = [
        item.text
        for item in record.items
        if isinstance(item, Procedure) and item.type == "invitation"
    ]
    for speech in record.speeches:
        if speech.title in ("The President", "The Acting President"):
            found += [p for p in speech.text if recognise_invitation(p) is not None]
    return found


def assign_roles(record: Record) -> None:
    """Give every speech its role, and an affiliation where the record itself supplies one:
    the President's country, a member's country from the cover page, an invited briefer's
    function from the President's invitation.
    """
    if record.body == "GA":
        assign_assembly_roles(record)
        return
    members = [m.country for m in record.members]
    invitees = sp.invitees(invitations(record))
    by_person = {
        m.representative.split()[-1]: m.country for m in record.members if m.representative
    }
    for speech in record.speeches:
        if speech.title in ("The President", "The Acting President") and record.president:
            speech.affiliation = speech.affiliation or record.president.country
        elif not speech.affiliation and speech.name:
            surname = speech.name.split()[-1]
            if surname in invitees:
                speech.affiliation = invitees[surname]
            elif surname in by_person:
                speech.affiliation = by_person[surname]
        speech.role = sp.classify_role(speech.title, speech.affiliation, members, record.year)


_CHAIR_TAKEN = __import__("re").compile(
    r"(?P<name>(?:(?:Mr|Mrs|Ms|Dr)\.|Miss|Sir|Dame|Sheikh|Sheikha|Archbishop|Prince|Princess)"
    r"\s+[^()]{2,80}?)\s*\((?P<country>[^()]{3,80})\)"
)


def assign_assembly_roles(record: Record) -> None:
    """Roles in the Assembly: the President, or the Vice-President in the Chair (named by
    the record's "Mr. X (Country), Vice-President, took the Chair"); the members of the
    United Nations on the day; its observers (the Holy See, the State of Palestine, the
    European Union, ...); the chairs and rapporteurs of committees, panels and round tables
    (their office in ``function``); the Secretariat."""
    from councilbase import reference

    day = record.date or (str(record.year) if record.year else None)
    members = reference.un_members(day) if day else frozenset()
    observers = reference.observers()
    acting: tuple[str, str] | None = None  # the Vice-President in the Chair
    for item in record.items:
        if isinstance(item, Procedure) and item.type == "chair_taken":
            found = _CHAIR_TAKEN.search(item.text)
            acting = (
                (found.group("name").strip(), found.group("country").strip()) if found else None
            )
            continue
        if isinstance(item, Procedure) and item.type == "chair_returned":
            acting = None
            continue
        if not isinstance(item, Speech):
            continue
        speech = item
        if speech.title in ("The President", "The Acting President", "The Temporary President"):
            speech.role = "president"
            if acting is not None:
                speech.name = speech.name or acting[0]
                speech.affiliation = speech.affiliation or acting[1]
            elif speech.title == "The President" and record.president:
                speech.affiliation = speech.affiliation or record.president.country
            continue
        if speech.title in ("The Secretary-General", "The Deputy Secretary-General"):
            speech.role = "un_official"
            continue
        office = (speech.function or "").lower()
        code = reference.resolve_state(speech.affiliation) if speech.affiliation else None
        if office.startswith(("rapporteur", "acting rapporteur", "vice-rapporteur")):
            speech.role = "rapporteur"
        elif office and "president" not in office:
            speech.role = "chair"
        elif code is not None and (code in members or not members) and code not in observers:
            speech.role = "member"
        elif code is not None:
            speech.role = "observer"
        elif speech.affiliation and sp.UN_FUNCTION_WORDS.search(speech.affiliation):
            speech.role = "un_official"
        elif speech.affiliation:
            speech.role = "observer"  # an organisation the Assembly has as an observer
        else:
            speech.role = "unknown"


_HEADER_SYMBOL = __import__("re").compile(r"\bS\s?[/Il1|]\s?P\s?V\s?[.,]\s?(\d{2,5})\b")


def symbol_from_headers(pages: Sequence[Page]) -> str | None:
    """The meeting's symbol from the running headers of its pages (``S/PV.8700 The
    situation ...``), the commonest reading, when the cover page's could not be read."""
    from collections import Counter

    found: Counter[str] = Counter()
    for page in pages:
        for line in page.lines[:6] + page.lines[-6:]:
            match = _HEADER_SYMBOL.search(line.text)
            if match:
                found[f"S/PV.{int(match.group(1))}"] += 1
    if not found:
        return None
    symbol, count = found.most_common(1)[0]
    return symbol if count >= 2 else None


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_pdf(path: str | Path, ocr: str = "auto", ocr_cache: Path | None = None) -> Record:
    """Parse a PDF verbatim record, reading pages by OCR as ``ocr`` says (``auto``: pages
    without text, and scans whose text layer is poor), with the rules of its layout family
    (:mod:`councilbase.parse.layouts`)."""
    from councilbase.model import PageReading
    from councilbase.parse.layouts import detect, general_assembly, official_records
    from councilbase.read.layout import Paragraph
    from councilbase.read.pdf import read_pdf_document

    path = Path(path)
    reading = read_pdf_document(path, ocr, ocr_cache)
    layout = detect(reading.pages, reading.readings, reading.producer)
    pages = reading.pages
    cover = None
    assembly = general_assembly.is_assembly(pages[0])
    if assembly:
        # the body begins on the first page, under the President's line
        first = general_assembly.split_first_page(pages[0])
        cover = general_assembly.read_cover(first.heading, first.foot)
        pages = [
            Page(pages[0].number, first.heading, pages[0].width, pages[0].height),
            first.body,
            *pages[1:],
        ]
    document = pdf_document(str(path), pages, layout.columns, "en" if layout.bilingual else None)
    document.page_count = len(reading.pages)
    if layout.name == "official-records" and len(reading.pages) > 1:
        cover, paragraphs = official_records.read_cover(
            document.cover, reading.pages[1].lines, document.paragraphs
        )
        sections = official_records.contents(document.cover)
        document.paragraphs = [
            Paragraph(title, p.pages, p.indented, p.parts)
            if (title := official_records.section_title(p.text, sections))
            else p
            for p in paragraphs
        ]
    ocr_read = any(r.source == "ocr" for r in reading.readings)
    record = document_record(document, file_sha256(path), cover, ocr_read, assembly)
    if record.symbol is None and not assembly:
        found = symbol_from_headers(reading.pages)
        if found:
            record.symbol, record.meeting_number = found, int(found.split(".")[1])
            record.warnings = [w for w in record.warnings if w != "cover page: no symbol found"]
    record.layout = layout.name
    record.body = "GA" if assembly else "SC"
    record.reading = [PageReading(r.page, r.source, r.quality) for r in reading.readings]
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 2048))
        tail = handle.read()
    if b"%%EOF" not in tail:
        record.warnings.append(
            "the file looks truncated (it does not end with %%EOF): pages or text after the cut "
            "may be missing"
        )
    return record


def parse_text(path: str | Path) -> Record:
    """Parse a verbatim record already turned into text (form feeds between pages)."""
    path = Path(path)
    from councilbase.parse.layouts import general_assembly

    text = read_text_file(path)
    document = text_document(str(path), text)
    assembly = general_assembly.is_assembly(Page(1, document.cover))
    cover = None
    if assembly:
        cover = general_assembly.read_cover(document.cover, [])
    record = document_record(document, file_sha256(path), cover, assembly=assembly)
    record.layout = "text"
    if record.symbol is None and not record.speeches:
        raise RecordError(str(path), "is not a Security Council record (no symbol, no speeches)")
    return record


def parse_path(path: str | Path, ocr: str = "auto") -> Record:
    """Parse one file: a PDF record (pages read by OCR as ``ocr`` says) or a text record."""
    path = Path(path)
    if not path.exists():
        raise RecordError(str(path), "does not exist")
    if path.is_dir():
        raise RecordError(str(path), "is a folder; give a file (or use a speech-corpus folder)")
    with path.open("rb") as handle:
        head = handle.read(1024)
    if path.suffix.lower() == ".pdf" or head.lstrip().startswith(b"%PDF"):
        return parse_pdf(path, ocr)
    return parse_text(path)
