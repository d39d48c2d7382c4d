"""The PDF parser on real records, with exact expectations."""

from __future__ import annotations

from pathlib import Path

import pytest

from councilbase.model import Heading, Procedure, Record, Speech, VotePassage
from councilbase.parse import parse_pdf

MEMBERS_8700 = [
    ("Belgium", "Mr. Pecsteen de Buytswerve"),
    ("China", "Mr. Zhang Jun"),
    ("Dominican Republic", "Mr. Singer Weisinger"),
    ("Estonia", "Mr. Jürgenson"),
    ("France", "Mrs. Gueguen"),
    ("Germany", "Mr. Heusgen"),
    ("Indonesia", "Mr. Syihab"),
    ("Niger", "Mr. Abarry"),
    ("Russian Federation", "Mr. Nebenzia"),
    ("Saint Vincent and the Grenadines", "Ms. King"),
    ("South Africa", "Mr. Van Shalkwyk"),
    ("Tunisia", "Mr. Baati"),
    ("United Kingdom of Great Britain and Northern Ireland", "Ms. Pierce"),
    ("United States of America", "Mrs. Craft"),
    ("Viet Nam", "Mr. Dang"),
]

SPEAKERS_8700 = [
    "The President:",
    "Mr. Nebenzia (Russian Federation) (spoke in Russian):",
    "Mr. Pecsteen de Buytswerve (Belgium):",
    "The President:",
    "The President:",
    "The President:",
    "Mrs. Gueguen (France) (spoke in French):",
    "Mr. Pecsteen de Buytswerve (Belgium) (spoke in French):",
    "Mr. Baati (Tunisia) (spoke in Arabic):",
    "Mr. Singer Weisinger (Dominican Republic) (spoke in Spanish):",
    "Mr. Jürgenson (Estonia):",
    "Mr. Zhang Jun (China) (spoke in Chinese):",
    "Ms. King (Saint Vincent and the Grenadines):",
    "Mr. Syihab (Indonesia):",
    "Mr. Nebenzia (Russian Federation) (spoke in Russian):",
    "Ms. Pierce (United Kingdom):",
    "Mr. Heusgen (Germany):",
    "Mrs. Craft (United States of America):",
    "The President:",
    "Mr. Ja’afari (Syrian Arab Republic) (spoke in Arabic):",
    "The President:",
    "Mr. Nebenzia (Russian Federation) (spoke in Russian):",
    "Ms. Pierce (United Kingdom):",
]


def test_cover_page_of_8700(r8700: Record) -> None:
    assert r8700.symbol == "S/PV.8700"
    assert r8700.meeting_number == 8700
    assert r8700.resumption is None
    assert r8700.session == "Seventy-fifth year"
    assert r8700.session_number == 75
    assert (r8700.date, r8700.time, r8700.place) == ("2020-01-10", "15:00", "New York")
    assert r8700.president is not None
    assert (r8700.president.name, r8700.president.country) == ("Mr. Dang", "Viet Nam")
    assert [(m.country, m.representative) for m in r8700.members] == MEMBERS_8700
    assert [m.country for m in r8700.members if m.presiding] == ["Viet Nam"]
    assert [a.title for a in r8700.agenda] == ["The situation in the Middle East"]
    assert r8700.warnings == []


def test_speaker_lines_of_8700_in_order(r8700: Record) -> None:
    assert [s.speaker_line for s in r8700.speeches] == SPEAKERS_8700


def test_speech_fields_of_8700(r8700: Record) -> None:
    nebenzia = r8700.speeches[1]
    assert (nebenzia.title, nebenzia.name, nebenzia.affiliation) == (
        "Mr.",
        "Nebenzia",
        "Russian Federation",
    )
    assert nebenzia.role == "member"
    assert nebenzia.language == "Russian"
    assert nebenzia.pages == [2]
    assert nebenzia.text[0].startswith("The Russian Federation should like to propose an oral")
    assert [(c.paragraph, c.language) for c in nebenzia.language_changes] == [(1, "English")]
    assert not any("spoke in" in p for p in nebenzia.text)
    jaafari = r8700.speeches[19]
    assert jaafari.role == "invited_state"
    assert jaafari.pages == [10, 11, 12]
    president = r8700.speeches[0]
    assert (president.title, president.role, president.affiliation) == (
        "The President",
        "president",
        "Viet Nam",
    )


