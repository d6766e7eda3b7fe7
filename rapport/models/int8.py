"""Int8 recipes for the fused e5 network: which matrix products run in int8, and how.

Why a recipe is data: the products of one BERT layer differ in how much int8 moves the
vectors (bench/bench_quant.py, bench/bench_quant_scan.py), so a recipe names the ones kept
in fp32 and the library method for the rest, and its name goes into the file name and the
vectors' fingerprint: another recipe, other vectors, never mixed in one cache or index.

Two methods, both onnxruntime.quantization's own:

* "dynamic" (`quantize_dynamic`): int8 weights per output channel, the activations
  quantized at run time with ONE scale per tensor (the whole batch). The GELU outputs
  feeding the FFN output projection have outliers that one scale fits badly.
* "blocks" (`MatMulNBitsQuantizer`, 8-bit, accuracy level 4): weights in int8 blocks of
  `block_size` along the input dimension, and the activations quantized to int8 per row
  and block at run time, so an outlier spoils only its own block of one token, and a
  text's vector no longer depends on the other texts of its batch. It covers MatMul
  nodes only; a fused Attention (qkv) the recipe does not keep in fp32 gets the dynamic
  QAttention.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

KINDS = ("qkv", "attn_out", "ffn_in", "ffn_out")
METHODS = ("dynamic", "blocks")


@dataclass(frozen=True)
class Int8Recipe:
    """Which matrix products of the fused graph get int8 weights; the rest stay fp32.

    `fp32_kinds` names products kept in fp32 ("qkv": the fused Attention's input projection,
    "attn_out", "ffn_in", "ffn_out") in every layer, or only in `kind_layers` when given;
    `fp32_layers` keeps whole layers (0-based, negative from the top); `fp32_nodes` single
    products as "layer:kind" (what a sensitivity scan names). `reduce_range` uses 7-bit
    weights, needed only on AVX2 without VNNI, where full-range u8×s8 products saturate
    (onnxruntime's own advice). `method` and `block_size`: see the module docstring.
    The name goes into the file name and the vectors' fingerprint: another recipe, other vectors.
    """

    name: str
    fp32_kinds: tuple[str, ...] = ()
    fp32_layers: tuple[int, ...] = ()
    kind_layers: tuple[int, ...] = ()
    reduce_range: bool = False
    per_channel: bool = True
    fp32_nodes: tuple[str, ...] = ()
    extra: tuple[tuple[str, object], ...] = ()  # more extra_options of quantize_dynamic
    method: str = "dynamic"
    block_size: int = 128
    dynamic_nodes: tuple[str, ...] = ()  # with "blocks": MatMul products ("layer:kind") given the faster dynamic int8

    def __post_init__(self):
        if self.method not in METHODS:
            raise ValueError(f"Int8Recipe {self.name!r}: method must be one of {METHODS}, not {self.method!r}")
        bad = [k for k in self.fp32_kinds if k not in KINDS]
        if bad:
            raise ValueError(f"Int8Recipe {self.name!r}: unknown kinds {bad}; use {KINDS}")
        for spec in self.fp32_nodes + self.dynamic_nodes:
            _node_key(spec, 1)

    def excluded(self, graph) -> list[str]:
        """Names of the graph's nodes this recipe keeps in fp32."""
        kinds = product_kinds(graph)
        layers = max((layer for layer, _ in kinds.values()), default=-1) + 1
        keep = {x % layers for x in self.fp32_layers} if layers else set()
        some = {x % layers for x in self.kind_layers} if layers else set()
        nodes = {_node_key(x, layers) for x in self.fp32_nodes} if layers else set()
        return [name for name, (layer, kind) in kinds.items()
                if layer in keep or (layer, kind) in nodes or (kind in self.fp32_kinds and (not some or layer in some))]


def _node_key(spec: str, layers: int) -> tuple[int, str]:
    """"layer:kind" -> (layer, kind), the layer taken modulo the graph's layers (negative from the top)."""
    layer, _, kind = spec.partition(":")
    if kind not in KINDS or not re.fullmatch(r"-?\d+", layer):
        raise ValueError(f"Int8Recipe node {spec!r}: write it as LAYER:KIND with KIND one of {KINDS}")
    return int(layer) % layers, kind


_KIND = {"attention/output": "attn_out", "intermediate": "ffn_in", "output": "ffn_out"}


def product_kinds(graph) -> dict[str, tuple[int, str]]:
    """{node name: (layer, kind)} for the matrix products of a fused BERT graph (Attention nodes in order)."""
    out, attention = {}, 0
    for node in graph.node:
        if node.op_type == "Attention":
            out[node.name] = (attention, "qkv")
            attention += 1
        elif node.op_type == "MatMul":
            m = re.search(r"layer\.(\d+)/(attention/output|intermediate|output)/dense/MatMul$", node.name)
            if m:
                out[node.name] = (int(m.group(1)), _KIND[m.group(2)])
    return out


# Chosen in bench/bench_quant_scan.py + bench/bench_quant.py (docs/scale.md "Mixed int8 with activation blocks"):
# one product at a time in dynamic int8 on 160 g0vse passages, the drift (mean 1 - cosine) nearly adds up
# (sum 367e-5, all together 355e-5), and the FFN output of layer 4 alone is half of it. Blocks here cost 12e-5
# instead; dynamic is kept where it is harmless and fast. Cosine to fp32 min 0.9994 / mean 0.9997 on bench_embed's
# 1,000 passages, 1.47-1.50x fp32 ONNX (int8-ffn2, the earlier recipe: 1.55x at mean 0.9990).
INT8_RECIPE = Int8Recipe(
    "int8-blk128-mix", method="blocks", block_size=128,
    fp32_kinds=("qkv",), kind_layers=(8, 9, 10, 11),  # the four most sensitive qkv products stay fp32
    dynamic_nodes=tuple(f"{i}:attn_out" for i in range(12)) + ("0:ffn_in", "4:ffn_in", "5:ffn_in", "11:ffn_in"))


def quantize(src: Path, dst: Path, recipe: Int8Recipe = INT8_RECIPE) -> None:
    """Write `recipe`'s int8 copy of the fused fp32 network `src` to `dst`."""
    import onnx

    model = onnx.load(str(src))
    excluded = set(recipe.excluded(model.graph))
    products = product_kinds(model.graph)
    if recipe.method == "dynamic":
        _dynamic(model, dst, recipe, [n for n in products if n not in excluded])
        return
    layers = max((layer for layer, _ in products.values()), default=-1) + 1
    fast = {_node_key(x, layers) for x in recipe.dynamic_nodes}
    # MatMulNBits covers MatMul nodes only: the fused Attention's projection goes dynamic, and so do dynamic_nodes
    dynamic = [n for n, (layer, kind) in products.items()
               if n not in excluded and (kind == "qkv" or (layer, kind) in fast)]
    if dynamic:
        tmp = Path(dst).with_name(f".{Path(dst).name}.dyn.onnx")
        try:
            _dynamic(model, tmp, recipe, dynamic)
            model = onnx.load(str(tmp))
        finally:
            tmp.unlink(missing_ok=True)
    _blocks(model, dst, recipe, [n for n in products if n not in excluded and n not in dynamic])


def _dynamic(model, dst: Path, recipe: Int8Recipe, nodes: list[str]) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    if not nodes:  # an empty nodes_to_quantize would mean every node
        onnx.save(model, str(dst))
        return
    quantize_dynamic(model, str(dst), weight_type=QuantType.QInt8, per_channel=recipe.per_channel,
                     reduce_range=recipe.reduce_range, op_types_to_quantize=["MatMul", "Attention"],
                     nodes_to_quantize=nodes,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT, **dict(recipe.extra)})


def _blocks(model, dst: Path, recipe: Int8Recipe, nodes: list[str]) -> None:
    """8-bit block-wise weights, int8 products with per-row block scales (MatMulNBits accuracy level 4)."""
    import logging

    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    log = logging.getLogger("onnxruntime.quantization.matmul_nbits_quantizer")
    level = log.level
    log.setLevel(logging.WARNING)  # it logs one INFO line per node it skips
    try:
        # its nodes_to_include adds to the op types instead of narrowing them: exclude the other MatMuls
        others = [n.name for n in model.graph.node if n.op_type == "MatMul" and n.name not in set(nodes)]
        q = MatMulNBitsQuantizer(model, bits=8, block_size=recipe.block_size, is_symmetric=True, accuracy_level=4,
                                 nodes_to_exclude=others, op_types_to_quantize=("MatMul",))
        q.process()
        q.model.save_model_to_file(str(dst), False)
    finally:
        log.setLevel(level)
