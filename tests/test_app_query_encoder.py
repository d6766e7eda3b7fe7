"""The lazy embedder: stamp-only identity, ONNX query vectors equal to torch's, fallbacks that never fail a search."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from rapport.app.query_encoder import LazyEmbedder, onnx_path, table_path
from tests.fixtures.tiny_model.build import tiny_model_dir

QUERIES = ["ekonomi i balans", "sjukfrånvaro bland personalen", "ett mycket längre frågetecken om investeringar"]


@pytest.fixture
def model(tmp_path):
    folder = tmp_path / "models" / tiny_model_dir().name
    shutil.copytree(tiny_model_dir(), folder)
    return folder


def test_query_encoder_identity_without_loading(model):
    from rapport.models.embedder import load_embedder

    lazy = LazyEmbedder(model)
    assert lazy._real is None and lazy.fingerprint == load_embedder(model).fingerprint and lazy.dim == 32


def test_query_encoder_onnx_matches_torch(model):
    pytest.importorskip("onnx")
    first = LazyEmbedder(model)
    want = first.real().encode_queries(QUERIES)  # loading the real model exports the ONNX copy
    assert onnx_path(model, first._stamp).exists() and table_path(onnx_path(model, first._stamp)).exists()
    second = LazyEmbedder(model)
    got = second.encode_queries(QUERIES)
    assert second._real is None  # answered without torch's model
    assert got.shape == want.shape and float((got * want).sum(1).min()) > 0.9999


def test_query_encoder_damaged_copy_falls_back_to_torch(model):
    pytest.importorskip("onnx")
    LazyEmbedder(model).real()
    p = onnx_path(model, LazyEmbedder(model)._stamp)
    p.write_bytes(b"not an onnx model")
    lazy = LazyEmbedder(model, export=False)
    v = lazy.encode_queries(QUERIES[:1])
    assert v.shape == (1, 32) and np.isfinite(v).all() and lazy._real is not None and not p.exists()
