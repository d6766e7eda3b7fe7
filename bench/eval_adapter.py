"""Stock vs query-adapted e5 on the dev queries and on our tuning queries, in one process.

    python bench/eval_adapter.py [--adapter rapport/models/query_adapter] [--modes hybrid,dense]
                                 [--index-dir DIR] [--json]

The adapter works on query vectors only, so one index (built with the stock model) serves
both arms: the searcher's embedder is swapped between the stock one and the adapted one.
Dev runs are scored by ../shared/eval/score.py, tuning runs by bench/eval_search.py's
regex judge. Prints nDCG@10 per kind for each (mode, arm) and the load average.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
SHARED = ROOT.parent / "shared"


def run(searcher, queries: list[dict], mode: str) -> list[dict]:
    from eval_search import result_records

    return [{"query": q["query"], "results": result_records(searcher.search(q["query"], 10, mode=mode))}
            for q in queries]


def score_dev(runs: list[dict], queries_path: Path) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        f.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in runs))
    out = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "search", f.name, str(queries_path),
                          "--json"], capture_output=True, text=True, check=True).stdout
    Path(f.name).unlink()
    res = json.loads(out)
    res["by_kind"] = {k.split("-")[-1]: v for k, v in res["by_kind"].items()}
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    ap.add_argument("--dev", type=Path, default=SHARED / "eval" / "dev" / "queries.jsonl")
    ap.add_argument("--adapter", type=Path, action="append", default=None,
                    help="adapter folder (repeatable); default the shipped one")
    ap.add_argument("--alphas", default="1", help="scale the adapter's residual by these (1 = as trained)")
    ap.add_argument("--modes", default="hybrid,dense")
    ap.add_argument("--index-dir", type=Path, default=None)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)

    from eval_search import read_queries, score_tuning, sentence_units

    from rapport.corpus.load import load_corpus
    from rapport.index.search import build_or_load_index
    from rapport.models.adapter import SHIPPED, AdaptedEmbedder, QueryAdapter, load_adapter
    from rapport.models.build_embedder import cache_root
    from rapport.models.embedder import load_embedder

    docs, errors = load_corpus([a.corpus])
    for e in errors:
        print(e, file=sys.stderr)
    base = load_embedder()
    index_dir = a.index_dir or cache_root() / "bench-index" / "adapter"
    searcher = build_or_load_index(docs, index_dir, base, log=lambda m: print(m, file=sys.stderr))
    dev = read_queries(a.dev)
    tuning = read_queries(ROOT / "bench" / "tuning_queries.jsonl")
    units = sentence_units(docs)
    arms = {"stock": base}
    for folder in a.adapter or [SHIPPED]:
        qa = load_adapter(folder, base.fingerprint)
        for alpha in map(float, a.alphas.split(",")):
            arms[f"{Path(folder).name}@{alpha:g}"] = AdaptedEmbedder(base, QueryAdapter(qa.down, qa.up * alpha))
    table = []
    for mode in a.modes.split(","):
        for name, embedder in arms.items():
            searcher.embedder = embedder
            searcher._qcache.clear()
            d = score_dev(run(searcher, dev, mode), a.dev)
            t = score_tuning(units, tuning, run(searcher, tuning, mode))
            row = {"mode": mode, "arm": name,
                   "dev": d["ndcg@10"], "dev_by_kind": d["by_kind"], "dev_cmp_both": d["compare_both_regions"],
                   "tuning": t["ndcg@10"], "tuning_by_kind": t["by_kind"],
                   "dev_per_query": {p["id"]: p["ndcg@10"] for p in d["per_query"]}}
            table.append(row)
            print(json.dumps(row if a.json else {k: v for k, v in row.items() if k != "dev_per_query"},
                             ensure_ascii=False), flush=True)
    print(f"loadavg {Path('/proc/loadavg').read_text().split()[:3]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
