"""Resolutions: structure and citations against labels made by reading (bench/resolutions_labels.json,
method in bench/resolutions_labels.md), the adopting meeting from the texts against the UN
library's index, and the time to import all the texts and export the citation network.

    python bench/eval_resolutions.py [--resolutions ../shared/resolutions] [--jobs N] [--list]

Timings are printed with a baseline measured in the same run: reading and decoding every file
(the least an import must do).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from councilbase.parse.resolution import parse_resolution_file
from councilbase.sample import records_dir, resolutions_dir

LABELS = Path(__file__).with_name("resolutions_labels.json")


def score_labels(folder: Path, show: bool) -> None:
    everything = json.loads(LABELS.read_text("utf-8"))["resolutions"]
    for sample in ("development", "held-out"):
        score_sample(folder, [r for r in everything if r["sample"] == sample], sample, show)


def score_sample(folder: Path, labels: list[dict[str, object]], sample: str, show: bool) -> None:
    tp = fp = fn = 0
    exact_pre = exact_op = exact_vii = 0
    misses: list[str] = []
    for label in labels:
        resolution = parse_resolution_file(folder / label["file"])
        if resolution.symbol != label["symbol"]:
            misses.append(f"{label['file']}: symbol {resolution.symbol} (label {label['symbol']})")
        found = {c.symbol for c in resolution.cites}
        truth = set(label["cites"])
        tp += len(found & truth)
        fp += len(found - truth)
        fn += len(truth - found)
        exact_pre += len(resolution.preamble) == label["preamble"]
        exact_op += len(resolution.operative) == label["operative"]
        exact_vii += resolution.chapter_vii == label["chapter_vii"]
        if show:
            if found != truth:
                misses.append(
                    f"{label['symbol']}: extra {sorted(found - truth)} missed {sorted(truth - found)}"
                )
            if len(resolution.preamble) != label["preamble"]:
                misses.append(
                    f"{label['symbol']}: preamble {len(resolution.preamble)} (label {label['preamble']})"
                )
            if len(resolution.operative) != label["operative"]:
                misses.append(
                    f"{label['symbol']}: operative {len(resolution.operative)}"
                    f" (label {label['operative']})"
                )
            if resolution.chapter_vii != label["chapter_vii"]:
                misses.append(f"{label['symbol']}: chapter VII {resolution.chapter_vii}")
    n = len(labels)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"{sample} sample: {n} resolutions, {tp + fn} citations labelled")
    print(
        f"  citations: precision {precision:.4f} recall {recall:.4f} F1 {f1:.4f}"
        f" ({tp} right, {fp} extra, {fn} missed)"
    )
    print(f"  preamble paragraphs exact: {exact_pre}/{n} ({exact_pre / n:.1%})")
    print(f"  operative paragraphs exact: {exact_op}/{n} ({exact_op / n:.1%})")
    print(f"  Chapter VII exact: {exact_vii}/{n} ({exact_vii / n:.1%})")
    for line in misses:
        print(f"    {line}")


def import_and_compare(folder: Path, jobs: int | None) -> None:
    from councilbase.analysis.resolutions import network, write_csv, write_graphml
    from councilbase.read.text import read_text_file
    from councilbase.store.database import Database
    from councilbase.store.outcomes import import_outcomes

    files = sorted(p for p in folder.iterdir() if p.suffix == ".txt")
    started = time.perf_counter()
    for path in files:
        read_text_file(path, max_bytes=5_000_000)
    baseline = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "r.db")
        records = records_dir()
        if records is not None and (records / "outcomes").is_dir():
            import_outcomes(db.conn, records / "outcomes")
        started = time.perf_counter()
        summary = db.import_resolutions([str(folder)], jobs=jobs)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = db.import_resolutions([str(folder)], jobs=jobs)
        unchanged = time.perf_counter() - started
        print(
            f"import: {len(files)} files in {seconds:.2f} s ({len(files) / seconds:,.0f} files/s),"
            f" {summary.count('added')} added, {len(summary.failed)} failed;"
            f" reading and decoding alone {baseline:.2f} s (import {seconds / baseline:.1f}x that)"
        )
        print(f"  again (all unchanged): {unchanged:.2f} s ({again.count('unchanged')} unchanged)")
        conn = db.conn
        started = time.perf_counter()
        net = network(conn)
        write_graphml(net, Path(tmp) / "n.graphml")
        write_csv(net, Path(tmp) / "csv")
        print(
            f"network: {len(net.nodes):,} nodes, {len(net.edges):,} edges; built and written as"
            f" GraphML and CSV in {time.perf_counter() - started:.2f} s"
        )
        rows = conn.execute(
            "SELECT r.symbol, r.meeting, (SELECT group_concat(o.symbol, ' ') FROM outcome_actions a"
            " JOIN outcomes o ON o.id = a.outcome_id WHERE a.document = r.symbol"
            " AND a.kind = 'resolution') AS index_meetings FROM resolutions r"
            " WHERE r.meeting_source = 'text' ORDER BY r.number"
        ).fetchall()
        indexed = [r for r in rows if r["index_meetings"]]
        agree = [r for r in indexed if r["meeting"] in r["index_meetings"].split(" ")]
        differ = [r for r in indexed if r not in agree]
        from_index = conn.execute(
            "SELECT count(*) FROM resolutions WHERE meeting_source = 'index'"
        ).fetchone()[0]
        neither = conn.execute("SELECT count(*) FROM resolutions WHERE meeting IS NULL").fetchone()[
            0
        ]
        print(
            f"adopting meeting: {len(rows)} from the text; {len(indexed)} of them in the index,"
            f" {len(agree)} agree ({len(agree) / max(1, len(indexed)):.2%});"
            f" {from_index} from the index alone; {neither} with none"
        )
        for r in differ:
            print(f"    {r['symbol']}: text {r['meeting']}, index {r['index_meetings']}")
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--resolutions", type=Path, default=resolutions_dir())
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--list", action="store_true", help="List every miss.")
    args = parser.parse_args()
    if args.resolutions is None or not args.resolutions.is_dir():
        print("no resolution texts: give --resolutions", file=sys.stderr)
        raise SystemExit(2)
    score_labels(args.resolutions, args.list)
    import_and_compare(args.resolutions, args.jobs)


if __name__ == "__main__":
    main()
