"""Vector stores: does a database behind the Searcher return what faiss returns, and at what cost?

    python bench/bench_stores.py [--store lancedb:DIR] [--corpus ../shared/corpus] [--index-dir DIR] [--json]
    python bench/bench_stores.py --candidates 2400,50000 [--json]

Default run: the five reports' index (built or reused, as bench/eval_search.py
does), then the same Searcher with its dense views in the store. For every
tuning query (bench/tuning_queries.jsonl) and dev query (../shared/eval/dev)
it prints the top-10 overlap between the two (passages as (doc, start, end)),
in hybrid and dense mode, the tuning nDCG@10 of both, query p50/p95, and the
store's sync costs: first write, reopen (nothing to write), and an update
after one report is added (only that report's passages are written).

--candidates: the same synthetic workload (unit vectors, 50 reports as the
payload) on each candidate database that is importable: insert, upsert 100,
delete 100, search p50 with and without a payload filter, recall@10 against
exact search. The figures behind the choice in docs/stores.md.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.eval_search import SHARED, read_queries, result_records, score_tuning, sentence_units  # noqa: E402


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def _keys(df) -> list[tuple]:
    return [(r.doc, int(r.start), int(r.end)) for r in df.itertuples()]


def overlap(a: list, b: list, k: int = 10) -> float:
    """|top-k(a) ∩ top-k(b)| / k (1.0 when both are empty)."""
    a, b = set(a[:k]), set(b[:k])
    return len(a & b) / max(len(a), len(b)) if (a or b) else 1.0


def _pct(xs: list[float], p: float) -> float:
    return round(1000 * float(np.percentile(xs, p)), 1) if xs else float("nan")


def agreement(a) -> dict:
    from rapport.corpus.load import load_corpus
    from rapport.index.search import build_or_load_index
    from rapport.index.stores import attach_store, open_store, passage_ids, sync_store
    from rapport.index.stores.attach import table_name
    from rapport.index.stores.base import payload_frame
    from rapport.models.build_embedder import cache_root
    from rapport.models.embedder import load_embedder

    docs, errors = load_corpus([a.corpus])
    for e in errors:
        print(e, file=sys.stderr)
    index_dir = a.index_dir or cache_root() / "bench-index" / "w3s1-path"
    emb = load_embedder(a.model) if a.model else load_embedder()
    say = lambda m: print(m, file=sys.stderr)  # noqa: E731
    plain = build_or_load_index(docs, index_dir, emb, log=say)
    tmp = Path(tempfile.mkdtemp(prefix="bench-stores-"))
    uri = a.store or f"lancedb:{tmp / 'lance'}"
    out = {"store": uri.split(":")[0], "passages": len(plain), "loadavg_start": loadavg()}

    # incremental: the store first holds the corpus minus its last report (written straight from the
    # index's own vectors: no second embedding), then the Searcher attaches the whole corpus
    last = plain.passages["doc"].to_numpy() == docs[-1].name
    fp = plain.manifest["model"]["fingerprint"]
    ids, payload = passage_ids(plain.passages), payload_frame(plain.passages)
    t = time.perf_counter()
    for view, dense in plain.views.items():
        store = open_store(uri, table_name("bench", fp, view), dense.vectors.shape[1])
        sync_store(store, ids[~last], dense.vectors[~last], {c: [v for v, m in zip(col, last) if not m]
                                                           for c, col in payload.items()}, f"minus-one-{view}")
    out["sync_first_s"] = round(time.perf_counter() - t, 2)
    out["sync_first_passages"] = int((~last).sum())
    db = build_or_load_index(docs, index_dir, emb, log=say)
    written = []
    t = time.perf_counter()
    attach_store(db, uri, name="bench", say=written.append)
    out["sync_add_one_report_s"] = round(time.perf_counter() - t, 2)
    out["sync_add_one_report_said"] = written
    again = build_or_load_index(docs, index_dir, emb)
    t = time.perf_counter()
    attach_store(again, uri, name="bench")
    out["sync_reopen_s"] = round(time.perf_counter() - t, 3)

    sets = {"tuning": read_queries(ROOT / "bench" / "tuning_queries.jsonl"),
            "dev": read_queries(SHARED / "eval" / "dev" / "queries.jsonl")}
    lat = {"faiss": [], "store": []}
    for name, queries in sets.items():
        for mode in ("hybrid", "dense"):
            ov, runs = [], {"faiss": [], "store": []}
            for q in queries:
                res = {}
                for who, s in (("faiss", plain), ("store", db)):
                    t = time.perf_counter()
                    res[who] = s.search(q["query"], 10, mode=mode)
                    lat[who].append(time.perf_counter() - t)
                    runs[who].append({"query": q["query"], "results": result_records(res[who])})
                ov.append(overlap(_keys(res["faiss"]), _keys(res["store"])))
            out[f"{name}_{mode}_overlap_mean"] = round(float(np.mean(ov)), 4)
            out[f"{name}_{mode}_overlap_min"] = round(float(np.min(ov)), 4)
            if name == "tuning" and mode == "hybrid":
                units = sentence_units(docs)
                for who in runs:
                    out[f"tuning_ndcg10_{who}"] = round(score_tuning(units, queries, runs[who])["ndcg@10"], 4)
    if a.native_hybrid:
        nh = native_hybrid(plain, sets["tuning"], tmp / "native", sentence_units(docs))
        out.update({f"tuning_{k}" if not k.startswith("tuning") else k: v for k, v in nh.items()})
    for who, xs in lat.items():
        out[f"query_ms_p50_{who}"], out[f"query_ms_p95_{who}"] = _pct(xs, 50), _pct(xs, 95)
    out["queries"] = {k: len(v) for k, v in sets.items()}
    out["loadavg_end"] = loadavg()
    shutil.rmtree(tmp, ignore_errors=True)
    return out


def native_hybrid(plain, queries: list[dict], folder: Path, units) -> dict:
    """LanceDB's own hybrid search (its BM25 over our analysed terms + the context view, RRF) against
    the Searcher's hybrid: how far a database-native keyword side would move the results."""
    import pyarrow as pa
    import lancedb
    from lancedb.rerankers import RRFReranker

    analyzer = plain.bm25.analyzer
    vec = plain.views["context"].vectors
    terms = [" ".join(analyzer(t)) for t in plain.passages["search_text"]]
    tbl = lancedb.connect(str(folder)).create_table("native", pa.table({
        "row": np.arange(len(terms)), "terms": terms,
        "vector": pa.FixedSizeListArray.from_arrays(pa.array(vec.ravel()), vec.shape[1])}))
    tbl.create_fts_index("terms", base_tokenizer="whitespace", lower_case=False, stem=False,
                         remove_stop_words=False, ascii_folding=False)
    ov, runs = [], []
    for q in queries:
        qv, qt = plain.query_vector(q["query"]), " ".join(analyzer(q["query"]))
        n = plain.fusion.candidates
        if qt:
            res = (tbl.search(query_type="hybrid").vector(qv).text(qt).limit(n)
                   .rerank(RRFReranker(K=int(plain.fusion.rrf_k))).to_arrow())
            rows, sc = res["row"].to_numpy(), res["_relevance_score"].to_numpy()
        else:
            res = tbl.search(qv).distance_type("dot").limit(n).to_arrow()
            rows, sc = res["row"].to_numpy(), 1 - res["_distance"].to_numpy()
        keep, ks = plain._dedupe(rows, sc, 10)
        df = plain._frame(keep, ks)
        ov.append(overlap(_keys(plain.search(q["query"], 10, understand_regions=False)), _keys(df)))
        runs.append({"query": q["query"], "results": result_records(df)})
    out = {"native_hybrid_overlap_mean": round(float(np.mean(ov)), 4)}
    if units is not None:
        out["tuning_ndcg10_native_hybrid"] = round(score_tuning(units, queries, runs)["ndcg@10"], 4)
    return out


