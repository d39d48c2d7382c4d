"""`councilbase fetch` against a local HTTP server that serves ../shared/records/pdf under
the ODS symbol-access layout (``/api/symbol/access?s=S/PV.8700&l=en&t=pdf``)."""

from __future__ import annotations

import itertools
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from councilbase.cli import app
from councilbase.fetch import Fetcher, FetchError, expand_symbols, file_name, symbol_url
from councilbase.store.database import Database

runner = CliRunner()


@dataclass
class OdsStub:
    """What the local server serves and what it saw."""

    folder: Path
    fail_first: dict[str, int] = field(default_factory=dict)
    html_for: set[str] = field(default_factory=set)
    requests: list[tuple[float, str]] = field(default_factory=list)
    base_url: str = ""


@pytest.fixture
def ods(pdf_dir: Path) -> Iterator[OdsStub]:
    stub = OdsStub(pdf_dir)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(url.query)
            symbol = query.get("s", [""])[0]
            stub.requests.append((time.monotonic(), symbol))
            if url.path != "/api/symbol/access" or query.get("t") != ["pdf"]:
                self.send_error(400)
                return
            if stub.fail_first.get(symbol, 0) > 0:
                stub.fail_first[symbol] -= 1
                self.send_response(503)
                self.send_header("Retry-After", "0")
                self.end_headers()
                return
            if symbol in stub.html_for:
                body = b"<html><body>Document not available</body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            name = symbol.replace("/", "_") + "_E.pdf"
            path = stub.folder / name
            if not path.is_file():
                self.send_error(404)
                return
            data = path.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.base_url = f"http://127.0.0.1:{server.server_address[1]}/api/symbol/access"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield stub
    server.shutdown()
    server.server_close()


def test_symbols_numbers_and_ranges() -> None:
    assert expand_symbols(["8700", "S/PV.8698-8699", "s/pv.8699 (resumption 1)", "8700"]) == [
        "S/PV.8700",
        "S/PV.8698",
        "S/PV.8699",
        "S/PV.8699 (Resumption 1)",
    ]
    with pytest.raises(FetchError, match="runs backwards"):
        expand_symbols(["8700-8690"])
    with pytest.raises(FetchError, match="is not a meeting record symbol"):
        expand_symbols(["A/RES/46/182"])
    assert file_name("S/PV.8699 (Resumption 1)") == "S_PV.8699(Resumption1)_E.pdf"
    assert symbol_url("https://x/api", "S/PV.8699 (Resumption 1)") == (
        "https://x/api?s=S%2FPV.8699%28Resumption1%29&l=en&t=pdf"
    )


def test_fetch_downloads_then_uses_the_cache(ods: OdsStub, tmp_path: Path, pdf_dir: Path) -> None:
    fetcher = Fetcher(tmp_path / "cache", base_url=ods.base_url, min_interval=0)
    results = fetcher.fetch_all(["8700", "S/PV.8699 (Resumption 1)", "8701"])
    assert [(r.symbol, r.status) for r in results] == [
        ("S/PV.8700", "downloaded"),
        ("S/PV.8699 (Resumption 1)", "downloaded"),
        ("S/PV.8701", "missing"),
    ]
    assert (tmp_path / "cache" / "S_PV.8700_E.pdf").read_bytes() == (
        pdf_dir / "S_PV.8700_E.pdf"
    ).read_bytes()
    asked = len(ods.requests)
    again = fetcher.fetch_all(["8700"])
    assert [r.status for r in again] == ["cached"]
    assert len(ods.requests) == asked
    assert not list((tmp_path / "cache").glob("*.part"))


def test_fetch_retries_with_backoff(ods: OdsStub, tmp_path: Path) -> None:
    ods.fail_first["S/PV.8702"] = 2
    slept: list[float] = []
    fetcher = Fetcher(
        tmp_path / "cache", base_url=ods.base_url, min_interval=0, retries=3, sleep=slept.append
    )
    result = fetcher.fetch("S/PV.8702")
    assert result.status == "downloaded" and result.attempts == 3
    assert slept == [0.0, 0.0]  # the server's Retry-After: 0


def test_fetch_backs_off_exponentially_and_gives_up(ods: OdsStub, tmp_path: Path) -> None:
    ods.fail_first["S/PV.8704"] = 10
    slept: list[float] = []

    class NoRetryAfter(Fetcher):
        def _delay(self, attempt: int, headers: object) -> float:
            return super()._delay(attempt, None)

    fetcher = NoRetryAfter(
        tmp_path / "cache",
        base_url=ods.base_url,
        min_interval=0,
        retries=3,
        backoff=0.5,
        sleep=slept.append,
    )
    result = fetcher.fetch("8704")
    assert result.status == "failed"
    assert "HTTP 503" in result.message and "gave up after 4 tries" in result.message
    assert slept == [0.5, 1.0, 2.0]


