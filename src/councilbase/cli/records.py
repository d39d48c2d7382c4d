"""Commands over records: parse, ingest, search, show, stats, export, fetch, check.

Each command parses its options and calls a helper below with every value given; the
helpers (``run_ingest``, ``print_show``, ``print_search``) are what another command (the
demo) calls, never a command function with defaults left to Typer.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from councilbase.cli.common import (
    BODY,
    CITES,
    DATE_FROM,
    DATE_TO,
    DB_OPTION,
    MEETING,
    MENTIONS,
    ORGANISATION,
    PERSON,
    ROLE,
    SCHEDULER_OPTION,
    STATE,
    TOPIC,
    Reporter,
    checked,
    emit,
    fail,
    finite,
    make_filters,
    note,
    open_db,
    out,
    printable,
    say,
    write_json,
)

if TYPE_CHECKING:
    from councilbase.store.ingest import IngestSummary
    from councilbase.store.search import Filters

MAX_LIMIT = 10_000
"""The most results one command prints (page with --offset for more)."""


class OcrMode(StrEnum):
    """When pages are read by OCR."""

    auto = "auto"
    always = "always"
    never = "never"


OCR_OPTION = typer.Option(
    OcrMode.auto,
    "--ocr",
    help="auto: OCR pages without text, and scans whose text layer is poor; always; never."
    " OCR needs Tesseract (Debian: tesseract-ocr tesseract-ocr-eng).",
)


class OutputFormat(StrEnum):
    """How ``parse`` prints records."""

    json = "json"
    jsonl = "jsonl"
    text = "text"


def parse(
    paths: list[str] = typer.Argument(..., help="PDF or text records, corpus folders, or globs."),
    output: OutputFormat = typer.Option(
        OutputFormat.json, "--format", "-f", help="json, jsonl or text."
    ),
    ocr: OcrMode = OCR_OPTION,
) -> None:
    """Parse records and print them.

    Example: councilbase parse ../shared/records/pdf/S_PV.8700_E.pdf --format json
    """
    import json

    from councilbase.cli.format import format_record
    from councilbase.model import record_to_json
    from councilbase.pipeline import parse_inputs

    result = parse_inputs(paths, ocr.value)
    if output is OutputFormat.json:
        docs = [record_to_json(r) for r in result.records]
        if docs:
            write_json(docs[0] if len(docs) == 1 else docs)
    elif output is OutputFormat.jsonl:
        for record in result.records:
            sys.stdout.write(json.dumps(record_to_json(record), ensure_ascii=False) + "\n")
    else:
        for record in result.records:
            say(format_record(record))
            say("")
    for error in result.errors:
        note(f"error: {printable(error)}")
    if result.errors:
        raise typer.Exit(1)


def print_summary(summary: IngestSummary, elapsed: float) -> None:
    """The end of an ingest: counts, then every failure and superseded source with why."""
    counts = ", ".join(
        f"{summary.count(status)} {status}"
        for status in ("added", "replaced", "unchanged", "superseded", "failed")
    )
    note(f"ingest: {counts} ({elapsed:.1f} s)")
    from councilbase.pipeline import is_resolution_name

    resolutions = [p for p in summary.ignored if is_resolution_name(Path(p).name)]
    others = [p for p in summary.ignored if not is_resolution_name(Path(p).name)]
    if others:
        suffixes = sorted({Path(p).suffix or Path(p).name for p in others})
        note(
            f"  ignored {len(others)} files that are not records ({printable(', '.join(suffixes))})"
        )
    if resolutions:
        note(
            f"  ignored {len(resolutions)} resolution files: `councilbase resolutions import`"
            " reads them"
        )
    for outcome in summary.outcomes:
        if outcome.status == "superseded":
            note(f"  superseded: {printable(outcome.label)}: {printable(outcome.message)}")
    for outcome in summary.failed:
        note(f"  failed: {printable(outcome.label)}: {printable(outcome.message)}")
    if summary.interrupted:
        note(
            "interrupted: every record written so far is complete; run the same command "
            "again to finish"
        )
    if summary.people_stale:
        note("the people were not rebuilt: run `councilbase people rebuild`")


def run_ingest(
    paths: list[str],
    db: Path | None,
    jobs: int | None,
    time_limit: float | None,
    memory_limit: int = 1024,
    ocr: str = "auto",
    scheduler: str | None = None,
) -> int:
    """Ingest with a progress bar and print the summary; the exit status (0 all well, 1
    some file failed, 2 the run stopped or the scheduler cannot be used, 130 interrupted)."""
    import time

    from councilbase.cluster import ClusterError, check_address

    if scheduler is not None:
        try:
            check_address(scheduler)
        except ClusterError as exc:
            fail(str(exc))
    database = open_db(db)
    started = time.perf_counter()
    with Reporter("ingest", "files") as reporter:

        def progress(done: int, total: int, label: str) -> None:
            reporter.update(done, total, Path(label).name[:60])

        try:
            summary = database.ingest(
                paths,
                jobs=jobs,
                progress=progress,
                time_limit=time_limit,
                memory_limit=memory_limit,
                ocr=ocr,
                scheduler=scheduler,
            )
        except ClusterError as exc:
            database.close()
            fail(str(exc))
        finally:
            database.close()
    print_summary(summary, time.perf_counter() - started)
    if summary.stopped:
        note(f"error: {summary.stopped}")
        return 2
    if summary.interrupted:
        return 130
    return 1 if summary.failed else 0


def ingest(
    paths: list[str] = typer.Argument(
        ..., help="PDF or text records, speech-level folders, JSONL records, folders or globs."
    ),
    db: Path | None = DB_OPTION,
    jobs: int | None = typer.Option(
        None, "--jobs", "-j", min=1, max=256, help="Parser processes (default: cores)."
    ),
    time_limit: float | None = typer.Option(
        None,
        "--time-limit",
        callback=finite(0, 86_400, "--time-limit"),
        help="Seconds a file may take to parse before it is skipped (0: none; default 300,"
        " or 20 a page for a PDF OCR may read).",
    ),
    memory_limit: int = typer.Option(
        1024,
        "--memory-limit",
        min=0,
        max=1_000_000,
        help="Megabytes a parser process may use; a file that needs more is skipped (0: none).",
    ),
    ocr: OcrMode = OCR_OPTION,
    scheduler: str | None = SCHEDULER_OPTION,
) -> None:
    """Ingest records into the database: new ones are added, changed ones replaced,
    unchanged ones skipped; a bad file is reported and the run goes on. With --scheduler,
    the parsing (and OCR) runs on a Dask cluster's workers; this process writes.

    Example: councilbase ingest ../shared/records/pdf ../shared/records/speeches --db council.db
    """
    code = run_ingest(paths, db, jobs, time_limit, memory_limit, ocr.value, scheduler)
    if code:
        raise typer.Exit(code)


def print_search(
    query: str,
    db: Path | None,
    filters: Filters,
    limit: int,
    offset: int,
    *,
    kwic: bool = False,
    width: int = 50,
    semantic: bool = False,
    model: str | None = None,
    as_json: bool = False,
) -> None:
    """Run a search and print it: ranked snippets, a concordance (``kwic``) or speeches
    found by meaning (``semantic``)."""
    from councilbase.store.search import check_names

    database = open_db(db, readonly=True)
    try:
        checked(lambda: check_names(database.conn, filters))
        if semantic:
            from councilbase.analysis import semantic as sem
            from councilbase.cli.analysis import semantic_model

            chosen = semantic_model(database.conn, model)
            found = checked(
                lambda: sem.semantic_search(database.conn, chosen, query, filters, limit=limit)
            )
            emit(list(found), as_json, None, None)
            return
        if kwic:
            lines = checked(lambda: database.kwic(query, width=width, limit=limit, **vars(filters)))
            if as_json:
                write_json(lines.to_dicts())
                return
            for line in lines:
                out.print(
                    f"{escape(line.id):<22} {escape(line.left):>{width}}"
                    f"[bold]{escape(line.match)}[/bold]{escape(line.right)}",
                    markup=True,
                )
            return
        hits = checked(lambda: database.search(query, limit=limit, offset=offset, **vars(filters)))
        total = checked(lambda: database.count(query, **vars(filters)))
    finally:
        database.close()
    if as_json:
        write_json({"query": query, "total": total, "offset": offset, "hits": hits.to_dicts()})
        return
    if not total:
        say("no speeches match")
    elif not hits:
        say(f"{total} speeches match; none after the first {total} (--offset {offset})")
    else:
        say(f"{total} speeches match; showing {offset + 1}-{offset + len(hits)}")
    for hit in hits:
        where = f"{hit.meeting} {hit.date or ''}".strip()
        out.print(
            f"\n[bold]{escape(hit.speaker_line or '(unknown speaker)')}[/bold]"
            f"  {escape(where)}  #{hit.seq}"
        )
        snippet = escape(hit.snippet).replace("«", "[reverse]").replace("»", "[/reverse]")
        out.print(f"  {snippet}")


def escape(text: str) -> str:
    """Text for Rich markup, its brackets escaped."""
    from rich.markup import escape as rich_escape

    return rich_escape(printable(text))


def search(
    query: str = typer.Argument(..., help='Words, "phrases", AND / OR / NOT, prefix*, (groups).'),
    db: Path | None = DB_OPTION,
    state: str | None = STATE,
    person: str | None = PERSON,
    role: str | None = ROLE,
    meeting: str | None = MEETING,
    topic: str | None = TOPIC,
    date_from: str | None = DATE_FROM,
    date_to: str | None = DATE_TO,
    mentions: str | None = MENTIONS,
    cites: str | None = CITES,
    organisation: str | None = ORGANISATION,
    body: str | None = BODY,
    limit: int = typer.Option(20, min=1, max=MAX_LIMIT, help="How many results (1 to 10000)."),
    offset: int = typer.Option(
        0, min=0, max=1_000_000_000, help="Skip this many results (pagination)."
    ),
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
    width: int = typer.Option(
        50, min=1, max=500, help="Characters of context each side with --kwic (1 to 500)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Search the speeches, best matches first, with highlighted snippets.

    Example: councilbase search '"cross-border" AND Syria' --state RUS --from 2020
    """
    if kwic and semantic:
        fail("--kwic and --semantic cannot be used together: a concordance needs words")
    filters = make_filters(
        state=state,
        person=person,
        role=role,
        meeting=meeting,
        topic=topic,
        date_from=date_from,
        date_to=date_to,
        mentions=mentions,
        cites=cites,
        organisation=organisation,
        body=body,
    )
    print_search(
        query,
        db,
        filters,
        limit,
        offset,
        kwic=kwic,
        width=width,
        semantic=semantic,
        model=model,
        as_json=as_json,
    )


