"""Votes, outcomes, presidential statements and explanations of vote, from a parsed record.

The record gives three kinds of evidence, in order:

* the President putting something to the vote ("I shall now put to the vote the draft
  resolution contained in document S/2020/24"; "... the oral amendment proposed by the
  Russian Federation") -> what is voted on;
* the vote passage ("A vote was taken by show of hands. In favour: ... Against: ...") ->
  each member's vote (absent from speech-level corpora);
* the President's announcement ("The draft resolution received 11 votes in favour, none
  against and 4 abstentions. The draft resolution has been adopted as resolution 2504
  (2020)." / "... has not been adopted, owing to the negative vote of a permanent member of
  the Council.") -> the tally and the outcome.

A tally that disagrees with the lists, a list name the reference data does not know, a vote
passage without its announcement: each is kept and reported in the vote's ``warnings``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from councilbase import reference
from councilbase.model import (
    Cast,
    Heading,
    Position,
    Procedure,
    Record,
    Speech,
    Statement,
    Tally,
    Vote,
    VotePassage,
)

NUMBER_WORDS = {
    "none": 0,
    "no": 0,
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
}
_NUM = r"(?:\d{1,3}|" + "|".join(NUMBER_WORDS) + r")"


def number(word: str) -> int:
    """``11`` or ``eleven`` -> 11; ``none`` -> 0."""
    word = word.lower()
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def council_size(record: Record) -> int:
    """How many members the body had at the meeting: for the Council the cover page's
    list, else 15 (11 before the enlargement of 1966); for the Assembly the members of the
    United Nations on the day."""
    if record.body == "GA":
        day = record.date or (str(record.year) if record.year else None)
        return len(reference.un_members(day)) if day else 193
    if len(record.members) >= 11:
        return len(record.members)
    return 11 if record.year is not None and record.year < 1966 else 15


# --- recognisers on the President's sentences --------------------------------------------

_SENTENCE = re.compile(r"(?<=[.;:])\s+(?=[A-Z“\"(])")
_PUT_TO_VOTE = re.compile(
    r"\b(?:put|putting)\s+(?:now\s+)?to\s+the\s+vote\s+(?:now\s+)?(?P<what>.+)"
    r"|\bproceed\s+to\s+(?:the\s+)?(?:vote|voting)\s+on\s+(?P<what2>.+)"
    r"|\b(?:put|putting)\s+(?P<what3>(?:the|this|that)\s+[^.]{3,120}?)\s+to\s+the\s+vote\b",
    re.IGNORECASE,
)
_RECEIVED = re.compile(
    r"\b(?:received|results?\s+of\s+the\s+vot(?:e|ing)\s+(?:is|was)(?:\s+as\s+follows)?:?)"
    r"\s+(?P<rest>.+)",
    re.IGNORECASE,
)
_IN_FAVOUR = re.compile(rf"\b(?P<n>{_NUM})\s+(?:votes?\s+)?in\s+favou?r", re.IGNORECASE)
_AGAINST = re.compile(rf"\b(?P<n>{_NUM})\s+(?:votes?\s+)?against\b", re.IGNORECASE)
_ABSTAINING = re.compile(
    rf"\b(?P<n>{_NUM})\s+(?:abstentions?|abstaining|abstained|members?\s+abstaining)\b",
    re.IGNORECASE,
)
_BY_VOTES = re.compile(
    rf"\bby\s+(?P<f>{_NUM})\s+votes?\s+to\s+(?P<a>{_NUM})(?:,?\s+with\s+"
    rf"(?P<ab>{_NUM})\s+abstentions?)?",
    re.IGNORECASE,
)
_LABELLED = re.compile(
    rf"\bin\s+favou?r\s*[:,]?\s*(?P<f>{_NUM})\s*[;,]\s*against\s*[:,]?\s*(?P<a>{_NUM})"
    rf"(?:\s*[;,]\s*(?:abstentions?|abstaining)\s*[:,]?\s*(?P<ab>{_NUM}))?",
    re.IGNORECASE,
)
_ADOPTED_AS = re.compile(
    r"\b(?:has\s+been|is|was|have\s+been)\s+adopted(?P<unanimously>,?\s+unanimously,?)?"
    r"(?P<without>,?\s+without\s+(?:a\s+)?vote,?)?\s+as\s+resolution\s+(?P<number>\d+)"
    r"\s*\((?P<year>\d{4})\)",
    re.IGNORECASE,
)
_ADOPTED = re.compile(
    r"\b(?:has\s+been|is|was)\s+adopted(?P<unanimously>,?\s+unanimously)?"
    r"(?P<without>,?\s+without\s+(?:a\s+)?vote)?\b",
    re.IGNORECASE,
)
_NOT_ADOPTED = re.compile(
    r"\b(?:has\s+not\s+been|was\s+not|is\s+not)\s+adopted\b|\bfailed\s+of\s+adoption\b"
    r"|\b(?:was|has\s+been|is)\s+rejected\b|\bfailed\s+to\s+(?:obtain|secure)\s+the\s+"
    r"(?:required\s+)?(?:majority|affirmative\s+votes)",
    re.IGNORECASE,
)
_GA_RESOLUTION = re.compile(
    r"\(\s*resolution\s+(?P<session>ES-\d{1,2}|\d{1,3})\s*/\s*(?P<number>\d{1,4}\s?[A-Z]?)\s*\)",
    re.IGNORECASE,
)
"""The Assembly's resolution after its adoption: "(resolution 65/182)" -> A/RES/65/182."""
_GA_DECISION = re.compile(
    r"\(\s*decision\s+(?P<session>ES-\d{1,2}|\d{1,3})\s*/\s*(?P<number>\d{1,4}\s?[A-Z]?)\s*\)",
    re.IGNORECASE,
)
_GA_OUTCOME = re.compile(
    r"^(?P<what>.{3,300}?)\s+(?:was|were|has\s+been)\s+(?P<verb>adopted|retained|rejected|"
    r"approved|deleted|not\s+adopted|not\s+retained)\b",
    re.IGNORECASE | re.DOTALL,
)
_GA_DOCUMENT = re.compile(r"\bA/(?:ES-\d{1,2}/)?\d{1,3}/L\.\d+(?:/Rev\.\d+)?(?:/Add\.\d+)?")
_VETO = re.compile(r"\bnegative\s+votes?\s+of\s+(?:a|one|two|three)?\s*permanent\s+members?", re.I)
_PRST = re.compile(r"\bS/PRST/(?P<year>\d{4})/(?P<number>\d+)\b")
_PRST_READ = re.compile(
    r"\b(?:issued|issue)\s+(?:it\s+)?as\s+a\s+document|\bunder\s+the\s+symbol\b", re.I
)
_DOCUMENT = re.compile(r"\bS/\d{4}/\d+(?:/Rev\.\d+)?\b")
_BY = re.compile(r"\b(?:proposed|submitted|sponsored|presented)\s+by\s+(?:the\s+)?(?P<who>[^,.;]+)")


