"""Download verbatim records from the UN Official Document System (ODS), politely.

A record is asked for by symbol at ``{base_url}?s={symbol}&l=en&t=pdf`` (the ODS
"symbol access" layout; the base URL is configurable). Downloads go to a cache folder
under the ODS file names (``S_PV.8700_E.pdf``, ``S_PV.8699(Resumption1)_E.pdf``), written
atomically, so ``councilbase ingest CACHE`` takes them. A file already in the cache is
not downloaded again. Requests are spaced by a rate limit and retried with exponential
backoff on network errors, 429 and 5xx (honouring ``Retry-After``).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from councilbase import __version__

DEFAULT_BASE_URL = "https://documents.un.org/api/symbol/access"
USER_AGENT = f"councilbase/{__version__} (research; https://github.com/councilbase)"
RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
MAX_BYTES = 50_000_000
"""The largest document downloaded (a record's PDF is rarely over 20 MB)."""
DEADLINE = 300.0
"""Seconds one request may take in all, however slowly the server sends."""
MAX_REDIRECTS = 5


class FetchError(ValueError):
    """A symbol or range that cannot be fetched as given."""


def default_cache() -> Path:
    """``$COUNCILBASE_CACHE``, else ``~/.cache/councilbase/ods``."""
    from councilbase import cache_dir

    return cache_dir("ods", "COUNCILBASE_CACHE")


def normalize_symbol(text: str) -> str:
    """``8700``, ``S/PV.8700``, ``s/pv.8699 (resumption 1)`` -> the symbol as ODS writes it;
    a resolution's (``S/RES/2401 (2018)``) as councilbase writes it."""
    from councilbase.errors import QueryError
    from councilbase.symbols import normalise_meeting

    resolutions = resolution_symbols(re.sub(r"\s*\(", "(", text.strip()))
    if resolutions is not None and len(resolutions) == 1:
        return resolutions[0]

    try:
        return normalise_meeting(text)
    except QueryError:
        raise FetchError(
            f"{text!r} is not a meeting record symbol (S/PV.8700) or number (8700)"
        ) from None


def check_base_url(url: str) -> str:
    """Refuse a base URL that is not http(s)://host/...: the fetcher asks nothing else."""
    parsed = urllib.parse.urlsplit(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise FetchError(
            f"cannot use the base URL {url!r}: give an http:// or https:// address with a host"
        )
    return url.strip()


_RESOLUTION = re.compile(
    r"S/RES/(?P<first>\d{1,4})(?:\((?P<year>\d{4})\))?"
    r"(?:\s*(?:-|\.\.|–)\s*(?:S/RES/)?(?P<last>\d{1,4}))?",
    re.I,
)


def resolution_symbols(part: str) -> list[str] | None:
    """``S/RES/2401(2018)``, ``S/RES/2401`` or a range ``S/RES/2400-2410`` -> resolution
    symbols (the year from the number where not given); None for anything else."""
    from councilbase.extract.references import resolution_year

    match = _RESOLUTION.fullmatch(part)
    if match is None:
        return None
    first = int(match.group("first"))
    last = int(match.group("last") or first)
    if last < first:
        raise FetchError(f"the range {part!r} runs backwards")
    if last - first > 10000:
        raise FetchError(f"the range {part!r} is longer than 10,000 resolutions")
    out = []
    for number in range(first, last + 1):
        year = int(match.group("year")) if match.group("year") and first == last else None
        year = year or resolution_year(number)
        if year is None:
            raise FetchError(
                f"cannot tell the year of resolution {number}: write it, S/RES/{number} (YYYY)"
            )
        out.append(f"S/RES/{number} ({year})")
    return out


def expand_symbols(items: Iterable[str]) -> list[str]:
    """Symbols, numbers and ranges (``8690-8700``) of meeting records, and resolution
    symbols and ranges (``S/RES/2401 (2018)``, ``S/RES/2400-2410``) -> symbols in order,
    without repeats."""
    out: list[str] = []
    for item in items:
        joined = re.sub(r"\s*\(", "(", item.strip())  # "S/PV.8699 (Resumption 1)" is one
        joined = re.sub(r"\s*(-|–|\.\.)\s*", r"\1", joined)  # "S/RES/2400 - 2410" is one
        for part in re.split(r"[,\s]+(?![^()]*\))", joined):
            if not part:
                continue
            resolutions = resolution_symbols(part)
            if resolutions is not None:
                out.extend(s for s in resolutions if s not in out)
                continue
            span = re.fullmatch(
                r"(?:S/PV\.)?([0-9]{1,6})\s*(?:-|\.\.|–)\s*(?:S/PV\.)?([0-9]{1,6})", part, re.I
            )
            if span:
                first, last = int(span.group(1)), int(span.group(2))
                if last < first:
                    raise FetchError(f"the range {part!r} runs backwards")
                if last - first > 10000:
                    raise FetchError(f"the range {part!r} is longer than 10,000 meetings")
                symbols = [f"S/PV.{n}" for n in range(first, last + 1)]
            else:
                symbols = [normalize_symbol(part)]
            out.extend(s for s in symbols if s not in out)
    return out


def file_name(symbol: str) -> str:
    """The ODS file name of a record or resolution: ``S/PV.8699 (Resumption 1)`` ->
    ``S_PV.8699(Resumption1)_E.pdf``; ``S/RES/2401 (2018)`` -> ``S_RES_2401(2018)_E.pdf``."""
    return symbol.replace("/", "_").replace(" (", "(").replace(" ", "") + "_E.pdf"


def symbol_url(base_url: str, symbol: str) -> str:
    """The URL of a record's English PDF at an ODS-like service."""
    query = urllib.parse.urlencode({"s": symbol.replace(" ", ""), "l": "en", "t": "pdf"})
    return f"{base_url}{'&' if '?' in base_url else '?'}{query}"


@dataclass
class Fetched:
    """What became of one symbol: downloaded, cached, missing (404) or failed."""

    symbol: str
    status: str
    path: Path | None = None
    message: str = ""
    attempts: int = 0


class Refused(Exception):
    """A response fetch will not take (a redirect elsewhere, too large, too slow), with
    why: the same request again would give the same."""


class Transient(Exception):
    """A failure worth trying again (the connection broke, a read was cut short)."""

    def __init__(self, message: str, headers: Message | None = None) -> None:
        super().__init__(message)
        self.headers = headers


class Fetcher:
    """Downloads with a cache, a rate limit and retries with backoff; redirects are only
    followed within the base URL's scheme and host, a response is streamed to a temporary
    file under a size cap, and each request has a deadline as a whole."""

    def __init__(
        self,
        cache: Path | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        min_interval: float = 1.0,
        retries: int = 4,
        backoff: float = 2.0,
        timeout: float = 60.0,
        max_bytes: int = MAX_BYTES,
        deadline: float = DEADLINE,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cache = cache or default_cache()
        self.base_url = check_base_url(base_url)
        self.min_interval = min_interval
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.deadline = deadline
        self._sleep = sleep
        self._clock = clock
        self._last: float | None = None
        base = urllib.parse.urlsplit(self.base_url)
        self._origin = (base.scheme, base.hostname, base.port or _default_port(base.scheme))

    def _wait_turn(self) -> None:
        if self._last is not None:
            wait = self.min_interval - (self._clock() - self._last)
            if wait > 0:
                self._sleep(wait)
        self._last = self._clock()

    def _delay(self, attempt: int, headers: Message | None) -> float:
        retry_after = headers.get("Retry-After") if headers is not None else None
        if retry_after and retry_after.strip().isdigit() and len(retry_after.strip()) < 6:
            return min(float(retry_after), 300.0)
        return float(self.backoff * (2**attempt))

    def _same_origin(self, url: str) -> bool:
        parts = urllib.parse.urlsplit(url)
        try:
            port = parts.port or _default_port(parts.scheme)
        except ValueError:
            return False
        return (parts.scheme, parts.hostname, port) == self._origin

    def _get(self, url: str, target: Path) -> tuple[int, str, int]:
        """GET ``url`` into ``target``: (status, content type, bytes). Redirects within
        the base's scheme and host are followed; 4xx and 5xx raise ``_Status``."""
        started = time.monotonic()
        for _hop in range(MAX_REDIRECTS + 1):
            if not self._same_origin(url):
                raise Refused(
                    f"was redirected to {url}, outside {self._origin[0]}://{self._origin[1]}:"
                    " refused (only redirects within the base URL's host are followed)"
                )
            parts = urllib.parse.urlsplit(url)
            factory = (
                http.client.HTTPSConnection
                if parts.scheme == "https"
                else http.client.HTTPConnection
            )
            left = self.deadline - (time.monotonic() - started)
            connection = factory(
                parts.hostname or "", parts.port, timeout=max(0.1, min(self.timeout, left))
            )
            watchdog = _Watchdog(connection, left)
            try:
                path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                connection.connect()
                watchdog.start()
                connection.request("GET", path, headers={"User-Agent": USER_AGENT})
                response = connection.getresponse()
                if response.status in (301, 302, 303, 307, 308):
                    location = response.getheader("Location") or ""
                    response.read(65536)
                    if not location:
                        raise Refused(f"answered {response.status} without a Location")
                    url = urllib.parse.urljoin(url, location)
                    continue
                if response.status >= 400:
                    raise _Status(response.status, response.headers)
                length = response.getheader("Content-Length")
                if length and length.strip().isdigit() and int(length) > self.max_bytes:
                    raise Refused(
                        f"is {int(length) / 1e6:.1f} MB, more than the {self.max_bytes / 1e6:.0f}"
                        " MB a document may be (--max-mb)"
                    )
                size = self._stream(response, connection, target, started)
                return response.status, response.headers.get_content_type(), size
            except (http.client.HTTPException, OSError) as exc:
                if watchdog.fired:
                    raise Refused(f"took longer than {self.deadline:g} s in all: stopped") from exc
                if isinstance(exc, http.client.IncompleteRead):
                    raise Transient(
                        f"the response from {url} was cut short ({exc.expected} bytes missing)"
                    ) from exc
                raise Transient(f"cannot reach {url} ({exc})") from exc
            finally:
                watchdog.cancel()
                connection.close()
        raise Refused(f"was redirected more than {MAX_REDIRECTS} times")

    def _stream(
        self,
        response: http.client.HTTPResponse,
        connection: http.client.HTTPConnection,
        target: Path,
        started: float,
    ) -> int:
        size = 0
        with target.open("wb") as handle:
            while True:
                left = self.deadline - (time.monotonic() - started)
                if left <= 0:
                    raise Refused(
                        f"took longer than {self.deadline:g} s to send ({size:,} bytes so far)"
                    )
                if connection.sock is not None:
                    connection.sock.settimeout(min(self.timeout, left))
                block = response.read1(65536)
                if not block:
                    break
                size += len(block)
                if size > self.max_bytes:
                    raise Refused(
                        f"sent more than the {self.max_bytes / 1e6:.0f} MB a document may be"
                        " (--max-mb): stopped"
                    )
                handle.write(block)
        length = response.getheader("Content-Length")
        if length and length.strip().isdigit() and size < int(length):
            raise http.client.IncompleteRead(b"", int(length) - size)
        return size

    def fetch(self, symbol: str) -> Fetched:
        """Fetch one record into the cache (or find it there)."""
        symbol = normalize_symbol(symbol)
        path = self.cache / file_name(symbol)
        if path.is_file() and _is_pdf(path):
            return Fetched(symbol, "cached", path)
        url = symbol_url(self.base_url, symbol)
        message = ""
        self.cache.mkdir(parents=True, exist_ok=True)
        for attempt in range(self.retries + 1):
            self._wait_turn()
            headers: Message | None = None
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=self.cache)
            os.close(handle)
            partial = Path(name)
            try:
                try:
                    _, kind, size = self._get(url, partial)
                except _Status as exc:
                    if exc.status == 404:
                        return Fetched(
                            symbol, "missing", message=f"not found at {url}", attempts=attempt + 1
                        )
                    message = f"HTTP {exc.status} from {url}"
                    headers = exc.headers
                    if exc.status not in RETRY_STATUS:
                        return Fetched(symbol, "failed", message=message, attempts=attempt + 1)
                except Refused as exc:
                    return Fetched(symbol, "failed", message=f"{url} {exc}", attempts=attempt + 1)
                except Transient as exc:
                    message = str(exc)
                else:
                    if not _is_pdf(partial):
                        return Fetched(
                            symbol,
                            "failed",
                            message=f"{url} did not return a PDF (it returned {kind}, {size} bytes)",
                            attempts=attempt + 1,
                        )
                    partial.replace(path)
                    return Fetched(symbol, "downloaded", path, attempts=attempt + 1)
            finally:
                with contextlib.suppress(OSError):
                    partial.unlink()
            if attempt < self.retries:
                self._sleep(self._delay(attempt, headers))
        return Fetched(
            symbol,
            "failed",
            message=f"{message}; gave up after {self.retries + 1} tries",
            attempts=self.retries + 1,
        )

    def fetch_all(
        self, symbols: Iterable[str], progress: Callable[[Fetched], None] | None = None
    ) -> list[Fetched]:
        """Fetch several records in turn."""
        results = []
        for symbol in symbols:
            result = self.fetch(symbol)
            results.append(result)
            if progress:
                progress(result)
        return results


class _Watchdog:
    """Ends a request that runs past its deadline, however it is stuck (a server that
    drips its headers or body a byte at a time): shuts the socket down from a timer."""

    def __init__(self, connection: http.client.HTTPConnection, seconds: float) -> None:
        import threading

        self.fired = False
        self._connection = connection
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        sock = self._connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                import socket

                sock.shutdown(socket.SHUT_RDWR)

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()


class _Status(Exception):
    """An HTTP error status."""

    def __init__(self, status: int, headers: Message) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.headers = headers


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(1024).lstrip().startswith(b"%PDF")
    except OSError:
        return False
