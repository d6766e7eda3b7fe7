"""Per-product int8 sensitivity: quantize one matrix product at a time, measure drift and time saved.

    flock /work/coord/heavy.lock nice -n 10 python bench/bench_quant_scan.py [--n 160] [--out scan.jsonl]
    python bench/bench_quant_scan.py --greedy scan.jsonl --floor 0.25     (no model run: the recipe)

Calibration passages come from g0vse documents that bench_embed's sample does not use (never
the reports, never the tuning or dev queries). For each product of the fused graph (layer ×
qkv / attn_out / ffn_in / ffn_out) the network is quantized with only that product in int8
(dynamic, per channel, 8-bit weights) and its vectors compared with fp32: drift = mean(1 −
cosine). The time an int8 product saves is the measured saving of everything in int8 (per CPU
second, interleaved with fp32) shared in proportion to the products' multiply-adds
(FLOP_SHARE; every layer's products have the same shapes). --knobs also times and compares whole-recipe variants
(reduce_range, symmetric activations, per-tensor weights, batches of one text).

--greedy reads the scan and keeps the products with the most drift per second saved in fp32
until the int8 rest just saves `--floor` of fp32's time (0.25: 1.33× fp32 per CPU second),
printing an `Int8Recipe(fp32_nodes=...)` and its summed drift. Drift of separate products
roughly adds (small independent errors), so the sum ranks recipes; the recipe itself is then
measured by bench_embed / bench_quant, not trusted from the sum.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from bench.eval_search import SHARED  # noqa: E402


def emit(out, **kw) -> None:
    kw["load_avg"] = [round(x, 2) for x in os.getloadavg()]
    line = json.dumps(kw, ensure_ascii=False)
    print(line, flush=True)
    if out:
        with open(out, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def bench_embed_files(want: int = 500, seed: int = 0) -> set[Path]:
    """The g0vse files bench_embed.real_passages(1000) reads (same seeded order, same stopping rule)."""
    from rapport.corpus import load_document
    from rapport.index.passages import document_passages

    g0v = sorted((SHARED / "extra" / "g0vse").rglob("*.txt"))
    random.Random(seed).shuffle(g0v)
    used, n = set(), 0
    for f in g0v:
        used.add(f)
        n += len(document_passages(load_document(f)))
        if n >= 4 * want:
            break
    return used


def calibration_passages(n: int, seed: int = 7) -> list[str]:
    """n g0vse passage texts ("passage: " prefixed), at most 3 per document, none from bench_embed's files."""
    from rapport.corpus import load_document
    from rapport.index.passages import document_passages

    skip = bench_embed_files()
    g0v = [f for f in sorted((SHARED / "extra" / "g0vse").rglob("*.txt")) if f not in skip]
    random.Random(seed).shuffle(g0v)
    out: list[str] = []
    for f in g0v:
        ps = [p.search_text for p in document_passages(load_document(f))]
        out += ps[:: max(1, len(ps) // 3)][:3]
        if len(out) >= n:
            return ["passage: " + t for t in out[:n]]
    raise SystemExit(f"only {len(out)} calibration passages")


def quantize(src: Path, dst: Path, nodes: list[str] | None, **kw) -> None:
    """Dynamic int8 (per channel, 8-bit weights unless told) of `nodes` (None: every product)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    extra = {"DefaultTensorType": onnx.TensorProto.FLOAT, **kw.pop("extra", {})}
    quantize_dynamic(str(src), str(dst), weight_type=kw.pop("weight_type", QuantType.QInt8),
                     per_channel=kw.pop("per_channel", True), reduce_range=kw.pop("reduce_range", False),
                     op_types_to_quantize=["MatMul", "Attention"], nodes_to_quantize=nodes, extra_options=extra)


def drift(vecs, ref) -> dict:
    import numpy as np

    cos = (vecs * ref).sum(1)
    return {"drift": round(float((1 - cos).mean()), 7), "cosine_mean": round(float(cos.mean()), 6),
            "cosine_min": round(float(cos.min()), 5), "cosine_p01": round(float(np.percentile(cos, 1)), 5)}


def timed(encoders: dict, texts: list[str], rounds: int) -> dict[str, float]:
    """CPU seconds per passage of each encoder, interleaved round by round."""
    import numpy as np

    cpu = dict.fromkeys(encoders, 0.0)
    bounds = np.linspace(0, len(texts), rounds + 1).astype(int)
    for enc in encoders.values():
        enc.encode(texts[:4])
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        for k, enc in encoders.items():
            c = time.process_time()
            enc.encode(texts[lo:hi])
            cpu[k] += time.process_time() - c
    return {k: v / len(texts) for k, v in cpu.items()}


def scan(a, folder, stamp) -> None:
    import onnx

    from rapport.models import onnx_backend as ob
    from rapport.models.int8 import KINDS, product_kinds

    src, table, tok = ob.onnx_path(folder, stamp), ob.table_path(folder, stamp), folder / "tokenizer.json"
    kinds = product_kinds(onnx.load(str(src), load_external_data=False).graph)
    texts = calibration_passages(a.n)
    fp32 = ob.OnnxEncoder(src, table, tok)
    ref = fp32.encode(texts)
    tmp = Path(tempfile.mkdtemp(prefix="quant-scan-"))
    try:
        if a.time_kinds:
            encs = {"fp32": fp32}
            for kind in ("all", *KINDS):
                path = tmp / f"{kind}.onnx"
                quantize(src, path, None if kind == "all" else [x for x, (_, k) in kinds.items() if k == kind])
                encs[kind] = ob.OnnxEncoder(path, table, tok)
            per = timed(encs, texts, a.rounds)
            for kind in ("all", *KINDS):
                emit(a.out, timing=kind, cpu_s_per_passage=round(per[kind], 5), fp32_cpu_s=round(per["fp32"], 5),
                     saved_fraction=round(1 - per[kind] / per["fp32"], 4),
                     **drift(encs[kind].encode(texts), ref), passages=len(texts))
        if a.recipes:
            from bench_quant import recipes

            known = recipes()
            for name in a.recipes.split(","):
                path = tmp / f"{name}.onnx"
                ob.quantize(src, path, known[name])
                vecs = ob.OnnxEncoder(path, table, tok).encode(texts)
                emit(a.out, recipe=name, **drift(vecs, ref), passages=len(texts))
        if a.knobs:
            knobs(a, src, table, tok, kinds, texts, ref, fp32, tmp)
        if a.nodes:
            for name, (layer, kind) in sorted(kinds.items(), key=lambda x: x[1]):
                path = tmp / "one.onnx"
                quantize(src, path, [name])
                enc = ob.OnnxEncoder(path, table, tok)
                emit(a.out, node=f"{layer}:{kind}", name=name, **drift(enc.encode(texts), ref), passages=len(texts))
                del enc
    finally:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


def knobs(a, src, table, tok, kinds, texts, ref, fp32, tmp) -> None:
    """Whole-graph variants of the library's options, timed against fp32 and compared."""
    from onnxruntime.quantization import QuantType

    from rapport.models import onnx_backend as ob
    from rapport.models.int8 import KINDS, product_kinds

    ffn2 = [x for x, (_, k) in kinds.items() if k != "ffn_out"]
    variants = {
        "all": dict(nodes=None), "all-r7": dict(nodes=None, reduce_range=True),
        "all-asym-act-sym": dict(nodes=None, extra={"ActivationSymmetric": True}),
        "all-w-asym": dict(nodes=None, extra={"WeightSymmetric": False}, weight_type=QuantType.QUInt8),
        "all-per-tensor": dict(nodes=None, per_channel=False),
        "ffn2": dict(nodes=ffn2), "ffn2-act-sym": dict(nodes=ffn2, extra={"ActivationSymmetric": True}),
    }
    encs = {"fp32": fp32}
    for name, kw in variants.items():
        path = tmp / f"knob-{name}.onnx"
        try:
            quantize(src, path, kw.pop("nodes"), **kw)
            encs[name] = ob.OnnxEncoder(path, table, tok)
        except Exception as e:  # noqa: BLE001 - a knob the library refuses is a finding, not a crash
            emit(a.out, knob=name, error=f"{type(e).__name__}: {e}")
    encs["all-batch1"] = ob.OnnxEncoder(tmp / "knob-all.onnx", table, tok, plan=ob.BatchPlan(max_batch=1))
    encs["ffn2-batch1"] = ob.OnnxEncoder(tmp / "knob-ffn2.onnx", table, tok, plan=ob.BatchPlan(max_batch=1))
    encs["fp32-batch1"] = ob.OnnxEncoder(fp32.model_path, table, tok, plan=ob.BatchPlan(max_batch=1))
    per = timed(encs, texts, a.rounds)
    for name, enc in encs.items():
        emit(a.out, knob=name, cpu_s_per_passage=round(per[name], 5),
             saved_fraction=round(1 - per[name] / per["fp32"], 4),
             **drift(enc.encode(texts), ref), passages=len(texts))


# Multiply-adds per token of one layer's products, in units of hidden² (h = 384, FFN 4h): what an int8 product
# saves is taken in proportion to them. The per-kind timings (all 12 layers of one kind in int8) did not add
# up (their savings summed to 0.91 of fp32's time, against 0.57 for everything int8, at load 1.1-1.3), so
# they rank nothing; the chosen recipe is timed as a whole.
FLOP_SHARE = {"qkv": 3, "attn_out": 1, "ffn_in": 4, "ffn_out": 4}


def greedy(path: Path, floor: float) -> dict:
    """Products kept fp32, most drift per second saved first, while the int8 rest still saves `floor`."""
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    everything = [r["saved_fraction"] for r in rows if r.get("timing") == "all"]
    nodes = {r["node"]: r["drift"] for r in rows if "node" in r}
    if not everything or not nodes:
        raise SystemExit(f"{path}: needs the --time-kinds and --nodes lines of a scan")
    layers = 1 + max(int(n.split(":")[0]) for n in nodes)
    flops = sum(FLOP_SHARE.values())
    gain = {n: everything[-1] * FLOP_SHARE[n.split(":")[1]] / flops / layers for n in nodes}
    order = sorted(nodes, key=lambda n: nodes[n] / gain[n], reverse=True)
    kept, total = [], sum(gain.values())
    for n in order:
        if total - gain[n] < floor:
            break
        kept.append(n)
        total -= gain[n]
    rest = [n for n in nodes if n not in kept]
    return {"fp32_nodes": sorted(kept, key=lambda n: (int(n.split(":")[0]), n)), "int8_nodes": len(rest),
            "saved_fraction_sum": round(total, 4), "drift_sum": round(sum(nodes[n] for n in rest), 7),
            "drift_sum_all_int8": round(sum(nodes.values()), 7)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=160, help="calibration passages")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds")
    ap.add_argument("--out", type=Path, default=None, help="also append the JSON lines here")
    ap.add_argument("--no-nodes", dest="nodes", action="store_false", help="skip the one-product-at-a-time scan")
    ap.add_argument("--no-time-kinds", dest="time_kinds", action="store_false", help="skip the per-kind timing")
    ap.add_argument("--knobs", action="store_true", help="also the whole-graph option variants")
    ap.add_argument("--recipes", default="", help="bench_quant recipes: drift of each on the calibration set")
    ap.add_argument("--greedy", type=Path, default=None, help="a scan's JSON lines: print the greedy recipe")
    ap.add_argument("--floor", type=float, default=0.25, help="with --greedy: fraction of fp32 time to save")
    a = ap.parse_args(argv)
    if a.greedy:
        print(json.dumps(greedy(a.greedy, a.floor)))
        return 0
    from rapport.models.embedder import LazyEmbedder

    lazy = LazyEmbedder(backend="onnx")
    scan(a, lazy.path, {"name": lazy.name, "weights_sha256": lazy.weights_sha256})
    return 0


if __name__ == "__main__":
    sys.exit(main())
