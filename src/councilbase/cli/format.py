"""Records and votes as a person reads them on a terminal."""

from __future__ import annotations

from councilbase.model import Procedure, Record, Speech, Vote, VotePassage
from councilbase.store.records import IndexFill


def format_record(record: Record, full: bool = False, index: IndexFill | None = None) -> str:
    """A record as a person reads it: cover, agenda, then the items in order (with the
    whole text of each speech when ``full``, else its opening words). ``index``: the date
    and agenda the UN library's index gives a record that lacks them, marked as such."""
    index = index or IndexFill()
    lines = [f"{record.symbol or '(unknown meeting)'}"]
    if record.body == "GA":
        plenary = f", plenary meeting {record.meeting_number}" if record.meeting_number else ""
        session = f", {record.session}" if record.session else ""
        lines.append(f"  General Assembly{session}{plenary}")
    if record.date:
        lines.append(f"  {record.date} {record.time or ''} {record.place or ''}".rstrip())
    elif index.date:
        lines.append(f"  {index.date} (date from the UN library's index)")
    if record.president:
        lines.append(f"  President: {record.president.name} ({record.president.country})")
    if record.layout:
        ocr = [r for r in record.reading if r.source == "ocr"]
        read = f", {len(ocr)} of {len(record.reading)} pages read by OCR" if ocr else ""
        low = [r for r in record.reading if r.quality < 0.85]
        if low:
            read += "; pages of lower quality: " + ", ".join(
                f"{r.page} ({r.quality:.2f})" for r in low[:12]
            )
        lines.append(f"  layout: {record.layout}{read}")
    for member in record.members:
        mark = " (presiding)" if member.presiding else ""
        lines.append(f"  {member.country}: {member.representative}{mark}")
    for number, agenda_item in enumerate(record.agenda, start=1):
        if agenda_item.number is not None:
            more = " (continued)" if agenda_item.continued else ""
            lines.append(f"  Agenda item {agenda_item.number}{more}: {agenda_item.title}")
            lines.extend(f"      {sub}" for sub in agenda_item.sub_items)
            continue
        lines.append(f"  Agenda {number}. {agenda_item.title}")
        lines.extend(f"      {sub}" for sub in agenda_item.sub_items)
    for number, title in enumerate(index.agenda, start=len(record.agenda) + 1):
        lines.append(f"  Agenda {number}. {title} (from the UN library's index)")
    lines.append("")
    for item in record.items:
        if isinstance(item, Speech):
            lang = f" [{item.language}]" if item.language else ""
            if item.explains:
                lang += f" (explanation of vote, {item.explains})"
            words = sum(len(p.split()) for p in item.text)
            lines.append(
                f"- {item.speaker_line or '(unknown speaker)'}{lang} <{item.role}> {words} words"
            )
            if full:
                lines.extend(f"    {paragraph}" for paragraph in item.text)
            elif item.text:
                opening = item.text[0]
                lines.append(f"    {opening[:110]}{'…' if len(opening) > 110 else ''}")
        elif isinstance(item, VotePassage):
            lines.append(
                f"* vote ({item.method}): in favour {len(item.in_favour)}, against "
                f"{len(item.against)}, abstaining {len(item.abstaining)}"
            )
            for label, names in (
                ("In favour", item.in_favour),
                ("Against", item.against),
                ("Abstaining", item.abstaining),
            ):
                lines.append(f"    {label}: {', '.join(names) or 'None'}")
        elif isinstance(item, Procedure):
            text = item.text if full else item.text[:100]
            lines.append(f"  [{item.type}] {text}")
        else:
            lines.append(f"  == {item.text}")
    if record.votes or record.statements:
        lines.append("")
        lines.append("Decisions:")
    for number, vote in enumerate(record.votes, start=1):
        lines.extend(format_vote(number, vote))
    for statement in record.statements:
        lines.append(f"  presidential statement {statement.symbol}")
    for warning in record.warnings:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)


def format_vote(number: int, vote: Vote) -> list[str]:
    """One vote: what, how, the tally, the outcome, and each member's vote."""
    what = vote.subject.replace("_", " ")
    if vote.document:
        what += f" {vote.document}"
    if vote.proposer:
        what += f" (proposed by {vote.proposer})"
    tally = vote.announced or vote.counted
    outcome = vote.outcome.replace("_", " ")
    if vote.resolution:
        outcome += f" as {vote.resolution}"
    if vote.decision:
        outcome += f" as decision {vote.decision}"
    if vote.unanimous:
        outcome += ", unanimously"
    if vote.without_vote:
        outcome += ", without a vote"
    if vote.vetoed_by:
        outcome += f" (negative vote of {', '.join(vote.vetoed_by)})"
    lines = [f"  {number}. {what}: {outcome}" + (f", {tally}" if tally else "")]
    for label, key in (
        ("in favour", "in_favour"),
        ("against", "against"),
        ("abstaining", "abstaining"),
        ("not participating", "not_participating"),
    ):
        names = [f"{c.code or '?'}" for c in vote.casts if c.vote == key]
        if names:
            lines.append(f"     {label}: {' '.join(names)}")
    lines.extend(f"     note: {n}" for n in vote.notes)
    lines.extend(f"     warning: {w}" for w in vote.warnings)
    return lines