def sentences(paragraph: str) -> list[str]:
    """A paragraph cut into sentences (enough for the President's procedural sentences)."""
    return [s.strip() for s in _SENTENCE.split(paragraph) if s.strip()]


@dataclass
class Subject:
    """What the President puts to the vote."""

    kind: str
    document: str | None
    proposer: str | None
    description: str


def recognise_put_to_vote(sentence: str) -> Subject | None:
    """ "I shall now put to the vote the draft resolution contained in document S/2020/24" ->
    a draft resolution S/2020/24."""
    match = _PUT_TO_VOTE.search(sentence)
    if not match:
        return None
    what = match.group("what") or match.group("what2") or match.group("what3") or ""
    lower = what.lower()
    if "amendment" in lower:
        kind = "oral_amendment" if "oral" in lower else "written_amendment"
    elif "draft resolution" in lower or "draft" in lower:
        kind = "draft_resolution"
    elif "proposal" in lower or "motion" in lower or "agenda" in lower:
        kind = "procedural"
    else:
        kind = "unknown"
    document = _DOCUMENT.search(what) or _GA_DOCUMENT.search(what)
    by = _BY.search(what)
    return Subject(
        kind,
        document.group() if document else None,
        by.group("who").strip() if by else None,
        sentence,
    )


def recognise_tally(sentence: str) -> Tally | None:
    """A tally in words or figures, in every phrasing the records use: "received 11 votes
    in favour, none against and 4 abstentions", "The result of the voting is as follows: 13
    votes in favour, one against and one abstaining", "adopted by 9 votes to none, with 2
    abstentions", "in favour, 10; against, 1; abstentions, 0" -> the three numbers."""
    for pattern in (_BY_VOTES, _LABELLED):
        found = pattern.search(sentence)
        if found:
            return Tally(
                number(found.group("f")),
                number(found.group("a")),
                number(found.group("ab")) if found.group("ab") else 0,
            )
    match = _RECEIVED.search(sentence)
    if not match:
        return None
    rest = match.group("rest")
    favour = _IN_FAVOUR.search(rest)
    if not favour:
        return None
    against = _AGAINST.search(rest)
    abstaining = _ABSTAINING.search(rest)
    return Tally(
        number(favour.group("n")),
        number(against.group("n")) if against else 0,
        number(abstaining.group("n")) if abstaining else 0,
    )


