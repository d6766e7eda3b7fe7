"""The ONNX backend: exported copies equal to torch, length-bucketed batches, the lazy embedder, fallbacks."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from rapport.models import onnx_backend as ob
from rapport.models.embedder import LazyEmbedder, load_embedder
from tests.fixtures.tiny_model.build import tiny_model_dir

QUERIES = ["ekonomi i balans", "sjukfrånvaro bland personalen", "ett mycket längre frågetecken om investeringar"]
PASSAGES = ["Regionen har ett underskott.", "Väntetiderna har ökat i vården under året.",
            "Kort.", "Nämnden har beslutat om en åtgärdsplan för ekonomin i balans och följer upp den varje månad.",
            "Regionen har ett underskott."]


@pytest.fixture
def model(tmp_path):
    """A private copy of the tiny model: its ONNX files are written beside it, never beside the shared one."""
    folder = tmp_path / "models" / tiny_model_dir().name
    shutil.copytree(tiny_model_dir(), folder)
    return folder


def test_onnx_backend_plan_buckets_by_length_and_budget():
    plan = ob.BatchPlan(max_batch=3, max_tokens=100)
    lengths = [5, 60, 10, 40, 7, 30, 9]
    batches = plan.batches(lengths)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))  # every text once
    assert [list(b) for b in batches][0] == [1]          # 60 tokens: one per batch within 100
    for b in batches:
        assert len(b) <= 3 and len(b) * max(lengths[i] for i in b) <= 100 or len(b) == 1
    longest = [max(lengths[i] for i in b) for b in batches]
    assert longest == sorted(longest, reverse=True)      # sorted, so padding stays small


def test_onnx_backend_export_matches_torch(model):
    pytest.importorskip("onnx")
    emb = load_embedder(model, backend="onnx")
    want = emb.encode_torch(["passage: " + t for t in PASSAGES])
    got = emb.encode_passages(PASSAGES)  # exports the fused copy on first use
    stamp = {"name": emb.name, "weights_sha256": emb.weights_sha256}
    assert ob.onnx_path(model, stamp).exists() and ob.table_path(model, stamp).exists()
    assert got.shape == want.shape and float((got * want).sum(1).min()) > 0.9999
    np.testing.assert_array_equal(got[0], got[4])  # the same text gets the same vector wherever it sits


def test_onnx_backend_vectors_do_not_depend_on_threads(model):
    pytest.importorskip("onnx")
    emb = load_embedder(model, backend="onnx")
    emb.encode_passages(PASSAGES[:1])
    texts = ["passage: " + t for t in PASSAGES]
    one, two = emb.onnx("fp32", threads=1).encode(texts), emb.onnx("fp32", threads=2).encode(texts)
    np.testing.assert_array_equal(one, two)  # the Ray engine's workers may run other thread counts


def test_onnx_backend_lazy_queries_without_torch(model):
    pytest.importorskip("onnx")
    first = LazyEmbedder(model, backend="onnx")
    assert first._real is None and first.dim == 32
    want = first.real().encode_queries(QUERIES)  # loading the real model exports the ONNX copy
    second = LazyEmbedder(model, backend="onnx")
    got = second.encode_queries(QUERIES)
    assert second._real is None  # answered without torch's model
    assert got.shape == want.shape and float((got * want).sum(1).min()) > 0.9999
    assert second.fingerprint == load_embedder(model, backend="onnx").fingerprint


def test_onnx_backend_lazy_passages_without_torch(model):
    pytest.importorskip("onnx")
    want = LazyEmbedder(model, backend="onnx").real().encode_passages(PASSAGES)  # exports the copies
    lazy = LazyEmbedder(model, backend="onnx")
    got = lazy.encode_passages(PASSAGES)
    assert lazy._real is None  # no torch model loaded for passages
    np.testing.assert_array_equal(got, want)  # the same network and batches as the loaded Embedder


def test_onnx_backend_lazy_passages_int8_when_asked(model):
    pytest.importorskip("onnx")
    LazyEmbedder(model, backend="onnx").real()
    lazy = LazyEmbedder(model, backend="onnx-int8")
    got = lazy.encode_passages(PASSAGES)
    assert lazy._real is None and lazy._passages.model_path.name.endswith(f".{ob.INT8_RECIPE.name}.onnx")
    np.testing.assert_array_equal(got, load_embedder(model, backend="onnx-int8").encode_passages(PASSAGES))
    assert lazy.fingerprint.endswith(ob.INT8_RECIPE.name)


def test_onnx_backend_lazy_passages_export_when_no_copy(model):
    pytest.importorskip("onnx")
    lazy = LazyEmbedder(model, backend="onnx")
    got = lazy.encode_passages(PASSAGES)  # no copy yet: the torch model is loaded and exports it
    assert lazy._real is not None and got.shape == (len(PASSAGES), 32)
    stamp = lazy._stamp
    assert ob.onnx_path(model, stamp).exists()


def test_onnx_backend_damaged_copy_falls_back_to_torch(model):
    pytest.importorskip("onnx")
    LazyEmbedder(model, backend="onnx").real()
    stamp = {"name": tiny_model_dir().name, "weights_sha256": LazyEmbedder(model)._stamp["weights_sha256"]}
    p = ob.onnx_path(model, stamp)
    p.write_bytes(b"not an onnx model")
    lazy = LazyEmbedder(model, export=False)
    v = lazy.encode_queries(QUERIES[:1])
    assert v.shape == (1, 32) and np.isfinite(v).all() and lazy._real is not None and not p.exists()


def test_onnx_backend_int8_copy_of_a_new_recipe_is_made_from_fp32(model):
    pytest.importorskip("onnx")
    LazyEmbedder(model, backend="onnx").real()  # the fp32 (and int8) copies, as an earlier recipe left them
    stamp = LazyEmbedder(model, backend="onnx")._stamp
    int8 = ob.onnx_path(model, stamp, "int8")
    assert ob.INT8_RECIPE.name in int8.name
    int8.unlink(missing_ok=True)  # what a changed recipe looks like: fp32 there, this recipe's file not
    lazy = LazyEmbedder(model, backend="onnx-int8")
    if int8.exists():  # written only when it held its cosine to fp32
        assert lazy.fingerprint.endswith("+" + ob.INT8_RECIPE.name)
        assert lazy.fingerprint == lazy.real().fingerprint  # no change of identity once torch loads
    else:
        assert lazy.fingerprint == LazyEmbedder(model, backend="onnx").fingerprint


def test_onnx_backend_int8_identity_is_fixed_when_loaded_on_a_fresh_machine(model):
    """No ONNX copy yet: the fingerprint read right after loading already names the copy passages will run on."""
    pytest.importorskip("onnx")
    emb = load_embedder(model, backend="onnx-int8")
    before = emb.fingerprint
    emb.encode_passages(PASSAGES)
    assert emb.fingerprint == before
    int8 = ob.onnx_path(model, emb._stamp, "int8")
    assert before.endswith("+" + ob.INT8_RECIPE.name) == int8.exists()


def test_onnx_backend_torch_backend_never_exports(model):
    emb = load_embedder(model, backend="torch")
    emb.encode_passages(PASSAGES)
    assert not list(model.parent.glob("*.onnx"))


def test_onnx_backend_unknown_backend_is_one_clear_error(model, monkeypatch):
    from rapport.models.embedder import EmbedderError

    monkeypatch.setenv("RAPPORT_EMBED_BACKEND", "tpu")
    with pytest.raises(EmbedderError, match="RAPPORT_EMBED_BACKEND"):
        load_embedder(model)


@pytest.mark.model
@pytest.mark.skipif(not __import__("rapport.models.embedder", fromlist=["x"]).is_available(),
                    reason="real e5 model not built: run `make setup`")
def test_onnx_backend_real_model_int8_and_fp32_hold_their_cosines():
    pytest.importorskip("onnx")
    texts = [  # written for this test: report-like Swedish of several lengths
        "Resultatet för perioden blev ett överskott på 212 miljoner kronor.",
        "Nämnden bedömer att målet om tillgänglig vård delvis har uppnåtts eftersom köerna till "
        "specialistvården har minskat men fortfarande är längre än den nationella vårdgarantin medger.",
        "Tabell 2 Kostnader per verksamhet (mnkr): primärvård 1 450; specialiserad vård 6 210; tandvård 380.",
        "Kort.",
    ]
    ref = load_embedder(backend="torch").encode_torch(["passage: " + t for t in texts])
    fp32, int8 = load_embedder(backend="onnx"), load_embedder(backend="onnx-int8")
    a = fp32.encode_passages(texts)
    assert float((a * ref).sum(1).min()) > 0.9999
    if fp32.onnx("int8") is not None:  # kept only when it passed its own check at export
        b = int8.encode_passages(texts)
        assert float((b * ref).sum(1).min()) >= 0.99 and int8.fingerprint.endswith("+" + ob.INT8_RECIPE.name)
    one = fp32.onnx("fp32", threads=1).encode(["passage: " + t for t in texts])
    np.testing.assert_array_equal(one, fp32.onnx("fp32", threads=2).encode(["passage: " + t for t in texts]))
