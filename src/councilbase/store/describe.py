"""What each table and column of a councilbase database holds, in words: read from the
migrations' own comments (one place for the schema and its description), for Datasette's
metadata and for anyone who opens the file with another SQLite tool."""

from __future__ import annotations

import re
from typing import Any

TABLES = {
    "sources": "Every file (or corpus meeting, or JSONL record) ingested, with its hash: the"
    " same bytes are never ingested twice.",
    "meetings": "One row per meeting record (or resumption): the cover page and where it came"
    " from. date_source says whether the date is the record's or the UN library's index's.",
    "members": "The Council's members at a meeting and their representatives (cover page).",
    "agenda_items": "The agenda of each meeting; source 'index' marks topics taken from the UN"
    " library's index for records without a cover page.",
    "speeches": "One row per speech, in order, with the speaker, the state or organisation"
    " spoken for, the role, the delivery language and the text. Full-text search:"
    " speeches_fts.",
    "items": "Everything in a meeting's body, in order: speeches, procedural passages, vote"
    " passages, headings.",
    "votes": "Each decision put to the vote (or adopted without one): the draft, the tally,"
    " the outcome, the resolution it became, vetoes.",
    "vote_casts": "How each member voted in each vote.",
    "statements": "Presidential statements read out at a meeting.",
    "positions": "Positions speakers declare on texts ('we voted in favour of ...').",
    "outcomes": "The UN library's index of meetings and outcomes, one row per meeting row of"
    " its yearly tables.",
    "outcome_actions": "The actions (resolutions, statements, vetoed drafts) of each index row.",
    "vetoes": "The UN library's list of vetoed drafts.",
    "mentions": "States, organisations, places and processes a speech names, with offsets.",
    "citations": "Documents a speech cites (resolutions, statements, reports, records),"
    " resolved to symbols, with offsets.",
    "people": "One row per real speaker across meetings.",
    "speech_people": "Each speech's person (when the people step found one).",
    "person_names": "Every form of a person's name seen, and where.",
    "person_decisions": "Why names were merged into one person or kept apart.",
    "embeddings": "Vectors of speech chunks for search by meaning, keyed by the text's hash.",
    "migrations": "The schema migrations applied to this database.",
    "derived": "Tables built from others (the people), with the state of their source then.",
    "veto_debates": "The General Assembly's debates on a veto and the Council meetings whose"
    " vetoes they discuss.",
    "resolutions": "One row per Council resolution whose text was imported: date and adopting"
    " meeting (from the text, else the index: date_source, meeting_source), subject, Chapter VII;"
    " data holds the whole councilbase.resolution/1 document.",
    "resolution_paragraphs": "Each preambular (PP) and operative (OP) paragraph and"
    " sub-paragraph of a resolution. Full-text search: resolution_paragraphs_fts.",
    "resolution_citations": "The documents each resolution cites, by paragraph: the citation"
    " network's edges.",
}
"""Each table in a sentence."""

_CREATE = re.compile(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+) \((.*?)\n\);", re.S)
_COLUMN = re.compile(r"^\s+(\w+)\s[^\n]*?--\s*(.+?)\s*$", re.M)
_ALTER = re.compile(r"ALTER TABLE (\w+) ADD COLUMN (\w+)[^\n]*?--\s*(.+?)\s*$", re.M)
_DROP = re.compile(r"ALTER TABLE (\w+) DROP COLUMN (\w+)")


def column_descriptions() -> dict[str, dict[str, str]]:
    """Table -> column -> the comment the migrations give it."""
    from councilbase.store import schema

    texts = [value for name, value in vars(schema).items() if name.startswith("M0")]
    out: dict[str, dict[str, str]] = {}
    for text in texts:
        for table, body in _CREATE.findall(text):
            for column, comment in _COLUMN.findall(body):
                if column.upper() not in ("PRIMARY", "UNIQUE", "FOREIGN"):
                    out.setdefault(table, {})[column] = comment
        for table, column, comment in _ALTER.findall(text):
            out.setdefault(table, {})[column] = comment
    for text in texts:  # after every migration's columns: a column a later one drops goes
        for table, column in _DROP.findall(text):
            out.get(table, {}).pop(column, None)
    return out


def datasette_metadata(database: str, title: str = "councilbase") -> dict[str, Any]:
    """Metadata for Datasette (``datasette DB --metadata metadata.json``) for the database
    it names ``database`` (its file name without ``.db``): the tables and columns
    described, and the speeches' search box wired to the full-text index."""
    from councilbase import __version__
    from councilbase.store.schema import FTS_TABLES

    columns = column_descriptions()
    tables: dict[str, Any] = {}
    for table, description in TABLES.items():
        entry: dict[str, Any] = {"description": description}
        if columns.get(table):
            entry["columns"] = columns[table]
        tables[table] = entry
    tables["speeches"].update(
        {
            "fts_table": "speeches_fts",
            "fts_pk": "id",
            "sort_desc": "id",
            "label_column": "speaker_line",
        }
    )
    tables["meetings"]["label_column"] = "key"
    tables["people"]["label_column"] = "name"
    tables["resolutions"]["label_column"] = "symbol"
    tables["resolution_paragraphs"].update(
        {"fts_table": "resolution_paragraphs_fts", "fts_pk": "id", "label_column": "label"}
    )
    for name in FTS_TABLES:  # the indexes, and the rows waiting for them (none once committed)
        tables[name] = {"hidden": True}
        tables[f"{name}_pending"] = {"hidden": True}
    return {
        "title": title,
        "description": f"UN Security Council and General Assembly meeting records, built by"
        f" councilbase {__version__}.",
        "license": "UN official documents; the database schema by councilbase (Apache-2.0)",
        "databases": {database: {"tables": tables}},
    }
