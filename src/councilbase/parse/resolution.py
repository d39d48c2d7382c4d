"""Parse a Security Council resolution's text: what it is (symbol, number, year, date,
adopting meeting), its preamble and operative paragraphs with their sub-paragraphs, the
Charter chapters it acts under, and every document it cites.

The texts come as the UN prints them (a PDF's text: running heads ``S/RES/2254 (2015)``,
job numbers ``15-22539 (E)``, bar codes, page numbers) and as collected from the web (a
publisher's boilerplate above the text: "Publisher", "Cite as", an address); lines wrapped
or whole paragraphs on one line; paragraph numbers followed by a tab or spaces; the older
resolutions without numbered paragraphs, ending with "Adopted unanimously at the 79th
meeting."; words cut by a stray space ("Syr ia"). Each is read by the form the resolutions
themselves follow:

* the preamble: "The Security Council," then participial paragraphs ("Recalling ...,",
  "Acting under Chapter VII of the Charter,");
* the operative part: paragraphs that begin with the Council's verb in the present
  ("1. Decides ...", "Calls upon ..."), numbered or not, with sub-paragraphs "(a)", "(i)".
"""

from __future__ import annotations

import re
from pathlib import Path

from councilbase import clean
from councilbase.errors import RecordError
from councilbase.model import Citation, OperativeParagraph, Resolution, Source, SubParagraph
from councilbase.parse.cover import MONTHS

