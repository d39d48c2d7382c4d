"""JSON search over HTTP against the peer: councilbase's server (default workers) and Datasette
serving the same database, the same queries, each on one reused (keep-alive) connection, the
time to the last byte of each answer. Datasette is the tool a user would pick to browse and
search an SQLite file; it is installed in the benchmark's environment (the dev extra), never a
dependency of councilbase.

Printed, p50 and p95 in ms, each with its ratio to the peer, Datasette doing councilbase's
work:
- councilbase `/api/search?q=...` (the total, the page of 20 ranked by bm25, snippets);
- the peer: Datasette running that work as one SQL query (the count, the 20 best by bm25 with
  snippets), the same answer as councilbase's;
- the floor: the same search in this process, no HTTP (`pages.search_page`, counting on a
  second connection while the first ranks, as the server does);
- Datasette's table search `/<db>/speeches.json?_search=...&_searchmode=raw&_size=20` (the
  count and 20 rows, newest first, unranked: what its search box does), once per query, as
  it takes seconds on common words at 150,000 speeches;
- the cheapest dynamic route of each (`/api/` and Datasette's `/-/versions.json`): goal under
  5 ms p50 on a reused connection;
- each of councilbase's answers split into time to the headers and to the last byte: a body
  that comes tens of ms after its headers is the delayed-acknowledgement stall of issue 19.

    python bench/web_peers.py --db /tmp/scale/scale.db
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import web_load
from councilbase.store.describe import datasette_metadata
from councilbase.testing.faults import free_port, listening

QUERIES = [  # web_load's ten, and six more
    *web_load.QUERIES,
    "chemical weapons",
    "Hudaydah",
    "refugees AND return",
    "Taliban",
    '"Joint Comprehensive Plan of Action"',
    "Darfur OR Sudan",
]
# the same work as councilbase's search, asked of Datasette as SQL
RANKED_SQL = (
    "SELECT s.id, s.seq, s.speaker_line, s.state,"
    " snippet(speeches_fts, -1, '[', ']', ' … ', 24) AS snippet,"
    " (SELECT count(*) FROM speeches_fts WHERE speeches_fts MATCH :q) AS total"
    " FROM speeches_fts JOIN speeches s ON s.id = speeches_fts.rowid"
    " WHERE speeches_fts MATCH :q ORDER BY rank LIMIT 20"
)


def timed(
    targets: list[tuple[int, list[str]]], repeat: int
) -> list[tuple[list[float], list[float]]]:
    """Each target's paths fetched once to warm up, then ``repeat`` times, each target on its
    own reused connection, the targets taking turns path by path (so that a slower moment of
    the machine falls on both): per target, (times to the headers, times to the last byte),
    in ms."""
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=120) for port, _ in targets]
    out: list[tuple[list[float], list[float]]] = [([], []) for _ in targets]
    for round_ in range(repeat + 1):
        for number in range(max(len(paths) for _, paths in targets)):
            for conn, (_, paths), (heads, ends) in zip(conns, targets, out, strict=True):
                if number >= len(paths):
                    continue
                begun = time.perf_counter()
                conn.request("GET", paths[number])
                response = conn.getresponse()
                head = time.perf_counter()
                body = response.read()
                end = time.perf_counter()
                if response.status != 200:
                    raise SystemExit(f"{paths[number]}: HTTP {response.status}: {body[:300]!r}")
                if round_:
                    heads.append((head - begun) * 1000)
                    ends.append((end - begun) * 1000)
    for conn in conns:
        conn.close()
    return out


def in_process(db: Path, repeat: int) -> list[float]:
    """The search the API runs (the total and a ranked page with snippets), without HTTP."""
    from councilbase.store.search import Filters
    from councilbase.web import pages
    from councilbase.web.connection import Connections

    times = []
    connections = Connections(db)
    for round_ in range(repeat + 1):
        for query in QUERIES:
            begun = time.perf_counter()
            pages.search_page(connections.get(), query, Filters(), 1, connections.count_soon)
            if round_:
                times.append((time.perf_counter() - begun) * 1000)
    return times


def line(label: str, values: list[float], peer: float | None = None) -> str:
    p50 = statistics.median(values)
    ratio = f", {p50 / peer:.2f}x the peer" if peer else ""
    return f"{label}: p50 {p50:.1f} ms, p95 {web_load.percentile(values, 95):.1f} ms{ratio}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--workers", type=int, default=None, help="councilbase's (default: its own)"
    )
    args = parser.parse_args()
    datasette = shutil.which("datasette", path=str(Path(sys.executable).parent))
    if datasette is None:
        raise SystemExit("Datasette is not installed here: pip install datasette")
    stem = args.db.stem
    ours_port, peer_port = free_port(), free_port()
    serve = [sys.executable, "-m", "councilbase", "serve", "--db", str(args.db)]
    serve += ["--port", str(ours_port)] + (["--workers", str(args.workers)] if args.workers else [])
    with tempfile.TemporaryDirectory() as folder:
        metadata = Path(folder) / "metadata.json"
        metadata.write_text(json.dumps(datasette_metadata(stem)), "utf-8")
        peer = [datasette, "serve", str(args.db), "--metadata", str(metadata)]
        peer += ["--port", str(peer_port), "--setting", "sql_time_limit_ms", "60000"]
        with (
            listening(serve, ours_port, "councilbase", 60),
            listening(peer, peer_port, "Datasette", 60),
        ):
            ours = [f"/api/search?{urlencode({'q': q})}" for q in QUERIES]
            table = [
                f"/{stem}/speeches.json?"
                + urlencode({"_search": q, "_searchmode": "raw", "_size": 20, "_shape": "objects"})
                for q in QUERIES
            ]
            ranked = [
                f"/{stem}.json?" + urlencode({"sql": RANKED_SQL, "q": q, "_shape": "objects"})
                for q in QUERIES
            ]
            (our_heads, our_ends), (_, ranked_ends) = timed(
                [(ours_port, ours), (peer_port, ranked)], args.repeat
            )
            ((_, table_ends),) = timed([(peer_port, table)], 1)
            (_, our_home), (_, peer_home) = timed(
                [(ours_port, ["/api/"] * 10), (peer_port, ["/-/versions.json"] * 10)], args.repeat
            )
    floor = in_process(args.db, args.repeat)
    peer_p50 = statistics.median(ranked_ends)
    print(f"{args.db}: {len(QUERIES)} queries x {args.repeat}, one reused connection each")
    print(line("councilbase /api/search (count, 20 by bm25, snippets)", our_ends, peer_p50))
    print(line("peer: Datasette, the same work as one SQL query", ranked_ends, peer_p50))
    print(line("floor: the same search in process, no HTTP", floor, peer_p50))
    print(line("Datasette table search (count, 20 newest, unranked; once)", table_ends, peer_p50))
    gaps = [end - head for head, end in zip(our_heads, our_ends, strict=True)]
    print(line("councilbase: last byte after the headers", gaps))
    print(line("councilbase /api/ (goal: p50 under 5 ms)", our_home))
    print(line("Datasette /-/versions.json", peer_home))
    met = statistics.median(our_ends) <= peer_p50 and statistics.median(our_home) < 5
    print(
        f"goals (search p50 at or below Datasette's, /api/ p50 under 5 ms): {'met' if met else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
