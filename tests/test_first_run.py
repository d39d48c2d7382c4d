"""The README's first command as a new user runs it: `make demo` builds the database, prints
a meeting and a search, then serves the web app, which answers. Once this only ran
`demo --no-serve`, and a crash in the serving step landed unnoticed."""

from __future__ import annotations

import ast
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, timeout: float = 10.0) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read().decode("utf-8")


def run_demo(env: dict[str, str], db: Path) -> tuple[str, list[tuple[str, int, str]]]:
    """Run `make demo` on a free port until it serves, fetch pages, stop it (Ctrl-C);
    what it printed, and (path, status, body) of each page."""
    port = free_port()
    make = shutil.which("make")
    command = (
        [make, "-s", "demo", f"DEMO_DB={db}", f"DEMO_PORT={port}"]
        if make and (ROOT / ".venv" / "bin" / "councilbase").exists()
        else [sys.executable, "-m", "councilbase", "demo", "--db", str(db), "--port", str(port)]
    )
    log = db.parent / "demo.log"
    with log.open("w") as handle:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    pages: list[tuple[str, int, str]] = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert process.poll() is None, "make demo ended early:\n" + log.read_text()
            try:
                pages.append(("/", *get(f"http://127.0.0.1:{port}/", timeout=2)))
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("make demo did not serve within 180 s:\n" + log.read_text())
        for path in ("/meetings", "/search?q=humanitarian", "/api/"):
            pages.append((path, *get(f"http://127.0.0.1:{port}{path}")))
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return log.read_text(), pages


def test_make_demo_builds_prints_and_serves(records: Path, tmp_path: Path) -> None:
    env = dict(os.environ, COUNCILBASE_RECORDS=str(records))
    printed, pages = run_demo(env, tmp_path / "demo.db")
    assert "Traceback" not in printed and "error" not in printed.lower(), printed
    assert "Sample records from" in printed and "and 4 of the General Assembly's" in printed
    assert "ingest: 49 added" in printed  # 45 of the Council's, 4 of the Assembly's
    assert "--- councilbase show S/PV.8698" in printed
    assert "speeches match; showing 1-3" in printed
    assert "serving " in printed and f"{tmp_path / 'demo.db'}" in printed
    assert [(path, status) for path, status, _ in pages] == [
        ("/", 200),
        ("/meetings", 200),
        ("/search?q=humanitarian", 200),
        ("/api/", 200),
    ]
    home = pages[0][2]
    # the corpus meetings are dated by the index: the records run to March 2020 (and the
    # Assembly's from 1993)
    assert "49 meetings" in home and "1993-11-01 to 2020-03-03" in home


def test_make_demo_without_records_uses_the_synthetic_sample(tmp_path: Path) -> None:
    env = dict(os.environ, COUNCILBASE_RECORDS=str(tmp_path / "none"))
    printed, pages = run_demo(env, tmp_path / "demo.db")
    assert "Traceback" not in printed, printed
    assert "No records found; using the SYNTHETIC sample" in printed
    assert "--- councilbase show S/PV.9999" in printed
    assert "Ms. Doe: <un_official>" in printed
    assert "3 speeches match" in printed  # the demo searches "draft resolution"
    assert all(status == 200 for _, status, _ in pages)
    assert "S/PV.9999" in pages[0][2]


def _command_functions() -> dict[str, set[str]]:
    """Each CLI module's command functions (those a ``register`` adds, or decorated)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "src" / "councilbase" / "cli").glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                "command" in ast.unparse(d) for d in node.decorator_list
            ):
                names.add(node.name)
            if isinstance(node, ast.FunctionDef) and node.name == "register":
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Tuple):
                        names |= {e.id for e in inner.elts if isinstance(e, ast.Name)}
        found[path.name] = names
    return found


def test_no_command_calls_another_command() -> None:
    """Commands share helpers that take every value; none calls another command function
    (whose defaults are Typer's option objects, not values)."""
    commands = set().union(*_command_functions().values())
    assert {"demo", "serve", "ingest", "search", "show"} <= commands
    for path in sorted((ROOT / "src" / "councilbase" / "cli").glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in commands:
                calls = {
                    c.func.id
                    for c in ast.walk(node)
                    if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
                }
                assert not (calls & commands), (path.name, node.name, calls & commands)
