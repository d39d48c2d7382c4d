"""Torn reads: threads of one process, each with its own read-only connection, loading
records, searching and summing JSON while another process ingests (the PDFs only: records
large enough to span many pages). Counts the errors over several trials; prints the first.

Until the database's header was left to SQLite, most trials ended with "database disk image
is malformed" or half a JSON string, with SQLite 3.50.4 (sqlean.py) as with the system's 3.40.1
(COUNCILBASE_SQLITE=stdlib): closing our own descriptor on the file released the readers'
locks. Every trial must now count 0 errors.

    python bench/torn_reads.py [--records DIR] [--trials 4] [--threads 4]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path

from common import parser_with_records, records_or_exit
from councilbase.store.database import Database
from councilbase.store.driver import library


def trial(records: Path, folder: Path, threads: int) -> tuple[int, list[str]]:
    """One ingest with readers: (reads done, errors met)."""
    path = folder / "live.db"
    pdfs = sorted((records / "pdf").glob("*.pdf"))
    with Database(path) as db:
        db.ingest([str(p) for p in pdfs[:2]], jobs=1)
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, councilbase; councilbase.open(sys.argv[1]).ingest(sys.argv[2:], jobs=1)",
            str(path),
            *[str(p) for p in pdfs[2:]],
        ]
    )
    errors: list[str] = []
    reads = [0]
    stop = threading.Event()

    def reader() -> None:
        with Database(path, readonly=True) as db:
            while not stop.is_set():
                try:
                    for key in db.meeting_keys()[-3:]:
                        record = db.record(key)
                        json.dumps([s.text for s in record.speeches] if record else [])
                    db.search("humanitarian", limit=5)
                    db.conn.execute("SELECT sum(length(data)) FROM items").fetchone()
                    reads[0] += 1
                except Exception as exc:  # counted: the point of the benchmark
                    errors.append("".join(traceback.format_exception(exc)[-2:]).strip())

    workers = [threading.Thread(target=reader) for _ in range(threads)]
    for worker in workers:
        worker.start()
    writer.wait()
    stop.set()
    for worker in workers:
        worker.join()
    return reads[0], errors


def main() -> None:
    parser = parser_with_records(__doc__)
    parser.add_argument("--trials", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    records = records_or_exit(args)
    print(library())
    failed = 0
    for number in range(args.trials):
        with tempfile.TemporaryDirectory() as folder:
            reads, errors = trial(records, Path(folder), args.threads)
        failed += bool(errors)
        print(f"trial {number + 1}: {reads} reads, {len(errors)} errors")
        if errors:
            print("  " + errors[0].replace("\n", "\n  "))
    print(f"{failed} of {args.trials} trials met an error")


if __name__ == "__main__":
    main()
