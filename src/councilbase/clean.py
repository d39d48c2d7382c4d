"""The clean stage: page furniture, line-end hyphens, whitespace, and glued words.

Each recogniser of boilerplate is a small named function with a raw-string regex.
The vocabulary used to decide hyphenation and glued words is pyspellchecker's English
word-frequency list (MIT licence, shipped in the package, no download), widened with
the Council's own vocabulary and every state name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

# --- page furniture -------------------------------------------------------------------

_JOB_NUMBER = re.compile(r"^\d{2}-\d{5}(?:\s*\([A-Z]\))?$")
_PAGE_NUMBER = re.compile(r"^\d{1,3}/\d{1,3}$")
_JOB_AND_PAGE = re.compile(r"^\d{2}-\d{5}\s*\d{1,3}/\d{1,3}$|^\d{1,3}/\d{1,3}\s*\d{2}-\d{5}$")
_BARCODE = re.compile(r"^\*\d{7,}\*$")
_DATE_DMY = re.compile(r"^\d{2}/\d{2}/\d{4}$")
_SYMBOL_ONLY = re.compile(r"^S/PV\.(?:V\.)?\d+(?:\s*\(Resumption\s*\d+\))?$")
_HEADER_LINE = re.compile(
    r"^(?:S/PV\.\d+(?:\s*\(Resumption\s*\d+\))?\s+.*\s+\d{2}/\d{2}/\d{4}"
    r"|\d{2}/\d{2}/\d{4}\s+.*\s+S/PV\.\S*\d+(?:\s*\(Resumption\s*\d+\))?)$"
)
_DOTS = re.compile(r"(?:\s*\.){2,}\s*")

DISCLAIMER_START = "This record contains the text of speeches delivered in English"
DISCLAIMER_END = "(http://documents.un.org)."


def is_job_number(text: str) -> bool:
    """A job number footer such as ``20-00806`` or ``20-00806 (E)``."""
    return bool(_JOB_NUMBER.match(text.strip()))


def is_page_number(text: str) -> bool:
    """A page number footer such as ``3/12``."""
    return bool(_PAGE_NUMBER.match(text.strip()))


def is_footer(text: str) -> bool:
    """Any footer line: job number, page number, both run together, or the barcode."""
    text = text.strip()
    return bool(
        _JOB_NUMBER.match(text)
        or _PAGE_NUMBER.match(text)
        or _JOB_AND_PAGE.match(text)
        or _BARCODE.match(text)
    )


def is_barcode(text: str) -> bool:
    """The cover page's barcode line, such as ``*2000806*``."""
    return bool(_BARCODE.match(text.strip()))


def is_running_header(text: str, title: str | None = None) -> bool:
    """The running header: symbol, agenda title and date, alone or on one line."""
    text = text.strip()
    if _SYMBOL_ONLY.match(text) or _DATE_DMY.match(text) or _HEADER_LINE.match(text):
        return True
    return bool(title) and text == title


def strip_dot_leaders(text: str) -> str:
    """Remove the dotted leaders of the cover page's members list."""
    return _DOTS.sub(" ", text).strip()


def has_dot_leader(text: str) -> bool:
    """Whether a line carries a dotted leader (``. . . .``)."""
    return bool(_DOTS.search(text))


# --- whitespace -----------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200b\u202f]+")


