"""Parse the body of a record, paragraph by paragraph, into items in order: speeches,
procedural passages, vote passages and headings.

Each kind of procedural line has its own small recogniser (``recognise_*``), each
returning a value or None.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from councilbase.model import (
    AgendaItem,
    Heading,
    Item,
    LanguageChange,
    Procedure,
    Speech,
    VotePassage,
)
from councilbase.parse import speaker as sp
from councilbase.parse.cover import parse_time
from councilbase.reference import join_state_names

_TIME = r"(?P<time>\d{1,2}(?:[.:]\d{2})?\s*(?:a\.\s?m\.|p\.\s?m\.)|noon|midnight)"


@dataclass(frozen=True)
class Para:
    """A paragraph as the body parser sees it."""

    text: str
    pages: tuple[int, ...]
    indented: bool = True


def _timed(pattern: str, kind: str) -> Callable[[str], Procedure | None]:
    regex = re.compile(pattern)

    def recognise(text: str) -> Procedure | None:
        match = regex.match(text)
        if not match:
            return None
        time = match.groupdict().get("time")
        return Procedure(type=kind, text=text, time=parse_time(time) if time else None)

    recognise.__name__ = f"recognise_{kind}"
    recognise.__doc__ = f"The procedural line for {kind.replace('_', ' ')}, or None."
    return recognise


recognise_called_to_order = _timed(
    rf"^The meeting (?:was called to order|was opened|opened) at {_TIME}\.?$", "called_to_order"
)
recognise_suspended = _timed(rf"^The meeting was suspended at {_TIME}\.?$", "suspended")
recognise_resumed = _timed(
    rf"^The meeting (?:was )?resumed(?: on .{{1,40}})? at {_TIME}\.?$", "resumed"
)
recognise_rose = _timed(rf"^The meeting (?:rose|was adjourned|adjourned) at {_TIME}\.?$", "rose")
recognise_agenda_adopted = _timed(r"^The agenda was adopted\.?$", "agenda_adopted")
recognise_chair_taken = _timed(
    r"^(?:In the absence of the President,?\s+)?(?:(?:Mr|Mrs|Ms|Dr)\.|Miss|Sir|Dame|Sheikh|"
    r"Sheikha|Archbishop|Prince|Princess)\s+[^()]{2,80}\([^()]{3,80}\),\s*(?:a\s+|the\s+)?"
    r"Vice-?\s*President,\s*(?:then\s+)?took\s+the\s+Chair\.?$",
    "chair_taken",
)
recognise_chair_returned = _timed(
    r"^The President (?:returned to|resumed|took) the Chair\.?$", "chair_returned"
)
recognise_decided = _timed(r"^It (?:was|is) so decided\.?$", "decided")
recognise_seat_taken = _timed(
    r"^(?:At the invitation of the President|On the invitation of the President),? .{3,400}"
    r"(?:took (?:a |the |their )?(?:seats?|places?)|was escorted).{0,200}$",
    "invitation",
)
_VOTE_TAKEN = re.compile(
    r"^A (?P<recorded>recorded )?vote was taken(?: by (?P<method>show of hands|roll[- ]call|"
    r"secret ballot))?(?:,? as follows)?\s*[.:]?$"
)
_LIST_LABEL = re.compile(
    r"^(?P<label>In favour|Against|Abstaining|Abstentions?|Did not participate(?: in the voting)?|"
    r"Not participating|Absent)(?P<what>\s+(?:of\s+)?[^:;]{3,80}?)?\s*[:;]\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_FUZZY_LABEL = re.compile(r"^(?P<word>\S{5,12})\s*[:;]\s*(?P<rest>.*)$", re.DOTALL)
_LABEL_WORDS = {"in favour": "In favour", "against": "Against", "abstaining": "Abstaining"}


def _list_label(text: str, tolerant: bool) -> re.Match[str] | None:
    """A vote list's label at the start of a paragraph; ``tolerant`` also of the label as
    OCR misreads it in italics ("In farour:", "elgainst:", "wtbstaining:")."""
    found = _LIST_LABEL.match(text)
    if found or not tolerant:
        return found
    import difflib

    head = text[:40]
    for wrong in (head[: head.find(":")] if ":" in head else "",):
        key = " ".join(wrong.split()).lower()
        best = difflib.get_close_matches(key, list(_LABEL_WORDS), n=1, cutoff=0.6)
        if best and len(key) >= 5:
            return _LIST_LABEL.match(_LABEL_WORDS[best[0]] + text[len(wrong) :])
    return None


_NOT_PARTICIPATING = re.compile(
    r"^The\s+representatives?\s+of\s+(?P<names>.+?)\s+did\s+not\s+(?:participate|take\s+part)"
    r"\s+in\s+the\s+vot(?:e|ing)\.?$",
    re.IGNORECASE,
)
AGENDA_ITEM = re.compile(
    r"^Agenda\s+items?\s+(?P<numbers>\d{1,3}(?:\s*(?:,|and|to)\s*\d{1,3})*)"
    r"(?P<continued>\s*\(\s*continued\s*\))?\.?$",
    re.IGNORECASE,
)
"""The Assembly's heading of an agenda item: "Agenda item 110 (continued)", "AGENDA ITEM
14", "Agenda items 35 and 36"."""
_VOTE_PARTS = re.compile(
    r"(?<=\bA recorded vote was taken\.)\s+(?=In favou?r\s*:)"
    r"|(?<=\bA vote was taken by show of hands\.)\s+(?=In favou?r\s*:)"
    r"|(?<=[A-Za-z),.])\s+(?=(?:Against|Abstaining|Abstentions?)\s*:\s*[A-Z])"
)
"""Where a paragraph holding a vote passage is cut: after "A recorded vote was taken."
when the lists follow in the same paragraph, and before each list's label."""
_VOTE_START = re.compile(
    r"^(?:A (?:recorded )?vote was taken|In favou?r\s*:|Against\s*:|Abstaining\s*:|"
    r"Abstentions?\s*:)",
    re.IGNORECASE,
)
_ASSEMBLY_DECISION = re.compile(
    r"^(?:Draft (?:resolution|decision)|The draft (?:resolution|decision)|The (?:oral )?amendments?|"
    r"Draft amendments?|The [\w-]+ (?:preambular|operative) paragraph|(?:Operative|Preambular) "
    r"paragraphs? \d|The motion|The proposal|The recommendation|The draft text)\b"
    r".{0,300}?\b(?:was|were|has been) (?:adopted|rejected|retained|deleted|not adopted)\b.{0,200}$",
    re.DOTALL,
)
"""How the Assembly's record prints a decision, apart from any speech: "Draft resolution
A/61/L.68 was adopted (resolution 61/293).", "The draft decision was adopted.", "Operative
paragraph 7 was retained by 106 votes to 1, with 28 abstentions."."""
_NOTE = re.compile(r"^\[?\s*Subsequently,?\s.{10,600}\]?$", re.DOTALL)
"""A note printed after a vote: "[Subsequently, the delegation of X informed the Secretariat
that it had intended to vote in favour.]"."""
_RULE = re.compile(r"\brules? (?P<rule>3[79])\b(?:\s+(?:and|or)\s+(?P<rule2>3[79]))?")
_INVITE = re.compile(r"\b(?:I|we) (?:invite|also invite|extend an invitation)|\binvit(?:e|ing) ")

