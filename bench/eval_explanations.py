"""Explanations of vote and declared positions: precision and recall against the labelled
sample in bench/explanations_of_vote.tsv (see explanations_of_vote.md for how it was made).

    python bench/eval_explanations.py
"""

from __future__ import annotations

import csv
from pathlib import Path

from common import parser_with_records, records_or_exit
from councilbase.pipeline import parse_inputs

SAMPLE = Path(__file__).with_name("explanations_of_vote.tsv")


def prf(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {p:.3f} R {r:.3f} F1 {f:.3f} (tp {tp}, fp {fp}, fn {fn})"


def main() -> None:
    parser = parser_with_records(__doc__)
    args = parser.parse_args()
    records = records_or_exit(args)
    parsed = parse_inputs([str(records / "speeches"), str(records / "pdf" / "S_PV.8700_E.pdf")])
    by = {(r.symbol, r.source.format if r.source else ""): r for r in parsed.records}
    with SAMPLE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    ex = {"tp": 0, "fp": 0, "fn": 0}
    side = 0
    pos = {"tp": 0, "fp": 0, "fn": 0}
    errors: list[str] = []
    for row in rows:
        record = by[(row["symbol"], row["source"])]
        speech = record.speeches[int(row["seq"])]
        assert speech.speaker_line == row["speaker_line"], (row, speech.speaker_line)
        gold = row["explains"] != "none"
        found = speech.explains is not None
        ex["tp"] += gold and found
        ex["fp"] += found and not gold
        ex["fn"] += gold and not found
        side += gold and found and speech.explains == row["explains"]
        gold_positions = set(filter(None, row["positions"].split(",")))
        found_positions = {p.position for p in speech.positions}
        pos["tp"] += len(gold_positions & found_positions)
        pos["fp"] += len(found_positions - gold_positions)
        pos["fn"] += len(gold_positions - found_positions)
        label = f"{row['source']:8} {row['symbol']}#{row['seq']} {row['speaker_line'][:40]}"
        if gold != found or gold_positions != found_positions:
            errors.append(
                f"  {label}: explains {row['explains']} / found {speech.explains}; "
                f"positions {sorted(gold_positions)} / found {sorted(found_positions)}"
            )
    print(f"{len(rows)} labelled speeches")
    print(f"explanation of vote: {prf(**ex)}; before/after right in {side} of {ex['tp']}")
    print(f"declared positions:  {prf(**pos)}")
    print("disagreements:")
    print("\n".join(errors) or "  none")


if __name__ == "__main__":
    main()