_DROP = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x200B, 0xFFFE, 0xFFFF])


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace into one space and drop control characters."""
    return " ".join(text.translate(_DROP).split())


# --- vocabulary -----------------------------------------------------------------------

COUNCIL_WORDS = [
    "penholder",
    "penholders",
    "co-penholder",
    "co-penholders",
    "Secretary-General",
    "Under-Secretary-General",
    "peacebuilding",
    "peacekeeping",
    "peacekeepers",
    "peacemaking",
    "counter-terrorism",
    "ceasefire",
    "ceasefires",
    "multilateralism",
    "multilateral",
    "unilateral",
    "humanitarian",
    "rapporteur",
    "rapporteurs",
    "sanctions",
    "Astana",
    "Idlib",
    "Bab",
    "al-Hawa",
    "Al-Yarubiyah",
    "Rukban",
    "Houthis",
    "Houthi",
    "MINUSMA",
    "MONUSCO",
    "UNAMA",
    "UNAMI",
    "UNMISS",
    "UNISFA",
    "UNSMIL",
    "UNFICYP",
    "UNIFIL",
    "UNDOF",
    "MINUSCA",
    "MINURSO",
    "UNMIK",
    "UNSOM",
    "AMISOM",
    "UNOWAS",
    "OCHA",
    "UNHCR",
    "UNICEF",
    "UNRWA",
    "UNDP",
    "ICRC",
    "ECOWAS",
    "IGAD",
    "ASEAN",
    "Sahel",
    "Darfur",
    "Rakhine",
    "Rohingya",
    "Donbas",
    "Minsk",
    "Golan",
    "Gaza",
    "Jerusalem",
    "Kosovo",
    "Crimea",
    "Tigray",
    "Abyei",
    "Hodeidah",
    "Stockholm",
]


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, int]:
    from spellchecker import SpellChecker

    words: dict[str, int] = dict(SpellChecker().word_frequency.dictionary)
    for word in COUNCIL_WORDS:
        for part in re.findall(r"[A-Za-z]+", word):
            words[part.lower()] = max(words.get(part.lower(), 0), 1000)
    return words


def frequencies() -> Mapping[str, int]:
    """The whole vocabulary, lower-case word to how common it is (read-only use: for a
    caller that looks up many words at once)."""
    return _frequencies()


@lru_cache(maxsize=1)
def _state_words() -> frozenset[str]:
    from councilbase.reference import vocabulary

    return frozenset(
        part.lower() for name in vocabulary() for part in re.findall(r"[^\W\d_]+", name)
    )


def known_word(word: str) -> bool:
    """Whether a word is English or a word of a state's name or demonym (whatever the
    vocabulary has been taught in this process)."""
    key = word.lower()
    return bool(_frequencies().get(key)) or key in _state_words()


def is_name_word(word: str) -> bool:
    """Whether a word is part of a state's name or demonym (``Syria``, ``Ivoire``)."""
    return word.lower() in _state_words()


def word_frequency(word: str) -> int:
    """How common an English word is (0 when unknown); case-insensitive."""
    return _frequencies().get(word.lower(), 0)


def add_vocabulary(words: Iterable[str], frequency: int = 1000) -> None:
    """Teach the vocabulary more words (state names, demonyms) at a given frequency."""
    table = _frequencies()
    for word in words:
        for part in re.findall(r"[^\W\d_]+", word):
            key = part.lower()
            table[key] = max(table.get(key, 0), frequency)


# --- line-end hyphens -----------------------------------------------------------------

HYPHEN_PREFIXES = frozenset(
    [
        "co",
        "cross",
        "self",
        "ex",
        "non",
        "anti",
        "counter",
        "well",
        "long",
        "short",
        "follow",
        "post",
        "pre",
        "multi",
        "inter",
        "intra",
        "extra",
        "ultra",
        "semi",
        "quasi",
        "vice",
        "mid",
        "over",
        "under",
        "all",
        "high",
        "low",
        "half",
        "full",
        "re",
    ]
)

_TRAILING_WORD = re.compile(r"([^\W\d_]+)$")
_LEADING_WORD = re.compile(r"^([^\W\d_]+)")
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def word_counts(texts: Iterable[str]) -> Counter[str]:
    """Lower-cased words and hyphenated compounds of a document, as evidence for hyphens."""
    return Counter(_WORDS.findall("\n".join(texts).lower()))


def keep_hyphen(
    left: str, right: str, seen: Counter[str] | None = None, prefer_keep: bool = True
) -> bool:
    """Decide whether a hyphen that ended a line belongs to the word (``co-penholders``).

    ``left`` is the text before the hyphen and ``right`` the text after the break.
    Evidence in order: capitals or digits (``Secretary-General``, ``pre-1967``), how
    the document itself writes the word elsewhere, then the vocabulary. ``prefer_keep``
    says what to do when nothing decides: the Council's born-digital records break
    lines only at real hyphens, older corpora also at syllables.
    """
    lm = _TRAILING_WORD.search(left)
    rm = _LEADING_WORD.match(right)
    if not lm or not rm:
        return True
    lw, rw = lm.group(1), rm.group(1)
    if rw[0].isupper() or (lw[0].isupper() and lw.isupper()):
        return True
    joined = (lw + rw).lower()
    hyphenated = f"{lw}-{rw}".lower()
    if seen is not None:
        if seen.get(hyphenated, 0) > seen.get(joined, 0):
            return True
        if seen.get(joined, 0) > seen.get(hyphenated, 0):
            return False
    f_joined = word_frequency(joined)
    f_left, f_right = word_frequency(lw), word_frequency(rw)
    parts_known = f_left > 0 and f_right > 0 and len(rw) > 1
    if f_joined and not parts_known:
        return False
    if parts_known and not f_joined:
        return True
    if parts_known and f_joined:
        if lw.lower() in HYPHEN_PREFIXES:
            return True
        return f_joined * 20 < min(f_left, f_right)
    return prefer_keep


