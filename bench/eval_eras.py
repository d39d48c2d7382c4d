"""Records of other eras (../shared/eras) against labels made by reading them
(bench/eras_labels.json, method in bench/eras_labels.md): speeches found (speaker sequence,
precision, recall, F1 after aligning the sequences), cover fields, votes exact, in one table.

    python bench/eval_eras.py [--ocr auto|always|never]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from councilbase import reference
from councilbase.extract import extract
from councilbase.model import Record
from councilbase.parse import parse_pdf
from councilbase.sample import records_dir

LABELS = Path(__file__).with_name("eras_labels.json")


def eras_dir() -> Path:
    records = records_dir()
    folder = (records.parent if records else Path("../shared")) / "eras"
    if not folder.is_dir():
        raise SystemExit(f"{folder}: not found (the eras records live in ../shared/eras)")
    return folder


def speaker_code(speech: object) -> str:
    role = getattr(speech, "role", "")
    title = getattr(speech, "title", "")
    if role == "president" or title in ("The President", "The Acting President"):
        return "P"
    if title == "The Secretary-General":
        return "SG"
    return getattr(speech, "state", None) or getattr(speech, "organisation", None) or "?"


def lcs(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence: speeches found in the right order."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = (
                table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
            )
    return table[-1][-1]


def cover_fields(record: Record, label: dict[str, object]) -> dict[str, bool]:
    president = reference.resolve_state(record.president.country) if record.president else None
    members = sorted(filter(None, (reference.resolve_state(m.country) for m in record.members)))
    found = {
        "symbol": record.symbol == label["symbol"],
        "date": record.date == label["date"],
        "time": record.time == label["time"],
        "president": president == label["president"],
    }
    if "members" in label:  # the Council's cover page; the Assembly's has none
        found["members"] = members == sorted(label["members"])  # type: ignore[arg-type]
    if "president_name" in label:
        found["president's name"] = bool(
            record.president and record.president.name == label["president_name"]
        )
    for code, name in dict(label.get("representatives", {})).items():  # type: ignore[call-overload]
        held = next((m for m in record.members if reference.resolve_state(m.country) == code), None)
        found[f"representative {code}"] = held is not None and held.representative == name
    return found


def vote_matches(record: Record, labels: list[dict[str, object]]) -> list[bool]:
    """Each labelled vote: whether a vote of the record has exactly its lists, tally and
    outcome (taken in order)."""
    out = []
    used: set[int] = set()
    for label in labels:
        hit = False
        for number, vote in enumerate(record.votes):
            if number in used:
                continue
            lists = {
                key: sorted(c.code or c.name for c in vote.casts if c.vote == key)
                for key in ("in_favour", "against", "abstaining")
            }
            tally = vote.announced or vote.counted
            if (
                all(lists[key] == sorted(label[key]) for key in lists)  # type: ignore[arg-type]
                and (str(tally) if tally else None) == label["tally"]
                and vote.outcome == label["outcome"]
                and not [c for c in vote.casts if c.code is None]  # every name coded
                and (vote.counted is None or vote.announced is None or vote.counted == tally)
                and label.get("resolution", vote.resolution) == vote.resolution
            ):
                used.add(number)
                hit = True
                break
        out.append(hit)
    return out


def decision_matches(record: Record, labels: list[dict[str, object]]) -> int:
    """How many of the labelled decisions (the Assembly's, in order: outcome, resolution,
    tally or none) the record's votes give, aligned in order."""
    found = [
        (v.outcome, v.resolution, str(v.announced) if v.announced else None) for v in record.votes
    ]
    wanted = [(d["outcome"], d["resolution"], d["tally"]) for d in labels]
    return lcs([repr(f) for f in found], [repr(w) for w in wanted])


def text_scores(record: Record, folder: Path, label: dict[str, object]) -> list[float]:
    """Text F1 of each speech against the truth read by poppler (bench/assembly_truth.py),
    with the project's scorer (bench/eval_pdf.py)."""
    from assembly_truth import truth_speeches
    from eval_pdf import score, speaker_key

    gold = [
        (speaker_key(line), text)
        for line, text in truth_speeches(folder / str(label["file"]), label["speaker_lines"])  # type: ignore[arg-type]
    ]
    ours = [(speaker_key(s.speaker_line), " ".join(s.text)) for s in record.speeches]
    return score(ours, gold)[3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ocr", default="auto")
    args = parser.parse_args()
    labels = json.loads(LABELS.read_text("utf-8"))["records"]
    folder = eras_dir()
    total_found = total_label = total_matched = 0
    texts: list[float] = []
    print(
        f"{'record':12} {'layout':17} {'speeches':>9} {'P':>6} {'R':>6} {'F1':>6}  cover  votes exact  seconds"
    )
    for symbol, label in labels.items():
        started = time.perf_counter()
        record = parse_pdf(folder / label["file"], ocr=args.ocr)
        extract(record)
        seconds = time.perf_counter() - started
        found = [speaker_code(s) for s in record.speeches]
        matched = lcs(found, label["speeches"])
        total_found += len(found)
        total_label += len(label["speeches"])
        total_matched += matched
        p = matched / len(found) if found else 0.0
        r = matched / len(label["speeches"])
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        cover = cover_fields(record, label["cover"])
        votes = vote_matches(record, label["votes"])
        layout_ok = "" if record.layout == label["layout"] else f" (layout {record.layout}!)"
        print(
            f"{symbol:12} {str(record.layout) + layout_ok:17} {len(found):4}/{len(label['speeches']):<4} "
            f"{p:6.3f} {r:6.3f} {f1:6.3f}  {sum(cover.values())}/{len(cover)}    "
            f"{sum(votes)}/{len(votes)}      {seconds:6.1f}"
        )
        for name, ok in cover.items():
            if not ok:
                print(f"    cover field wrong: {name}")
        if "languages" in label:
            for key, language in label["languages"].items():
                _code, _, index = key.partition("#")
                speech = record.speeches[int(index)] if int(index) < len(record.speeches) else None
                if speech is None or speech.language != language:
                    print(
                        f"    language of speech {key}: {speech.language if speech else None!r}, not {language}"
                    )
        for number, ok in enumerate(votes):
            if not ok:
                print(
                    f"    vote {number + 1} not exact: {label['votes'][number]['tally']} expected"
                )
        if "decisions" in label:
            hit = decision_matches(record, label["decisions"])
            print(
                f"    decisions: {hit} of {len(label['decisions'])} exact (outcome, resolution,"
                f" tally) in order; {len(record.votes)} found"
            )
        if "speaker_lines" in label:
            f1s = text_scores(record, folder, label)
            mean = sum(f1s) / len(f1s) if f1s else 0.0
            texts.extend(f1s)
            print(f"    text F1 {mean:.4f} over {len(f1s)} speeches (runs of one speaker merged)")
    p = total_matched / total_found if total_found else 0.0
    r = total_matched / total_label
    print(
        f"all: speeches P {p:.3f} R {r:.3f} F1 {2 * p * r / (p + r) if p + r else 0:.3f}"
        f" ({total_matched} of {total_label} labelled speeches found in order)"
    )
    if texts:
        print(f"Assembly records: mean text F1 {sum(texts) / len(texts):.4f}")


if __name__ == "__main__":
    main()
