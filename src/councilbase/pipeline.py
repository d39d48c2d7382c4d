"""One entry point for any input: PDF records, text records, speech-level corpus folders
and files, JSONL records; folders are walked. :func:`plan` cuts the inputs into units of
work (a file, or one meeting's speech files), :func:`parse_unit` parses one unit and runs
the extract stage on what it gives."""

from __future__ import annotations

import glob
import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from councilbase.errors import RecordError, safe_path
from councilbase.extract import extract
from councilbase.model import Record, record_from_json
from councilbase.parse import parse_path
from councilbase.parse.corpus import parse_corpus
from councilbase.read.speeches import is_corpus_name, name_fields

DEFAULT_TIME_LIMIT = 300.0
"""Seconds a file may take to parse when no limit is given (a PDF OCR may read: more)."""


@dataclass
class ParseResult:
    """What a run of the parsers gave: records, and the files that failed with why."""

    records: list[Record] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)


def expand(paths: Iterable[str]) -> list[Path]:
    """Paths with globs expanded (``records/*.pdf``); a glob that matches nothing is kept."""
    out: list[Path] = []
    for raw in paths:
        matches = sorted(glob.glob(raw)) if any(ch in raw for ch in "*?[") else []
        out.extend(Path(m) for m in matches) if matches else out.append(Path(raw))
    return out


