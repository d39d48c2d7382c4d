"""Search: the query language, ranking, filters, snippets, KWIC, and the CLI commands
that read the database (search, show, stats)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import councilbase
from councilbase.cli import app
from councilbase.store.search import QueryError, date_terms, fts_query

runner = CliRunner()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("humanitarian", "humanitarian"),
        ('"cross-border assistance"', '"cross-border assistance"'),
        ("cross-border", '"cross-border"'),
        ("S/2020/24", '"S/2020/24"'),
        ("Kazakhstan's", '"Kazakhstan\'s"'),
        ("humanitar* AND (Syria OR Idlib)", "humanitar* AND ( Syria OR Idlib )"),
        ("co-pen*", '"co-pen"*'),
        ("Syria NOT Idlib", "Syria NOT Idlib"),
    ],
)
def test_queries_are_made_safe_for_fts5(query: str, expected: str) -> None:
    assert fts_query(query) == expected


@pytest.mark.parametrize("query", ['"unclosed phrase', "AND OR", "- * -", ""])
def test_unreadable_queries_are_explained(query: str) -> None:
    with pytest.raises(QueryError, match="cannot read the search"):
        fts_query(query)


def test_phrase_search_finds_exact_speeches(ingested: Path) -> None:
    with councilbase.open(ingested, readonly=True) as db:
        hits = db.search('"oral amendment"', limit=50)
        assert "S/PV.8700#1" in {h.id for h in hits}  # Mr. Nebenzia proposes it
        assert all("oral amendment" in h.snippet.replace("«", "").replace("»", "") for h in hits)
        assert all(h.snippet.count("«") >= 1 for h in hits)
        scores = [h.score for h in hits]
        assert scores == sorted(scores)  # bm25: lower is better, best first


def test_boolean_and_prefix_queries(ingested: Path) -> None:
    with councilbase.open(ingested, readonly=True) as db:
        both = {h.id for h in db.search("Idlib AND Yarubiyah", limit=500)}
        idlib = {h.id for h in db.search("Idlib", limit=500)}
        not_yarubiyah = {h.id for h in db.search("Idlib NOT Yarubiyah", limit=500)}
        assert both and both < idlib
        assert not_yarubiyah == idlib - both
        assert db.count("Idlib") == len(idlib)
        prefix = db.count("penholder*")
        assert prefix > db.count("penholder") > 0


def test_filters_narrow_exactly(ingested: Path) -> None:
    with councilbase.open(ingested, readonly=True) as db:
        russia = db.search("humanitarian", state="RUS", limit=500)
        assert russia and {h.state for h in russia} == {"RUS"}
        by_name = db.search("humanitarian", state="Russian Federation", limit=500)
        assert [h.id for h in by_name] == [h.id for h in russia]
        nebenzia = db.search("humanitarian", person="Nebenzia", limit=500)
        assert nebenzia and all("Nebenzia" in h.speaker_line for h in nebenzia)
        briefers = db.search("humanitarian", role="un_official", limit=500)
        assert briefers and {h.role for h in briefers} == {"un_official"}
        one = db.search("humanitarian", meeting="8700", limit=500)
        assert one and {h.meeting for h in one} == {"S/PV.8700"}
        resumptions = db.search("Council", meeting="S/PV.8699", limit=500)
        assert {h.meeting for h in resumptions} == {
            "S/PV.8699",
            "S/PV.8699 (Resumption 1)",
            "S/PV.8699 (Resumption 2)",
        }
        middle_east = db.search("humanitarian", topic="Middle East", limit=500)
        assert {h.meeting for h in middle_east} == {
            "S/PV.8700",
            "S/PV.8704",
            "S/PV.8706",
            "S/PV.8706 (Resumption 1)",
        }
        dated = db.search("Council", date_from="2020-01-10", date_to="2020-01-13", limit=500)
        assert dated and all("2020-01-10" <= (h.date or "") <= "2020-01-13" for h in dated)
        assert {
            h.date for h in db.search("Council", date_from="2020-01", date_to="2020-01", limit=500)
        } <= {f"2020-01-{d:02d}" for d in range(1, 32)}


def test_bad_filters_are_messages(ingested: Path) -> None:
    with councilbase.open(ingested, readonly=True) as db:
        with pytest.raises(QueryError, match="unknown state 'Atlantis'"):
            db.search("x", state="Atlantis")
        with pytest.raises(QueryError, match="unknown role"):
            db.search("x", role="king")
        with pytest.raises(QueryError, match="cannot read the date"):
            db.search("x", date_from="10/01/2020")


def test_kwic_gives_every_occurrence_in_context(ingested: Path) -> None:
    with councilbase.open(ingested, readonly=True) as db:
        lines = db.kwic('"oral amendment"', meeting="S/PV.8700", width=30, limit=100)
        assert lines
        assert all(line.match.lower() == "oral amendment" for line in lines)
        assert all(len(line.left) <= 30 and len(line.right) <= 30 for line in lines)
        speech = db.speeches(meeting="S/PV.8700")
        text = " ".join(s.text.replace("\n", " ") for s in speech)
        assert len(lines) == text.lower().count("oral amendment")


def test_python_api_rows_convert_to_tables(ingested: Path) -> None:
    with councilbase.open(ingested, readonly=True) as db:
        hits = db.search("humanitarian", state="RUS", limit=5)
        table = hits.to_arrow()
        assert table.num_rows == len(hits)
        assert table.column_names[:5] == ["id", "meeting", "body", "date", "seq"]
        frame = db.speeches(meeting="S/PV.8700").to_pandas()
        assert len(frame) == 23
        assert list(frame["speaker_line"][:2]) == [
            "The President:",
            "Mr. Nebenzia (Russian Federation) (spoke in Russian):",
        ]
        meetings = db.meetings()
        assert len(meetings) == 45
        assert meetings[0].key == "S/PV.8698"
        russia_on_middle_east = sorted(
            {s.meeting for s in db.speeches(state="RUS", topic="Middle East")}
        )
        assert russia_on_middle_east[:1] == ["S/PV.8700"]
        assert [
            m.key for m in db.meetings(state="RUS", topic="Middle East")
        ] == russia_on_middle_east


def test_cli_search_prints_snippets(ingested: Path) -> None:
    result = runner.invoke(
        app, ["search", '"oral amendment"', "--meeting", "8700", "--db", str(ingested)]
    )
    assert result.exit_code == 0, result.output
    assert "speeches match" in result.stdout
    assert (
        "Mr. Nebenzia (Russian Federation) (spoke in Russian):  S/PV.8700 2020-01-10"
        in result.stdout
    )


def test_cli_search_json(ingested: Path) -> None:
    result = runner.invoke(
        app, ["search", "Idlib", "--state", "RUS", "--json", "--limit", "3", "--db", str(ingested)]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["total"] >= len(payload["hits"]) > 0
    assert {hit["state"] for hit in payload["hits"]} == {"RUS"}
    assert set(payload["hits"][0]) >= {"id", "meeting", "speaker_line", "score", "snippet"}


def test_cli_kwic(ingested: Path) -> None:
    result = runner.invoke(
        app, ["search", "Yarubiyah", "--kwic", "--width", "20", "--db", str(ingested)]
    )
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
    assert lines and all("Yarubiyah" in ln for ln in lines)


def test_cli_malformed_query_is_a_message(ingested: Path) -> None:
    result = runner.invoke(app, ["search", "Syria AND", "--db", str(ingested)])
    assert result.exit_code == 2
    assert "cannot read the search 'Syria AND'" in result.output
    assert "Traceback" not in result.output and "OperationalError" not in result.output


def test_cli_show_prints_the_meeting(ingested: Path) -> None:
    result = runner.invoke(app, ["show", "S/PV.8700", "--db", str(ingested)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "S/PV.8700",
        "  2020-01-10 15:00 New York",
        "  President: Mr. Dang (Viet Nam)",
    ]
    assert "  Agenda 1. The situation in the Middle East" in lines
    assert any(
        ln.startswith("- Mr. Nebenzia (Russian Federation) (spoke in Russian): [Russian] <member>")
        for ln in lines
    )
    assert any(
        ln.startswith("* vote (show of hands): in favour 11, against 0, abstaining 4")
        for ln in lines
    )
    full = runner.invoke(app, ["show", "8700", "--full", "--db", str(ingested)])
    assert len(full.stdout) > 3 * len(result.stdout)


def test_cli_show_unknown_meeting(ingested: Path) -> None:
    result = runner.invoke(app, ["show", "S/PV.1", "--db", str(ingested)])
    assert result.exit_code == 1
    assert "S/PV.1 is not in the database" in result.output


def test_cli_stats(ingested: Path) -> None:
    result = runner.invoke(app, ["stats", "--json", "--db", str(ingested)])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["meetings"] == 45
    assert stats["speeches"] == sum(stats["speeches_by_role"].values())
    text = runner.invoke(app, ["stats", "--db", str(ingested)])
    assert "meetings: 45" in text.stdout


@pytest.mark.parametrize(
    "filters",
    [
        {"state": "RUS"},
        {"role": "invited_state"},
        {"person": "Nebenzia"},
        {"person": "Dang"},  # the President, named on the cover page only
        {"meeting": "S/PV.8699"},
        {"meeting": "S/PV.8699 (Resumption 2)"},
        {"topic": "Middle East"},
        {"date_from": "2020-01-10", "date_to": "2020-01-13"},
        {"date_from": "2020-01-09"},
        {"state": "FRA", "role": "member", "date_to": "2020-01"},
        {"mentions": "SYR"},
        {"mentions": "OCHA", "role": "member"},
        {"cites": "S/RES/2254 (2015)"},
        {"organisation": "OCHA"},
        {"year": 2020, "role": "briefer"},
    ],
)
def test_index_filters_agree_with_sql_filters(ingested: Path, filters: dict[str, object]) -> None:
    """Filters in a search are index terms; in lists they are SQL: both give the same rows."""
    with councilbase.open(ingested, readonly=True) as db:
        found = {h.id for h in db.search("Council", limit=100_000, **filters)}
        expected = {
            s.id for s in db.speeches(**filters) if re.search(r"\bcouncil\b", s.text, re.IGNORECASE)
        }
        assert expected and found == expected
        assert db.count("Council", **filters) == len(expected)


def test_date_ranges_become_the_fewest_index_terms() -> None:
    assert date_terms(date(2019, 12, 30), date(2021, 2, 2)) == [
        "d20191230",
        "d20191231",
        "y2020",
        "ym202101",
        "d20210201",
        "d20210202",
    ]
    assert date_terms(date(2020, 1, 1), date(2020, 1, 31)) == ["ym202001"]
