"""Int8 recipes: which products a recipe keeps in fp32, how each method rewrites the graph, and identity."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from rapport.models import int8
from rapport.models import onnx_backend as ob
from rapport.models.embedder import LazyEmbedder, fingerprint_of
from tests.fixtures.tiny_model.build import tiny_model_dir

PASSAGES = ["Regionen har ett underskott.", "Väntetiderna har ökat i vården under året.", "Kort.",
            "Nämnden har beslutat om en åtgärdsplan för ekonomin och följer upp den varje månad."]


def _fused_graph(layers: int):
    """Node names and order of a fused BERT export (no weights: names are what a recipe reads)."""
    onnx = pytest.importorskip("onnx")
    nodes = []
    for i in range(layers):
        nodes.append(onnx.helper.make_node("Attention", [f"h{i}"], [f"a{i}"], name=f"Attention_{i}"))
        for part, out in (("attention/output", "o"), ("intermediate", "f"), ("output", "h")):
            nodes.append(onnx.helper.make_node("MatMul", ["x", "w"], [f"{out}{i}_{part}"],
                                               name=f"/m/encoder/layer.{i}/{part}/dense/MatMul"))
    return onnx.helper.make_graph(nodes, "g", [], [])


def test_int8_recipe_keeps_named_kinds_and_layers_in_fp32():
    g = _fused_graph(4)
    assert int8.Int8Recipe("all").excluded(g) == []
    ffn_out = int8.Int8Recipe("f", fp32_kinds=("ffn_out",)).excluded(g)
    assert ffn_out == [f"/m/encoder/layer.{i}/output/dense/MatMul" for i in range(4)]
    ends = set(int8.Int8Recipe("e", fp32_layers=(0, -1)).excluded(g))
    assert {"Attention_0", "Attention_3", "/m/encoder/layer.3/intermediate/dense/MatMul"} <= ends
    assert len(ends) == 8 and not any("layer.1" in n or n == "Attention_2" for n in ends)
    assert int8.Int8Recipe("q", fp32_kinds=("qkv",)).excluded(g) == [f"Attention_{i}" for i in range(4)]
    top = int8.Int8Recipe("t", fp32_kinds=("ffn_out",), kind_layers=(-1, 2)).excluded(g)
    assert top == ["/m/encoder/layer.2/output/dense/MatMul", "/m/encoder/layer.3/output/dense/MatMul"]


def test_int8_recipe_keeps_single_named_products_in_fp32():
    g = _fused_graph(4)
    kept = int8.Int8Recipe("n", fp32_nodes=("1:ffn_in", "-1:qkv", "0:ffn_out")).excluded(g)
    assert sorted(kept) == sorted(["/m/encoder/layer.1/intermediate/dense/MatMul", "Attention_3",
                                   "/m/encoder/layer.0/output/dense/MatMul"])
    both = int8.Int8Recipe("b", fp32_kinds=("qkv",), fp32_nodes=("2:attn_out",)).excluded(g)
    assert len(both) == 5 and "/m/encoder/layer.2/attention/output/dense/MatMul" in both


@pytest.mark.parametrize("kw", [{"fp32_nodes": ("1:ffn",)}, {"fp32_nodes": ("top:qkv",)},
                                {"fp32_kinds": ("mlp",)}, {"method": "static"}, {"dynamic_nodes": ("2",)}])
def test_int8_recipe_rejects_what_it_cannot_name(kw):
    with pytest.raises(ValueError, match="Int8Recipe"):
        int8.Int8Recipe("bad", **kw)


@pytest.fixture
def fp32_copy(tmp_path):
    """A private tiny model with its fused fp32 ONNX copy exported beside it."""
    pytest.importorskip("onnx")
    folder = tmp_path / "models" / tiny_model_dir().name
    shutil.copytree(tiny_model_dir(), folder)
    lazy = LazyEmbedder(folder, backend="onnx")
    lazy.real()
    return folder, lazy._stamp


def _ops(path) -> dict[str, int]:
    import onnx

    out: dict[str, int] = {}
    for n in onnx.load(str(path)).graph.node:
        out[n.op_type] = out.get(n.op_type, 0) + 1
    return out


def test_int8_blocks_recipe_rewrites_only_the_products_it_names(fp32_copy, tmp_path):
    pytest.importorskip("onnx_ir")
    folder, stamp = fp32_copy
    src = ob.onnx_path(folder, stamp)
    import onnx

    products = int8.product_kinds(onnx.load(str(src)).graph)
    layers = 1 + max(layer for layer, _ in products.values())
    recipe = int8.Int8Recipe("t-blk", method="blocks", block_size=32, fp32_kinds=("qkv",), fp32_nodes=("0:ffn_out",))
    dst = tmp_path / "blk.onnx"
    int8.quantize(src, dst, recipe)
    ops = _ops(dst)
    assert ops.get("MatMulNBits") == 3 * layers - 1  # every MatMul product but the one kept
    assert ops.get("Attention") == layers and "QAttention" not in ops  # qkv kept fp32
    enc, ref = ob.OnnxEncoder(dst, ob.table_path(folder, stamp), folder / "tokenizer.json"), \
        ob.OnnxEncoder(src, ob.table_path(folder, stamp), folder / "tokenizer.json")
    texts = ["passage: " + t for t in PASSAGES]
    a, b = enc.encode(texts), ref.encode(texts)
    assert a.shape == b.shape and np.isfinite(a).all() and float((a * b).sum(1).min()) > 0.9
    # per-row activation blocks: a text's vector does not depend on the texts batched with it
    alone = np.concatenate([enc.encode([t]) for t in texts])
    np.testing.assert_allclose(alone, a, atol=1e-5)


def test_int8_blocks_recipe_quantizes_unkept_attention_dynamically(fp32_copy, tmp_path):
    pytest.importorskip("onnx_ir")
    folder, stamp = fp32_copy
    dst = tmp_path / "all.onnx"
    int8.quantize(ob.onnx_path(folder, stamp), dst, int8.Int8Recipe("t-all", method="blocks", block_size=32))
    ops = _ops(dst)
    assert ops.get("QAttention") and "Attention" not in ops and ops.get("MatMulNBits")


def test_int8_fingerprint_names_the_recipe_only_when_its_copy_exists(fp32_copy, monkeypatch):
    folder, stamp = fp32_copy
    recipe = int8.Int8Recipe("t-fp", method="blocks", block_size=32, fp32_kinds=("qkv",))
    monkeypatch.setattr(int8, "INT8_RECIPE", recipe)
    monkeypatch.setattr(ob, "INT8_RECIPE", recipe)
    path = ob.onnx_path(folder, stamp, "int8")
    assert path.name.endswith(".t-fp.onnx")
    base = fingerprint_of(folder, stamp, "onnx")
    path.unlink(missing_ok=True)
    assert fingerprint_of(folder, stamp, "onnx-int8") == base  # no copy: fp32 vectors, fp32 identity
    ob.ensure_int8(folder, stamp)
    if path.exists():  # written only when it held INT8_MIN_COSINE on the check texts
        assert fingerprint_of(folder, stamp, "onnx-int8") == base + "+t-fp"


def test_int8_blocks_recipe_gives_dynamic_nodes_the_dynamic_method(fp32_copy, tmp_path):
    pytest.importorskip("onnx_ir")
    folder, stamp = fp32_copy
    dst = tmp_path / "mix.onnx"
    recipe = int8.Int8Recipe("t-mix", method="blocks", block_size=32, fp32_kinds=("qkv",),
                             dynamic_nodes=("0:attn_out", "-1:ffn_in"))
    int8.quantize(ob.onnx_path(folder, stamp), dst, recipe)
    before = _ops(ob.onnx_path(folder, stamp))
    layers = before["Attention"]
    ops = _ops(dst)
    assert ops.get("MatMulNBits") == 3 * layers - 2
    assert ops.get("MatMulInteger") == 2 and ops.get("Attention") == layers



def test_int8_query_identity_stays_fp32_on_the_int8_backend(fp32_copy):
    folder, _ = fp32_copy
    fp32, q8 = LazyEmbedder(folder, backend="onnx"), LazyEmbedder(folder, backend="onnx-int8")
    assert q8.query_fingerprint == fp32.fingerprint == fp32.query_fingerprint  # queries run fp32 on both
    if ob.onnx_path(folder, q8._stamp, "int8").exists():
        assert q8.fingerprint != q8.query_fingerprint  # passages are another model's vectors
