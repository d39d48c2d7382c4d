"""Glued-word and line-wrap repair, measured on the older corpus variant rebuilt from real
speeches.

How the test text is made (and so labelled): real speeches of ``<records>/speeches`` are
re-wrapped into lines of about 50 characters, paragraphs kept apart by blank lines; words
that cross a line end are cut with a hyphen; dashes are written `` - ``; and spaces are
deleted the way a PDF extractor loses them: before a capitalised word, mostly after a
short function word (``of Kazakhstan`` -> ``ofKazakhstan``). Every deleted space is a
labelled *glued* token whose correct form is the original text. Real tokens with an inner
capital that must stay whole (``DiCarlo``, ``McDonald``, ``iTrace``; read and checked by
hand, listed in ``NEGATIVES``) are the labelled *suspicious* tokens. The labelled sample
is written to ``bench/glued_sample.tsv``.

Reported: precision and recall of the splits on the labelled tokens (goal >= 0.99 and
>= 0.9), and the word-level F1 of the text against the original before and after repair.

Run: ``.venv/bin/python bench/glued_words.py [--records DIR] [--speeches 120]``
"""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

from common import parser_with_records, records_or_exit
from councilbase.parse.corpus import parse_corpus, repair_text

FUNCTION = {"of", "the", "in", "to", "and", "for", "on", "by", "with", "from", "at", "a"}
NEGATIVES = [
    "DiCarlo", "McDonald", "DeLaurentis", "iPhone", "iTrace", "DeShong", "MacArthur",
    "LaGuardia", "McKinsey", "DeMistura", "O'Brien", "eBay", "YouTube", "WhatsApp",
    "McCain", "FaceBook", "JavaScript", "MacLeod", "DiMaggio", "LeBlanc", "VanDyke",
    "McGuinness", "DuBois", "LaRose", "MacKenzie",
]  # fmt: skip
_WORD = re.compile(r"[^\W_]+")


def degrade(paragraphs: list[str], rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
    """The older variant of a speech, and the glued tokens made: (glued, original)."""
    labels: list[tuple[str, str]] = []
    blocks: list[str] = []
    for paragraph in paragraphs:
        words = paragraph.replace(" — ", " - ").split(" ")
        out: list[str] = []
        for word in words:
            if (
                out
                and word[:1].isupper()
                and word[1:2].islower()
                and out[-1].isalpha()
                and out[-1].islower()
                and ((out[-1] in FUNCTION and rng.random() < 0.35) or rng.random() < 0.04)
            ):
                labels.append((out[-1] + word.rstrip(".,;:"), out[-1] + " " + word.rstrip(".,;:")))
                out[-1] = out[-1] + word
            else:
                out.append(word)
        lines: list[str] = []
        line = ""
        for word in out:
            if len(line) + 1 + len(word) <= 50 or not line:
                line = f"{line} {word}".strip()
            elif len(word) > 8 and word.isalpha() and word.islower() and rng.random() < 0.3:
                cut = len(word) // 2
                lines.append(f"{line} {word[:cut]}-")
                line = word[cut:]
            else:
                lines.append(line)
                line = word
        lines.append(line)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks), labels


def f1(text: str, reference: str) -> float:
    a, b = Counter(_WORD.findall(text)), Counter(_WORD.findall(reference))
    common = sum((a & b).values())
    return 2 * common / (sum(a.values()) + sum(b.values())) if common else 0.0


def main() -> int:
    parser = parser_with_records(__doc__)
    parser.add_argument("--speeches", type=int, default=120)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--sample-out", type=Path, default=Path(__file__).parent / "glued_sample.tsv"
    )
    args = parser.parse_args()
    args.records = records_or_exit(args)
    rng = random.Random(args.seed)
    speeches = [s for r in parse_corpus([args.records / "speeches"]).records for s in r.speeches]
    chosen = rng.sample(speeches, min(args.speeches, len(speeches)))
    tp = fp = fn = tn = 0
    before = after = 0.0
    rows: list[str] = ["token\tcorrect\tkind\tsource"]
    for speech in chosen:
        original = speech.text
        degraded, labels = degrade(original, rng)
        for glued, correct in labels:
            rows.append(f"{glued}\t{correct}\tglued\t{speech.source_file}")
        repaired, _ = repair_text(degraded)
        joined = " ".join(repaired)
        reference = " ".join(original)
        before += f1(degraded, reference)
        after += f1(joined, reference)
        repaired_words = Counter(joined.split())
        for glued, correct in labels:
            if repaired_words[glued.split()[0]] and glued not in correct.split():
                fn += 1
            else:
                tp += 1
    for token in NEGATIVES:
        rows.append(f"{token}\t{token}\tkeep\t(hand list)")
        repaired, _ = repair_text(f"They met {token} yesterday.")
        if token in repaired[0]:
            tn += 1
        else:
            fp += 1
    # real tokens with an inner capital in the corpus, kept whole unless known glue
    args.sample_out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    labelled = tp + fn + tn + fp
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    n = len(chosen)
    print(f"{n} speeches rebuilt in the older variant; {labelled} labelled tokens")
    print(f"  glued tokens: {tp + fn} (split right {tp}, left glued {fn})")
    print(f"  tokens to keep whole: {tn + fp} (kept {tn}, wrongly split {fp})")
    print(f"glued-word repair: precision {precision:.4f}  recall {recall:.4f}")
    print(
        f"word-level F1 against the original: before repair {before / n:.4f}, after {after / n:.4f}"
    )
    print(f"labelled sample written to {args.sample_out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
