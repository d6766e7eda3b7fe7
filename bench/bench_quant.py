"""Mixed-precision int8: which matrix products may run in int8 without moving the ranking.

    flock /work/coord/heavy.lock nice -n 10 python bench/bench_quant.py [--recipes a,b] [--n 400]
                                                     [--ndcg fp32,int8-ffn2] [--views context,text] [--cold]

For each candidate recipe (rapport.models.int8.Int8Recipe) the fused fp32 network
is quantized (dynamic int8, per channel), then on N real passages (bench_embed's sample:
half the shared reports, half g0vse) it is timed interleaved with fp32 ONNX, chunk by
chunk, and its vectors compared with fp32's (cosine min/mean). With --ndcg the five
reports are indexed with the recipe's passage vectors (queries stay fp32, as in the
product; `q8` also scores int8 queries) and scored: dev nDCG@10 (../shared/eval/score.py,
12 queries: one swapped hit moves it by about 0.01-0.03) and our tuning queries. --views
lists the dense-view sets to score, e.g. "context,text;context" (the second reuses the
first's vectors). --cold starts each index root empty (its vector cache too) so the
build time is a cold build. With --pairs N the recipes are also scored on g0vse
title/heading/neighbour → opening pairs from N documents (tools/train_adapter.py's pairs,
cited by offsets, never copied): each fp32 query vector against every passage of the
set, MRR of its own passage with fp32 and with the recipe's passage vectors, and a paired
bootstrap interval of the difference — thousands of queries resolve 0.01, the 12 dev
queries do not. One JSON line per measurement; the load average in each.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from bench.eval_search import SHARED  # noqa: E402  (../shared beside the repo or the worktree folder)


# bench_quant_scan.py --greedy on the 160-passage g0vse scan (2026-12-04): products kept fp32 so that the int8
# rest saves 25 % / 30 % of fp32's time (multiply-add shares of the all-int8 saving)
GREEDY = {
    0.25: ("0:ffn_out", "1:ffn_in", "1:ffn_out", "2:ffn_in", "2:ffn_out", "3:ffn_in", "4:ffn_out", "5:ffn_in",
           "5:ffn_out", "6:ffn_in", "6:ffn_out", "7:ffn_in", "7:ffn_out", "7:qkv", "8:ffn_in", "8:qkv", "9:ffn_in",
           "9:qkv", "10:ffn_in", "10:qkv", "11:qkv"),
    0.30: ("0:ffn_out", "1:ffn_in", "1:ffn_out", "2:ffn_in", "2:ffn_out", "3:ffn_in", "4:ffn_out", "5:ffn_out",
           "6:ffn_in", "6:ffn_out", "7:ffn_out", "8:ffn_in", "8:qkv", "9:ffn_in", "9:qkv", "10:ffn_in", "10:qkv",
           "11:qkv"),
}


def recipes() -> dict:
    from rapport.models.int8 import INT8_RECIPE, Int8Recipe

    out = [Int8Recipe("int8-r7", reduce_range=True),  # the int8 that landed first: 7-bit weights everywhere
           Int8Recipe("int8-w8"),  # 8-bit weights everywhere (VNNI: no saturation)
           Int8Recipe("int8-ffn2", fp32_kinds=("ffn_out",)),  # the GELU outputs' outliers stay fp32
           Int8Recipe("int8-last", fp32_layers=(-1,)),
           Int8Recipe("int8-ends", fp32_layers=(0, -1)),
           Int8Recipe("int8-qkv", fp32_kinds=("qkv",)),
           Int8Recipe("int8-ffn2-last", fp32_kinds=("ffn_out",), fp32_layers=(-1,)),
           Int8Recipe("int8-ffn2-lo", fp32_kinds=("ffn_out",), kind_layers=tuple(range(6))),
           Int8Recipe("int8-ffn2-hi", fp32_kinds=("ffn_out",), kind_layers=tuple(range(6, 12))),
           Int8Recipe("int8-ffn2-ends", fp32_kinds=("ffn_out",), kind_layers=(0, 1, 2, 9, 10, 11)),
           # MatMulNBits 8-bit, activations per row and block (rapport.models.int8 "blocks"); qkv fp32 or dynamic
           *(Int8Recipe(f"int8-blk{b}", method="blocks", block_size=b, fp32_kinds=("qkv",))
             for b in (32, 64, 128, 256)),
           Int8Recipe("int8-blk128-qkv8", method="blocks", block_size=128),
           Int8Recipe("int8-blk128-qkv8lo", method="blocks", block_size=128, fp32_kinds=("qkv",),
                      kind_layers=(7, 8, 9, 10, 11)),  # qkv dynamic int8 where the scan found it harmless
           # blocks where the scan found dynamic int8 harmful, dynamic (faster) elsewhere, qkv of layers 8-11 fp32
           INT8_RECIPE,  # "int8-blk128-mix": the chosen one (rapport.models.int8)
           Int8Recipe("int8-mix-attn", method="blocks", fp32_kinds=("qkv",), kind_layers=(8, 9, 10, 11),
                      dynamic_nodes=tuple(f"{i}:attn_out" for i in range(12))),
           Int8Recipe("int8-blk256-qkv8lo", method="blocks", block_size=256, fp32_kinds=("qkv",),
                      kind_layers=(7, 8, 9, 10, 11)),
           # dynamic, greedy over bench_quant_scan's per-product drift (runs/scan.jsonl, --greedy --floor F)
           Int8Recipe("int8-greedy25", fp32_nodes=GREEDY[0.25]), Int8Recipe("int8-greedy30", fp32_nodes=GREEDY[0.30])]
    return {r.name: r for r in out}


def emit(**kw) -> None:
    kw["load_avg"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(kw, ensure_ascii=False), flush=True)


class VariantEmbedder:
    """Duck-types the index's embedder: passages on `passages` (an OnnxEncoder), queries on `queries`."""

    def __init__(self, lazy, passages, queries, tag: str | None):
        self.name, self.weights_sha256, self.dim = lazy.name, lazy.weights_sha256, lazy.dim
        self.fingerprint = lazy.fingerprint + (f"+{tag}" if tag else "")
        self.passages, self.queries = passages, queries

    def encode_passages(self, texts, batch_size=32, show_progress=False):
        return self.passages.encode(["passage: " + t for t in texts])

    def encode_queries(self, texts, batch_size=32, show_progress=False):
        texts = [texts] if isinstance(texts, str) else list(texts)
        return self.queries.encode(["query: " + t for t in texts])


