"""Parse the body of a record, paragraph by paragraph, into items in order: speeches,
procedural passages, vote passages and headings.

Each kind of procedural line has its own small recogniser (``recognise_*``), each
returning a value or None.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from councilbase.model import Heading, Item, LanguageChange, Procedure, Speech, VotePassage
from councilbase.parse import speaker as sp
from councilbase.parse.cover import parse_time

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
recognise_seat_taken = _timed(
    r"^(?:At the invitation of the President|On the invitation of the President),? .{3,400}"
    r"(?:took (?:a |the |their )?(?:seats?|places?)|was escorted).{0,200}$",
    "invitation",
)
_VOTE_TAKEN = re.compile(
    r"^A (?P<recorded>recorded )?vote was taken(?: by (?P<method>show of hands|roll[- ]call|"
    r"secret ballot))?\.?$"
)
_LIST_LABEL = re.compile(
    r"^(?P<label>In favour|Against|Abstaining|Abstention|Did not participate(?: in the voting)?|"
    r"Not participating|Absent)\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_RULE = re.compile(r"\brules? (?P<rule>3[79])\b(?:\s+(?:and|or)\s+(?P<rule2>3[79]))?")
_INVITE = re.compile(r"\b(?:I|we) (?:invite|also invite|extend an invitation)|\binvit(?:e|ing) ")

PROCEDURE_RECOGNISERS: tuple[Callable[[str], Procedure | None], ...] = (
    recognise_called_to_order,
    recognise_suspended,
    recognise_resumed,
    recognise_rose,
    recognise_agenda_adopted,
    recognise_seat_taken,
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
    def __init__(self, agenda_titles: list[str], agenda_texts: list[str]) -> None:
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

    def feed(self, para: Para) -> None:
        text = para.text
        pages = list(para.pages)
        procedure = recognise_procedure(text)
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
        if self.vote is not None:
            label = _LIST_LABEL.match(text)
            if label:
                self.vote_list = label.group("label").lower()
                self.vote_texts.append(text)
                self._add_to_list(label.group("rest"), pages)
                return
            if (
                self.vote_list is not None
                and sp.match_speaker(text) is None
                and self.heading(para) is None
                and len(text) < 600
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
        found = sp.match_speaker(text)
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

    def _add_to_list(self, text: str, pages: list[int]) -> None:
        assert self.vote is not None and self.vote_list is not None
        self.vote.pages = sorted(set(self.vote.pages) | set(pages))
        names = split_vote_list(text)
        if self.vote_list == "in favour":
            target = self.vote.in_favour
        elif self.vote_list == "against":
            target = self.vote.against
        elif self.vote_list.startswith(("abstain", "abstention")):
            target = self.vote.abstaining
        else:
            target = self.vote.not_participating
        if target and names and not text.lstrip().startswith(",") and _continues(target[-1]):
            target[-1] = f"{target[-1]} {names.pop(0)}"
        target.extend(names)


def _continues(last: str) -> bool:
    """A list line that ended inside a country name (``Saint Vincent and the``)."""
    return last.split()[-1] in ("and", "the", "of") if last.split() else False


def _change(speech: Speech, language: str) -> LanguageChange:
    return LanguageChange(paragraph=len(speech.text), language=language)


def parse_body(
    paragraphs: list[Para], agenda_titles: list[str], agenda_texts: list[str] | None = None
) -> list[Item]:
    """The items of a record's body, in order. ``agenda_texts`` are each agenda item's
    title and sub-lines together, to recognise a heading printed over several lines.
    """
    parser = _BodyParser(agenda_titles, agenda_texts or agenda_titles)
    for para in paragraphs:
        parser.feed(para)
    parser.close_speech()
    parser.close_vote()
    return parser.items
