"""Analysis commands: agreement, trend, distinctive, embed, similar, scale. Each prints a
table, takes ``--json`` and ``--plot FILE.svg|.png``."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from councilbase.cli.common import (
    BODY,
    CITES,
    DATE_FROM,
    DATE_TO,
    DB_OPTION,
    JSON_OPTION,
    MEETING,
    MENTIONS,
    ORGANISATION,
    PERSON,
    PLOT_OPTION,
    ROLE,
    SCHEDULER_OPTION,
    STATE,
    TOPIC,
    Reporter,
    check_plot,
    checked,
    duration,
    emit,
    fail,
    make_filters,
    note,
    open_db,
    say,
    write_json,
    write_plot,
)


class Period(StrEnum):
    """How to group over time."""

    year = "year"
    month = "month"


class ScaleBy(StrEnum):
    """One position per state and year, or one for the whole period."""

    year = "year"
    all = "all"


def semantic_model(conn: Any, name: str | None) -> Any:
    """The model named, else the one most stored vectors come from; a message when nothing
    is embedded."""
    from councilbase.analysis import semantic as sem

    if name:
        return checked_model(lambda: sem.embedder(name))
    loaded = checked_model(lambda: sem.query_model(conn))
    if loaded is None:
        fail("no speech has been embedded yet: run `councilbase embed` first")
    return loaded


def checked_model(fn: Any) -> Any:
    """Load a model, turning a missing model or a bad name into one line."""
    try:
        return checked(fn)
    except RuntimeError as exc:
        fail(str(exc))


def _print_matrix(pairs: list[Any], as_json: bool) -> None:
    """Pairs of members as a square table of the share of votes alike."""
    labels = sorted({p.a for p in pairs} | {p.b for p in pairs})
    share = {(p.a, p.b): p.share for p in pairs} | {(p.b, p.a): p.share for p in pairs}
    grid = [[1.0 if a == b else share.get((a, b)) for b in labels] for a in labels]
    if as_json:
        write_json({"states": labels, "share": grid})
        return
    say("     " + " ".join(f"{b:>4}" for b in labels))
    for a, row in zip(labels, grid, strict=True):
        cells = " ".join("   -" if v is None else f"{round(v * 100):>4}" for v in row)
        say(f"{a:<4} {cells}")


def agreement(
    db: Path | None = DB_OPTION,
    state: str | None = typer.Option(
        None, help="One state's agreement with each member (else every pair)."
    ),
    date_from: str | None = DATE_FROM,
    date_to: str | None = DATE_TO,
    vetoes: bool = typer.Option(False, "--vetoes", help="Vetoes by state and year instead."),
    majority: bool = typer.Option(
        False, "--majority", help="The state's agreement with the majority over time."
    ),
    by: Period = typer.Option(Period.year, help="With --majority: year or month."),
    matrix: bool = typer.Option(
        False, "--matrix", help="Print every pair as a square table of percentages."
    ),
    body: str | None = BODY,
    as_json: bool = JSON_OPTION,
    plot: Path | None = PLOT_OPTION,
) -> None:
    """How often members voted the same way (from the records' vote lists, failed drafts
    included; a vote where either did not take part is left out).

    Example: councilbase agreement --from 2020 --plot agreement.svg
    """
    from councilbase.analysis import agreement as ag
    from councilbase.charts import Chart
    from councilbase.store.search import resolve_body_filter, resolve_state_filter

    check_plot(plot)
    if majority and not state:
        fail("--majority needs --state: whose agreement with the majority?")
    filters = make_filters(date_from=date_from, date_to=date_to, body=body)
    chosen = filters.body and checked(lambda: resolve_body_filter(filters.body or ""))
    code = checked(lambda: resolve_state_filter(state)) if state else None
    database = open_db(db, readonly=True)
    try:
        conn = database.conn
        if vetoes:
            rows: list[Any] = checked(lambda: ag.vetoes(conn, "records")) + checked(
                lambda: ag.vetoes(conn, "index")
            )
            chart = Chart(
                "bar", "Vetoes by state and year", [(f"{r.state} {r.year}", r.vetoes) for r in rows]
            )
        elif code and majority:
            rows = checked(
                lambda: ag.with_majority(conn, code, by.value, date_from, date_to, chosen)
            )
            chart = Chart(
                "bar",
                f"{code}: share of votes with the majority",
                [(r.period, r.share) for r in rows],
                value_format="{:.0%}",
            )
        elif code:
            rows = checked(lambda: ag.agreement_with_others(conn, code, date_from, date_to, chosen))
            chart = Chart(
                "hbar",
                f"How often {code} voted as each member did",
                [(r.other, r.share) for r in rows],
            )
        else:
            pairs = checked(lambda: ag.agreement_matrix(conn, date_from, date_to, chosen))
            rows = list(pairs)
            labels = sorted({p.a for p in pairs} | {p.b for p in pairs})
            chart = Chart(
                "heatmap",
                "Vote agreement" + ag.period_label(date_from, date_to),
                labels=labels,
                values={(p.a, p.b): p.share for p in pairs},
            )
    finally:
        database.close()
    if matrix and not (vetoes or state):
        _print_matrix(rows, as_json)
        if plot is not None:
            write_plot(plot, chart)
        return
    emit(rows, as_json, plot, chart)


def trend(
    term: str = typer.Argument(
        ..., help="A word, a phrase or a prefix*: 'cross-border', humanitar*."
    ),
    db: Path | None = DB_OPTION,
    by: Period = typer.Option(Period.year, help="year or month."),
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
    as_json: bool = JSON_OPTION,
    plot: Path | None = PLOT_OPTION,
) -> None:
    """How often a word or phrase is said per year or month, per 10,000 words spoken
    (under the same filters as search).

    Example: councilbase trend "cross-border" --by month --state RUS
    """
    from councilbase.analysis.trends import trend as run_trend
    from councilbase.charts import Chart
    from councilbase.store.search import check_names

    check_plot(plot)
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
        rows = checked(lambda: run_trend(database.conn, term, by.value, filters))
    finally:
        database.close()
    chart = Chart("bar", f"'{term}' per 10,000 words", [(r.period, r.per_10k_words) for r in rows])
    emit(rows, as_json, plot, chart)


def distinctive(
    state: str = typer.Argument(..., help="A state: RUS or 'Russian Federation'."),
    db: Path | None = DB_OPTION,
    topic: str | None = TOPIC,
    date_from: str | None = DATE_FROM,
    date_to: str | None = DATE_TO,
    top: int = typer.Option(20, min=1, max=1000, help="How many words (1 to 1000)."),
    body: str | None = BODY,
    as_json: bool = JSON_OPTION,
    plot: Path | None = PLOT_OPTION,
) -> None:
    """The words that set a state's speeches (on a topic) apart from everyone else's:
    log-odds ratio with an informative Dirichlet prior, as z-scores.

    Example: councilbase distinctive RUS --topic "Middle East"
    """
    from councilbase.analysis.trends import distinctive as run_distinctive
    from councilbase.charts import Chart
    from councilbase.store.search import check_names

    check_plot(plot)
    filters = make_filters(
        state=state, topic=topic, date_from=date_from, date_to=date_to, body=body
    )
    database = open_db(db, readonly=True)
    try:
        checked(lambda: check_names(database.conn, filters))
        rows = checked(lambda: run_distinctive(database.conn, state, topic, top, filters))
    finally:
        database.close()
    biggest = max((r.z for r in rows), default=1.0) or 1.0
    chart = Chart(
        "hbar",
        f"Words distinctive of {state} (bar: z relative to the top word)",
        [(f"{r.word} (z {r.z})", max(0.0, r.z / biggest)) for r in rows],
    )
    emit(rows, as_json, plot, chart)


def embed(
    db: Path | None = DB_OPTION,
    model: str = typer.Option(
        "default",
        help="default (minilm-int8 on a CPU, minilm on a GPU), minilm (all-MiniLM-L6-v2,"
        " offline), minilm-int8 (the same, int8 weights on onnxruntime: faster), static"
        " (distilled static vectors), hash (stand-in) or local:FOLDER (a BERT"
        " sentence-transformers folder).",
    ),
    scheduler: str | None = SCHEDULER_OPTION,
) -> None:
    """Embed every speech not yet embedded with the model (unchanged texts are never done
    twice), for semantic search and similarity. Says how much there is to do and, after
    the first batch, how long it should take; reports progress with the rate and the time
    left (plain lines when the output is not a terminal). With --scheduler, the batches are
    embedded on a Dask cluster's workers (each loads the model once); this process writes.

    Example: councilbase embed --db council.db --scheduler local:2
    """
    import contextlib
    import time

    from councilbase.analysis.semantic import embed_speeches, embedder
    from councilbase.cluster import ClusterError, check_address, connect, embed_on_cluster

    chosen = checked_model(lambda: embedder(model))
    if scheduler is not None:
        try:
            check_address(scheduler)
        except ClusterError as exc:
            fail(str(exc))
    database = open_db(db)
    started = time.monotonic()
    told = False
    try:
        with Reporter(f"embed ({chosen.name})", "chunks") as reporter:

            def progress(done: int, total: int) -> None:
                nonlocal told
                if done == 0:
                    note(f"embed ({chosen.name}): {total:,} chunks to embed")
                    return
                if not told and done < total:
                    told = True
                    rate = done / max(time.monotonic() - started, 1e-9)
                    note(
                        f"embed: the first {done} chunks took "
                        f"{duration(time.monotonic() - started)}: about "
                        f"{duration(total / rate)} for all {total:,} at {rate:,.1f} chunks/s"
                    )
                reporter.update(done, total)

            with connect(scheduler) if scheduler else contextlib.nullcontext() as cluster:
                summary = embed_speeches(
                    database.conn,
                    chosen,
                    progress=progress,
                    vectors=(lambda batches: embed_on_cluster(cluster, model, batches))
                    if cluster is not None
                    else None,
                )
    except ClusterError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("embed: interrupted; what was embedded is kept (run it again to go on)", 130)
    finally:
        database.close()
    rate = f", {summary.chunks / summary.seconds:.0f} chunks/s" if summary.seconds else ""
    say(
        f"embed ({summary.model}): {summary.embedded} speeches embedded in {summary.chunks} chunks"
        f" ({summary.seconds:.1f} s{rate}), {summary.reused} already done"
    )


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
    topic: str | None = TOPIC,
    limit: int = typer.Option(10, min=1, max=1000, help="How many speeches (1 to 1000)."),
    body: str | None = BODY,
    as_json: bool = JSON_OPTION,
    plot: Path | None = PLOT_OPTION,
) -> None:
    """Speeches like a speech ("more like this") or like a text, by meaning; or how close
    states' positions on a topic are.

    Example: councilbase similar "S/PV.8700#14" --limit 5
    """
    from councilbase.analysis import semantic as sem
    from councilbase.charts import Chart

    check_plot(plot)
    filters = make_filters(body=body)
    database = open_db(db, readonly=True)
    try:
        conn = database.conn
        chosen = semantic_model(conn, model)
        if states:
            codes = [c.strip() for c in states.split(",") if c.strip()]
            rows: list[Any] = checked(lambda: sem.similarity_matrix(conn, chosen, codes, topic))
            chart = Chart(
                "hbar", "Similarity of positions", [(f"{r.a} / {r.b}", r.similarity) for r in rows]
            )
        elif re.fullmatch(r"[AS]/.*PV\.\d+.*#\d+", text_or_speech.strip(), re.IGNORECASE):
            rows = checked(
                lambda: sem.more_like_this(
                    conn, chosen, text_or_speech.strip(), limit=limit, filters=filters
                )
            )
            chart = Chart(
                "hbar", f"Speeches like {text_or_speech}", [(r.id, r.similarity) for r in rows]
            )
        else:
            rows = checked(
                lambda: sem.semantic_search(
                    conn, chosen, text_or_speech, limit=limit, filters=filters
                )
            )
            chart = Chart("hbar", "Speeches close in meaning", [(r.id, r.similarity) for r in rows])
    finally:
        database.close()
    emit(rows, as_json, plot, chart)


def scale(
    db: Path | None = DB_OPTION,
    topic: str | None = TOPIC,
    by: ScaleBy = typer.Option(ScaleBy.year, help="year, or all for one position per state."),
    states: str | None = typer.Option(None, help="Only these states: 'RUS,CHN,USA'."),
    anchor: str | None = typer.Option(None, help="A state put on the negative side of the scale."),
    date_from: str | None = DATE_FROM,
    date_to: str | None = DATE_TO,
    bootstrap: int = typer.Option(
        30, min=0, max=1000, help="Bootstrap draws for the uncertainty (0 to 1000)."
    ),
    body: str | None = BODY,
    as_json: bool = JSON_OPTION,
    plot: Path | None = PLOT_OPTION,
) -> None:
    """One-dimensional positions of states (per period) from their speeches on a topic
    (Wordfish), with standard errors and 95% intervals from a parametric bootstrap.

    Example: councilbase scale --topic "Middle East" --by all --anchor USA
    """
    from councilbase.analysis.scaling import scale as run_scale
    from councilbase.charts import Chart
    from councilbase.store.search import check_names

    check_plot(plot)
    filters = make_filters(topic=topic, date_from=date_from, date_to=date_to, body=body)
    wanted = [c.strip() for c in states.split(",") if c.strip()] if states else None
    database = open_db(db, readonly=True)
    try:
        checked(lambda: check_names(database.conn, filters))
        rows = checked(
            lambda: run_scale(
                database.conn,
                topic=topic,
                by=by.value,
                states=wanted,
                filters=filters,
                anchor=anchor,
                bootstrap=bootstrap,
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
    emit(ordered, as_json, plot, chart)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    for command in (agreement, trend, distinctive, embed, similar, scale):
        app.command()(command)
