"""Index build time and warm query latency on a corpus.

    python bench/bench_index.py [--corpus ../shared/corpus] [--index-dir DIR] [--keep]

Builds a fresh index (cold: every passage embedded), re-opens it (the reuse
path a second `rapport search` takes), then times every tuning query once
(query-vector cache cleared, so each timing includes encoding the query),
and reports p50/p95 for search() and compare(). Prints one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.eval_search import SHARED, read_queries  # noqa: E402


def pct(xs, p):
    return round(float(np.percentile(np.array(xs) * 1000, p)), 1)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    ap.add_argument("--index-dir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args(argv)
    from rapport.corpus.load import load_corpus
    from rapport.index.search import Searcher, build_or_load_index
    from rapport.models.embedder import load_embedder

    out = {"load_avg_before": os.getloadavg()[0]}
    t = time.perf_counter()
    emb = load_embedder()
    out["model_load_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    docs, _ = load_corpus([a.corpus])
    out["corpus_load_s"] = round(time.perf_counter() - t, 2)
    index_dir = a.index_dir or Path(tempfile.mkdtemp(prefix="rapport-bench-")) / "index"
    if index_dir.exists():
        shutil.rmtree(index_dir)
    t = time.perf_counter()
    s = build_or_load_index(docs, index_dir, emb)
    out["build_s"] = round(time.perf_counter() - t, 2)
    out["passages"] = len(s)
    out["embed_s"] = s.manifest["build"]["embed_seconds"]
    out["passages_per_s"] = round(len(s) / max(out["embed_s"], 1e-9), 1)
    t = time.perf_counter()
    s = build_or_load_index(docs, index_dir, emb)
    out["reuse_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    Searcher(index_dir, emb)
    out["open_s"] = round(time.perf_counter() - t, 3)
    queries = [q["query"] for q in read_queries(ROOT / "bench" / "tuning_queries.jsonl")]
    s.search("uppvärmning", 10)  # warm-up
    lat, cmp_lat = [], []
    for _ in range(a.rounds):
        for q in queries:
            s._qcache.clear()
            t = time.perf_counter()
            s.search(q, 10)
            lat.append(time.perf_counter() - t)
        for q in queries[:8]:
            s._qcache.clear()
            t = time.perf_counter()
            s.compare(q, by="region", k=5)
            cmp_lat.append(time.perf_counter() - t)
    out.update({"search_p50_ms": pct(lat, 50), "search_p95_ms": pct(lat, 95), "compare_p50_ms": pct(cmp_lat, 50),
                "compare_p95_ms": pct(cmp_lat, 95), "queries_timed": len(lat), "load_avg_after": os.getloadavg()[0]})
    if not a.keep and a.index_dir is None:
        shutil.rmtree(index_dir.parent, ignore_errors=True)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
