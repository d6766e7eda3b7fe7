"""The search index on disk: keyed by content, built once per content, checked on every open.

An index is identified by what it was made from, never by where the reports
sit: its key hashes the schema, the model fingerprint, the analyzer and passage
settings, and every report's passages (which cover the file's content, its name
and its region/kind/period). A copied or moved corpus has the same key and
opens the existing index; an edited, added or removed report gives a new key,
and only passages never embedded before are embedded (vectors are cached by
the exact text in `ROOT/vectors`, a models.vectors.VectorCache per model).

Each key is one immutable generation folder under ROOT (layout, atomic swap,
locks and cleanup: rapport.index.generations):

    ROOT/gens/<key>/
      manifest.json      schema_version, key, model name+hash, analyzer, passage settings,
                         per-report fingerprints (file sha256 + passages sha256), counts,
                         size + sha256 of every other file, and a checksum of itself
      passages.parquet   one row per passage (doc, region, kind, period, section, page,
                         start, end, text, source, search_text)
      embeddings.npy     float32 (n, dim), row-aligned with passages.parquet: the
                         "context" view (section path + text, what BM25 reads too;
                         derived from the text and path vectors by default, index/views.py)
      faiss.index        IndexFlatIP, or IVF past dense.EXACT_LIMIT
      embeddings_text.npy, faiss_text.index   the "text" view (the passage alone)
      bm25/              bm25s files
      terms.parquet      each passage's BM25 terms (index/terms.py), reused by the next generation

faiss and the bm25s matrix are rebuilt for every new generation (seconds even at
5,000 documents); the analysed terms of unchanged reports and their vectors are
reused, so an update analyses and embeds only what changed.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from rapport.index.analyze import Analyzer
from rapport.index.bm25 import BM25Index
from rapport.index.dense import DenseIndex, view_files
from rapport.index.generations import (GENS, IndexDamaged, IndexStoreError, check_generation, collect_garbage,
                                       key_lock, new_generation, read_current, resolve, set_current, touch,
                                       write_manifest)
from rapport.index.generations import read_manifest as _read_generation_manifest
from rapport.index.passages import document_passages
from rapport.index.records import Passage
from rapport.index.terms import previous_terms, report_terms, write_terms
from rapport.index.views import plan_views, view_texts

SCHEMA_VERSION = 2
PASSAGE_COLUMNS = ["doc", "region", "kind", "period", "section", "page", "start", "end", "text", "source",
                   "search_text"]
VERIFY_ENV = "RAPPORT_VERIFY_INDEX"  # "1": hash every file on every open (the CLI's --verify)

logger = logging.getLogger("rapport.index")

__all__ = ["SCHEMA_VERSION", "IndexStoreError", "IndexDamaged", "PassageConfig", "index_key", "build_index",
           "load_parts", "read_manifest", "generation_dir", "resolve", "view_texts"]


@dataclass(frozen=True, slots=True)
class PassageConfig:
    """How documents are cut into passages; part of the key (a change means another index)."""

    window: int = 3
    stride: int = 1
    context: str = "path"  # section context in front of the text the retrievers see: path | heading | none
    tables: bool = True
    compounds: bool = True
    # dense views embedded per passage: "context" (search_text) and/or "text" (the passage alone)
    dense_views: tuple[str, ...] = ("context", "text")
    # "derived": the context vector composed from the passage's and its prefix's (index/views.py); "embedded": its own
    context_vectors: str = "derived"
    context_alpha: float = 0.5  # v_context = normalize(v_text + alpha * v_prefix), chosen on the tuning queries

    def signature(self) -> dict:
        return json.loads(json.dumps(asdict(self)))  # tuples as lists, as the manifest reads back


def _verify_default() -> bool:
    return os.environ.get(VERIFY_ENV, "").strip().lower() in ("1", "true", "yes")


def _file_sha256(path: str | None) -> str | None:
    try:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            while b := f.read(1 << 20):
                h.update(b)
        return h.hexdigest()
    except (OSError, TypeError):
        return None


def _passages_sha256(ps: list[Passage]) -> str:
    rows = [[p.doc, p.region, p.kind, p.period, p.section, p.page, p.start, p.end, p.source, p.text, p.search_text]
            for p in ps]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


def _cut(documents, config: PassageConfig) -> dict:
    """{report name: (document, passages, passages sha256)}."""
    per_doc = {}
    for d in documents:
        ps = document_passages(d, window=config.window, stride=config.stride, context=config.context,
                               tables=config.tables)
        per_doc[d.name] = (d, ps, _passages_sha256(ps))
    return per_doc


def _key(per_doc: dict, embedder, config: PassageConfig) -> str:
    body = {"schema": SCHEMA_VERSION, "model": embedder.fingerprint,
            "analyzer": Analyzer(compounds=config.compounds).signature, "passages": config.signature(),
            "reports": sorted([name, sha] for name, (_, _, sha) in per_doc.items())}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


def index_key(documents, embedder, config: PassageConfig | None = None) -> str:
    """The content key of the index these documents make with this model and these settings."""
    config = config or PassageConfig()
    return _key(_cut(documents, config), embedder, config)


def generation_dir(root: str | Path, manifest: dict) -> Path:
    return Path(root) / GENS / manifest["key"]


def read_manifest(path: str | Path) -> dict | None:
    """The manifest of the generation `path` names (ROOT → CURRENT's), or None when there is none."""
    try:
        return _read_generation_manifest(resolve(Path(path)))
    except IndexStoreError:
        return None


def stale_reason(manifest: dict | None, embedder, config: PassageConfig) -> str | None:
    """Why the previous generation's vectors and passages are no base for an update (None when they are)."""
    if manifest is None:
        return "no index yet"
    if manifest.get("schema_version") != SCHEMA_VERSION:
        return f"index schema {manifest.get('schema_version')} is not the current {SCHEMA_VERSION}"
    model = manifest.get("model", {})
    if model.get("fingerprint") != embedder.fingerprint:
        return f"index was built with model {model.get('fingerprint')}, now {embedder.fingerprint}"
    if manifest.get("analyzer") != Analyzer(compounds=config.compounds).signature:
        return f"index analyzer {manifest.get('analyzer')} differs from {Analyzer(compounds=config.compounds).signature}"
    if manifest.get("passages_config") != config.signature():
        return "passage settings changed"
    return None


def _frame(ps: list[Passage]) -> pd.DataFrame:
    df = pd.DataFrame([p.to_dict() for p in ps], columns=PASSAGE_COLUMNS)
    df["page"] = df["page"].astype("Int64")
    df["start"] = df["start"].astype("int64")
    df["end"] = df["end"].astype("int64")
    return df


def _vector_cache(root: Path, embedder, warn):
    from rapport.models.vectors import VectorCache

    try:
        return VectorCache(embedder.fingerprint, embedder.dim, root=root / "vectors")
    except (OSError, sqlite3.Error) as e:
        warn(f"vector cache under {root / 'vectors'} unusable ({e}); embedding without it")
        return None


def _embed(texts: list[str], root: Path, embedder, batch_size: int, show_progress: bool, say, warn,
           describe: Callable[[int], str]) -> tuple[np.ndarray, int]:
    """((n, dim) vectors, how many were embedded) for unique `texts`: cached ones read back, the rest embedded."""
    from rapport.models.vectors import encode_cached, text_key

    cache = _vector_cache(root, embedder, warn)
    try:
        known = cache.get_many([text_key("passage", t) for t in texts]) if cache else {}
    except sqlite3.Error as e:
        warn(f"vector cache {cache.path} unreadable ({e}); embedding without it")
        cache, known = None, {}
    todo = sum(text_key("passage", t) not in known for t in texts)
    say(describe(todo))
    bar = None
    if show_progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=todo, desc="embedding passages", unit="text")

    def progress(done, total):
        if bar is not None:
            bar.update(done - bar.n)

    def encode(batch):
        return embedder.encode_passages(batch, batch_size=batch_size)

    try:
        vecs = encode_cached(texts, "passage", encode, cache, on_progress=progress)
    except sqlite3.Error as e:
        warn(f"vector cache failed ({e}); embedding without it")
        vecs = encode_cached(texts, "passage", encode, None)
    finally:
        if bar is not None:
            bar.close()
        if cache is not None:
            cache.close()
    return vecs.reshape(len(texts), embedder.dim), todo