@dataclass
class Result:
    """The outcome the President announces."""

    outcome: str
    resolution: str | None = None
    unanimous: bool = False
    without_vote: bool = False
    decision: str | None = None


def recognise_result(sentence: str) -> Result | None:
    """ "... has been adopted as resolution 2504 (2020)", "... has not been adopted, owing to
    the negative vote of a permanent member", "... adopted without a vote"."""
    if _NOT_ADOPTED.search(sentence):
        return Result("vetoed" if _VETO.search(sentence) else "not_adopted")
    match = _ADOPTED_AS.search(sentence)
    if match:
        return Result(
            "adopted",
            f"S/RES/{match.group('number')} ({match.group('year')})",
            unanimous=bool(match.group("unanimously")),
            without_vote=bool(match.group("without")),
        )
    match = _ADOPTED.search(sentence)
    if match and re.search(r"\b(?:draft|resolution|amendment|proposal|motion)\b", sentence, re.I):
        if re.search(r"\bagenda\s+(?:was|is|has\s+been)\s+adopted", sentence, re.I):
            return None
        return Result(
            "adopted",
            unanimous=bool(match.group("unanimously")),
            without_vote=bool(match.group("without")),
        )
    return None


def recognise_assembly_result(sentence: str) -> tuple[Result, Subject] | None:
    """The Assembly's printed outcome of a decision and what it was on: "Draft resolution
    A/61/L.67 was adopted by 143 votes to 4, with 11 abstentions (resolution 61/295)",
    "Draft resolution I was adopted (resolution 65/182)", "The draft decision was adopted",
    "The eighth preambular paragraph was retained by 105 votes to 2, ...", "The amendment
    ... was rejected by ..."."""
    match = _GA_OUTCOME.match(sentence.strip())
    if not match:
        return None
    what, verb = match.group("what"), match.group("verb").lower()
    lower = what.lower()
    if "amendment" in lower:
        kind = "oral_amendment" if "oral" in lower else "written_amendment"
    elif "draft decision" in lower:
        kind = "draft_decision"
    elif "draft resolution" in lower:
        kind = "draft_resolution"
    elif "paragraph" in lower:
        kind = "paragraph"
    elif re.search(r"\b(?:motion|proposal|request|recommendation)\b", lower):
        kind = "procedural"
    else:
        return None
    if verb.startswith("not") or verb in ("rejected", "deleted"):
        outcome = "not_adopted"
    else:
        outcome = "adopted"
    resolution = _GA_RESOLUTION.search(sentence)
    decision = _GA_DECISION.search(sentence)
    result = Result(
        outcome,
        f"A/RES/{resolution.group('session').upper()}/{resolution.group('number').replace(' ', '')}"
        if resolution
        else None,
    )
    result.decision = (
        f"{decision.group('session').upper()}/{decision.group('number').replace(' ', '')}"
        if decision
        else None
    )
    document = _GA_DOCUMENT.search(what)
    return result, Subject(kind, document.group() if document else None, None, sentence.strip())


def recognise_statement(sentence: str) -> str | None:
    """ "... will be issued as a document of the Security Council under the symbol
    S/PRST/2020/2" -> ``S/PRST/2020/2``."""
    match = _PRST.search(sentence)
    if match and _PRST_READ.search(sentence):
        return f"S/PRST/{match.group('year')}/{match.group('number')}"
    return None


# --- votes --------------------------------------------------------------------------------

LIST_VOTES = (
    ("in_favour", "in_favour"),
    ("against", "against"),
    ("abstaining", "abstaining"),
    ("not_participating", "not_participating"),
)


