"""Commands over the Council's resolutions: import their texts, search their paragraphs,
the citation network, lineage, most-cited and Chapter VII by year; ``show`` prints one."""

from __future__ import annotations

import textwrap
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from councilbase.cli.common import (
    DB_OPTION,
    JSON_OPTION,
    PLOT_OPTION,
    Reporter,
    check_plot,
    checked,
    emit,
    fail,
    note,
    open_db,
    printable,
    say,
    write_json,
)

resolutions_app = typer.Typer(
    help="The Council's resolutions: texts, structure, citations and the debates on them.",
    no_args_is_help=True,
)

YEAR_FROM = typer.Option(None, "--from", help="From this year (YYYY) or day.")
YEAR_TO = typer.Option(None, "--to", help="To this year (YYYY) or day.")


def run_import(paths: list[str], db: Path | None, jobs: int | None = None) -> int:
    """Import resolution files with a progress bar and print the summary; the exit status
    (0 all well, 1 some file failed)."""
    database = open_db(db)
    with Reporter("resolutions", "files") as reporter:

        def progress(done: int, total: int, label: str) -> None:
            reporter.update(done, total, label[:60])

        try:
            summary = database.import_resolutions(paths, jobs=jobs, progress=progress)
        finally:
            database.close()
    counts = ", ".join(
        f"{summary.count(s)} {s}" for s in ("added", "replaced", "unchanged", "duplicate", "failed")
    )
    note(f"resolutions: {counts} ({summary.seconds:.1f} s)")
    if summary.filled:
        note(f"  {summary.filled} took their date, meeting or subject from the outcomes index")
    for outcome in summary.outcomes:
        if outcome.status == "duplicate":
            note(f"  duplicate: {printable(outcome.path)}: {printable(outcome.message)}")
    for outcome in summary.failed:
        note(f"  failed: {printable(outcome.path)}: {printable(outcome.message)}")
    return 1 if summary.failed else 0


@resolutions_app.command("import")
def import_command(
    paths: list[str] = typer.Argument(
        ..., help="Resolution texts or PDFs (S-RES-2254(2015).txt), folders or globs."
    ),
    db: Path | None = DB_OPTION,
    jobs: int | None = typer.Option(
        None, "--jobs", "-j", min=1, max=256, help="Parser processes (default: cores, at most 4)."
    ),
) -> None:
    """Import resolution texts: new ones added, changed ones replaced, unchanged ones
    skipped; a file that is not a resolution is reported in one line and the run goes on.
    What a text lacks (date, adopting meeting, subject) comes from the outcomes index.

    Example: councilbase resolutions import ../shared/resolutions --db council.db
    """
    code = run_import(paths, db, jobs)
    if code:
        raise typer.Exit(code)


def _filters(
    year: int | None,
    date_from: str | None,
    date_to: str | None,
    chapter_vii: bool | None,
    cites: str | None,
) -> Any:
    from councilbase.store.resolutions import ResolutionFilters

    return ResolutionFilters(
        year=year, date_from=date_from, date_to=date_to, chapter_vii=chapter_vii, cites=cites
    )


YEAR = typer.Option(None, min=1946, max=2100, help="Adopted in this year.")
CHAPTER_VII = typer.Option(
    None, "--chapter-vii/--not-chapter-vii", help="Only those acting (or not) under Chapter VII."
)
RES_CITES = typer.Option(
    None, help="Only those citing this: 'S/RES/1267 (1999)', 'resolution 1267'."
)


