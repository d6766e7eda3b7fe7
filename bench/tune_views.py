"""Sweep how the derived context view is composed, on our own tuning queries only (never the dev set).

    python bench/tune_views.py [--index-dir DIR] [--alpha 0.3,0.5,0.7,1] [--weighting flat,length]
                               [--text-weight 0.5,1]

Loads (or builds) the index with both views embedded, embeds each distinct
section path / table lead once (index/views.py ViewPlan; the passage vectors
come from the index's vector cache), and for every setting swaps the composed
context vectors into the searcher and scores the 56 tuning queries (nDCG@10,
sentence-level judging as in bench/eval_search.py --tuning). "length" scales
alpha per passage by (prefix words / passage words), as mean pooling over the
joined text would weigh the two; --text-weight is the text view's RRF weight
(FusionConfig.derived_text_view_weight). Prints one JSON line per setting, the
embedded baseline first, with the cosine of composed to embedded vectors.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.eval_search import SHARED, read_queries, result_records, score_tuning, sentence_units  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    ap.add_argument("--index-dir", type=Path, default=None, help="default: eval_search's w3s1-path index")
    ap.add_argument("--alpha", default="0.3,0.5,0.7,1")
    ap.add_argument("--weighting", default="flat,length")
    ap.add_argument("--text-weight", default="0.5,1")
    a = ap.parse_args(argv)
    import numpy as np

    from rapport.corpus.load import load_corpus
    from rapport.index.dense import DenseIndex
    from rapport.index.match import background_sample
    from dataclasses import replace

    from rapport.index.search import FusionConfig, build_or_load_index
    from rapport.index.store import PassageConfig
    from rapport.index.views import ViewPlan, compose
    from rapport.models.build_embedder import cache_root
    from rapport.models.embedder import load_embedder
    from rapport.models.vectors import VectorCache, encode_cached

    root = a.index_dir or cache_root() / "bench-index" / "w3s1-path"
    docs, _ = load_corpus([a.corpus])
    emb = load_embedder()
    s = build_or_load_index(docs, root, emb, config=PassageConfig(context_vectors="embedded"),
                            log=lambda m: print(m, file=sys.stderr))
    queries = read_queries(ROOT / "bench" / "tuning_queries.jsonl")
    units = sentence_units(docs)
    plan = ViewPlan(s.passages, ("context", "text"), "derived")
    cache = VectorCache(emb.fingerprint, emb.dim, root=root / "vectors")
    vecs = encode_cached(plan.texts, "passage", lambda b: emb.encode_passages(b), cache)
    cache.close()
    row = {t: i for i, t in enumerate(plan.texts)}
    text = vecs[[row[t] for t in plan.text]]
    prefix = np.stack([vecs[row[p]] if p else np.zeros(emb.dim, np.float32) for p in plan.prefixes])
    ratio = np.array([len((p or "").split()) / max(1, len(t.split())) for p, t in zip(plan.prefixes, plan.text)])
    embedded = s.views["context"].vectors.copy()

    def score(ctx: np.ndarray, setting: dict, text_weight: float = 1.0) -> None:
        s.fusion = replace(FusionConfig(), text_view_weight=text_weight)
        s.views["context"] = DenseIndex(ctx)
        s._background = background_sample(ctx)
        runs = [{"query": q["query"], "results": result_records(s.search(q["query"], 10))} for q in queries]
        res = score_tuning(units, queries, runs)
        cos = (ctx * embedded).sum(1)
        print(json.dumps({**setting, "text_weight": text_weight, "tuning_ndcg@10": res["ndcg@10"], **res["by_kind"],
                          "cos_mean": round(float(cos.mean()), 4), "cos_min": round(float(cos.min()), 4)}),
              flush=True)

    print(json.dumps({"passages": len(s), "texts_embedded_view": len(set(plan.context) | set(plan.text)),
                      "texts_derived": len(plan.texts), "prefixes": len(set(p for p in plan.prefixes if p))}))
    score(embedded, {"context": "embedded"})
    score(text.copy(), {"context": "text only (alpha 0)"})
    for tw in (float(x) for x in a.text_weight.split(",")):
        for w in a.weighting.split(","):
            for alpha in (float(x) for x in a.alpha.split(",")):
                score(compose(text, prefix, alpha * ratio if w == "length" else alpha), {"weighting": w, "alpha": alpha},
                      tw)
    return 0


if __name__ == "__main__":
    sys.exit(main())