def join_lines(parts: list[tuple[str, bool]], seen: Counter[str] | None, prefer_keep: bool) -> str:
    """Join the lines of a paragraph; ``(text, hyphen)`` says a line ended in a hyphen."""
    out: list[str] = []
    for index, (text, hyphen) in enumerate(parts):
        text = text.strip()
        if not out:
            out.append(text)
            continue
        previous_hyphen = parts[index - 1][1]
        if previous_hyphen:
            if keep_hyphen(out[-1], text, seen, prefer_keep):
                out[-1] = out[-1] + "-" + text
            else:
                out[-1] = out[-1] + text
        else:
            out.append(text)
        if hyphen and index == len(parts) - 1:
            out[-1] = out[-1] + "-"
    if len(parts) == 1 and parts[0][1]:
        out[-1] = out[-1] + "-"
    return normalize_space(" ".join(out))


# --- speech-corpus text ---------------------------------------------------------------

_CORPUS_SYMBOL = r"S/PV\.\d+(?:\s*\(\s*Resumption\s*\d+\s*\))?"
_CORPUS_DATE = r"\d{2}/\d{2}/\d{4}"
_HEADER_DATE_FIRST = re.compile(
    rf"{_CORPUS_DATE}\s+(?P<title>[A-Z][^\n]{{3,160}}?)\s+{_CORPUS_SYMBOL}(?![\w)])"
)
_HEADER_SYMBOL_FIRST = re.compile(
    rf"S(?<![(\w]S)(?<!\(see S)(?<!see S){_CORPUS_SYMBOL[1:]}\s+(?P<title>[A-Z][^\n]{{3,160}}?)\s+{_CORPUS_DATE}(?!\d)"
)
_TITLE_THEN_SYMBOL = re.compile(rf"(?P<symbol>S(?<=\sS)(?<!see S){_CORPUS_SYMBOL[1:]})(?![\w)])")
_JOB_HINT = re.compile(r"\d\d-\d{5}")
_CORPUS_JOB = re.compile(r"\b\d{2}-\d{5}\b(?:\s*\([A-Z]\))?(?![\w/-])")
KNOWN_TITLE_STARTS = (
    "The situation", "Maintenance of international peace", "Threats to international peace",
    "Peace and security in Africa", "Peace consolidation", "Children and armed conflict",
    "Women and peace and security", "Protection of civilians", "Non-proliferation",
    "United Nations peacekeeping", "Reports of the Secretary-General", "Identical letters",
    "Letter dated", "The question concerning", "Cooperation between the United Nations",
    "Briefing", "Security Council mission", "International Criminal Tribunal",
    "Implementation of", "General issues relating", "Youth and peace", "Post-conflict",
)  # fmt: skip


def _cut_title(before: str, titles: Iterable[str]) -> int | None:
    """Where a running title starts in the text just before a header symbol, or None."""
    for title in sorted(titles, key=len, reverse=True):
        if before.endswith(title):
            return len(before) - len(title)
    best = None
    for start in KNOWN_TITLE_STARTS:
        index = before.rfind(start)
        if index >= 0 and len(before) - index <= 160 and (best is None or index < best):
            best = index
    return best


def learn_running_titles(texts: Iterable[str]) -> set[str]:
    """Running titles that recur before a meeting symbol (or between date and symbol)."""
    found: Counter[str] = Counter()
    for text in texts:
        if "S/PV" not in text:
            continue
        for match in _HEADER_DATE_FIRST.finditer(text):
            found[match.group("title").strip()] += 2
        for match in _HEADER_SYMBOL_FIRST.finditer(text):
            found[match.group("title").strip()] += 2
    return {title for title, n in found.items() if n >= 2}


def remove_corpus_headers(text: str, titles: Iterable[str] = ()) -> tuple[str, int]:
    """Take left-over running headers and job numbers out of a corpus speech.

    Returns the text and how many pieces were removed.
    """
    titles = set(titles)
    removed = 0
    if "S/PV" not in text:
        if not _JOB_HINT.search(text):
            return text, 0
        text, jobs = _CORPUS_JOB.subn(" ", text)
        return (_SPACES.sub(" ", text).strip() if jobs else text), jobs

    def drop(_match: re.Match[str]) -> str:
        nonlocal removed
        removed += 1
        return " "

    text = _HEADER_DATE_FIRST.sub(drop, text)
    text = _HEADER_SYMBOL_FIRST.sub(drop, text)
    out: list[str] = []
    last = 0
    for match in _TITLE_THEN_SYMBOL.finditer(text):
        window_start = max(last, match.start() - 200)
        cut = _cut_title(text[window_start : match.start()].rstrip(), titles)
        if cut is None:
            continue
        cut_at = window_start + cut
        out.append(text[last:cut_at])
        out.append(" ")
        last = match.end()
        removed += 1
    out.append(text[last:])
    text = "".join(out)
    text, jobs = _CORPUS_JOB.subn(" ", text)
    return _SPACES.sub(" ", text).strip(), removed + jobs


