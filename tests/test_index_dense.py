"""Dense retrieval: exact and IVF search answer like a brute-force scan, on one thread, leaving faiss as it was."""
from __future__ import annotations

import numpy as np
import pytest

faiss = pytest.importorskip("faiss")

from rapport.index.dense import DenseIndex, build_faiss, one_thread  # noqa: E402


def _unit(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _brute(vectors: np.ndarray, q: np.ndarray, k: int, rows: np.ndarray | None = None) -> list[int]:
    rows = np.arange(len(vectors)) if rows is None else rows
    s = vectors[rows] @ q
    return rows[np.argsort(-s, kind="stable")[:k]].tolist()


def test_dense_search_exact_matches_brute_force():
    x = _unit(500)
    q = _unit(1, seed=1)[0]
    ids, scores = DenseIndex(x).search(q, 10)
    assert ids.tolist() == _brute(x, q, 10)
    assert np.allclose(scores, x[ids] @ q, atol=1e-5)


def test_dense_search_mask_keeps_only_allowed_rows():
    x = _unit(500)
    q = _unit(1, seed=2)[0]
    mask = np.zeros(500, bool)
    mask[::7] = True
    ids, _ = DenseIndex(x).search(q, 10, mask)
    assert set(ids.tolist()) <= set(np.flatnonzero(mask).tolist())
    assert ids.tolist() == _brute(x, q, 10, np.flatnonzero(mask))


def test_dense_search_ivf_finds_the_query_itself():
    x = _unit(3000, seed=3)
    index = DenseIndex(x, build_faiss(x, exact_limit=100))
    assert index.kind == "IndexIVFFlat"
    ids, scores = index.search(x[42], 5)
    assert ids[0] == 42 and scores[0] == pytest.approx(1.0, abs=1e-4)


def test_dense_search_restores_faiss_threads():
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(2)
    try:
        x = _unit(3000, seed=4)
        for index in (DenseIndex(x), DenseIndex(x, build_faiss(x, exact_limit=100))):
            index.search(x[0], 5)
            assert faiss.omp_get_max_threads() == 2
    finally:
        faiss.omp_set_num_threads(before)


def test_dense_one_thread_inside_and_restored_after_an_error():
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(2)
    try:
        with pytest.raises(RuntimeError):
            with one_thread():
                assert faiss.omp_get_max_threads() == 1
                raise RuntimeError("inside")
        assert faiss.omp_get_max_threads() == 2
    finally:
        faiss.omp_set_num_threads(before)