def casts(passage: VotePassage, year: int | None = None) -> tuple[list[Cast], list[str]]:
    """Each listed member's vote, resolved to a state code (as the name stood in ``year``:
    "Yugoslavia" in 2001 is the Federal Republic); names the reference data does not know
    are kept as printed, with a warning."""
    out: list[Cast] = []
    warnings: list[str] = []
    for attribute, vote in LIST_VOTES:
        for name in getattr(passage, attribute):
            code = reference.resolve_state_in(name, year)
            if code is None:
                warnings.append(f"vote list name {name!r} is not in the reference data")
            out.append(Cast(name=name, code=code, vote=vote))
    return out, warnings


def _counted(items: list[Cast]) -> Tally:
    return Tally(
        sum(c.vote == "in_favour" for c in items),
        sum(c.vote == "against" for c in items),
        sum(c.vote == "abstaining" for c in items),
    )


def _president(speech: Speech) -> bool:
    return speech.role == "president" or speech.title in ("The President", "The Acting President")


def finish(vote: Vote, members: int = 15) -> None:
    """Check the tally against the lists, name the vetoing members; unanimous only when the
    record says so, or every member voted in favour (by the lists, or a tally of all)."""
    if vote.counted and vote.announced and vote.counted != vote.announced:
        vote.warnings.append(
            f"the announced tally {vote.announced} differs from the lists ({vote.counted})"
        )
    if vote.outcome == "vetoed":
        permanent = reference.permanent_members()
        vote.vetoed_by = sorted(
            {c.code for c in vote.casts if c.vote == "against" and c.code in permanent}
        )
        if not vote.vetoed_by:
            vote.warnings.append("vetoed, but the record does not list the permanent members")
    tally = vote.announced or vote.counted
    absent = any(c.vote == "not_participating" for c in vote.casts)
    if (
        vote.outcome == "adopted"
        and tally
        and not vote.without_vote
        and not absent
        and tally.in_favour >= members
        and tally.against == 0
        and tally.abstaining == 0
    ):
        vote.unanimous = True  # every member voted in favour
    if vote.outcome == "unknown":
        vote.warnings.append("the record does not say what came of this vote")


def extract_votes(record: Record) -> None:
    """Fill ``record.votes`` and ``record.statements`` from its items, in order."""
    members = council_size(record)

    def _finish(vote: Vote) -> None:
        finish(vote, members)

    votes: list[Vote] = []
    statements: list[Statement] = []
    subject: Subject | None = None
    drafts: list[str] = []
    open_vote: Vote | None = None

    def new_vote(item: int, description: str) -> Vote:
        nonlocal subject
        if subject is not None:
            document = subject.document
            if document is None and subject.kind == "draft_resolution" and len(drafts) == 1:
                document = drafts[0]
            vote = Vote(
                subject=subject.kind,
                document=document,
                description=subject.description,
                method=None,
                proposer=subject.proposer,
                item=item,
            )
        else:
            vote = Vote(
                subject="unknown", document=None, description=description, method=None, item=item
            )
        subject = None
        votes.append(vote)
        return vote

    def passage(index: int, found: VotePassage) -> None:
        nonlocal open_vote
        if open_vote is not None:
            open_vote.warnings.append("no announced result before the next vote")
            _finish(open_vote)
        open_vote = new_vote(index, found.text)
        open_vote.method = found.method
        open_vote.casts, warnings = casts(found, record.year)
        open_vote.warnings.extend(warnings)
        open_vote.counted = _counted(open_vote.casts) if open_vote.casts else None

    assembly = record.body == "GA"

    def assembly_result(index: int, sentence: str) -> bool:
        """The Assembly's printed outcome: the vote it ends (a recorded vote before it),
        else a decision taken without a vote."""
        nonlocal open_vote, subject
        found = recognise_assembly_result(sentence)
        if found is None:
            return False
        result, about = found
        tally = recognise_tally(sentence)
        vote = open_vote
        if vote is None or vote.outcome != "unknown":
            if subject is None or subject.kind != about.kind:
                subject = about
            vote = new_vote(index, sentence)
            if tally is None:
                vote.without_vote = result.outcome == "adopted"
                vote.method = "without a vote" if vote.without_vote else None
        vote.subject = about.kind  # the printed outcome says what was decided
        vote.document = about.document or vote.document
        vote.description = about.description
        vote.outcome = result.outcome
        vote.resolution = result.resolution
        vote.decision = result.decision
        if tally:
            vote.announced = tally
        _finish(vote)
        open_vote = None
        return True

    for index, item in enumerate(record.items):
        if isinstance(item, VotePassage):
            passage(index, item)
            continue
        if isinstance(item, Procedure) and item.type == "vote_note" and votes:
            votes[-1].notes.append(item.text.strip().lstrip("[").rstrip("]").strip())
            continue
        if isinstance(item, Procedure) and item.type in ("other", "decision"):
            paragraphs = [item.text]  # the Official Records print the result as a narrative
        elif isinstance(item, Speech) and _president(item):
            paragraphs = item.text
        else:
            continue
        for paragraph in paragraphs:
            pieces: list[str | VotePassage] = []
            for piece in split_inline_passage(paragraph):
                if isinstance(piece, VotePassage):
                    pieces.append(piece)
                else:
                    pieces.extend(sentences(piece))
            for sentence in pieces:
                if isinstance(sentence, VotePassage):
                    passage(index, sentence)
                    continue
                if assembly:
                    # the Assembly prints its decisions apart, never inside a speech: a
                    # speech's sentences only say what is put to the vote
                    if isinstance(item, Procedure):
                        assembly_result(index, item.text)
                        break
                    found = recognise_put_to_vote(sentence)
                    if found is not None:
                        subject = found
                    continue
                if "draft resolution" in sentence.lower():
                    drafts.extend(d for d in _DOCUMENT.findall(sentence) if d not in drafts)
                symbol = recognise_statement(sentence)
                if symbol and all(s.symbol != symbol for s in statements):
                    statements.append(Statement(symbol=symbol, item=index))
                tally = recognise_tally(sentence)
                result = recognise_result(sentence)
                if tally or result:
                    vote = open_vote
                    if (
                        vote is None
                        or (vote.announced and tally)
                        or (vote.outcome != "unknown" and result)
                    ):
                        if vote is not None:
                            _finish(vote)
                        vote = new_vote(index, sentence)
                    if tally:
                        vote.announced = tally
                        if vote.method is None:
                            vote.method = "show of hands"
                    if result:
                        vote.outcome = result.outcome
                        vote.resolution = result.resolution or vote.resolution
                        vote.unanimous = vote.unanimous or result.unanimous
                        vote.without_vote = result.without_vote
                        if result.without_vote:
                            vote.method = "without a vote"
                        _finish(vote)
                        open_vote = None
                    else:
                        open_vote = vote
                    continue
                found = recognise_put_to_vote(sentence)
                if found is not None:
                    subject = found
    if open_vote is not None:
        _finish(open_vote)
    votes = _join_split_lists(votes, members)
    record.votes = votes
    record.statements = statements
    explain_votes(record)