_FILE_NAME = re.compile(r"S[-_]RES[-_](?P<number>\d{1,4})\s*\(?(?P<year>\d{4})\)?", re.I)
_SYMBOL = re.compile(r"S/RES/(?P<number>\d{1,4})\s*\((?P<year>\d{4})\)")
_HEADING = re.compile(
    r"\bResolution\s+(?P<number>\d{1,4})\s*\((?P<year>\d{4})\)"
    r"|^\s*(?P<number2>\d{1,4})\s*\((?P<year2>\d{4})\)\s*\.?\s*Resolution\b",
    re.I | re.M,
)
_DAY = r"(?P<day>\d{1,2})\s+(?P<month>[A-Z][a-z]+)\s*,?\s+\(?(?P<dyear>\d{4})\)?"
_ADOPTED_AT = re.compile(
    r"Adopted\s+by\s+the\s+Security\s+Council\s+at\s+its\s+(?P<meeting>\d{1,5})\s*(?:st|nd|rd|th)"
    r"\s+meeting\b[^.;]{0,160}?\bon\s+" + _DAY,
    re.I,
)
_OF_DAY = re.compile(r"\bResolution\s+(?:\d{1,4}\s*\(\d{4}\)\s*)?of\s+" + _DAY, re.I)
_DISTRIBUTED = re.compile(r"^Distr\.?\s*:?\s*General\s*" + _DAY, re.I)
_ADOPTION_LINE = re.compile(
    r"^Adopted\b(?P<how>[^.]{0,120}?)\s+at\s+the\s+(?P<meeting>\d{1,5})\s*(?:st|nd|rd|th)\s+"
    r"meeting\b.{0,200}$",
    re.I | re.DOTALL,
)
_FURNITURE = [
    re.compile(p, re.I)
    for p in (
        r"^\d{2}-\d{5}\*?\s*(?:\([A-Z]\))?(?:\s+(?:\d{6}|`+|\d{6}\s+\d{6}))?\s*$",  # job number
        r"^\*\s?\d{7,}\s?\*$",  # bar code
        r"^\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s+\d{2}-\d{5}\*?(?:\s*\([A-Z]\))?)?$",  # page, 2/4
        r"^\d{2}-\d{5}\*?(?:\s*\([A-Z]\))?\s+\d{1,3}\s*/\s*\d{1,3}$",
        r"^S/RES/\d{1,4}\s*\(\d{4}\)\*?(?:\s+Page\s+\d+)?$",  # running head
        r"^(?:UNITED NATIONS|United Nations|Security Council|S|/\.\.\.|-{3,}|_{3,})$",
        r"^Distr\.?\s*:?\s*(?:GENERAL|General).*$",
        r"^(?:Original|ENGLISH|English)\s*:?.{0,20}$",
        r"^\d{1,2}\s+[A-Z][a-z]+\s+\d{4}$",  # a date alone (the PDF's date of issue)
        r"^Please\s+recycle.*$",
        r"^Security Council Resolution S/RES/.*$",
        r"^UN Security Council, Security Council Resolution .*$",
    )
]
_BOILERPLATE_START = re.compile(r"^(?:Publisher|Publication Date|Cite as)\s*$")
_BOILERPLATE_END = re.compile(r"refworld\.org|available at:\s*http", re.I)
_BOILERPLATE_LINES = re.compile(
    r"^(?:Publisher|UN Security Council|Publication Date|Citation / Document Symbol|Reference|"
    r"Cite as|\d{4} Security Council Resolutions|Disclaimer.*|Comments)\s*$"
)
# "The Security Council," (one letter of "Council" may be misread: "The Security Cauncil,")
_COUNCIL = re.compile(
    r"^(?:Therefore,?\s+)?The\s+Security\s+(?:Council|C\wuncil|Co\wncil|Cou\wcil|Coun\wil)"
    r"\s*[,:;.]?\s*$",
    re.I,
)
_COUNCIL_INLINE = re.compile(r"^The\s+Security\s+Council\s*,\s+(?=\S)", re.I)
_MONTH_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
# a paragraph number: "1.", "2)", "3 bis" (never a date wrapped to a line's start: "2 June 1999")
_NUMBERED = re.compile(
    r"^(?P<number>\d{1,3})\s*[.)]?\s*(?:bis\b|ter\b)?\s*(?=[A-Z“\"(])(?!(?:"
    + _MONTH_NAMES
    + r")\b)"
)
# a part's heading on a line of its own: "A", "B.", "II", "Part A"
_PART = re.compile(r"^(?:Part\s+)?(?P<part>[A-H]|[IVX]{1,5})\s*\.?$")
_SUB = re.compile(r"^\(\s*(?P<label>[a-z]{1,2}|[ivxl]{1,6}|\d{1,2})\s*\)\s*(?=\S)")
_PREAMBLE_OPENER = re.compile(
    r"^(?:[A-Z][a-z]+(?:ing|ed)|Mindful|Aware|Conscious|Cognizant|Determined|Concerned|Alarmed|"
    r"Convinced|Desirous|Anxious|Gravely|Deeply|Further|Also|Having|Bearing|Taking|Whereas|"
    r"Acting|Noting|Recalling|Reaffirming|Recognizing|Emphasizing|Considering|Welcoming|"
    r"Underlining|Stressing|Expressing|Commending|Reiterating|Believing|Encouraged|Seriously|"
    r"Strongly|Fully|Appreciating|Affirming|Bearing|Paying|Keenly|Profoundly|Equally|Re-?emphasizing)"
    r"\b"
)
_OPERATIVE_VERB = re.compile(
    r"^(?:(?:Further|Also|Again|Once again|Strongly|Firmly|Urgently|Formally|Solemnly|Unequivocally|"
    r"Resolutely|Categorically|Fully|Further strongly|Also strongly|Deeply|Hereby|Earnestly|"
    r"Vigorously|Most|Emphatically|Therefore|Accordingly|Finally)\s+)*"
    r"(?i:Decides|Requests|Calls|Urges|Condemns|Demands|Authorizes|Authorises|Affirms|Reaffirms|"
    r"Welcomes|Notes|Expresses|Invites|Recommends|Resolves|Declares|Endorses|Encourages|"
    r"Emphasizes|Emphasises|Stresses|Appeals|Considers|Deplores|Commends|Approves|Extends|"
    r"Reiterates|Underlines|Takes|Insists|Directs|Appoints|Establishes|Renews|Confirms|"
    r"Acknowledges|Recognizes|Supports|Agrees|Deems|Regrets|Censures|Warns|Reminds|Determines|"
    r"Pays|Salutes|Thanks|Highlights|Underscores|Demand|Requires|Instructs|Accepts|Adopts|"
    r"Asks|Recalls|Looks|Encourage|Emphasize|Recommend|Decide|Request|Call|Entrusts|"
    r"Transmits|Finds|Addresses|Records|Deplores|Proposes|Reports|Approves|Submits|Elects|"
    r"Nominates|Admits|Invites|Refers|Resolves)\b"
)
_CHAPTER_VII = re.compile(
    r"\b(?:acting|act)\s+under\s+(?:Article\s+\d+\s+of\s+)?Chapter\s+VII\b"
    r"|\bunder\s+Chapter\s+VII\s+of\s+the\s+Charter\b.{0,40}\b(?:acting|decides)\b",
    re.I,
)
_CHAPTERS = re.compile(r"\bChapter\s+(?P<chapter>VIII|VII|VI)\b")
_SPACE = re.compile(r"[ \t\u00a0\u2002\u2003\u2009]+")