PROCEDURE_RECOGNISERS: tuple[Callable[[str], Procedure | None], ...] = (
    recognise_called_to_order,
    recognise_suspended,
    recognise_resumed,
    recognise_rose,
    recognise_agenda_adopted,
    recognise_seat_taken,
    recognise_chair_taken,
    recognise_chair_returned,
    recognise_decided,
)


def recognise_procedure(text: str) -> Procedure | None:
    """The procedural passage a paragraph is, or None."""
    if len(text) > 700:
        return None
    for recognise in PROCEDURE_RECOGNISERS:
        found = recognise(text)
        if found is not None:
            return found
    return None


def recognise_vote_taken(text: str) -> str | None:
    """``A vote was taken by show of hands.`` -> ``show of hands``; None for other lines."""
    match = _VOTE_TAKEN.match(text)
    if not match:
        return None
    if match.group("method"):
        return match.group("method").replace("roll call", "roll-call")
    return "recorded vote" if match.group("recorded") else "unspecified"


def recognise_invitation(text: str) -> int | None:
    """The rule (37 or 39) under which a President's paragraph invites someone, or None."""
    if not _INVITE.search(text):
        return None
    match = _RULE.search(text)
    return int(match.group("rule")) if match else None


def split_vote_list(text: str) -> list[str]:
    """``Belgium, Dominican Republic, ...`` -> the country names; ``None`` -> []."""
    text = text.strip().rstrip(".")
    if not text or text.lower() in ("none", "nil"):
        return []
    return [part.strip() for part in re.split(r"\s*[,;]\s*", text) if part.strip()]


