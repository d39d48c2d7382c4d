"""Read a record already turned into text (pages separated by form feeds, as pdftotext
writes it) into cover lines and body paragraphs.

Without positions, furniture is recognised by its form at the top and bottom of each
page, and paragraphs end at blank lines, at short lines, and before a speaker line or
a procedural line.
"""

from __future__ import annotations

import codecs
import re
import statistics
from pathlib import Path

from councilbase import clean
from councilbase.errors import RecordError
from councilbase.read.layout import Document, Paragraph
from councilbase.read.lines import Line

_SPEAKER_START = re.compile(
    r"^(?:Mr\.|Mrs\.|Ms\.|Miss|Dame|Sir|Dr\.|The President|The Secretary-General|"
    r"The Deputy Secretary-General|Archbishop|Sheikh|Prince|Princess)(?=[\s(:])[^:]{0,160}:(?:\s|$)"
)
_STARTS_ITEM = re.compile(
    r"^(?:The meeting (?:was|rose|resumed)|The agenda was adopted|A (?:recorded )?vote was taken|"
    r"In favour:|Against:|Abstaining:|Adoption of the agenda$)"
)


def _starts_item(line: str, following: str) -> bool:
    """A line that starts a speech (its speaker line may run onto the next line) or a
    procedural passage."""
    if _STARTS_ITEM.match(line) or _SPEAKER_START.match(line):
        return True
    return ":" not in line and bool(_SPEAKER_START.match(f"{line} {following}"))


def decode(path: str, data: bytes) -> str:
    """Text from bytes: UTF-8 (with or without a BOM), UTF-16 (with a BOM, or without one
    when its zero bytes show it), else cp1252.

    Raises :class:`RecordError` for binary data.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise RecordError(
                path, "is not valid UTF-16 text despite its byte-order mark"
            ) from None
    if b"\x00" in data[:4096]:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise RecordError(path, "is a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > 8:
        raise RecordError(path, "is a binary file, not text")
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark: every other byte of its Latin letters
    is zero."""
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        head = head[: len(head) - len(head) % 2]
    zeros_odd = head[1::2].count(0) / max(1, len(head) // 2)
    zeros_even = head[0::2].count(0) / max(1, len(head) // 2)
    encoding = "utf-16-le" if zeros_odd > 0.6 and zeros_even < 0.05 else None
    if encoding is None and zeros_even > 0.6 and zeros_odd < 0.05:
        encoding = "utf-16-be"
    if encoding is None:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for ch in text[:2048] if ord(ch) < 32 and ch not in "\r\n\t\f")
    return text if controls <= 8 else None


def read_text_file(path: str | Path, max_bytes: int | None = None) -> str:
    """The text of a file, decoded; :class:`RecordError` when it is unreadable, empty, or
    (with ``max_bytes``) larger than a file of its kind can be."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1 if max_bytes is not None else -1)
    except OSError as exc:
        raise RecordError(str(path), f"cannot be read ({exc.strerror})") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise RecordError(
            str(path), f"is larger than {max_bytes / 1e6:.0f} MB, more than a file of its kind"
        )
    if not data.strip():
        raise RecordError(str(path), "is empty")
    return decode(str(path), data)


def _is_top_furniture(text: str, title: str | None) -> bool:
    return clean.is_running_header(text, title) or clean.is_footer(text)


def text_pages(text: str) -> list[list[str]]:
    """The pages of a text record as lists of lines, furniture removed."""
    pages = [
        page.split("\n") for page in text.replace("\r\n", "\n").replace("\r", "\n").split("\f")
    ]
    return [[clean.normalize_space(line) for line in page] for page in pages]


def _strip_furniture(lines: list[str], title: str | None) -> list[str]:
    start = 0
    while start < len(lines) and (not lines[start] or _is_top_furniture(lines[start], title)):
        start += 1
    end = len(lines)
    while end > start and (not lines[end - 1] or _is_top_furniture(lines[end - 1], title)):
        end -= 1
    return [line for line in lines[start:end] if not clean.is_footer(line)]


def text_document(path: str, text: str) -> Document:
    """Cover lines and body paragraphs of a text record."""
    pages = text_pages(text)
    while pages and not any(pages[-1]):
        pages.pop()
    if not pages or not any(any(page) for page in pages):
        raise RecordError(path, "has no text")
    from councilbase.parse.layouts.general_assembly import split_first_text_page

    assembly = split_first_text_page(pages[0])
    cover_lines = [line for line in (assembly[0] if assembly else pages[0]) if line]
    cover: list[Line] = []
    for line in cover_lines:
        if line.startswith(clean.DISCLAIMER_START[:30]):
            break
        cover.append(Line(text=line, page=1))
    title = _running_title(pages)
    body: list[tuple[int, str]] = []
    if assembly:  # the Assembly's body begins under the President's line
        body.extend((1, line) for line in assembly[1] if line.strip())
    for number, page in enumerate(pages[1:], start=2):
        body.extend((number, line) for line in _strip_furniture(page, title) if line)
    long_lines = [len(line) for _, line in body if len(line) > 20]
    width = statistics.median(long_lines) if long_lines else 50.0
    seen = clean.word_counts(line for _, line in body)

    paragraphs: list[Paragraph] = []
    parts: list[tuple[str, bool]] = []
    pages_of: list[int] = []

    def flush() -> None:
        if parts:
            joined = clean.join_lines(parts, seen, prefer_keep=True)
            if joined:
                paragraphs.append(Paragraph(joined, sorted(set(pages_of)), False, list(parts)))
        parts.clear()
        pages_of.clear()

    for index, (number, line) in enumerate(body):
        following = body[index + 1][1] if index + 1 < len(body) else ""
        if _starts_item(line, following):
            flush()
        hyphen = len(line) > 1 and line.endswith("-") and line[-2].isalpha()
        parts.append((line[:-1] if hyphen else line, hyphen))
        pages_of.append(number)
        if len(line) < 0.7 * width and not hyphen:
            flush()
    flush()
    return Document(
        path=path, format="text", page_count=len(pages), cover=cover, paragraphs=paragraphs
    )


def _running_title(pages: list[list[str]]) -> str | None:
    """The agenda title printed in the running header: the commonest line of page tops."""
    tops: dict[str, int] = {}
    for page in pages[1:]:
        for line in [ln for ln in page if ln][:3]:
            if not clean.is_running_header(line) and not clean.is_footer(line):
                tops[line] = tops.get(line, 0) + 1
    if not tops:
        return None
    line, count = max(tops.items(), key=lambda kv: kv[1])
    return line if count >= max(2, (len(pages) - 1) // 2) else None
