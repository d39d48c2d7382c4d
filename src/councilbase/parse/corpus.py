"""Parse speech-level corpus files into speeches, and group them into meeting records.

Both text variants are handled: (a) one line per speech with left-over headers and job
numbers; (b) the older layout that keeps the PDF's line breaks, line-end hyphens,
`` - `` dashes and glued words. Repairs are counted per speech.
"""

from __future__ import annotations

import hashlib
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from councilbase import clean, reference
from councilbase.errors import RecordError
from councilbase.model import LanguageChange, Record, Source, Speech
from councilbase.parse import PARSER_VERSION
from councilbase.parse import speaker as sp
from councilbase.parse.body import recognise_invitation
from councilbase.read.speeches import SpeechFile, is_corpus_name, read_speech_file


@dataclass
class CorpusResult:
    """Records parsed from corpus files, and the files that could not be read."""

    records: list[Record]
    errors: list[RecordError]


_VOCABULARY_READY = False


def _ensure_vocabulary() -> None:
    global _VOCABULARY_READY
    if not _VOCABULARY_READY:
        clean.add_vocabulary(reference.vocabulary())
        _VOCABULARY_READY = True


def is_wrapped(text: str) -> bool:
    """Whether a speech keeps a PDF's line breaks (the older corpus variant)."""
    lines = [ln for ln in text.replace("\r\n", "\n").split("\n") if ln.strip()]
    if len(lines) < 4:
        return False
    return statistics.median(len(ln) for ln in lines) < 100


def repair_text(text: str, titles: Iterable[str] = ()) -> tuple[list[str], dict[str, int]]:
    """Clean a corpus speech into paragraphs, counting each kind of repair."""
    _ensure_vocabulary()
    repairs: dict[str, int] = {}
    if is_wrapped(text):
        paragraphs, counts = clean.unwrap_lines(text)
        repairs.update(counts)
    else:
        paragraphs = [clean.normalize_space(p) for p in text.replace("\r\n", "\n").split("\n")]
        paragraphs = [p for p in paragraphs if p]
    out: list[str] = []
    headers = glued = dashes = 0
    for paragraph in paragraphs:
        paragraph, n = clean.remove_corpus_headers(paragraph, titles)
        headers += n
        paragraph, n = clean.repair_dashes(paragraph)
        dashes += n
        paragraph, n = clean.split_glued(paragraph)
        glued += n
        if paragraph:
            out.append(paragraph)
    repairs.update({"headers_removed": headers, "dashes": dashes, "glued_split": glued})
    return out, repairs


_INNER_SPEAKER = re.compile(
    r"(?:^|(?<=\s))(?:Mr|Mrs|Ms|Dame|Sir)\.\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}"
    r"\s+\([^()]{3,80}\)(?:\s+\(spoke in [A-Z][a-z]+\))?:"
)
"""A speaker line inside a speech's text: a file that holds several speeches."""


def parse_speech(
    file: SpeechFile, titles: Iterable[str] = (), year: int | None = None
) -> tuple[Speech, list[str]]:
    """One corpus file -> a speech, and any warnings (such as a missing speaker line)."""
    warnings: list[str] = []
    paragraphs, repairs = repair_text(file.text, titles)
    name = Path(file.path).name
    if not paragraphs:
        raise RecordError(file.path, "has no text")
    found = sp.match_speaker(paragraphs[0])
    if found is None:
        warnings.append(f"{name}: no speaker line; kept as a speech by an unknown speaker")
        speech = Speech(
            speaker_line="",
            title=None,
            name=None,
            affiliation=None,
            role="unknown",
            language=None,
            text=paragraphs,
            source_file=name,
            repairs=repairs,
        )
        return speech, warnings
    first = found.rest.strip()
    changes: list[LanguageChange] = []
    text: list[str] = []
    for paragraph in [first, *paragraphs[1:]]:
        body, language = sp.split_inline_language(paragraph)
        while language:
            changes.append(LanguageChange(paragraph=len(text), language=language))
            body, language = sp.split_inline_language(body)
        if body:
            text.append(body)
    role = sp.classify_role(found.title, found.affiliation, None, year or file.year)
    further = len(_INNER_SPEAKER.findall(" ".join(text)))
    if further:
        warnings.append(
            f"{name}: {further} more speaker lines inside the speech; the file may hold several "
            "speeches (kept as one)"
        )
    if not text:
        warnings.append(f"{name}: a speaker line and no text")
    speech = Speech(
        speaker_line=found.speaker_line,
        title=found.title,
        name=found.name,
        affiliation=found.affiliation,
        role=role,
        language=found.language,
        text=text,
        language_changes=changes,
        source_file=name,
        repairs=repairs,
    )
    return speech, warnings


def resolve_briefers(record: Record) -> None:
    """Give speakers printed without affiliation (``Mr. Lowcock:``) the function the
    President's invitation in the same meeting names, and their role from it."""
    texts = [
        paragraph
        for speech in record.speeches
        if speech.title == "The President"
        for paragraph in speech.text
        if recognise_invitation(paragraph) is not None
    ]
    functions = sp.invitees(texts)
    for speech in record.speeches:
        if speech.affiliation is None and speech.name:
            function = functions.get(speech.name.split()[-1])
            if function:
                speech.affiliation = function
                speech.role = sp.classify_role(speech.title, function, None, record.year)


def corpus_files(paths: Iterable[str | Path]) -> list[Path]:
    """The ``.txt`` files under folders and among the given paths, sorted by name."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
        else:
            files.append(path)
    return sorted(set(files), key=lambda p: (p.name, str(p)))


def _group_key(file: SpeechFile) -> tuple[int, int, str]:
    if file.meeting_number is None:
        return (1, 0, file.path)
    return (0, file.meeting_number, f"{file.resumption or 0:04d}")


def parse_corpus(paths: Iterable[str | Path]) -> CorpusResult:
    """Parse corpus files (folders, files) into one record per meeting, speeches in order.

    A file that cannot be read is reported in ``errors`` and never stops the rest.
    A file whose name does not follow the corpus layout becomes a record of its own,
    with the meeting unknown.
    """
    files: list[SpeechFile] = []
    errors: list[RecordError] = []
    for path in corpus_files(paths):
        try:
            files.append(read_speech_file(path))
        except RecordError as exc:
            errors.append(exc)
    groups: dict[tuple[int, int, str], list[SpeechFile]] = {}
    for file in files:
        groups.setdefault(_group_key(file), []).append(file)
    records: list[Record] = []
    for key in sorted(groups):
        group = sorted(groups[key], key=lambda f: (f.order or 0, f.path))
        titles = clean.learn_running_titles(f.text for f in group)
        record = Record(
            symbol=group[0].symbol,
            meeting_number=group[0].meeting_number,
            resumption=group[0].resumption,
            year=group[0].year,
            layout="speeches",
        )
        for file in group:
            try:
                speech, warnings = parse_speech(file, titles)
            except RecordError as exc:
                errors.append(exc)
                continue
            record.items.append(speech)
            record.warnings.extend(warnings)
        if not record.items:
            continue
        resolve_briefers(record)
        digest = hashlib.sha256()
        for file in group:
            digest.update(Path(file.path).name.encode() + b"\0" + file.text.encode("utf-8") + b"\0")
        record.source = Source(
            path=str(Path(group[0].path).parent)
            if is_corpus_name(Path(group[0].path).name)
            else group[0].path,
            format="speeches",
            sha256=digest.hexdigest(),
            files=[Path(f.path).name for f in group],
            parser_version=PARSER_VERSION,
        )
        records.append(record)
    return CorpusResult(records=records, errors=errors)