def read_resolution_text(path: str | Path) -> str:
    """A resolution file's text, decoded whatever its encoding, line ends as ``\\n``; a
    PDF's text from its text layer."""
    from councilbase.read.text import read_text_file

    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(8)
    if path.suffix.lower() == ".pdf" or head.lstrip().startswith(b"%PDF"):
        from councilbase.read.pdf import read_pdf

        pages = read_pdf(path)
        return "\n\f\n".join("\n".join(line.text for line in page.lines) for page in pages)
    text = read_text_file(path, max_bytes=5_000_000)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_resolution_file(path: str | Path) -> Resolution:
    """Read and parse one resolution file (text or PDF); :class:`RecordError` for a file
    that is not a resolution."""
    from councilbase.parse import PARSER_VERSION, file_sha256

    path = Path(path)
    text = read_resolution_text(path)
    resolution = parse_resolution(text, path.name)
    resolution.source = Source(
        path=str(path),
        format="pdf" if path.suffix.lower() == ".pdf" else "text",
        sha256=file_sha256(path),
        parser_version=PARSER_VERSION,
    )
    return resolution


def _date(match: re.Match[str]) -> str | None:
    """The ISO date a match names; None for a day that does not exist ("83 November")."""
    import datetime

    month = MONTHS.get(match.group("month").capitalize())
    if month is None:
        return None
    try:
        day = datetime.date(int(match.group("dyear")), month, int(match.group("day")))
    except ValueError:
        return None
    return day.isoformat()


def _clean_lines(text: str, repairs: dict[str, int]) -> list[str]:
    """The text's lines without the publisher's boilerplate and the page furniture."""
    lines = [_SPACE.sub(" ", line).strip() for line in text.replace("\f", "\n").split("\n")]
    out: list[str] = []
    in_boilerplate = False
    for line in lines:
        if _BOILERPLATE_START.match(line):
            in_boilerplate = True
        if in_boilerplate:
            repairs["boilerplate lines"] = repairs.get("boilerplate lines", 0) + 1
            if _BOILERPLATE_END.search(line):
                in_boilerplate = False
            continue
        if _BOILERPLATE_LINES.match(line) or any(p.match(line) for p in _FURNITURE):
            if line:
                repairs["furniture lines"] = repairs.get("furniture lines", 0) + 1
            continue
        out.append(line)
    if in_boilerplate:  # a boilerplate block that never ended: keep the text after all
        return [line for line in lines if line and not any(p.match(line) for p in _FURNITURE)]
    return out


_NUMBER_OF_DAY = re.compile(
    r"^\s*(?P<number>\d{1,4})\s*\.?\s*Resolution\s+of\s+" + _DAY, re.I | re.M
)


def _head(text: str) -> str:
    """The text before its body ("The Security Council,"): where its headings are."""
    body = re.search(r"^\s*(?:Therefore,?\s+)?The\s+Security\s+Council\s*[,:;.]", text, re.M | re.I)
    return text[: body.start()] if body else text[:4000]


