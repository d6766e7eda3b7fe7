"""The index folder on disk: build, reuse, update incrementally, rebuild when stale.

    INDEX_DIR/
      manifest.json      schema_version, model name+hash, analyzer, passage settings,
                         per-report fingerprints (file sha256 + passages sha256), counts
      passages.parquet   one row per passage (doc, region, kind, period, section, page,
                         start, end, text, source, search_text)
      embeddings.npy     float32 (n, dim), row-aligned with passages.parquet: the
                         "context" view (section path + text, what BM25 reads too)
      faiss.index        IndexFlatIP, or IVF past dense.EXACT_LIMIT
      embeddings_text.npy, faiss_text.index
                         the "text" view (the passage alone), when configured
      bm25/              bm25s files

A new or changed index is written to a temporary sibling folder and renamed
into place, so a reader never sees half an index. Reports whose passages are
unchanged keep their vectors; only new or changed passages are embedded (the
expensive part). BM25 and faiss are rebuilt from scratch every time: both take
well under a second at this scale.
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from rapport.index.analyze import Analyzer
from rapport.index.bm25 import BM25Index
from rapport.index.dense import DenseIndex, view_files
from rapport.index.passages import document_passages
from rapport.index.records import Passage
from rapport.models.folders import replacing

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
PASSAGE_COLUMNS = ["doc", "region", "kind", "period", "section", "page", "start", "end", "text", "source",
                   "search_text"]

logger = logging.getLogger("rapport.index")


class IndexStoreError(RuntimeError):
    """An index folder that cannot be used (missing, foreign model, other schema)."""


@dataclass(frozen=True, slots=True)
class PassageConfig:
    """How documents are cut into passages; part of the manifest (a change means re-embedding)."""

    window: int = 3
    stride: int = 1
    context: str = "path"  # section context in front of the text the retrievers see: path | heading | none
    tables: bool = True
    compounds: bool = True
    # dense views embedded per passage: "context" (search_text) and/or "text" (the passage alone)
    dense_views: tuple[str, ...] = ("context", "text")

    def signature(self) -> dict:
        return json.loads(json.dumps(asdict(self)))  # tuples as lists, as the manifest reads back


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
    rows = [[p.doc, p.region, p.kind, p.period, p.section, p.page, p.start, p.end, p.source, p.search_text] for p in ps]
    return _sha256_bytes(json.dumps(rows, ensure_ascii=False).encode("utf-8"))


def _text_key(search_text: str) -> str:
    return hashlib.sha1(search_text.encode("utf-8")).hexdigest()


def read_manifest(index_dir: Path) -> dict | None:
    try:
        return json.loads((Path(index_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def stale_reason(manifest: dict | None, embedder, config: PassageConfig) -> str | None:
    """Why an existing index cannot be updated in place (None when it can)."""
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


def view_texts(df: pd.DataFrame, view: str) -> list[str]:
    """What the embedder sees for each passage in one dense view.

    Old vectors are found again by hashing these texts, so changing what a view
    embeds must come with a SCHEMA_VERSION bump (which discards them).
    """
    if view == "context":
        return df["search_text"].tolist()
    if view == "text":
        return [" ".join(t.split()) for t in df["text"]]
    raise ValueError(f"unknown dense view {view!r}; use 'context' or 'text'")


def _old_vectors(index_dir: Path, manifest: dict) -> dict[str, np.ndarray]:
    """Vectors of an existing index keyed by the exact text the model saw (any view)."""
    cache: dict[str, np.ndarray] = {}
    try:
        old_df = pd.read_parquet(index_dir / "passages.parquet")
        for view in manifest.get("passages_config", {}).get("dense_views", ["context"]):
            vecs = np.load(index_dir / view_files(view)[0])
            if len(vecs) == len(old_df):
                cache.update({_text_key(t): vecs[i] for i, t in enumerate(view_texts(old_df, view))})
    except (OSError, ValueError, KeyError):
        pass
    return cache


def build_index(documents, index_dir: str | Path, embedder, *, config: PassageConfig | None = None,
                show_progress: bool = False, log: Callable[[str], None] | None = None,
                batch_size: int = 32) -> dict:
    """Bring `index_dir` up to date for `documents`; return its manifest.

    Reuses the folder untouched when nothing changed, re-embeds only new or
    changed passages when reports were added/changed/removed, and rebuilds from
    scratch (saying why through `log`) when the model, schema or settings changed.
    """
    index_dir = Path(index_dir)
    config = config or PassageConfig()
    # rebuild reasons are warnings (Python prints those to stderr even without logging set up)
    say = log or logger.info
    warn = log or logger.warning
    t0 = time.perf_counter()
    per_doc = {}
    for d in documents:
        ps = document_passages(d, window=config.window, stride=config.stride, context=config.context,
                               tables=config.tables)
        per_doc[d.name] = (d, ps, _passages_sha256(ps))
    manifest = read_manifest(index_dir)
    reason = stale_reason(manifest, embedder, config)
    old_docs = manifest.get("documents", {}) if manifest and reason is None else {}
    new_docs = {name: sha for name, (_, _, sha) in per_doc.items()}
    if reason is None and {k: v["passages_sha256"] for k, v in old_docs.items()} == new_docs:
        return manifest
    if reason is not None and manifest is not None:
        warn(f"rebuilding index {index_dir}: {reason}")
    added = sorted(set(new_docs) - set(old_docs))
    removed = sorted(set(old_docs) - set(new_docs))
    changed = sorted(n for n in set(new_docs) & set(old_docs) if old_docs[n]["passages_sha256"] != new_docs[n])

    passages = [p for name in sorted(per_doc) for p in per_doc[name][1]]
    df = _frame(passages)
    # vectors we already have, keyed by the exact text the model saw
    cache: dict[str, np.ndarray] = {}
    if manifest and manifest.get("model", {}).get("fingerprint") == embedder.fingerprint \
            and manifest.get("schema_version") == SCHEMA_VERSION:
        cache = _old_vectors(index_dir, manifest)
    texts = {view: view_texts(df, view) for view in config.dense_views}
    todo = list(dict.fromkeys(t for ts in texts.values() for t in ts if _text_key(t) not in cache))
    if manifest is not None and reason is None:
        say(f"updating index {index_dir}: {len(added)} added, {len(changed)} changed, {len(removed)} removed "
            f"report(s); embedding {len(todo)} texts for {len(df)} passages")
    elif todo:
        say(f"building index {index_dir}: {len(per_doc)} report(s), embedding {len(todo)} texts "
            f"({len(df)} passages, views {', '.join(config.dense_views)})")
    t_embed = time.perf_counter()
    if todo:
        fresh = embedder.encode_passages(todo, batch_size=batch_size, show_progress=show_progress)
        cache.update({_text_key(t): fresh[i] for i, t in enumerate(todo)})
    t_embed = time.perf_counter() - t_embed
    denses = {}
    for view, ts in texts.items():
        vecs = np.zeros((len(df), embedder.dim), dtype=np.float32)
        for i, t in enumerate(ts):
            vecs[i] = cache[_text_key(t)]
        denses[view] = DenseIndex(vecs)
    analyzer = Analyzer(compounds=config.compounds)
    bm25 = BM25Index(analyzer).fit([analyzer(t) for t in df["search_text"]])
    new_manifest = {
        "schema_version": SCHEMA_VERSION,
        "model": {"name": embedder.name, "fingerprint": embedder.fingerprint,
                  "weights_sha256": embedder.weights_sha256, "dim": embedder.dim},
        "analyzer": analyzer.signature,
        "passages_config": config.signature(),
        "faiss": next(iter(denses.values())).kind,
        "counts": {"documents": len(per_doc), "passages": len(df),
                   "table_passages": int((df["source"] == "table").sum()) if len(df) else 0},
        "documents": {name: {"file_sha256": _file_sha256(getattr(d, "path", None)), "passages_sha256": sha,
                             "passages": len(ps), "region": d.meta.region, "kind": d.meta.kind,
                             "period": d.meta.period}
                      for name, (d, ps, sha) in sorted(per_doc.items())},
        "build": {"seconds": None, "embed_seconds": round(t_embed, 2), "embedded": len(todo),
                  "reused": sum(map(len, texts.values())) - len(todo)},
    }

    with replacing(index_dir) as tmp:
        df.to_parquet(tmp / "passages.parquet", index=False)
        for view, dense in denses.items():
            dense.save(tmp, view)
        bm25.save(tmp / "bm25")
        new_manifest["build"]["seconds"] = round(time.perf_counter() - t0, 2)
        (tmp / MANIFEST).write_text(json.dumps(new_manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return new_manifest


def load_parts(index_dir: str | Path) -> tuple[dict, pd.DataFrame, BM25Index, dict[str, DenseIndex]]:
    """Read an index folder written by build_index."""
    index_dir = Path(index_dir)
    manifest = read_manifest(index_dir)
    if manifest is None:
        raise IndexStoreError(f"no index at {index_dir} (build it with build_or_load_index / `rapport search`)")
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise IndexStoreError(f"index at {index_dir} has schema {manifest.get('schema_version')}, "
                          f"this version reads {SCHEMA_VERSION}: rebuild it")
    df = pd.read_parquet(index_dir / "passages.parquet")
    analyzer = Analyzer(compounds=manifest["passages_config"].get("compounds", True))
    bm25 = BM25Index.load(index_dir / "bm25", analyzer)
    views = manifest["passages_config"].get("dense_views", ["context"])
    return manifest, df, bm25, {view: DenseIndex.load(index_dir, view) for view in views}
