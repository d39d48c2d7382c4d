"""OCR against a truth others made: image-only copies of the born-digital PDFs in
<records>/pdf (every page rendered grey at 200 dpi and put back with no text layer, as a scan
is), read by councilbase's OCR and scored with eval_pdf.py's scorer against the same
speech-level corpus files; S/PV.8700's two votes checked exactly. Also the speed: pages a
second per core, the pipeline's time over plain Tesseract on the same page images, and a
second ingest of the same scans (cached: no OCR).

    python bench/eval_ocr.py [--records DIR] [--dpi 200] [--workers 2]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from common import parser_with_records, records_or_exit
from councilbase.extract import extract
from councilbase.parse import parse_pdf
from councilbase.parse.corpus import parse_corpus
from councilbase.testing.scans import image_only_copy
from eval_pdf import corpus_symbol, score, speaker_key


def read(args: tuple[str, str]) -> tuple[str, list[tuple[str, str]], list[str], float, int]:
    """Parse one image-only copy with OCR: (name, speeches, votes, seconds, pages)."""
    path, cache = args
    started = time.perf_counter()
    record = parse_pdf(Path(path), ocr="auto", ocr_cache=Path(cache))
    extract(record)
    seconds = time.perf_counter() - started
    speeches = [(speaker_key(s.speaker_line), " ".join(s.text)) for s in record.speeches]
    votes = [
        f"{v.outcome} {v.resolution or ''} {v.announced or v.counted} "
        + " ".join(sorted(f"{c.vote}:{c.code}" for c in v.casts))
        for v in record.votes
    ]
    return Path(path).name, speeches, votes, seconds, len(record.reading)


def plain_tesseract(images: list[Path]) -> float:
    """Seconds plain `tesseract IMAGE stdout tsv` takes on the page images, one thread."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    started = time.perf_counter()
    for image in images:
        subprocess.run(
            ["tesseract", str(image), "stdout", "-l", "eng", "--psm", "3", "tsv"],
            capture_output=True,
            env=env,
            check=True,
        )
    return time.perf_counter() - started


def main() -> int:
    parser = parser_with_records(__doc__)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    records = records_or_exit(args)
    work = Path(tempfile.mkdtemp(prefix="councilbase-ocr-"))
    try:
        pdfs = sorted((records / "pdf").glob("*.pdf"))
        copies = [image_only_copy(pdf, work / "scans" / pdf.name, args.dpi) for pdf in pdfs]
        print(f"{len(copies)} image-only copies at {args.dpi} dpi in {work / 'scans'}")
        cache = work / "ocr-cache"
        started = time.perf_counter()
        with ProcessPoolExecutor(args.workers) as pool:
            results = list(pool.map(read, [(str(c), str(cache)) for c in copies]))
        first = time.perf_counter() - started
        pages = sum(r[4] for r in results)
        cpu = sum(r[3] for r in results)
        total = [0, 0, 0, []]
        print(
            f"{'record':28} {'speeches':>8} {'gold':>5} {'P':>6} {'R':>6} {'F1':>6} {'textF1':>7}"
        )
        for (name, ours, votes, _seconds, _pages), pdf in zip(results, pdfs, strict=True):
            number, resumption = corpus_symbol(pdf)
            pattern = (
                f"UNSC_*_SPV.{number}{'Resumption' + resumption if resumption else ''}_spch*.txt"
            )
            corpus = parse_corpus(sorted((records / "speeches").glob(pattern))).records
            gold = [
                (speaker_key(s.speaker_line), " ".join(s.text)) for r in corpus for s in r.speeches
            ]
            matched, n_ours, n_gold, f1s = score(ours, gold)
            total[0] += matched  # type: ignore[operator]
            total[1] += n_ours  # type: ignore[operator]
            total[2] += n_gold  # type: ignore[operator]
            total[3].extend(f1s)  # type: ignore[union-attr]
            p = matched / n_ours if n_ours else 0.0
            r = matched / n_gold if n_gold else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            text = sum(f1s) / len(f1s) if f1s else 0.0
            print(f"{name:28} {n_ours:8d} {n_gold:5d} {p:6.3f} {r:6.3f} {f:6.3f} {text:7.3f}")
            if name == "S_PV.8700_E.pdf":
                expected = [
                    "not_adopted  3-7-5 abstaining:IDN abstaining:NER abstaining:TUN abstaining:VCT"
                    " abstaining:ZAF against:BEL against:DEU against:DOM against:EST against:FRA"
                    " against:GBR against:USA in_favour:CHN in_favour:RUS in_favour:VNM",
                    "adopted S/RES/2504 (2020) 11-0-4 abstaining:CHN abstaining:GBR abstaining:RUS"
                    " abstaining:USA in_favour:BEL in_favour:DEU in_favour:DOM in_favour:EST"
                    " in_favour:FRA in_favour:IDN in_favour:NER in_favour:TUN in_favour:VCT"
                    " in_favour:VNM in_favour:ZAF",
                ]
                print(f"    S/PV.8700 votes exact: {votes == expected}")
        matched, n_ours, n_gold, f1s = total
        p, r = matched / n_ours, matched / n_gold  # type: ignore[operator]
        print(
            f"\nOCR of image-only copies: speech P {p:.4f} R {r:.4f} F1 {2 * p * r / (p + r):.4f}"
            f"   mean text bag-of-words F1 {sum(f1s) / len(f1s):.4f}"  # type: ignore[arg-type]
        )
        print(
            f"speed: {pages} pages in {first:.1f} s with {args.workers} workers"
            f" ({pages / cpu:.2f} pages/s per core; {cpu / pages:.1f} s a page)"
        )
        # the pipeline against plain Tesseract on the same page images, for a sample of pages
        sample = copies[4]
        images = work / "images"
        images.mkdir()
        subprocess.run(
            ["pdftoppm", "-r", str(args.dpi), "-gray", str(sample), str(images / "p")], check=True
        ) if shutil.which("pdftoppm") else None
        pngs = sorted(images.glob("*.pgm")) or sorted(images.glob("*.png"))
        if pngs and shutil.which("tesseract"):
            plain = plain_tesseract(pngs)
            fresh = work / "fresh-cache"
            started = time.perf_counter()
            read((str(sample), str(fresh)))
            pipeline = time.perf_counter() - started
            print(
                f"pipeline over plain tesseract on {sample.name}'s {len(pngs)} pages: "
                f"{pipeline:.1f} s / {plain:.1f} s = {pipeline / plain:.2f}x (goal <= 1.2x)"
            )
        started = time.perf_counter()
        with ProcessPoolExecutor(args.workers) as pool:
            list(pool.map(read, [(str(c), str(cache)) for c in copies]))
        print(
            f"second reading of the same scans (OCR cached): {time.perf_counter() - started:.1f} s"
            f" (first {first:.1f} s)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
