"""Serving the database: serve, demo (what ``make demo`` runs), and Datasette's metadata."""

from __future__ import annotations

from pathlib import Path

import typer

from councilbase.cli.common import DB_OPTION, fail, note, open_db, say, write_json

PORT = typer.Option(8000, min=1, max=65535, help="Port to listen on (1 to 65535).")


def run_serve(db: Path | None, host: str, port: int, workers: int | None) -> None:
    """Check the database and the port, then serve the web app until stopped."""
    import socket

    from councilbase.store.database import default_path
    from councilbase.web.app import serve as run_server

    path = db or default_path()
    open_db(path, readonly=True).close()  # a missing or foreign file: one line, exit 2
    try:
        with socket.create_server((host, port), reuse_port=False):
            pass
    except OSError as exc:
        fail(f"cannot listen on {host}:{port} ({exc.strerror or exc}): give another --port")
    note(f"serving {path} on http://{host}:{port} (Ctrl-C to stop)")
    run_server(path, host=host, port=port, workers=workers)


def serve(
    db: Path | None = DB_OPTION,
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = PORT,
    workers: int | None = typer.Option(
        None, min=1, max=64, help="Server processes (default: one per core, at most 4)."
    ),
) -> None:
    """Serve the web app and its JSON API over a database, opened read-only.

    Example: councilbase serve --db council.db --port 8000
    """
    run_serve(db, host, port, workers)


def demo(
    db: Path = typer.Option(Path("demo/councilbase.db"), "--db", help="The demo database."),
    serve_after: bool = typer.Option(
        True, "--serve/--no-serve", help="Start the web app afterwards."
    ),
    port: int = PORT,
) -> None:
    """Build a database from the sample records (their outcomes index, and the resolution
    texts), show a meeting and a search, then serve the web app on http://127.0.0.1:8000
    (used by `make demo`).

    The sample is $COUNCILBASE_RECORDS or ../shared/records when present, else a small
    synthetic record that councilbase writes itself.
    """
    from councilbase.cli.index import run_outcomes_import
    from councilbase.cli.records import print_search, print_show, run_ingest
    from councilbase.cli.resolutions import run_import
    from councilbase.sample import demo_inputs, demo_outcomes, demo_resolutions
    from councilbase.store.search import Filters

    inputs, told = demo_inputs()
    say(told)
    code = run_ingest(inputs, db, None, None)
    if code not in (0, 1):
        raise typer.Exit(code)
    outcomes_folder = demo_outcomes()
    if outcomes_folder is not None:
        run_outcomes_import(outcomes_folder, db, verbose=False)
    resolution_inputs, told = demo_resolutions()
    say(told)
    run_import(resolution_inputs, db)
    database = open_db(db, readonly=True)
    try:
        dated = database.meetings(date_from="1946", body="SC")
        first = dated[0].key if dated else None
    finally:
        database.close()
    if first:
        say(f"\n--- councilbase show {first}")
        print_show(first, db, full=False, as_json=False)
    say("\n--- councilbase search '\"draft resolution\"' --limit 3")
    print_search('"draft resolution"', db, Filters(), limit=3, offset=0)
    if serve_after:
        run_serve(db, "127.0.0.1", port, None)


def datasette(
    db: Path | None = DB_OPTION,
    output: Path | None = typer.Option(
        None, "--out", help="Write the metadata to this file (default: print it)."
    ),
) -> None:
    """Metadata that opens the database in Datasette with its tables and columns described
    and the speeches' search box working:
    `datasette councilbase.db --metadata metadata.json`.

    Example: councilbase datasette --db council.db --out metadata.json
    """
    import json

    from councilbase.store.database import default_path
    from councilbase.store.describe import datasette_metadata

    path = db or default_path()
    open_db(path, readonly=True).close()
    metadata = datasette_metadata(path.stem)
    if output is None:
        write_json(metadata)
        return
    try:
        output.write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", "utf-8")
    except OSError as exc:
        fail(f"{output}: cannot be written ({exc.strerror or exc})")
    note(f"metadata written to {output}; run: datasette {path} --metadata {output}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    for command in (serve, demo, datasette):
        app.command()(command)
