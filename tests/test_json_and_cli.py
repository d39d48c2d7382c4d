"""The JSON form (schema-valid, lossless) and the command line, through its test runner."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from councilbase.cli import app
from councilbase.model import Record, record_from_json, record_schema, record_to_json
from councilbase.parse import parse_pdf

runner = CliRunner()


def validate(doc: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(record_schema()).validate(doc)


def test_every_pdf_record_validates_and_round_trips(pdf_dir: Path) -> None:
    for pdf in sorted(pdf_dir.glob("*.pdf")):
        record = parse_pdf(pdf)
        doc = record_to_json(record)
        validate(doc)
        again = record_to_json(record_from_json(json.loads(json.dumps(doc))))
        assert again == doc, pdf.name


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value, as the keys and indexes that lead to it."""
    out = [path]
    if isinstance(value, dict):
        for key, sub in value.items():
            out += _paths(sub, (*path, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            out += _paths(sub, (*path, index))
    return out


ODD_VALUES = (None, True, False, 0, 1, -1, 37, 1.5, "", "x", "SYR", [], {}, ["x"], {"a": 1})


def odd_values() -> st.SearchStrategy[Any]:
    """One of ODD_VALUES, a copy of its own (a list or dict put in two places stays two)."""
    return st.sampled_from(ODD_VALUES).map(copy.deepcopy)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_quick_schema_check_never_passes_a_record_the_schema_refuses(
    r8700: Record, data: st.DataObject
) -> None:
    """``validate``'s quick check (built from the schema, for the valid records that are nearly
    all of a JSONL file) may send a valid record on to the full validator, but must never pass
    one the full validator refuses: records changed in one to three places (a value replaced by
    an odd one, a key removed, a key added) are checked by both."""
    from councilbase.validate import _quick_check, _schema_check

    quick, full = _quick_check(), _schema_check()
    assert quick is not None
    doc = record_to_json(r8700)
    doc["speeches"] = doc["speeches"][:6]  # a smaller record, the same kinds of values
    doc["items"] = [i for i in doc["items"] if i["kind"] != "speech" or i["speech"] < 6]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(doc)[1:]))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        action = data.draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "replace":
            parent[path[-1]] = data.draw(odd_values())
        elif action == "remove":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[data.draw(st.sampled_from(["extra", "kind", "code", "vote"]))] = data.draw(
                odd_values()
            )
    if quick(doc):
        full(doc)  # raises for a record the schema refuses


def test_the_quick_schema_check_takes_real_records_and_refuses_broken_ones(
    r8700: Record,
) -> None:
    from councilbase.validate import _quick_check

    quick = _quick_check()
    assert quick is not None
    good = record_to_json(r8700)
    assert quick(good)
    speech = next(s for s in good["speeches"] if s["mentions"])
    for where, value in (
        ("paragraph", -1),
        ("paragraph", True),
        ("kind", "planet"),
        ("code", None),
        ("start", 1.0),
    ):
        broken = json.loads(json.dumps(good))
        target = next(s for s in broken["speeches"] if s["mentions"])["mentions"][0]
        target[where] = value
        assert not quick(broken), (where, value)
    broken = json.loads(json.dumps(good))
    broken["items"][0]["kind"] = "song"
    assert not quick(broken)
    assert speech["mentions"]


def test_speech_items_point_into_speeches(r8700: Record) -> None:
    doc = record_to_json(r8700)
    for index, item in enumerate(doc["items"]):
        if item["kind"] == "speech":
            assert doc["speeches"][item["speech"]]["item"] == index
    assert doc["schema"] == "councilbase.record/1"


def test_cli_parse_json(pdf_dir: Path) -> None:
    result = runner.invoke(app, ["parse", str(pdf_dir / "S_PV.8700_E.pdf"), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    validate(doc)
    assert doc["symbol"] == "S/PV.8700"
    assert len(doc["speeches"]) == 23


def test_cli_parse_text_format(pdf_dir: Path) -> None:
    result = runner.invoke(app, ["parse", str(pdf_dir / "S_PV.8700_E.pdf"), "-f", "text"])
    assert result.exit_code == 0
    assert (
        "Mr. Nebenzia (Russian Federation) (spoke in Russian): [Russian] <member>" in result.stdout
    )
    assert "In favour: China, Russian Federation, Viet Nam" in result.stdout


def test_cli_parse_glob_gives_an_array(pdf_dir: Path) -> None:
    result = runner.invoke(app, ["parse", str(pdf_dir / "S_PV.8706*.pdf")])
    assert result.exit_code == 0
    docs = json.loads(result.stdout)
    assert [d["symbol"] for d in docs] == ["S/PV.8706 (Resumption 1)", "S/PV.8706"]


@pytest.mark.parametrize(
    "command", [c.name or c.callback.__name__ for c in app.registered_commands if c.callback]
)
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert len(result.stdout.strip()) > 40


def test_the_help_lists_every_command_of_the_app_and_its_module() -> None:
    """`councilbase --help` is written without the app (for a fast start): its table must name
    every command and group the app has, each with the module that defines it."""
    from councilbase.cli import COMMANDS, help_text

    names = {c.name or c.callback.__name__ for c in app.registered_commands if c.callback}
    names |= {group.name for group in app.registered_groups if group.name}
    assert set(COMMANDS) == names
    for command in app.registered_commands:
        name = command.name or (command.callback.__name__ if command.callback else "")
        module = command.callback.__module__ if command.callback else ""
        assert module.endswith(f".{COMMANDS[name][0] or 'commands'}"), (name, module)
    text = help_text()
    assert all(f"\n  {name} " in text for name in names)
    assert max(len(line) for line in text.splitlines()) <= 80


def test_version_and_help_start_without_the_command_line_library() -> None:
    """`councilbase version` and `--help` answer without importing Typer or Rich; another
    command loads its module alone, and a misspelt command still gets the suggestions."""
    import subprocess
    import sys

    from councilbase import __version__

    code = (
        "import sys; from councilbase.cli import main; sys.argv = ['councilbase', *sys.argv[1:]];"
        " main(); print(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'rich')"
        " or m.startswith('councilbase.cli.')))"
    )
    for words, expected in ((["version"], __version__), (["--help"], "Usage: councilbase")):
        out = subprocess.run(
            [sys.executable, "-c", code, *words], capture_output=True, text=True, check=True
        ).stdout
        assert expected in out and out.rstrip().endswith("[]"), out
    cli = [sys.executable, "-m", "councilbase"]
    result = subprocess.run([*cli, "serch", "x"], capture_output=True, text=True)
    assert result.returncode == 2 and "did you mean 'search'" in result.stderr.lower()
    result = subprocess.run([*cli, "outcomes", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "outcomes" in result.stdout


def test_all_commands_have_docstrings() -> None:
    for command in app.registered_commands:
        assert command.callback is not None and command.callback.__doc__, command.name
