"""The ``councilbase`` command: one thin function per command over the library."""

from __future__ import annotations

import json
import sys
import tempfile
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from councilbase import __version__
from councilbase.model import Procedure, Record, Speech, VotePassage, record_to_json
from councilbase.pipeline import parse_inputs
from councilbase.sample import records_dir, write_synthetic

app = typer.Typer(
    help="councilbase: UN Security Council meeting records as a structured, searchable database.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class OutputFormat(StrEnum):
    """How ``parse`` prints records."""

    json = "json"
    jsonl = "jsonl"
    text = "text"


def _report_errors(errors: list[Exception]) -> None:
    for error in errors:
        err.print(f"error: {error}", markup=False)


def format_record(record: Record) -> str:
    """A record as a person reads it: cover, agenda, then the items in order."""
    lines = [f"{record.symbol or '(unknown meeting)'}"]
    if record.date:
        lines.append(f"  {record.date} {record.time or ''} {record.place or ''}".rstrip())
    if record.president:
        lines.append(f"  President: {record.president.name} ({record.president.country})")
    for member in record.members:
        mark = " (presiding)" if member.presiding else ""
        lines.append(f"  {member.country}: {member.representative}{mark}")
    for number, agenda_item in enumerate(record.agenda, start=1):
        lines.append(f"  Agenda {number}. {agenda_item.title}")
        lines.extend(f"      {sub}" for sub in agenda_item.sub_items)
    lines.append("")
    for item in record.items:
        if isinstance(item, Speech):
            lang = f" [{item.language}]" if item.language else ""
            words = sum(len(p.split()) for p in item.text)
            lines.append(
                f"- {item.speaker_line or '(unknown speaker)'}{lang} <{item.role}> {words} words"
            )
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
            lines.append(f"  [{item.type}] {item.text[:100]}")
        else:
            lines.append(f"  == {item.text}")
    for warning in record.warnings:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)


@app.command()
def parse(
    paths: list[str] = typer.Argument(..., help="PDF or text records, corpus folders, or globs."),
    output: OutputFormat = typer.Option(
        OutputFormat.json, "--format", "-f", help="json, jsonl or text."
    ),
) -> None:
    """Parse records and print them.

    Example: councilbase parse ../shared/records/pdf/S_PV.8700_E.pdf --format json
    """
    result = parse_inputs(paths)
    if output is OutputFormat.json:
        docs = [record_to_json(r) for r in result.records]
        if docs:
            payload = docs[0] if len(docs) == 1 else docs
            sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    elif output is OutputFormat.jsonl:
        for record in result.records:
            sys.stdout.write(json.dumps(record_to_json(record), ensure_ascii=False) + "\n")
    else:
        for record in result.records:
            out.print(format_record(record), markup=False)
            out.print()
    _report_errors(list(result.errors))
    if result.errors:
        raise typer.Exit(1)


@app.command()
def demo() -> None:
    """Parse the sample records and show them (used by `make demo`).

    The sample is $COUNCILBASE_RECORDS or ../shared/records when present, else a small
    synthetic record that councilbase writes itself.
    """
    folder = records_dir()
    if folder is not None and (folder / "pdf").is_dir():
        inputs = [str(p) for p in sorted((folder / "pdf").glob("*.pdf"))]
        out.print(f"Sample records from {folder}", markup=False)
    else:
        path = write_synthetic(Path(tempfile.mkdtemp(prefix="councilbase-sample-")))
        inputs = [str(path)]
        out.print(f"No records found; using the SYNTHETIC sample {path}", markup=False)
    result = parse_inputs(inputs)
    for record in result.records:
        out.print(format_record(record), markup=False)
        out.print()
    _report_errors(list(result.errors))


@app.command()
def version() -> None:
    """Print the version of councilbase."""
    out.print(__version__)


def main() -> None:
    """Run the command line; a bad input ends with a one-line message, never a traceback."""
    app()
