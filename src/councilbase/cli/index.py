"""Commands over the UN library's index of outcomes and over people."""

from __future__ import annotations

from pathlib import Path

import typer

from councilbase.cli.common import BODY, DB_OPTION, checked, fail, note, open_db, printable, say

outcomes_app = typer.Typer(
    help="The UN library's index of meetings and outcomes.", no_args_is_help=True
)
people_app = typer.Typer(
    help="People: one person for each real speaker across meetings.", no_args_is_help=True
)


def run_outcomes_import(folder: Path, db: Path | None, verbose: bool) -> int:
    """Import the index and print a summary (each file's rows with ``verbose``); the exit
    status."""
    from councilbase.store.outcomes import import_outcomes

    database = open_db(db)
    try:
        summary = import_outcomes(database.conn, folder)
    finally:
        database.close()
    if verbose:
        for name, count in summary.rows.items():
            say(f"{printable(name)}: {count} rows")
    years = sorted(int(n[5:9]) for n in summary.rows if n[5:9].isdigit())
    span = f" ({years[0]}-{years[-1]})" if years else ""
    say(
        f"outcomes: {summary.total} meeting rows from {len(summary.rows)} tables{span}, "
        f"{summary.vetoes} vetoes in the veto list, {len(summary.problems)} rows with problems; "
        f"{summary.dated} meetings dated from the index"
    )
    for file, row, problem in summary.problems:
        note(f"  {printable(file)} row {row}: {printable(problem)}")
    for error in summary.errors:
        note(f"error: {printable(error)}")
    if summary.errors and not summary.rows:
        note("nothing was imported: the index held before is unchanged")
    return 1 if summary.errors else 0


@outcomes_app.command("import")
def outcomes_import(
    folder: Path = typer.Argument(..., help="Folder of scact<YEAR>_table_en.html files."),
    db: Path | None = DB_OPTION,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Print each table's rows."),
) -> None:
    """Import the yearly tables of meetings and outcomes (and the veto list); each table
    replaces what an earlier import read from it. Meetings whose records have no date or
    agenda (speech-level corpora) take the index's.

    Example: councilbase outcomes import ../shared/records/outcomes
    """
    code = run_outcomes_import(folder, db, verbose)
    if code:
        raise typer.Exit(code)


@people_app.command("explain")
def people_explain(
    name: str = typer.Argument(..., help="A name or part of one: Nebenzia, 'Jürgenson'."),
    db: Path | None = DB_OPTION,
) -> None:
    """Show the people a name belongs to: every form seen, where, and why forms were
    merged or kept apart.

    Example: councilbase people explain Jurgenson
    """
    from councilbase.store.people import explain, nearest_people

    database = open_db(db, readonly=True)
    try:
        found = explain(database.conn, name)
        near = nearest_people(database.conn, name) if not found else []
    finally:
        database.close()
    if not found:
        hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
        fail(f"no person named {name!r}{hint}", code=1)
    for person in found:
        say(
            f"{person.name}  [{person.key}]  {person.affiliation}: {person.speeches} speeches, "
            f"{person.first_meeting} to {person.last_meeting}"
        )
        for form, source, count in person.names:
            say(f"  seen as {form!r} ({source}) {count} times")
        for decision, rule, _form, _other, evidence in person.decisions:
            say(f"  {decision} by {rule}: {evidence}")
        say("")


@people_app.command("list")
def people_list(
    db: Path | None = DB_OPTION,
    unsure: bool = typer.Option(False, "--unsure", help="Only the merges made on weaker evidence."),
    limit: int = typer.Option(50, min=1, max=1_000_000, help="How many people."),
    body: str | None = BODY,
) -> None:
    """List people by number of speeches (in one body with --body), or the merges
    councilbase is unsure of.

    Example: councilbase people list --unsure
    """
    from councilbase.store.people import list_people, unsure_merges
    from councilbase.store.search import resolve_body_filter

    database = open_db(db, readonly=True)
    try:
        if unsure:
            for key, _form, _other, evidence in unsure_merges(database.conn):
                say(f"{key}: {evidence}")
            return
        chosen = checked(lambda: resolve_body_filter(body)) if body else None
        total, rows = list_people(database.conn, limit, chosen)
    finally:
        database.close()
    shown = f"; the {len(rows)} with most speeches (--limit)" if len(rows) < total else ""
    say(f"{total} people{shown}")
    for row in rows:
        say(f"{row['speeches']:5}  {row['name']}  [{row['key']}]")


@people_app.command("rebuild")
def people_rebuild(db: Path | None = DB_OPTION) -> None:
    """Rebuild the people from the speeches (every ingest does it; this is for a database
    whose ingest was stopped before it could, as `councilbase check` says).

    Example: councilbase people rebuild --db council.db
    """
    from councilbase.store.people import build_people

    database = open_db(db)
    try:
        count = build_people(database.conn)
    finally:
        database.close()
    say(f"people: {count} rebuilt from the speeches")


def register(app: typer.Typer) -> None:
    """Add this module's command groups to the app."""
    app.add_typer(outcomes_app, name="outcomes")
    app.add_typer(people_app, name="people")