_LOWER_UPPER = re.compile(r"[a-z][A-Z]")
_GLUED = re.compile(
    r"\b(?P<left>[a-z]++|The|In|Of|To|And|For|On|At|By|With|As|From|We|It|This)"
    r"(?P<right>[A-Z][a-z]+|[A-Z]{2,}\b)"
)
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "and",
        "or",
        "but",
        "as",
        "is",
        "was",
        "be",
        "are",
        "were",
        "that",
        "this",
        "these",
        "those",
        "its",
        "their",
        "our",
        "his",
        "her",
        "which",
        "who",
        "whom",
        "whose",
        "into",
        "onto",
        "upon",
        "over",
        "under",
        "about",
        "against",
        "between",
        "among",
        "through",
        "during",
        "before",
        "after",
        "within",
        "without",
        "not",
        "nor",
        "so",
        "than",
        "then",
        "also",
        "all",
        "any",
        "each",
        "every",
        "both",
        "either",
        "neither",
        "such",
        "per",
        "via",
        "we",
        "it",
    ]
)


def _known_capitalised(word: str) -> bool:
    if word.isupper():
        return word in _ACRONYMS or word_frequency(word) >= 50
    return word_frequency(word) >= 50


_ACRONYMS = frozenset(w for w in COUNCIL_WORDS if w.isupper()) | frozenset(
    [
        "UN",
        "EU",
        "AU",
        "OSCE",
        "NATO",
        "OAS",
        "OIC",
        "ICC",
        "ICJ",
        "IAEA",
        "WHO",
        "WFP",
        "ILO",
        "IOM",
        "UNESCO",
        "FAO",
        "ASEAN",
    ]
)


def split_glued(text: str) -> tuple[str, int]:
    """Split words glued where a PDF lost a space: ``ofKazakhstan`` -> ``of Kazakhstan``.

    Only at a lower-to-upper case boundary, and only where both parts are known words
    or names, so ``McDonald``, ``DeLaurentis`` and ``iPhone`` stay whole.
    Returns the text and the number of splits.
    """
    count = 0
    if not _LOWER_UPPER.search(text):
        return text, 0

    def fix(match: re.Match[str]) -> str:
        nonlocal count
        left, right = match.group("left"), match.group("right")
        start = match.start()
        if start and text[start - 1] in "'’-":
            return match.group()
        left_known = left.lower() in FUNCTION_WORDS or (
            left.islower() and len(left) > 1 and word_frequency(left) >= 1000
        )
        if left_known and _known_capitalised(right):
            count += 1
            return f"{left} {right}"
        return match.group()

    return _GLUED.sub(fix, text), count


_WRAPPED_DASH = re.compile(r" (?<=\w )- (?=\w)")


def unwrap_lines(text: str, seen: Counter[str] | None = None) -> tuple[list[str], dict[str, int]]:
    """Unwrap text that keeps a PDF's line breaks into paragraphs.

    Paragraphs are separated by blank lines; a line-end hyphen is joined or kept as
    :func:`keep_hyphen` decides (syllable breaks are common in these corpora).
    """
    repairs = {"lines_unwrapped": 0, "hyphens_joined": 0, "hyphens_kept": 0}
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    if seen is None:
        seen = word_counts(blocks)
    paragraphs: list[str] = []
    for block in blocks:
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        joined = lines[0]
        for line in lines[1:]:
            repairs["lines_unwrapped"] += 1
            if (
                joined.endswith("-")
                and len(joined) > 1
                and joined[-2].isalpha()
                and line[:1].isalpha()
            ):
                if keep_hyphen(joined[:-1], line, seen, prefer_keep=False):
                    repairs["hyphens_kept"] += 1
                    joined = joined + line
                else:
                    repairs["hyphens_joined"] += 1
                    joined = joined[:-1] + line
            else:
                joined = joined + " " + line
        paragraphs.append(normalize_space(joined))
    return paragraphs, repairs


def repair_dashes(text: str) -> tuple[str, int]:
    """`` - `` between words, as the older corpora write a dash, -> `` — ``."""
    if " - " not in text:
        return text, 0
    return _WRAPPED_DASH.subn(" — ", text)
