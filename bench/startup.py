"""Start-up of the command line: the wall time of `councilbase version`, `councilbase --help`
and `councilbase search --help` (which builds the Typer app with one module), against the
floor measured in the same run, the same interpreter doing nothing (`python -c pass`), with
bytecode compiled first. Then `python -X importtime` of what `version` and `--help` import,
and of the whole Typer app, the slowest imports first. Goal: `version` and `--help` under
0.12 s on this machine.

    python bench/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import time
from pathlib import Path

import councilbase


def wall(command: list[str], runs: int) -> float:
    """The median wall time of a command, in seconds (one run first, not counted)."""
    times = []
    for number in range(runs + 1):
        begun = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        if number:
            times.append(time.perf_counter() - begun)
    return statistics.median(times)


def importtime(code: str, top: int) -> str:
    """`python -X importtime -c code`: the total, and the ``top`` slowest imports (cumulative)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
    )
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, own, cumulative, name = (part.strip() for part in line.replace(":", "|", 1).split("|"))
        if own.isdigit():
            rows.append((int(cumulative), int(own), name))
    total = sum(own for _, own, _ in rows)
    lines = [f"  {len(rows)} modules, {total / 1000:.1f} ms in all; the slowest (cumulative, own):"]
    lines += [f"  {c / 1000:8.1f} ms {o / 1000:8.1f} ms  {n}" for c, o, n in sorted(rows)[-top:]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    compileall.compile_dir(str(Path(councilbase.__file__).parent), quiet=1)
    script = Path(sys.executable).parent / "councilbase"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "councilbase"]
    floor = wall([sys.executable, "-c", "pass"], args.runs)
    print(f"floor: `python -c pass` {floor:.3f} s (median of {args.runs})")
    for words in (["version"], ["--help"], ["search", "--help"]):
        seconds = wall(command + words, args.runs)
        goal = (
            ""
            if words == ["search", "--help"]
            else f"; goal < 0.12 s: {'met' if seconds < 0.12 else 'NOT met'}"
        )
        print(
            f"`councilbase {' '.join(words)}`: {seconds:.3f} s, {seconds / floor:.1f}x the floor{goal}"
        )
    print("python -X importtime, what `version` and `--help` import (councilbase.cli):")
    print(importtime("import councilbase.cli", args.top))
    print("python -X importtime, the whole Typer app (councilbase.cli.commands):")
    print(importtime("import councilbase.cli.commands", args.top))


if __name__ == "__main__":
    main()
