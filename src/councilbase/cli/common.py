"""What the command groups share: the consoles, one-line errors, the database option, the
filter options and their checks, and printing rows as a table, JSON or a plot.

Only Typer and the standard library are imported here at start-up; Rich, the database
and the analyses are imported by the commands that use them, so ``councilbase --help``
and ``councilbase version`` start fast.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from councilbase.store.database import Database
    from councilbase.store.search import Filters


class _LazyConsole:
    """A Rich console made on first use (importing Rich costs start-up time)."""

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def _get(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr, highlight=False, soft_wrap=True)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)


out: Any = _LazyConsole(stderr=False)
err: Any = _LazyConsole(stderr=True)


def printable(text: object) -> str:
    """Text safe for a terminal: control characters (in a file name, say) shown escaped."""
    value = str(text)
    if value.isprintable():
        return value
    return "".join(
        ch if ch.isprintable() or ch in "\n\t" else repr(ch)[1:-1] for ch in value
    ).replace("\n", "\\n")


def say(text: object) -> None:
    """A line on standard output, as written (no markup)."""
    out.print(str(text), markup=False)


def note(text: object) -> None:
    """A line on standard error, as written (no markup)."""
    err.print(str(text), markup=False)


def fail(message: str, code: int = 2) -> NoReturn:
    """End the command with one line, ``error: ...``, and an exit status (2: a bad value
    or a usage error; 1: something asked for was not found or did not work)."""
    note(f"error: {printable(message)}")
    raise typer.Exit(code)


def write_json(payload: Any) -> None:
    """JSON on standard output."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


DB_OPTION = typer.Option(
    None, "--db", help="Database file (default: $COUNCILBASE_DB or ./councilbase.db)."
)


def open_db(db: Path | None, readonly: bool = False) -> Database:
    """Open the database, or end with one line saying why it cannot be used."""
    from councilbase.store.database import Database, default_path
    from councilbase.store.schema import DatabaseError

    path = db or default_path()
    if readonly and not path.exists():
        fail(f"{path}: no such database; build it with `councilbase ingest PATH...`")
    try:
        return Database(path, readonly=readonly)
    except DatabaseError as exc:
        fail(str(exc))


def checked(fn: Any) -> Any:
    """Run library work, turning a bad value (a query, a filter, an option) into one line
    and exit status 2."""
    from councilbase.errors import QueryError

    try:
        return fn()
    except (QueryError, ValueError) as exc:
        fail(str(exc))


def finite(low: float, high: float, name: str) -> Any:
    """A Typer callback that accepts a number from ``low`` to ``high`` (never NaN or
    infinity), else one line saying what is accepted."""

    def check(value: float | None) -> float | None:
        if value is None:
            return value
        if not math.isfinite(value) or not low <= value <= high:
            raise typer.BadParameter(
                f"{value} is not a number from {low:g} to {high:g}", param_hint=name
            )
        return value

    return check


# --- the filters every speech query takes -------------------------------------------------

STATE = typer.Option(None, help="A state's code or name: RUS, 'Russian Federation'.")
PERSON = typer.Option(None, help="The speaker's name, or part of it: Nebenzia.")
ROLE = typer.Option(
    None,
    help="president, member, invited_state, observer, chair, rapporteur, un_official, briefer,"
    " unknown.",
)
MEETING = typer.Option(None, help="A meeting: S/PV.8700, 8700 or 'S/PV.8699 (Resumption 1)'.")
TOPIC = typer.Option(None, help="Words of an agenda item: 'Middle East'.")
DATE_FROM = typer.Option(None, "--from", help="From YYYY, YYYY-MM or YYYY-MM-DD.")
DATE_TO = typer.Option(None, "--to", help="To YYYY, YYYY-MM or YYYY-MM-DD.")
MENTIONS = typer.Option(
    None, help="Speeches that name this state, organisation or place: SYR, OCHA, Idlib."
)
CITES = typer.Option(None, help="Speeches that cite this document: 'S/RES/2401 (2018)'.")
ORGANISATION = typer.Option(None, help="Speakers for this organisation: OCHA, 'African Union'.")
BODY = typer.Option(
    None, help="SC (the Security Council) or GA (the General Assembly); both when not given."
)


