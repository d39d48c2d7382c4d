"""The ``councilbase`` command: one thin function per command over the library."""

from __future__ import annotations

import json
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from councilbase import __version__
from councilbase.fetch import DEFAULT_BASE_URL, Fetcher, FetchError, default_cache, expand_symbols
from councilbase.model import Procedure, Record, Speech, Vote, VotePassage, record_to_json
from councilbase.pipeline import parse_inputs
from councilbase.sample import demo_inputs, demo_outcomes
from councilbase.store.database import Database, default_path
from councilbase.store.ingest import IngestSummary
from councilbase.store.schema import DatabaseError
from councilbase.store.search import Filters, QueryError, resolve_state_filter

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


def format_record(record: Record, full: bool = False) -> str:
    """A record as a person reads it: cover, agenda, then the items in order (with the
    whole text of each speech when ``full``, else its opening words)."""
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
    lines.extend(f"     warning: {w}" for w in vote.warnings)
    return lines


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


DB_OPTION = typer.Option(
    None, "--db", help="Database file (default: $COUNCILBASE_DB or ./councilbase.db)."
)


def _open(db: Path | None, readonly: bool = False) -> Database:
    path = db or default_path()
    if readonly and not path.exists():
        err.print(
            f"error: {path}: no such database; build it with `councilbase ingest`", markup=False
        )
        raise typer.Exit(2)
    try:
        return Database(path, readonly=readonly)
    except DatabaseError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from exc


def print_summary(summary: IngestSummary, elapsed: float) -> None:
    """The end of an ingest: counts, then every failure and superseded source with why."""
    counts = ", ".join(
        f"{summary.count(status)} {status}"
        for status in ("added", "replaced", "unchanged", "superseded", "failed")
    )
    err.print(f"ingest: {counts} ({elapsed:.1f} s)", markup=False)
    if summary.ignored:
        suffixes = sorted({Path(p).suffix or Path(p).name for p in summary.ignored})
        err.print(
            f"  ignored {len(summary.ignored)} files that are not records ({', '.join(suffixes)})",
            markup=False,
        )
    for outcome in summary.outcomes:
        if outcome.status == "superseded":
            err.print(f"  superseded: {outcome.label}: {outcome.message}", markup=False)
    for outcome in summary.failed:
        err.print(f"  failed: {outcome.label}: {outcome.message}", markup=False)
    if summary.interrupted:
        err.print(
            "interrupted: every record written so far is complete; run the same command "
            "again to finish",
            markup=False,
        )