def _join_split_lists(votes: list[Vote], members: int) -> list[Vote]:
    """A show of hands the Official Records print in two parts: those in favour right
    after the President asks for them, those against and abstaining after more words. The
    second part, with the announced result, takes the first part's list when the tally
    says so exactly (as many in favour as that list names); the joining is noted."""
    out: list[Vote] = []
    for vote in votes:
        tally = vote.announced
        has_favour = any(c.vote == "in_favour" for c in vote.casts)
        if tally and tally.in_favour and not has_favour and vote.casts:
            for earlier in reversed(out):
                only_favour = earlier.casts and all(c.vote == "in_favour" for c in earlier.casts)
                if (
                    earlier.outcome == "unknown"
                    and only_favour
                    and len(earlier.casts) == tally.in_favour
                ):
                    out.remove(earlier)
                    vote.casts = earlier.casts + vote.casts
                    vote.counted = _counted(vote.casts)
                    vote.warnings = [
                        w for w in vote.warnings if not w.startswith("the announced tally")
                    ] + [
                        "the list of those in favour was printed apart, before; joined to this"
                        " vote because the announced tally counts as many"
                    ]
                    if vote.subject == "unknown":
                        vote.subject, vote.description = earlier.subject, earlier.description
                    vote.item = earlier.item
                    finish(vote, members)
                    break
        out.append(vote)
    return out


_INLINE_PASSAGE = re.compile(
    r"A\s+(?:recorded\s+)?vote\s+was\s+taken\s+by\s+(?P<method>[a-z -]+?)\.\s*"
    r"In\s+favou?r:\s*(?P<in_favour>.*?)\s*(?:Against:\s*(?P<against>.*?)\s*)?"
    r"(?:Abstaining:\s*(?P<abstaining>.*))?$",
    re.IGNORECASE | re.DOTALL,
)


