"""Embedding throughput: the project's chosen path against plain sentence-transformers fp32, in one run.

    flock /work/coord/heavy.lock nice -n 10 python bench/bench_embed.py --json [--n 1000]

Passages are real: cut by rapport.index.passages from the reports in ../shared/corpus and
from a seeded sample of ../shared/extra/g0vse (half each), the "context" view the index
embeds. Baseline and chosen path run interleaved, chunk by chunk, so a change in the
machine's load hits both alike; `cosine_min` compares every chosen vector with its
baseline vector. Also printed: CPU seconds (both cores count), the FLOPs of one passage
from its token count, and the fraction of the CPU's fp32 peak the chosen path reached
(2 Zen 3 cores with AVX2 FMA: 16 fp32 FLOP per cycle per core per FMA port pair).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.eval_search import SHARED  # noqa: E402  (../shared beside the repo or the worktree folder)
PEAK_GFLOPS_PER_CORE = 78.0  # 2 FMA ports x 8 fp32 lanes x 2 FLOP x ~2.45 GHz


def real_passages(n: int, seed: int = 0) -> list[str]:
    """n passage texts, half from the shared reports, half from g0vse documents (seeded)."""
    from rapport.corpus import load_document
    from rapport.index.passages import document_passages

    def cut(files, want: int) -> list[str]:
        texts: list[str] = []
        for f in files:
            texts += [p.search_text for p in document_passages(load_document(f))]
            if len(texts) >= 4 * want:
                break
        step = max(1, len(texts) // want)
        return texts[::step][:want]

    reports = sorted((SHARED / "corpus").glob("*.txt"))
    g0v = sorted((SHARED / "extra" / "g0vse").rglob("*.txt"))
    random.Random(seed).shuffle(g0v)
    out = cut(reports, n // 2) + cut(g0v, n - n // 2)
    if len(out) < n:
        raise SystemExit(f"only {len(out)} passages under {SHARED}; need {n}")
    return out


def gflop_per_passage(tokens: float, hidden: int = 384, layers: int = 12, ffn: int = 1536) -> float:
    """Matrix products of one BERT encoder pass: 2·(4h² + 2h·ffn) per token and layer, plus attention 4·L²·h."""
    per_layer = 2 * tokens * (4 * hidden * hidden + 2 * hidden * ffn) + 4 * tokens * tokens * hidden
    return layers * per_layer / 1e9


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--chunks", type=int, default=4, help="interleaved rounds (baseline, chosen) over the passages")
    ap.add_argument("--backend", default=None, help="the path to compare (default: the project's chosen one)")
    ap.add_argument("--also", default="", help="more backends timed in the same run (comma-separated), e.g. onnx-int8")
    ap.add_argument("--json", action="store_true", help="print only the one JSON line")
    a = ap.parse_args(argv)
    import numpy as np

    from rapport.models.embedder import load_embedder

    texts = real_passages(a.n)
    emb = load_embedder(backend=a.backend)
    also = {b: load_embedder(backend=b) for b in a.also.split(",") if b}
    tokens = [len(x) for x in emb.model.tokenizer(["passage: " + t for t in texts])["input_ids"]]
    for e in [emb, *also.values()]:
        e.encode_passages(texts[:4])  # export (first run only) and warm every path outside the clock
    emb.encode_torch(["passage: " + t for t in texts[:4]])
    load_before = os.getloadavg()
    paths = {"baseline": None, "chosen": emb, **also}
    vecs = {k: np.zeros((a.n, emb.dim), np.float32) for k in paths}
    wall, cpu = dict.fromkeys(paths, 0.0), dict.fromkeys(paths, 0.0)
    bounds = np.linspace(0, a.n, a.chunks + 1).astype(int)
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        part = texts[lo:hi]
        for name, e in paths.items():
            w, c = time.perf_counter(), time.process_time()
            if e is None:
                vecs[name][lo:hi] = emb.encode_torch(["passage: " + t for t in part], batch_size=32)
            else:
                vecs[name][lo:hi] = e.encode_passages(part)
            wall[name] += time.perf_counter() - w
            cpu[name] += time.process_time() - c
    base, chosen = vecs["baseline"], vecs["chosen"]
    cos = (base * chosen).sum(1)
    mean_tokens = float(np.mean(tokens))
    gf = float(np.mean([gflop_per_passage(t) for t in tokens]))
    per_cpu_s = a.n / cpu["chosen"]
    line = {"baseline_per_s": round(a.n / wall["baseline"], 2), "chosen_per_s": round(a.n / wall["chosen"], 2),
            "chosen_backend": emb.backend, "fingerprint": emb.fingerprint,
            "cosine_min": round(float(cos.min()), 4),
            "speedup": round(wall["baseline"] / wall["chosen"], 2),
            "cosine_mean": round(float(cos.mean()), 5), "passages": a.n, "mean_tokens": round(mean_tokens, 1),
            "baseline_per_cpu_s": round(a.n / cpu["baseline"], 2), "chosen_per_cpu_s": round(per_cpu_s, 2),
            "gflop_per_passage": round(gf, 2),
            "fp32_peak_fraction": round(per_cpu_s * gf / PEAK_GFLOPS_PER_CORE, 3),
            "load_avg": [round(x, 2) for x in load_before], "load_avg_after": [round(x, 2) for x in os.getloadavg()]}
    for name, e in also.items():  # timed in the same run, interleaved with the others
        c = (base * vecs[name]).sum(1)
        line[name] = {"fingerprint": e.fingerprint, "per_s": round(a.n / wall[name], 2),
                      "speedup": round(wall["baseline"] / wall[name], 2),
                      "per_cpu_s": round(a.n / cpu[name], 2), "cosine_min": round(float(c.min()), 4),
                      "cosine_mean": round(float(c.mean()), 5),
                      "fp32_peak_equivalent": round(a.n / cpu[name] * gf / PEAK_GFLOPS_PER_CORE, 3)}
    print(json.dumps(line))
    if not a.json:
        print(f"# {a.n} passages, {mean_tokens:.0f} tokens each; chosen {line['speedup']}x baseline at cosine min "
              f"{line['cosine_min']}; {line['fp32_peak_fraction']:.0%} of one core's fp32 peak per CPU second",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
