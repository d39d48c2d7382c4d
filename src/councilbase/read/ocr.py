"""Read a page by OCR: render it with pdfium, recognise it with Tesseract (the
``tesseract`` command of Debian's ``tesseract-ocr``), and give the same positioned lines
:mod:`councilbase.read.pdf` gives for a text layer, so everything after reading is the same.

Tesseract's TSV output gives each word with its box and confidence; words are grouped
into Tesseract's lines, boxes converted to PDF points (origin bottom-left). A line that
ends in a hyphen after a letter is marked as a line-end hyphen (the clean stage decides
whether it joins a word). Results are cached by the SHA-256 of the page image (and the
OCR settings), so reading the same scan again costs no OCR.

How good a page's text is, whether from its text layer or from OCR, is scored by
:func:`text_quality`: the share of its words that are words (of English, French, or the
names the reference data knows), with OCR's own confidence beside it.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import gzip
import hashlib
import io
import itertools
import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from councilbase.errors import RecordError
from councilbase.read.lines import Line

DPI = 300
"""Rendering resolution for OCR (Tesseract reads best at about 300 dpi)."""
LANGUAGES = "eng"
DEBIAN_PACKAGES = "tesseract-ocr tesseract-ocr-eng (and tesseract-ocr-fra for French columns)"
OCR_VERSION = "1"
"""Part of the cache key: raised when the OCR settings change what a page gives."""
_WORD = re.compile(r"[A-Za-zÀ-ÿ][a-zà-ÿ'’-]*[a-zà-ÿ]|[A-Za-zÀ-ÿ]")


class OcrUnavailable(RecordError):
    """Tesseract is not installed (or cannot run)."""


@dataclass(frozen=True)
class OcrPage:
    """One page read by OCR: its lines, and Tesseract's mean word confidence (0 to 1)."""

    lines: list[Line]
    confidence: float
    cached: bool


def tesseract() -> str:
    """The path of the ``tesseract`` command, or :class:`OcrUnavailable` saying what to
    install."""
    found = os.environ.get("COUNCILBASE_TESSERACT") or shutil.which("tesseract")
    if not found:
        raise OcrUnavailable(
            "tesseract",
            f"OCR needs Tesseract, which is not installed: install the Debian packages "
            f"{DEBIAN_PACKAGES} (apt-get install tesseract-ocr tesseract-ocr-eng)",
        )
    return found


