"""The domain of a Security Council record, as plain dataclasses, and its JSON form.

The JSON form (``councilbase.record/1``) is derived here and nowhere else:
:func:`record_to_json` and :func:`record_from_json` are exact inverses.
The schema is documented in ``schemas/record.schema.json``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

SCHEMA = "councilbase.record/1"

Role = Literal[
    "president",
    "member",
    "invited_state",
    "observer",
    "chair",
    "rapporteur",
    "un_official",
    "briefer",
    "unknown",
]
ROLES: tuple[str, ...] = get_args(Role)
"""The capacities a speaker speaks in. ``member``: a member of the body (of the Council
at that meeting; of the United Nations in the Assembly); ``invited_state``: a state the
Council invited to its table; ``observer``: an observer of the Assembly (the Holy See, the
State of Palestine, the European Union, ...); ``chair`` and ``rapporteur``: the officers
of a committee, panel or round table reporting to the Assembly (their function in
``Speech.function``)."""

BODIES: tuple[str, ...] = ("SC", "GA")
"""The bodies whose records councilbase reads: the Security Council and the General
Assembly."""


@dataclass
class Member:
    """A member of the Council present at the meeting and its representative."""

    country: str
    representative: str
    presiding: bool = False
    """The member holds the presidency (the cover page names it apart, as President)."""


@dataclass
class President:
    """The President named on the cover page (several names when the chair changed hands)."""

    name: str
    country: str | None


@dataclass
class AgendaItem:
    """One item of the agenda: its title, the sub-lines under it, and the symbols they cite."""

    title: str
    sub_items: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    number: int | None = None
    """The Assembly's number for the item ("Agenda item 73" -> 73)."""
    continued: bool = False
    """The item was taken up at an earlier meeting ("Agenda item 73 (continued)")."""


@dataclass
class LanguageChange:
    """A mid-speech "(spoke in X)": from paragraph ``paragraph`` on, the speaker used ``language``."""

    paragraph: int
    language: str


@dataclass
class Position:
    """A position a speaker declares on a text: "we voted in favour of resolution 2504
    (2020)" -> in_favour, target "resolution 2504 (2020)", document ``S/RES/2504 (2020)``."""

    position: str  # in_favour | against | abstaining
    target: str
    document: str | None
    paragraph: int
    start: int
    end: int
    """Character offsets of the declaration in the paragraph."""
    vote: int | None = None
    """Index into the record's ``votes`` of the vote it refers to, when known."""


@dataclass
class Mention:
    """A state, organisation, place or process named in a speech, with its offsets."""

    kind: str  # state | organisation | place | process
    code: str
    text: str
    paragraph: int
    start: int
    end: int


@dataclass
class Reference:
    """A document a speech cites: ``resolution 2401 (2018)`` -> ``S/RES/2401 (2018)``."""

    kind: str  # sc_resolution | ga_resolution | presidential_statement | meeting | document
    symbol: str
    text: str
    paragraph: int
    start: int
    end: int


@dataclass
class Speech:
    """One speech: who spoke, in what capacity and language, and what they said."""

    speaker_line: str
    title: str | None
    name: str | None
    affiliation: str | None
    role: str
    language: str | None
    text: list[str]
    pages: list[int] = field(default_factory=list)
    language_changes: list[LanguageChange] = field(default_factory=list)
    source_file: str | None = None
    repairs: dict[str, int] | None = None
    explains: str | None = None
    """``before`` or ``after``: the speech explains a vote made next to it."""
    explains_vote: int | None = None
    """Index into the record's ``votes`` of the vote it explains."""
    positions: list[Position] = field(default_factory=list)
    function: str | None = None
    """The office the speaker speaks in, printed after the speaker's state: "Rapporteur of
    the Third Committee", "Chair of round table 2", "Vice-President"."""
    state: str | None = None
    """Code of the state the speaker speaks for (the President: the presiding member)."""
    organisation: str | None = None
    """Code of the organisation the speaker speaks for."""
    mentions: list[Mention] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    kind: Literal["speech"] = "speech"


@dataclass
class Procedure:
    """A procedural passage: called to order, agenda adopted, invitation, suspended, rose, ..."""

    type: str
    text: str
    time: str | None = None
    rule: int | None = None
    pages: list[int] = field(default_factory=list)
    kind: Literal["procedure"] = "procedure"


