"""Static int8 (QDQ, per-channel weights, activation scales calibrated on g0vse passages) against fp32 ONNX.

    flock /work/coord/heavy.lock nice -n 10 python bench/bench_quant_static.py [--cal 160] [--n 300]
                                                        [--variant ffn2:ffn_out --variant all:]

Dynamic int8 (bench/bench_quant.py) computes each activation's scale per batch;
static int8 fixes them from a calibration set, which saves that work and lets
onnxruntime run QDQ products as int8 kernels. Calibration passages come from
g0vse documents outside bench_embed's seeded sample (the last 60 of its
shuffle, six passages each): never from the reports, not even as unlabelled
text. Each variant NAME:KINDS keeps the products of KINDS (rapport.models.int8.Int8Recipe
kinds, "+"-separated) in fp32; the fused Attention nodes (qkv) stay fp32 in every
variant (static QDQ covers MatMul only). The fused graph needs symbolic shape
inference with merged dimensions first (quant_pre_process auto_merge), or no
activation is quantized and only the weights round-trip (cosine 0.9999, no speed).
Prints one JSON line per variant: passages per CPU second vs fp32 on N passages
(half reports, half g0vse) and the cosine to fp32; the load average with each.
"""
from __future__ import annotations

import argparse
import contextlib
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cal", type=int, default=160, help="calibration passages (g0vse)")
    ap.add_argument("--n", type=int, default=300, help="passages timed and compared")
    ap.add_argument("--variant", action="append", default=None, help="NAME:KINDS kept fp32, e.g. ffn2:ffn_out")
    a = ap.parse_args(argv)
    import numpy as np
    import onnx
    from bench_embed import SHARED, real_passages
    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType,
                                          quantize_static)
    from onnxruntime.quantization.shape_inference import quant_pre_process

    from rapport.corpus import load_document
    from rapport.index.passages import document_passages
    from rapport.models.embedder import check_folder, model_path
    from rapport.models.int8 import Int8Recipe
    from rapport.models.onnx_backend import OnnxEncoder, onnx_path, table_path

    folder = model_path()
    stamp = check_folder(folder, full_hash=False)
    table, tok = table_path(folder, stamp), folder / "tokenizer.json"
    fp32 = OnnxEncoder(onnx_path(folder, stamp, "fp32"), table, tok, threads=2)
    out = Path(tempfile.gettempdir()) / "rapport-static-int8"
    out.mkdir(exist_ok=True)
    pre = out / "fp32-shapes.onnx"
    if not pre.exists():
        with contextlib.chdir(out):  # symbolic shape inference leaves its temp files in the working folder
            quant_pre_process(str(onnx_path(folder, stamp, "fp32")), str(pre), skip_optimization=True,
                              auto_merge=True, guess_output_rank=True)
    g0v = sorted((SHARED / "extra" / "g0vse").rglob("*.txt"))
    random.Random(0).shuffle(g0v)  # bench_embed's shuffle: its sample reads from the front
    cal = [t for f in g0v[-60:] for t in ["passage: " + p.search_text for p in document_passages(load_document(f))][:6]]
    cal = cal[: a.cal]

    class Reader(CalibrationDataReader):
        def __init__(self, texts):
            ids = fp32.token_ids(texts)
            order = np.argsort([len(x) for x in ids])
            self.batches = iter([[ids[i] for i in order[j:j + 8]] for j in range(0, len(order), 8)])

        def get_next(self):
            b = next(self.batches, None)
            if b is None:
                return None
            n = max(len(x) for x in b)
            arr, mask = np.full((len(b), n), fp32.pad, np.int64), np.zeros((len(b), n), np.int64)
            for k, x in enumerate(b):
                arr[k, :len(x)], mask[k, :len(x)] = x, 1
            embeds = np.ascontiguousarray(fp32.words[arr.ravel()].reshape(*arr.shape, -1), np.float32)
            return {"inputs_embeds": embeds, "attention_mask": mask}

    texts = ["passage: " + t for t in real_passages(a.n)]
    c = time.process_time()
    ref = fp32.encode(texts)
    c32 = time.process_time() - c
    graph = onnx.load(str(pre), load_external_data=False).graph
    for spec in a.variant or ["ffn2:ffn_out", "all:"]:
        name, _, kinds = spec.partition(":")
        kinds = tuple(k for k in kinds.split("+") if k)
        dst = out / f"static-{name}.onnx"
        quantize_static(str(pre), str(dst), Reader(cal), quant_format=QuantFormat.QDQ, op_types_to_quantize=["MatMul"],
                        per_channel=True, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        nodes_to_exclude=Int8Recipe(name, fp32_kinds=kinds).excluded(graph),
                        calibrate_method=CalibrationMethod.MinMax,
                        extra_options={"WeightSymmetric": True, "DefaultTensorType": onnx.TensorProto.FLOAT})
        enc = OnnxEncoder(dst, table, tok, threads=2)
        enc.encode(texts[:8])
        c = time.process_time()
        got = enc.encode(texts)
        cq = time.process_time() - c
        cos = (got * ref).sum(1)
        print(json.dumps({"variant": name, "fp32_kinds": kinds, "calibration_passages": len(cal), "passages": a.n,
                          "fp32_per_cpu_s": round(a.n / c32, 2), "per_cpu_s": round(a.n / cq, 2),
                          "x_fp32": round(c32 / cq, 2), "cosine_min": round(float(cos.min()), 4),
                          "cosine_mean": round(float(cos.mean()), 4),
                          "load_avg": [round(x, 2) for x in os.getloadavg()]}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
