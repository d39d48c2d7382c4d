"""Every option's value, good or bad, ends in a result or in one line saying what is wrong
and what is accepted (exit status 2), never in a traceback: the known bad values of the
first-run report, then generated values for every option of every command."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from councilbase.cli import app

runner = CliRunner()

KNOWN_BAD = [
    "2020-13",
    "2020-00",
    "0000",
    "2020-01-32",
    "2020-02-30",
    "-1",
    "0",
    "1" + "0" * 20,
    "inf",
    "-inf",
    "nan",
    "²⁰²⁰",
    "²",
    "",
    " ",
    "x\x00y",
    "\x1b[31mred",
    "9" * 300,
    "1e309",
    "NEAR(",
    '"',
]


def run(args: list[str]) -> tuple[int, str]:
    result = runner.invoke(app, args)
    assert "Traceback" not in result.output, (args, result.output)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError((args, result.output)) from result.exception
    return result.exit_code, result.output


def one_error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, output
    return lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["search", "Syria", "--from", "2020-13"], "the month must be 01 to 12"),
        (["search", "Syria", "--from", "2020-00"], "the month must be 01 to 12"),
        (["search", "Syria", "--from", "0000"], "0000 is not a year"),
        (["search", "Syria", "--from", "2020-01-32"], "has days 01 to 31"),
        (["search", "Syria", "--to", "2020-02-30"], "has days 01 to 29"),
        (["search", "Syria", "--from", "2020-03", "--to", "2020-01"], "ends before it begins"),
        (["search", "Syria", "--limit", "0"], "'--limit'"),
        (["search", "Syria", "--limit", "-1"], "'--limit'"),
        (["search", "Syria", "--limit", "1" + "0" * 20], "'--limit'"),
        (["search", "Syria", "--offset", "1" + "0" * 20], "'--offset'"),
        (["search", "Syria", "--width", "-5"], "'--width'"),
        (["search", "Syria", "--person", "Nebenzya"], "did you mean 'Nebenzia'"),
        (["search", "Syria", "--state", "Rusia"], "did you mean 'Russia'"),
        (["search", "Syria", "--role", "membre"], "did you mean 'member'"),
        (["search", "Syria", "--meeting", "S/PV.87x"], "cannot read the meeting"),
        (["search", "Syria", "--kwic", "--semantic"], "cannot be used together"),
        (["trend", "NEAR(", "--from", "2020"], "cannot read the search"),
        (["distinctive", "RUS", "--top", "-1"], "'--top'"),
        (["scale", "--by", "week"], "'--by'"),
        (["scale", "--by", "month"], "'--by'"),
        (["scale", "--bootstrap", "-1"], "'--bootstrap'"),
        (["scale", "--bootstrap", "99999999999999999999"], "'--bootstrap'"),
        (["ingest", "x", "--time-limit", "inf"], "--time-limit"),
        (["ingest", "x", "--time-limit", "nan"], "--time-limit"),
        (["ingest", "x", "--jobs", "0"], "'--jobs'"),
        (["fetch", "8700", "--retries", "-1"], "'--retries'"),
        (["fetch", "8700", "--rate", "nan"], "--rate"),
        (["fetch", "8700", "--base-url", "not a url"], "cannot use the base URL"),
        (["fetch", "9" * 300], "is not a meeting record symbol"),
        (["fetch", "²"], "is not a meeting record symbol"),
        (["serve", "--port", "-1"], "'--port'"),
        (["serve", "--port", "70000"], "'--port'"),
        (["people", "list", "--limit", "0"], "'--limit'"),
        (["agreement", "--majority"], "--majority needs --state"),
        (["agreement", "--from", "2020-13"], "the month must be 01 to 12"),
    ],
)
def test_known_bad_values_are_one_line(ingested: Path, args: list[str], expected: str) -> None:
    code, output = run([*args, "--db", str(ingested)])
    assert code == 2, output
    assert expected in one_error_line(output)


@pytest.mark.parametrize("symbol", ["s/pv.8700", "S/PV. 8700", "8700", " S/PV.8700 ", "S_PV.8700"])
def test_symbols_are_normalised(ingested: Path, symbol: str) -> None:
    code, output = run(["show", symbol, "--db", str(ingested)])
    assert code == 0 and output.startswith("S/PV.8700\n")


@pytest.mark.parametrize(
    "symbol", ["s/pv.8699 (resumption 1)", "S/PV.8699(Resumption1)", "8699 (Resumption 1)"]
)
def test_resumptions_are_normalised(ingested: Path, symbol: str) -> None:
    code, output = run(["show", symbol, "--db", str(ingested)])
    assert code == 0 and output.startswith("S/PV.8699 (Resumption 1)\n")


def test_an_absent_meeting_names_the_nearest(ingested: Path) -> None:
    code, output = run(["show", "S/PV.8701x", "--db", str(ingested)])
    assert code == 2 and "cannot read the meeting" in one_error_line(output)
    code, output = run(["show", "S/PV.8697", "--db", str(ingested)])
    assert code == 1 and "S/PV.8697 is not in the database; nearest" in one_error_line(output)


def test_limit_shows_what_matches(ingested: Path) -> None:
    code, output = run(["search", "humanitarian", "--db", str(ingested), "--offset", "100000"])
    assert code == 0 and "speeches match; none after the first" in output


VALUES = st.one_of(
    st.sampled_from(KNOWN_BAD),
    st.text(max_size=24),
    st.from_regex(r"-?[0-9]{1,22}", fullmatch=True),
    st.from_regex(r"[0-9]{4}(-[0-9]{1,2}(-[0-9]{1,2})?)?", fullmatch=True),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)

# (command before the option, option, command after it): every option of the commands that
# read the database, with the values of the strategy above
OPTIONS = [
    (["search", "Syria"], "--state", []),
    (["search", "Syria"], "--person", []),
    (["search", "Syria"], "--role", []),
    (["search", "Syria"], "--meeting", []),
    (["search", "Syria"], "--topic", []),
    (["search", "Syria"], "--from", []),
    (["search", "Syria"], "--to", []),
    (["search", "Syria"], "--mentions", []),
    (["search", "Syria"], "--cites", []),
    (["search", "Syria"], "--organisation", []),
    (["search", "Syria"], "--limit", []),
    (["search", "Syria"], "--offset", []),
    (["search", "Syria", "--kwic"], "--width", []),
    (["show"], None, []),
    (["search"], None, []),
    (["trend", "Syria"], "--by", []),
    (["trend", "Syria"], "--state", []),
    (["trend", "Syria"], "--from", []),
    (["agreement"], "--from", []),
    (["agreement"], "--state", []),
    (["agreement", "--state", "RUS", "--majority"], "--by", []),
    (["distinctive", "RUS"], "--top", []),
    (["distinctive"], None, []),
    (["people", "list"], "--limit", []),
    (["people", "explain"], None, []),
    (["ingest", "/nonexistent/x.pdf"], "--jobs", []),
    (["ingest", "/nonexistent/x.pdf"], "--time-limit", []),
]


@pytest.mark.parametrize(("before", "option", "after"), OPTIONS)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=VALUES)
def test_any_value_of_any_option(
    ingested: Path, before: list[str], option: str | None, after: list[str], value: str
) -> None:
    args = [*before, value] if option is None else [*before, f"{option}={value}"]
    code, output = run([*args, *after, "--db", str(ingested)])
    assert code in (0, 1, 2), output
    if code == 2:
        one_error_line(output)


@settings(max_examples=15, deadline=None)
@given(value=st.sampled_from(KNOWN_BAD) | st.from_regex(r"-?[0-9]{6,22}", fullmatch=True))
def test_serve_refuses_bad_ports_before_serving(value: str) -> None:
    code, output = run(["serve", f"--port={value}", "--db", "/nonexistent.db"])
    assert code == 2
    one_error_line(output)
