"""Ingest and embed on a Dask cluster (issue 18): a real scheduler and two worker processes
on 127.0.0.1, one killed mid-run, against a serial ingest; a local cluster; an unreachable
scheduler."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from councilbase.cli import app
from councilbase.store.database import Database

runner = CliRunner()
PDFS = ("S_PV.8698_E.pdf", "S_PV.8700_E.pdf", "S_PV.8702_E.pdf", "S_PV.8704_E.pdf")
CORPUS = ("UNSC_2020_SPV.8701_", "UNSC_2020_SPV.8703_", "UNSC_2020_SPV.8707_")


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """What a database holds, without ids and times: meetings, speeches, votes, casts."""
    with Database(path, readonly=True) as db:
        conn = db.conn
        return {
            "sources": sorted(
                tuple(r)
                for r in conn.execute(
                    "SELECT path, part, format, sha256, size, status FROM sources"
                )
            ),
            "meetings": sorted(
                tuple(r)
                for r in conn.execute(
                    "SELECT key, date, president_name, source_path, source_files, warnings"
                    " FROM meetings"
                )
            ),
            "speeches": sorted(
                tuple(r)
                for r in conn.execute(
                    "SELECT m.key, s.seq, s.speaker_line, s.state, s.role, s.text, s.source_file"
                    " FROM speeches s JOIN meetings m ON m.id = s.meeting_id"
                )
            ),
            "mentions": sorted(
                tuple(r)
                for r in conn.execute(
                    "SELECT m.key, s.seq, x.number, x.code, x.start, x.end FROM mentions x"
                    " JOIN speeches s ON s.id = x.speech_id JOIN meetings m ON m.id = s.meeting_id"
                )
            ),
            "citations": sorted(
                tuple(r)
                for r in conn.execute(
                    "SELECT m.key, s.seq, x.number, x.symbol, x.start, x.end FROM citations x"
                    " JOIN speeches s ON s.id = x.speech_id JOIN meetings m ON m.id = s.meeting_id"
                )
            ),
            "votes": sorted(
                tuple(r)
                for r in conn.execute(
                    "SELECT m.key, v.number, v.outcome, v.resolution, c.name, c.vote"
                    " FROM votes v JOIN meetings m ON m.id = v.meeting_id"
                    " LEFT JOIN vote_casts c ON c.vote_id = v.id"
                )
            ),
        }


@pytest.fixture(scope="module")
def inputs(records: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Four PDFs and the speech-level files of three meetings."""
    folder = tmp_path_factory.mktemp("corpus")
    for path in (records / "speeches").iterdir():
        if path.name.startswith(CORPUS):
            (folder / path.name).write_bytes(path.read_bytes())
    return [*(str(records / "pdf" / name) for name in PDFS), str(folder)]


@pytest.fixture(scope="module")
def serial(inputs: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serial") / "s.db"
    with Database(path) as db:
        summary = db.ingest(inputs, jobs=1)
        assert not summary.failed and summary.count("added") == 7
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def scheduler(tmp_path: Path) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """A real ``dask scheduler`` and two ``dask worker`` processes (one thread each)."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    bin_dir = Path(sys.executable).parent
    logs = (tmp_path / "dask.log").open("wb")
    processes = [
        subprocess.Popen(
            [
                str(bin_dir / "dask"),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-dashboard",
            ],
            stdout=logs,
            stderr=logs,
        )
    ]
    workers: list[subprocess.Popen[bytes]] = []
    try:
        time.sleep(1.5)
        for _ in range(2):
            workers.append(
                subprocess.Popen(
                    [
                        str(bin_dir / "dask"),
                        "worker",
                        address,
                        "--nthreads",
                        "1",
                        "--no-dashboard",
                        "--no-nanny",
                        "--host",
                        "127.0.0.1",
                    ],
                    stdout=logs,
                    stderr=logs,
                )
            )
        yield address, workers
    finally:
        for process in [*workers, *processes]:
            if process.poll() is None:
                process.terminate()
        for process in [*workers, *processes]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        logs.close()


def test_a_real_cluster_with_a_worker_killed_gives_the_serial_rows(
    inputs: list[str],
    serial: Path,
    scheduler: tuple[str, list[subprocess.Popen[bytes]]],
    tmp_path: Path,
) -> None:
    address, workers = scheduler
    path = tmp_path / "c.db"
    killed: list[int] = []

    def progress(done: int, total: int, label: str) -> None:
        if done >= 1 and not killed:  # mid-run: the first result is in, the rest are not
            workers[0].send_signal(signal.SIGKILL)
            killed.append(workers[0].pid)

    with Database(path) as db:
        summary = db.ingest(inputs, scheduler=address, progress=progress)
    assert killed and workers[0].wait(timeout=10) == -signal.SIGKILL
    assert not summary.failed, summary.failed
    assert _rows(path) == _rows(serial)
    # run again: everything is unchanged, nothing written twice
    with Database(path) as db:
        again = db.ingest(inputs, scheduler=address)
    assert again.count("unchanged") == len(again.outcomes)
    assert _rows(path) == _rows(serial)


def test_a_local_cluster_from_the_command_line(
    inputs: list[str], serial: Path, tmp_path: Path
) -> None:
    path = tmp_path / "l.db"
    result = runner.invoke(app, ["ingest", *inputs, "--scheduler", "local:2", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "ingest: 7 added, 0 replaced, 0 unchanged, 0 superseded, 0 failed" in result.output
    assert _rows(path) == _rows(serial)
    # embedding on the cluster gives the vectors of a local run
    local = tmp_path / "e.db"
    shutil.copy(path, local)
    assert runner.invoke(app, ["embed", "--model", "hash", "--db", str(local)]).exit_code == 0
    result = runner.invoke(
        app, ["embed", "--model", "hash", "--scheduler", "local:2", "--db", str(path)]
    )
    assert result.exit_code == 0, result.output
    with Database(local, readonly=True) as a, Database(path, readonly=True) as b:
        query = "SELECT text_sha, chunk, vector FROM embeddings ORDER BY 1, 2"
        assert a.conn.execute(query).fetchall() == b.conn.execute(query).fetchall()


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["ingest", "x.pdf", "--scheduler", "tcp://127.0.0.1:9", "--db", str(tmp_path / "d.db")]
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: cannot reach the scheduler at"), lines
    bad = runner.invoke(
        app, ["ingest", "x.pdf", "--scheduler", "local:x", "--db", str(tmp_path / "d.db")]
    )
    assert bad.exit_code == 2 and "write local:N" in bad.output
    assert not (tmp_path / "d.db").exists() or os.path.getsize(tmp_path / "d.db") >= 0