@dataclass
class VotePassage:
    """A recorded vote as printed: the method and the In favour / Against / Abstaining lists."""

    text: str
    method: str | None = None
    in_favour: list[str] = field(default_factory=list)
    against: list[str] = field(default_factory=list)
    abstaining: list[str] = field(default_factory=list)
    not_participating: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    kind: Literal["vote"] = "vote"


@dataclass
class Heading:
    """A heading in the body: "Adoption of the agenda" or the title of an agenda item."""

    text: str
    agenda_item: int | None = None
    pages: list[int] = field(default_factory=list)
    kind: Literal["heading"] = "heading"


Item = Speech | Procedure | VotePassage | Heading


@dataclass
class Tally:
    """Votes in favour, against and abstaining."""

    in_favour: int
    against: int
    abstaining: int

    def __str__(self) -> str:
        return f"{self.in_favour}-{self.against}-{self.abstaining}"


@dataclass
class Cast:
    """How one member voted: the name as printed and the state it resolves to."""

    name: str
    code: str | None
    vote: str  # in_favour | against | abstaining | not_participating


@dataclass
class Vote:
    """A decision the Council voted on (or adopted without a vote) and what came of it."""

    subject: str
    """draft_resolution, oral_amendment, written_amendment, procedural or unknown."""
    document: str | None
    """The draft voted on (``S/2020/24``), when the record names it."""
    description: str
    """The President's words putting it to the vote (or announcing the result)."""
    method: str | None
    casts: list[Cast] = field(default_factory=list)
    counted: Tally | None = None
    """The tally of the In favour / Against / Abstaining lists, when printed."""
    announced: Tally | None = None
    """The tally the President announced ("received 11 votes in favour, ...")."""
    outcome: str = "unknown"
    """adopted, not_adopted, vetoed, withdrawn or unknown."""
    unanimous: bool = False
    without_vote: bool = False
    resolution: str | None = None
    """``S/RES/2504 (2020)`` (the Council) or ``A/RES/64/299`` (the Assembly) when adopted
    as a resolution."""
    vetoed_by: list[str] = field(default_factory=list)
    """Codes of the permanent members whose negative vote defeated it."""
    proposer: str | None = None
    item: int | None = None
    """Index into ``items`` of the vote passage, or of the speech announcing the result."""
    warnings: list[str] = field(default_factory=list)
    decision: str | None = None
    """The Assembly's decision number when a draft decision was adopted (``64/555``)."""
    notes: list[str] = field(default_factory=list)
    """What the record prints after the vote about it: "[Subsequently, the delegation of
    X informed the Secretariat that it had intended to vote against.]"."""


@dataclass
class Statement:
    """A presidential statement read out at the meeting (``S/PRST/2020/2``)."""

    symbol: str
    item: int


@dataclass
class PageReading:
    """How one page was read: from its text layer (``text``) or by OCR (``ocr``), and how
    good its text looks, 0 to 1 (the share of its words that are words)."""

    page: int
    source: str
    quality: float


@dataclass
class Source:
    """Where a record came from."""

    path: str
    format: str
    sha256: str | None = None
    pages: int | None = None
    files: list[str] = field(default_factory=list)
    parser_version: str = ""


@dataclass
class Record:
    """One meeting record (or one resumption of a meeting), its cover page and its body."""

    symbol: str | None
    meeting_number: int | None
    resumption: int | None
    session: str | None = None
    session_number: int | None = None
    year: int | None = None
    date: str | None = None
    time: str | None = None
    place: str | None = None
    president: President | None = None
    members: list[Member] = field(default_factory=list)
    agenda: list[AgendaItem] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    source: Source | None = None
    warnings: list[str] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    layout: str | None = None
    """The layout family whose rules read the record (see ``councilbase.parse.layouts``)."""
    reading: list[PageReading] = field(default_factory=list)
    """How each page was read (PDF records)."""
    body: str = "SC"
    """``SC`` (a Security Council meeting) or ``GA`` (a plenary meeting of the General
    Assembly)."""

    @property
    def speeches(self) -> list[Speech]:
        """The speeches among the items, in order."""
        return [item for item in self.items if isinstance(item, Speech)]


