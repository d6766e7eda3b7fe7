"""Ingest → extract → embed as Ray Data pipelines, for corpora that outgrow one process.

Each report is its own block: a report whose reading or extraction raises becomes an
error line (as in the local engine), and one that kills its worker (a segfault, the
OOM killer) is retried once and then named while the others finish
(`DataContext.max_errored_blocks = -1` lets the dataset complete without it). The
work itself is the local engine's, called per report in the worker: the content-keyed
caches of rapport.app.cache (shared through RAPPORT_HOME) and the embedder's ONNX
network with the same length-bucketed batches, so the results, and the files written
from them, are the local engine's.

A local Ray is started from here with the machine's cores and a small object store
(OBJECT_STORE_MB) and stopped afterwards; `address` joins a running cluster instead
(the rapport package is shipped to it with `py_modules`; each node needs the model
built by `make setup` in its RAPPORT_HOME).
"""
from __future__ import annotations

import logging
import os
import pickle
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from . import EngineError

OBJECT_STORE_MB = 200
BATCHES_PER_TASK = 4  # embedding: 4 batches of up to 32 passages per task, ~ a second or two of work


@contextmanager
def session(address: str | None = None):
    """A Ray connection for the block: a local Ray started here (stopped after), or the cluster at `address`."""
    import ray

    if ray.is_initialized():  # a caller (a notebook, a test) already holds one
        _configure()
        yield
        return
    import rapport

    from .. import cache

    env = {"TOKENIZERS_PARALLELISM": "false", "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1",
           "OMP_WAIT_POLICY": "PASSIVE"}
    kw = dict(include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False, configure_logging=True)
    try:
        if address:
            ray.init(address=address, runtime_env={"py_modules": [str(Path(rapport.__file__).parent)],
                                                   "env_vars": env}, **kw)
        else:
            root = str(Path(rapport.__file__).resolve().parents[1])
            path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
            from rapport.models.onnx_backend import usable_cores

            ray.init(num_cpus=usable_cores(), object_store_memory=OBJECT_STORE_MB << 20,
                     runtime_env={"env_vars": {**env, "PYTHONPATH": path, "RAPPORT_HOME": str(cache.rapport_home())}},
                     **kw)
    except Exception as e:  # noqa: BLE001 - any failure to start or reach Ray is one line for the user
        where = f"--address {address}: cannot reach Ray" if address else "cannot start a local Ray"
        raise EngineError(f"{where} ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})") from None
    try:
        _configure()
        yield
    finally:
        ray.shutdown()