def _take_names(text: str) -> tuple[list[str], str]:
    """Country names from the start of a list that runs into the next sentence:
    ``China, Russian Federation The draft resolution ...`` -> the two names, the rest (a
    list item may hold two names joined by "and")."""
    stripped = text.strip()
    if re.match(r"None\b", stripped):
        return [], stripped[4:]
    names: list[str] = []
    parts = stripped.split(",")
    for number, part in enumerate(parts):
        words = part.split()
        for length in range(len(words), 0, -1):
            candidate = " ".join(words[:length])
            joined = reference.join_state_names([candidate])
            known = all(reference.resolve_state(n) for n in joined)
            if known or (length == len(words) and number < len(parts) - 1):
                names.extend(joined)
                if length < len(words):
                    rest = " ".join([*words[length:], ",".join(parts[number + 1 :])]).strip(" ,")
                    return names, rest
                break
        else:
            return names, ",".join(parts[number:])
    return names, ""


def split_inline_passage(paragraph: str) -> list[str | VotePassage]:
    """A President's paragraph of a speech-level corpus, where the vote passage stands inside
    the text: the text before it, the passage (its lists read), the text after it."""
    match = _INLINE_PASSAGE.search(paragraph)
    if not match:
        return [paragraph]

    def split(text: str | None) -> list[str]:
        pieces = [n.strip() for n in (text or "").split(",")]
        return reference.join_state_names([n for n in pieces if n and n.lower() != "none"])

    last = next(
        name for name in ("abstaining", "against", "in_favour") if match.group(name) is not None
    )
    taken, rest = _take_names(match.group(last))
    passage_text = paragraph[match.start() : len(paragraph) - len(rest)].strip()
    lists = {
        name: split(match.group(name)) if name != last else reference.join_state_names(taken)
        for name in ("in_favour", "against", "abstaining")
    }
    found = VotePassage(
        text=passage_text,
        method=match.group("method").strip(),
        in_favour=lists["in_favour"],
        against=lists["against"],
        abstaining=lists["abstaining"],
    )
    before = paragraph[: match.start()].strip()
    return [p for p in (before, found, rest.strip()) if p]


# --- explanations of vote and declared positions ------------------------------------------

_BEFORE_CUE = re.compile(
    r"\b(?:statements?|explanations?\s+of\s+(?:vote|position))\s+before\s+the\s+vot(?:e|ing)\b",
    re.I,
)
_AFTER_CUE = re.compile(
    r"\bstatements?\s+after\s+the\s+vot(?:e|ing)\b|\bexplanations?\s+of\s+vote\b", re.I
)


def _vote_follows(record: Record, index: int, vote_items: list[int]) -> bool:
    """Whether a vote is taken after item ``index`` before the next heading."""
    following = [i for i in vote_items if i > index]
    if not following:
        return False
    return not any(isinstance(item, Heading) for item in record.items[index : following[0]])


_GENERIC_CUE = re.compile(
    r"\bexplain\s+(?:their|its)\s+(?:votes?|positions?)(?:\s+or\s+(?:votes?|positions?))?\b"
    r"(?![^.]{0,40}\b(?:before|after)\s+the\s+vot)|"
    r"\bin\s+explanation\s+of\s+(?:vote|position)(?:\s+or\s+(?:vote|position))?\b"
    r"(?![^.]{0,40}\b(?:before|after)\s+the\s+vot)",
    re.I,
)
_JUST_ADOPTED = re.compile(
    r"\b(?:just|already)\s+(?:been\s+)?(?:adopted|taken)\b|\bthat\s+(?:has|have)\s+been\s+adopted",
    re.I,
)
_LAST_SPEAKER = re.compile(
    r"\b(?:heard|was)\s+the\s+last\s+speaker\s+in\s+explanation\s+of\s+(?:vote|position)",
    re.I,
)
_NATIONAL = re.compile(r"\bin\s+my\s+capacity\s+as\s+(?:the\s+)?representative\s+of\b", re.I)


def _is_member_speech(speech: Speech) -> bool:
    return speech.role == "member" or (
        _president(speech) and any(_NATIONAL.search(p) for p in speech.text)
    )


