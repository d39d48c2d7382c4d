"""Bad inputs, killed ingests and serving during an ingest, with figures.

python bench/robustness.py --kills 20
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from common import parser_with_records, records_or_exit
from councilbase.badinput import make_corpus, run_corpus
from councilbase.faults import SEARCH, kill_trials, serving_during_ingest
from councilbase.store.database import Database


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
        for kind, counts in report.by_class().items():
            print(f"  {kind:35} {counts}")
        for ending in report.endings:
            if ending.result in ("error", "partial"):
                print(f"    {ending.case.path.name}: {ending.message[:110]}")

        inputs = [str(records / "speeches"), str(records / "pdf" / "S_PV.8700_E.pdf")]
        trials = kill_trials(inputs, work, args.kills, seed=2026)
        good = sum(
            t.matches and not t.problems_after_kill and not t.problems_after_rerun for t in trials
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