def build_index(documents, index_dir: str | Path, embedder, *, config: PassageConfig | None = None,
                show_progress: bool = False, log: Callable[[str], None] | None = None,
                batch_size: int = 32, verify: bool | None = None, extra_writer=None) -> dict:
    """Make sure ROOT=`index_dir` holds a sound generation for `documents`, point CURRENT at it; return its manifest.

    An existing generation with the same content key is reused after checking it
    (sizes; hashes when `verify`, $RAPPORT_VERIFY_INDEX=1, or files not hashed
    before). A damaged one is rebuilt, saying why through `log`. A new one embeds
    only texts the vector cache does not hold. `extra_writer(folder, passages,
    {view: vectors})` may add files to a new generation before it is committed
    (a storage backend); they are hashed and checked like the rest.
    """
    root = Path(index_dir)
    config = config or PassageConfig()
    verify = _verify_default() if verify is None else verify
    # rebuild reasons are warnings (Python prints those to stderr even without logging set up)
    say = log or logger.info
    warn = log or logger.warning
    t0 = time.perf_counter()
    per_doc = _cut(documents, config)
    key = _key(per_doc, embedder, config)
    gdir = root / GENS / key
    with ExitStack() as stack:
        try:
            root.mkdir(parents=True, exist_ok=True)
            stack.enter_context(key_lock(root, key, log=say))
        except OSError as e:
            # a folder we may read but not write (a shared, read-only index): a sound generation is used as it is
            if not gdir.is_dir():
                raise IndexStoreError(f"cannot write index {root} ({e.strerror or e})") from None
            return check_generation(gdir, verify=verify)
        manifest = None
        if gdir.exists():
            try:
                manifest = check_generation(gdir, verify=verify)
            except IndexStoreError as e:
                warn(f"rebuilding {e}")  # "index ROOT/gens/KEY: what is wrong"
        try:
            if manifest is None:
                manifest = _write_generation(root, key, per_doc, embedder, config, show_progress, say, warn,
                                             batch_size, extra_writer, t0)
            set_current(root, key)
        except OSError as e:
            raise IndexStoreError(f"cannot write index {root} ({e.strerror or e}); the previous one is kept") from e
        touch(gdir)
    collect_garbage(root, keep_keys={key})
    return manifest