def test_vote_blocks_of_8700(r8700: Record) -> None:
    votes = [item for item in r8700.items if isinstance(item, VotePassage)]
    assert len(votes) == 2
    amendment, draft = votes
    assert amendment.method == "show of hands"
    assert amendment.in_favour == ["China", "Russian Federation", "Viet Nam"]
    assert amendment.against == [
        "Belgium",
        "Dominican Republic",
        "Estonia",
        "France",
        "Germany",
        "United Kingdom of Great Britain and Northern Ireland",
        "United States of America",
    ]
    assert amendment.abstaining == [
        "Indonesia",
        "Niger",
        "Saint Vincent and the Grenadines",
        "South Africa",
        "Tunisia",
    ]
    assert draft.in_favour == [
        "Belgium",
        "Dominican Republic",
        "Estonia",
        "France",
        "Germany",
        "Indonesia",
        "Niger",
        "Saint Vincent and the Grenadines",
        "South Africa",
        "Tunisia",
        "Viet Nam",
    ]
    assert draft.against == []
    assert draft.abstaining == [
        "China",
        "Russian Federation",
        "United Kingdom of Great Britain and Northern Ireland",
        "United States of America",
    ]
    assert draft.text.startswith("A vote was taken by show of hands.\nIn favour:")


def test_procedural_passages_of_8700(r8700: Record) -> None:
    procedures = [(p.type, p.time, p.rule) for p in r8700.items if isinstance(p, Procedure)]
    assert procedures == [
        ("called_to_order", "18:05", None),
        ("agenda_adopted", None, None),
        ("rose", "19:05", None),
    ]
    headings = [h.text for h in r8700.items if isinstance(h, Heading)]
    assert headings == ["Adoption of the agenda", "The situation in the Middle East"]


def test_reading_order_keeps_columns_apart(r8700: Record) -> None:
    """pdftotext puts a sentence of Belgium's speech before "Adoption of the agenda"."""
    kinds = [type(item).__name__ for item in r8700.items[:5]]
    assert kinds == ["Procedure", "Heading", "Procedure", "Heading", "Speech"]
    belgium = r8700.speeches[2]
    joined = " ".join(belgium.text)
    assert (
        "The mechanism continues to allow the United Nations and its implementing partners "
        "to ensure life-saving assistance that reaches around 4 million Syrians." in joined
    )


def test_furniture_is_removed(r8700: Record) -> None:
    text = "\n".join(p for s in r8700.speeches for p in s.text)
    for furniture in ("20-00806", "*2000806*", "10/01/2020", "S/PV.8700 The situation", "/12"):
        assert furniture not in text
    assert "verbatimrecords@un.org" not in text


def test_hyphens_real_ones_kept(r8700: Record) -> None:
    text = "\n".join(p for s in r8700.speeches for p in s.text)
    assert "every day, cross-border humanitarian aid" in text  # broken at the line end
    assert "co-penholders" in text
    assert "crossborder" not in text


