"""Synthetic large-corpus benchmark for the dense index: what we would use at 1M passages.

    python bench/faiss_1m.py [--n 1000000] [--queries 200] [--hnsw] [--centers PATH.npy]

Vectors are "replicated embeddings": each is a random point between two real
e5 passage vectors (from an index's embeddings.npy when --centers is given or
found, else random unit centres) plus Gaussian noise, re-normalised so that its
cosine to that point is 0.98 (see --cos: median pairwise cosine then matches a
real e5 index, with a smaller top-10 margin than real data).
--random gives independent uniform vectors instead (no structure at all: the
worst case for any partitioning index, and unlike any real embedding set). Queries are drawn
the same way (not in the index). For each index type we report build time,
added memory (RSS), single-query latency p50/p95 and recall@10 against exact
inner-product search. The default (Flat + IVF-Flat with an nprobe sweep) runs
in a few minutes on two cores; --hnsw adds HNSW32 (slow to build).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def make_vectors(centers: np.ndarray, n: int, cos: float, rng: np.random.Generator, chunk: int = 100_000) -> np.ndarray:
    d = centers.shape[1]
    out = np.empty((n, d), dtype=np.float32)
    # noise norm s so that E[cos(c + e, c)] ≈ cos: 1/sqrt(1+s²) = cos
    s = np.sqrt(1 / cos**2 - 1)
    for a in range(0, n, chunk):
        b = min(n, a + chunk)
        # a random point between two real passages, plus noise: a continuum, not tight clusters
        lam = rng.random((b - a, 1), dtype=np.float32) if len(centers) > 1 else 0.0
        c = centers[rng.integers(0, len(centers), b - a)] + lam * centers[rng.integers(0, len(centers), b - a)]
        c /= np.linalg.norm(c, axis=1, keepdims=True)
        e = rng.standard_normal((b - a, d)).astype(np.float32) * (s / np.sqrt(d))
        v = c + e
        out[a:b] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def find_centers(path: str | None) -> tuple[np.ndarray | None, str]:
    cands = [Path(path)] if path else []
    if not path:
        from rapport.models.build_embedder import cache_root

        cands += sorted((cache_root() / "bench-index").glob("*/embeddings.npy"))
    for c in cands:
        if c.exists():
            return np.load(c).astype(np.float32), str(c)
    return None, "random"


def timed_queries(index, q: np.ndarray, k: int, **kw) -> tuple[np.ndarray, list[float]]:
    ids, lat = np.empty((len(q), k), dtype=np.int64), []
    for i in range(len(q)):
        t = time.perf_counter()
        _, I = index.search(q[i : i + 1], k, **kw)
        lat.append(time.perf_counter() - t)
        ids[i] = I[0]
    return ids, lat


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth)]))


def main(argv=None) -> int:
    import faiss

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--cos", type=float, default=0.98,
                    help="cosine of a vector to its base point; 0.98 gives the median pairwise cosine of a real "
                         "index (0.86 vs 0.84) with half its top-10 margin, so recall here is pessimistic")
    ap.add_argument("--centers", default=None, help="embeddings.npy of a real index (default: a bench index if built)")
    ap.add_argument("--hnsw", action="store_true", help="also build HNSW32 (slow: minutes per million)")
    ap.add_argument("--random", action="store_true",
                    help="independent random unit vectors instead (no cluster structure: IVF's worst case)")
    ap.add_argument("--threads", type=int, default=0, help="faiss threads (0 = faiss default)")
    a = ap.parse_args(argv)
    if a.threads:
        faiss.omp_set_num_threads(a.threads)
    rng = np.random.default_rng(0)
    centers, source = (None, "random") if a.random else find_centers(a.centers)
    dim = 384
    if a.random:
        a.cos = 1e-3  # noise only: every vector independent
        centers = np.zeros((1, dim), dtype=np.float32)
    elif centers is None:
        centers = rng.standard_normal((4000, dim)).astype(np.float32)
        centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    dim = centers.shape[1]
    t = time.perf_counter()
    base0 = rss_mb()
    x = make_vectors(centers, a.n, a.cos, rng)
    q = make_vectors(centers, a.queries, a.cos, rng)
    print(json.dumps({"n": a.n, "dim": dim, "centres": source, "n_centres": len(centers),
                      "generate_s": round(time.perf_counter() - t, 1), "data_mb": round(rss_mb() - base0)}), flush=True)
    k = a.k
    results = []

    def report(name, build_s, mem_mb, ids, lat, extra=None):
        lat_ms = np.array(lat) * 1000
        row = {"index": name, "build_s": round(build_s, 1), "added_mb": round(mem_mb), "p50_ms": round(float(np.percentile(lat_ms, 50)), 2),
               "p95_ms": round(float(np.percentile(lat_ms, 95)), 2), "recall@10": round(recall(ids, truth), 4), **(extra or {})}
        results.append(row)
        print(json.dumps(row), flush=True)

    # exact baseline (also the ground truth)
    m0, t = rss_mb(), time.perf_counter()
    flat = faiss.IndexFlatIP(dim)
    flat.add(x)
    build = time.perf_counter() - t
    _, truth = flat.search(q, k)
    ids, lat = timed_queries(flat, q, k)
    report("Flat (exact)", build, rss_mb() - m0, ids, lat)
    del flat

    # IVF-Flat, as index.dense builds it past EXACT_LIMIT
    from rapport.index.dense import ivf_params

    nlist, default_nprobe = ivf_params(a.n)
    m0, t = rss_mb(), time.perf_counter()
    quant = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFFlat(quant, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    train = x[rng.choice(a.n, size=min(a.n, nlist * 64), replace=False)]
    ivf.train(train)
    t_train = time.perf_counter() - t
    ivf.add(x)
    build = time.perf_counter() - t
    mem = rss_mb() - m0
    for nprobe in sorted({8, 32, default_nprobe, 128, 256, 512}):
        ivf.nprobe = nprobe
        ids, lat = timed_queries(ivf, q, k)
        report(f"IVF{nlist},Flat nprobe={nprobe}" + (" (default)" if nprobe == default_nprobe else ""),
               build, mem, ids, lat, {"train_s": round(t_train, 1)})
    del ivf, quant

    if a.hnsw:
        m0, t = rss_mb(), time.perf_counter()
        h = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        h.hnsw.efConstruction = 40
        h.add(x)
        build, mem = time.perf_counter() - t, rss_mb() - m0
        for ef in (32, 64, 128):
            h.hnsw.efSearch = ef
            ids, lat = timed_queries(h, q, k)
            report(f"HNSW32 efSearch={ef}", build, mem, ids, lat)
    print(json.dumps({"summary": results}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
