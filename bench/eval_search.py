"""Run search queries in one process and write `rapport search --batch --json` style runs.

    python bench/eval_search.py [--corpus ../shared/corpus] [--queries ../shared/eval/dev/queries.jsonl]
                                [--out runs.jsonl] [--mode hybrid|bm25|dense] [--no-compounds]
                                [--index-dir DIR] [--score]

--queries takes a .jsonl (objects with "query") or a .txt (one query per line).
With --score the run is scored by ../shared/eval/score.py (dev set) and the summary
printed. With --tuning it is scored instead against our own pattern-judged queries
(bench/tuning_queries.jsonl): a sentence is relevant when it matches the query's
`relevant` regex, written by us from what an answer must say (not from the dev
set), and each result earns credit for one relevant sentence it contains. That file is the only thing fusion and passage settings were tuned on.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# ../shared beside the repo (main checkout) or beside the worktree folder (/work/wt/<name>)
SHARED = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()), ROOT.parent / "shared")


def read_queries(path: Path) -> list[dict]:
    if path.suffix == ".jsonl":
        return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return [{"query": x.strip()} for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def result_records(df) -> list[dict]:
    out = []
    for r in df.to_dict(orient="records"):
        out.append({k: (None if (isinstance(v, float) and math.isnan(v)) or v is None or str(v) == "<NA>" else
                        (int(v) if k in ("rank", "page", "start", "end") else v))
                    for k, v in r.items()})
    return out


def ndcg(gains: list[int], n_relevant: int, k: int = 10) -> float:
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))
    ideal = sum(1 / math.log2(i + 2) for i in range(min(n_relevant, k)))
    return dcg / ideal if ideal else 0.0


def sentence_units(docs) -> dict[str, list[tuple[int, int, str]]]:
    """Judging units per report: prose sentences and table lines (start, end, text)."""
    out = {}
    for d in docs:
        units = [(x.start, x.end, d.text[x.start:x.end]) for x in d.sentences
                 if d.blocks[x.block].kind != "heading"]
        for b in d.blocks:
            if b.kind == "table":
                for m in re.finditer(r"[^\n]*\S[^\n]*", d.text[b.start:b.end]):
                    units.append((b.start + m.start(), b.start + m.end(), m.group()))
        out[d.name] = units
    return out


def score_tuning(units: dict, queries: list[dict], runs: list[dict], k: int = 10) -> dict:
    """nDCG@10 against our own regex-judged relevance, at sentence level like the dev scorer.

    A sentence (or table line) is relevant when it matches the query's `relevant`
    regex; a result earns 1 for one not yet credited relevant sentence inside it,
    so a window holding two relevant sentences is not worth two.
    """
    per, kinds = [], {}
    for q, run in zip(queries, runs):
        pat = re.compile(q["relevant"], re.I)
        rel = {name: [u for u in us if pat.search(u[2])] for name, us in units.items()}
        n_rel = sum(len(v) for v in rel.values())
        credited, gains, regions = set(), [], set()
        for r in run["results"][:k]:
            g = 0
            for u in rel.get(r["doc"], []):
                key = (r["doc"], u[0])
                if key not in credited and r["start"] <= u[0] and u[1] <= r["end"]:
                    credited.add(key)
                    g = 1
                    regions.add(r["region"])
                    break
            gains.append(g)
        s = ndcg(gains, n_rel, k)
        per.append({"id": q["id"], "ndcg@10": round(s, 3), "hits": sum(gains), "relevant": n_rel,
                    "both_regions": len(regions) >= 2})
        kinds.setdefault(q["id"].split("-")[0], []).append(s)
    return {"ndcg@10": round(sum(p["ndcg@10"] for p in per) / len(per), 3),
            "by_kind": {k: round(sum(v) / len(v), 3) for k, v in kinds.items()},
            "compare_both_regions": f"{sum(p['both_regions'] for p in per if p['id'].startswith('cmp'))}/"
                                    f"{sum(1 for p in per if p['id'].startswith('cmp'))}",
            "per_query": per}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    ap.add_argument("--queries", type=Path, default=SHARED / "eval" / "dev" / "queries.jsonl")
    ap.add_argument("--tuning", action="store_true", help="use and score bench/tuning_queries.jsonl")
    ap.add_argument("--out", type=Path, default=Path("runs/search_runs.jsonl"))
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--mode", choices=("hybrid", "bm25", "dense"), default="hybrid")
    ap.add_argument("--no-compounds", action="store_true")
    ap.add_argument("--context", choices=("path", "heading", "none"), default="path")
    ap.add_argument("--stride", type=int, default=1)
    ap.add_argument("--window", type=int, default=3)
    ap.add_argument("--no-tables", action="store_true")
    ap.add_argument("--rrf-k", type=float, default=None)
    ap.add_argument("--bm25-weight", type=float, default=None)
    ap.add_argument("--views", default=None, help="dense views, comma-separated: context,text")
    ap.add_argument("--text-weight", type=float, default=None, help="RRF weight of the text view")
    ap.add_argument("--context-vectors", choices=("derived", "embedded"), default=None,
                    help="context view composed from the text view's vectors (default) or embedded itself")
    ap.add_argument("--alpha", type=float, default=None, help="weight of the prefix vector in a derived context")
    ap.add_argument("--index-dir", type=Path, default=None)
    ap.add_argument("--score", action="store_true", help="score with ../shared/eval/score.py")
    ap.add_argument("--json", action="store_true", help="print the score as one JSON line")
    a = ap.parse_args(argv)

    from rapport.corpus.load import load_corpus
    from rapport.index.search import FusionConfig, build_or_load_index
    from rapport.index.store import PassageConfig
    from rapport.models.build_embedder import cache_root

    config = PassageConfig(window=a.window, stride=a.stride, context=a.context, tables=not a.no_tables,
                           compounds=not a.no_compounds)
    if a.views:
        config = replace(config, dense_views=tuple(a.views.split(",")))
    if a.context_vectors:
        config = replace(config, context_vectors=a.context_vectors)
    if a.alpha is not None:
        config = replace(config, context_alpha=a.alpha)
    fusion = FusionConfig()
    if a.rrf_k is not None:
        fusion = replace(fusion, rrf_k=a.rrf_k)
    if a.bm25_weight is not None:
        fusion = replace(fusion, bm25_weight=a.bm25_weight)
    if a.text_weight is not None:
        fusion = replace(fusion, text_view_weight=a.text_weight, derived_text_view_weight=a.text_weight)
    tag = f"w{a.window}s{a.stride}-{a.context}{'-nt' if a.no_tables else ''}{'-nc' if a.no_compounds else ''}" \
          f"{'-' + '+'.join(config.dense_views) if config.dense_views != PassageConfig().dense_views else ''}"
    index_dir = a.index_dir or cache_root() / "bench-index" / tag
    queries_path = ROOT / "bench" / "tuning_queries.jsonl" if a.tuning else a.queries

    t = time.perf_counter()
    docs, errors = load_corpus([a.corpus])
    for e in errors:
        print(e, file=sys.stderr)
    t_load = time.perf_counter() - t
    t = time.perf_counter()
    searcher = build_or_load_index(docs, index_dir, config=config, fusion=fusion,
                                   log=lambda m: print(m, file=sys.stderr))
    t_index = time.perf_counter() - t
    queries = read_queries(queries_path)
    runs, lat = [], []
    for q in queries:
        t = time.perf_counter()
        df = searcher.search(q["query"], a.k, mode=a.mode)
        lat.append(time.perf_counter() - t)
        runs.append({"query": q["query"], "results": result_records(df)})
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in runs), encoding="utf-8")
    lat.sort()
    info = {"passages": len(searcher), "load_s": round(t_load, 2), "index_s": round(t_index, 2),
            "query_ms_p50": round(1000 * lat[len(lat) // 2], 1), "mode": a.mode, "config": tag}
    print(json.dumps(info), file=sys.stderr)
    if a.tuning:
        res = score_tuning(sentence_units(docs), queries, runs, a.k)
        if not a.json:
            for p in res["per_query"]:
                print(p, file=sys.stderr)
        res.pop("per_query")
        print(json.dumps(res, ensure_ascii=False))
    elif a.score:
        cmd = [sys.executable, str(SHARED / "eval" / "score.py"), "search", str(a.out), str(queries_path)]
        print(subprocess.run(cmd + (["--json"] if a.json else []), capture_output=True, text=True).stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
