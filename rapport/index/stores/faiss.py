"""The default store: rapport's own faiss index (index.dense.DenseIndex), behind the store protocol.

The index folder already holds the vectors (written whole, per generation, by
index.store), so the Searcher reads faiss directly and this wrapper stays
thin: it exists so that the same protocol (and the same tests and bench) can
run against faiss and a database alike. Writes rebuild the in-memory faiss
index; persistence is index.store's job.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from rapport.index.dense import DenseIndex
from rapport.index.stores.base import PAYLOAD, VectorStore, check_filters


class FaissStore(VectorStore):
    def __init__(self, dim: int, uri: str = "faiss:"):
        self.uri = uri
        self.dim = dim
        self._ids = np.zeros(0, np.int64)
        self._payload = pd.DataFrame(columns=list(PAYLOAD))
        self._dense = DenseIndex(np.zeros((0, dim), np.float32))
        self._tags: dict[str, tuple] = {}

    @classmethod
    def from_dense(cls, dense: DenseIndex, ids: np.ndarray, payload: pd.DataFrame, uri: str = "faiss:") -> "FaissStore":
        """Wrap an already built DenseIndex (row i = ids[i]) without copying or re-indexing."""
        self = cls(dense.vectors.shape[1], uri)
        self._ids, self._dense = np.asarray(ids, np.int64), dense
        self._payload = payload[list(PAYLOAD)].reset_index(drop=True)
        return self

    def _set(self, ids: np.ndarray, vectors: np.ndarray, payload: pd.DataFrame) -> None:
        self._ids, self._payload, self._dense = ids, payload.reset_index(drop=True), DenseIndex(vectors)

    def upsert(self, ids, vectors, payload: Mapping[str, Sequence] | None = None) -> None:
        ids = np.asarray(ids, np.int64)
        keep = ~np.isin(self._ids, ids)
        new_payload = pd.DataFrame({c: list((payload or {}).get(c, [None] * len(ids))) for c in PAYLOAD})
        self._set(np.concatenate([self._ids[keep], ids]),
                  np.concatenate([self._dense.vectors[keep], np.asarray(vectors, np.float32).reshape(len(ids), -1)]),
                  pd.concat([self._payload[keep], new_payload], ignore_index=True))

    def delete(self, ids) -> None:
        keep = ~np.isin(self._ids, np.asarray(ids, np.int64))
        if not keep.all():
            self._set(self._ids[keep], self._dense.vectors[keep], self._payload[keep])

    def _mask(self, filters: dict[str, list]) -> np.ndarray | None:
        if not filters:
            return None
        m = np.ones(len(self._ids), bool)
        for field, allowed in filters.items():
            col = self._ids if field == "id" else self._payload[field].to_numpy(dtype=object)
            m &= np.isin(col, np.asarray(allowed, dtype=col.dtype))
        return m

    def search(self, vector, k, filters=None):
        rows, scores = self._dense.search(np.asarray(vector, np.float32), k, self._mask(check_filters(filters)))
        return self._ids[rows], scores

    def ids(self) -> np.ndarray:
        return self._ids.copy()

    def commit(self, tag: str) -> None:
        self._tags[tag] = (self._ids, self._dense.vectors, self._payload)

    def at(self, tag: str) -> bool:
        if tag not in self._tags:
            return False
        self._set(*self._tags[tag])
        return True