@lru_cache(maxsize=1)
def tesseract_version() -> str:
    """Tesseract's version line (part of the cache key)."""
    try:
        done = subprocess.run(
            [tesseract(), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError as exc:
        raise OcrUnavailable("tesseract", f"cannot run Tesseract ({exc})") from exc
    return (done.stdout or done.stderr).splitlines()[0] if (done.stdout or done.stderr) else "?"


def cache_folder() -> Path:
    """``$COUNCILBASE_OCR_CACHE``, else ``~/.cache/councilbase/ocr``."""
    from councilbase import cache_dir

    return cache_dir("ocr", "COUNCILBASE_OCR_CACHE")


def render(page: Any, dpi: int = DPI) -> tuple[bytes, int, int]:
    """A page as an 8-bit grey PGM image (what Tesseract reads fastest): bytes, width,
    height in pixels."""
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    width, height = bitmap.width, bitmap.height
    stride = bitmap.stride
    buffer = bitmap.buffer
    if stride == width:
        pixels = bytes(buffer)
    else:
        raw = bytes(buffer)
        pixels = b"".join(raw[row * stride : row * stride + width] for row in range(height))
    header = f"P5\n{width} {height}\n255\n".encode("ascii")
    return header + pixels, width, height


def run_tesseract(image: bytes, languages: str = LANGUAGES) -> str:
    """Tesseract's TSV for one page image (one thread: pages run in parallel instead)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        done = subprocess.run(
            [tesseract(), "stdin", "stdout", "-l", languages, "--psm", "3", "tsv"],
            input=image,
            capture_output=True,
            env=env,
            timeout=600,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OcrUnavailable("tesseract", f"Tesseract failed to run ({exc})") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit status {done.returncode}"
        if "Failed loading language" in done.stderr.decode("utf-8", "replace"):
            detail = f"the language data for {languages!r} is missing: install {DEBIAN_PACKAGES}"
        raise OcrUnavailable("tesseract", f"Tesseract could not read the page ({detail})")
    return done.stdout.decode("utf-8", "replace")


def ocr_page(
    page: Any,
    number: int,
    *,
    dpi: int = DPI,
    languages: str = LANGUAGES,
    cache: Path | None = None,
) -> OcrPage:
    """Read one pdfium page by OCR into positioned lines (cached by the image's hash)."""
    image, _, _ = render(page, dpi)
    key = hashlib.sha256(
        b"|".join(
            [image, str(dpi).encode(), languages.encode(), OCR_VERSION.encode(),
             tesseract_version().encode()]
        )
    ).hexdigest()  # fmt: skip
    folder = cache if cache is not None else cache_folder()
    stored = folder / key[:2] / f"{key}.tsv.gz"
    tsv: str | None = None
    cached = False
    try:
        if stored.is_file():
            tsv = gzip.decompress(stored.read_bytes()).decode("utf-8")
            cached = True
    except (OSError, EOFError, ValueError):
        tsv = None
    if tsv is None:
        tsv = run_tesseract(image, languages)
        try:
            stored.parent.mkdir(parents=True, exist_ok=True)
            partial = stored.with_name(stored.name + f".{os.getpid()}.part")
            partial.write_bytes(gzip.compress(tsv.encode("utf-8"), 6))
            partial.replace(stored)
        except OSError:
            pass  # a cache that cannot be written costs time, never the result
    _width, height = page.get_size()
    lines, confidence = tsv_lines(tsv, number, dpi, height)
    return OcrPage(lines, confidence, cached)


_SYMBOL_MISREAD = re.compile(r"\b(S|A)\s?[/jJ|]\s?([0-9lIO]{3,5})\b")


def repair_symbols(text: str) -> str:
    """Document symbols as OCR misreads them in old scans: ``Sjl715`` -> ``S/1715``
    (a slash read as j, a one as l)."""

    def fix(match: re.Match[str]) -> str:
        digits = match.group(2).replace("l", "1").replace("I", "1").replace("O", "0")
        return f"{match.group(1)}/{digits}" if digits.isdigit() else match.group()

    return _SYMBOL_MISREAD.sub(fix, text)


_CONFUSIONS = (
    ("h", "b"), ("b", "h"), ("rn", "m"), ("m", "rn"), ("li", "h"), ("ii", "u"), ("cl", "d"),
    ("c", "e"), ("e", "c"), ("u", "n"), ("n", "u"), ("v", "y"), ("y", "v"), ("j", "f"),
    ("f", "j"), ("t", "f"), ("f", "t"), ("a", "o"), ("o", "a"), ("l", "i"), ("i", "l"),
    ("1", "l"), ("0", "o"), ("vv", "w"), ("s", "e"), ("r", "t"), ("t", "r"), ("o", "e"),
)  # fmt: skip
"""Letters OCR takes for one another in old type (``hy`` for ``by``, ``heen`` for ``been``)."""
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z0-9]*(?![\w'’-])")


def correct_words(text: str) -> str:
    """Mend the lower-case words OCR misread by one confusable letter: a word that is not
    a word becomes the commonest word one such change away, when there is one (names,
    capitalised, are left alone)."""
    from councilbase.clean import word_frequency

    def fix(match: re.Match[str]) -> str:
        word = match.group()
        if len(word) < 2 or word_frequency(word) or word_frequency(word.rstrip("s")):
            return word
        best, best_frequency = word, 0
        for wrong, right in _CONFUSIONS:
            start = word.find(wrong)
            while start >= 0:
                candidate = word[:start] + right + word[start + len(wrong) :]
                frequency = word_frequency(candidate)
                if frequency > best_frequency:
                    best, best_frequency = candidate, frequency
                start = word.find(wrong, start + 1)
        return best if best_frequency >= 50 else word

    return _LOWER_WORD.sub(fix, text)


def tsv_lines(tsv: str, number: int, dpi: int, page_height: float) -> tuple[list[Line], float]:
    """Tesseract's TSV as positioned lines in PDF points, and the mean word confidence."""
    scale = 72.0 / dpi
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    grouped: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    confidences: list[float] = []
    for row in reader:
        if row.get("level") != "5":
            continue
        text = (row.get("text") or "").strip()
        if not text:
            continue
        grouped.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(row)
        with contextlib.suppress(ValueError):
            confidences.append(max(0.0, float(row.get("conf") or 0)))
    lines: list[Line] = []
    for whole in grouped.values():
        for words in _segments(whole):
            lines.append(_line(words, number, scale, page_height))
    lines.sort(key=lambda ln: (-(ln.top or 0), ln.x0 or 0))
    confidence = sum(confidences) / len(confidences) / 100 if confidences else 0.0
    return lines, round(confidence, 3)


def _segments(words: list[dict[str, str]]) -> list[list[dict[str, str]]]:
    """A line of Tesseract's cut where a wide gap separates its words: two columns whose
    lines stand at the same height come back as one line."""
    ordered = sorted(words, key=lambda w: int(w["left"]))
    height = max(1, max(int(w["height"]) for w in ordered))
    out: list[list[dict[str, str]]] = [[ordered[0]]]
    for previous, word in itertools.pairwise(ordered):
        gap = int(word["left"]) - (int(previous["left"]) + int(previous["width"]))
        if gap > 2.5 * height:
            out.append([word])
        else:
            out[-1].append(word)
    return out


def _line(words: list[dict[str, str]], number: int, scale: float, page_height: float) -> Line:
    """Words of one printed line as a positioned line in PDF points."""
    left = min(int(w["left"]) for w in words)
    right = max(int(w["left"]) + int(w["width"]) for w in words)
    top = min(int(w["top"]) for w in words)
    bottom = max(int(w["top"]) + int(w["height"]) for w in words)
    text = correct_words(repair_symbols(" ".join(w["text"].strip() for w in words)))
    hyphen = bool(re.search(r"[A-Za-zÀ-ÿ]-$", text))
    if hyphen:
        text = text[:-1]
    return Line(
        text=text,
        page=number,
        x0=left * scale,
        x1=right * scale,
        top=page_height - top * scale,
        bottom=page_height - bottom * scale,
        hyphen=hyphen,
    )


@lru_cache(maxsize=1)
def _french() -> frozenset[str]:
    """French words (for the French columns of the bilingual Official Records)."""
    try:
        from spellchecker import SpellChecker

        return frozenset(SpellChecker(language="fr").word_frequency.keys())
    except Exception:  # the French list missing from the package: English alone
        return frozenset()


@functools.cache
def _names() -> frozenset[str]:
    """The words of every state's names and demonyms (whatever the text-repair vocabulary
    has been taught in this process, so that a page's quality never depends on it)."""
    from councilbase.reference import vocabulary

    return frozenset(
        part.lower() for name in vocabulary() for part in re.findall(r"[^\W\d_]+", name)
    )


def text_quality(lines: list[Line], french: bool = False) -> float:
    """How readable a page's text is, 0 to 1: the share of its words (of three letters or
    more) that are English words or names the reference data knows (and, with ``french``,
    French words). A born-digital page scores above 0.9; a garbled OCR layer far less."""
    from councilbase.clean import frequencies

    table = frequencies()
    extra = _names() | (_french() if french else frozenset())
    known = total = 0
    # each printed form once (a page repeats many); the pattern never crosses a line's end
    for token, count in Counter(_WORD.findall("\n".join(ln.text for ln in lines))).items():
        word = token.lower().strip("'’-")
        if len(word) < 3:
            continue
        total += count
        if table.get(word) or table.get(word.rstrip("s")) or word in extra:
            known += count
    return round(known / total, 3) if total else 0.0


_ENGLISH = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "is",
        "that",
        "for",
        "it",
        "with",
        "on",
        "as",
        "by",
        "this",
        "be",
        "are",
        "have",
        "which",
    ]
)
_FRENCH = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "du",
        "de",
        "et",
        "est",
        "que",
        "qui",
        "une",
        "dans",
        "pour",
        "pas",
        "sur",
        "au",
        "aux",
        "ce",
        "il",
    ]
)


def language_of(texts: list[str]) -> str | None:
    """``en`` or ``fr`` for a block of text, from its commonest words; None when it has
    too few of either to say."""
    english = french = 0
    for text in texts:
        for word in _WORD.findall(text.lower()):
            english += word in _ENGLISH
            french += word in _FRENCH
    if english + french < 8:
        return None
    if french > 2 * english:
        return "fr"
    if english > 2 * french:
        return "en"
    return None
