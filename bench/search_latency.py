"""Search latency on a database: p50 and p95 of 20 representative searches (top 20 by bm25
with snippets), without and with filters. Baseline, measured in the same run: the same
word found by scanning every speech (``LIKE '%word%'``), as a script without an index would.

    python bench/search_latency.py --db /tmp/scale.db
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from pathlib import Path

import councilbase

PLAIN = [
    "humanitarian",
    "Syria",
    '"cross-border assistance"',
    '"Security Council"',
    "sanctions AND Libya",
    "ceasefire OR truce",
    "peacekeep*",
    "Idlib NOT Aleppo",
    '"two-State solution"',
    "COVID* OR pandemic",
]
FILTERED = [
    ("humanitarian", {"state": "RUS"}),
    ("Syria", {"role": "member", "date_from": "2010", "date_to": "2015"}),
    ('"cross-border assistance"', {"state": "GBR"}),
    ("sanctions", {"topic": "Middle East"}),
    ("peacekeep*", {"role": "briefer"}),
    ("ceasefire", {"date_from": "1990-01", "date_to": "1999-12"}),
    ("women AND peace", {"state": "FRA", "role": "member"}),
    ("resolution", {"person": "Nebenzia"}),
    ("humanitarian", {"meeting": "S/PV.4000"}),
    ("Palestin*", {"state": "USA", "date_from": "2000"}),
]
BASELINE_WORDS = ["humanitarian", "Syria", "Idlib", "sanctions", "ceasefire"]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[rank]


def timed(fn: object, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    db = councilbase.open(args.db, readonly=True)
    speeches = db.stats()["speeches"]
    print(f"{args.db}: {speeches:,} speeches, {args.db.stat().st_size / 1e6:.0f} MB")
    db.search("warm up the page cache", limit=1)
    groups: dict[str, list[float]] = {"plain": [], "filtered": []}
    medians: list[float] = []
    for query in PLAIN:
        runs = timed(lambda q=query: db.search(q, limit=20), args.repeat)
        groups["plain"] += runs
        medians.append(statistics.median(runs))
        print(f"  {statistics.median(runs):7.1f} ms  {query}  ({db.count(query):,} match)")
    for query, filters in FILTERED:
        runs = timed(lambda q=query, f=filters: db.search(q, limit=20, **f), args.repeat)
        groups["filtered"] += runs
        medians.append(statistics.median(runs))
        shown = " ".join(f"--{k} {v}" for k, v in filters.items())
        print(f"  {statistics.median(runs):7.1f} ms  {query} {shown}")
    every = groups["plain"] + groups["filtered"]
    for name, runs in (*groups.items(), ("all 20", every)):
        print(
            f"{name:>9} (every run): p50 {percentile(runs, 50):6.1f} ms   "
            f"p95 {percentile(runs, 95):6.1f} ms   max {max(runs):6.1f} ms"
        )
    print(
        f"per search (median of {args.repeat} runs each, 20 searches): "
        f"p50 {percentile(medians, 50):.1f} ms, p95 {percentile(medians, 95):.1f} ms, "
        f"max {max(medians):.1f} ms"
    )
    scans = []
    for word in BASELINE_WORDS:
        started = time.perf_counter()
        db.conn.execute(
            "SELECT id FROM speeches WHERE text LIKE ? LIMIT 20 OFFSET 0", (f"%{word}%",)
        ).fetchall()
        db.conn.execute(
            "SELECT count(*) FROM speeches WHERE text LIKE ?", (f"%{word}%",)
        ).fetchone()
        scans.append((time.perf_counter() - started) * 1000)
    indexed = [
        statistics.median(timed(lambda w=word: (db.search(w, limit=20), db.count(w)), 3))
        for word in BASELINE_WORDS
    ]
    print(
        f"baseline (LIKE scan, count + first 20, no ranking): median {statistics.median(scans):.0f} ms;"
        f" councilbase (bm25 top 20 + count): median {statistics.median(indexed):.1f} ms;"
        f" ratio {statistics.median(scans) / statistics.median(indexed):.0f}x faster"
    )
    db.close()


if __name__ == "__main__":
    main()
