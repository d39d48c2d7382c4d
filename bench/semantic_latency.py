"""Semantic search latency over a large database (the 150,000-speech scale corpus).

Embeds the speeches not yet embedded (the scale corpus reuses the real speeches' texts, so
only those are embedded: an unchanged text is never embedded twice), builds the in-memory
index once, then times representative queries: p50/p95 of the whole query (embedding the
query with the model, the int8 scan of every chunk of every speech, best chunk per speech, the
candidates scored again exactly, top 20), without and with filters, and how many of the exact
float32 search's top 20 come back. Baseline, measured in the same run: the keyword
search (FTS5, bm25, top 20 with snippets) for the same queries' words.

    python bench/semantic_latency.py --db /tmp/scale/scale.db --model minilm
"""

from __future__ import annotations

import argparse
import math
import re
import statistics
import time
from pathlib import Path

import numpy as np

import councilbase
from councilbase.analysis import semantic as sem
from councilbase.store.search import Filters

QUERIES = [
    "humanitarian aid convoys crossing the border into north-west Syria",
    "protecting children from recruitment by armed groups",
    "Israeli settlements in the occupied West Bank and the two-State solution",
    "sanctions against the Democratic People's Republic of Korea",
    "women's participation in peace processes",
    "the use of chemical weapons must be investigated",
    "peacekeepers killed in Mali",
    "elections and the political transition in Libya",
    "climate change as a threat to international peace and security",
    "the humanitarian situation in Yemen and the port of Hudaydah",
    "terrorism and foreign fighters",
    "ceasefire violations in eastern Ukraine",
    "the veto and the reform of the Security Council",
    "refugees returning home safely and voluntarily",
    "the International Criminal Court and accountability",
    "COVID-19 pandemic and a global ceasefire",
    "the mandate of the peacekeeping mission is renewed",
    "Iran nuclear agreement and the Joint Comprehensive Plan of Action",
    "Afghanistan and talks with the Taliban",
    "Sudan and the transitional government",
]
FILTERS = [
    Filters(state="RUS"),
    Filters(role="member", date_from="2010", date_to="2015"),
    Filters(topic="Middle East"),
    Filters(date_from="1990-01", date_to="1999-12"),
]
KEYWORDS = {"humanitarian", "children", "settlements", "sanctions", "women", "chemical"}


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[rank]


def summary(label: str, times: list[float]) -> str:
    return (
        f"{label}: n={len(times)} p50 {statistics.median(times):.1f} ms,"
        f" p95 {percentile(times, 95):.1f} ms, max {max(times):.1f} ms"
    )


def agreement(db: councilbase.Database, index: sem.SemanticIndex, model: sem.Embedder) -> str:
    """How many of the exact top 20 (every chunk's float32 vector, brute force) the search
    returns, over the queries: what the int8 scan and its candidates cost in answers."""
    matrix = sem._read_vectors(db.conn, model.name, index.digests, len(index.codes))
    found = total = 0
    for query in QUERIES:
        vector = model.embed([query])[0]
        exact = np.maximum.reduceat(matrix @ vector, index.starts)
        threshold = np.sort(exact)[-20]  # ties at the 20th score count as found
        hits = sem.semantic_search(db.conn, model, query, limit=20)
        found += sum(exact[index.position(h.id) or 0] >= threshold - 1e-6 for h in hits)
        total += 20
    return f"agreement with the exact float32 search: {found}/{total} of the top 20 ({found / total:.1%})"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    db = councilbase.open(args.db)
    speeches = db.conn.execute("SELECT count(*) FROM speeches").fetchone()[0]
    model = sem.embedder(args.model)
    started = time.perf_counter()
    done = sem.embed_speeches(db.conn, model)
    print(
        f"{model.name}: {speeches} speeches; embedded {done.embedded} texts"
        f" ({done.chunks} chunks) in {time.perf_counter() - started:.1f} s,"
        f" {done.reused} speeches already embedded"
    )
    started = time.perf_counter()
    index = sem.semantic_index(db.conn, model.name)
    print(
        f"index: {len(index)} speeches, {index.codes.shape[0]} chunks x {index.codes.shape[1]}"
        f" (int8 codes and scales: {(index.codes.nbytes + index.scales.nbytes) / 2**20:.0f} MiB)"
        f" built in {time.perf_counter() - started:.1f} s"
    )
    for query in QUERIES[:3]:  # warm up, and show what comes back
        hits = sem.semantic_search(db.conn, model, query, limit=3)
        print(f"  {query!r}: " + "; ".join(f"{h.id} {h.similarity}" for h in hits))

    def run(fn: object) -> float:
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        return (time.perf_counter() - t0) * 1000

    embed_only = [run(lambda q=q: model.embed([q])) for q in QUERIES for _ in range(args.repeat)]
    plain = [
        run(lambda q=q: sem.semantic_search(db.conn, model, q, limit=20))
        for q in QUERIES
        for _ in range(args.repeat)
    ]
    filtered = [
        run(lambda q=q, f=f: sem.semantic_search(db.conn, model, q, f, limit=20))
        for i, q in enumerate(QUERIES)
        for f in [FILTERS[i % len(FILTERS)]]
        for _ in range(args.repeat)
    ]
    keyword_queries = [
        " OR ".join(w for w in re.findall(r"[A-Za-z]+", q) if len(w) > 3)[:200] for q in QUERIES
    ]
    keyword = [
        run(lambda q=q: db.search(q, limit=20)) for q in keyword_queries for _ in range(args.repeat)
    ]
    print(summary("query embedding alone", embed_only))
    print(agreement(db, index, model))
    print(summary("semantic search, whole corpus", plain))
    print(summary("semantic search, with a filter", filtered))
    print(summary("baseline: keyword search (FTS5 bm25, OR of the query's words)", keyword))
    print(
        f"ratio semantic/keyword p95: {percentile(plain, 95) / percentile(keyword, 95):.2f}x;"
        f" goal: semantic p95 under 100 ms -> {'met' if percentile(plain, 95) < 100 else 'NOT met'}"
    )
    db.close()


if __name__ == "__main__":
    main()
