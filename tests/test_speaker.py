"""Speaker lines: hand-made snippets, each named for the case it stands for."""

from __future__ import annotations

import pytest

from councilbase.parse.speaker import classify_role, language_change, match_speaker


@pytest.mark.parametrize(
    ("line", "title", "name", "affiliation", "language"),
    [
        ("Mr. Nebenzia (Russian Federation) (spoke in Russian): The", "Mr.", "Nebenzia", "Russian Federation", "Russian"),
        ("The President: I thank", "The President", None, None, None),
        ("The President (spoke in French): Je", "The President", None, None, "French"),
        ("The Secretary-General: I", "The Secretary-General", None, None, None),
        ("Dame Barbara Woodward (United Kingdom): I", "Dame", "Barbara Woodward", "United Kingdom", None),
        ("Sir Mark Lyall Grant (United Kingdom): I", "Sir", "Mark Lyall Grant", "United Kingdom", None),
        ("Mr. Takht Ravanchi (Iran (Islamic Republic of)): We", "Mr.", "Takht Ravanchi", "Iran (Islamic Republic of)", None),
        ("Mr. Lowcock: Thank you", "Mr.", "Lowcock", None, None),
        ("Ms. Pierce ( (United Kingdom): I know", "Ms.", "Pierce", "United Kingdom", None),
        ("Mr. Nebenzia (Russian Federation) :  The", "Mr.", "Nebenzia", "Russian Federation", None),
        ("Mr. Pecsteen de Buytswerve (Belgium): I", "Mr.", "Pecsteen de Buytswerve", "Belgium", None),
        ("Mr. Al-Ahmad Al-Jaber Al-Sabah (Kuwait) (spoke in Arabic): I", "Mr.", "Al-Ahmad Al-Jaber Al-Sabah", "Kuwait", "Arabic"),
        # other eras: "(interpretation from Arabic)" (the 1990s), "(translated from Russian)"
        # and names in capitals (the Official Records), a small-capital title OCR misread
        ("Mr. Elaraby (Egypt)(interpretation from Arabic): Today", "Mr.", "Elaraby", "Egypt", "Arabic"),
        ("The PRESIDENT: I thank him.", "The President", None, None, None),
        ("The PRESIDENT (translated from Russian): The item", "The President", None, None, "Russian"),
        ("The Presipent (translated from Russian): The item", "The President", None, None, "Russian"),
        ("Mr. MALIK (Union of Soviet Socialist Republics) (translated from Russian): x", "Mr.", "Malik", "Union of Soviet Socialist Republics", "Russian"),
        ("Sir Gladwyn JEBB (United Kingdom): x", "Sir", "Gladwyn Jebb", "United Kingdom", None),
        ("Mr. Ladsous (spoke in French) (France): x", "Mr.", "Ladsous", "France", "French"),
        ("Mr. Ladsous (France) (spoke in French): x", "Mr.", "Ladsous", "France", "French"),
        # the Assembly: a colon misprinted before the parenthesis
        ("Mr. Briz Gutiérrez: (Guatemala) (spoke in Spanish): My", "Mr.", "Briz Gutiérrez", "Guatemala", "Spanish"),
    ],
)  # fmt: skip
def test_speaker_line_parts(
    line: str, title: str, name: str | None, affiliation: str | None, language: str | None
) -> None:
    found = match_speaker(line)
    assert found is not None
    assert (found.title, found.name, found.affiliation, found.language) == (
        title,
        name,
        affiliation,
        language,
    )
    assert "(spoke in" not in found.rest


def test_speaker_line_joined_over_two_lines() -> None:
    """A speaker line broken as ``(spoke in`` / ``Russian):`` arrives joined in a paragraph."""
    found = match_speaker("Mr. Nebenzia (Russian Federation) (spoke in Russian): The Russian")
    assert found is not None and found.speaker_line.endswith("(spoke in Russian):")


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Guterres said that the Council must act: now.",
        "In favour: China",
        "The situation in the Middle East",
        "Ms. Pierce and others: we agree",
    ],
)
def test_not_a_speaker_line(text: str) -> None:
    assert match_speaker(text) is None


def test_language_change_paragraph() -> None:
    assert language_change("(spoke in English)") == "English"
    assert language_change("We (spoke in English) now") is None


def test_roles() -> None:
    members = ["China", "United Kingdom of Great Britain and Northern Ireland", "Niger"]
    assert classify_role("The President", None, members) == "president"
    assert classify_role("Mr.", "United Kingdom", members) == "member"
    assert classify_role("Mr.", "Nigeria", members) == "invited_state"
    assert (
        classify_role("Mr.", "Under-Secretary-General for Humanitarian Affairs", members)
        == "un_official"
    )
    assert classify_role("Ms.", "International Committee of the Red Cross", members) == "briefer"
    assert classify_role("The Secretary-General", None, members) == "un_official"
    assert classify_role("Mr.", None, members) == "unknown"
    # without a cover page, the Council's membership of the year decides
    assert classify_role("Mr.", "Estonia", None, 2020) == "member"
    assert classify_role("Mr.", "Ukraine", None, 2020) == "invited_state"
