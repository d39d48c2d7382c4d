"""Accuracy of the PDF parser against the speech-level corpus files of the same meetings.

For each PDF in ``<records>/pdf``, the speeches it gives are aligned with the corpus files
``UNSC_<year>_SPV.<number>[ResumptionN]_spch*.txt`` of the same meeting: consecutive
speeches by one speaker are merged on both sides, speaker lines are matched fuzzily
(difflib ratio >= 0.75 on the normalised speaker line, language note removed), and the
two sequences are aligned by a longest-common-subsequence over those matches.

Reported: speech precision, recall and F1, and the mean bag-of-words F1 of matched
speech texts (lower-cased word tokens). A baseline (pdftotext-like raw pypdfium2 text
plus one speaker regex) is scored in the same run for scale.

Run: ``.venv/bin/python bench/eval_pdf.py [--records DIR]``
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

import pypdfium2 as pdfium

from common import parser_with_records, records_or_exit
from councilbase.parse import parse_pdf
from councilbase.parse.corpus import parse_corpus

_WORD = re.compile(r"[^\W_]+")
_BASELINE_SPEAKER = re.compile(
    r"^((?:Mr\.|Mrs\.|Ms\.|The President|The Secretary-General)[^:\n]{0,100}):", re.MULTILINE
)


def speaker_key(line: str) -> str:
    """A speaker line reduced for matching: no language note, no punctuation, lower case."""
    line = re.sub(r"\(\s*spoke in [^)]*\)", "", line, flags=re.IGNORECASE)
    return " ".join(_WORD.findall(line.casefold()))


def merge_runs(speeches: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Merge consecutive speeches by one speaker."""
    merged: list[tuple[str, str]] = []
    for key, text in speeches:
        if merged and similar(merged[-1][0], key):
            merged[-1] = (merged[-1][0], merged[-1][1] + " " + text)
        else:
            merged.append((key, text))
    return merged


def similar(a: str, b: str) -> bool:
    """Fuzzy equality of two speaker keys."""
    return a == b or SequenceMatcher(None, a, b).ratio() >= 0.75


def align(left: list[str], right: list[str]) -> list[tuple[int, int]]:
    """Index pairs of a longest common subsequence under :func:`similar`."""
    n, m = len(left), len(right)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            if similar(left[i], right[j]):
                table[i][j] = table[i + 1][j + 1] + 1
            else:
                table[i][j] = max(table[i + 1][j], table[i][j + 1])
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if similar(left[i], right[j]) and table[i][j] == table[i + 1][j + 1] + 1:
            pairs.append((i, j))
            i += 1
            j += 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def bow_f1(a: str, b: str) -> float:
    """Bag-of-words F1 between two texts."""
    ca, cb = Counter(_WORD.findall(a.casefold())), Counter(_WORD.findall(b.casefold()))
    common = sum((ca & cb).values())
    if not common:
        return 0.0
    precision, recall = common / sum(ca.values()), common / sum(cb.values())
    return 2 * precision * recall / (precision + recall)


def score(
    ours: list[tuple[str, str]], gold: list[tuple[str, str]]
) -> tuple[int, int, int, list[float]]:
    """(matched, ours, gold, text F1 of each matched pair)."""
    ours, gold = merge_runs(ours), merge_runs(gold)
    pairs = align([k for k, _ in ours], [k for k, _ in gold])
    return len(pairs), len(ours), len(gold), [bow_f1(ours[i][1], gold[j][1]) for i, j in pairs]


def baseline_speeches(path: Path) -> list[tuple[str, str]]:
    """A plain text extraction and one speaker regex, for scale."""
    document = pdfium.PdfDocument(str(path))
    text = "\n".join(document[i].get_textpage().get_text_range() for i in range(1, len(document)))
    document.close()
    text = text.replace("\r\n", "\n").replace("\ufffe", "-")
    parts = _BASELINE_SPEAKER.split(text)
    return [(speaker_key(parts[i]), parts[i + 1]) for i in range(1, len(parts) - 1, 2)]


def corpus_symbol(pdf: Path) -> tuple[str, str]:
    """The corpus file prefix of a PDF: ``S_PV.8699(Resumption1)_E.pdf`` -> ``SPV.8699Resumption1``."""
    match = re.match(r"S_PV\.(\d+)(?:\(Resumption(\d+)\))?_E\.pdf", pdf.name)
    if not match:
        raise SystemExit(f"unexpected PDF name {pdf.name}")
    return match.group(1), match.group(2) or ""


def main() -> int:
    parser = parser_with_records(__doc__)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    args.records = records_or_exit(args)
    totals = {"ours": [0, 0, 0, []], "baseline": [0, 0, 0, []]}
    print(f"{'record':28} {'speeches':>8} {'gold':>5} {'P':>6} {'R':>6} {'F1':>6} {'textF1':>7}")
    for pdf in sorted((args.records / "pdf").glob("*.pdf")):
        number, resumption = corpus_symbol(pdf)
        pattern = f"UNSC_*_SPV.{number}{'Resumption' + resumption if resumption else ''}_spch*.txt"
        files = sorted((args.records / "speeches").glob(pattern))
        corpus = parse_corpus(files).records
        gold = [(speaker_key(s.speaker_line), " ".join(s.text)) for r in corpus for s in r.speeches]
        record = parse_pdf(pdf)
        ours = [(speaker_key(s.speaker_line), " ".join(s.text)) for s in record.speeches]
        for name, speeches in (("ours", ours), ("baseline", baseline_speeches(pdf))):
            matched, n_ours, n_gold, f1s = score(speeches, gold)
            total = totals[name]
            total[0] += matched  # type: ignore[operator]
            total[1] += n_ours  # type: ignore[operator]
            total[2] += n_gold  # type: ignore[operator]
            total[3].extend(f1s)  # type: ignore[union-attr]
            if name == "ours":
                p = matched / n_ours if n_ours else 0.0
                r = matched / n_gold if n_gold else 0.0
                f = 2 * p * r / (p + r) if p + r else 0.0
                text = sum(f1s) / len(f1s) if f1s else 0.0
                print(
                    f"{pdf.name:28} {n_ours:8d} {n_gold:5d} {p:6.3f} {r:6.3f} {f:6.3f} {text:7.3f}"
                )
                if args.verbose:
                    for a, b in zip(merge_runs(ours), merge_runs(gold), strict=False):
                        print("   ", a[0][:40], "|", b[0][:40], f"{bow_f1(a[1], b[1]):.3f}")
    print()
    for name, (matched, n_ours, n_gold, f1s) in totals.items():
        p, r = matched / n_ours, matched / n_gold  # type: ignore[operator]
        f = 2 * p * r / (p + r)
        text = sum(f1s) / len(f1s)  # type: ignore[arg-type]
        print(
            f"{name:9} speech P {p:.4f} R {r:.4f} F1 {f:.4f}   mean text bag-of-words F1 {text:.4f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
