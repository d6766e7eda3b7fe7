"""Sweep the fusion settings on our own tuning queries (bench/tuning_queries.jsonl), never the dev set.

    python bench/tune_search.py [--index-dir DIR]

Prints nDCG@10 on the tuning queries for each (rrf_k, bm25_weight, english_bm25_weight).
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.eval_search import SHARED, read_queries, result_records, score_tuning, sentence_units  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--prf", action="store_true", help="sweep dense pseudo-relevance feedback instead")
    a = ap.parse_args(argv)
    from corpus.load import load_corpus
    from index.search import FusionConfig, build_or_load_index

    docs, _ = load_corpus([a.corpus])
    s = build_or_load_index(docs, a.index_dir, log=lambda m: print(m, file=sys.stderr))
    queries = read_queries(ROOT / "bench" / "tuning_queries.jsonl")
    units = sentence_units(docs)
    rows = []
    grid = {"rrf_k": (10, 30, 60, 120), "bm25_weight": (0.5, 0.75, 1.0, 1.5),
            "english_bm25_weight": (0.0, 0.25, 0.5, 1.0), "prf_beta": (0.0,)}
    if a.prf:
        grid = {"rrf_k": (60,), "bm25_weight": (1.0,), "english_bm25_weight": (0.5,),
                "prf_beta": (0.0, 0.25, 0.5, 1.0, 2.0)}
    for rk, bw, ew, pb in itertools.product(*grid.values()):
        s.fusion = replace(FusionConfig(), rrf_k=rk, bm25_weight=bw, english_bm25_weight=ew, prf_beta=pb)
        runs = [{"query": q["query"], "results": result_records(s.search(q["query"], 10))} for q in queries]
        res = score_tuning(units, queries, runs)
        rows.append((res["ndcg@10"], rk, bw, ew, res["by_kind"]))
        print(json.dumps({"rrf_k": rk, "bm25_weight": bw, "english_bm25_weight": ew, "prf_beta": pb,
                          "ndcg@10": res["ndcg@10"],
                          **res["by_kind"]}))
    best = max(rows, key=lambda r: r[0])
    print("best", best)
    return 0


if __name__ == "__main__":
    sys.exit(main())
