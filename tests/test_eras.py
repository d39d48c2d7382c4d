"""Every era of the Council's record: the 1990s two-column record, the current one-column
layout, the scanned and bilingual Official Records of 1950, image-only copies read by OCR,
and votes in every form the records print them."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from councilbase.extract import extract
from councilbase.extract.votes import recognise_tally, split_inline_passage
from councilbase.model import Record, Tally, VotePassage
from councilbase.parse import parse_pdf
from councilbase.parse.speaker import match_speaker
from councilbase.reference import join_state_names
from councilbase.testing.scans import image_only_copy


def parsed(path: Path, **options: object) -> Record:
    record = parse_pdf(path, **options)  # type: ignore[arg-type]
    extract(record)
    return record


def casts(record: Record, number: int) -> dict[str, list[str]]:
    vote = record.votes[number]
    return {
        kind: sorted(c.code or f"?{c.name}" for c in vote.casts if c.vote == kind)
        for kind in ("in_favour", "against", "abstaining", "not_participating")
    }


def pages_of(pdf: Path, numbers: list[int], out: Path) -> Path:
    """A PDF of some pages of another (1-based numbers)."""
    source = pdfium.PdfDocument(str(pdf))
    target = pdfium.PdfDocument.new()
    target.import_pages(source, [n - 1 for n in numbers])
    target.save(str(out))
    return out


# --- the 1990s: "(interpretation from Arabic)", a tally in words, a veto --------------------


def test_s_pv_3756_of_1997(eras: Path) -> None:
    record = parsed(eras / "S_PV.3756_E.pdf")
    assert record.layout == "two-column"
    assert (record.symbol, record.date, record.time) == ("S/PV.3756", "1997-03-21", "18:00")
    assert len(record.speeches) == 20
    languages = {s.name: s.language for s in record.speeches if s.language}
    assert languages == {
        "Elaraby": "Arabic",
        "Berrocal Soto": "Spanish",
        "Wang Xuexian": "Chinese",
        "Ladsous": "French",
        "Lavrov": "Russian",
        "Al-Kidwa": "Arabic",
    }
    (vote,) = record.votes
    assert vote.outcome == "vetoed" and vote.vetoed_by == ["USA"]
    assert vote.document == "S/1997/241"
    assert vote.announced == Tally(13, 1, 1)  # "13 votes in favour, one against and one abstaining"
    assert casts(record, 0)["against"] == ["USA"] and casts(record, 0)["abstaining"] == ["CRI"]
    assert not vote.warnings


# --- the current layout: one column, made with Word ------------------------------------------


def test_s_pv_10100_of_2026(eras: Path) -> None:
    record = parsed(eras / "S_PV.10100_E.pdf")
    assert record.layout == "one-column"
    assert (record.symbol, record.date, record.time) == ("S/PV.10100", "2026-01-30", "15:00")
    members = {m.country: m.representative for m in record.members}
    assert len(members) == 15
    assert members["United States of America"] == "Ms. Locetta"
    assert members["United Kingdom of Great Britain and Northern Ireland"] == "Mr. Kariuki"
    assert "" not in members
    first, _second = record.speeches
    text = " ".join(first.text)
    assert "Members of the Council have before them document S/2026/50" in text
    assert "There being no objection, it is so decided." in text
    assert not [i for i in record.items if getattr(i, "type", None) == "other"]
    (vote,) = record.votes
    assert vote.document == "S/2026/50" and vote.resolution == "S/RES/2815 (2026)"
    assert vote.announced == vote.counted == Tally(13, 0, 2)
    assert vote.unanimous is False and not vote.warnings
    assert casts(record, 0)["abstaining"] == ["PAK", "SOM"]
    assert "GBR" in casts(record, 0)["in_favour"]  # "United Kingdom / of Great Britain ..."


# --- the Official Records: a bilingual scan read by OCR --------------------------------------


@pytest.fixture(scope="module")
def official(
    eras: Path, tmp_path_factory: pytest.TempPathFactory, ocr_cache: Path, tesseract: str
) -> Record:
    """S/PV.492 (1950): its title page, its first text page, and the pages of two votes."""
    folder = tmp_path_factory.mktemp("official")
    subset = pages_of(eras / "S_PV.492_E.pdf", [1, 2, 13, 22], folder / "S_PV.492_part.pdf")
    return parsed(subset, ocr="auto", ocr_cache=ocr_cache)


def test_the_official_records_cover(official: Record) -> None:
    assert official.layout == "official-records"
    assert (official.symbol, official.date, official.time) == ("S/PV.492", "1950-08-29", "15:00")
    assert official.place == "Lake Success, New York"
    assert official.president is not None
    assert official.president.country == "Union of Soviet Socialist Republics"
    assert official.president.name.startswith("Mr. J. Ma")  # MALIK in small capitals: OCR varies
    assert len(official.members) == 11
    assert [a.title for a in official.agenda][:2] == [
        "Adoption of the agenda",
        "Complaint of aggression upon the Republic of Korea",
    ]
    assert {r.source for r in official.reading[1:]} == {"ocr"}  # the text pages' old layer is poor
    assert all(0.7 < r.quality <= 1 for r in official.reading[1:])


def test_the_official_records_keep_the_english(official: Record) -> None:
    text = " ".join(" ".join(s.text) for s in official.speeches)
    assert "The agenda which is before the Security Council" in text
    assert " le " not in text and " du " not in text and "Conseil" not in text
    presidents = [s for s in official.speeches if s.title == "The President"]
    assert len(presidents) >= 6
    assert all(s.language == "Russian" for s in presidents if "translated" in s.speaker_line)
    assert any(s.state == "FRA" and s.language == "French" for s in official.speeches)


def test_the_official_records_votes(official: Record) -> None:
    rejected = next(v for v in official.votes if v.announced == Tally(4, 4, 3))
    assert rejected.outcome == "not_adopted"
    number = official.votes.index(rejected)
    assert casts(official, number) == {
        "in_favour": ["IND", "NOR", "SUN", "YUG"],
        "against": ["CHN", "CUB", "ECU", "USA"],
        "abstaining": ["EGY", "FRA", "GBR"],
        "not_participating": [],
    }
    adopted = next(v for v in official.votes if v.announced == Tally(7, 2, 1))
    assert adopted.outcome == "adopted"  # "adopted by 7 votes to 2, with one abstention"


# --- image-only copies of born-digital records -----------------------------------------------


@pytest.fixture(scope="module")
def scanned_8700(
    pdf_dir: Path, tmp_path_factory: pytest.TempPathFactory, ocr_cache: Path, tesseract: str
) -> tuple[Path, Record]:
    folder = tmp_path_factory.mktemp("scan")
    part = pages_of(pdf_dir / "S_PV.8700_E.pdf", [1, 2, 3, 4], folder / "part.pdf")
    copy = image_only_copy(part, folder / "S_PV.8700_scan.pdf", dpi=200)
    return copy, parsed(copy, ocr="auto", ocr_cache=ocr_cache)


def test_an_image_only_copy_is_read_by_ocr(scanned_8700: tuple[Path, Record]) -> None:
    _, record = scanned_8700
    assert record.layout == "two-column"
    assert (record.symbol, record.date) == ("S/PV.8700", "2020-01-10")
    assert record.president is not None and record.president.name == "Mr. Dang"
    assert {r.source for r in record.reading} == {"ocr"}
    assert [str(v.announced) for v in record.votes] == ["3-7-5", "11-0-4"]
    assert casts(record, 0) == {
        "in_favour": ["CHN", "RUS", "VNM"],
        "against": ["BEL", "DEU", "DOM", "EST", "FRA", "GBR", "USA"],
        "abstaining": ["IDN", "NER", "TUN", "VCT", "ZAF"],
        "not_participating": [],
    }
    assert record.votes[1].resolution == "S/RES/2504 (2020)"
    assert casts(record, 1)["abstaining"] == ["CHN", "GBR", "RUS", "USA"]
    speakers = [s.speaker_line for s in record.speeches]
    assert "Mr. Nebenzia (Russian Federation) (spoke in Russian):" in speakers


def test_ocr_is_cached_by_page_image(
    scanned_8700: tuple[Path, Record], ocr_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from councilbase.model import record_to_json
    from councilbase.read import ocr

    copy, first = scanned_8700

    def no_tesseract(*args: object, **kwargs: object) -> str:
        raise AssertionError("Tesseract ran again on a page already read")

    monkeypatch.setattr(ocr, "run_tesseract", no_tesseract)
    again = parsed(copy, ocr="auto", ocr_cache=ocr_cache)
    first_json, again_json = record_to_json(first), record_to_json(again)
    assert first_json["speeches"] == again_json["speeches"]
    assert first_json["votes"] == again_json["votes"]


def test_ocr_modes(scanned_8700: tuple[Path, Record], eras: Path, ocr_cache: Path) -> None:
    from councilbase.errors import RecordError

    copy, _ = scanned_8700
    with pytest.raises(
        RecordError, match=r"OCR is needed before it can be parsed \(run with --ocr auto\)"
    ):
        parse_pdf(copy, ocr="never")
    born_digital = parse_pdf(eras / "S_PV.10100_E.pdf", ocr="auto", ocr_cache=ocr_cache)
    assert {r.source for r in born_digital.reading} == {"text"}  # nothing to OCR
    assert all(r.quality > 0.85 for r in born_digital.reading)


def test_without_tesseract_one_line_names_the_packages(
    scanned_8700: tuple[Path, Record], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from councilbase.cli import app

    copy, _ = scanned_8700
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on it
    monkeypatch.setenv("COUNCILBASE_OCR_CACHE", str(tmp_path / "empty-cache"))
    result = CliRunner().invoke(app, ["parse", str(copy)])
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if line.startswith("error:"))
    assert "OCR needs Tesseract, which is not installed: install the Debian packages" in line
    assert "tesseract-ocr tesseract-ocr-eng" in line


# --- speaker lines of every era ----------------------------------------------------------------


def test_ocr_tolerant_speaker_lines() -> None:
    assert match_speaker("Benegal N. Rau (India): Subject to ...") is None
    found = match_speaker("Benegal N. Rau (India): Subject to ...", tolerant=True)
    assert found is not None and found.affiliation == "India"
    found = match_speaker("Mr, Austin (United States of America): I do not", tolerant=True)
    assert found is not None and (found.title, found.name) == ("Mr.", "Austin")
    assert match_speaker("Resolution 2254 (2015): it says", tolerant=True) is None
    assert match_speaker("The Presidency: we", tolerant=True) is None


# --- votes in every form --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pieces", "names"),
    [
        (
            ["United Kingdom of Great Britain and Northern Ireland and United States of America"],
            ["United Kingdom of Great Britain and Northern Ireland", "United States of America"],
        ),
        (["China and Russian Federation"], ["China", "Russian Federation"]),
        (
            ["United Kingdom", "of Great Britain and Northern Ireland", "Viet Nam"],
            ["United Kingdom of Great Britain and Northern Ireland", "Viet Nam"],
        ),
        (["Saint Vincent and the", "Grenadines"], ["Saint Vincent and the Grenadines"]),
        (
            ["Marshall", "Islands", "Colomb ia", "Trinidad and Tobago"],
            ["Marshall Islands", "Colombia", "Trinidad and Tobago"],
        ),
        (["Bosnia and Herzegovina"], ["Bosnia and Herzegovina"]),
        (["Atlantis"], ["Atlantis"]),  # unknown: kept as printed, never guessed
    ],
)
def test_vote_list_names(pieces: list[str], names: list[str]) -> None:
    assert join_state_names(pieces) == names


@pytest.mark.parametrize(
    ("sentence", "tally"),
    [
        (
            "The draft resolution received 11 votes in favour, none against and 4 abstentions.",
            "11-0-4",
        ),
        (
            "The result of the voting is as follows: 13 votes in favour, one against and one abstaining.",
            "13-1-1",
        ),
        ("The proposal was rejected by 4 votes to 4, with 3 abstentions.", "4-4-3"),
        ("The draft resolution was adopted by 9 votes to none, with 2 abstentions.", "9-0-2"),
        ("The results of the vote was 5 in favour, 2 against and 4 abstentions.", "5-2-4"),
        (
            "The result of the vote was as follows: in favour, 10; against, 1; abstentions, 0.",
            "10-1-0",
        ),
        (
            "The draft resolution received 143 votes in favour, 4 against and 11 abstentions.",
            "143-4-11",
        ),
    ],
)
def test_tallies_in_words_and_figures(sentence: str, tally: str) -> None:
    assert str(recognise_tally(sentence)) == tally


def test_a_vote_list_cut_off_at_the_end_of_a_speech_file() -> None:
    paragraph = (
        "I shall put the draft resolution to the vote now. A vote was taken by show of hands. "
        "In favour: Belgium, China, Dominican Republic, Estonia, France, Germany, Indonesia, "
        "Niger, Russian Federation, Saint Vincent and the Grenadines, South Africa, Tunisia, "
        "United Kingdom of Great Britain and Northern Ireland, United States of America, Viet Nam"
    )
    pieces = split_inline_passage(paragraph)
    passage = next(p for p in pieces if isinstance(p, VotePassage))
    assert len(passage.in_favour) == 15 and passage.against == passage.abstaining == []


def test_page_quality_is_the_same_whatever_the_process_parsed_before() -> None:
    """A page's quality once changed when a speech-level file parsed earlier in the same
    process had taught the text-repair vocabulary the states' names."""
    from councilbase.clean import add_vocabulary
    from councilbase.read.lines import Line
    from councilbase.read.ocr import text_quality

    lines = [Line("Mr. Nebenzia of the Kyrgyz delegation and the Burkinabe xqzt", page=1)]
    before = text_quality(lines)
    add_vocabulary(["Kyrgyz", "Burkinabe"])  # as the speech-level parser does
    assert text_quality(lines) == before
    assert 0 < before < 1