def print_show(symbol: str, db: Path | None, full: bool, as_json: bool) -> None:
    """Print a meeting (or a resolution) as a person reads it, or its JSON."""
    from councilbase.cli.format import format_record
    from councilbase.store.resolutions import is_resolution_symbol

    if is_resolution_symbol(symbol):
        from councilbase.cli.resolutions import print_resolution

        print_resolution(symbol, db, as_json)
        return
    from councilbase.model import record_to_json
    from councilbase.store.records import index_fill
    from councilbase.suggest import nearest
    from councilbase.symbols import normalise_meeting

    key = checked(lambda: normalise_meeting(symbol))
    database = open_db(db, readonly=True)
    try:
        record = database.record(key)
        fill = index_fill(database.conn, key)
        keys = database.meeting_keys() if record is None else []
    finally:
        database.close()
    if record is None:
        near = nearest(key, keys, n=3, cutoff=0.8)
        hint = f"; nearest: {', '.join(near)}" if near else ""
        fail(f"{key} is not in the database{hint}", code=1)
    if as_json:
        write_json(record_to_json(record))
    else:
        say(format_record(record, full=full, index=fill))


def show(
    symbol: str = typer.Argument(
        ...,
        help="A meeting: S/PV.8700, 'S/PV.8699 (Resumption 1)' or 8700; or a resolution:"
        " 'S/RES/687 (1991)'.",
    ),
    db: Path | None = DB_OPTION,
    full: bool = typer.Option(False, "--full", help="Print the whole text of each speech."),
    as_json: bool = typer.Option(False, "--json", help="Print the record's JSON."),
) -> None:
    """Print a meeting as a person reads it (cover, agenda, then the items in order), or a
    resolution (its text, vote, citations both ways, the speeches on it).

    Example: councilbase show S/PV.8700 --full; councilbase show "S/RES/687 (1991)" --json
    """
    print_show(symbol, db, full, as_json)