def make_filters(**values: str | None) -> Filters:
    """The filters (``state=...``, ``date_from=...``), each value checked before any work
    (a bad one ends the command)."""
    from councilbase.store.search import Filters, check_filters

    filters = Filters(**values)  # type: ignore[arg-type]
    checked(lambda: check_filters(filters))
    return filters


# --- analysis output ----------------------------------------------------------------------

SCHEDULER_OPTION = typer.Option(
    None,
    "--scheduler",
    help="Run the work on a Dask cluster: the scheduler's address (tcp://host:8786), or"
    " local:N for N worker processes here.",
)
PLOT_OPTION = typer.Option(None, "--plot", help="Write a plot to this file (.svg or .png).")
JSON_OPTION = typer.Option(False, "--json", help="Print JSON.")


def check_plot(plot: Path | None) -> None:
    """Refuse a plot file of a kind we cannot write before any work is done."""
    from councilbase.charts import FORMATS

    if plot is not None and plot.suffix.lower() not in FORMATS:
        fail(f"{plot}: plots are written as .svg or .png; give a file ending in one")


def write_plot(plot: Path, chart: Any) -> None:
    """Write a chart, or end with why it cannot be written."""
    try:
        chart.write(plot)
    except OSError as exc:
        fail(f"{plot}: cannot write the plot: {exc.strerror or exc}")
    note(f"plot written to {plot}")


def emit(rows: list[Any], as_json: bool, plot: Path | None, chart: Any) -> None:
    """Print rows as a table or JSON, and write the plot (a Chart) when asked."""
    from dataclasses import asdict, is_dataclass

    dicts = [asdict(r) if is_dataclass(r) and not isinstance(r, type) else dict(r) for r in rows]
    if plot is not None:
        write_plot(plot, chart)
    if as_json:
        write_json(dicts)
        return
    if not dicts:
        say("(nothing)")
        return
    if "passage" in dicts[0]:  # speeches found by meaning: each with its closest passage
        for d in dicts:
            say(f"{d['speaker_line']}  {d['id']} {d['date'] or ''}  similarity {d['similarity']}")
            say(f"  {d['passage']}\n")
        return
    columns = list(dicts[0])
    widths = {c: max(len(c), *(len(str(d[c])) for d in dicts)) for c in columns}
    say("  ".join(c.ljust(widths[c]) for c in columns))
    for d in dicts:
        say("  ".join(str(d[c]).ljust(widths[c]) for c in columns))


class Reporter:
    """Progress of long work: a Rich bar with the rate and the time left on a terminal,
    else a plain line every ``every`` seconds (so a piped or logged run still says how
    far it is and how long is left)."""

    def __init__(self, label: str, unit: str, every: float = 15.0) -> None:
        import time

        self.label, self.unit, self.every = label, unit, every
        self.started = time.monotonic()
        self.last_line = self.started
        self.terminal = bool(err.is_terminal)
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Reporter:
        if self.terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn(self.label),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TextColumn("left"),
                TimeRemainingColumn(),
                TextColumn("{task.description}"),
                console=err._get(),
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("", total=None, rate="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def rate(self, done: int) -> float:
        """Units done per second so far."""
        import time

        elapsed = time.monotonic() - self.started
        return done / elapsed if elapsed > 0 else 0.0

    def update(self, done: int, total: int, description: str = "") -> None:
        """Record progress: ``done`` of ``total`` units."""
        import time

        rate = self.rate(done)
        if self._bar is not None:
            self._bar.update(
                self._task,
                completed=done,
                total=total,
                description=printable(description),
                rate=f"{rate:,.1f} {self.unit}/s" if done else "",
            )
            return
        now = time.monotonic()
        if done and done < total and now - self.last_line >= self.every:
            self.last_line = now
            left = (total - done) / rate if rate else 0.0
            note(
                f"{self.label}: {done:,} of {total:,} {self.unit} ({rate:,.1f}/s, "
                f"{duration(now - self.started)} so far, about {duration(left)} left)"
            )


def duration(seconds: float) -> str:
    """A duration in words a person reads at a glance: 45 s, 3.2 min, 1.5 h."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"