def test_fetch_keeps_to_its_rate_limit(ods: OdsStub, tmp_path: Path) -> None:
    fetcher = Fetcher(tmp_path / "cache", base_url=ods.base_url, min_interval=0.2)
    fetcher.fetch_all(["8698", "8699", "8700"])
    times = [t for t, _ in ods.requests]
    assert len(times) == 3
    assert all(b - a >= 0.19 for a, b in itertools.pairwise(times))


def test_a_page_that_is_no_pdf_is_reported(ods: OdsStub, tmp_path: Path) -> None:
    ods.html_for.add("S/PV.8706")
    result = Fetcher(tmp_path / "c", base_url=ods.base_url, min_interval=0).fetch("8706")
    assert result.status == "failed"
    assert "did not return a PDF (it returned text/html" in result.message
    assert not (tmp_path / "c" / "S_PV.8706_E.pdf").exists()


def test_an_unreachable_server_is_reported(tmp_path: Path) -> None:
    fetcher = Fetcher(
        tmp_path / "c",
        base_url="http://127.0.0.1:9/api/symbol/access",
        min_interval=0,
        retries=1,
        sleep=lambda _: None,
    )
    result = fetcher.fetch("8700")
    assert result.status == "failed" and "cannot reach" in result.message


def test_cli_fetch_then_ingest_the_cache(ods: OdsStub, tmp_path: Path) -> None:
    cache, db = tmp_path / "cache", tmp_path / "db.sqlite"
    args = ["fetch", "8700-8702", "--cache", str(cache), "--base-url", ods.base_url]
    result = runner.invoke(app, [*args, "--rate", "0", "--ingest", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "   missing S/PV.8701: not found at" in result.output
    assert "fetch: 2 of 3 in" in result.output
    assert "ingest: 2 added" in result.output
    with Database(db, readonly=True) as database:
        assert database.meeting_keys() == ["S/PV.8700", "S/PV.8702"]


def test_a_hostile_server_never_holds_or_fools_fetch(tmp_path: Path) -> None:
    """Redirects elsewhere refused (saying so), bodies capped while streaming, a deadline
    on the whole request, a cut-short body retried then failed, nothing cached but the good
    document and nothing left half-written."""
    import resource

    from councilbase.testing.hostile_http import BEHAVIOURS, hostile_server

    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with hostile_server() as base:
        fetcher = Fetcher(
            tmp_path,
            base_url=base,
            min_interval=0,
            retries=1,
            backoff=0.01,
            timeout=1.0,
            max_bytes=2_000_000,
            deadline=2.0,
        )
        started = time.monotonic()
        results = {s: fetcher.fetch(s) for s in BEHAVIOURS}
        elapsed = time.monotonic() - started
    messages = {s: (r.status, r.message) for s, r in results.items()}
    assert results["S/PV.12"].status == "downloaded"
    assert results["S/PV.11"].status == "downloaded"  # a redirect within the host
    for symbol in ("S/PV.1", "S/PV.2", "S/PV.3"):
        status, message = messages[symbol]
        assert status == "failed" and "outside http://127.0.0.1" in message and "refused" in message
    assert "redirected more than 5 times" in messages["S/PV.4"][1]
    assert "more than the 2 MB a document may be" in messages["S/PV.5"][1]
    assert "took longer than 2 s" in messages["S/PV.6"][1]
    assert "took longer than 2 s" in messages["S/PV.7"][1]
    assert "cut short" in messages["S/PV.8"][1] and "gave up after 2 tries" in messages["S/PV.8"][1]
    assert "more than the 2 MB a document may be" in messages["S/PV.9"][1]
    assert messages["S/PV.10"][0] == "failed" and "HTTP 503" in messages["S/PV.10"][1]
    assert elapsed < 30, elapsed  # every stuck request ended by its deadline
    cached = sorted(p.name for p in tmp_path.iterdir())
    assert cached == ["S_PV.11_E.pdf", "S_PV.12_E.pdf"]  # no .part file left behind
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert grown < 100_000  # KiB: the endless body was streamed to disk and cut, not held


def test_fetch_refuses_bad_options() -> None:
    result = runner.invoke(app, ["fetch", "8700", "--base-url", "ftp://example.org/x"])
    assert result.exit_code == 2 and "cannot use the base URL" in result.output
    result = runner.invoke(app, ["fetch", "8700", "--max-mb", "0"])
    assert result.exit_code == 2 and "--max-mb" in result.output