def record_to_json(record: Record) -> dict[str, Any]:
    """The ``councilbase.record/1`` JSON form of a record."""
    items: list[dict[str, Any]] = []
    speeches: list[dict[str, Any]] = []
    for order, item in enumerate(record.items):
        if isinstance(item, Speech):
            data = asdict(item)
            data.pop("kind")
            data["item"] = order
            data["body"] = record.body
            items.append({"kind": "speech", "speech": len(speeches)})
            speeches.append(data)
        else:
            items.append(asdict(item))
    return {
        "schema": SCHEMA,
        "body": record.body,
        "symbol": record.symbol,
        "meeting_number": record.meeting_number,
        "resumption": record.resumption,
        "session": record.session,
        "session_number": record.session_number,
        "year": record.year,
        "date": record.date,
        "time": record.time,
        "place": record.place,
        "president": asdict(record.president) if record.president else None,
        "members": [asdict(m) for m in record.members],
        "agenda": [asdict(a) for a in record.agenda],
        "items": items,
        "speeches": speeches,
        "source": asdict(record.source) if record.source else None,
        "warnings": list(record.warnings),
        "votes": [asdict(v) for v in record.votes],
        "statements": [asdict(s) for s in record.statements],
        "layout": record.layout,
        "reading": [asdict(r) for r in record.reading],
    }


def _speech_from_json(data: dict[str, Any]) -> Speech:
    fields = {k: v for k, v in data.items() if k not in ("item", "body")}
    fields["language_changes"] = [LanguageChange(**c) for c in fields.get("language_changes", [])]
    fields["positions"] = [Position(**p) for p in fields.get("positions", [])]
    fields["mentions"] = [Mention(**m) for m in fields.get("mentions", [])]
    fields["references"] = [Reference(**r) for r in fields.get("references", [])]
    return Speech(**fields)


def vote_from_json(data: dict[str, Any]) -> Vote:
    """A vote from its JSON form."""
    fields = dict(data)
    fields["casts"] = [Cast(**c) for c in fields.get("casts", [])]
    for name in ("counted", "announced"):
        fields[name] = Tally(**fields[name]) if fields.get(name) else None
    return Vote(**fields)


def record_from_json(data: dict[str, Any]) -> Record:
    """Rebuild a record from its JSON form; the inverse of :func:`record_to_json`."""
    if data.get("schema") != SCHEMA:
        raise ValueError(f"not a {SCHEMA} document (schema is {data.get('schema')!r})")
    speeches = [_speech_from_json(s) for s in data["speeches"]]
    items: list[Item] = []
    for raw in data["items"]:
        kind = raw["kind"]
        fields = {k: v for k, v in raw.items() if k != "kind"}
        if kind == "speech":
            items.append(speeches[raw["speech"]])
        elif kind == "procedure":
            items.append(Procedure(**fields))
        elif kind == "vote":
            items.append(VotePassage(**fields))
        elif kind == "heading":
            items.append(Heading(**fields))
        else:
            raise ValueError(f"unknown item kind {kind!r}")
    president = data.get("president")
    source = data.get("source")
    return Record(
        symbol=data["symbol"],
        meeting_number=data["meeting_number"],
        resumption=data["resumption"],
        session=data.get("session"),
        session_number=data.get("session_number"),
        year=data.get("year"),
        date=data.get("date"),
        time=data.get("time"),
        place=data.get("place"),
        president=President(**president) if president else None,
        members=[Member(**m) for m in data.get("members", [])],
        agenda=[AgendaItem(**a) for a in data.get("agenda", [])],
        items=items,
        source=Source(**source) if source else None,
        warnings=list(data.get("warnings", [])),
        votes=[vote_from_json(v) for v in data.get("votes", [])],
        statements=[Statement(**s) for s in data.get("statements", [])],
        layout=data.get("layout"),
        reading=[PageReading(**r) for r in data.get("reading", [])],
        body=data.get("body", "SC"),
    )