def explain_votes(record: Record) -> None:
    """Mark the members' speeches made just before or after a vote as explanations of it,
    and find every position a speaker declares on a text."""
    vote_at = {v.item: n for n, v in enumerate(record.votes) if v.item is not None}
    vote_items = sorted(vote_at)
    mode: str | None = None
    # the Assembly's President says each time whom the floor is given to: explanations
    # before or after the voting; a vote alone says nothing of the speeches after it
    assembly = record.body == "GA"
    for index, item in enumerate(record.items):
        if not isinstance(item, Speech):
            if index in vote_at:
                mode = None if assembly else "after"
            elif assembly and isinstance(item, Heading):
                mode = None  # another agenda item: its debate, not explanations
            continue
        if _president(item) and not _is_member_speech(item):
            text = " ".join(item.text)
            if index in vote_at:
                mode = None if assembly else "after"
            if assembly and _LAST_SPEAKER.search(text):
                mode = None
            if _BEFORE_CUE.search(text):
                mode = "before"
            elif _AFTER_CUE.search(text) and not (assembly and _GENERIC_CUE.search(text)):
                mode = "after"
            elif assembly and _GENERIC_CUE.search(text) and _JUST_ADOPTED.search(text):
                mode = "after"  # "in explanation of vote on the resolutions just adopted"
            elif assembly and _GENERIC_CUE.search(text):
                # "delegations that wish to explain their positions or votes": before the
                # voting when a vote follows in this part of the meeting, else after it
                mode = "before" if _vote_follows(record, index, vote_items) else "after"
            elif _PUT_TO_VOTE.search(text) and mode == "before":
                mode = None
            continue
        if index in vote_at:  # a President's speech that announced a result and spoke nationally
            mode = "after"
        if mode is None:
            continue
        if not _is_member_speech(item):
            mode = None
            continue
        if mode == "before":
            following = [i for i in vote_items if i > index]
            if following:
                item.explains, item.explains_vote = "before", vote_at[following[0]]
        else:
            previous = [i for i in vote_items if i < index]
            if previous:
                item.explains, item.explains_vote = "after", vote_at[previous[-1]]
    for speech in record.speeches:
        speech.positions = declared_positions(speech, record)


_FIRST_PERSON = re.compile(
    r"\b(?:we|i|my|our|us)\b|\bdelegation\b|\bmy\s+country\b|\bmy\s+Government\b", re.I
)
_THIRD_PARTY = re.compile(
    r"\b(?:they|those|others|members|some|many|countries|Council|States|colleagues|who)\b", re.I
)
_POSITION = re.compile(
    r"\b(?P<favour>vot(?:ed|e|es|ing)\s+(?:yes\s+|today\s+|again\s+|\w+ly\s+)?"
    r"(?:in\s+favou?r(?:\s+of)?|for|to\s+adopt))\b"
    r"|\b(?P<against>vot(?:ed|e|es|ing)\s+(?:no\s+|today\s+|again\s+|\w+ly\s+)?against)\b"
    r"|\b(?P<abstain>abstain(?:ed|s|ing)?|abstention|vot(?:ed|e|ing)\s+to\s+abstain)\b",
    re.IGNORECASE,
)
_TARGET = re.compile(
    r"^\s*(?:(?:in|on|from)\s+(?:the\s+)?(?:voting|vote)(?:\s+(?:on|in))?\s*|(?:in|on)\s+)?"
    r"(?P<target>(?:the\s+|this\s+|today[’']s\s+|that\s+)?"
    r"(?:(?:draft\s+)?resolutions?\s+\d+\s*\(\d{4}\)"
    r"|(?:revised\s+)?draft\s+resolutions?(?:\s+(?:contained\s+)?in\s+document\s+S/\d{4}/\d+|\s+S/\d{4}/\d+)?"
    r"|(?:proposed\s+)?(?:oral\s+|written\s+)?amendments?(?:\s+(?:contained\s+)?in\s+document\s+S/\d{4}/\d+)?"
    r"|(?:draft\s+)?resolution\b|text\b|draft\b|it\b(?!\s+(?:is|was|has|will|would))))",
    re.IGNORECASE,
)
_RESOLUTION = re.compile(r"resolution\s+(\d+)\s*\((\d{4})\)", re.I)
_NEGATION = re.compile(
    r"\b(?:not(?!\s+but\b)|never|n[’']t|cannot(?!\s+but\b)|neither|nor)\b[^.;]{0,20}$", re.I
)
_REQUEST = re.compile(
    r"\b(?:ask|asks|asked|call(?:s|ed)?\s+(?:up)?on|urge[sd]?|invite[sd]?|encourage[sd]?|request[sd]?"
    r"|appeal(?:s|ed)?\s+to)\b",
    re.IGNORECASE,
)
_CAPACITY = re.compile(
    r"\bcapacity\s+as\s+(?:the\s+)?representative\s+of\s+(?:the\s+)?(?P<state>[^.,;]+)", re.I
)
_CLAUSE = re.compile(r"[.;:!?]\s|,\s+(?:but|and|while|which|as)\s|\s—\s|\s-\s")


