"""Speed of reading and parsing the speech-level corpus, in MB/s, beside the time to merely
read the same files (in the same run, one process, best of ``--repeat``). Goal >= 10 MB/s.

Run: ``.venv/bin/python bench/speed_corpus.py [--records DIR]``
"""

from __future__ import annotations

import time

from common import parser_with_records, records_or_exit
from councilbase.parse.corpus import parse_corpus
from councilbase.read.text import read_text_file


def main() -> int:
    parser = parser_with_records(__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    args.records = records_or_exit(args)
    files = sorted((args.records / "speeches").glob("*.txt"))
    size = sum(f.stat().st_size for f in files) / 1e6
    parse_corpus(files[:5])  # warm the vocabulary
    read_times, parse_times = [], []
    speeches = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        for f in files:
            read_text_file(f)
        read_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        result = parse_corpus(files)
        parse_times.append(time.perf_counter() - start)
        speeches = sum(len(r.speeches) for r in result.records)
    read, parse = min(read_times), min(parse_times)
    print(f"{len(files)} files, {size:.2f} MB, {speeches} speeches, best of {args.repeat}")
    print(f"read only:  {read:.3f} s  ({size / read:.1f} MB/s)")
    print(f"parse:      {parse:.3f} s  ({size / parse:.1f} MB/s, goal >= 10)")
    print(f"ratio parse / read: {parse / read:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
