"""One entry point for any input: PDF records, text records, speech-level corpus folders
and files, JSONL records; folders are walked. :func:`plan` cuts the inputs into units of
work (a file, or one meeting's speech files), :func:`parse_unit` parses one unit and runs
the extract stage on what it gives."""

from __future__ import annotations

import glob
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from councilbase.errors import RecordError
from councilbase.extract import extract
from councilbase.model import Record, record_from_json
from councilbase.parse import parse_path
from councilbase.parse.corpus import parse_corpus
from councilbase.read.speeches import is_corpus_name, name_fields


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
    return "Security Council" in text[:1500] and ("meeting" in text[:1500] or "S/PV." in text[:300])


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
                sha.update(path.name.encode("utf-8") + b"\0")
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
                ignored.append(str(file))
                continue
            if file.suffix.lower() == ".jsonl":
                units.append(Unit(str(file), "jsonl", [file]))
                continue
            kind = classify(file)
            if kind == "missing":
                failures.append(RecordError(str(file), "does not exist"))
            elif kind == "speeches":
                fields = name_fields(file.name)
                if fields is None:
                    units.append(Unit(str(file), "speeches", [file]))
                else:
                    _, number, resumption, _ = fields
                    group = (str(file.parent), number, resumption or 0)
                    corpus.setdefault(group, []).append(file)
            else:
                units.append(Unit(str(file), kind, [file]))
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
            return Parsed(list(read_jsonl(unit.files[0])), [])
        else:
            parsed = Parsed([parse_path(unit.files[0])], [])
        for record in parsed.records:
            extract(record)
        return parsed
    except RecordError as exc:
        return Parsed([], [exc])
    except Exception as exc:  # a parser bug must not stop the run: report it
        return Parsed([], [RecordError(unit.label, f"could not be parsed ({exc!r})")])


def read_jsonl(path: Path) -> Iterator[Record]:
    """Records from a JSONL file of ``councilbase.record/1`` documents."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield record_from_json(json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                raise RecordError(
                    f"{path}:{number}", f"is not a councilbase record ({exc})"
                ) from exc


def parse_inputs(paths: Iterable[str]) -> ParseResult:
    """Parse every input (files, folders, globs); corpus files are grouped into one record
    per meeting."""
    result = ParseResult()
    units, missing, _ = plan(paths)
    result.errors.extend(missing)
    for unit in units:
        parsed = parse_unit(unit)
        result.records.extend(parsed.records)
        result.errors.extend(parsed.errors)
    return result