# ---------------------------------------------------------------- candidate databases
def _workload(n: int, dim: int = 384):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = rng.standard_normal((30, dim)).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    docs = np.array([f"d{i % 50:02d}" for i in range(n)])
    return x, q, docs, np.arange(n, dtype=np.int64) * 7919 + 13


def _lancedb(path, dim):
    from rapport.index.stores.lancedb import LanceStore

    s = LanceStore(str(path), "bench", dim)

    def upsert(ids, x, payload):
        s.upsert(ids, x, payload)
        s.commit("bench")  # past ANN_LIMIT rows this builds (or refreshes) the vector index

    return upsert, s.delete, s.search


def _faiss(path, dim):
    from rapport.index.stores.faiss import FaissStore

    s = FaissStore(dim)
    return s.upsert, s.delete, s.search


def _qdrant(path, dim):
    from qdrant_client import QdrantClient
    from qdrant_client import models as qm

    c = QdrantClient(path=str(path))
    c.create_collection("c", vectors_config=qm.VectorParams(size=dim, distance=qm.Distance.DOT))

    def upsert(ids, x, payload):
        for a in range(0, len(ids), 1000):
            c.upsert("c", points=qm.Batch(ids=ids[a:a + 1000].tolist(), vectors=x[a:a + 1000].tolist(),
                                          payloads=[{"doc": d} for d in payload["doc"][a:a + 1000]]), wait=True)

    def search(q, k, filters=None):
        f = None if not filters else qm.Filter(must=[qm.FieldCondition(key="doc", match=qm.MatchAny(any=filters["doc"]))])
        pts = c.query_points("c", query=q.tolist(), limit=k, query_filter=f).points
        return np.array([p.id for p in pts]), np.array([p.score for p in pts])

    return upsert, lambda ids: c.delete("c", points_selector=qm.PointIdsList(points=ids.tolist())), search