def _previous(root: Path, embedder, config: PassageConfig) -> tuple[dict | None, str | None]:
    prev_key = read_current(root)
    prev = _read_generation_manifest(root / GENS / prev_key) if prev_key else None
    if prev is None and (root / "manifest.json").exists():
        return None, "older index layout"
    return prev, (stale_reason(prev, embedder, config) if prev is not None else None)


def _write_generation(root: Path, key: str, per_doc: dict, embedder, config: PassageConfig, show_progress: bool,
                      say, warn, batch_size: int, extra_writer, t0: float) -> dict:
    prev, reason = _previous(root, embedder, config)
    if reason is not None:
        warn(f"rebuilding index {root}: {reason}")
    new_docs = {name: sha for name, (_, _, sha) in per_doc.items()}
    passages = [p for name in sorted(per_doc) for p in per_doc[name][1]]
    df = _frame(passages)
    plan = plan_views(df, config)
    uniq = plan.texts

    def describe(todo: int) -> str:
        if prev is not None and reason is None:
            old = {k: v.get("passages_sha256") for k, v in prev.get("documents", {}).items()}
            added, removed = set(new_docs) - set(old), set(old) - set(new_docs)
            changed = {n for n in set(new_docs) & set(old) if old[n] != new_docs[n]}
            return (f"updating index {root}: {len(added)} added, {len(changed)} changed, {len(removed)} removed "
                    f"report(s); embedding {todo} texts for {len(df)} passages")
        return (f"building index {root}: {len(per_doc)} report(s), embedding {todo} texts "
                f"({len(df)} passages, views {', '.join(config.dense_views)}{' (context derived)' if plan.derived else ''})")

    t_embed = time.perf_counter()
    vecs, embedded = _embed(uniq, root, embedder, batch_size, show_progress, say, warn, describe)
    t_embed = time.perf_counter() - t_embed
    view_vecs = plan.assemble(vecs, embedder.dim)
    denses = {view: DenseIndex(v) for view, v in view_vecs.items()}
    analyzer = Analyzer(compounds=config.compounds)
    reuse = previous_terms(root / prev["generation"] if prev and reason is None and prev.get("generation") else None,
                           prev, analyzer.signature)
    terms, term_shas, analysed = report_terms(per_doc, analyzer, reuse)
    bm25 = BM25Index(analyzer).fit(terms)
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "key": key,
        "generation": f"{GENS}/{key}",
        "model": {"name": embedder.name, "fingerprint": embedder.fingerprint,
                  "weights_sha256": embedder.weights_sha256, "dim": embedder.dim},
        "analyzer": analyzer.signature,
        "passages_config": config.signature(),
        "faiss": next(iter(denses.values())).kind,
        "counts": {"documents": len(per_doc), "passages": len(df),
                   "table_passages": int((df["source"] == "table").sum()) if len(df) else 0},
        "documents": {name: {"file_sha256": getattr(d, "sha256", None) or _file_sha256(getattr(d, "path", None)),
                             "passages_sha256": sha, "passages": len(ps), "region": d.meta.region,
                             "kind": d.meta.kind, "period": d.meta.period}
                      for name, (d, ps, sha) in sorted(per_doc.items())},
        "build": {"seconds": None, "embed_seconds": round(t_embed, 2), "texts": len(uniq), "embedded": embedded,
                  "analysed": analysed},
    }
    with new_generation(root, key) as tmp:
        df.to_parquet(tmp / "passages.parquet", index=False)
        for view, dense in denses.items():
            dense.save(tmp, view)
        bm25.save(tmp / "bm25")
        write_terms(tmp, terms, term_shas)
        if extra_writer is not None:
            extra_writer(tmp, df, view_vecs)
        manifest["build"]["seconds"] = round(time.perf_counter() - t0, 2)
        manifest = write_manifest(tmp, manifest)
    return manifest