def _candidates(head: str, name: str) -> list[tuple[int, int, str]]:
    """Every (number, year, where) the headings and the file name give, in order of trust:
    the symbol, "Resolution N (YYYY)", "N Resolution of <date>", the file name."""
    out: list[tuple[int, int, str]] = []
    for match in _SYMBOL.finditer(head):
        out.append((int(match.group("number")), int(match.group("year")), "symbol"))
    for match in _HEADING.finditer(head):
        number = match.group("number") or match.group("number2")
        year = match.group("year") or match.group("year2")
        out.append((int(number), int(year), "heading"))
    for match in _NUMBER_OF_DAY.finditer(head):
        out.append((int(match.group("number")), int(match.group("dyear")), "heading"))
    by_name = _FILE_NAME.search(name)
    if by_name:
        out.append((int(by_name.group("number")), int(by_name.group("year")), "file name"))
    return out


def _metadata(text: str, name: str, resolution: Resolution) -> None:
    """Symbol, date and meeting from the text's headings. Resolution numbers run on from
    year to year, so a number and a year that contradict the reference data (a typing
    error in the source: "S/RES/80 (1050)") give way to another heading, or the file name,
    that agrees; the file name is used only when no heading gives a symbol, with a warning."""
    from councilbase.extract.references import resolution_year

    head = _head(text)
    candidates = _candidates(head, name)
    if not candidates:
        raise RecordError(name, "is not a Security Council resolution (no S/RES symbol)")

    def agrees(candidate: tuple[int, int, str]) -> bool:
        expected = resolution_year(candidate[0])
        return expected is None or expected == candidate[1]

    number, year, where = next((c for c in candidates if agrees(c)), candidates[0])
    if where == "file name":
        resolution.warnings.append("the symbol is taken from the file name")
    if not agrees((number, year, where)):
        resolution.warnings.append(
            f"the year {year} contradicts the number {number} (of {resolution_year(number)})"
        )
    elif where != candidates[0][2] or candidates[0][:2] != (number, year):
        first = candidates[0]
        resolution.warnings.append(
            f"the {first[2]} says {first[0]} ({first[1]}), which the reference data"
            f" contradicts; the {where}'s {number} ({year}) is taken"
        )
    resolution.number, resolution.year = number, year
    resolution.symbol = f"S/RES/{number} ({year})"
    flat = " ".join(text[: max(len(head), 200) + 400].split())
    adopted = _ADOPTED_AT.search(flat)
    if adopted:
        resolution.meeting = f"S/PV.{int(adopted.group('meeting'))}"
        resolution.meeting_source = "text"
        resolution.date = _date(adopted)
    for pattern in (_OF_DAY, _NUMBER_OF_DAY, _DISTRIBUTED):
        if resolution.date is None and (found := pattern.search(flat)):
            resolution.date = _date(found)
    if resolution.date and not resolution.date.startswith(str(year)):
        resolution.warnings.append(f"the date {resolution.date} is not of {year}: left out")
        resolution.date = None
    if resolution.date:
        resolution.date_source = "text"


_NUMBERED_COMMA = re.compile(r"^(?P<number>\d{1,3})\s*,\s+(?=[A-Z])")


def _number(line: str) -> re.Match[str] | None:
    """A paragraph's number at the line's start: "1.", "2)", "3 bis", or "2," when the
    Council's verb follows (a comma typed for the full stop: "2, Appeals to all")."""
    found = _NUMBERED.match(line)
    if found is None:
        comma = _NUMBERED_COMMA.match(line)
        if comma and _OPERATIVE_VERB.match(line[comma.end() :]):
            return comma
    return found


def _starts_paragraph(line: str, previous: str) -> bool:
    if _number(line) or _SUB.match(line) or _COUNCIL.match(line):
        return True
    if not previous or previous.endswith((",", ";", ":", ".")) is False:
        return False
    return bool(_PREAMBLE_OPENER.match(line) or _OPERATIVE_VERB.match(line))


_ENDS_CLAUSE = re.compile(r"[,;:.!?)\]”\"]\s*(?:\(\d{1,3}\)|\d{1,2})?\s*$")


