"""Download verbatim records from the UN Official Document System (ODS), politely.

A record is asked for by symbol at ``{base_url}?s={symbol}&l=en&t=pdf`` (the ODS
"symbol access" layout; the base URL is configurable). Downloads go to a cache folder
under the ODS file names (``S_PV.8700_E.pdf``, ``S_PV.8699(Resumption1)_E.pdf``), written
atomically, so ``councilbase ingest CACHE`` takes them. A file already in the cache is
not downloaded again. Requests are spaced by a rate limit and retried with exponential
backoff on network errors, 429 and 5xx (honouring ``Retry-After``).
"""

from __future__ import annotations

import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from councilbase import __version__

DEFAULT_BASE_URL = "https://documents.un.org/api/symbol/access"
USER_AGENT = f"councilbase/{__version__} (research; https://github.com/councilbase)"
RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


class FetchError(ValueError):
    """A symbol or range that cannot be fetched as given."""


def default_cache() -> Path:
    """``$COUNCILBASE_CACHE``, else ``~/.cache/councilbase/ods``."""
    env = os.environ.get("COUNCILBASE_CACHE")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "councilbase" / "ods"


def normalize_symbol(text: str) -> str:
    """``8700``, ``S/PV.8700``, ``s/pv.8699 (resumption 1)`` -> the symbol as ODS writes it."""
    from councilbase.errors import QueryError
    from councilbase.symbols import normalise_meeting

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


def expand_symbols(items: Iterable[str]) -> list[str]:
    """Symbols, numbers and ranges (``8690-8700``) -> symbols in order, without repeats."""
    out: list[str] = []
    for item in items:
        joined = re.sub(r"\s*\(", "(", item.strip())  # "S/PV.8699 (Resumption 1)" is one
        for part in re.split(r"[,\s]+(?![^()]*\))", joined):
            if not part:
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
    """The ODS file name of a record: ``S/PV.8699 (Resumption 1)`` -> ``S_PV.8699(Resumption1)_E.pdf``."""
    return symbol.replace("/", "_").replace(" (Resumption ", "(Resumption") + "_E.pdf"


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


class Fetcher:
    """Downloads with a cache, a rate limit and retries with backoff."""

    def __init__(
        self,
        cache: Path | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        min_interval: float = 1.0,
        retries: int = 4,
        backoff: float = 2.0,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cache = cache or default_cache()
        self.base_url = base_url
        self.min_interval = min_interval
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self._sleep = sleep
        self._clock = clock
        self._last: float | None = None

    def _wait_turn(self) -> None:
        if self._last is not None:
            wait = self.min_interval - (self._clock() - self._last)
            if wait > 0:
                self._sleep(wait)
        self._last = self._clock()

    def _delay(self, attempt: int, headers: Message | None) -> float:
        retry_after = headers.get("Retry-After") if headers is not None else None
        if retry_after and retry_after.strip().isdigit():
            return min(float(retry_after), 300.0)
        return float(self.backoff * (2**attempt))

    def fetch(self, symbol: str) -> Fetched:
        """Fetch one record into the cache (or find it there)."""
        symbol = normalize_symbol(symbol)
        path = self.cache / file_name(symbol)
        if path.is_file() and _is_pdf(path):
            return Fetched(symbol, "cached", path)
        url = symbol_url(self.base_url, symbol)
        message = ""
        for attempt in range(self.retries + 1):
            self._wait_turn()
            headers: Message | None = None
            try:
                request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body = response.read()
                    kind = response.headers.get_content_type()
            except urllib.error.HTTPError as exc:
                if exc.code == 404:
                    return Fetched(
                        symbol, "missing", message=f"not found at {url}", attempts=attempt + 1
                    )
                message = f"HTTP {exc.code} from {url}"
                headers = exc.headers
                if exc.code not in RETRY_STATUS:
                    return Fetched(symbol, "failed", message=message, attempts=attempt + 1)
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                message = f"cannot reach {url} ({reason})"
            else:
                if not body.lstrip().startswith(b"%PDF"):
                    return Fetched(
                        symbol,
                        "failed",
                        message=f"{url} did not return a PDF (it returned {kind}, {len(body)} bytes)",
                        attempts=attempt + 1,
                    )
                self.cache.mkdir(parents=True, exist_ok=True)
                partial = path.with_name(path.name + ".part")
                partial.write_bytes(body)
                partial.replace(path)
                return Fetched(symbol, "downloaded", path, attempts=attempt + 1)
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


def _is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(1024).lstrip().startswith(b"%PDF")
    except OSError:
        return False