def _load(gdir: Path, verify: bool, dense: bool = True):
    manifest = check_generation(gdir, verify=verify)
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise IndexStoreError(f"index at {gdir} has schema {manifest.get('schema_version')}, "
                              f"this version reads {SCHEMA_VERSION}: rebuild it")
    part = "passages.parquet"
    try:
        df = pd.read_parquet(gdir / part)
        part = "bm25"
        analyzer = Analyzer(compounds=manifest["passages_config"].get("compounds", True))
        bm25 = BM25Index.load(gdir / "bm25", analyzer)
        views = {}
        for view in manifest["passages_config"].get("dense_views", ["context"]) if dense else ():
            part = "/".join(view_files(view))
            views[view] = DenseIndex.load(gdir, view)
    except Exception as e:  # noqa: BLE001 - any reader's failure on these files means they are damaged
        raise IndexDamaged(f"index {gdir}: {part} cannot be read ({type(e).__name__}: "
                           f"{' '.join(str(e).split())[:160]})") from None
    n = manifest["counts"]["passages"]
    sizes = {"passages.parquet": len(df)} | {view_files(v)[0]: d.n for v, d in views.items()} \
        | {view_files(v)[1]: d.index.ntotal for v, d in views.items()}
    for name, got in sizes.items():
        if got != n:
            raise IndexDamaged(f"index {gdir}: {name} has {got} rows, the manifest says {n}")
    return manifest, df, bm25, views


def load_parts(index_dir: str | Path, verify: bool | None = None, *, dense: bool = True) \
        -> tuple[dict, pd.DataFrame, BM25Index, dict[str, DenseIndex]]:
    """Read one generation: `index_dir` is ROOT (CURRENT's generation) or a generation folder.

    dense=False leaves the vectors and faiss files unread (still size/hash-checked),
    for a searcher whose dense views live in a database backend.

    Raises IndexStoreError (no index, other schema) or IndexDamaged (a file is not
    what the manifest lists), each with a one-line message.
    """
    verify = _verify_default() if verify is None else verify
    path = Path(index_dir)
    for attempt in range(3):
        gdir = resolve(path)
        try:
            return _load(gdir, verify, dense)
        except IndexDamaged:
            # cleanup may have removed a generation CURRENT no longer names: read the pointer again
            if attempt == 2 or gdir.exists() or resolve(path) == gdir:
                raise
    raise AssertionError("unreachable")