def _configure() -> None:
    import ray.data

    ctx = ray.data.DataContext.get_current()
    ctx.max_errored_blocks = -1  # a block (= one report) that fails for good is dropped; we name it
    ctx.enable_progress_bars = False  # ours carry the label; Ray's would interleave with them
    ctx.print_on_execution_start = False
    for name in ("ray.data", "ray"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


# ------------------------------------------------------------------ rows (run in the workers)
def _ingest_row(row: dict) -> dict:
    from .. import cache

    try:
        doc, error = cache.load_one(Path(row["file"]), pickle.loads(row["man"]))
    except Exception as e:  # noqa: BLE001 - one report's failure is its own line
        doc, error = None, f"{row['file']}: cannot read ({type(e).__name__}: {e})"
    return {"i": row["i"], "file": row["file"], "doc": pickle.dumps(doc) if doc is not None else b"",
            "error": error or ""}


def extract_one(doc):
    """The local engine's extraction of one report (facts cache included) → cache.Facts."""
    from .. import cache

    return cache.extract_documents([doc])


def _extract_row(row: dict, fn=extract_one) -> dict:
    facts = b""
    if row["doc"]:
        try:
            facts = pickle.dumps(fn(pickle.loads(row["doc"])))
        except Exception as e:  # noqa: BLE001
            row = {**row, "error": f"{Path(row['file']).name}: extraction failed ({type(e).__name__}: {e})"}
    return {**row, "facts": facts}


def _embed_row(row: dict, folder: str, backend: str, threads: int) -> dict:
    texts, batches = pickle.loads(row["texts"]), pickle.loads(row["batches"])
    vecs = [_encoder(folder, backend, threads)(texts[b[0]:b[1]]) for b in batches]
    return {"k": row["k"], "vecs": np.concatenate(vecs).astype(np.float32).tobytes()}


def _encoder(folder: str, backend: str, threads: int):
    """texts (prefixed) → vectors, on `backend`, without torch when the ONNX copy is there."""
    from rapport.models import onnx_backend as ob
    from rapport.models.embedder import check_folder, load_embedder

    if backend == "torch":
        emb = load_embedder(folder, verify=False, backend="torch")
        return lambda texts: emb.encode_torch(texts)
    stamp = check_folder(Path(folder), full_hash=False)
    variant = "int8" if backend == "onnx-int8" and ob.onnx_path(Path(folder), stamp, "int8").exists() else "fp32"
    enc = _open(folder, variant, threads)
    return lambda texts: enc.run_batch(ob.token_ids(enc.tokenizer, texts))


_ENCODERS: dict = {}  # per worker process: the loaded ONNX sessions (a model cache)


def _open(folder: str, variant: str, threads: int):
    from rapport.models import onnx_backend as ob
    from rapport.models.embedder import check_folder

    key = (folder, variant, threads)
    if key not in _ENCODERS:
        enc = ob.open_encoder(Path(folder), check_folder(Path(folder), full_hash=False), variant, threads=threads)
        if enc is None:
            raise RuntimeError(f"no {variant} ONNX copy of the model beside {folder}")
        _ENCODERS[key] = enc
    return _ENCODERS[key]


# ------------------------------------------------------------------ pipelines (run in the driver)
def _inputs(paths, manifest) -> tuple[list[dict], list[str]]:
    from .. import cache

    files, man, errors = cache.find_inputs(paths, manifest)
    rows = [{"i": i, "file": str(f), "man": pickle.dumps({f.name: man[f.name]} if f.name in man else {})}
            for i, f in enumerate(files)]
    return rows, errors


def _map(ds, fn, **kw):
    """ds.map retried once on a dead worker (Ray Data would retry forever); Ray 2.60 warns that
    passing max_retries this way will change, and offers no other way yet."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return ds.map(fn, max_retries=1, **kw)


def _collect(ds, rows: list[dict], show_progress: bool, label: str) -> dict[int, dict]:
    out: dict[int, dict] = {}
    it = ds.iter_rows()
    if show_progress:
        from tqdm import tqdm

        it = tqdm(it, total=len(rows), desc=label, unit="report")
    for r in it:
        out[r["i"]] = r
    return out


def _crashed(row: dict) -> str:
    return (f"{row['file']}: crashed a Ray worker twice while it was read or extracted; "
            "left out, the other reports finished")


def ingest(paths, manifest=None, show_progress: bool = False) -> tuple[list, list[str]]:
    """(documents, error lines) in the local engine's order, read by Ray workers."""
    import ray.data

    rows, errors = _inputs(paths, manifest)
    if not rows:
        return [], errors
    ds = _map(ray.data.from_items(rows, override_num_blocks=len(rows)), _ingest_row)
    got = _collect(ds, rows, show_progress, "reading reports (ray)")
    docs = []
    for row in rows:
        r = got.get(row["i"])
        if r is None:
            errors.append(_crashed(row))
        elif r["error"]:
            errors.append(r["error"])
        else:
            docs.append(pickle.loads(r["doc"]))
    return docs, errors


def extract_corpus(paths, manifest=None, show_progress: bool = False, address: str | None = None, fn=extract_one):
    """Read and extract every report on Ray → an app Corpus holding the documents and their facts.

    `fn(doc) -> cache.Facts` is the per-report work (the local engine's by default)."""
    import ray.data

    from .. import cache
    from ..corpus import Corpus

    with session(address):
        rows, errors = _inputs(paths, manifest)
        got = {}
        if rows:
            ds = _map(_map(ray.data.from_items(rows, override_num_blocks=len(rows)), _ingest_row),
                      _extract_row, fn_kwargs={"fn": fn})
            got = _collect(ds, rows, show_progress, "reading and extracting (ray)")
    docs, parts = [], []
    for row in rows:
        r = got.get(row["i"])
        if r is None:
            errors.append(_crashed(row))
            continue
        if r["error"] and not r["doc"]:
            errors.append(r["error"])
            continue
        docs.append(pickle.loads(r["doc"]))
        part = pickle.loads(r["facts"]) if r["facts"] else cache.Facts(errors=[r["error"]])
        parts.append(part)
    return Corpus.from_parts(paths, docs, errors, cache.merge_facts(parts), manifest=manifest)


class RayEmbedder:
    """Duck-types the Embedder for rapport.index.store.build_index: passages are embedded by Ray workers
    in the local engine's batches (same plan, same network, so the same vectors); identity and queries
    are the wrapped LazyEmbedder's."""

    def __init__(self, lazy, threads: int = 1):
        self.lazy, self.threads = lazy, threads
        self.name, self.weights_sha256, self.dim, self.path = lazy.name, lazy.weights_sha256, lazy.dim, lazy.path

    @property
    def fingerprint(self) -> str:
        return self.lazy.fingerprint

    def encode_queries(self, texts, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        return self.lazy.encode_queries(texts, batch_size=batch_size, show_progress=show_progress)

    def encode_passages(self, texts, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        import ray.data

        from rapport.models import onnx_backend as ob

        texts = ["passage: " + t for t in ([texts] if isinstance(texts, str) else texts)]
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        backend = self.lazy.backend
        if backend != "torch" and not ob.onnx_path(self.path, self.lazy._stamp).exists():
            self.lazy.real()  # exports the ONNX copies once, here, before any worker needs them
        tok = ob.load_tokenizer(self.path)
        plan = ob.BatchPlan() if backend != "torch" else ob.BatchPlan(max_batch=batch_size, max_tokens=1 << 30)
        batches = plan.batches([len(x) for x in ob.token_ids(tok, texts)])
        order = np.concatenate(batches)
        sorted_texts = [texts[i] for i in order]
        bounds, start = [], 0
        for b in batches:
            bounds.append((start, start + len(b)))
            start += len(b)
        rows = []
        for k in range(0, len(bounds), BATCHES_PER_TASK):
            group = bounds[k:k + BATCHES_PER_TASK]
            lo = group[0][0]
            rows.append({"k": k, "lo": lo, "texts": pickle.dumps(sorted_texts[lo:group[-1][1]]),
                         "batches": pickle.dumps([(a - lo, b - lo) for a, b in group])})
        ds = ray.data.from_items(rows, override_num_blocks=len(rows)).map(
            _embed_row, fn_kwargs={"folder": str(self.path), "backend": backend, "threads": self.threads})
        out_sorted = np.zeros((len(texts), self.dim), np.float32)
        lo_of = {r["k"]: r["lo"] for r in rows}
        it = ds.iter_rows()
        if show_progress:
            from tqdm import tqdm

            it = tqdm(it, total=len(rows), desc="embedding (ray)", unit="task")
        done = set()
        for r in it:
            v = np.frombuffer(r["vecs"], dtype=np.float32).reshape(-1, self.dim)
            out_sorted[lo_of[r["k"]]:lo_of[r["k"]] + len(v)] = v
            done.add(r["k"])
        if len(done) != len(rows):  # never an index with holes in it: nothing is written
            raise EngineError(f"embedding on Ray: {len(rows) - len(done)} of {len(rows)} tasks failed "
                              "(a worker died); the index was left as it was")
        out = np.zeros_like(out_sorted)
        out[order] = out_sorted
        return out
