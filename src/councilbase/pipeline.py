"""One entry point for any input: PDF records, text records, corpus folders and files."""

from __future__ import annotations

import glob
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from councilbase.errors import RecordError
from councilbase.model import Record
from councilbase.parse import parse_path
from councilbase.parse.corpus import parse_corpus
from councilbase.read.speeches import is_corpus_name


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


def parse_inputs(paths: Iterable[str]) -> ParseResult:
    """Parse every input; corpus files are grouped into one record per meeting."""
    result = ParseResult()
    corpus: list[Path] = []
    for path in expand(paths):
        kind = classify(path)
        if kind == "missing":
            result.errors.append(RecordError(str(path), "does not exist"))
        elif kind == "speeches":
            corpus.append(path)
        else:
            try:
                result.records.append(parse_path(path))
            except RecordError as exc:
                result.errors.append(exc)
    if corpus:
        parsed = parse_corpus(corpus)
        result.records.extend(parsed.records)
        result.errors.extend(parsed.errors)
    return result
