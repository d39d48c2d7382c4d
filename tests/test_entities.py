"""Reference data, affiliations, mentions, references and people."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

import councilbase
from councilbase import reference
from councilbase.cli import app
from councilbase.extract.entities import (
    find_mentions,
    organisations,
    places,
    resolve_affiliation,
    surface_forms,
)
from councilbase.extract.people import Sighting, ocr_fold, plain, resolve_people
from councilbase.extract.references import find_references, resolution_year
from councilbase.model import Record

runner = CliRunner()


def test_the_193_members_and_the_two_observers() -> None:
    states = reference.states()
    members = [s for s in states if s.status == "member"]
    assert len(members) == 193
    assert len({s.code for s in members}) == 193
    assert sorted(s.code for s in states if s.status == "observer") == ["PSE", "VAT"]
    former = {s.code for s in states if s.status == "former"}
    assert {"SUN", "YUG", "CSK", "ZAR", "DDR", "YAR"} <= former
    assert all(len(s.code) == 3 and s.code.isupper() for s in states)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
        ("Bolivarian Republic of Venezuela", "VEN"),
        ("Venezuela (Bolivarian Republic of)", "VEN"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Côte d'Ivoire", "CIV"),
        ("Côte d’Ivoire", "CIV"),
        ("Democratic People's Republic of Korea", "PRK"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("State of Palestine", "PSE"),
        ("Holy See", "VAT"),
        ("the Niger", "NER"),
        ("Union of Soviet Socialist Republics", "SUN"),
        ("Zaire", "ZAR"),
    ],
)
def test_names_the_records_use(name: str, code: str) -> None:
    assert reference.resolve_state(name) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Syrian", "SYR"),
        ("Kazakh", "KAZ"),
        ("British", "GBR"),
        ("Ivorian", "CIV"),
        ("Libyans", "LBY"),
    ],
)
def test_demonyms_are_mentions_of_their_state(text: str, code: str) -> None:
    assert [(m.kind, m.code) for m in find_mentions([f"the {text} delegation"])] == [
        ("state", code)
    ]


def test_council_membership_from_1990() -> None:
    for year in range(1990, 2027):
        members = reference.council_members(year)
        assert members is not None and len(members) == 15, year
        assert members >= reference.permanent_members(year), year
    assert "SUN" in (reference.council_members(1991) or set())
    assert "RUS" in (reference.council_members(1992) or set())
    assert {"YEM", "CUB", "ZAR", "CIV", "ROU"} <= (reference.council_members(1990) or set())
    assert {"VNM", "EST", "NER", "TUN", "VCT"} <= (reference.council_members(2020) or set())


def test_organisations_and_places_are_well_formed() -> None:
    codes = [o.code for o in organisations()] + [p.code for p in places()]
    assert len(codes) == len(set(codes))
    assert all(p.state is None or reference.state_by_code(p.state) for p in places())
    data = json.loads(
        resources.files("councilbase").joinpath("data/organisations.json").read_text("utf-8")
    )
    assert data["sources"] and data["version"]
    for code in ("UNSG", "OCHA", "UNRWA", "UNHCR", "ICRC", "AU", "EU", "LAS"):
        assert any(o.code == code for o in organisations())


def test_ambiguous_forms_never_become_a_code() -> None:
    forms = surface_forms()
    assert "Congolese" not in forms  # the Congo or the Democratic Republic of the Congo
    assert "Korean" not in forms
    assert find_mentions(["Latin American and Central American States, the Gulf of Guinea"]) == [
        m
        for m in find_mentions(["Latin American and Central American States, the Gulf of Guinea"])
        if m.kind == "place"
    ]


@pytest.mark.parametrize(
    ("affiliation", "expected"),
    [
        ("Russian Federation", ("RUS", None)),
        (
            "Under-Secretary-General for Humanitarian Affairs and Emergency Relief Coordinator",
            (None, "OCHA"),
        ),
        (
            "Special Representative of the Secretary-General and Head of the United Nations Office for West Africa and the Sahel",
            (None, "UNOWAS"),
        ),
        ("Secretary-General of the League of Arab States", (None, "LAS")),
        (
            "Permanent Observer of the International Committeeof the Red Cross to the United Nations",
            (None, "ICRC"),
        ),
        ("African Union Commissioner for Peace and Security", (None, "AU")),
        ("civil society representative", (None, None)),
    ],
)
def test_affiliations(affiliation: str, expected: tuple[str | None, str | None]) -> None:
    assert resolve_affiliation(affiliation) == expected


def test_every_speech_of_s_pv_8700_is_affiliated(r8700: Record) -> None:
    for speech in r8700.speeches:
        assert speech.state or speech.organisation, speech.speaker_line
    assert {s.speaker_line: s.state for s in r8700.speeches}["The President:"] == "VNM"


def test_mentions_have_exact_offsets(r8700: Record) -> None:
    count = 0
    for speech in r8700.speeches:
        for mention in speech.mentions:
            assert speech.text[mention.paragraph][mention.start : mention.end] == mention.text
            count += 1
    assert count > 100
    nebenzia = r8700.speeches[1]
    codes = [m.code for m in nebenzia.mentions]
    assert "RUS" in codes


def test_the_syrian_government_is_syr() -> None:
    text = "the Syrian Government and the Russian Federation met in Idlib under the Astana process with OCHA"
    assert [(m.kind, m.code, m.text) for m in find_mentions([text])] == [
        ("state", "SYR", "Syrian"),
        ("state", "RUS", "Russian Federation"),
        ("place", "P:IDLIB", "Idlib"),
        ("process", "P:ASTANA", "Astana process"),
        ("organisation", "OCHA", "OCHA"),
    ]


def test_references_in_every_form() -> None:
    text = (
        "Under resolutions 2139 (2014), 2165 (2014) and 2254 (2015), resolution 2254, "
        "General Assembly resolution 46/182, resolution 194 (II), resolution ES-10/19, "
        "Human Rights Council resolution 31/1, S/2020/24, S/PRST/2020/2 and S/PV.8697."
    )
    found = find_references([text])
    assert [r.symbol for r in found] == [
        "S/RES/2139 (2014)",
        "S/RES/2165 (2014)",
        "S/RES/2254 (2015)",
        "S/RES/2254 (2015)",
        "A/RES/46/182",
        "A/RES/194(II)",
        "A/RES/ES-10/19",
        "A/HRC/RES/31/1",
        "S/2020/24",
        "S/PRST/2020/2",
        "S/PV.8697",
    ]
    assert all(text[r.start : r.end] == r.text for r in found)
    assert resolution_year(2254) == 2015 and resolution_year(1) == 1946
    assert resolution_year(9999) is None


def test_people_merge_ocr_variants_and_refuse_other_states() -> None:
    people, refusals = resolve_people(
        [
            Sighting("Mr. Jürgenson", "EST", "cover page", "S/PV.8700", "2020-01-10"),
            Sighting("Mr. Jiirgenson", "EST", "speech", "S/PV.8712", None, 1),
            Sighting("Mr. JÜRGENSON", "EST", "speech", "S/PV.8713", None, 2),
            Sighting("Mr. Zhang Jun", "CHN", "cover page", "S/PV.8700", "2020-01-10"),
            Sighting("Mr. Zhang", "CHN", "speech", "S/PV.8701", None, 3),
            Sighting("Mr. Zhang", "SGP", "speech", "S/PV.8702", None, 4),
        ]
    )
    by_key = {p.key: p for p in people}
    assert sorted(by_key) == ["jurgenson@EST", "zhang-jun@CHN", "zhang@SGP"]
    assert by_key["jurgenson@EST"].name == "Mr. Jürgenson"
    assert sorted(by_key["jurgenson@EST"].speeches) == [1, 2]
    rules = [d.rule for d in by_key["jurgenson@EST"].decisions]
    assert "ocr variant" in rules
    assert any(d.unsure for d in by_key["jurgenson@EST"].decisions)
    assert by_key["zhang-jun@CHN"].speeches == [3]
    assert refusals == []  # "zhang" and "zhang jun" are different names
    assert plain("H.E. Mr. Nebenzia") == "nebenzia"
    assert ocr_fold("jiirgenson") == ocr_fold("jurgenson")


def test_people_in_the_records(ingested: Path) -> None:
    result = runner.invoke(app, ["people", "explain", "Jurgenson", "--db", str(ingested)])
    assert result.exit_code == 0, result.output
    assert "Mr. Jürgenson  [jurgenson@EST]  EST" in result.stdout
    assert "seen as 'Mr. Jiirgenson' (speech)" in result.stdout
    assert "merged by ocr variant (unsure)" in result.stdout
    hilale = runner.invoke(app, ["people", "explain", "Hilale", "--db", str(ingested)])
    assert "Mr. Hilale  [hilale@MAR]  MAR: 2 speeches" in hilale.stdout
    assert "merged by home state" in hilale.stdout
    listing = runner.invoke(app, ["people", "list", "--db", str(ingested)])
    assert listing.stdout.startswith("272 people")
    unsure = runner.invoke(app, ["people", "list", "--unsure", "--db", str(ingested)])
    assert (
        "jurgenson@EST: same affiliation EST; 'jurgenson' differs from 'jiirgenson'"
        in unsure.stdout
    )
    with councilbase.open(ingested, readonly=True) as db:
        nebenzia = db.conn.execute(
            "SELECT p.speeches FROM people p WHERE p.key = 'nebenzia@RUS'"
        ).fetchone()[0]
        assert nebenzia == len(db.speeches(person="Nebenzia"))


def test_people_explain_unknown_name(ingested: Path) -> None:
    result = runner.invoke(app, ["people", "explain", "Nobody Atall", "--db", str(ingested)])
    assert result.exit_code == 1
    assert "no person named 'Nobody Atall'" in result.output


def test_cites_and_mentions_filters(ingested: Path) -> None:
    with councilbase.open(ingested, readonly=True) as db:
        cites = db.speeches(cites="resolution 2254 (2015)")
        assert cites and all("2254 (2015)" in s.text for s in cites)
        hits = db.search("political", cites="S/RES/2254 (2015)", limit=1000)
        assert hits and {h.id for h in hits} <= {s.id for s in cites}
        syria = db.speeches(mentions="Syrian Arab Republic", role="invited_state")
        assert syria and all(s.role == "invited_state" for s in syria)
        assert db.count("Syria", mentions="SYR", role="invited_state") >= 1
        ocha = db.speeches(organisation="OCHA")
        assert ocha and all(s.speaker_line for s in ocha)
    result = runner.invoke(
        app, ["search", "humanitarian", "--mentions", "Atlantis", "--db", str(ingested)]
    )
    assert (
        result.exit_code == 2 and "unknown state, organisation or place 'Atlantis'" in result.output
    )