def _paragraphs(lines: list[str]) -> list[str]:
    """Lines joined into paragraphs: a blank line, a paragraph number or label, or a
    paragraph's opening word after a line that ended a clause starts a new one."""
    paragraphs: list[list[str]] = []
    blank = True
    for line in lines:
        if not line:
            blank = True
            continue
        previous = paragraphs[-1][-1] if paragraphs else ""
        starts = _starts_paragraph(line, previous)
        # a blank line (or a page's furniture) in the middle of a sentence: the paragraph
        # goes on ("... protection for the Special" / page break / "Court after ...")
        broken = blank and previous and not starts and not _ENDS_CLAUSE.search(previous)
        broken = broken and not _COUNCIL.match(line) and not _PART.match(line)
        if (blank and not broken) or starts:
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
        blank = False
    out = []
    for parts in paragraphs:
        joined = ""
        for part in parts:
            if joined.endswith("-") and joined[-2:-1].isalpha() and part[:1].islower():
                word = re.findall(r"(\w+)-$", joined)
                next_word = re.findall(r"^(\w+)", part)
                whole = (word[-1] if word else "") + (next_word[0] if next_word else "")
                if clean.word_frequency(whole):
                    joined = joined[:-1] + part  # a word hyphenated at the line's end
                    continue
                joined += part
                continue
            joined = f"{joined} {part}" if joined else part
        out.append(joined.strip())
    return out


RARE = 500
"""A piece rarer than this (per the word list's counts) is no word of its own here."""


def join_cut_words(text: str, repairs: dict[str, int]) -> str:
    """Words cut by a stray space joined, only with evidence: the two pieces make a known
    word, and no piece is a word of its own, or the one that is is rarer than the whole
    ("Syr ia" -> "Syria", "al l" -> "all", "t he" -> "the"; "in to", "B and" and "UN to"
    stay). A piece after an apostrophe or a hyphen ("SFOR's taking") is never joined."""
    from councilbase.clean import frequencies, is_name_word

    words = frequencies()

    def frequency(piece: str) -> int:
        return words.get(piece.lower(), 0) if len(piece) > 1 or piece in "aAI" else 0

    def is_word(piece: str) -> bool:
        return frequency(piece) >= RARE or (len(piece) > 3 and is_name_word(piece))

    def mend(match: re.Match[str]) -> str:
        first, second = match.group(1), match.group(2)
        whole = first + second
        whole_frequency = words.get(whole.lower(), 0)
        if whole_frequency < RARE and not is_name_word(whole):
            return match.group(0)  # the two pieces make no known word: most pairs end here
        known_pieces = [piece for piece in (first, second) if is_word(piece)]
        if not known_pieces or (
            len(known_pieces) == 1 and whole_frequency > frequency(known_pieces[0])
        ):
            repairs["words joined"] = repairs.get("words joined", 0) + 1
            return whole
        return match.group(0)

    text = re.sub(r"(?<![\w'’-])([A-Za-z]{1,12}) ([a-z]{1,12})\b(?!['’-](?!s\b)\w)", mend, text)
    return _CUT_NUMBER.sub(lambda m: _join_number(m, repairs), text)


_CUT_NUMBER = re.compile(r"(?<![\d/.,])(\d{1,3}) (\d{1,3}) \((\d{4})\)")


def _join_number(match: re.Match[str], repairs: dict[str, int]) -> str:
    """A resolution number cut by a space ("69 0 (1991)") joined when the whole number is
    of that year and its second piece is not."""
    from councilbase.extract.references import resolution_year

    whole = int(match.group(1) + match.group(2))
    year = int(match.group(3))
    if resolution_year(whole) == year and resolution_year(int(match.group(2))) != year:
        repairs["numbers joined"] = repairs.get("numbers joined", 0) + 1
        return f"{whole} ({year})"
    return match.group(0)


