"""The web server's memory per process with the shared semantic index: serve a database with
N workers, make them answer semantic queries (each worker maps the index file), then print
each process's RSS, PSS, private and shared memory (from /proc/<pid>/smaps_rollup) and the
index file's size. The time of the queries is printed too (the first builds or maps the index).

    python bench/server_memory.py --db /tmp/scale/scale.db --workers 2
"""

from __future__ import annotations

import argparse
import glob
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

QUERIES = [
    "humanitarian access in Syria",
    "children recruited by armed groups",
    "nuclear programme sanctions",
    "elections in Haiti",
]


def memory(pid: str) -> str:
    """One line: a process's RSS, PSS, private and shared memory in MiB."""
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        lines = handle.read().splitlines()[1:]
    rollup = dict(line.split(":", 1) for line in lines)

    def mib(*keys: str) -> int:
        return sum(int(rollup[k].split()[0]) for k in keys) // 1024

    return (
        f"pid {pid}: RSS {mib('Rss')} MiB, PSS {mib('Pss')} MiB, private"
        f" {mib('Private_Clean', 'Private_Dirty')} MiB, shared {mib('Shared_Clean', 'Shared_Dirty')} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "councilbase",
            "serve",
            "--db",
            args.db,
            "--port",
            str(args.port),
            "--workers",
            str(args.workers),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(8)
        times = []
        for number in range(args.requests):
            query = urllib.parse.urlencode({"meaning": QUERIES[number % len(QUERIES)]})
            started = time.perf_counter()
            url = f"http://127.0.0.1:{args.port}/api/analysis?{query}"
            with urllib.request.urlopen(url, timeout=300) as response:
                response.read()
            times.append(time.perf_counter() - started)
        later = sorted(times[8:])
        print(
            f"first request {times[0]:.2f} s; later p50 {statistics.median(later):.3f} s,"
            f" p95 {later[int(0.95 * len(later)) - 1]:.3f} s"
        )
        children = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        for pid in [str(server.pid), *children]:
            print(memory(pid))
        for path in glob.glob(args.db + ".semantic/*"):
            print(f"{path}: {os.path.getsize(path) >> 20} MiB")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
