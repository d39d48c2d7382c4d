"""The README says what the program does: every ```console example is run in order (on a
database of ../shared/records built by the README's own first command) and its output
compared line by line ("..." stands for lines left out; durations may differ), and every
```python snippet is run. So the README cannot drift from the program."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"^```(console|python)\n(.*?)^```", re.S | re.M)
DURATION = re.compile(r"\(\d+(?:\.\d+)? s\)")


def blocks(kind: str) -> list[str]:
    return [
        body for found_kind, body in FENCE.findall(README.read_text("utf-8")) if found_kind == kind
    ]


def examples() -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for every ``$ `` line of every console block."""
    out: list[tuple[str, list[str]]] = []
    for body in blocks("console"):
        for line in body.splitlines():
            if line.startswith("$ "):
                out.append((line[2:], []))
            elif out:
                out[-1][1].append(line)
    return out


def normal(line: str) -> str:
    return DURATION.sub("(N s)", line.rstrip())


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether the actual lines are the expected ones, "..." standing for any lines."""
    expected = [normal(line) for line in expected]
    actual = [normal(line) for line in actual]

    def at(i: int, j: int) -> bool:
        if i == len(expected):
            return j == len(actual) or (i > 0 and expected[i - 1] == "...")
        if expected[i] == "...":
            return any(at(i + 1, k) for k in range(j, len(actual) + 1))
        return j < len(actual) and expected[i] == actual[j] and at(i + 1, j + 1)

    return at(0, 0)


@pytest.fixture(scope="module")
def workspace(records: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("readme")
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["COUNCILBASE_DB"] = str(folder / "councilbase.db")
    env["COLUMNS"] = "100"
    env["README_RECORDS"] = str(records)
    env["README_WORKSPACE"] = str(folder)
    return env


def test_the_readme_has_examples() -> None:
    commands = [command for command, _ in examples()]
    assert commands[0] == "councilbase ingest ../shared/records"
    assert len(commands) >= 8 and len(blocks("python")) >= 2


def test_console_examples_print_what_the_readme_shows(workspace: dict[str, str]) -> None:
    records = os.path.relpath(workspace["README_RECORDS"], ROOT)  # ../shared/records, mostly
    failures = []
    for command, shown in examples():
        run = command.replace("../shared/records", records)
        expected = [line.replace("../shared/records", records) for line in shown]
        result = subprocess.run(
            ["bash", "-c", run],
            cwd=ROOT,
            env=workspace,
            capture_output=True,
            text=True,
            timeout=600,
        )
        actual = (result.stdout + result.stderr).splitlines()
        if "Traceback" in result.stderr or not matches(expected, actual):
            failures.append(
                f"$ {command}\n--- the README shows:\n"
                + "\n".join(expected)
                + "\n--- the program printed:\n"
                + "\n".join(actual)
            )
    assert not failures, "\n\n".join(failures)


def test_python_snippets_run(workspace: dict[str, str], tmp_path: Path) -> None:
    database = Path(workspace["COUNCILBASE_DB"])
    if not database.exists():  # the console examples build it; run them when alone
        test_console_examples_print_what_the_readme_shows(workspace)
    shutil.copy(database, tmp_path / "councilbase.db")
    for number, code in enumerate(blocks("python")):
        script = tmp_path / f"snippet{number}.py"
        script.write_text(code, "utf-8")
        result = subprocess.run(
            [sys.executable, str(script)],
            cwd=tmp_path,
            env=workspace,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, f"snippet {number}:\n{code}\n{result.stderr}"