class NoisyEmbedder(VariantEmbedder):
    """fp32 passage vectors read back from a vector cache, each moved to cosine `cos` from itself at random:
    the dev score's spread under a perturbation of int8's size, without embedding anything."""

    def __init__(self, lazy, queries, cache, cos: float, seed: int):
        super().__init__(lazy, None, queries, f"noise{cos}-{seed}")
        import numpy as np

        self.cache, self.rng, self.s = cache, np.random.default_rng(seed), float(np.sqrt(1 / cos**2 - 1))

    def encode_passages(self, texts, batch_size=32, show_progress=False):
        import numpy as np

        from rapport.models.vectors import text_key

        keys = [text_key("passage", t) for t in texts]
        known = self.cache.get_many(keys)
        if len(known) < len(set(keys)):
            raise SystemExit("bench_quant --noise: the fp32 vector cache lacks texts; run --ndcg fp32 first")
        v = np.stack([known[k] for k in keys])
        e = self.rng.standard_normal(v.shape).astype(np.float32)
        e -= (e * v).sum(1, keepdims=True) * v  # orthogonal to v: the cosine to v is exactly `cos`
        e *= self.s / np.linalg.norm(e, axis=1, keepdims=True)
        v = v + e
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def quantized(recipe, folder: Path, stamp: dict, out_dir: Path) -> Path:
    from rapport.models import onnx_backend as ob

    path = out_dir / f"{ob.artefact_base(folder, stamp).name}.{recipe.name}.onnx"
    if not path.exists():
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.onnx")
        ob.quantize(ob.onnx_path(folder, stamp), tmp, recipe)
        os.replace(tmp, path)
    return path


def screen(names: list[str], n: int, chunks: int, fp32, encoders: dict) -> None:
    """Speed relative to fp32 ONNX and cosine to it, interleaved so machine load hits all alike."""
    import numpy as np
    from bench_embed import gflop_per_passage, real_passages

    texts = ["passage: " + t for t in real_passages(n)]
    for enc in [fp32, *encoders.values()]:
        enc.encode(texts[:4])
    vecs = {k: np.zeros((n, fp32.dim), np.float32) for k in ["fp32", *names]}
    secs = dict.fromkeys(vecs, 0.0)
    cpu = dict.fromkeys(vecs, 0.0)
    bounds = np.linspace(0, n, chunks + 1).astype(int)
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        for k in vecs:
            enc = fp32 if k == "fp32" else encoders[k]
            w, c = time.perf_counter(), time.process_time()
            vecs[k][lo:hi] = enc.encode(texts[lo:hi])
            secs[k] += time.perf_counter() - w
            cpu[k] += time.process_time() - c
    gf = float(np.mean([gflop_per_passage(len(x)) for x in fp32.token_ids(texts)]))
    for k in vecs:
        cos = (vecs[k] * vecs["fp32"]).sum(1)
        emit(recipe=k, passages=n, per_s=round(n / secs[k], 2), per_cpu_s=round(n / cpu[k], 2),
             vs_fp32=round(secs["fp32"] / secs[k], 3), cosine_min=round(float(cos.min()), 4),
             cosine_mean=round(float(cos.mean()), 5), gflop_per_passage=round(gf, 2))


