"""The General Assembly's plenary records: read from their own rules (the first page, the
speaker lines and offices, the agenda items, the decisions and recorded votes), stored
beside the Council's with a body on everything, and found by every filter."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from councilbase import reference
from councilbase.cli import app
from councilbase.extract import extract
from councilbase.model import Procedure, Record, Tally
from councilbase.parse import parse_path, parse_pdf
from councilbase.parse.speaker import match_speaker
from councilbase.store.driver import sqlite3

runner = CliRunner()


def parsed(eras: Path, name: str) -> Record:
    record = parse_pdf(eras / name)
    extract(record)
    return record


@pytest.fixture(scope="module")
def a61(eras: Path) -> Record:
    return parsed(eras, "A_61_PV.107_E.pdf")


@pytest.fixture(scope="module")
def a65(eras: Path) -> Record:
    return parsed(eras, "A_65_PV.71_E.pdf")


@pytest.fixture(scope="module")
def a48(eras: Path) -> Record:
    return parsed(eras, "A_48_PV.46_E.pdf")


@pytest.mark.parametrize(
    ("name", "symbol", "date", "time", "president", "speeches"),
    [
        ("A_48_PV.46_E.pdf", "A/48/PV.46", "1993-11-01", "15:00", ("Mr. Insanally", "GUY"), 34),
        ("A_60_PV.25_E.pdf", "A/60/PV.25", "2005-09-29", "15:00", ("Mr. Eliasson", "SWE"), 9),
        ("A_61_PV.107_E.pdf", "A/61/PV.107", "2007-09-13", "10:00", ("Ms. Al-Khalifa", "BHR"), 61),
        ("A_65_PV.71_E.pdf", "A/65/PV.71", "2010-12-21", "15:00", ("Mr. Deiss", "CHE"), 114),
    ],
)
def test_the_assemblys_cover_and_speeches(
    eras: Path,
    name: str,
    symbol: str,
    date: str,
    time: str,
    president: tuple[str, str],
    speeches: int,
) -> None:
    """Symbol (on the first page, or in the box at its foot in 1993), date, President, and
    every speech, the first of them starting on the first page."""
    record = parsed(eras, name)
    assert (record.body, record.symbol, record.date, record.time) == ("GA", symbol, date, time)
    assert record.session_number == int(symbol.split("/")[1])
    assert record.president is not None
    assert (record.president.name, reference.resolve_state(record.president.country)) == president
    assert len(record.speeches) == speeches
    assert record.members == [] and not [w for w in record.warnings if "cover" in w]
    assert all(s.role in ("president", "member", "rapporteur", "observer") for s in record.speeches)
    assert all(s.state or s.role == "president" for s in record.speeches)
    first = record.speeches[0]
    assert 1 in first.pages and first.text


def test_the_first_speech_on_the_first_page_is_whole(eras: Path) -> None:
    record = parsed(eras, "A_48_PV.46_E.pdf")
    first = record.speeches[0]
    assert first.speaker_line == "Mr. INDERFURTH (United States of America):"
    assert first.name == "Inderfurth" and first.state == "USA" and first.role == "member"
    assert first.text[0].startswith("On behalf of the United States, my delegation wishes")
    assert "international peace and stability" in " ".join(first.text)  # the right column


def test_agenda_items_by_number(eras: Path, a65: Record) -> None:
    record = parsed(eras, "A_60_PV.25_E.pdf")
    (item,) = record.agenda
    assert (item.number, item.continued) == (110, True)
    assert item.title == "Report of the Secretary-General on the work of the Organization (A/60/1)"
    assert item.documents == ["A/60/1"]
    assert [a.number for a in a65.agenda][:3] == [27, 28, 61]


def test_the_vice_president_in_the_chair_is_named(a48: Record, a61: Record) -> None:
    """ "Mr. Nyakyi (United Republic of Tanzania), Vice-President, took the Chair." inside a
    speech: the speech goes on, and the chair's next words are the Vice-President's."""
    taken = [i for i in a48.items if isinstance(i, Procedure) and i.type == "chair_taken"]
    assert len(taken) == 1
    index = a48.items.index(taken[0])
    chair = next(s for s in a48.items[index:] if getattr(s, "title", None) == "The President")
    assert (chair.name, chair.state, chair.role) == ("Mr. Nyakyi", "TZA", "president")
    pak = [s for s in a48.speeches if s.state == "PRK"]
    assert any("returned to the Chair" not in " ".join(s.text) for s in pak)
    acting = [s for s in a61.speeches if s.title == "The Acting President"]
    assert acting and all(s.state == "IDN" for s in acting)


def test_a_misprinted_speaker_line_is_read(a61: Record) -> None:
    guatemala = [s for s in a61.speeches if s.state == "GTM"]
    assert [(s.name, s.language) for s in guatemala] == [("Briz Gutiérrez", "Spanish")]


def test_the_recorded_vote_of_the_declaration(a61: Record) -> None:
    """A/61/PV.107: 143-4-11, its lists across a page break, every name coded, and the note
    printed after it kept with it."""
    recorded = [v for v in a61.votes if v.casts]
    (vote,) = recorded
    assert vote.resolution == "A/RES/61/295" and vote.document == "A/61/L.67"
    assert vote.announced == vote.counted == Tally(143, 4, 11)
    assert all(c.code for c in vote.casts) and not vote.warnings
    assert sorted(c.code for c in vote.casts if c.vote == "against") == [
        "AUS",
        "CAN",
        "NZL",
        "USA",
    ]
    assert vote.notes == [
        "Subsequently the delegation of Montenegro advised the Secretariat that it had"
        " intended to vote in favour."
    ]
    adopted = [v for v in a61.votes if v.without_vote]
    assert [v.resolution for v in adopted] == ["A/RES/61/293", "A/RES/61/294", None]
    assert [v.subject for v in adopted] == [
        "draft_resolution",
        "draft_resolution",
        "draft_decision",
    ]


def test_fifteen_recorded_votes_exact(a65: Record) -> None:
    """A/65/PV.71: every recorded vote's lists count to the announced tally, with every
    name (190 of them, cut by line and page breaks, one pair printed without its comma)
    coded; the adoptions without a vote have their resolution numbers."""
    recorded = [v for v in a65.votes if v.casts]
    assert len(recorded) == 15
    for vote in recorded:
        assert vote.announced == vote.counted, vote.description
        assert all(c.code for c in vote.casts) and not vote.warnings
        assert len({c.code for c in vote.casts}) == len(vote.casts)
    amendment = next(v for v in recorded if v.subject == "written_amendment")
    assert (amendment.document, str(amendment.announced)) == ("A/65/L.53", "93-55-27")
    assert len(a65.votes) == 60
    resolutions = [v.resolution for v in a65.votes if v.resolution]
    assert resolutions == [f"A/RES/65/{n}" for n in range(182, 234)]
    zambia = next(v for v in recorded if v.resolution == "A/RES/65/223")
    assert {"ZMB", "ZWE"} <= {c.code for c in zambia.casts if c.vote == "in_favour"}


def test_votes_on_paragraphs_and_the_abstentions_label(a48: Record) -> None:
    votes = a48.votes
    assert [v.subject for v in votes] == ["paragraph"] * 4 + ["draft_resolution"]
    assert [str(v.announced) for v in votes] == [
        "105-2-22",
        "104-1-30",
        "106-1-28",
        "111-1-18",
        "140-1-9",
    ]
    assert all(v.announced == v.counted and all(c.code for c in v.casts) for v in votes)
    assert votes[-1].resolution == "A/RES/48/14" and votes[0].document == "A/48/L.13"
    # the prose after a list is not a name ("... with 22 abstentions")
    assert not [c for v in votes for c in v.casts if "abstention" in c.name.lower()]


@pytest.mark.parametrize(
    ("line", "function", "role", "state"),
    [
        (
            "Ms. Effs (Jamaica), Rapporteur of panel 3:",
            "Rapporteur of panel 3",
            "rapporteur",
            "JAM",
        ),
        (
            "Mr. Loulichki (Morocco), Chairperson of round table 2:",
            "Chairperson of round table 2",
            "chair",
            "MAR",
        ),
        (
            "Mr. Garayev (Azerbaijan), Rapporteur of the Third Committee:",
            "Rapporteur of the Third Committee",
            "rapporteur",
            "AZE",
        ),
        ("Archbishop Migliore (Holy See):", None, "observer", "VAT"),
        ("Mr. Mansour (Palestine):", None, "observer", "PSE"),
        ("Mr. Mayr-Harting (European Union):", None, "observer", None),
    ],
)
def test_the_assemblys_speakers_and_offices(
    tmp_path: Path, line: str, function: str | None, role: str, state: str | None
) -> None:
    path = tmp_path / "a.txt"
    path.write_text(assembly_text(f"{line} I speak for the purpose of this test.\n"), "utf-8")
    record = parse_path(path)
    extract(record)
    speech = record.speeches[1]
    assert (speech.function, speech.role, speech.state) == (function, role, state)
    found = match_speaker(f"{line} text")
    assert found is not None and found.function == function


def assembly_text(body: str, date: str = "Monday, 8 June 2026, 10 a.m.", number: int = 50) -> str:
    """A synthetic Assembly record as text (the first page, then the body)."""
    return (
        f"United Nations A/80/PV.{number}\nGeneral Assembly\nEightieth session\n"
        f"{number}th plenary meeting\n{date}\nNew York\n"
        "President: Ms. Example . . . . . . . . . . . . . . . . (Germany)\n"
        "The meeting was called to order at 10.05 a.m.\n"
        "Agenda item 64\nUse of the veto\n"
        "The President: The Assembly meets under resolution 76/262.\n"
        f"{body}"
        "The meeting rose at 1 p.m.\n"
        "This record contains the text of speeches delivered in English.\n"
    )


def test_an_emergency_special_session_symbol_from_its_heading(tmp_path: Path) -> None:
    text = assembly_text("").replace("United Nations A/80/PV.50\n", "United Nations\n")
    text = text.replace("Eightieth session", "Tenth emergency special session")
    text = text.replace("50th plenary meeting", "21st plenary meeting")
    path = tmp_path / "es.txt"
    path.write_text(text, "utf-8")
    record = parse_path(path)
    assert (record.symbol, record.body, record.meeting_number) == ("A/ES-10/PV.21", "GA", 21)


def test_un_membership_by_day_and_dated_spellings() -> None:
    """The Assembly's membership on a day, as the UN counts it, and the names its vote
    lists printed for the years they stood for."""
    counts = {"1945-10-24": 51, "1960-12-31": 99, "1993-11-01": 184, "2007-09-13": 192}
    assert {day: len(reference.un_members(day)) for day in counts} == counts
    assert len(reference.un_members("2026")) == 193
    assert "RUS" not in reference.un_members("1990") and "SUN" in reference.un_members("1990")
    assert reference.resolve_state_in("Yugoslavia", 2001) == "SRB"
    assert reference.resolve_state_in("Yugoslavia", 1985) == "YUG"
    for spelling in reference.spellings():
        assert reference.resolve_state(spelling.name) is not None, spelling.name
        assert spelling.code in reference.un_members(f"{spelling.first}-12-31")


def test_every_name_in_the_eras_vote_lists_is_a_member_that_year(
    a48: Record, a61: Record, a65: Record
) -> None:
    printed = {spelling.name: spelling for spelling in reference.spellings() if spelling.seen}
    for record in (a48, a61, a65):
        members = reference.un_members(record.date or "")
        for vote in record.votes:
            for cast in vote.casts:
                assert cast.code in members, (record.symbol, cast.name)
                if cast.name in printed:
                    spelling = printed[cast.name]
                    assert record.symbol in spelling.seen
                    assert spelling.first <= (record.year or 0) <= (spelling.last or 9999)


# --- stored beside the Council's ----------------------------------------------------------


@pytest.fixture(scope="module")
def both(eras: Path, records: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Assembly's records of ../shared/eras and one Council record, and a pair made
    up to show a veto debate: a Council meeting that vetoes a draft, and the Assembly's
    debate on it eight working days later."""
    from councilbase.sample import SYNTHETIC_RECORD
    from councilbase.store.database import Database

    folder = tmp_path_factory.mktemp("bodies")
    vetoed = (
        SYNTHETIC_RECORD.replace("Monday, 5 January 2026", "Thursday, 28 May 2026")
        .replace("05/01/2026", "28/05/2026")
        .replace(
            "I shall now put the draft resolution to the vote.",
            "I shall now put to the vote the draft resolution contained in document S/2026/431.",
        )
        .replace("Against:\nNone", "Against:\nRussian Federation")
        .replace(
            "China, Denmark, France, Russian Federation, United Kingdom",
            "China, Denmark, France, United Kingdom",
        )
        .replace(
            "The draft resolution received 6 votes in favour. The draft resolution\nhas been"
            " adopted.",
            "The draft resolution received 5 votes in favour and 1 against. The draft resolution"
            "\nhas not been adopted, owing to the negative vote of a permanent member of the"
            " Council.",
        )
    )
    (folder / "sc.txt").write_text(vetoed, "utf-8")
    debate = assembly_text(
        "Mr. Sample (China): We speak on the veto cast on draft resolution S/2026/431.\n"
    )
    (folder / "ga.txt").write_text(debate, "utf-8")
    path = folder / "both.db"
    with Database(path) as db:
        summary = db.ingest(
            [str(p) for p in sorted(eras.glob("A_*_E.pdf"))]
            + [
                str(records / "pdf" / "S_PV.8700_E.pdf"),
                str(folder / "sc.txt"),
                str(folder / "ga.txt"),
            ],
            jobs=2,
        )
        assert not summary.failed, summary.failed
    return path


