"""The extract stage: what a parsed record says beyond its text: votes, outcomes,
explanations of vote, affiliations, mentions and references."""

from __future__ import annotations

from councilbase.model import Record


def extract(record: Record) -> None:
    """Fill in everything the extract stage finds in a record (in place)."""
    from councilbase.extract.entities import annotate
    from councilbase.extract.references import find_references
    from councilbase.extract.votes import extract_votes

    annotate(record)
    extract_votes(record)
    for speech in record.speeches:
        speech.references = find_references(speech.text)
