"""The UN library's outcomes index: rows per year, rows that could not be read, actions by
kind, and the vetoed drafts in the yearly tables checked against the veto list.

    python bench/outcomes_index.py
"""

from __future__ import annotations

import re
import time
from collections import Counter

from common import parser_with_records, records_or_exit
from councilbase.parse.outcomes import parse_table, parse_vetoes

DRAFT = re.compile(r"S/(?:PV\.)?(?:\d{4}/)?\d+(?:/Rev\.\d+)?")


def main() -> None:
    parser = parser_with_records(__doc__)
    args = parser.parse_args()
    folder = records_or_exit(args) / "outcomes"
    started = time.perf_counter()
    per_year: dict[str, int] = {}
    kinds: Counter[str] = Counter()
    problems = 0
    vetoed: dict[str, list[tuple[str | None, list[str]]]] = {}
    for path in sorted(folder.glob("scact*_table_en.html")):
        if "veto" in path.name:
            continue
        rows, _ = parse_table(path)
        per_year[path.name.removeprefix("scact").removesuffix("_table_en.html")] = len(rows)
        for row in rows:
            problems += bool(row.problems)
            for action in row.actions:
                kinds[action.kind] += 1
                if action.kind == "draft_vetoed" and action.document:
                    key = DRAFT.match(action.document)
                    vetoed.setdefault(key.group() if key else action.document, []).append(
                        (row.symbol, action.vetoed_by)
                    )
    vetoes = parse_vetoes(folder / "scact_veto_table_en.html")
    elapsed = time.perf_counter() - started
    print(" ".join(f"{year}:{count}" for year, count in per_year.items()))
    print(f"{sum(per_year.values())} meeting rows, {problems} with problems, {elapsed:.2f} s")
    print("actions: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    same = differ = missing = 0
    for veto in vetoes:
        drafts = DRAFT.findall(veto.draft)
        found = next((vetoed[d] for d in drafts if d in vetoed), None)
        if found is None:  # the tables sometimes drop "/Rev.1"
            found = next(
                (vetoed[d.split("/Rev")[0]] for d in drafts if d.split("/Rev")[0] in vetoed), None
            )
        if found is None:
            missing += 1
            print(
                f"  not in the yearly tables as vetoed: {veto.draft} {veto.records} {veto.vetoed_by}"
            )
        elif any(sorted(who) == sorted(veto.vetoed_by) for _, who in found):
            same += 1
        else:
            differ += 1
            print(
                f"  vetoed by differs: {veto.draft}: tables {found[0][1]}, veto list {veto.vetoed_by}"
            )
    print(
        f"veto list: {len(vetoes)} rows; found in the yearly tables with the same permanent "
        f"members {same}, with others {differ}, not found {missing}; vetoed drafts in the "
        f"yearly tables: {len(vetoed)}"
    )


if __name__ == "__main__":
    main()
