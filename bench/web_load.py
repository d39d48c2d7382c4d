"""The web app under load: `councilbase serve` in one process, 8 concurrent clients in this
one (keep-alive HTTP/1.1 connections on 127.0.0.1), a bounded run of search pages and
meeting pages. Prints p50 and p95 per kind of page, the page weight of a meeting page, and
a baseline measured in the same run: the JSON home (`/api/`), the cheapest dynamic route;
then 200 requests for the counts by facet that a search page loads after its results.

    python bench/web_load.py --db /tmp/scale/scale.db --requests 2000
"""

from __future__ import annotations

import argparse
import http.client
import math
import random
import statistics
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from councilbase.store.driver import sqlite3
from councilbase.testing.faults import server_process

QUERIES = [
    "humanitarian",
    "Syria",
    '"cross-border assistance"',
    "sanctions AND Libya",
    "ceasefire OR truce",
    "peacekeep*",
    "Idlib NOT Aleppo",
    '"two-State solution"',
    "women AND peace",
    "Palestin*",
]
FILTERS = [
    {},
    {"state": "RUS"},
    {"role": "member"},
    {"year": "2015"},
    {"state": "USA", "role": "member"},
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def run(port: int, urls: list[tuple[str, str]], clients: int) -> dict[str, list[float]]:
    """Fetch every URL once with ``clients`` threads; latency in ms by kind."""
    results: dict[str, list[float]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    queue = list(urls)

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                kind, url = queue.pop()
            started = time.perf_counter()
            conn.request("GET", url)
            response = conn.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if response.status != 200:
                    errors.append(f"{response.status} {url}")
                results.setdefault(kind, []).append(elapsed)
                results.setdefault("bytes:" + kind, []).append(len(body))
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        print(f"{len(errors)} errors, e.g. {errors[:3]}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    keys = [r[0] for r in conn.execute("SELECT key FROM meetings ORDER BY random() LIMIT 500")]
    speeches = conn.execute("SELECT count(*) FROM speeches").fetchone()[0]
    conn.close()
    rng = random.Random(7)
    urls: list[tuple[str, str]] = []
    for i in range(args.requests):
        if i % 2 == 0:
            params = {"q": rng.choice(QUERIES)} | rng.choice(FILTERS)
            urls.append(("search page", "/search?" + urlencode(params)))
        else:
            urls.append(("meeting page", "/meetings/" + quote(rng.choice(keys))))
    baseline = [("baseline /api/", "/api/") for _ in range(200)]
    facet_urls = [
        (
            "facets fragment",
            "/search/facets?" + urlencode({"q": rng.choice(QUERIES)} | rng.choice(FILTERS)),
        )
        for _ in range(200)
    ]
    with server_process(args.db, args.port):
        run(args.port, [("warm-up", u) for _, u in urls[:40]], args.clients)
        started = time.perf_counter()
        results = run(args.port, urls, args.clients)
        elapsed = time.perf_counter() - started
        results |= run(args.port, baseline, args.clients)
        results |= run(args.port, facet_urls, args.clients)
    print(
        f"{args.db}: {speeches:,} speeches; {args.requests} requests from {args.clients} clients in {elapsed:.1f} s ({args.requests / elapsed:.0f} requests/s)"
    )
    for kind in ("search page", "meeting page", "facets fragment", "baseline /api/"):
        values = results[kind]
        print(
            f"  {kind:15} n={len(values):5}  p50 {percentile(values, 50):7.1f} ms  p95 {percentile(values, 95):7.1f} ms"
            f"  max {max(values):7.1f} ms"
        )
    sizes = results["bytes:meeting page"]
    print(
        f"  meeting page weight: median {statistics.median(sizes) / 1024:.0f} KiB, max {max(sizes) / 1024:.0f} KiB HTML, plus htmx.min.js 50 KiB (cached); no images, no other assets"
    )
    base = percentile(results["baseline /api/"], 50)
    print(
        f"  ratio to the baseline p50: search {percentile(results['search page'], 50) / base:.1f}x, meeting {percentile(results['meeting page'], 50) / base:.1f}x"
    )


if __name__ == "__main__":
    main()