@resolutions_app.command("search")
def search_command(
    query: str = typer.Argument(..., help='Words, "phrases", AND / OR / NOT, prefix*.'),
    db: Path | None = DB_OPTION,
    year: int | None = YEAR,
    date_from: str | None = YEAR_FROM,
    date_to: str | None = YEAR_TO,
    chapter_vii: bool | None = CHAPTER_VII,
    cites: str | None = RES_CITES,
    limit: int = typer.Option(20, min=1, max=10_000, help="How many paragraphs."),
    offset: int = typer.Option(0, min=0, help="Skip this many first."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Search the resolutions' paragraphs, best first: each hit with its resolution and
    paragraph (PP3: third preambular; OP2(a)).

    Example: councilbase resolutions search '"humanitarian access"' --chapter-vii --from 2014
    """
    filters = _filters(year, date_from, date_to, chapter_vii, cites)
    database = open_db(db, readonly=True)
    try:
        hits = checked(
            lambda: database.resolutions(query, limit=limit, offset=offset, filters=filters)
        )
        total = checked(lambda: database.count_resolutions(query, filters=filters))
    finally:
        database.close()
    if as_json:
        write_json({"total": total, "hits": hits.to_dicts()})
        return
    say(f"{total:,} paragraphs match")
    for hit in hits:
        chapter = " Chapter VII" if hit.chapter_vii else ""
        say(f"{hit.symbol} {hit.paragraph}  {hit.date or hit.year or ''}{chapter}")
        say(textwrap.indent(textwrap.fill(hit.snippet or "", 96), "  ") + "\n")


@resolutions_app.command("list")
def list_command(
    db: Path | None = DB_OPTION,
    year: int | None = YEAR,
    date_from: str | None = YEAR_FROM,
    date_to: str | None = YEAR_TO,
    chapter_vii: bool | None = CHAPTER_VII,
    cites: str | None = RES_CITES,
    limit: int = typer.Option(100, min=1, max=100_000, help="How many."),
    offset: int = typer.Option(0, min=0, help="Skip this many first."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List the resolutions in the database, in number order.

    Example: councilbase resolutions list --year 2015 --chapter-vii
    """
    filters = _filters(year, date_from, date_to, chapter_vii, cites)
    database = open_db(db, readonly=True)
    try:
        rows = checked(
            lambda: database.resolutions(None, limit=limit, offset=offset, filters=filters)
        )
    finally:
        database.close()
    if as_json:
        write_json(rows.to_dicts())
        return
    if not rows:
        say("(nothing)")
    for r in rows:
        chapter = "VII" if r.chapter_vii else "   "
        say(
            f"{r.symbol:<20} {r.date or r.year or '':<10} {r.meeting or '':<11} {chapter}  {r.title or ''}"
        )


class NetworkFormat(StrEnum):
    """What ``network`` writes."""

    graphml = "graphml"
    csv = "csv"


@resolutions_app.command("network")
def network_command(
    output: Path = typer.Argument(..., help="A .graphml file, or a folder for the CSV files."),
    db: Path | None = DB_OPTION,
    format: NetworkFormat = typer.Option(NetworkFormat.graphml, "--format", help="graphml or csv."),
) -> None:
    """Write the citation network: a node per resolution (year, Chapter VII, subject), an
    edge from each citing resolution to the one it cites, with the paragraph.

    Example: councilbase resolutions network network.graphml
    """
    import time

    from councilbase.analysis.resolutions import network, summary, write_csv, write_graphml

    started = time.perf_counter()
    database = open_db(db, readonly=True)
    try:
        net = network(database.conn)
    finally:
        database.close()
    try:
        if format is NetworkFormat.graphml:
            if output.is_dir():
                fail(f"{output} is a folder: give a file name for the GraphML (network.graphml)")
            output.parent.mkdir(parents=True, exist_ok=True)
            write_graphml(net, output)
            written = str(output)
        else:
            if output.exists() and not output.is_dir():
                fail(f"{output} is a file: give a folder for nodes.csv and edges.csv")
            nodes, edges = write_csv(net, output)
            written = f"{nodes} and {edges}"
    except OSError as exc:
        fail(f"{output}: cannot write the network: {exc.strerror or exc}", code=1)
    counts = summary(net)
    note(
        f"network: {counts['nodes']:,} resolutions ({counts['in_database']:,} with their text),"
        f" {counts['edges']:,} citations, written to {written}"
        f" in {time.perf_counter() - started:.2f} s"
    )


@resolutions_app.command("lineage")
def lineage_command(
    symbol: str = typer.Argument(..., help="A resolution: 'S/RES/2254 (2015)', 2254."),
    db: Path | None = DB_OPTION,
    depth: int = typer.Option(2, min=1, max=20, help="How many steps back (1 to 20)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The resolutions a resolution recalls, and those they recall, to a depth.

    Example: councilbase resolutions lineage "S/RES/2254 (2015)" --depth 2
    """
    from councilbase.analysis.resolutions import lineage
    from councilbase.store.resolutions import normalise_resolution

    found = checked(lambda: normalise_resolution(symbol))
    database = open_db(db, readonly=True)
    try:
        steps = checked(lambda: lineage(database.conn, found, depth))
    finally:
        database.close()
    if as_json:
        from dataclasses import asdict

        write_json({"symbol": found, "depth": depth, "lineage": [asdict(s) for s in steps]})
        return
    say(
        f"{found} recalls {sum(1 for s in steps if s.depth == 1)} resolutions;"
        f" {len(steps)} within {depth} steps"
    )
    for step in steps:
        missing = "" if step.in_database else " (text not in the database)"
        say(
            f"{'  ' * step.depth}{step.symbol}  via {step.cited_by} {' '.join(step.paragraphs)}"
            f"  {step.subject or ''}{missing}"
        )


@resolutions_app.command("most-cited")
def most_cited_command(
    db: Path | None = DB_OPTION,
    top: int = typer.Option(20, min=1, max=10_000, help="How many."),
    date_from: str | None = YEAR_FROM,
    date_to: str | None = YEAR_TO,
    as_json: bool = JSON_OPTION,
    plot: Path | None = PLOT_OPTION,
) -> None:
    """The resolutions the resolutions in the database cite most (by how many cite them;
    with --from/--to, citing resolutions of those years).

    Example: councilbase resolutions most-cited --top 10 --from 2000 --plot cited.svg
    """
    from councilbase.analysis.resolutions import most_cited
    from councilbase.charts import Chart

    check_plot(plot)
    database = open_db(db, readonly=True)
    try:
        rows = checked(lambda: most_cited(database.conn, top, date_from, date_to))
    finally:
        database.close()
    biggest = max((r.cited_by for r in rows), default=1) or 1
    chart = Chart(
        "hbar",
        "Most-cited resolutions (bar: resolutions citing it, relative to the first)",
        [(f"{r.symbol} ({r.cited_by})", r.cited_by / biggest) for r in rows],
    )
    emit(rows, as_json, plot, chart)


@resolutions_app.command("chapter-vii")
def chapter_vii_command(
    db: Path | None = DB_OPTION,
    date_from: str | None = YEAR_FROM,
    date_to: str | None = YEAR_TO,
    as_json: bool = JSON_OPTION,
    plot: Path | None = PLOT_OPTION,
) -> None:
    """The share of the resolutions in the database that act under Chapter VII, by year.

    Example: councilbase resolutions chapter-vii --from 1990 --plot chapter-vii.svg
    """
    from councilbase.analysis.resolutions import chapter_vii_by_year
    from councilbase.charts import Chart

    check_plot(plot)
    database = open_db(db, readonly=True)
    try:
        rows = checked(lambda: chapter_vii_by_year(database.conn, date_from, date_to))
    finally:
        database.close()
    chart = Chart(
        "bar",
        "Share of resolutions acting under Chapter VII",
        [(str(r.year), r.share) for r in rows],
    )
    emit(rows, as_json, plot, chart)


# --- show ---------------------------------------------------------------------------------


def print_resolution(symbol: str, db: Path | None, as_json: bool) -> None:
    """Print a resolution as a person reads it (or its JSON): what and when, the vote, the
    text with its paragraph numbers, what it cites, who cites it, the debates."""
    from councilbase.store.resolutions import normalise_resolution, resolution_json

    found = checked(lambda: normalise_resolution(symbol))
    database = open_db(db, readonly=True)
    try:
        data = resolution_json(database.conn, found)
    finally:
        database.close()
    if data is None:
        fail(
            f"{found} is not in the database: import its text with"
            " `councilbase resolutions import`, or the outcomes index",
            code=1,
        )
    if as_json:
        write_json(data)
        return
    say(format_resolution(data))


def _source(value: str | None) -> str:
    return f" (from the {value})" if value and value != "text" else ""


def format_resolution(data: dict[str, Any]) -> str:
    """A resolution as text for the console."""
    lines = [data["symbol"]]
    when = []
    if data.get("date"):
        when.append(f"adopted on {data['date']}{_source(data.get('date_source'))}")
    if data.get("meeting"):
        when.append(f"at {data['meeting']}{_source(data.get('meeting_source'))}")
    if when:
        lines.append(" ".join(when))
    if data.get("title"):
        lines.append(f"Subject: {data['title']}{_source(data.get('title_source'))}")
    if data.get("chapter_vii") is not None:
        acts = "Acts under Chapter VII" if data["chapter_vii"] else "Does not act under Chapter VII"
        named = f"; names Chapter {', '.join(data['chapters'])}" if data.get("chapters") else ""
        lines.append(f"{acts}{named}.")
    vote = data.get("vote")
    if vote:
        tally = (
            f"{vote['in_favour']}-{vote['against']}-{vote['abstaining']}"
            if vote["in_favour"] is not None
            else ("without a vote" if vote["without_vote"] else "unanimously")
        )
        lines.append(f"Vote: {tally} at {vote['meeting']} (from the {vote['source']})")
        for cast in vote["casts"]:
            lines.append(f"  {cast['member']:<48} {cast['vote'].replace('_', ' ')}")
    if not data.get("in_database"):
        lines.append("\n(its text is not in the database: `councilbase resolutions import`)")
    if data.get("preamble"):
        lines.append(f"\nPreamble ({len(data['preamble'])} paragraphs)")
        lines += [
            _wrap(f"PP{n} {p}", "  ", "      ") for n, p in enumerate(data["preamble"], start=1)
        ]
    if data.get("operative"):
        lines.append(f"\nOperative part ({len(data['operative'])} paragraphs)")
        part = None
        for index, p in enumerate(data["operative"], start=1):
            if p.get("part") and p["part"] != part:
                part = p["part"]
                lines.append(f"  {part}")
            number = f"{p['number']}." if p["number"] else f"[{index}]"
            lines.append(_wrap(f"{number} {p['text']}", "  ", "     "))
            lines += [_wrap(f"{s['label']} {s['text']}", "     ", "         ") for s in p["sub"]]
    if data.get("cites"):
        cited = list(dict.fromkeys(c["symbol"] for c in data["cites"]))
        lines.append(f"\nCites {len(cited)} documents: {', '.join(cited)}")
    if data.get("cited_by"):
        lines.append(f"Cited by {len(data['cited_by'])} resolutions: {', '.join(data['cited_by'])}")
    if data.get("speeches"):
        lines.append(f"\nSpeeches on it ({len(data['speeches'])}):")
        for s in data["speeches"]:
            why = "explains the vote" if s["explains"] else "cites it"
            lines.append(
                f"  {s['meeting']} {s['date'] or ''} #{s['seq']} {s['speaker_line']} ({why})"
            )
    return "\n".join(lines)


def _wrap(text: str, first: str, rest: str | None = None) -> str:
    return textwrap.fill(text, 100, initial_indent=first, subsequent_indent=rest or first)


def register(app: typer.Typer) -> None:
    """Add the resolutions command group to the app."""
    app.add_typer(resolutions_app, name="resolutions")
