"""Growth: ingest, extract, embed and index time and memory as the corpus grows; query p50/p95; projections.

    flock /work/coord/heavy.lock nice -n 10 python bench/bench_growth.py [--sizes 1000 5000] [--embed-cap 600] [--ray [--ray-max 1000]]

Documents are a seeded sample of ../shared/extra/g0vse (32,942 government documents).
At each size: ingest (read + structure, no cache), extract (the spaCy pipeline, no
cache), passages and the texts the index would embed (both dense views, duplicates
once), embedding of a capped subset of those texts with the project's chosen backend
(measured rate × texts = the embedding time at that size: a measured projection, said
so in the output), the rest of the index build (BM25, faiss, the folder) with stand-in
vectors, and search latency (p50/p95 over the tuning queries, ONNX query encoder).
With --ray the same ingest + extract also runs on the Ray engine (cold caches).

Then per-document and per-MB rates from the largest size project every stage to all
of g0vse and to 600 and 3,000 regional reports (about 150 KB each); the line
`dominant` names the stage that costs most. Prints one JSON line per measurement.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
G0V = ROOT.parent / "shared" / "extra" / "g0vse"
REPORT_BYTES = 150_000  # a regional annual or interim report as text
ALL_G0V = 32_942


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def emit(**kw) -> None:
    print(json.dumps(kw, ensure_ascii=False), flush=True)


class StandIn:
    """Unit vectors from a seeded generator: the index build's own cost, without the model's."""

    def __init__(self, emb):
        self.name, self.weights_sha256, self.dim, self.fingerprint = emb.name, emb.weights_sha256, emb.dim, emb.fingerprint
        self.lazy = emb

    def encode_passages(self, texts, batch_size=32, show_progress=False):
        import numpy as np

        v = np.random.default_rng(len(texts)).standard_normal((len(texts), self.dim)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def encode_queries(self, texts, batch_size=32, show_progress=False):
        return self.lazy.encode_queries(texts)


def measure(files: list[Path], cap: int, ray: bool, queries: list[str], *, extract_docs: bool = True,
            add: Path | None = None) -> dict:
    import numpy as np

    from rapport.corpus import load_document
    from rapport.index.search import Searcher
    from rapport.index.store import PassageConfig, build_index, view_texts, _frame
    from rapport.index.passages import document_passages
    from rapport.models.embedder import LazyEmbedder
    from rapport.pipeline.nlp import build_nlp
    from rapport.pipeline.run import extract

    n, mb = len(files), sum(f.stat().st_size for f in files) / 1e6
    row = {"docs": n, "mb": round(mb, 2)}
    load_document(files[0])  # imports and lexicons load outside the clock
    t = time.perf_counter()
    docs = [load_document(f) for f in files]
    row["ingest_s"], row["ingest_peak_mb"] = round(time.perf_counter() - t, 2), peak_mb()
    if extract_docs:
        nlp = build_nlp()
        extract(nlp, docs[:1])  # the components' data load on first use
        t = time.perf_counter()
        ex = extract(nlp, docs)
        row["extract_s"], row["extract_peak_mb"] = round(time.perf_counter() - t, 2), peak_mb()
        row["extract_errors"] = len(ex.errors)
    cfg = PassageConfig()
    t = time.perf_counter()
    ps = [p for d in docs for p in document_passages(d, window=cfg.window, stride=cfg.stride, context=cfg.context,
                                                      tables=cfg.tables)]
    df = _frame(ps)
    texts = list(dict.fromkeys(t for v in cfg.dense_views for t in view_texts(df, v)))
    row["passages"], row["texts_to_embed"] = len(df), len(texts)
    row["passages_s"] = round(time.perf_counter() - t, 2)
    lazy = LazyEmbedder()
    emb = lazy.real()
    if cap:
        sample = random.Random(0).sample(texts, min(cap, len(texts)))
        emb.encode_passages(sample[:8])
        t = time.perf_counter()
        emb.encode_passages(sample)
        rate = len(sample) / (time.perf_counter() - t)
        row["embed_backend"], row["embed_measured_texts"] = emb.backend, len(sample)
        row["embed_texts_per_s"] = round(rate, 2)
        row["embed_s_projected"] = round(len(texts) / rate, 1)
        row["embed_peak_mb"] = peak_mb()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        build_index(docs, Path(tmp) / "index", StandIn(lazy), config=cfg)
        row["index_s_without_embedding"] = round(time.perf_counter() - t, 2)
        row["index_mb"] = round(sum(p.stat().st_size for p in (Path(tmp) / "index").rglob("*") if p.is_file()) / 1e6, 1)
        s = Searcher(Path(tmp) / "index", lazy)
        s.search(queries[0], k=10)
        lat = []
        for q in queries:
            t = time.perf_counter()
            s.search(q, k=10)
            lat.append((time.perf_counter() - t) * 1000)
        row["query_p50_ms"], row["query_p95_ms"] = round(float(np.percentile(lat, 50)), 1), round(float(np.percentile(lat, 95)), 1)
        row["index_peak_mb"] = peak_mb()
        if add is not None:
            row.update(add_report(docs, Path(tmp) / "index", lazy, add, cfg))
    if ray:
        row.update(measure_ray(files))
    row["load_avg"] = [round(x, 2) for x in os.getloadavg()]
    return row


def add_report(docs, index_dir: Path, lazy, path: Path, cfg) -> dict:
    """Add one report to the built index: its passages embedded for real, the rest reused (an update)."""
    from rapport.corpus import load_document
    from rapport.index.store import build_index

    report = load_document(path)
    t = time.perf_counter()
    m = build_index(docs + [report], index_dir, lazy, config=cfg)
    secs = time.perf_counter() - t
    return {"add_report": path.name, "add_report_kb": round(path.stat().st_size / 1e3, 1),
            "add_report_s": round(secs, 2), "add_report_embed_s": m["build"]["embed_seconds"],
            "add_report_embedded_texts": m["build"]["embedded"], "add_report_peak_mb": peak_mb()}


def measure_ray(files: list[Path]) -> dict:
    """Ingest + extract on the Ray engine, cold (a private RAPPORT_HOME)."""
    from rapport.app import cache
    from rapport.app.engines import ray_engine

    with tempfile.TemporaryDirectory() as home:
        old = os.environ.get("RAPPORT_HOME")
        os.environ["RAPPORT_HOME"] = home
        cache.facts_version.cache_clear()
        try:
            t = time.perf_counter()
            with ray_engine.session():
                started = time.perf_counter() - t
                t = time.perf_counter()
                c = ray_engine.extract_corpus(files)
                secs = time.perf_counter() - t
        finally:
            os.environ.pop("RAPPORT_HOME", None) if old is None else os.environ.__setitem__("RAPPORT_HOME", old)
            cache.facts_version.cache_clear()
    return {"ray_start_s": round(started, 1), "ray_ingest_extract_s": round(secs, 2), "ray_errors": len(c.errors),
            "ray_driver_peak_mb": peak_mb()}


def project(rows: list[dict]) -> None:
    """Per-MB rates of each stage at the largest size that measured it, carried to all of g0vse and to reports."""
    stages = {"ingest": "ingest_s", "extract": "extract_s", "embed": "embed_s_projected",
              "index_rest": "index_s_without_embedding"}
    rate, basis = {}, {}
    for stage, key in stages.items():
        row = max((r for r in rows if r.get(key) is not None), key=lambda r: r["docs"], default=None)
        if row is not None:
            rate[stage], basis[stage] = row[key] / row["mb"], row["docs"]
    texts_per_mb = rows[-1]["texts_to_embed"] / rows[-1]["mb"]
    g0v_mb = sum(f.stat().st_size for f in G0V.rglob("*.txt")) / 1e6
    for label, mb in (("g0vse_all_32942", g0v_mb), ("reports_600", 600 * REPORT_BYTES / 1e6),
                      ("reports_3000", 3000 * REPORT_BYTES / 1e6)):
        est = {k: round(v * mb / 3600, 2) for k, v in rate.items()}
        emit(projection=label, mb=round(mb, 1), basis_docs=basis, basis="per-MB rate of each stage at the largest "
             "size that measured it (embedding: measured rate x texts)", hours=est, dominant=max(est, key=est.get),
             texts_to_embed=int(texts_per_mb * mb))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--embed-cap", type=int, default=600, help="texts actually embedded per size (rate measured; 0: none)")
    ap.add_argument("--ray", action="store_true", help="also run ingest + extract on the Ray engine")
    ap.add_argument("--ray-max", type=int, default=1000, help="with --ray: only at sizes up to this many documents")
    ap.add_argument("--extract-max", type=int, default=10**9, help="run the extraction only at sizes up to this")
    ap.add_argument("--add-report", type=Path, default=None,
                    help="a report to add to the index (its passages embedded for real): the update time")
    ap.add_argument("--add-at", type=int, default=None, help="the size to add --add-report at (default: the largest)")
    a = ap.parse_args(argv)
    files = sorted(G0V.rglob("*.txt"))
    random.Random(0).shuffle(files)
    queries = [json.loads(x)["query"] for x in (ROOT / "bench" / "tuning_queries.jsonl").read_text().splitlines() if x]
    emit(corpus=str(G0V), documents=len(files), load_avg=[round(x, 2) for x in os.getloadavg()])
    rows, rate = [], None
    for n in a.sizes:
        row = measure(files[:n], a.embed_cap, a.ray and n <= a.ray_max, queries, extract_docs=n <= a.extract_max,
                      add=a.add_report if n == (a.add_at or max(a.sizes)) else None)
        if "embed_texts_per_s" in row:
            rate = row["embed_texts_per_s"]
        elif rate:  # no embedding at this size: the rate measured at a smaller one, said so
            row["embed_s_projected"], row["embed_rate_from_smaller_size"] = round(row["texts_to_embed"] / rate, 1), rate
        rows.append(row)
        emit(**row)
    if rows:
        project(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