def parse_resolution(text: str, name: str = "resolution") -> Resolution:
    """A resolution from its text (``name``: the file's name, for messages and as the
    symbol's last resort)."""
    resolution = Resolution(symbol="", number=0, year=None)
    _metadata(text, name, resolution)
    repairs: dict[str, int] = {}
    lines = _clean_lines(text, repairs)
    # the body: from "The Security Council," (else from the first paragraph after the
    # headings) to the line on its adoption or the footnotes
    start = next((i for i, line in enumerate(lines) if _COUNCIL.match(line)), None)
    inline = None
    if start is None:
        inline = next((i for i, line in enumerate(lines) if _COUNCIL_INLINE.match(line)), None)
    if start is not None:
        # the oldest resolutions may open with "Whereas ..." above "The Security Council"
        whereas = next(
            (
                i
                for i in range(start)
                if re.match(r"^Whereas\b", lines[i])
                and not any(_is_heading(line) for line in lines[i:start])
            ),
            None,
        )
        body = lines[start + 1 :]
        if whereas is not None:
            body = [*lines[whereas:start], "", *body]
    elif inline is not None:
        body = [_COUNCIL_INLINE.sub("", lines[inline]), *lines[inline + 1 :]]
    else:
        body = [line for line in lines if not _is_heading(line)]
        resolution.warnings.append('no "The Security Council," line: the text read from its start')
    end = len(body)
    for index, line in enumerate(body):
        if re.match(r"^(?:Footnotes|Notes|Annex)\s*(?:$|:)", line, re.I):
            end = index
            break
        adoption = _ADOPTION_LINE.match(line)
        if adoption and index > 0:
            resolution.adoption = line
            if resolution.meeting is None:
                resolution.meeting = f"S/PV.{int(adoption.group('meeting'))}"
                resolution.meeting_source = "text"
            end = index
            break
    paragraphs = [
        join_cut_words(piece, repairs)
        for paragraph in _paragraphs(body[:end])
        for piece in _split_run_together(paragraph)
    ]
    _structure(paragraphs, resolution)
    full = " ".join([*resolution.preamble, *(p.text for p in resolution.operative)])
    full += " " + " ".join(s.text for p in resolution.operative for s in p.sub)
    resolution.chapter_vii = bool(_CHAPTER_VII.search(full))
    resolution.chapters = sorted(
        {m.group("chapter") for m in _CHAPTERS.finditer(full)},
        key=("VI", "VII", "VIII").index,
    )
    resolution.cites = citations(resolution)
    resolution.repairs = repairs
    if not resolution.operative:
        resolution.warnings.append("no operative paragraph found")
    return resolution


_INLINE_NUMBER = re.compile(r"(?:(?<=[,;:.])|(?<=\s))\s*(?P<number>\d{1,3})\.\s+(?=[A-Z])")
_INLINE_OPENER = re.compile(
    r"(?<=,)\s+(?=(?:Recalling|Reaffirming|Having|Noting|Taking|Bearing|Welcoming|Expressing|"
    r"Stressing|Emphasizing|Determining|Acting|Considering|Recognizing|Mindful|Concerned|"
    r"Deeply|Gravely|Underlining|Reiterating|Commending|Determined|Alarmed|Aware|Convinced|"
    r"Affirming|Deploring|Condemning|Urging|Encouraging|Further)\b)"
)


_INLINE_VERB = re.compile(r"(?<=,)\s+(?:\(\d{1,3}\)\s*)?(?=[A-Z][a-z]+s\s+(?:to|that|the)\b)")