COVERS = {
    "S_PV.8698_E.pdf": ("S/PV.8698", None, "2020-01-08", "10:00", "Mr. Dang", "Peace consolidation in West Africa"),
    "S_PV.8699_E.pdf": ("S/PV.8699", None, "2020-01-09", "10:00", "Mr. Pham Binh Minh/Mr. Dang", "Maintenance of international peace and security"),
    "S_PV.8699(Resumption1)_E.pdf": ("S/PV.8699 (Resumption 1)", 1, "2020-01-10", "10:00", "Mr. Pham", "Maintenance of international peace and security"),
    "S_PV.8699(Resumption2)_E.pdf": ("S/PV.8699 (Resumption 2)", 2, "2020-01-13", "15:00", "Mr. Dang", "Maintenance of international peace and security"),
    "S_PV.8700_E.pdf": ("S/PV.8700", None, "2020-01-10", "15:00", "Mr. Dang", "The situation in the Middle East"),
    "S_PV.8702_E.pdf": ("S/PV.8702", None, "2020-01-13", "10:25", "Mr. Dang", "Identical letters dated 19 January 2016 from the Permanent Representative of Colombia to the United Nations addressed to the Secretary-General and the President of the Security Council (S/2016/53)"),
    "S_PV.8704_E.pdf": ("S/PV.8704", None, "2020-01-16", "10:00", "Mr. Dang", "The situation in the Middle East"),
    "S_PV.8706_E.pdf": ("S/PV.8706", None, "2020-01-21", "10:00", "Mr. Dang", "The situation in the Middle East, including the Palestinian question"),
    "S_PV.8706(Resumption1)_E.pdf": ("S/PV.8706 (Resumption 1)", 1, "2020-01-22", "10:00", "Mr. Dinh", "The situation in the Middle East, including the Palestinian question"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(COVERS))
def test_cover_fields_exact_on_all_nine(pdf_dir: Path, name: str) -> None:
    record = parse_pdf(pdf_dir / name)
    symbol, resumption, date, time, president, title = COVERS[name]
    assert record.symbol == symbol
    assert record.resumption == resumption
    assert (record.date, record.time, record.place) == (date, time, "New York")
    assert record.president is not None and record.president.name == president
    assert record.president.country == "Viet Nam"
    assert len(record.members) == 15
    assert all(m.representative.startswith(("Mr.", "Ms.", "Mrs.")) for m in record.members)
    assert record.agenda[0].title == title
    assert record.warnings == []
    assert record.source is not None and record.source.pages and record.source.sha256


def test_agenda_sub_items_and_documents(pdf_dir: Path) -> None:
    record = parse_pdf(pdf_dir / "S_PV.8699_E.pdf")
    (item,) = record.agenda
    assert item.sub_items == [
        "Upholding the United Nations Charter",
        "Letter dated 31 December 2019 from the Permanent Representative of Viet Nam to the "
        "United Nations addressed to the Secretary-General (S/2020/1)",
    ]
    assert item.documents == ["S/2020/1"]
    record = parse_pdf(pdf_dir / "S_PV.8702_E.pdf")
    assert record.agenda[0].documents == ["S/2016/53", "S/2019/988"]
    headings = [h for h in record.items if isinstance(h, Heading)]
    assert headings[1].agenda_item == 0
    assert headings[1].text.endswith("Colombia (S/2019/988)")


def test_briefer_gets_function_from_invitation(pdf_dir: Path) -> None:
    record = parse_pdf(pdf_dir / "S_PV.8702_E.pdf")
    briefer = record.speeches[1]
    assert briefer.speaker_line == "Mr. Ruiz Massieu:"
    assert briefer.role == "un_official"
    assert briefer.affiliation is not None
    assert briefer.affiliation.startswith("Special Representative of the Secretary-General")


def test_every_speech_has_text_and_pages(pdf_dir: Path) -> None:
    for pdf in sorted(pdf_dir.glob("*.pdf")):
        record = parse_pdf(pdf)
        assert record.speeches, pdf.name
        for speech in record.speeches:
            assert speech.text and speech.pages, (pdf.name, speech.speaker_line)
            assert speech.role != "unknown" or speech.title is not None, speech.speaker_line


def test_spoken_items_are_speeches(r8700: Record) -> None:
    assert all(isinstance(s, Speech) for s in r8700.speeches)
    assert sum(isinstance(i, Procedure) and i.type == "other" for i in r8700.items) == 0