def score(name: str, emb, docs, views_sets: list[tuple[str, ...]], root: Path, cold: bool, q8=None) -> None:
    from bench_distractors import dev_score, run
    from eval_search import read_queries, score_tuning, sentence_units

    from rapport.index.search import Searcher, build_or_load_index
    from rapport.index.store import PassageConfig

    if cold:
        shutil.rmtree(root, ignore_errors=True)
    dev_q = read_queries(SHARED / "eval" / "dev" / "queries.jsonl")
    tun_q = read_queries(ROOT / "bench" / "tuning_queries.jsonl")
    units = sentence_units(docs)
    for views in views_sets:
        cfg = replace(PassageConfig(), dense_views=views)
        t = time.perf_counter()
        s = build_or_load_index(docs, root, emb, config=cfg, log=lambda m: print(m, file=sys.stderr))
        wall = time.perf_counter() - t
        build = s.manifest.get("build", {})
        for qname, searcher in (("fp32", s), ("int8", Searcher(s.index_dir, q8) if q8 is not None else None)):
            if searcher is None:
                continue
            dev_runs, _ = run(searcher, dev_q)
            tun_runs, _ = run(searcher, tun_q)
            dev = dev_score(dev_runs, Path(tempfile.gettempdir()) / f"quant_runs_{name}.jsonl")
            tun = score_tuning(units, tun_q, tun_runs)
            emit(recipe=name, views=list(views), queries=qname, dev_ndcg10=dev.get("ndcg@10"),
                 dev_by_kind=dev.get("by_kind"), tuning_ndcg10=tun["ndcg@10"], tuning_by_kind=tun["by_kind"],
                 build_wall_s=round(wall, 1), build=build, cold=cold and views == views_sets[0])


def reciprocal_ranks(q, p) -> "np.ndarray":
    """1/rank of pair i's own passage among all passages, for each query i (ties count against it)."""
    import numpy as np

    s = q @ p.T
    return 1.0 / ((s > np.diag(s)[:, None]).sum(1) + 1)