def _split_run_together(paragraph: str) -> list[str]:
    """A text whose paragraphs are run together on one line ("The Security Council,
    Recalling ..., Having considered ..., 1. Decides ...; 2. Decides ..."): cut before
    each number of a run 1, 2, 3 ... and before each preambular opening after a comma."""
    if len(paragraph) < 80:
        return [paragraph]
    cuts: list[int] = []
    own = re.match(r"^(\d{1,3})\.\s", paragraph)
    expected = int(own.group(1)) + 1 if own else 1
    first = expected
    for match in _INLINE_NUMBER.finditer(paragraph):
        if int(match.group("number")) == expected and match.start() > 0:
            cuts.append(match.start("number"))
            expected += 1
        elif int(match.group("number")) == expected:
            expected += 1
    if expected == first + 1 and cuts:  # one number: a paragraph only where a verb follows
        after = paragraph[cuts[0] :]
        if not _OPERATIVE_VERB.match(re.sub(r"^\d{1,3}\.\s+", "", after)):
            cuts = []
    elif expected <= first + (0 if own else 1):  # not a run of numbered paragraphs
        cuts = []
    head_end = cuts[0] if cuts else len(paragraph)
    cuts = [m.end() for m in _INLINE_OPENER.finditer(paragraph[:head_end])] + cuts
    if not cuts or len(cuts) == len([m for m in _INLINE_OPENER.finditer(paragraph[:head_end])]):
        # an unnumbered operative paragraph run on after the preamble's last comma
        verb = _INLINE_VERB.search(paragraph[:head_end])
        if verb:
            cuts.append(verb.end())
    lead = _number(paragraph)
    cuts = [cut for cut in cuts if lead is None or cut > lead.end()]
    if not cuts:
        return [paragraph]
    pieces, start = [], 0
    for cut in sorted(set(cuts)):
        pieces.append(paragraph[start:cut].strip())
        start = cut
    pieces.append(paragraph[start:].strip())
    return [p for p in pieces if p]


def _is_heading(line: str) -> bool:
    return bool(
        _HEADING.search(line)
        or re.match(r"^\d{1,4}\s*(?:\(\d{4}\)\s*\.?)?\s*Resolution\s+of\s+", line, re.I)
        or _ADOPTED_AT.search(line)
        or re.match(r"^(?:on|of)\s+\d{1,2}\s+[A-Z][a-z]+\s+\d{4}$", line)
        or re.match(r"^Adopted by the Security Council at its", line)
    )


def _structure(paragraphs: list[str], resolution: Resolution) -> None:
    """Paragraphs into preamble and operative paragraphs (numbered or not) with their
    sub-paragraphs."""
    # numbered operative paragraphs: numbers before the Council's verb (not a list of items)
    numbered = any((m := _number(p)) and _verb_led(p[m.end() :].strip()) for p in paragraphs)
    operative_started = False
    part: str | None = None
    inferred = False
    items = False  # the paragraph before introduced a list ("...:"), or was an item of it
    for paragraph in paragraphs:
        if not paragraph or re.fullmatch(r"\W*(?:Therefore|Accordingly)\W*", paragraph, re.I):
            continue
        heading = _PART.match(paragraph)
        if heading:  # the resolution comes in parts, each numbered from 1
            part = heading.group("part")
            continue
        if _COUNCIL.match(paragraph):
            # "The Security Council," again: the next part of a resolution in parts, its
            # letter often left at the end of the part before ("... resolutions. B")
            operative_started = False
            last = resolution.operative[-1] if resolution.operative else None
            letter = re.search(r"\s(?P<part>[B-H])$", last.text) if last else None
            if last is not None and letter:
                last.text = last.text[: letter.start()].rstrip()
                for earlier in resolution.operative:
                    earlier.part = earlier.part or chr(ord(letter.group("part")) - 1)
                part = letter.group("part")
            continue
        sub = _SUB.match(paragraph)
        number = _number(paragraph)
        introduced = items
        items = paragraph.rstrip().endswith(":")
        if (
            number
            and (introduced or (not numbered and resolution.operative))
            and not _verb_led(paragraph[number.end() :].strip())
            and (resolution.operative or resolution.preamble)
        ):
            # an item of a list the paragraph before introduced ("Notes that ...:" then
            # "1. The Committee of Good Offices;"): part of that paragraph
            items = True
            label = f"{number.group('number')}."
            text = paragraph[number.end() :].strip()
            if resolution.operative:
                resolution.operative[-1].sub.append(SubParagraph(label, text))
            else:
                resolution.preamble[-1] += f" {label} {text}"
            continue
        if sub and (resolution.operative or resolution.preamble):
            text = paragraph[sub.end() :].strip()
            if resolution.operative:
                resolution.operative[-1].sub.append(SubParagraph(f"({sub.group('label')})", text))
            else:
                resolution.preamble[-1] += f" ({sub.group('label')}) {text}"
            continue
        if number:
            operative_started = True
            text = paragraph[number.end() :].strip()
            label = number.group("number")
            suffix = re.match(r"^\d{1,3}\s*[.)]?\s*(bis|ter)\b", paragraph)
            if suffix:
                label += f" {suffix.group(1)}"
            same_part = [p for p in resolution.operative if p.part == part and p.number]
            if label == "1" and same_part:
                # the numbering starts again without a printed heading: the parts the
                # Council prints as A, B, C (the source dropped the headings)
                if part is None:
                    for earlier in resolution.operative:
                        earlier.part = "A"
                    part = "A"
                part = chr(ord(part) + 1) if len(part) == 1 and part < "Z" else part + "'"
                inferred = True
            resolution.operative.append(
                OperativeParagraph(label, _strip_leading_council(text), part=part)
            )
            continue
        stripped = re.sub(r"^\(\d{1,3}\)\s*", "", _strip_leading_council(paragraph))
        verb = _OPERATIVE_VERB.match(stripped) or (
            not paragraph.rstrip().endswith(",")
            and re.match(
                r"^(?:[A-Z][a-z]+ly\s+)?[A-Z][a-z]+[^s]s\s+(?:to|that|the|its|upon|on|all)\b",
                stripped,
            )
        )
        if not numbered and verb:
            operative_started = True
            resolution.operative.append(OperativeParagraph(None, stripped, part=part))
            continue
        if operative_started and resolution.operative:
            # an unnumbered paragraph inside the operative part: the paragraph before goes on
            last = resolution.operative[-1]
            if last.sub:
                last.sub[-1].text += " " + paragraph
            else:
                last.text += " " + paragraph
            continue
        resolution.preamble.append(paragraph)
    if inferred:
        resolution.warnings.append(
            "the operative numbering starts again without a printed heading: parts A, B, ..."
            " inferred"
        )


