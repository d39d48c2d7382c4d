"""Bad inputs, killed ingests and serving during an ingest, with figures.

python bench/robustness.py --kills 20
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from common import parser_with_records, records_or_exit
from councilbase.store.database import Database
from councilbase.store.ingest import DEFAULT_MEMORY_LIMIT
from councilbase.testing.badinput import make_corpus, run_corpus
from councilbase.testing.faults import SEARCH, kill_trials, peak_memory, serving_during_ingest


def main() -> None:
    parser = parser_with_records(__doc__)
    parser.add_argument("--kills", type=int, default=20)
    args = parser.parse_args()
    records = records_or_exit(args)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        cases = make_corpus(records, work / "bad")
        report = run_corpus(cases, work, time_limit=60)
        print(
            f"bad inputs: {len(report.endings)} tried, {len(report.failures)} ended otherwise than expected"
        )
        print(f"  {'case':45} {'ended':8} {'seconds':>7}  message")
        for ending in report.endings:
            print(
                f"  {ending.case.kind[:45]:45} {ending.result:8} {ending.seconds:7.1f}  "
                f"{ending.message[:100]}"
            )
        # the whole corpus in one ingest, as a user would run it: peak memory of the tree
        files = [str(c.path) for c in cases if not c.path.is_dir()]
        code, peak = peak_memory(
            [sys.executable, "-m", "councilbase", "ingest", *files, "--db", str(work / "all.db")]
        )
        print(
            f"one ingest of the {len(files)} hostile files: exit {code}, peak memory of the process"
            f" tree {peak / 2**20:.0f} MiB (each parser process capped at the default"
            f" --memory-limit {DEFAULT_MEMORY_LIMIT} MB)"
        )

        inputs = [str(records / "speeches"), str(records / "pdf" / "S_PV.8700_E.pdf")]
        trials = kill_trials(inputs, work, args.kills, seed=2026)
        good = sum(
            t.matches and not t.damage_after_kill and not t.problems_after_rerun for t in trials
        )
        print(
            f"kill trials: {args.kills}; meetings held at the kill: {sorted(t.held for t in trials)}; "
            f"integrity and consistency passed and the re-run matched an uninterrupted run in {good} of {args.kills}"
        )

        live = work / "live.db"
        with Database(live) as db:
            db.ingest([str(records / "pdf" / "S_PV.8700_E.pdf")], jobs=1)
        report = serving_during_ingest(
            live,
            [str(records / "speeches"), str(records / "pdf")],
            urls=(SEARCH, "/meetings/S/PV.8700", "/search?q=Syria", "/"),
            clients=8,
        )
        print(
            f"serving during an ingest: {report.requests} requests from 8 clients in {report.seconds:.1f} s "
            f"while the ingest wrote; {len(report.errors)} errors {report.errors[:3]}"
        )


if __name__ == "__main__":
    main()