def test_every_meeting_and_speech_has_its_body(both: Path) -> None:
    conn = sqlite3.connect(both)
    bodies = dict(conn.execute("SELECT body, count(*) FROM meetings GROUP BY body").fetchall())
    assert bodies == {"GA": 5, "SC": 2}
    ga = conn.execute(
        "SELECT count(*) FROM speeches s JOIN meetings m ON m.id = s.meeting_id WHERE m.body = 'GA'"
    ).fetchone()[0]
    assert ga == 34 + 9 + 61 + 114 + 2
    assert conn.execute(
        "SELECT item_number, continued FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id"
        " WHERE m.key = 'A/60/PV.25'"
    ).fetchall() == [(110, 1)]


def test_search_and_listings_by_body(both: Path) -> None:
    result = runner.invoke(app, ["search", "veto", "--db", str(both), "--body", "GA", "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)["hits"]
    assert hits and {h["body"] for h in hits} == {"GA"}
    council = runner.invoke(app, ["search", "veto", "--db", str(both), "--body", "SC", "--json"])
    assert {h["body"] for h in json.loads(council.stdout)["hits"]} == {"SC"}
    wrong = runner.invoke(app, ["search", "veto", "--db", str(both), "--body", "ECOSOC"])
    assert wrong.exit_code == 2 and "unknown body 'ECOSOC'" in wrong.output
    shown = runner.invoke(app, ["show", "a/48/pv.46", "--db", str(both)])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[:2] == [
        "A/48/PV.46",
        "  General Assembly, Forty-eighth session, plenary meeting 46",
    ]
    assert "  Agenda item 14 (continued): REPORT OF THE INTERNATIONAL ATOMIC ENERGY AGENCY" in (
        shown.stdout.splitlines()
    )
    meeting = runner.invoke(
        app, ["search", "safeguards", "--db", str(both), "--meeting", "A/48/PV.46", "--json"]
    )
    assert {h["meeting"] for h in json.loads(meeting.stdout)["hits"]} == {"A/48/PV.46"}
    people = runner.invoke(app, ["people", "list", "--db", str(both), "--body", "GA"])
    assert people.exit_code == 0 and "Inderfurth" in people.stdout


def test_agreement_in_the_assembly(both: Path) -> None:
    from councilbase.analysis.agreement import agreement_with_others, with_majority

    conn = sqlite3.connect(both)
    usa = {a.other: a for a in agreement_with_others(conn, "USA", body="GA")}
    assert usa["ISR"].votes > 10 and usa["ISR"].share > usa["CUB"].share
    council = {a.other for a in agreement_with_others(conn, "USA", body="SC")}
    assert council <= reference.council_members(2020) | reference.council_members(2026)  # type: ignore[operator]
    assert with_majority(conn, "USA", "year", body="GA")
    result = runner.invoke(
        app, ["agreement", "--db", str(both), "--state", "USA", "--body", "GA", "--json"]
    )
    assert result.exit_code == 0 and "ISR" in result.stdout


def test_the_veto_debate_is_linked_to_the_veto(both: Path) -> None:
    conn = sqlite3.connect(both)
    links = conn.execute(
        "SELECT a.key, c.key, d.evidence FROM veto_debates d JOIN meetings a ON a.id = d.meeting_id"
        " JOIN meetings c ON c.id = d.sc_meeting_id"
    ).fetchall()
    assert [(a, c) for a, c, _ in links] == [("A/80/PV.50", "S/PV.9999")]
    evidence = links[0][2]
    assert "names the vetoed draft S/2026/431" in evidence
    assert "met on the veto 7 working days after it" in evidence


def test_the_web_app_and_api_show_both_bodies(both: Path) -> None:
    from fastapi.testclient import TestClient

    from councilbase.web.app import create_app

    client = TestClient(create_app(both))
    listing = client.get("/api/meetings?body=GA").json()["meetings"]
    assert {m["body"] for m in listing} == {"GA"} and len(listing) == 5
    page = client.get("/meetings?body=GA")
    assert page.status_code == 200 and "A/65/PV.71" in page.text and "S/PV.8700" not in page.text
    meeting = client.get("/api/meetings/A/65/PV.71").json()
    assert meeting["record"]["body"] == "GA"
    assert meeting["record"]["agenda"][0]["number"] == 27
    notes = [n for v in meeting["votes"] for n in v["notes"]]
    assert any("Gambia" in n for n in notes)
    html = client.get("/meetings/A/65/PV.71").text
    assert "General Assembly" in html and "Rapporteur of the Third Committee" in html
    debate = client.get("/meetings/S/PV.9999").text
    assert "Debated by the General Assembly" in debate and "A/80/PV.50" in debate
    state = client.get("/api/states/USA").json()
    assert state["bodies"]["GA"] > 10 and state["bodies"]["SC"] >= 1
    assert state["assembly_agreement"]
    assert client.get("/api/search?q=safeguards&body=GA").json()["hits"]
    assert client.get("/api/search?q=safeguards&body=XX").status_code == 400
    chart = client.get("/charts/agreement.svg?body=GA")
    assert chart.status_code == 200 and "General Assembly" in chart.text


def test_exports_carry_the_body(both: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    result = runner.invoke(app, ["export", "csv", str(out), "--db", str(both), "--body", "GA"])
    assert result.exit_code == 0, result.output
    with (out / "meetings.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["body"] for r in rows} == {"GA"} and len(rows) == 5
    jsonl = tmp_path / "records.jsonl"
    runner.invoke(app, ["export", "jsonl", str(jsonl), "--db", str(both), "--body", "GA"])
    lines = [json.loads(line) for line in jsonl.read_text("utf-8").splitlines()]
    assert {r["body"] for r in lines} == {"GA"}
    assert {s["body"] for r in lines for s in r["speeches"]} == {"GA"}
    from councilbase.validate import check_document

    for line in lines:
        check_document(line)  # the schema and the domain rules, Assembly symbols included


def test_explanations_of_vote_before_and_after(a48: Record, a65: Record) -> None:
    """The Assembly's President says whom the floor goes to: "delegations that wish to
    explain their positions or votes" before the voting, "explanation of vote on the
    resolutions just adopted" after it; another agenda item's debate is neither."""
    members = [(s.state, s.explains) for s in a65.speeches if s.role == "member"]
    assert members[2:14] == [
        (code, "before")
        for code in (
            "BEL",
            "FIN",
            "CAN",
            "ARG",
            "COL",
            "TLS",
            "ARE",
            "BEN",
            "ZAF",
            "TJK",
            "RWA",
            "ZWE",
        )
    ]
    assert {e for code, e in members[14:]} == {"after"}
    explained = a65.votes[
        a65.speeches[next(i for i, s in enumerate(a65.speeches) if s.state == "BEL")].explains_vote
        or 0
    ]
    assert explained.casts  # the recorded vote that followed
    anniversary = [s for s in a48.speeches if s.state in ("RUS", "GBR")]
    assert anniversary and all(s.explains is None for s in anniversary)
