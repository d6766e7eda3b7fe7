"""Embeddings cached by content: one vector per (model, prefix, text), whoever asks for it.

Embedding is the expensive step of both the search index and the learned extraction heads,
and the two see many of the same texts (a sentence is also a one-sentence passage; a copied
corpus is the same corpus). So vectors are keyed by what was embedded, never by where it
came from: `sha1(kind + NUL + text)` in a store per model fingerprint. A changed model has
another fingerprint and so another store; nothing stale can be read back.

The store is SQLite (standard library, atomic commits, safe with several readers and one
writer at a time across processes), one row per vector as float32 bytes. At 384 dimensions
that is 1.5 KB a vector: 1.6 M vectors are ~2.5 GB, and lookups of 100k keys take well under
a second, far below the cost of embedding one batch.
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

KINDS = ("passage", "query")
_BATCH = 900  # SQLite's variable limit is 999 in old builds


def text_key(kind: str, text: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    return hashlib.sha1(f"{kind}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


def default_root() -> Path:
    from rapport.models.build_embedder import cache_root

    return cache_root() / "vectors"


class VectorCache:
    """Vectors of one model, keyed by `text_key`. Cheap to open; safe to share across processes."""

    def __init__(self, fingerprint: str, dim: int, root: str | Path | None = None):
        self.fingerprint, self.dim = fingerprint, int(dim)
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", fingerprint)
        folder = Path(root) if root is not None else default_root()
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{safe}.sqlite"
        self._db = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB NOT NULL)")

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        uniq = list(dict.fromkeys(keys))
        for i in range(0, len(uniq), _BATCH):
            chunk = uniq[i:i + _BATCH]
            q = f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(chunk))})"
            for k, blob in self._db.execute(q, chunk):
                if len(blob) == 4 * self.dim:  # a foreign or torn row is a miss, never a wrong vector
                    out[k] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_many(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.shape != (len(keys), self.dim):
            raise ValueError(f"expected ({len(keys)}, {self.dim}) vectors, got {vectors.shape}")
        with self._db:  # one transaction: all of the batch or none of it
            self._db.executemany("INSERT OR REPLACE INTO vec (key, v) VALUES (?, ?)",
                                 ((k, vectors[i].tobytes()) for i, k in enumerate(keys)))

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM vec").fetchone()[0]

    def close(self) -> None:
        self._db.close()


def encode_cached(texts: Sequence[str], kind: str, encode: Callable[[list[str]], np.ndarray],
                  cache: VectorCache | None, chunk: int = 512,
                  on_progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """(n, dim) vectors for `texts` in order: cached ones read back, the rest embedded once each
    (duplicates within `texts` too) by `encode` and stored in chunks, so an interrupted run keeps
    what it finished. `on_progress(done, todo)` is called after each chunk."""
    texts = list(texts)
    keys = [text_key(kind, t) for t in texts]
    found = cache.get_many(keys) if cache is not None else {}
    todo = list(dict.fromkeys(k for k in keys if k not in found))
    text_of = dict(zip(keys, texts))
    for i in range(0, len(todo), chunk):
        part = todo[i:i + chunk]
        vecs = np.asarray(encode([text_of[k] for k in part]), dtype=np.float32)
        if cache is not None:
            cache.put_many(part, vecs)
        found.update(zip(part, vecs))
        if on_progress:
            on_progress(min(i + chunk, len(todo)), len(todo))
    if not texts:
        return np.zeros((0, cache.dim if cache else 0), dtype=np.float32)
    return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)