def pairs_check(names: list[str], n_docs: int, max_pairs: int, fp32, encoders: dict, lazy, boot: int = 2000) -> None:
    """fp32 vs each recipe's passage vectors on g0vse pairs (queries fp32 both ways, as the searcher does)."""
    import numpy as np

    from rapport.models.build_embedder import cache_root
    from rapport.models.vectors import VectorCache, encode_cached
    from tools.train_adapter import g0vse_pairs, held_out

    pairs = g0vse_pairs(n_docs)[:max_pairs]
    cache = VectorCache(lazy.fingerprint, lazy.dim)  # the project's fp32 vectors (the adapter's pairs are there)
    t = time.perf_counter()
    q = encode_cached([x.query for x in pairs], "query", lambda b: fp32.encode(["query: " + x for x in b]), cache)
    p32 = encode_cached([x.passage for x in pairs], "passage", lambda b: fp32.encode(["passage: " + x for x in b]),
                        cache)
    fp32_s = time.perf_counter() - t
    rr32 = reciprocal_ranks(q, p32)
    held = np.array([held_out(x.doc) for x in pairs])
    rng = np.random.default_rng(0)
    draws = rng.integers(0, len(pairs), size=(boot, len(pairs)))
    for x in names:
        own = VectorCache(f"{lazy.fingerprint}+{x}", lazy.dim, root=cache_root() / "bench-quant" / "vectors")
        t = time.perf_counter()
        p8 = encode_cached([y.passage for y in pairs], "passage",
                           lambda b, e=encoders[x]: e.encode(["passage: " + y for y in b]), own)
        rr8 = reciprocal_ranks(q, p8)
        diff = rr8 - rr32
        ci = np.percentile(diff[draws].mean(1), [2.5, 97.5])
        emit(pairs_check=x, pairs=len(pairs), docs=len({y.doc for y in pairs}),
             by_kind={k: sum(y.kind == k for y in pairs) for k in ("title", "heading", "neighbour")},
             mrr_fp32=round(float(rr32.mean()), 4), mrr_recipe=round(float(rr8.mean()), 4),
             mrr_diff=round(float(diff.mean()), 4), diff_ci95=[round(float(c), 4) for c in ci],
             acc1_fp32=round(float((rr32 == 1).mean()), 4), acc1_recipe=round(float((rr8 == 1).mean()), 4),
             held_out_pairs=int(held.sum()), held_out_mrr_diff=round(float(diff[held].mean()), 4) if held.any() else None,
             cosine_min=round(float((p8 * p32).sum(1).min()), 4), cosine_mean=round(float((p8 * p32).sum(1).mean()), 5),
             seconds={"fp32_vectors": round(fp32_s, 1), "recipe_vectors": round(time.perf_counter() - t, 1)})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--recipes", default=",".join(recipes()), help="candidates to screen (comma-separated)")
    ap.add_argument("--n", type=int, default=400, help="passages to screen on (0: no screening)")
    ap.add_argument("--chunks", type=int, default=2)
    ap.add_argument("--ndcg", default="", help="recipes (or fp32) to index the five reports with and score")
    ap.add_argument("--q8", action="store_true", help="also score with the recipe's int8 query vectors")
    ap.add_argument("--views", default="context,text", help="';'-separated dense-view sets, e.g. 'context,text;context'")
    ap.add_argument("--noise", default="", help="cosines (e.g. 0.999,0.998): fp32 vectors moved that far, scored")
    ap.add_argument("--seeds", type=int, default=3, help="with --noise: random draws per cosine")
    ap.add_argument("--cold", action="store_true", help="empty each index root first (a cold build)")
    ap.add_argument("--pairs", type=int, default=0, help="g0vse documents to score --recipes on as pairs (0: none)")
    ap.add_argument("--pairs-max", type=int, default=3000, help="with --pairs: at most this many pairs")
    a = ap.parse_args(argv)

    from rapport.corpus.load import load_corpus
    from rapport.models import onnx_backend as ob
    from rapport.models.build_embedder import cache_root
    from rapport.models.embedder import LazyEmbedder

    lazy = LazyEmbedder(backend="onnx")
    folder, stamp = lazy.path, {"name": lazy.name, "weights_sha256": lazy.weights_sha256}
    table, tok = ob.table_path(folder, stamp), folder / "tokenizer.json"
    fp32 = ob.open_encoder(folder, stamp, "fp32")
    if fp32 is None:
        lazy.real()  # exports the fp32 copy
        fp32 = ob.open_encoder(folder, stamp, "fp32")
    known = recipes()
    wanted = [x for x in a.recipes.split(",") if x]
    scored = [x for x in a.ndcg.split(",") if x]
    for x in wanted + scored:
        if x != "fp32" and x not in known:
            raise SystemExit(f"bench_quant: unknown recipe {x!r}; use one of fp32, {', '.join(known)}")
    out_dir = cache_root() / "bench-quant"
    encoders = {}
    for x in dict.fromkeys(wanted + [s for s in scored if s != "fp32"]):
        t = time.perf_counter()
        path = quantized(known[x], folder, stamp, out_dir)
        encoders[x] = ob.OnnxEncoder(path, table, tok)
        print(f"{x}: {path.stat().st_size / 1e6:.1f} MB ({time.perf_counter() - t:.1f} s)", file=sys.stderr)
    if a.n and wanted:
        screen(wanted, a.n, a.chunks, fp32, {k: encoders[k] for k in wanted})
    if a.pairs and wanted:
        pairs_check(wanted, a.pairs, a.pairs_max, fp32, encoders, lazy)
    if scored:
        docs, _ = load_corpus([SHARED / "corpus"])
        q1 = ob.open_encoder(folder, stamp, "fp32", threads=1)
        views_sets = [tuple(v.split(",")) for v in a.views.split(";")]
        for x in scored:
            enc = fp32 if x == "fp32" else encoders[x]
            emb = VariantEmbedder(lazy, enc, q1, None if x == "fp32" else x)
            q8 = VariantEmbedder(lazy, enc, ob.OnnxEncoder(encoders[x].model_path, table, tok, threads=1), x) \
                if a.q8 and x != "fp32" else None
            score(x, emb, docs, views_sets, cache_root() / "bench-index" / f"quant-{x}", a.cold, q8)
    if a.noise:
        from rapport.models.vectors import VectorCache

        docs, _ = load_corpus([SHARED / "corpus"])
        q1 = ob.open_encoder(folder, stamp, "fp32", threads=1)
        cache = VectorCache(lazy.fingerprint, lazy.dim, root=cache_root() / "bench-index" / "quant-fp32" / "vectors")
        for cos in (float(c) for c in a.noise.split(",")):
            for seed in range(a.seeds):
                emb = NoisyEmbedder(lazy, q1, cache, cos, seed)
                with tempfile.TemporaryDirectory() as tmp:
                    score(f"noise-{cos}-{seed}", emb, docs, [tuple(a.views.split(";")[0].split(","))],
                          Path(tmp) / "index", False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