_RELATIVE = re.compile(r"\b(?:that|who|which)\s+(?:\w+\s+){0,3}$", re.IGNORECASE)


def _subject(before: str) -> str:
    cut = [m.end() for m in _CLAUSE.finditer(before)]
    return before[cut[-1] :] if cut else before[-160:]


def _own_names(speech: Speech, record: Record) -> list[str]:
    code = reference.resolve_state(speech.affiliation)
    if code is None and _president(speech) and record.president:
        code = reference.resolve_state(record.president.country)
    if code is None and _president(speech):  # "in my capacity as the representative of X"
        found = next((m for p in speech.text if (m := _CAPACITY.search(p))), None)
        code = reference.resolve_state(found.group("state")) if found else None
    state = reference.state_by_code(code) if code else None
    if state is None:
        return []
    return [state.name, *state.aliases, *state.demonyms]


def declared_positions(speech: Speech, record: Record) -> list[Position]:
    """Every "we voted in favour of ...", "X abstained in the voting on ...", "voted against
    the draft resolution" in a speech, with the text it refers to."""
    names = [n for n in _own_names(speech, record) if len(n) > 2]
    own = (
        re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b", re.I)
        if names
        else None
    )
    out: list[Position] = []
    for number_, paragraph in enumerate(speech.text):
        lower = paragraph.lower()
        if "vot" not in lower and "abstain" not in lower and "abstention" not in lower:
            continue
        for match in _POSITION.finditer(paragraph):
            before = paragraph[: match.start()]
            if _NEGATION.search(before[-40:]):
                continue
            subject = _subject(before)
            if re.fullmatch(r"\s*By\s*", subject, re.I):  # "By voting to adopt ..., we ..."
                subject = paragraph[match.end() : match.end() + 120].split(",", 1)[-1][:60]
            relative = _RELATIVE.search(subject)
            if relative:
                between = subject[relative.start() :]
                if not (_FIRST_PERSON.search(between) or (own and own.search(between))):
                    # "the members of the Council that voted": the antecedent votes
                    subject = " ".join(subject[: relative.start()].split()[-4:])
            if _REQUEST.search(subject):  # "we ask the Council to vote in favour": others vote
                continue
            if not (_FIRST_PERSON.search(subject) or (own and own.search(subject))):
                continue
            if _THIRD_PARTY.search(subject) and not (
                re.search(r"\b(?:we|i)\b", subject, re.I) or (own and own.search(subject))
            ):
                continue
            after = paragraph[match.end() :]
            target = _TARGET.match(after)
            kind = (
                "in_favour"
                if match.group("favour")
                else "against"
                if match.group("against")
                else "abstaining"
            )
            if target is None and kind != "abstaining" and not re.match(r"\s*(?:[.,;]|$)", after):
                continue  # "voted in favour." ends the clause: the text is the one in context
            target_text = target.group("target") if target else ""
            document = None
            if target_text:
                resolution = _RESOLUTION.search(target_text)
                draft = _DOCUMENT.search(target_text)
                if resolution:
                    document = f"S/RES/{resolution.group(1)} ({resolution.group(2)})"
                elif draft:
                    document = draft.group()
            end = match.end() + (target.end() if target else 0)
            vote = _vote_for(document, target_text, speech, record)
            if any(p.paragraph == number_ and p.start == match.start() for p in out):
                continue
            out.append(
                Position(
                    position=kind,
                    target=target_text.strip(),
                    document=document,
                    paragraph=number_,
                    start=match.start(),
                    end=end,
                    vote=vote,
                )
            )
    return out


def _vote_for(document: str | None, target: str, speech: Speech, record: Record) -> int | None:
    for n, vote in enumerate(record.votes):
        if document and document in (vote.resolution, vote.document):
            return n
    if target:
        amendment = "amendment" in target.lower()
        same_kind = [
            n
            for n, v in enumerate(record.votes)
            if v.subject.endswith("amendment") == amendment and v.subject != "unknown"
        ]
        if len(same_kind) == 1:
            return same_kind[0]
    if document is None and speech.explains_vote is not None:
        return speech.explains_vote
    return None