def record_schema() -> dict[str, Any]:
    """The JSON Schema of ``councilbase.record/1`` (``schemas/record.schema.json``)."""
    import json
    from importlib import resources

    text = resources.files("councilbase").joinpath("schemas/record.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


# --- resolutions ----------------------------------------------------------------------

RESOLUTION_SCHEMA = "councilbase.resolution/1"


@dataclass
class SubParagraph:
    """A lettered or numbered sub-paragraph: ``(a)``, ``(ii)``."""

    label: str
    text: str


@dataclass
class OperativeParagraph:
    """An operative paragraph: its number as printed (None in the older resolutions that
    print none), its text and its sub-paragraphs."""

    number: str | None
    text: str
    sub: list[SubParagraph] = field(default_factory=list)
    part: str | None = None
    """The part it belongs to, in a resolution of parts each numbered from 1 ("A", "II")."""


@dataclass
class Citation:
    """A document a resolution cites, in which paragraph (``PP3``: the third preambular
    paragraph; ``OP2``: operative paragraph 2, the second when unnumbered; ``OP2(a)``)."""

    symbol: str
    kind: str  # sc_resolution | ga_resolution | hrc_resolution | presidential_statement | meeting | document
    paragraph: str
    text: str


@dataclass
class Resolution:
    """A Security Council resolution: what it is, when and where it was adopted, and its
    text as preamble and operative paragraphs, with the documents it cites."""

    symbol: str
    """``S/RES/687 (1991)``."""
    number: int
    year: int | None
    date: str | None = None
    date_source: str | None = None
    """``text`` (the resolution says it) or ``index`` (the UN library's index)."""
    meeting: str | None = None
    """The adopting meeting: ``S/PV.2981``."""
    meeting_source: str | None = None
    title: str | None = None
    title_source: str | None = None
    chapter_vii: bool = False
    """The Council acts under Chapter VII of the Charter."""
    chapters: list[str] = field(default_factory=list)
    """The Charter's chapters the text names: ``VI``, ``VII``, ``VIII``."""
    preamble: list[str] = field(default_factory=list)
    operative: list[OperativeParagraph] = field(default_factory=list)
    cites: list[Citation] = field(default_factory=list)
    adoption: str | None = None
    """The line on its adoption the older texts end with ("Adopted unanimously at the 79th
    meeting.")."""
    source: Source | None = None
    warnings: list[str] = field(default_factory=list)
    repairs: dict[str, int] = field(default_factory=dict)
    """What was mended: words cut by a space joined, lines of furniture and boilerplate
    removed."""


def resolution_to_json(resolution: Resolution) -> dict[str, Any]:
    """The ``councilbase.resolution/1`` JSON form of a resolution (written out field by
    field: ``asdict`` would take a third of an import's time)."""
    r = resolution
    return {
        "schema": RESOLUTION_SCHEMA,
        "symbol": r.symbol,
        "number": r.number,
        "year": r.year,
        "date": r.date,
        "date_source": r.date_source,
        "meeting": r.meeting,
        "meeting_source": r.meeting_source,
        "title": r.title,
        "title_source": r.title_source,
        "chapter_vii": r.chapter_vii,
        "chapters": list(r.chapters),
        "preamble": list(r.preamble),
        "operative": [
            {
                "number": p.number,
                "text": p.text,
                "sub": [{"label": s.label, "text": s.text} for s in p.sub],
                "part": p.part,
            }
            for p in r.operative
        ],
        "cites": [
            {"symbol": c.symbol, "kind": c.kind, "paragraph": c.paragraph, "text": c.text}
            for c in r.cites
        ],
        "adoption": r.adoption,
        "source": asdict(r.source) if r.source else None,
        "warnings": list(r.warnings),
        "repairs": dict(r.repairs),
    }


def resolution_from_json(data: dict[str, Any]) -> Resolution:
    """A resolution from its JSON form; the inverse of :func:`resolution_to_json`."""
    if data.get("schema") != RESOLUTION_SCHEMA:
        raise ValueError(f"not a {RESOLUTION_SCHEMA} document (schema is {data.get('schema')!r})")
    fields = {k: v for k, v in data.items() if k != "schema"}
    fields["operative"] = [
        OperativeParagraph(
            number=p["number"],
            text=p["text"],
            sub=[SubParagraph(**s) for s in p.get("sub", [])],
            part=p.get("part"),
        )
        for p in fields.get("operative", [])
    ]
    fields["cites"] = [Citation(**c) for c in fields.get("cites", [])]
    fields["source"] = Source(**fields["source"]) if fields.get("source") else None
    return Resolution(**fields)


def resolution_schema() -> dict[str, Any]:
    """The JSON Schema of ``councilbase.resolution/1`` (``schemas/resolution.schema.json``)."""
    import json
    from importlib import resources

    text = (
        resources.files("councilbase").joinpath("schemas/resolution.schema.json").read_text("utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema
