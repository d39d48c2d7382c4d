"""Work spread on a Dask cluster: the parsing of records (OCR, parsing, extraction) and the
embedding of speeches, sent to ``dask worker`` processes started the usual way, or to a
local cluster (``local:N``).

The client reads each file and sends its bytes, so the workers need no shared file system;
the results come back and this process alone writes the database, by the same rules as a
local run (content hash, idempotence, a bad file reported and skipped). Tasks are sent a
window at a time, so a large archive is never all in memory. A worker lost mid-task (killed,
out of memory, its machine gone) costs nothing but time: the scheduler runs the task again on
another worker, and since the client writes each result once, in order, nothing is written
twice.
"""

from __future__ import annotations

import os
import tempfile
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from councilbase.errors import RecordError

LOCAL = "local:"
"""``local:N``: a cluster of N worker processes on this machine, started and stopped here."""


class ClusterError(Exception):
    """A scheduler that cannot be used, with why (one line)."""


@dataclass
class Cluster:
    """A connected Dask client, and how many workers it has."""

    client: Any
    address: str
    workers: int

    def window(self) -> int:
        """How many tasks to keep in flight: enough to keep every worker busy."""
        return max(4, 3 * self.workers)


def check_address(address: str) -> str:
    """``local:N`` or a scheduler address (``tcp://host:8786``, ``host:8786``); a one-line
    :class:`ClusterError` for anything else."""
    text = address.strip()
    if text.startswith(LOCAL):
        count = text[len(LOCAL) :]
        if not count.isdigit() or not 1 <= int(count) <= 256:
            raise ClusterError(
                f"cannot read --scheduler {address!r}: write local:N, N from 1 to 256"
            )
        return text
    if not text or " " in text:
        raise ClusterError(
            f"cannot read --scheduler {address!r}: give the scheduler's address"
            " (tcp://host:8786) or local:N"
        )
    return text


def _probe(target: str, seconds: float = 5.0) -> None:
    """Fail at once, in one line, when nothing listens at a tcp:// address (Dask's client
    would try for its whole timeout)."""
    import socket
    import urllib.parse

    parsed = urllib.parse.urlsplit(target)
    if parsed.scheme != "tcp" or not parsed.hostname:
        return  # another transport (tls://, inproc://): the client says what is wrong
    try:
        port = parsed.port or 8786
        with socket.create_connection((parsed.hostname, port), timeout=seconds):
            pass
    except (OSError, ValueError) as exc:
        raise ClusterError(f"cannot reach the scheduler at {target}: {exc}") from None


def _untyped(function: Any) -> Callable[..., Any]:
    """Dask's functions, which carry no types, as callables mypy accepts."""
    result: Callable[..., Any] = function
    return result