def looks_like_text_record(path: Path) -> bool:
    """A text file holding a whole record (form feeds, or a cover page), not one speech."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    if b"\f" in head:
        return True
    text = head.decode("utf-8", errors="replace")
    council = "Security Council" in text[:1500] and (
        "meeting" in text[:1500] or "S/PV." in text[:300]
    )
    assembly = "General Assembly" in text[:1500] and (
        "plenary meeting" in text[:1500].lower() or re.search(r"A/(?:ES-)?\d+/PV\.", text[:600])
    )
    return bool(council or assembly)


def classify(path: Path) -> str:
    """``pdf``, ``text`` (a whole record), ``speeches`` (corpus folder or file) or ``missing``."""
    if path.is_dir():
        return "speeches"
    if not path.exists():
        return "missing"
    if path.suffix.lower() == ".pdf":
        return "pdf"
    if is_corpus_name(path.name):
        return "speeches"
    try:
        with path.open("rb") as handle:
            if handle.read(8).lstrip().startswith(b"%PDF"):
                return "pdf"
    except OSError:
        return "text"
    return "text" if looks_like_text_record(path) else "speeches"


RECORD_SUFFIXES = {".pdf", ".txt", ".text", ".jsonl"}


@dataclass
class Unit:
    """One piece of ingest work: a file, or one meeting's files in a speech-level folder."""

    path: str
    format: str
    files: list[Path]
    part: str = ""
    ocr: str = "auto"
    """How pages are read by OCR: auto, always or never (see :mod:`councilbase.read.pdf`)."""

    def time_limit(self, base: float | None = None) -> float:
        """Seconds this unit may take to parse: ``base`` when given (0: no limit), else
        the default: 300 s, and for a PDF whose pages OCR may read (several seconds a
        page) 20 s a page when that is more."""
        if base is not None:
            return base
        base = DEFAULT_TIME_LIMIT
        if self.format != "pdf" or self.ocr == "never":
            return base
        try:
            import pypdfium2 as pdfium

            document = pdfium.PdfDocument(str(self.files[0]))
            pages = len(document)
            document.close()
        except Exception:  # an unreadable file fails quickly in the parser anyway
            return base
        return max(base, 20.0 * pages)

    @property
    def label(self) -> str:
        """How the unit is named in messages."""
        return f"{self.path} [{self.part}]" if self.part else self.path

    def digest(self) -> tuple[str, int]:
        """SHA-256 and size of the bytes this unit reads."""
        sha = hashlib.sha256()
        size = 0
        many = len(self.files) > 1 or self.format == "speeches"
        for path in self.files:
            if many:
                sha.update(os.fsencode(path.name) + b"\0")
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    sha.update(block)
                    size += len(block)
            if many:
                sha.update(b"\0")
        return sha.hexdigest(), size


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def not_regular(path: Path) -> str | None:
    """Why a path cannot be read as a record file (a FIFO, a device such as /dev/zero, a
    socket: reading one may never end), or None for a regular file or a missing one."""
    try:
        mode = path.stat().st_mode  # follows a symbolic link to what it points at
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISREG(mode):
        return None
    kind = (
        "a FIFO"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    return f"is {kind}, not a regular file: not read"


_RESOLUTION_NAME = re.compile(r"^S[-_]RES[-_]\d{1,4}", re.I)


def is_resolution_name(name: str) -> bool:
    """Whether a file is named as a resolution (``S-RES-2254(2015).txt``,
    ``S_RES_2401(2018)_E.pdf``): ``resolutions import`` reads it, not ``ingest``."""
    return bool(_RESOLUTION_NAME.match(name))


def plan(paths: Iterable[str]) -> tuple[list[Unit], list[RecordError], list[str]]:
    """The units of work in files, folders and globs; the paths that do not exist
    (missing paths); and files ignored because they are not records."""
    units: list[Unit] = []
    failures: list[RecordError] = []
    ignored: list[str] = []
    corpus: dict[tuple[str, int, int], list[Path]] = {}
    for path in expand(paths):
        if path.is_dir():
            candidates = list(_walk(path))
            explicit = False
        else:
            candidates = [path]
            explicit = True
        for file in candidates:
            if not explicit and file.suffix.lower() not in RECORD_SUFFIXES:
                ignored.append(safe_path(file))
                continue
            if is_resolution_name(file.name):
                if explicit:
                    failures.append(
                        RecordError(
                            safe_path(file),
                            "is a resolution, not a meeting record: import it with"
                            " `councilbase resolutions import`",
                        )
                    )
                else:
                    ignored.append(safe_path(file))
                continue
            irregular = not_regular(file)
            if irregular is not None:
                failures.append(RecordError(safe_path(file), irregular))
                continue
            if file.suffix.lower() == ".jsonl":
                units.append(Unit(safe_path(file), "jsonl", [file]))
                continue
            kind = classify(file)
            if kind == "missing":
                failures.append(RecordError(safe_path(file), "does not exist"))
            elif kind == "speeches":
                fields = name_fields(file.name)
                if fields is None:
                    units.append(Unit(safe_path(file), "speeches", [file]))
                else:
                    _, number, resumption, _ = fields
                    group = (safe_path(file.parent), number, resumption or 0)
                    corpus.setdefault(group, []).append(file)
            else:
                units.append(Unit(safe_path(file), kind, [file]))
    for (folder, number, resumption), files in sorted(corpus.items()):
        part = f"S/PV.{number}" + (f" (Resumption {resumption})" if resumption else "")
        units.append(Unit(folder, "speeches", sorted(files, key=lambda p: p.name), part))
    return units, failures, ignored


@dataclass
class Parsed:
    """A unit's records, and the errors met while parsing it."""

    records: list[Record]
    errors: list[RecordError]


MAX_BYTES = {"pdf": 500_000_000, "text": 50_000_000, "speeches": 10_000_000}
"""The largest file each format may be: the longest real verbatim record's text is about
1 MB and the longest speech about 100 KB, so a file far past these is not a record."""


def too_big(unit: Unit) -> RecordError | None:
    """A unit with a file larger than its format allows, as an error naming the file."""
    limit = MAX_BYTES.get(unit.format)
    if limit is None:
        return None
    for path in unit.files:
        try:
            size = path.stat().st_size
        except OSError:
            continue
        if size > limit:
            return RecordError(
                str(path),
                f"is {size / 1e6:.1f} MB, more than a {unit.format} file can be "
                f"({limit / 1e6:.0f} MB): not read",
            )
    return None


def parse_unit(unit: Unit) -> Parsed:
    """Parse one unit, then extract from it (votes, affiliations, mentions, references);
    runs in a worker process; never raises for a bad input."""
    oversized = too_big(unit)
    if oversized is not None:
        return Parsed([], [oversized])
    try:
        if unit.format == "speeches":
            result = parse_corpus(unit.files)
            parsed = Parsed(result.records, result.errors)
        elif unit.format == "jsonl":
            read = list(read_jsonl(unit.files[0]))
            return Parsed(
                [r for r in read if isinstance(r, Record)],
                [r for r in read if isinstance(r, RecordError)],
            )
        else:
            parsed = Parsed([parse_path(unit.files[0], unit.ocr)], [])
        for record in parsed.records:
            _safe_paths(record)
            extract(record)
        return parsed
    except RecordError as exc:
        return Parsed([], [RecordError(safe_path(exc.path), exc.message)])
    except Exception as exc:  # a parser bug must not stop the run: report it
        return Parsed([], [RecordError(unit.label, f"could not be parsed ({exc!r})")])


MAX_JSONL_LINE = 50_000_000
"""The longest line a JSONL record may be (the longest real record is about 2 MB)."""


def _safe_paths(record: Record) -> None:
    """File names in a record as text that can be stored (see :func:`safe_path`)."""
    if record.source is not None:
        record.source.path = safe_path(record.source.path)
        record.source.files = [safe_path(f) for f in record.source.files]
    for speech in record.speeches:
        if speech.source_file is not None:
            speech.source_file = safe_path(speech.source_file)


def read_jsonl(path: Path) -> Iterator[Record | RecordError]:
    """The records of a JSONL file of ``councilbase.record/1`` documents, one per line,
    each checked against the schema and the domain's rules; a bad line gives a
    :class:`RecordError` naming the file, the line and the field, and the rest are read."""
    label = safe_path(path)
    for chunk in jsonl_chunks(path):
        yield from parse_jsonl_chunk(label, chunk)


JsonlChunk = list[tuple[int, bytes | None]]
"""Lines of a JSONL file with their numbers (None: a line too long to read)."""


def jsonl_chunks(path: Path, size: int = 4_000_000) -> Iterator[JsonlChunk]:
    """A JSONL file's lines, numbered, in chunks of about ``size`` bytes (for workers)."""
    chunk: JsonlChunk = []
    held = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(_lines(handle, MAX_JSONL_LINE), start=1):
            chunk.append((number, raw))
            held += len(raw or b"")
            if held >= size:
                yield chunk
                chunk, held = [], 0
    if chunk:
        yield chunk


def parse_jsonl_chunk(label: str, chunk: JsonlChunk) -> list[Record | RecordError]:
    """The records of some lines of a JSONL file (its name as ``label``), as read_jsonl
    gives them: blank lines left out, a bad line a :class:`RecordError`."""
    from councilbase.validate import check_document, load_document

    out: list[Record | RecordError] = []
    for number, raw in chunk:
        where = f"{label}:{number}"
        if raw is None:
            out.append(
                RecordError(where, f"is longer than {MAX_JSONL_LINE // 1_000_000} MB: not read")
            )
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            out.append(RecordError(where, f"is not UTF-8 text (byte {exc.start})"))
            continue
        if not text.strip():
            continue
        try:
            document = load_document(text)
            check_document(document)
            out.append(record_from_json(document))
        except (ValueError, KeyError, TypeError, IndexError, RecursionError) as exc:
            out.append(RecordError(where, f"is not a councilbase record: {exc}"))
    return out


def _lines(handle: Any, limit: int) -> Iterator[bytes | None]:
    """The lines of a binary file, each at most ``limit`` bytes (a longer one is skipped
    without being held in memory, and given as None)."""
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield None
            continue
        yield line


def parse_inputs(paths: Iterable[str], ocr: str = "auto") -> ParseResult:
    """Parse every input (files, folders, globs); corpus files are grouped into one record
    per meeting."""
    result = ParseResult()
    units, missing, _ = plan(paths)
    result.errors.extend(missing)
    for unit in units:
        unit.ocr = ocr
        parsed = parse_unit(unit)
        result.records.extend(parsed.records)
        result.errors.extend(parsed.errors)
    return result