def stats(
    db: Path | None = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Print counts of what the database holds.

    Example: councilbase stats --db council.db
    """
    database = open_db(db, readonly=True)
    try:
        counts = database.stats()
    finally:
        database.close()
    if as_json:
        write_json(counts)
        return
    for name, value in counts.items():
        if isinstance(value, dict):
            say(f"{name}:")
            for sub, number in value.items():
                say(f"  {sub}: {number:,}")
        else:
            say(f"{name}: {value:,}" if isinstance(value, int) else f"{name}: {value}")


class ExportFormat(StrEnum):
    """What ``export`` writes."""

    csv = "csv"
    parquet = "parquet"
    jsonl = "jsonl"
    parlamint = "parlamint"
    akn = "akn"


def export(
    format: ExportFormat = typer.Argument(..., help="csv, parquet, jsonl, parlamint or akn."),
    output: Path = typer.Argument(..., help="Folder to write into (a file for jsonl)."),
    db: Path | None = DB_OPTION,
    state: str | None = STATE,
    person: str | None = PERSON,
    role: str | None = ROLE,
    meeting: str | None = MEETING,
    topic: str | None = TOPIC,
    date_from: str | None = DATE_FROM,
    date_to: str | None = DATE_TO,
    mentions: str | None = MENTIONS,
    cites: str | None = CITES,
    organisation: str | None = ORGANISATION,
    body: str | None = BODY,
) -> None:
    """Export the database: one CSV or Parquet file per table, the records as JSONL, or
    one ParlaMint TEI or Akoma Ntoso file per meeting. With filters, only the speeches
    they select (and, for the record formats, the meetings that hold them).

    Example: councilbase export parquet exports/ --db council.db --state RUS --from 2020
    """
    from councilbase.export.run import ExportError, export_database
    from councilbase.store.search import check_names

    filters = make_filters(
        state=state,
        person=person,
        role=role,
        meeting=meeting,
        topic=topic,
        date_from=date_from,
        date_to=date_to,
        mentions=mentions,
        cites=cites,
        organisation=organisation,
        body=body,
    )
    database = open_db(db, readonly=True)
    try:
        checked(lambda: check_names(database.conn, filters))
        written = export_database(database.conn, format.value, output, filters)
    except ExportError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail(f"interrupted: nothing was written to {output}; what was there is as it was", 130)
    finally:
        database.close()
    note(f"export: wrote {written}")


def fetch(
    symbols: list[str] = typer.Argument(
        ...,
        help="Records: symbols (S/PV.8700), numbers (8700) or ranges (8690-8700);"
        " resolutions: 'S/RES/2401 (2018)' or ranges (S/RES/2400-2410).",
    ),
    cache: Path | None = typer.Option(
        None, help="Cache folder (default: $COUNCILBASE_CACHE or ~/.cache/councilbase/ods)."
    ),
    base_url: str = typer.Option(
        "https://documents.un.org/api/symbol/access", help="The ODS symbol-access URL."
    ),
    rate: float = typer.Option(
        1.0, callback=finite(0, 3600, "--rate"), help="Seconds between requests, at least."
    ),
    retries: int = typer.Option(
        4, min=0, max=20, help="Retries on network errors, 429 and 5xx (0 to 20)."
    ),
    max_mb: float = typer.Option(
        50.0, "--max-mb", callback=finite(0.001, 10_000, "--max-mb"), help="Largest download, MB."
    ),
    deadline: float = typer.Option(
        300.0,
        callback=finite(1, 86_400, "--deadline"),
        help="Seconds one request may take in all.",
    ),
    ingest_after: bool = typer.Option(
        False,
        "--ingest",
        help="Store what was fetched afterwards (records ingested, resolutions imported).",
    ),
    db: Path | None = DB_OPTION,
) -> None:
    """Download records (and resolutions) from the UN Official Document System into a
    cache, politely; --ingest stores them (records by ingest, resolutions by import).

    Example: councilbase fetch 8690-8700 "S/RES/2504 (2020)" --ingest
    """
    from councilbase.fetch import (
        Fetched,
        Fetcher,
        FetchError,
        check_base_url,
        default_cache,
        expand_symbols,
    )

    try:
        wanted = expand_symbols(symbols)
        check_base_url(base_url)
    except FetchError as exc:
        fail(str(exc))
    folder = cache or default_cache()
    fetcher = Fetcher(
        folder,
        base_url=base_url,
        min_interval=rate,
        retries=retries,
        max_bytes=int(max_mb * 1_000_000),
        deadline=deadline,
    )

    def report(result: Fetched) -> None:
        detail = f": {printable(result.message)}" if result.message else ""
        note(f"{result.status:>10} {result.symbol}{detail}")

    results = fetcher.fetch_all(wanted, progress=report)
    failed = [r for r in results if r.status == "failed"]
    got = sum(1 for r in results if r.status in ("downloaded", "cached"))
    note(f"fetch: {got} of {len(results)} in {folder}")
    if ingest_after and got:
        from councilbase.cli.resolutions import run_import

        fetched = [r for r in results if r.status in ("downloaded", "cached") and r.path]
        records = [str(r.path) for r in fetched if not r.symbol.startswith("S/RES/")]
        resolutions = [str(r.path) for r in fetched if r.symbol.startswith("S/RES/")]
        code = run_ingest(records, db, None, None) if records else 0
        if resolutions:
            code = max(code, run_import(resolutions, db))
        if code:
            raise typer.Exit(code)
    if failed:
        raise typer.Exit(1)


def check(
    db: Path | None = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Compare every vote the records give with the official outcomes index, and list
    each disagreement with both sides; also names the reference data does not know, and
    resolutions citing a resolution that did not exist yet or with a year its number
    contradicts (listed: the texts are kept as written).

    Example: councilbase check --db council.db
    """
    from dataclasses import asdict

    from councilbase.store.outcomes import reconcile, unknown_names
    from councilbase.store.resolutions import citation_problems

    database = open_db(db, readonly=True)
    try:
        indexed = database.conn.execute("SELECT count(*) FROM outcomes").fetchone()[0]
        disagreements = reconcile(database.conn)
        unknown = unknown_names(database.conn)
        citations = citation_problems(database.conn)
        problems = database.check()
    finally:
        database.close()
    if as_json:
        write_json(
            {
                "disagreements": [asdict(d) for d in disagreements],
                "unknown_names": [{"meeting": m, "where": w, "name": n} for m, w, n in unknown],
                "citations": citations,
                "database_problems": problems,
            }
        )
    else:
        if not indexed:
            say("no outcomes index: run `councilbase outcomes import DIR` first")
        for d in disagreements:
            say(f"{d.meeting}  {d.what}\n    record: {d.record}\n    index:  {d.index}")
        for meeting, where, name in unknown:
            say(f"{meeting}  unknown name in {where}: {name!r}")
        for c in citations:
            say(f"{c['resolution']} {c['paragraph']}  {c['problem']}: {c['text']!r}")
        for problem in problems:
            say(f"database: {problem}")
        say(
            f"check: {len(disagreements)} disagreements with the index, {len(unknown)} unknown "
            f"names, {len(citations)} impossible citations, {len(problems)} database problems"
        )
    if disagreements or problems:  # unknown names are listed, kept as written: not errors
        raise typer.Exit(1)


def upgrade(db: Path | None = DB_OPTION) -> None:
    """Bring a database made by an earlier councilbase to this version's schema (the
    migrations it lacks, each in its own transaction; the records are kept).

    Example: councilbase upgrade --db council.db
    """
    from councilbase.store.database import default_path
    from councilbase.store.driver import sqlite3

    path = db or default_path()
    if not path.is_file():
        fail(f"{path}: no such database")
    try:
        probe = sqlite3.connect(f"file:{path.resolve().as_posix()}?mode=ro", uri=True)
        before = probe.execute("PRAGMA user_version").fetchone()[0]
        probe.close()
    except sqlite3.DatabaseError as exc:
        fail(f"{path}: is not a usable database ({exc})")
    database = open_db(path)
    try:
        applied = [
            r[0]
            for r in database.conn.execute(
                "SELECT name FROM migrations WHERE number > ? ORDER BY number", (before,)
            )
        ]
        version = database.conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        database.close()
    if applied:
        say(f"upgrade: {path} is at schema {version} (applied {', '.join(applied)})")
    else:
        say(f"upgrade: {path} is already at schema {version}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    for command in (parse, ingest, search, show, stats, export, fetch, check, upgrade):
        app.command()(command)