def _verb_led(text: str) -> bool:
    """Whether a paragraph opens with the Council's verb ("Decides", "Strongly condemns",
    "Reconfirms"): a known one, or a capitalised verb in the third person."""
    return bool(
        _OPERATIVE_VERB.match(text) or re.match(r"^(?:[A-Z][a-z]+ly\s+)?[A-Z][a-z]+[^s\W]s\b", text)
    )


def _strip_leading_council(text: str) -> str:
    """ "The Security Council requests ..." (the oldest resolutions) -> the verb capitalised."""
    match = re.match(r"^The\s+Security\s+Council\s+(?P<verb>[a-z]+s)\b", text)
    if match:
        return match.group("verb").capitalize() + text[match.end() :]
    return text


def paragraph_labels(resolution: Resolution) -> list[tuple[str, str]]:
    """Every paragraph with its label, in order: ``PP1``..., ``OP1``, ``OP1(a)``..."""
    out = [(f"PP{n}", text) for n, text in enumerate(resolution.preamble, start=1)]
    for index, paragraph in enumerate(resolution.operative, start=1):
        label = f"OP{paragraph.number or index}".replace(" ", "")
        if paragraph.part:
            label = f"{paragraph.part}.{label}"
        out.append((label, paragraph.text))
        out += [(f"{label}{s.label}", s.text) for s in paragraph.sub]
    return out


def citations(resolution: Resolution) -> list[Citation]:
    """Every document the resolution cites, in order, with its paragraph (its own symbol
    left out)."""
    from councilbase.extract.references import bare_resolutions, find_references

    labelled = paragraph_labels(resolution)
    found = find_references([text for _, text in labelled])
    for index, (_, text) in enumerate(labelled):
        taken = [(r.start, r.end) for r in found if r.paragraph == index]
        for bare in bare_resolutions(text, taken, resolution.number):
            bare.paragraph = index
            found.append(bare)
    found.sort(key=lambda r: (r.paragraph, r.start))
    out: list[Citation] = []
    for reference in found:
        if reference.symbol == resolution.symbol:
            continue
        out.append(
            Citation(
                symbol=reference.symbol,
                kind=reference.kind,
                paragraph=labelled[reference.paragraph][0],
                text=reference.text,
            )
        )
    return out
