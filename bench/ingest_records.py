"""Ingest everything in ../shared/records into a fresh database: time, records per second,
speeches per second and database size, with one process and with every core. Baseline,
in the same run: parsing the same inputs without storing them (one process).

    python bench/ingest_records.py
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import councilbase
from common import parser_with_records, records_or_exit
from councilbase.pipeline import parse_inputs


def main() -> None:
    parser = parser_with_records(__doc__)
    args = parser.parse_args()
    records = records_or_exit(args)
    started = time.perf_counter()
    parsed = parse_inputs([str(records)])
    parse_s = time.perf_counter() - started
    print(f"parse only (baseline, 1 process): {len(parsed.records)} records in {parse_s:.2f} s")
    cores = os.cpu_count() or 1
    for jobs in sorted({1, cores}):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "records.db"
            db = councilbase.open(path)
            started = time.perf_counter()
            summary = db.ingest([str(records)], jobs=jobs)
            elapsed = time.perf_counter() - started
            stats = db.stats()
            db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.close()
            size = path.stat().st_size
            print(
                f"ingest --jobs {jobs}: {summary.count('added')} added, "
                f"{summary.count('superseded')} superseded, {summary.count('failed')} failed; "
                f"{elapsed:.2f} s = {summary.count('added') / elapsed:.1f} records/s, "
                f"{stats['speeches'] / elapsed:,.0f} speeches/s; database {size / 1e6:.1f} MB; "
                f"{elapsed / parse_s:.2f}x the parse-only time"
            )
            again = time.perf_counter()
            db = councilbase.open(path)
            unchanged = db.ingest([str(records)], jobs=jobs)
            db.close()
            print(
                f"  the same again: {unchanged.count('unchanged')} unchanged in "
                f"{time.perf_counter() - again:.2f} s"
            )


if __name__ == "__main__":
    main()
