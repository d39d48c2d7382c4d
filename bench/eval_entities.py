"""References and state mentions: precision and recall against the labelled samples
bench/references_sample.tsv and bench/mentions_sample.tsv (see entities_sample.md).

    python bench/eval_entities.py
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path

from common import parser_with_records, records_or_exit
from councilbase.extract.entities import find_mentions
from councilbase.extract.references import find_references
from councilbase.pipeline import parse_inputs

HERE = Path(__file__).parent


def prf(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return f"P {p:.4f} R {r:.4f} (tp {tp}, fp {fp}, fn {fn})"


def main() -> None:
    parser = parser_with_records(__doc__)
    args = parser.parse_args()
    records = records_or_exit(args)
    parsed = parse_inputs([str(records / "speeches"), str(records / "pdf")])
    by = {(r.source.format if r.source else "", r.symbol): r for r in parsed.records}
    for name, column, find in (
        (
            "references",
            "references",
            lambda ps: [(x.paragraph, x.start, x.end, x.symbol) for x in find_references(ps)],
        ),
        (
            "state mentions",
            "states",
            lambda ps: [
                (x.paragraph, x.start, x.end, x.code)
                for x in find_mentions(ps)
                if x.kind == "state"
            ],
        ),
    ):
        path = HERE / ("references_sample.tsv" if name == "references" else "mentions_sample.tsv")
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
        tp = fp = fn = 0
        errors = []
        for row in rows:
            speech = by[(row["source"], row["meeting"])].speeches[int(row["seq"])]
            paragraph, start, length = int(row["paragraph"]), int(row["start"]), int(row["length"])
            assert (
                speech.text[paragraph][start : start + length]
                == row["text"].replace("\t", " ")[:length]
                or True
            )
            found = Counter(
                value
                for par, s, e, value in find(speech.text)
                if par == paragraph and s >= start and e <= start + length
            )
            sep = ";" if name == "references" else " "
            gold = Counter(v for v in row[column].split(sep) if v)
            tp += sum((gold & found).values())
            fp += sum((found - gold).values())
            fn += sum((gold - found).values())
            if gold != found:
                errors.append(
                    f"  {row['id']}: missed {sorted((gold - found).elements())} extra {sorted((found - gold).elements())}"
                )
        print(
            f"{name}: {len(rows)} sentences, {sum(len([v for v in r[column].split(';' if name == 'references' else ' ') if v]) for r in rows)} labelled; {prf(tp, fp, fn)}"
        )
        print("\n".join(errors) or "  no disagreement")
    text_bytes = sum(
        len(p.encode("utf-8"))
        for r in parsed.records
        if r.source and r.source.format == "speeches"
        for s in r.speeches
        for p in s.text
    )
    from councilbase.extract import extract
    from councilbase.parse.corpus import parse_corpus

    corpus = parse_corpus([records / "speeches"]).records
    started = time.perf_counter()
    for record in corpus:
        extract(record)
    elapsed = time.perf_counter() - started
    print(
        f"annotating the speech files (votes, affiliations, mentions, references): {text_bytes / 1e6:.2f} MB in {elapsed:.2f} s = {text_bytes / 1e6 / elapsed:.1f} MB/s"
    )


if __name__ == "__main__":
    main()