@contextmanager
def connect(address: str, timeout: float = 20.0) -> Iterator[Cluster]:
    """A client of the scheduler at ``address`` (or of a local cluster, ``local:N``),
    closed (and the local cluster stopped) on leaving."""
    try:
        import distributed
    except ImportError as exc:  # pragma: no cover - distributed is a dependency
        raise ClusterError("the cluster needs dask's distributed: pip install distributed") from exc
    address = check_address(address)
    local = None
    try:
        if address.startswith(LOCAL):
            local = _untyped(distributed.LocalCluster)(
                n_workers=int(address[len(LOCAL) :]),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
            )
            client = _untyped(distributed.Client)(local, timeout=timeout)
        else:
            target = address if "://" in address else f"tcp://{address}"
            _probe(target)
            client = _untyped(distributed.Client)(target, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        if local is not None:
            _untyped(local.close)()
        raise ClusterError(f"cannot reach the scheduler at {address}: {exc}") from None
    try:
        workers = len(client.scheduler_info().get("workers", {}))
        if workers == 0:
            client.wait_for_workers(1, timeout=timeout)
            workers = len(client.scheduler_info().get("workers", {}))
        yield Cluster(client, address, workers)
    except TimeoutError:
        raise ClusterError(f"the scheduler at {address} has no worker") from None
    finally:
        _untyped(client.close)()
        if local is not None:
            _untyped(local.close)()


def windowed(
    cluster: Cluster, function: Callable[..., Any], payloads: Iterable[tuple[Any, ...]]
) -> Generator[Any, None, None]:
    """Run ``function(*payload)`` on the cluster for each payload, a window at a time; the
    results in the payloads' order."""
    client = cluster.client
    pending: deque[Any] = deque()
    source = iter(payloads)
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < cluster.window():
                payload = next(source, None)
                if payload is None:
                    exhausted = True
                    break
                pending.append(client.submit(function, *payload, pure=False, retries=2))
            if not pending:
                return
            future = pending.popleft()
            yield future.result()
            future.release()
    finally:
        for future in pending:
            future.cancel()


# --- parsing ----------------------------------------------------------------------------


def unit_payload(unit: Any) -> tuple[Any, ...]:
    """What a worker needs to parse a unit: its format, label and part, and each file's
    name and bytes (read here: the workers need not see this machine's files)."""
    return (
        unit.format,
        unit.path,
        unit.part,
        unit.ocr,
        [(str(path), Path(path).read_bytes()) for path in unit.files],
    )


def parse_payload(
    format: str, label: str, part: str, ocr: str, files: Sequence[tuple[str, bytes]]
) -> Any:
    """On a worker: write the files under their own names in a temporary folder, parse
    them as a unit, and give back the result with the client's paths in it."""
    from councilbase.pipeline import Parsed, Unit, parse_unit

    with tempfile.TemporaryDirectory(prefix="councilbase-") as folder:
        mapping: dict[str, str] = {}
        paths: list[Path] = []
        names = [Path(original).name for original, _ in files]
        together = len(set(names)) == len(names)  # a corpus meeting's files: one folder
        for number, (original, data) in enumerate(files):
            here = Path(folder) if together else Path(folder) / str(number)
            here.mkdir(exist_ok=True)
            path = here / Path(original).name
            path.write_bytes(data)
            paths.append(path)
            mapping[str(path)] = original
            mapping.setdefault(str(here), str(Path(original).parent))
        unit = Unit(label, format, paths, part, ocr=ocr)
        parsed: Parsed = parse_unit(unit)
    return _restore_paths(parsed, mapping)


def _restore_paths(parsed: Any, mapping: dict[str, str]) -> Any:
    """The worker's temporary paths in a result replaced by the client's (as a local run
    would have written them)."""
    from councilbase.errors import safe_path

    longest_first = sorted(mapping, key=len, reverse=True)

    def back(value: str | None) -> str | None:
        if value is None:
            return None
        if value in mapping:
            return safe_path(Path(mapping[value]))
        for temporary in longest_first:
            if temporary in value:
                value = value.replace(temporary, mapping[temporary])
        return value

    for record in parsed.records:
        if record.source is not None:
            record.source.path = back(record.source.path) or record.source.path
            record.source.files = [back(f) or f for f in record.source.files]
        for speech in record.speeches:
            speech.source_file = back(speech.source_file)
    parsed.errors = [RecordError(back(e.path) or e.path, e.message) for e in parsed.errors]
    return parsed


def parse_on_cluster(cluster: Cluster, units: Sequence[Any]) -> Generator[Any, None, None]:
    """Parse units on the cluster; a :class:`~councilbase.pipeline.Parsed` per unit, in
    order. A file that cannot be read here is reported as that unit's error."""
    from councilbase.pipeline import Parsed

    def payloads() -> Iterator[tuple[Any, ...]]:
        for unit in units:
            try:
                yield unit_payload(unit)
            except OSError as exc:
                yield ("unreadable", unit.label, unit.part, unit.ocr, [("", str(exc).encode())])

    for result in windowed(cluster, _parse_or_report, payloads()):
        yield result if result is not None else Parsed([], [])


def _parse_or_report(
    format: str, label: str, part: str, ocr: str, files: Sequence[tuple[str, bytes]]
) -> Any:
    from councilbase.pipeline import Parsed

    if format == "unreadable":
        return Parsed([], [RecordError(label, f"cannot be read: {files[0][1].decode()}")])
    return parse_payload(format, label, part, ocr, files)


# --- embedding ----------------------------------------------------------------------------

_MODELS: dict[str, Any] = {}


def embed_payload(model_name: str, texts: Sequence[str]) -> Any:
    """On a worker: the texts' vectors by the model (loaded once per worker process)."""
    from councilbase.analysis.semantic import embedder

    model = _MODELS.get(model_name)
    if model is None:
        model = _MODELS[model_name] = embedder(model_name)
    return model.embed(list(texts))


def embed_on_cluster(
    cluster: Cluster, model_name: str, batches: Iterable[Sequence[str]]
) -> Generator[Any, None, None]:
    """Each batch of texts' vectors, computed on the cluster, in order."""
    yield from windowed(cluster, embed_payload, ((model_name, list(b)) for b in batches))


def worker_pids(cluster: Cluster) -> dict[str, int]:
    """Each worker's address and process id (for tests and benchmarks)."""
    result: dict[str, int] = cluster.client.run(os.getpid)
    return result