@app.command()
def ingest(
    paths: list[str] = typer.Argument(
        ..., help="PDF or text records, speech-level folders, JSONL records, folders or globs."
    ),
    db: Path | None = DB_OPTION,
    jobs: int | None = typer.Option(
        None, "--jobs", "-j", help="Parser processes (default: cores)."
    ),
    time_limit: float = typer.Option(
        300.0,
        "--time-limit",
        help="Seconds a file may take to parse before it is skipped (0: none).",
    ),
) -> None:
    """Ingest records into the database: new ones are added, changed ones replaced,
    unchanged ones skipped; a bad file is reported and the run goes on.

    Example: councilbase ingest ../shared/records/pdf ../shared/records/speeches --db council.db
    """
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    database = _open(db)
    started = time.perf_counter()
    with Progress(
        TextColumn("ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, description=Path(label).name[:60])

        try:
            summary = database.ingest(paths, jobs=jobs, progress=progress, time_limit=time_limit)
        finally:
            database.close()
    print_summary(summary, time.perf_counter() - started)
    if summary.stopped:
        err.print(f"error: {summary.stopped}", markup=False)
        raise typer.Exit(2)
    if summary.interrupted:
        raise typer.Exit(130)
    if summary.failed:
        raise typer.Exit(1)


def _filters(
    state: str | None,
    person: str | None,
    role: str | None,
    meeting: str | None,
    topic: str | None,
    date_from: str | None,
    date_to: str | None,
    mentions: str | None = None,
    cites: str | None = None,
    organisation: str | None = None,
) -> Filters:
    return Filters(
        state, person, role, meeting, topic, date_from, date_to, mentions, cites, organisation
    )


@app.command()
def search(
    query: str = typer.Argument(..., help='Words, "phrases", AND / OR / NOT, prefix*, (groups).'),
    db: Path | None = DB_OPTION,
    state: str | None = typer.Option(
        None, help="A state's code or name: RUS, 'Russian Federation'."
    ),
    person: str | None = typer.Option(None, help="Part of the speaker's name: Nebenzia."),
    role: str | None = typer.Option(
        None, help="president, member, invited_state, un_official, briefer, unknown."
    ),
    meeting: str | None = typer.Option(None, help="A meeting: S/PV.8700 or 8700."),
    topic: str | None = typer.Option(None, help="Words of an agenda item: 'Middle East'."),
    date_from: str | None = typer.Option(None, "--from", help="From YYYY[-MM[-DD]]."),
    date_to: str | None = typer.Option(None, "--to", help="To YYYY[-MM[-DD]]."),
    mentions: str | None = typer.Option(
        None, help="Speeches that name this state, organisation or place: SYR, OCHA, Idlib."
    ),
    cites: str | None = typer.Option(
        None, help="Speeches that cite this document: 'S/RES/2401 (2018)'."
    ),
    organisation: str | None = typer.Option(
        None, help="Speakers for this organisation: OCHA, 'African Union'."
    ),
    limit: int = typer.Option(20, help="How many results."),
    offset: int = typer.Option(0, help="Skip this many results (pagination)."),
    kwic: bool = typer.Option(False, "--kwic", help="Keyword in context: one line per occurrence."),
    semantic: bool = typer.Option(
        False,
        "--semantic",
        help="By meaning, with the embedded speeches (see `councilbase embed`).",
    ),
    model: str | None = typer.Option(
        None,
        help="The model for --semantic: minilm or hash (default: the one the speeches were"
        " embedded with).",
    ),
    width: int = typer.Option(50, help="Characters of context each side with --kwic."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Search the speeches, best matches first, with highlighted snippets.

    Example: councilbase search '"cross-border" AND Syria' --state RUS --from 2020
    """
    filters = _filters(
        state, person, role, meeting, topic, date_from, date_to, mentions, cites, organisation
    )
    database = _open(db, readonly=True)
    try:
        if semantic:
            from councilbase.analysis import semantic as sem

            chosen = _semantic_model(database.conn, model)
            found = sem.semantic_search(database.conn, chosen, query, filters, limit=limit)
            _emit(list(found), as_json, None, None)
            return
        if kwic:
            lines = database.kwic(query, width=width, limit=limit, **vars(filters))
            if as_json:
                sys.stdout.write(json.dumps(lines.to_dicts(), ensure_ascii=False, indent=2) + "\n")
                return
            for line in lines:
                out.print(
                    f"{escape(line.id):<22} {escape(line.left):>{width}}"
                    f"[bold]{escape(line.match)}[/bold]{escape(line.right)}",
                    markup=True,
                )
            return
        hits = database.search(query, limit=limit, offset=offset, **vars(filters))
        total = database.count(query, **vars(filters))
    except QueryError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from exc
    finally:
        database.close()
    if as_json:
        payload = {"query": query, "total": total, "offset": offset, "hits": hits.to_dicts()}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    out.print(
        f"{total} speeches match; showing {offset + 1}-{offset + len(hits)}"
        if hits
        else "no speeches match",
        markup=False,
    )
    for hit in hits:
        where = f"{hit.meeting} {hit.date or ''}".strip()
        out.print(
            f"\n[bold]{escape(hit.speaker_line or '(unknown speaker)')}[/bold]  {escape(where)}  #{hit.seq}"
        )
        snippet = escape(hit.snippet).replace("«", "[reverse]").replace("»", "[/reverse]")
        out.print(f"  {snippet}")


def escape(text: str) -> str:
    """Text for Rich markup, its brackets escaped."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


@app.command()
def show(
    symbol: str = typer.Argument(
        ..., help="A meeting: S/PV.8700, 'S/PV.8699 (Resumption 1)' or 8700."
    ),
    db: Path | None = DB_OPTION,
    full: bool = typer.Option(False, "--full", help="Print the whole text of each speech."),
    as_json: bool = typer.Option(False, "--json", help="Print the record's JSON."),
) -> None:
    """Print a meeting as a person reads it: cover, agenda, then the items in order.

    Example: councilbase show S/PV.8700 --full
    """
    key = f"S/PV.{symbol.strip()}" if symbol.strip().isdigit() else symbol.strip()
    database = _open(db, readonly=True)
    try:
        record = database.record(key)
    finally:
        database.close()
    if record is None:
        err.print(f"error: {key} is not in the database", markup=False)
        raise typer.Exit(1)
    if as_json:
        sys.stdout.write(json.dumps(record_to_json(record), ensure_ascii=False, indent=2) + "\n")
    else:
        out.print(format_record(record, full=full), markup=False)


@app.command()
def stats(
    db: Path | None = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Print counts of what the database holds.

    Example: councilbase stats --db council.db
    """
    database = _open(db, readonly=True)
    try:
        counts = database.stats()
    finally:
        database.close()
    if as_json:
        sys.stdout.write(json.dumps(counts, ensure_ascii=False, indent=2) + "\n")
        return
    for name, value in counts.items():
        if isinstance(value, dict):
            out.print(f"{name}:", markup=False)
            for sub, number in value.items():
                out.print(f"  {sub}: {number:,}", markup=False)
        else:
            out.print(
                f"{name}: {value:,}" if isinstance(value, int) else f"{name}: {value}", markup=False
            )


class ExportFormat(StrEnum):
    """What ``export`` writes."""

    csv = "csv"
    parquet = "parquet"
    jsonl = "jsonl"
    parlamint = "parlamint"
    akn = "akn"


@app.command()
def export(
    format: ExportFormat = typer.Argument(..., help="csv, parquet, jsonl, parlamint or akn."),
    output: Path = typer.Argument(..., help="Folder to write into (a file for jsonl)."),
    db: Path | None = DB_OPTION,
) -> None:
    """Export the database: one CSV or Parquet file per table, the records as JSONL, or
    one ParlaMint TEI or Akoma Ntoso file per meeting.

    Example: councilbase export parquet exports/ --db council.db
    """
    from councilbase.export.run import export_database

    database = _open(db, readonly=True)
    try:
        written = export_database(database.conn, format.value, output)
    finally:
        database.close()
    err.print(f"export: wrote {written} to {output}", markup=False)


@app.command()
def fetch(
    symbols: list[str] = typer.Argument(
        ..., help="Symbols (S/PV.8700), numbers (8700) or ranges (8690-8700)."
    ),
    cache: Path | None = typer.Option(
        None, help="Cache folder (default: $COUNCILBASE_CACHE or ~/.cache/councilbase/ods)."
    ),
    base_url: str = typer.Option(DEFAULT_BASE_URL, help="The ODS symbol-access URL."),
    rate: float = typer.Option(1.0, help="Seconds between requests, at least."),
    retries: int = typer.Option(4, help="Retries on network errors, 429 and 5xx."),
    ingest_after: bool = typer.Option(False, "--ingest", help="Ingest the cache afterwards."),
    db: Path | None = DB_OPTION,
) -> None:
    """Download records from the UN Official Document System into a cache, politely.

    Example: councilbase fetch 8690-8700 --ingest
    """
    try:
        wanted = expand_symbols(symbols)
    except FetchError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from exc
    folder = cache or default_cache()
    fetcher = Fetcher(folder, base_url=base_url, min_interval=rate, retries=retries)

    def report(result: object) -> None:
        from councilbase.fetch import Fetched

        assert isinstance(result, Fetched)
        detail = f": {result.message}" if result.message else ""
        err.print(f"{result.status:>10} {result.symbol}{detail}", markup=False)

    results = fetcher.fetch_all(wanted, progress=report)
    failed = [r for r in results if r.status == "failed"]
    got = sum(1 for r in results if r.status in ("downloaded", "cached"))
    err.print(f"fetch: {got} of {len(results)} in {folder}", markup=False)
    if ingest_after and got:
        ingest([str(folder)], db=db, jobs=None, time_limit=300.0)
    if failed:
        raise typer.Exit(1)


outcomes_app = typer.Typer(
    help="The UN library's index of meetings and outcomes.", no_args_is_help=True
)
app.add_typer(outcomes_app, name="outcomes")


@outcomes_app.command("import")
def outcomes_import(
    folder: Path = typer.Argument(..., help="Folder of scact<YEAR>_table_en.html files."),
    db: Path | None = DB_OPTION,
) -> None:
    """Import the yearly tables of meetings and outcomes (and the veto list), replacing
    the index held before.

    Example: councilbase outcomes import ../shared/records/outcomes
    """
    from councilbase.store.outcomes import import_outcomes

    database = _open(db)
    try:
        summary = import_outcomes(database.conn, folder)
    finally:
        database.close()
    for name, count in summary.rows.items():
        out.print(f"{name}: {count} rows", markup=False)
    out.print(
        f"outcomes: {summary.total} meeting rows from {len(summary.rows)} tables, "
        f"{summary.vetoes} vetoes in the veto list, {len(summary.problems)} rows with problems",
        markup=False,
    )
    for file, row, problem in summary.problems:
        err.print(f"  {file} row {row}: {problem}", markup=False)
    for error in summary.errors:
        err.print(f"error: {error}", markup=False)
    if summary.errors:
        raise typer.Exit(1)


people_app = typer.Typer(
    help="People: one person for each real speaker across meetings.", no_args_is_help=True
)
app.add_typer(people_app, name="people")


@people_app.command("explain")
def people_explain(
    name: str = typer.Argument(..., help="A name or part of one: Nebenzia, 'Jürgenson'."),
    db: Path | None = DB_OPTION,
) -> None:
    """Show the people a name belongs to: every form seen, where, and why forms were
    merged or kept apart.

    Example: councilbase people explain Jurgenson
    """
    from councilbase.store.people import explain

    database = _open(db, readonly=True)
    try:
        found = explain(database.conn, name)
    finally:
        database.close()
    if not found:
        err.print(f"no person named {name!r}", markup=False)
        raise typer.Exit(1)
    for person in found:
        out.print(
            f"{person.name}  [{person.key}]  {person.affiliation}: {person.speeches} speeches, "
            f"{person.first_meeting} to {person.last_meeting}",
            markup=False,
        )
        for form, source, count in person.names:
            out.print(f"  seen as {form!r} ({source}) {count} times", markup=False)
        for decision, rule, _form, _other, evidence in person.decisions:
            out.print(f"  {decision} by {rule}: {evidence}", markup=False)
        out.print()


@people_app.command("list")
def people_list(
    db: Path | None = DB_OPTION,
    unsure: bool = typer.Option(False, "--unsure", help="Only the merges made on weaker evidence."),
    limit: int = typer.Option(50, help="How many people."),
) -> None:
    """List people by number of speeches, or the merges councilbase is unsure of.

    Example: councilbase people list --unsure
    """
    from councilbase.store.people import unsure_merges

    database = _open(db, readonly=True)
    try:
        if unsure:
            for key, _form, _other, evidence in unsure_merges(database.conn):
                out.print(f"{key}: {evidence}", markup=False)
            return
        total = database.conn.execute("SELECT count(*) FROM people").fetchone()[0]
        rows = database.conn.execute(
            "SELECT name, key, speeches FROM people ORDER BY speeches DESC, key LIMIT ?", (limit,)
        ).fetchall()
    finally:
        database.close()
    out.print(f"{total} people", markup=False)
    for row in rows:
        out.print(f"{row['speeches']:5}  {row['name']}  [{row['key']}]", markup=False)


@app.command()
def check(
    db: Path | None = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Compare every vote the records give with the official outcomes index, and list
    each disagreement with both sides; also names the reference data does not know.

    Example: councilbase check --db council.db
    """
    from dataclasses import asdict

    from councilbase.store.outcomes import reconcile, unknown_names

    database = _open(db, readonly=True)
    try:
        indexed = database.conn.execute("SELECT count(*) FROM outcomes").fetchone()[0]
        disagreements = reconcile(database.conn)
        unknown = unknown_names(database.conn)
        problems = database.check()
    finally:
        database.close()
    if as_json:
        payload = {
            "disagreements": [asdict(d) for d in disagreements],
            "unknown_names": [{"meeting": m, "where": w, "name": n} for m, w, n in unknown],
            "database_problems": problems,
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        if not indexed:
            out.print(
                "no outcomes index: run `councilbase outcomes import DIR` first", markup=False
            )
        for d in disagreements:
            out.print(
                f"{d.meeting}  {d.what}\n    record: {d.record}\n    index:  {d.index}",
                markup=False,
            )
        for meeting, where, name in unknown:
            out.print(f"{meeting}  unknown name in {where}: {name!r}", markup=False)
        for problem in problems:
            out.print(f"database: {problem}", markup=False)
        out.print(
            f"check: {len(disagreements)} disagreements with the index, {len(unknown)} unknown "
            f"names, {len(problems)} database problems",
            markup=False,
        )
    if disagreements or problems:  # unknown names are listed, kept as written: not errors
        raise typer.Exit(1)


def _print_matrix(pairs: list[Any], as_json: bool) -> None:
    """Pairs of members as a square table of the share of votes alike."""
    labels = sorted({p.a for p in pairs} | {p.b for p in pairs})
    share = {(p.a, p.b): p.share for p in pairs} | {(p.b, p.a): p.share for p in pairs}
    grid = [[1.0 if a == b else share.get((a, b)) for b in labels] for a in labels]
    if as_json:
        sys.stdout.write(json.dumps({"states": labels, "share": grid}, indent=2) + "\n")
        return
    out.print("     " + " ".join(f"{b:>4}" for b in labels), markup=False)
    for a, row in zip(labels, grid, strict=True):
        cells = " ".join("   -" if v is None else f"{round(v * 100):>4}" for v in row)
        out.print(f"{a:<4} {cells}", markup=False)


def _check_plot(plot: Path | None) -> None:
    """Refuse a plot file of a kind we cannot write before any work is done."""
    from councilbase.analysis.plots import FORMATS

    if plot is not None and plot.suffix.lower() not in FORMATS:
        err.print(
            f"error: {plot}: plots are written as .svg or .png; give a file ending in one",
            markup=False,
        )
        raise typer.Exit(2)


def _emit(rows: list[Any], as_json: bool, plot: Path | None, chart: Any) -> None:
    """Print rows as a table or JSON, and write the plot (a Chart) when asked."""
    from dataclasses import asdict, is_dataclass

    dicts = [asdict(r) if is_dataclass(r) and not isinstance(r, type) else dict(r) for r in rows]
    if plot is not None:
        _check_plot(plot)
        try:
            chart.write(plot)
        except OSError as exc:
            err.print(f"error: {plot}: cannot write the plot: {exc.strerror or exc}", markup=False)
            raise typer.Exit(2) from exc
        err.print(f"plot written to {plot}", markup=False)
    if as_json:
        sys.stdout.write(json.dumps(dicts, ensure_ascii=False, indent=2) + "\n")
        return
    if not dicts:
        out.print("(nothing)", markup=False)
        return
    if "passage" in dicts[0]:  # speeches found by meaning: each with its closest passage
        for d in dicts:
            out.print(
                f"{d['speaker_line']}  {d['id']} {d['date'] or ''}  similarity {d['similarity']}",
                markup=False,
            )
            out.print(f"  {d['passage']}\n", markup=False)
        return
    columns = list(dicts[0])
    widths = {c: max(len(c), *(len(str(d[c])) for d in dicts)) for c in columns}
    out.print("  ".join(c.ljust(widths[c]) for c in columns), markup=False)
    for d in dicts:
        out.print("  ".join(str(d[c]).ljust(widths[c]) for c in columns), markup=False)


PLOT_OPTION = typer.Option(None, "--plot", help="Write a plot to this file (.svg or .png).")
JSON_OPTION = typer.Option(False, "--json", help="Print JSON.")


def _semantic_model(conn: Any, name: str | None) -> Any:
    """The model named, else the one most stored vectors come from; a message when nothing
    is embedded."""
    from councilbase.analysis import semantic as sem

    if name:
        return _analysis(lambda: sem.embedder(name))
    loaded = _analysis(lambda: sem.query_model(conn))
    if loaded is None:
        err.print(
            "error: no speech has been embedded yet: run `councilbase embed` first", markup=False
        )
        raise typer.Exit(2)
    return loaded


def _analysis(fn: Any) -> Any:
    """Run an analysis, turning a bad request into a message."""
    try:
        return fn()
    except (QueryError, ValueError, RuntimeError) as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from exc


@app.command()
def agreement(
    db: Path | None = DB_OPTION,
    state: str | None = typer.Option(
        None, help="One state's agreement with each member (else every pair)."
    ),
    date_from: str | None = typer.Option(None, "--from", help="From YYYY[-MM[-DD]]."),
    date_to: str | None = typer.Option(None, "--to", help="To YYYY[-MM[-DD]]."),
    vetoes: bool = typer.Option(False, "--vetoes", help="Vetoes by state and year instead."),
    majority: bool = typer.Option(
        False, "--majority", help="The state's agreement with the majority over time."
    ),
    by: str = typer.Option("year", help="With --majority: year or month."),
    matrix: bool = typer.Option(
        False, "--matrix", help="Print every pair as a square table of percentages."
    ),
    as_json: bool = JSON_OPTION,
    plot: Path | None = PLOT_OPTION,
) -> None:
    """How often members voted the same way (from the records' vote lists, failed drafts
    included; a vote where either did not take part is left out).

    Example: councilbase agreement --from 2020 --plot agreement.svg
    """
    from councilbase.analysis import agreement as ag
    from councilbase.analysis.plots import Chart

    _check_plot(plot)
    if majority and not state:
        err.print(
            "error: --majority needs --state: whose agreement with the majority?", markup=False
        )
        raise typer.Exit(2)
    database = _open(db, readonly=True)
    try:
        if vetoes:
            rows: list[Any] = _analysis(lambda: ag.vetoes(database.conn, "records")) + _analysis(
                lambda: ag.vetoes(database.conn, "index")
            )
            chart = Chart(
                "bar", "Vetoes by state and year", [(f"{r.state} {r.year}", r.vetoes) for r in rows]
            )
        elif state and majority:
            code = _analysis(lambda: resolve_state_filter(state))
            rows = _analysis(lambda: ag.with_majority(database.conn, code, by, date_from, date_to))
            chart = Chart(
                "bar",
                f"{code}: share of votes with the majority",
                [(r.period, r.share) for r in rows],
                value_format="{:.0%}",
            )
        elif state:
            code = _analysis(lambda: resolve_state_filter(state))
            rows = _analysis(
                lambda: ag.agreement_with_others(database.conn, code, date_from, date_to)
            )
            chart = Chart(
                "hbar",
                f"How often {code} voted as each member did",
                [(r.other, r.share) for r in rows],
            )
        else:
            pairs = _analysis(lambda: ag.agreement_matrix(database.conn, date_from, date_to))
            rows = list(pairs)
            labels = sorted({p.a for p in pairs} | {p.b for p in pairs})
            chart = Chart(
                "heatmap",
                "Vote agreement",
                labels=labels,
                values={(p.a, p.b): p.share for p in pairs},
            )
    finally:
        database.close()
    if matrix and not (vetoes or state):
        _print_matrix(rows, as_json)
        if plot is not None:
            chart.write(plot)
            err.print(f"plot written to {plot}", markup=False)
        return
    _emit(rows, as_json, plot, chart)


@app.command()
def trend(
    term: str = typer.Argument(
        ..., help="A word, a phrase or a prefix*: 'cross-border', humanitar*."
    ),
    db: Path | None = DB_OPTION,
    by: str = typer.Option("year", help="year or month."),
    state: str | None = typer.Option(None, help="Only this state's speeches."),
    topic: str | None = typer.Option(None, help="Only speeches on this agenda topic."),
    as_json: bool = JSON_OPTION,
    plot: Path | None = PLOT_OPTION,
) -> None:
    """How often a word or phrase is said per year or month, per 10,000 words spoken.

    Example: councilbase trend "cross-border" --by month --state RUS
    """
    from councilbase.analysis.plots import Chart
    from councilbase.analysis.trends import trend as run_trend

    _check_plot(plot)
    database = _open(db, readonly=True)
    try:
        rows = _analysis(
            lambda: run_trend(database.conn, term, by, Filters(state=state, topic=topic))
        )
    finally:
        database.close()
    chart = Chart("bar", f"'{term}' per 10,000 words", [(r.period, r.per_10k_words) for r in rows])
    _emit(rows, as_json, plot, chart)


@app.command()
def distinctive(
    state: str = typer.Argument(..., help="A state: RUS or 'Russian Federation'."),
    db: Path | None = DB_OPTION,
    topic: str | None = typer.Option(None, help="Agenda topic: 'Middle East'."),
    top: int = typer.Option(20, help="How many words."),
    as_json: bool = JSON_OPTION,
    plot: Path | None = PLOT_OPTION,
) -> None:
    """The words that set a state's speeches (on a topic) apart from everyone else's:
    log-odds ratio with an informative Dirichlet prior, as z-scores.

    Example: councilbase distinctive RUS --topic "Middle East"
    """
    from councilbase.analysis.plots import Chart
    from councilbase.analysis.trends import distinctive as run_distinctive

    _check_plot(plot)
    database = _open(db, readonly=True)
    try:
        rows = _analysis(lambda: run_distinctive(database.conn, state, topic, top))
    finally:
        database.close()
    biggest = max((r.z for r in rows), default=1.0) or 1.0
    chart = Chart(
        "hbar",
        f"Words distinctive of {state} (bar: z relative to the top word)",
        [(f"{r.word} (z {r.z})", max(0.0, r.z / biggest)) for r in rows],
    )
    _emit(rows, as_json, plot, chart)


@app.command()
def embed(
    db: Path | None = DB_OPTION,
    model: str = typer.Option(
        "minilm",
        help="minilm (all-MiniLM-L6-v2, offline), hash (stand-in) or local:FOLDER (a BERT"
        " sentence-transformers folder).",
    ),
) -> None:
    """Embed every speech not yet embedded with the model (unchanged texts are never done
    twice), for semantic search and similarity.

    Example: councilbase embed --db council.db
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from councilbase.analysis.semantic import embed_speeches, embedder

    chosen = _analysis(lambda: embedder(model))
    database = _open(db)
    try:
        with Progress(
            TextColumn(f"embed ({chosen.name}) chunks"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("", total=None)
            summary = embed_speeches(
                database.conn,
                chosen,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    except KeyboardInterrupt:
        err.print("embed: interrupted; what was embedded is kept", markup=False)
        raise typer.Exit(130) from None
    finally:
        database.close()
    rate = f", {summary.chunks / summary.seconds:.0f} chunks/s" if summary.seconds else ""
    out.print(
        f"embed ({summary.model}): {summary.embedded} speeches embedded in {summary.chunks} chunks"
        f" ({summary.seconds:.1f} s{rate}), {summary.reused} already done",
        markup=False,
    )


@app.command()
def similar(
    text_or_speech: str = typer.Argument(
        ..., help="A speech (S/PV.8700#14) or any text to compare."
    ),
    db: Path | None = DB_OPTION,
    model: str | None = typer.Option(
        None, help="minilm or hash (default: the one the speeches were embedded with)."
    ),
    states: str | None = typer.Option(
        None, help="Compare states instead: 'RUS,CHN,USA' (with --topic)."
    ),
    topic: str | None = typer.Option(None, help="Agenda topic for --states."),
    limit: int = typer.Option(10, help="How many speeches."),
    as_json: bool = JSON_OPTION,
    plot: Path | None = PLOT_OPTION,
) -> None:
    """Speeches like a speech ("more like this") or like a text, by meaning; or how close
    states' positions on a topic are.

    Example: councilbase similar "S/PV.8700#14" --limit 5
    """
    from councilbase.analysis import semantic as sem
    from councilbase.analysis.plots import Chart

    _check_plot(plot)
    database = _open(db, readonly=True)
    try:
        chosen = _semantic_model(database.conn, model)
        if states:
            codes = [c.strip() for c in states.split(",") if c.strip()]
            rows: list[Any] = _analysis(
                lambda: sem.similarity_matrix(database.conn, chosen, codes, topic)
            )
            chart = Chart(
                "hbar", "Similarity of positions", [(f"{r.a} / {r.b}", r.similarity) for r in rows]
            )
        elif re.fullmatch(r"S/PV\.\d+.*#\d+", text_or_speech.strip()):
            rows = _analysis(
                lambda: sem.more_like_this(
                    database.conn, chosen, text_or_speech.strip(), limit=limit
                )
            )
            chart = Chart(
                "hbar", f"Speeches like {text_or_speech}", [(r.id, r.similarity) for r in rows]
            )
        else:
            rows = _analysis(
                lambda: sem.semantic_search(database.conn, chosen, text_or_speech, limit=limit)
            )
            chart = Chart("hbar", "Speeches close in meaning", [(r.id, r.similarity) for r in rows])
    finally:
        database.close()
    _emit(rows, as_json, plot, chart)


@app.command()
def scale(
    db: Path | None = DB_OPTION,
    topic: str | None = typer.Option(None, help="Agenda topic: 'Palestinian question'."),
    by: str = typer.Option("year", help="year, or all for one position per state."),
    states: str | None = typer.Option(None, help="Only these states: 'RUS,CHN,USA'."),
    anchor: str | None = typer.Option(None, help="A state put on the negative side of the scale."),
    bootstrap: int = typer.Option(30, help="Bootstrap draws for the uncertainty."),
    as_json: bool = JSON_OPTION,
    plot: Path | None = PLOT_OPTION,
) -> None:
    """One-dimensional positions of states (per period) from their speeches on a topic
    (Wordfish), with standard errors and 95% intervals from a parametric bootstrap.

    Example: councilbase scale --topic "Middle East" --by all --anchor USA
    """
    from councilbase.analysis.plots import Chart
    from councilbase.analysis.scaling import scale as run_scale

    _check_plot(plot)
    wanted = [c.strip() for c in states.split(",")] if states else None
    database = _open(db, readonly=True)
    try:
        rows = _analysis(
            lambda: run_scale(
                database.conn, topic=topic, by=by, states=wanted, anchor=anchor, bootstrap=bootstrap
            )
        )
    finally:
        database.close()
    ordered = sorted(rows, key=lambda r: r.theta)
    chart = Chart(
        "interval",
        f"Positions on {topic or 'all topics'}",
        intervals=[(f"{r.state} {r.period}", r.theta, r.low, r.high) for r in ordered],
    )
    _emit(list(rows), as_json, plot, chart)


@app.command()
def serve(
    db: Path | None = DB_OPTION,
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int | None = typer.Option(
        None, min=1, help="Server processes (default: one per core, at most 4)."
    ),
) -> None:
    """Serve the web app and its JSON API over a database, opened read-only.

    Example: councilbase serve --db council.db --port 8000
    """
    from councilbase.web.app import serve as run_server

    path = db or default_path()
    try:
        Database(path, readonly=True).close()
    except DatabaseError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from exc
    err.print(f"serving {path} on http://{host}:{port} (Ctrl-C to stop)", markup=False)
    run_server(path, host=host, port=port, workers=workers)


@app.command()
def demo(
    db: Path = typer.Option(Path("demo/councilbase.db"), "--db", help="The demo database."),
    serve_after: bool = typer.Option(
        True, "--serve/--no-serve", help="Start the web app afterwards."
    ),
    port: int = typer.Option(8000, help="Port for the web app."),
) -> None:
    """Build a database from the sample records (and their outcomes index), show a meeting
    and a search, then serve the web app on http://127.0.0.1:8000 (used by `make demo`).

    The sample is $COUNCILBASE_RECORDS or ../shared/records when present, else a small
    synthetic record that councilbase writes itself.
    """
    inputs, note = demo_inputs()
    out.print(note, markup=False)
    try:
        ingest(inputs, db=db, jobs=None, time_limit=300.0)
    except typer.Exit as exc:
        if exc.exit_code not in (0, 1):
            raise
    outcomes_folder = demo_outcomes()
    if outcomes_folder is not None:
        from councilbase.store.outcomes import import_outcomes

        database = _open(db)
        try:
            imported = import_outcomes(database.conn, outcomes_folder)
        finally:
            database.close()
        out.print(f"outcomes index: {imported.total} meeting rows", markup=False)
    database = _open(db, readonly=True)
    try:
        dated = database.meetings(date_from="1946")
        first = dated[0].key if dated else None
    finally:
        database.close()
    if first:
        out.rule(f"councilbase show {first}")
        show(first, db=db, full=False, as_json=False)
    out.rule("councilbase search '\"draft resolution\"' --limit 3")
    search(
        '"draft resolution"',
        db=db,
        state=None,
        person=None,
        role=None,
        meeting=None,
        topic=None,
        date_from=None,
        date_to=None,
        mentions=None,
        cites=None,
        organisation=None,
        limit=3,
        offset=0,
        kwic=False,
        semantic=False,
        model="minilm",
        width=50,
        as_json=False,
    )
    if serve_after:
        serve(db=db, host="127.0.0.1", port=port)


@app.command()
def version() -> None:
    """Print the version of councilbase."""
    out.print(__version__)


def main() -> None:
    """Run the command line; a bad input ends with a one-line message, never a traceback."""
    app()
