"""The parse stage: a read and cleaned document -> a :class:`~councilbase.model.Record`.

:func:`parse_path` is the entry point for one file of any supported format.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from councilbase import __version__
from councilbase.errors import RecordError
from councilbase.model import Procedure, Record, Source
from councilbase.parse import speaker as sp
from councilbase.parse.body import Para, parse_body, recognise_invitation
from councilbase.parse.cover import parse_cover
from councilbase.read.layout import Document, pdf_document
from councilbase.read.pdf import read_pdf
from councilbase.read.text import read_text_file, text_document

PARSER_REVISION = 2
"""Raised whenever the parsers read a record differently, so that ``ingest`` parses files
it holds again (a source is unchanged only for the same bytes and the same version)."""
PARSER_VERSION = f"councilbase {__version__} (parser {PARSER_REVISION})"


def document_record(document: Document, sha256: str | None = None) -> Record:
    """Parse a read and cleaned document into a record."""
    cover = parse_cover(document.cover)
    titles = [item.title for item in cover.agenda]
    paragraphs = [Para(p.text, tuple(p.pages), p.indented) for p in document.paragraphs]
    texts = [" ".join([item.title, *item.sub_items]) for item in cover.agenda]
    items = parse_body(paragraphs, titles, texts)
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
        agenda=cover.agenda,
        items=items,
        source=Source(
            path=document.path,
            format=document.format,
            sha256=sha256,
            pages=document.page_count,
            parser_version=PARSER_VERSION,
        ),
        warnings=list(cover.warnings),
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


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_pdf(path: str | Path) -> Record:
    """Parse a PDF verbatim record."""
    path = Path(path)
    pages = read_pdf(path)
    record = document_record(pdf_document(str(path), pages), file_sha256(path))
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
    text = read_text_file(path)
    record = document_record(text_document(str(path), text), file_sha256(path))
    if record.symbol is None and not record.speeches:
        raise RecordError(str(path), "is not a Security Council record (no symbol, no speeches)")
    return record


def parse_path(path: str | Path) -> Record:
    """Parse one file: a PDF record or a text record."""
    path = Path(path)
    if not path.exists():
        raise RecordError(str(path), "does not exist")
    if path.is_dir():
        raise RecordError(str(path), "is a folder; give a file (or use a speech-corpus folder)")
    with path.open("rb") as handle:
        head = handle.read(1024)
    if path.suffix.lower() == ".pdf" or head.lstrip().startswith(b"%PDF"):
        return parse_pdf(path)
    return parse_text(path)
