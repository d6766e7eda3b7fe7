"""Sweep query-time fusion settings on our own tuning queries (bench/tuning_queries.jsonl), never the dev set.

    python bench/tune_search.py --index-dir DIR [--views context,text]
                                [--grid rrf_k=10,20,40 text_view_weight=0.5,1]

Each --grid item names a FusionConfig field and its values; every combination is
scored (nDCG@10, sentence-level judging as in bench/eval_search.py --tuning) and
printed as one JSON line, best last. Default grid: rrf_k × bm25_weight.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.eval_search import SHARED, read_queries, result_records, score_tuning, sentence_units  # noqa: E402


def parse_grid(items: list[str], known: dict[str, type]) -> dict[str, list]:
    """{"rrf_k": [10.0, 20.0]} from ["rrf_k=10,20"], each value of the field's own type."""
    grid = {}
    for item in items:
        key, _, values = item.partition("=")
        if key not in known or not values:
            raise SystemExit(f"--grid {item!r}: use FIELD=v1,v2 with FIELD one of {sorted(known)}")
        grid[key] = [known[key](float(v)) for v in values.split(",")]
    return grid


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--views", default=None, help="dense views of the index, comma-separated: context,text")
    ap.add_argument("--grid", nargs="*", default=["rrf_k=10,30,60", "bm25_weight=0.5,1,1.5"])
    a = ap.parse_args(argv)
    from rapport.corpus.load import load_corpus
    from rapport.index.search import FusionConfig, build_or_load_index
    from rapport.index.store import PassageConfig

    grid = parse_grid(a.grid, {f.name: type(f.default) for f in fields(FusionConfig)})
    config = PassageConfig(dense_views=tuple(a.views.split(","))) if a.views else None
    docs, _ = load_corpus([a.corpus])
    s = build_or_load_index(docs, a.index_dir, config=config, log=lambda m: print(m, file=sys.stderr))
    queries = read_queries(ROOT / "bench" / "tuning_queries.jsonl")
    units = sentence_units(docs)
    rows = []
    for combo in itertools.product(*grid.values()):
        settings = dict(zip(grid, combo))
        s.fusion = replace(FusionConfig(), **settings)
        runs = [{"query": q["query"], "results": result_records(s.search(q["query"], 10))} for q in queries]
        res = score_tuning(units, queries, runs)
        rows.append((res["ndcg@10"], settings))
        print(json.dumps({**settings, "ndcg@10": res["ndcg@10"], **res["by_kind"]}), flush=True)
    best = max(rows, key=lambda r: r[0])
    print(json.dumps({"best": best[1], "ndcg@10": best[0]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
