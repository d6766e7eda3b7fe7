"""Put a Searcher's dense views behind a vector store, keeping everything else (BM25, fusion, filters).

    s = build_or_load_index(docs, root, embedder)          # the index generation, as always
    attach_store(s, "lancedb:./vectors", name="mycorpus")  # dense search now goes to LanceDB

The index generation stays the source of truth (passages, BM25, the vectors
it embedded once); the store holds a copy of each dense view keyed by passage
id. `sync_store` writes only the passages the store lacks and deletes the ones
the generation no longer has, then tags the result with the generation's
content tag. A Searcher reads that tagged snapshot, so an update cut short (the
database went down) is never seen, and running the same command again finishes
it: the ids are content keys, so rewriting them is harmless.
"""
from __future__ import annotations

import hashlib
import re
from typing import Callable

import numpy as np
import pandas as pd

from rapport.index.stores.base import (StoreError, StoreURI, VectorStore, parse_store_uri, passage_ids,
                                       payload_frame)

UPSERT_BATCH = 5_000


def open_store(uri: str | StoreURI, table: str, dim: int) -> VectorStore:
    """One table/collection of the store at `uri` (not for faiss: the Searcher reads its own index)."""
    u = parse_store_uri(uri) if isinstance(uri, str) else uri
    if u.scheme == "lancedb":
        from rapport.index.stores.lancedb import LanceStore

        return LanceStore(u.location, table, dim)
    if u.scheme == "faiss":
        from rapport.index.stores.faiss import FaissStore

        return FaissStore(dim, str(u))
    raise ValueError(f"store {u}: no backend")


def table_name(name: str, fingerprint: str, view: str) -> str:
    """`<name>_<model>_<view>`: one table per corpus, model and view (a new model never mixes vectors)."""
    clean = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:40] or "rapport"
    return f"{clean}_{hashlib.sha1(fingerprint.encode()).hexdigest()[:8]}_{view}"


def content_tag(ids: np.ndarray, fingerprint: str, view: str) -> str:
    """The generation's tag in a store: a hash of the model, the view and every passage id (in order)."""
    h = hashlib.sha1(f"{fingerprint}|{view}|".encode())
    h.update(np.ascontiguousarray(ids, np.int64).tobytes())
    return "g" + h.hexdigest()[:20]


def sync_store(store: VectorStore, ids: np.ndarray, vectors: np.ndarray, payload: dict[str, list], tag: str,
               say: Callable[[str], None] | None = None) -> dict:
    """Bring `store` to exactly these rows and tag it; returns what was written.

    Idempotent: a first call that failed halfway leaves rows a second call skips.
    """
    if store.at(tag):
        return {"upserted": 0, "deleted": 0, "reused": True}
    have = store.ids()
    new = np.flatnonzero(~np.isin(ids, have))
    stale = have[~np.isin(have, ids)]
    if say and (len(new) or len(stale)):
        say(f"store {store.uri}: writing {len(new)} passage(s), removing {len(stale)}")
    for a in range(0, len(new), UPSERT_BATCH):
        rows = new[a:a + UPSERT_BATCH]
        store.upsert(ids[rows], vectors[rows], {c: [v[i] for i in rows] for c, v in payload.items()})
    store.delete(stale)
    store.commit(tag)
    if not store.at(tag):
        raise StoreError(f"store {store.uri}: the update was written but its tag {tag} cannot be read back")
    return {"upserted": int(len(new)), "deleted": int(len(stale)), "reused": False}


class StoreView:
    """A dense view served by a store, with DenseIndex's `search(q, k, mask)` over passage rows.

    A row mask that selects whole reports (region, report, kind and period filters)
    goes to the store as a `doc` filter on the payload; any other mask (a section
    filter) as the list of allowed passage ids.
    """

    def __init__(self, store: VectorStore, ids: np.ndarray, passages: pd.DataFrame):
        self.store = store
        self.ids = ids
        order = np.argsort(ids)
        self._sorted, self._rows = ids[order], order
        docs = passages["doc"].astype(str)
        self._doc_names, self._doc_code = np.unique(docs.to_numpy(), return_inverse=True)
        self._doc_total = np.bincount(self._doc_code, minlength=len(self._doc_names))

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def kind(self) -> str:
        return type(self.store).__name__

    def filters_for(self, mask: np.ndarray | None) -> dict | None:
        if mask is None:
            return None
        picked = np.bincount(self._doc_code[mask], minlength=len(self._doc_names))
        if np.all((picked == 0) | (picked == self._doc_total)):
            return {"doc": self._doc_names[picked > 0].tolist()}
        return {"id": self.ids[mask].tolist()}

    def search(self, q: np.ndarray, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        if self.n == 0 or k <= 0 or (mask is not None and not mask.any()):
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        ids, scores = self.store.search(q, min(k, self.n), self.filters_for(mask))
        pos = np.searchsorted(self._sorted, ids)
        known = (pos < len(self._sorted)) & (self._sorted[np.minimum(pos, len(self._sorted) - 1)] == ids)
        return self._rows[pos[known]].astype(np.int64), scores[known].astype(np.float32)


def attach_store(searcher, uri: str | StoreURI | None, name: str, say: Callable[[str], None] | None = None):
    """Serve `searcher`'s dense views from the store at `uri` (synced first); faiss or None: unchanged.

    name: what the corpus is called in the store (one table per corpus, model and view).
    Raises StoreError (one line naming the store) when the store is down or refuses a write.
    """
    u = parse_store_uri(uri) if not isinstance(uri, StoreURI) else uri
    if u.scheme == "faiss":
        return searcher
    fp = searcher.manifest["model"]["fingerprint"]
    ids = passage_ids(searcher.passages)
    payload = payload_frame(searcher.passages)
    views = {}
    for view, dense in searcher.views.items():
        store = open_store(u, table_name(name, fp, view), dense.vectors.shape[1])
        sync_store(store, ids, dense.vectors, payload, content_tag(ids, fp, view), say)
        views[view] = StoreView(store, ids, searcher.passages)
    searcher.views = views
    searcher.store_uri = str(u)
    return searcher
