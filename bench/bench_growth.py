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
`dominant` names the stage that costs most (null, with `not_measured`, when embedding was not run:
it dominates wherever it was). Prints one JSON line per measurement.
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
            add: Path | None = None, ray_embed: int = 0, fault_files: list[Path] | None = None) -> dict:
    import numpy as np

    from rapport.corpus import load_document
    from rapport.index.search import Searcher
    from rapport.index.store import PassageConfig, build_index, _frame
    from rapport.index.views import plan_views
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
    texts = plan_views(df, cfg).texts  # what a build embeds (a derived context view: passages + prefixes)
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
        embed_sample = random.Random(1).sample(texts, min(ray_embed, len(texts))) if ray_embed else []
        row.update(measure_ray(files, embed_sample, fault_files or []))
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


def _pss_kb(d: Path) -> int:
    """Proportional set size (shared pages split among their users: the mmapped word table once), else RSS."""
    for name, field in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            return int(next(x for x in (d / name).read_text().splitlines() if x.startswith(field)).split()[1])
        except (OSError, StopIteration, ValueError, IndexError):
            continue
    return 0


def tree_rss_mb(pid: int | None = None) -> float:
    """Memory (PSS) of a process and all its descendants (a local Ray: driver, GCS, raylet, workers), from /proc."""
    pid = pid or os.getpid()
    parent = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            parent[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    tree, grew = {pid}, True
    while grew:
        more = {c for c, pp in parent.items() if pp in tree} - tree
        tree |= more
        grew = bool(more)
    return round(sum(_pss_kb(Path("/proc") / str(p)) for p in tree) / 1024, 1)


class PeakRss:
    """Samples tree_rss_mb every `every` seconds while the block runs; `.peak` after it."""

    def __init__(self, every: float = 0.5):
        import threading

        self.every, self.peak, self._stop = every, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_mb())
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss_mb())


class private_home:
    """A cold, private RAPPORT_HOME for the block (documents, facts and vectors computed afresh; the built
    models and lemma tables linked from the real home, so the learned heads run as usual), restored after."""

    def __enter__(self):
        from rapport.app import cache

        self._tmp = tempfile.TemporaryDirectory()
        real = cache.rapport_home()
        for name in ("models", "simplemma"):
            if (real / name).exists():
                (Path(self._tmp.name) / name).symlink_to(real / name)
        self._old = os.environ.get("RAPPORT_HOME")
        os.environ["RAPPORT_HOME"] = self._tmp.name
        cache.facts_version.cache_clear()
        return Path(self._tmp.name)

    def __exit__(self, *exc):
        from rapport.app import cache

        os.environ.pop("RAPPORT_HOME", None) if self._old is None else os.environ.__setitem__("RAPPORT_HOME", self._old)
        cache.facts_version.cache_clear()
        self._tmp.cleanup()


FAULTS = {}  # file name -> "raise" | "kill": the fault run's injected failures (read in the Ray workers)


def faulty_extract(doc):
    """The local engine's extraction, except for the documents FAULTS names: one raises, one kills its worker."""
    from rapport.app.engines.ray_engine import extract_one

    what = FAULTS.get(doc.name)
    if what == "kill":
        os._exit(3)
    if what == "raise":
        raise ValueError("injected failure")
    return extract_one(doc)


def same_records(a: dict, b: dict) -> bool:
    """The same facts of each kind (order aside: the engines merge per-document parts)."""
    return a.keys() == b.keys() and all(sorted(map(repr, a[k])) == sorted(map(repr, b[k])) for k in a)


def measure_ray(files: list[Path], embed_texts: list[str], fault_files: list[Path]) -> dict:
    """Ingest + extract through rapport.app.cache, cold, locally and on a local Ray (same work per document);
    peak memory of the whole process tree; embedding `embed_texts` both ways (rate, and the same vectors?);
    then a fault run: of `fault_files`, one raises, one kills its worker, the rest must finish."""
    from rapport.app import cache
    from rapport.app.engines import ray_engine
    from rapport.models.embedder import LazyEmbedder

    out = {"tree_mb_before": tree_rss_mb()}  # the driver already holds this size's documents and index
    with private_home(), PeakRss() as mem:
        t = time.perf_counter()
        docs, errors = cache.load_documents(files)
        facts = cache.extract_documents(docs)
        out["local_app_ingest_extract_s"], out["local_app_errors"] = round(time.perf_counter() - t, 2), len(errors)
    out["local_app_peak_tree_mb"] = mem.peak
    lazy = LazyEmbedder()
    with private_home(), PeakRss() as mem:
        t = time.perf_counter()
        with ray_engine.session():
            out["ray_start_s"] = round(time.perf_counter() - t, 1)
            t = time.perf_counter()
            c = ray_engine.extract_corpus(files)
            out["ray_ingest_extract_s"], out["ray_errors"] = round(time.perf_counter() - t, 2), len(c.errors)
            out["ray_same_facts"] = same_records(c.extraction.records, facts.records)
            if embed_texts:
                ray_emb = ray_engine.RayEmbedder(lazy)
                ray_emb.encode_passages(embed_texts[:8])
                t = time.perf_counter()
                rv = ray_emb.encode_passages(embed_texts)
                out["ray_embed_texts_per_s"] = round(len(embed_texts) / (time.perf_counter() - t), 2)
                t = time.perf_counter()
                lv = lazy.encode_passages(embed_texts)
                out["local_embed_texts_per_s_same_texts"] = round(len(embed_texts) / (time.perf_counter() - t), 2)
                out["ray_embed_texts"], out["ray_embed_cos_min"] = len(embed_texts), round(float((rv * lv).sum(1).min()), 6)
            if len(fault_files) >= 3:
                FAULTS.clear()
                FAULTS.update({fault_files[0].name: "raise", fault_files[1].name: "kill"})
                fc = ray_engine.extract_corpus(fault_files, fn=faulty_extract)
                errors = list(fc.errors) + list(fc.extraction.errors)
                failed = {f.name for f in fault_files[:2]}
                done = {r.doc for rows in fc.extraction.records.values() for r in rows}
                out["fault_run"] = {"docs": len(fault_files), "read": len(fc.docs), "errors": len(errors),
                                    "others_all_read": {d.name for d in fc.docs} >= {f.name for f in fault_files[2:]},
                                    "facts_only_from_others": done <= {f.name for f in fault_files} - failed,
                                    "errors_name_them": [any(f.name in e for e in errors) for f in fault_files[:2]]}
    out["ray_peak_tree_mb"] = mem.peak
    return out


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
             "size that measured it (embedding: measured rate x texts)", hours=est,
             dominant=max(est, key=est.get) if "embed" in est else None,
             not_measured=[s for s in stages if s not in est], texts_to_embed=int(texts_per_mb * mb))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--embed-cap", type=int, default=600, help="texts actually embedded per size (rate measured; 0: none)")
    ap.add_argument("--ray", action="store_true", help="also run ingest + extract on the Ray engine")
    ap.add_argument("--ray-max", type=int, default=1000, help="with --ray: only at sizes up to this many documents")
    ap.add_argument("--ray-embed", type=int, default=200, help="with --ray: texts embedded on Ray and locally (0: none)")
    ap.add_argument("--ray-faults", type=int, default=20,
                    help="with --ray: documents of a fault run (one raises, one kills its worker; 0: none)")
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
                      add=a.add_report if n == (a.add_at or max(a.sizes)) else None, ray_embed=a.ray_embed,
                      fault_files=files[-a.ray_faults:] if a.ray_faults else [])
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
