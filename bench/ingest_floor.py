"""Ingest of a JSONL file against its floor, each in a fresh process and a fresh database:

- the floor: bare SQLite (the same library councilbase runs on) reading the same file, and
  inserting each speech's text into a bare table with an FTS5 index (the same tokenizer) in
  one transaction: what any tool must at least do to make the texts searchable;
- `councilbase ingest FILE` as a user runs it (default workers).

For each: wall time, the bytes the process asked to write (`wchar` of /proc/<pid>/io, which
counts every write: log, checkpoints, temporary files) and the bytes that reached the disk
layer (`write_bytes`), the database's size, and the ratios to the floor. Goals (issue 19): at
most 3x the floor in time and in bytes written.

    python bench/ingest_floor.py --jsonl /tmp/scale/scale.jsonl [--lines N]

The scale corpus comes from `bench/scale_corpus.py` (150,059 speeches).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = r"""
import json, sys
from councilbase.store.driver import sqlite3
source, path = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(path, isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("PRAGMA synchronous = NORMAL")
conn.execute("CREATE TABLE speeches (id INTEGER PRIMARY KEY, text TEXT)")
conn.execute(
    "CREATE VIRTUAL TABLE speeches_fts USING fts5(text, content='speeches', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 2')"
)
conn.execute("BEGIN")
with open(source, encoding="utf-8") as handle:
    for line in handle:
        if not line.strip():
            continue
        record = json.loads(line)
        for speech in record["speeches"]:
            text = "\n".join(speech["text"])
            rowid = conn.execute("INSERT INTO speeches (text) VALUES (?)", (text,)).lastrowid
            conn.execute("INSERT INTO speeches_fts (rowid, text) VALUES (?, ?)", (rowid, text))
conn.execute("COMMIT")
conn.close()
"""

OURS = r"""
import sys, councilbase
with councilbase.open(sys.argv[2]) as db:
    summary = db.ingest([sys.argv[1]])
    assert not summary.failed, summary.failed[:3]
"""

REPORT = r"""
import atexit
def _report():
    with open("/proc/self/io") as handle:
        sys.stderr.write("IO " + " ".join(line.replace(": ", "=").strip() for line in handle) + "\n")
atexit.register(_report)
"""


def run(code: str, source: Path, database: Path) -> dict[str, float]:
    """Run a script in a fresh process; its wall time and its own I/O counters."""
    begun = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", "import sys\n" + REPORT + code, str(source), str(database)],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - begun
    if result.returncode != 0:
        raise SystemExit(f"failed:\n{result.stderr[-2000:]}")
    line = next(x for x in result.stderr.splitlines() if x.startswith("IO "))
    counters = dict(part.split("=") for part in line[3:].split())
    size = sum(
        Path(f"{database}{suffix}").stat().st_size
        for suffix in ("", "-wal")
        if Path(f"{database}{suffix}").exists()
    )
    return {
        "seconds": seconds,
        "wchar": int(counters["wchar"]),
        "write_bytes": int(counters["write_bytes"]),
        "size": size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jsonl", type=Path, required=True)
    parser.add_argument("--lines", type=int, default=0, help="the first N lines only")
    parser.add_argument("--folder", type=Path, default=None, help="where the databases go")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.folder) as folder:
        source = args.jsonl
        if args.lines:
            source = Path(folder) / "input.jsonl"
            with args.jsonl.open("rb") as handle, source.open("wb") as out:
                for number, line in enumerate(handle):
                    if number >= args.lines:
                        break
                    out.write(line)
        speeches = 0
        with source.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    speeches += len(json.loads(line)["speeches"])
        print(f"{source if not args.lines else args.jsonl}: {speeches:,} speeches", end="")
        print(f" ({source.stat().st_size / 1e6:,.0f} MB), {os.cpu_count()} cores")
        floor = run(FLOOR, source, Path(folder) / "floor.db")
        ours = run(OURS, source, Path(folder) / "ours.db")
    for label, figures in (("floor (bare SQLite + FTS5)", floor), ("councilbase ingest", ours)):
        print(
            f"{label}: {figures['seconds']:.1f} s ({speeches / figures['seconds']:,.0f} speeches/s),"
            f" wrote {figures['wchar'] / 1e9:.2f} GB ({figures['write_bytes'] / 1e9:.2f} GB to"
            f" the disk layer), database {figures['size'] / 1e9:.2f} GB"
        )
    time_ratio = ours["seconds"] / floor["seconds"]
    write_ratio = ours["wchar"] / floor["wchar"]
    print(
        f"ratios to the floor: time {time_ratio:.2f}x, bytes written {write_ratio:.2f}x"
        f" ({ours['write_bytes'] / max(floor['write_bytes'], 1):.2f}x at the disk layer),"
        f" size {ours['size'] / floor['size']:.2f}x;"
        f" goals (at most 3x each): {'met' if time_ratio <= 3 and write_ratio <= 3 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
