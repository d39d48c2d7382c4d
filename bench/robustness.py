"""Bad inputs, killed ingests and serving during an ingest, with figures.

python bench/robustness.py --kills 20
"""

from __future__ import annotations

import json
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from common import parser_with_records, records_or_exit
from councilbase.badinput import make_corpus, run_corpus
from councilbase.store.database import Database

INGEST = "import sys, councilbase; councilbase.open(sys.argv[1]).ingest(sys.argv[2:], jobs=1)"


def rows(path: Path) -> tuple[object, ...]:
    import sqlite3

    conn = sqlite3.connect(path)
    out = tuple(
        tuple(conn.execute(sql).fetchall())
        for sql in (
            "SELECT key, source_sha256 FROM meetings ORDER BY key",
            "SELECT m.key, s.seq, s.text FROM speeches s JOIN meetings m ON m.id = s.meeting_id ORDER BY 1, 2",
            "SELECT path, part, sha256, status FROM sources ORDER BY 1, 2",
        )
    )
    conn.close()
    return out


def main() -> None:
    parser = parser_with_records(__doc__)
    parser.add_argument("--kills", type=int, default=20)
    args = parser.parse_args()
    records = records_or_exit(args)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        cases = make_corpus(records, work / "bad")
        report = run_corpus(cases, work, time_limit=60)
        print(
            f"bad inputs: {len(report.endings)} tried, {len(report.failures)} ended otherwise than expected"
        )
        for kind, counts in report.by_class().items():
            print(f"  {kind:35} {counts}")
        for ending in report.endings:
            if ending.result in ("error", "partial"):
                print(f"    {ending.case.path.name}: {ending.message[:110]}")

        inputs = [str(records / "speeches"), str(records / "pdf" / "S_PV.8700_E.pdf")]
        reference = work / "reference.db"
        started = time.monotonic()
        with Database(reference) as db:
            db.ingest(inputs, jobs=1)
        full = time.monotonic() - started
        expected = rows(reference)
        rng = random.Random(2026)
        held = []
        good = 0
        for trial in range(args.kills):
            path = work / f"kill-{trial}.db"
            Database(path).close()
            process = subprocess.Popen([sys.executable, "-c", INGEST, str(path), *inputs])
            time.sleep(rng.uniform(0.2, full + 0.8))
            process.send_signal(signal.SIGKILL)
            process.wait()
            with Database(path) as db:
                clean = db.check() == []
                held.append(db.stats()["meetings"])
                db.ingest(inputs, jobs=1)
                clean = clean and db.check() == []
            good += clean and rows(path) == expected
        print(
            f"kill trials: {args.kills}; meetings held at the kill: {sorted(held)}; "
            f"integrity and consistency passed and the re-run matched an uninterrupted run in {good} of {args.kills}"
        )

        live = work / "live.db"
        with Database(live) as db:
            db.ingest([str(records / "pdf" / "S_PV.8700_E.pdf")], jobs=1)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "-m", "councilbase", "serve", "--db", str(live), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/api/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        served = 0
        errors: list[str] = []
        lock = threading.Lock()
        writer = subprocess.Popen(
            [
                sys.executable,
                "-c",
                INGEST,
                str(live),
                str(records / "speeches"),
                str(records / "pdf"),
            ]
        )

        def client() -> None:
            nonlocal served
            while writer.poll() is None:
                for url in ("/api/search?q=Council", "/meetings/S/PV.8700", "/search?q=Syria", "/"):
                    try:
                        with urllib.request.urlopen(base + url, timeout=30) as response:
                            body = response.read()
                            if url.startswith("/api/"):
                                json.loads(body)
                        with lock:
                            served += 1
                    except Exception as exc:
                        with lock:
                            errors.append(f"{url}: {exc!r}")

        started = time.monotonic()
        threads = [threading.Thread(target=client) for _ in range(8)]
        for thread in threads:
            thread.start()
        writer.wait()
        for thread in threads:
            thread.join()
        server.terminate()
        server.wait()
        print(
            f"serving during an ingest: {served} requests from 8 clients in {time.monotonic() - started:.1f} s "
            f"while the ingest wrote; {len(errors)} errors {errors[:3]}"
        )


if __name__ == "__main__":
    main()