def _milvus(path, dim):
    from pymilvus import DataType, MilvusClient

    c = MilvusClient(str(path) + ".db")
    schema = c.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("doc", DataType.VARCHAR, max_length=256)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    ip = c.prepare_index_params()
    ip.add_index("vector", index_type="FLAT", metric_type="IP")
    c.create_collection("c", schema=schema, index_params=ip)

    def upsert(ids, x, payload):
        for a in range(0, len(ids), 1000):
            c.upsert("c", [{"id": int(i), "doc": d, "vector": v}
                           for i, d, v in zip(ids[a:a + 1000], payload["doc"][a:a + 1000], x[a:a + 1000])])

    def search(q, k, filters=None):
        f = "" if not filters else "doc in [" + ",".join(f'"{d}"' for d in filters["doc"]) + "]"
        hits = c.search("c", [q.tolist()], limit=k, filter=f, output_fields=["id"])[0]
        return np.array([h["id"] for h in hits]), np.array([h["distance"] for h in hits])

    return upsert, lambda ids: c.delete("c", ids=ids.tolist()), search


CANDIDATES = {"faiss (default)": ("faiss", _faiss), "lancedb": ("lancedb", _lancedb), "qdrant-local": ("qdrant_client", _qdrant),
              "milvus-lite": ("milvus_lite", _milvus)}


def candidates(sizes: list[int], only: list[str] | None = None) -> list[dict]:
    import importlib.util

    rows = []
    for name, (module, make) in CANDIDATES.items():
        if only and not any(name.startswith(o) for o in only):
            continue
        if importlib.util.find_spec(module) is None:
            rows.append({"db": name, "skipped": f"{module} is not installed"})
            continue
        for n in sizes:
            x, qs, docs, ids = _workload(n)
            allowed = [f"d{i:02d}" for i in range(5)]
            mask = np.isin(docs, allowed)
            tmp = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
            upsert, delete, search = make(tmp / "db", x.shape[1])
            row = {"db": name, "n": n, "loadavg": loadavg()}
            t = time.perf_counter()
            upsert(ids, x, {"doc": docs.tolist()})
            row["insert_s"] = round(time.perf_counter() - t, 2)
            rec, recf, lat, latf = [], [], [], []
            for q in qs:
                s = x @ q
                want, wantf = set(ids[np.argsort(-s)[:10]]), set(ids[np.argsort(-np.where(mask, s, -9))[:10]])
                t = time.perf_counter()
                got = set(search(q, 10)[0].tolist())
                lat.append(time.perf_counter() - t)
                t = time.perf_counter()
                gotf = set(search(q, 10, {"doc": allowed})[0].tolist())
                latf.append(time.perf_counter() - t)
                rec.append(len(got & want) / 10)
                recf.append(len(gotf & wantf) / 10)
            t = time.perf_counter()
            upsert(ids[:100], x[:100], {"doc": docs[:100].tolist()})
            row["upsert100_s"] = round(time.perf_counter() - t, 3)
            t = time.perf_counter()
            delete(ids[100:200])
            row["delete100_s"] = round(time.perf_counter() - t, 3)
            row.update(recall10=round(float(np.mean(rec)), 3), recall10_filtered=round(float(np.mean(recf)), 3),
                       search_ms_p50=_pct(lat, 50), filtered_ms_p50=_pct(latf, 50))
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
            shutil.rmtree(tmp, ignore_errors=True)
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", default=None, help="store URI to compare with faiss (default: a temporary lancedb:DIR)")
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    ap.add_argument("--index-dir", type=Path, default=None)
    ap.add_argument("--only", default=None, help="with --candidates: these databases only, e.g. faiss,lancedb")
    ap.add_argument("--model", type=Path, default=None, help="embedder folder (default: the project's e5)")
    ap.add_argument("--candidates", default=None, help="sizes, e.g. 2400,50000: compare the candidate databases")
    ap.add_argument("--native-hybrid", action="store_true",
                    help="also LanceDB's own hybrid (its BM25 over our terms + dense, RRF) against ours")
    ap.add_argument("--json", action="store_true", help="one JSON line")
    a = ap.parse_args(argv)
    if a.candidates:
        res = candidates([int(x) for x in a.candidates.split(",")], a.only.split(",") if a.only else None)
        print(json.dumps(res) if a.json else "\n".join(json.dumps(r) for r in res))
        return 0
    res = agreement(a)
    if a.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        for k, v in res.items():
            print(f"{k:34} {v}")
    ok = min(res["tuning_hybrid_overlap_mean"], res["dev_hybrid_overlap_mean"]) >= 0.9
    print(f"top-10 overlap with faiss {'≥' if ok else '<'} 0.9 on tuning and dev queries", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