def _normal(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text).strip().casefold()


class _BodyParser:
    def __init__(
        self,
        agenda_titles: list[str],
        agenda_texts: list[str],
        tolerant: bool = False,
        assembly: bool = False,
    ) -> None:
        self.tolerant = tolerant
        self.assembly = assembly
        self.note: Procedure | None = None
        self.agenda: list[AgendaItem] = []
        """The agenda items the body's headings name (the Assembly's)."""
        self.open_heading: Heading | None = None
        self.repeated_heading = False
        self.items: list[Item] = []
        self.speech: Speech | None = None
        self.vote: VotePassage | None = None
        self.vote_list: str | None = None
        self.vote_texts: list[str] = []
        self.titles = {_normal(t): i for i, t in enumerate(agenda_titles)}
        self.agenda_text = [_normal(t) for t in agenda_texts]

    def close_speech(self) -> None:
        self.speech = None

    def close_vote(self) -> None:
        if self.vote is not None:
            self.vote.text = "\n".join(self.vote_texts)
            for name in ("in_favour", "against", "abstaining", "not_participating"):
                setattr(self.vote, name, join_state_names(getattr(self.vote, name)))
        self.vote = None
        self.vote_list = None
        self.vote_texts = []

    def heading(self, para: Para) -> Heading | None:
        key = _normal(para.text)
        if para.text == "Adoption of the agenda":
            return Heading(text=para.text, pages=list(para.pages))
        if key in self.titles:
            return Heading(text=para.text, agenda_item=self.titles[key], pages=list(para.pages))
        if len(key) >= 8 and len(para.text) < 400:
            for index, text in enumerate(self.agenda_text):
                if f" {key} " in f" {text} ":
                    return Heading(text=para.text, agenda_item=index, pages=list(para.pages))
        return None

    def assembly_heading(self, para: Para) -> bool:
        """An Assembly agenda item's heading ("Agenda item 110 (continued)") or the title
        and sub-items under it: a heading item, and the item on the record's agenda."""
        text = para.text.strip()
        match = AGENDA_ITEM.match(text)
        if match:
            self.close_speech()
            self.close_vote()
            numbers = [int(n) for n in re.findall(r"\d+", match.group("numbers"))]
            if re.search(r"\bto\b", match.group("numbers")) and len(numbers) == 2:
                numbers = list(range(numbers[0], numbers[1] + 1))
            index = next((i for i, a in enumerate(self.agenda) if a.number == numbers[0]), None)
            self.repeated_heading = index is not None
            if index is None:
                for number in numbers:
                    self.agenda.append(
                        AgendaItem(
                            title="", number=number, continued=bool(match.group("continued"))
                        )
                    )
                index = len(self.agenda) - len(numbers)
            self.open_heading = Heading(text=text, agenda_item=index, pages=list(para.pages))
            self.items.append(self.open_heading)
            return True
        heading = self.open_heading
        if heading is None or heading.agenda_item is None:
            return False
        if (
            len(text) > 600
            or recognise_procedure(text) is not None
            or recognise_vote_taken(text) is not None
            or sp.match_speaker(text, self.tolerant) is not None
        ):
            self.open_heading = None
            return False
        heading.text += "\n" + text
        heading.pages = sorted(set(heading.pages) | set(para.pages))
        if self.repeated_heading:
            return True  # the item's title printed again where it is taken up again
        item = self.agenda[heading.agenda_item]
        if re.match(r"^\(?[a-z]\)\s", text) and item.title:
            item.sub_items.append(text)
        elif not item.title:
            item.title = text
        elif not item.sub_items and _runs_on(item.title, text):
            item.title += " " + text  # a title printed in two paragraphs
        elif item.sub_items and _runs_on(item.sub_items[-1], text):
            item.sub_items[-1] += " " + text
        else:
            item.sub_items.append(text)
        from councilbase.parse.cover import documents_in

        item.documents += [d for d in documents_in(text) if d not in item.documents]
        return True

    def feed(self, para: Para) -> None:
        head = _FIRST_SENTENCE.match(para.text)
        if head and recognise_procedure(head.group(1)) is not None:
            # a procedural line run into what follows it across a page break ("It was so
            # decided." + "Agenda item 15"): each on its own
            self.feed(Para(head.group(1), para.pages, para.indented))
            self.feed(Para(head.group(2), para.pages, False))
            return
        embedded = _embedded_speaker(para.text)
        if embedded is not None:
            # a speaker's line run into the passage before it (a column break the layout
            # could not see): each on its own
            self.feed(Para(para.text[:embedded].strip(), para.pages, para.indented))
            self.feed(Para(para.text[embedded:].strip(), para.pages, True))
            return
        in_lists = self.vote is not None and self.vote_list is not None
        parts = _VOTE_PARTS.split(para.text) if in_lists or _VOTE_START.match(para.text) else []
        if len(parts) > 1:
            # "A recorded vote was taken." run into its lists across a page break, or the
            # lists run together: each part on its own
            for part in parts:
                if part.strip():
                    self.feed_one(Para(part.strip(), para.pages, para.indented))
            return
        self.feed_one(para)

    def feed_one(self, para: Para) -> None:
        text = para.text
        pages = list(para.pages)
        if self.note is not None:
            self.note.text += " " + text
            self.note.pages = sorted(set(self.note.pages) | set(pages))
            if text.rstrip().endswith("]"):
                self.note = None
            return
        if self.assembly and self.assembly_heading(para):
            return
        self.open_heading = None
        if self.vote is None and _NOTE.match(text.strip()) and self.items:
            # a note on the vote before: kept as a procedural passage, read by the extractor
            note = Procedure(type="vote_note", text=text, pages=pages)
            self.items.append(note)
            if text.lstrip().startswith("[") and not text.rstrip().endswith("]"):
                self.note = note  # printed over more than one paragraph
            return
        procedure = recognise_procedure(text)
        if procedure is None and self.assembly and _ASSEMBLY_DECISION.match(text.strip()):
            procedure = Procedure(type="decision", text=text)
        if procedure is not None and procedure.type in ("chair_taken", "chair_returned"):
            # the chair changes hands during a speech, which goes on after it
            self.close_vote()
            procedure.pages = pages
            self.items.append(procedure)
            return
        if procedure is not None:
            self.close_speech()
            self.close_vote()
            procedure.pages = pages
            self.items.append(procedure)
            return
        method = recognise_vote_taken(text)
        if method is not None:
            self.close_speech()
            self.close_vote()
            self.vote = VotePassage(text=text, method=method, pages=pages)
            self.vote_texts = [text]
            self.items.append(self.vote)
            return
        # an Assembly's list of 190 names is one long paragraph
        label = _list_label(text, self.tolerant) if len(text) < 8000 else None
        if self.vote is None and label and self._lone_list(label.group("rest")):
            # the Official Records print a show of hands as its lists alone, in italics
            self.close_speech()
            self.vote = VotePassage(text="", method="show of hands", pages=pages)
            self.vote_texts = []
            self.items.append(self.vote)
        if self.vote is not None:
            absent = _NOT_PARTICIPATING.match(text)
            if absent:
                self.vote_texts.append(text)
                names = split_vote_list(re.sub(r"\s+and\s+", ", ", absent.group("names")))
                self.vote.not_participating.extend(names)
                return
            if label:
                self.vote_list = label.group("label").lower()
                self.vote_texts.append(text)
                self._add_to_list(label.group("rest"), pages)
                return
            if (
                self.vote_list is not None
                and sp.match_speaker(text, self.tolerant) is None
                and self.heading(para) is None
                and len(text) < 8000
                and self._continues_list(text)
            ):
                self.vote_texts[-1] += " " + text
                self._add_to_list(text, pages)
                return
            self.close_vote()
        heading = self.heading(para)
        if heading is not None:
            self.close_speech()
            last = self.items[-1] if self.items else None
            if (
                isinstance(last, Heading)
                and last.agenda_item is not None
                and last.agenda_item == heading.agenda_item
            ):
                last.text = f"{last.text}\n{heading.text}"
                last.pages = sorted(set(last.pages) | set(heading.pages))
            else:
                self.items.append(heading)
            return
        found = sp.match_speaker(text, self.tolerant)
        if found is not None:
            self.close_speech()
            first, inline = sp.split_inline_language(found.rest.strip())
            self.speech = Speech(
                speaker_line=found.speaker_line,
                title=found.title,
                name=found.name,
                affiliation=found.affiliation,
                role="unknown",
                language=found.language,
                text=[first] if first else [],
                pages=pages,
                function=found.function,
            )
            if inline:
                self.speech.language_changes.append(_change(self.speech, inline))
            self.items.append(self.speech)
            return
        if self.speech is None:
            self.items.append(Procedure(type="other", text=text, pages=pages))
            return
        language = sp.language_change(text)
        if language is not None:
            self.speech.language_changes.append(_change(self.speech, language))
            self._add_pages(pages)
            return
        body, inline = sp.split_inline_language(text)
        if inline:
            self.speech.language_changes.append(_change(self.speech, inline))
        if body:
            self.speech.text.append(body)
        self._add_pages(pages)

    def _add_pages(self, pages: list[int]) -> None:
        assert self.speech is not None
        self.speech.pages = sorted(set(self.speech.pages) | set(pages))

    def _lone_list(self, rest: str) -> bool:
        """Whether a list label starts a vote's lists on its own: its names are states."""
        from councilbase.reference import resolve_state

        names = join_state_names(split_vote_list(rest))
        return bool(names) and all(resolve_state(n) for n in names)

    def _continues_list(self, text: str) -> bool:
        """Whether a paragraph after a vote list goes on with it (names cut by a line or
        a page break), not prose after it ("The proposal was rejected by ...")."""
        from councilbase.reference import resolve_state

        assert self.vote is not None and self.vote_list is not None
        if text.strip().rstrip(".").lower() in ("none", "nil"):
            return True  # "Against:" / "None"
        pieces = split_vote_list(text)
        if not pieces:
            return False
        current = self._list()
        if current and resolve_state(f"{current[-1]} {pieces[0]}") and not resolve_state(pieces[0]):
            return True
        known = sum(1 for name in join_state_names(pieces) if resolve_state(name))
        return known >= max(1, len(pieces) // 2)

    def _list(self) -> list[str]:
        assert self.vote is not None and self.vote_list is not None
        if self.vote_list == "in favour":
            return self.vote.in_favour
        if self.vote_list == "against":
            return self.vote.against
        if self.vote_list.startswith(("abstain", "abstention")):
            return self.vote.abstaining
        return self.vote.not_participating

    def _add_to_list(self, text: str, pages: list[int]) -> None:
        assert self.vote is not None and self.vote_list is not None
        self.vote.pages = sorted(set(self.vote.pages) | set(pages))
        names = split_vote_list(text)
        target = self._list()
        if target and names and not text.lstrip().startswith(",") and _continues(target[-1]):
            target[-1] = f"{target[-1]} {names.pop(0)}"
        target.extend(names)


def _runs_on(before: str, text: str) -> bool:
    """Whether a heading's line goes on in the next paragraph: it ends inside a phrase or a
    parenthesis ("... (A/60/253 and" + "Add.1)"), or the next begins in lower case."""
    return (
        text[:1].islower()
        or before.count("(") > before.count(")")
        or bool(re.search(r"\b(?:of|the|and|on|to|in|for|with|by|from|at)$|-$", before, re.I))
    )


_FIRST_SENTENCE = re.compile(r"^(.{10,200}?[.?!])\s+(\S.*)$", re.DOTALL)
_EMBEDDED_SPEAKER = re.compile(
    r"(?<=[.)\]])\s+(?=(?:The (?:Acting |Temporary )?President|The Secretary-General|"
    r"(?:Mr|Mrs|Ms|Dr)\.\s[^:.]{1,80}?\([^()]{3,80}\))[^:]{0,80}:\s)"
)


def _embedded_speaker(text: str) -> int | None:
    """Where a speaker's line starts inside a paragraph after a procedural passage ("...
    was adopted (resolution 65/225). The President (spoke in French): ..."), or None."""
    if len(text) > 3000 or ":" not in text:
        return None
    for match in _EMBEDDED_SPEAKER.finditer(text):
        before = text[: match.start()].strip()
        if sp.match_speaker(text[match.end() :]) is None:
            continue
        if sp.match_speaker(before) is not None and len(before) > 400:
            continue  # a long speech quoting a speaker's words: leave it
        return match.end()
    return None


def _continues(last: str) -> bool:
    """A list line that ended inside a country name (``Saint Vincent and the``)."""
    return last.split()[-1] in ("and", "the", "of") if last.split() else False


def _change(speech: Speech, language: str) -> LanguageChange:
    return LanguageChange(paragraph=len(speech.text), language=language)


def parse_body(
    paragraphs: list[Para],
    agenda_titles: list[str],
    agenda_texts: list[str] | None = None,
    tolerant: bool = False,
) -> list[Item]:
    """The items of a record's body, in order. ``agenda_texts`` are each agenda item's
    title and sub-lines together, to recognise a heading printed over several lines;
    ``tolerant``: the text was read by OCR (speaker lines as OCR misreads them accepted).
    """
    return parse_body_and_agenda(paragraphs, agenda_titles, agenda_texts, tolerant)[0]


def parse_body_and_agenda(
    paragraphs: list[Para],
    agenda_titles: list[str],
    agenda_texts: list[str] | None = None,
    tolerant: bool = False,
    assembly: bool = False,
) -> tuple[list[Item], list[AgendaItem]]:
    """The items of a record's body and, for an Assembly record (``assembly``), the agenda
    items its headings name ("Agenda item 110 (continued)" and the title under it)."""
    parser = _BodyParser(agenda_titles, agenda_texts or agenda_titles, tolerant, assembly)
    for para in paragraphs:
        parser.feed(para)
    parser.close_speech()
    parser.close_vote()
    agenda = [a for a in parser.agenda if a.title or a.number is not None]
    for item in agenda:
        item.title = item.title or f"Agenda item {item.number}"
    return parser.items, agenda
