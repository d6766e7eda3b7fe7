"""Dense retrieval: faiss inner product over L2-normalised e5 vectors (= cosine).

Exact search (IndexFlatIP) up to EXACT_LIMIT passages: at a few thousand
passages it is sub-millisecond and needs no training. Past that we switch to
an IVF index with flat storage: trained on a sample, nlist ≈ 4·√n, and nprobe
chosen for recall@10 ≥ 0.95 on the synthetic 1M benchmark (bench/faiss_1m.py,
figures in docs/search.md). HNSW was measured too: similar recall and latency,
but a 1M build takes ~10x longer on two cores.

One query is searched on one OpenMP thread: faiss splits a single query's scan
over its threads, and on a shared 2-core machine waking the second one costs
more than it saves (34k passages, exact: 4-5 ms on one thread, 21-48 ms on two
at load 1.6-2; docs/scale.md). Builds keep every thread.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import numpy as np

EXACT_LIMIT = 200_000


def ivf_params(n: int) -> tuple[int, int]:
    """(nlist, nprobe) for n vectors; see bench/faiss_1m.py for the measurement behind it."""
    nlist = int(min(max(4 * np.sqrt(n), 64), 16384))
    nprobe = max(8, nlist // 64)
    return nlist, nprobe


def build_faiss(vectors: np.ndarray, *, exact_limit: int = EXACT_LIMIT, seed: int = 0):
    """Exact IndexFlatIP for small n, IVF-Flat (inner product) beyond `exact_limit`."""
    import faiss

    n, dim = vectors.shape
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    if n <= exact_limit:
        index = faiss.IndexFlatIP(dim)
        index.add(x)
        return index
    nlist, nprobe = ivf_params(n)
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(seed)
    train = x[rng.choice(n, size=min(n, nlist * 64), replace=False)]
    index.train(train)
    index.add(x)
    index.nprobe = nprobe
    return index


@contextmanager
def one_thread():
    """faiss on one OpenMP thread inside the block (this thread's setting; restored after)."""
    import faiss

    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


class DenseIndex:
    def __init__(self, vectors: np.ndarray, index=None):
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.index = index if index is not None else build_faiss(self.vectors)

    @property
    def n(self) -> int:
        return self.vectors.shape[0]

    @property
    def kind(self) -> str:
        return type(self.index).__name__

    def search(self, q: np.ndarray, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (ids, cosine scores) for one query vector, restricted to `mask` when given."""
        import faiss

        if self.n == 0 or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        q = np.ascontiguousarray(q.reshape(1, -1), dtype=np.float32)
        if mask is not None:
            allowed = np.flatnonzero(mask)
            if allowed.size == 0:
                return np.zeros(0, np.int64), np.zeros(0, np.float32)
            if isinstance(self.index, faiss.IndexFlat) or allowed.size <= 50_000:
                # exact over the allowed rows: cheap, and avoids IVF cells that hold none of them
                s = self.vectors[allowed] @ q[0]
                top = np.argsort(-s, kind="stable")[:k]
                return allowed[top].astype(np.int64), s[top].astype(np.float32)
            params = faiss.SearchParametersIVF(sel=faiss.IDSelectorBatch(allowed.astype(np.int64)),
                                               nprobe=getattr(self.index, "nprobe", 1))
            with one_thread():
                d, i = self.index.search(q, min(k, allowed.size), params=params)
        else:
            with one_thread():
                d, i = self.index.search(q, min(k, self.n))
        keep = i[0] >= 0
        return i[0][keep].astype(np.int64), d[0][keep].astype(np.float32)

    def save(self, folder: Path, view: str = "context") -> None:
        import faiss

        folder.mkdir(parents=True, exist_ok=True)
        vec_file, index_file = view_files(view)
        np.save(folder / vec_file, self.vectors)
        faiss.write_index(self.index, str(folder / index_file))

    @classmethod
    def load(cls, folder: Path, view: str = "context") -> "DenseIndex":
        import faiss

        vec_file, index_file = view_files(view)
        vectors = np.load(folder / vec_file)
        return cls(vectors, faiss.read_index(str(folder / index_file)))


def view_files(view: str) -> tuple[str, str]:
    """(vectors, faiss) file names of one view; the context view keeps the plain names."""
    if view == "context":
        return "embeddings.npy", "faiss.index"
    return f"embeddings_{view}.npy", f"faiss_{view}.index"
