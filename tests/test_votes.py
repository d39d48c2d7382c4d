"""Votes, outcomes, presidential statements and explanations of vote; the outcomes index
and its reconciliation with the records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from councilbase.cli import app
from councilbase.extract import extract
from councilbase.extract.votes import recognise_result, recognise_tally
from councilbase.model import Record, Tally
from councilbase.parse import parse_text
from councilbase.parse.outcomes import parse_outcome, parse_table, parse_vetoes, vetoing_members
from councilbase.pipeline import parse_inputs
from councilbase.sample import SYNTHETIC_RECORD
from councilbase.store.database import Database
from councilbase.store.driver import sqlite3
from councilbase.store.outcomes import import_outcomes, reconcile

runner = CliRunner()


def codes(record: Record, number: int, vote: str) -> list[str | None]:
    return [c.code for c in record.votes[number].casts if c.vote == vote]


def test_s_pv_8700_has_exactly_its_two_votes(r8700: Record) -> None:
    assert len(r8700.votes) == 2
    amendment, draft = r8700.votes
    assert (amendment.subject, amendment.document, amendment.proposer) == (
        "oral_amendment",
        None,
        "Russian Federation",
    )
    assert amendment.outcome == "not_adopted" and amendment.resolution is None
    assert amendment.announced == amendment.counted == Tally(3, 7, 5)
    assert codes(r8700, 0, "in_favour") == ["CHN", "RUS", "VNM"]
    assert codes(r8700, 0, "against") == ["BEL", "DOM", "EST", "FRA", "DEU", "GBR", "USA"]
    assert codes(r8700, 0, "abstaining") == ["IDN", "NER", "VCT", "ZAF", "TUN"]
    assert (draft.subject, draft.document) == ("draft_resolution", "S/2020/24")
    assert draft.outcome == "adopted" and draft.resolution == "S/RES/2504 (2020)"
    assert draft.announced == draft.counted == Tally(11, 0, 4)
    assert not draft.unanimous and not draft.vetoed_by and not draft.warnings
    assert codes(r8700, 1, "in_favour") == [
        "BEL",
        "DOM",
        "EST",
        "FRA",
        "DEU",
        "IDN",
        "NER",
        "VCT",
        "ZAF",
        "TUN",
        "VNM",
    ]
    assert codes(r8700, 1, "against") == []
    assert codes(r8700, 1, "abstaining") == ["CHN", "RUS", "GBR", "USA"]
    assert draft.method == "show of hands"


def test_explanations_and_positions_in_s_pv_8700(r8700: Record) -> None:
    explained = [
        (s.speaker_line.split(" (")[0], s.explains, s.explains_vote)
        for s in r8700.speeches
        if s.explains
    ]
    assert explained[:2] == [
        ("Mr. Nebenzia", "before", 0),
        ("Mr. Pecsteen de Buytswerve", "before", 0),
    ]
    assert len(explained) == 15 and all(e[1:] == ("after", 1) for e in explained[2:])
    positions = [
        (s.affiliation, p.position, p.document, p.vote) for s in r8700.speeches for p in s.positions
    ]
    assert positions == [
        ("Dominican Republic", "in_favour", "S/RES/2504 (2020)", 1),
        ("Dominican Republic", "in_favour", None, 1),
        ("Saint Vincent and the Grenadines", "in_favour", "S/RES/2504 (2020)", 1),
        ("Russian Federation", "abstaining", "S/RES/2504 (2020)", 1),
        ("United Kingdom", "abstaining", "S/RES/2504 (2020)", 1),
        ("Germany", "against", None, 0),
        ("United States of America", "abstaining", None, 1),
        ("Viet Nam", "in_favour", "S/RES/2504 (2020)", 1),
    ]
    germany = next(s for s in r8700.speeches if s.affiliation == "Germany")
    p = germany.positions[0]
    assert germany.text[p.paragraph][p.start : p.end] == "voted against the oral amendment"


def test_presidential_statement_read_out(pdf_dir: Path) -> None:
    record = parse_inputs([str(pdf_dir / "S_PV.8699_E.pdf")]).records[0]
    assert [s.symbol for s in record.statements] == ["S/PRST/2020/1"]
    assert record.votes == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The draft resolution received 11 votes in favour, none against and 4 abstentions.",
            Tally(11, 0, 4),
        ),
        (
            "The proposed oral amendment received three votes in favour, seven against and five abstentions.",
            Tally(3, 7, 5),
        ),
        ("The draft resolution received 15 votes in favour.", Tally(15, 0, 0)),
        (
            "The draft resolution received 13 votes in favour, 2 against and no abstentions.",
            Tally(13, 2, 0),
        ),
        ("The Council will now vote.", None),
    ],
)
def test_announced_tallies(sentence: str, expected: Tally | None) -> None:
    assert recognise_tally(sentence) == expected


def test_announced_outcomes() -> None:
    veto = recognise_result(
        "The draft resolution has not been adopted, owing to the negative vote of a permanent member of the Council."
    )
    assert veto is not None and veto.outcome == "vetoed"
    failed = recognise_result(
        "It has not been adopted, having failed to obtain the required number of votes."
    )
    assert failed is not None and failed.outcome == "not_adopted"
    unanimous = recognise_result(
        "The draft resolution has been adopted unanimously as resolution 2505 (2020)."
    )
    assert unanimous is not None and (unanimous.resolution, unanimous.unanimous) == (
        "S/RES/2505 (2020)",
        True,
    )
    assert recognise_result("The agenda was adopted.") is None


def _synthetic(tmp_path: Path, text: str) -> Record:
    path = tmp_path / "record.txt"
    path.write_text(text, encoding="utf-8")
    record = parse_text(path)
    extract(record)
    return record


def test_unknown_name_and_wrong_total_are_warnings(tmp_path: Path) -> None:
    text = SYNTHETIC_RECORD.replace("China, Denmark, France,", "China, Denmark, Atlantis, France,")
    text = text.replace("received 6 votes in favour", "received 8 votes in favour")
    record = _synthetic(tmp_path, text)
    (vote,) = record.votes
    assert [c.code for c in vote.casts if c.name == "Atlantis"] == [None]
    assert "vote list name 'Atlantis' is not in the reference data" in vote.warnings
    assert "the announced tally 8-0-0 differs from the lists (7-0-0)" in vote.warnings
    assert vote.outcome == "adopted"


def test_a_veto_names_the_permanent_members_against(tmp_path: Path) -> None:
    text = SYNTHETIC_RECORD.replace(
        "China, Denmark, France, Russian Federation, United Kingdom of Great Britain and\nNorthern Ireland, United States of America\nAgainst:\nNone",
        "China, Denmark, France, United Kingdom of Great Britain and\nNorthern Ireland, United States of America\nAgainst:\nRussian Federation",
    ).replace(
        "The draft resolution received 6 votes in favour. The draft resolution\nhas been adopted.",
        "The draft resolution received 5 votes in favour, 1 against and no abstentions. The draft\nresolution has not been adopted, owing to the negative vote of a permanent member of the Council.",
    )
    record = _synthetic(tmp_path, text)
    (vote,) = record.votes
    assert vote.outcome == "vetoed" and vote.vetoed_by == ["RUS"]
    assert vote.announced == vote.counted == Tally(5, 1, 0)


def test_a_vote_list_cut_by_a_page_break(tmp_path: Path) -> None:
    text = SYNTHETIC_RECORD.replace(
        "China, Denmark, France, Russian Federation, United Kingdom of Great Britain and\n",
        "China, Denmark, France,\n26-00001 2/3\n\fS/PV.9999 The situation in the synthetic region 05/01/2026\nRussian Federation, United Kingdom of Great Britain and\n",
    )
    record = _synthetic(tmp_path, text)
    (vote,) = record.votes
    assert vote.counted == Tally(6, 0, 0) and not vote.warnings


def test_every_indexed_resolution_of_the_speech_files(records: Path) -> None:
    """Each meeting of ../shared/records/speeches that the index lists with a resolution
    gives that resolution and tally from the speech files alone."""
    parsed = {
        r.meeting_number: r
        for r in parse_inputs([str(records / "speeches")]).records
        if not r.resumption
    }
    rows, _ = parse_table(records / "outcomes" / "scact2020_table_en.html")
    checked = 0
    for row in rows:
        if row.meeting_number not in parsed or row.resumption:
            continue
        for action in row.actions:
            if action.kind != "resolution":
                continue
            record = parsed[row.meeting_number]
            vote = next(v for v in record.votes if v.resolution == action.document)
            assert vote.announced == action.tally, (row.symbol, action.document)
            checked += 1
    assert checked == 9  # S/RES/2505 to 2512 and 2504


def test_outcome_cells() -> None:
    actions, left = parse_outcome(
        "Draft resolution S/1921 not adopted\n1-9-0\nDraft resolution S/1894 vetoed by USSR\n9-1-0"
    )
    assert left == ""
    assert [(a.kind, a.document, str(a.tally), a.vetoed_by) for a in actions] == [
        ("draft_not_adopted", "S/1921", "1-9-0", []),
        ("draft_vetoed", "S/1894", "9-1-0", ["SUN"]),
    ]
    actions, left = parse_outcome(
        "S/RES/1280 (1999) 11-0-3 (France did not participate in the voting.)"
    )
    assert left == "" and actions[0].note == "France did not participate in the voting."
    actions, _ = parse_outcome("S/RES/2505 (2020) adopted unanimously S/PRST/2020/1")
    assert [(a.kind, a.document, a.unanimous) for a in actions] == [
        ("resolution", "S/RES/2505 (2020)", True),
        ("presidential_statement", "S/PRST/2020/1", False),
    ]
    assert vetoing_members("ChinaRussian Federation") == ["CHN", "RUS"]
    assert vetoing_members("FranceUK USA") == ["FRA", "GBR", "USA"]
    assert vetoing_members("Ukraine") == []


def test_the_whole_index_is_read(records: Path, tmp_path: Path) -> None:
    with Database(tmp_path / "db.sqlite") as db:
        summary = import_outcomes(db.conn, records / "outcomes")
        assert summary.total == 9564
        assert summary.problems == [] and summary.errors == []
        assert summary.rows["scact2019_table_en.html"] == 261
        assert summary.rows["scact1946_table_en.html"] == 88
        assert summary.vetoes == 212
        kinds = dict(
            db.conn.execute("SELECT kind, count(*) FROM outcome_actions GROUP BY kind").fetchall()
        )
        assert kinds["resolution"] == 2641 and kinds["draft_vetoed"] == 215
        row = db.conn.execute(
            "SELECT o.date, o.topic, a.document, a.in_favour, a.against, a.abstaining FROM outcomes o"
            " JOIN outcome_actions a ON a.outcome_id = o.id WHERE o.symbol = 'S/PV.8700'"
        ).fetchone()
        assert tuple(row) == (
            "2020-01-10",
            "The situation in the Middle East",
            "S/RES/2504 (2020)",
            11,
            0,
            4,
        )
        vetoes = parse_vetoes(records / "outcomes" / "scact_veto_table_en.html")
        assert all(not v.problems for v in vetoes)
        # importing again replaces, never doubles
        import_outcomes(db.conn, records / "outcomes")
        assert db.conn.execute("SELECT count(*) FROM outcomes").fetchone()[0] == 9564


def test_check_agrees_then_reports_a_disagreement(ingested_copy: Path, records: Path) -> None:
    result = runner.invoke(
        app, ["outcomes", "import", str(records / "outcomes"), "--db", str(ingested_copy)]
    )
    assert result.exit_code == 0, result.output
    assert "outcomes: 9564 meeting rows from 78 tables (1946-2022), 212 vetoes" in result.stdout
    result = runner.invoke(app, ["check", "--db", str(ingested_copy)])
    assert result.exit_code == 0, result.output
    assert (
        "check: 0 disagreements with the index, 4 unknown names, 0 impossible citations, 0 database problems"
        in result.stdout
    )
    assert "S/PV.8716  unknown name in affiliation: 'civil society representative'" in result.stdout
    with sqlite3.connect(ingested_copy) as conn:
        conn.execute(
            "UPDATE outcome_actions SET in_favour = 12, abstaining = 3 WHERE document = 'S/RES/2504 (2020)'"
        )
    result = runner.invoke(app, ["check", "--db", str(ingested_copy), "--json"])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["disagreements"] == [
        {
            "meeting": "S/PV.8700",
            "what": "S/RES/2504 (2020): tally",
            "record": "11-0-4",
            "index": "12-0-3",
        }
    ]


def test_reconcile_without_an_index_is_empty(ingested: Path) -> None:
    with Database(ingested, readonly=True) as db:
        assert reconcile(db.conn) == []


def test_show_prints_the_votes(ingested: Path) -> None:
    result = runner.invoke(app, ["show", "S/PV.8700", "--db", str(ingested)])
    assert result.exit_code == 0
    assert (
        "  1. oral amendment (proposed by Russian Federation): not adopted, 3-7-5" in result.stdout
    )
    assert (
        "  2. draft resolution S/2020/24 (proposed by Belgium and Germany): adopted as S/RES/2504 (2020), 11-0-4"
        in result.stdout
    )
    assert "     abstaining: CHN RUS GBR USA" in result.stdout
