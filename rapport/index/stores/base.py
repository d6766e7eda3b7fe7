"""The vector store protocol: where a dense view's vectors live and are searched.

One store holds one dense view of one corpus (one table or collection),
keyed by passage id, a content key (see passage_ids), so writing the same
passages twice changes nothing and a write cut short by a failure is
completed by running it again. A store that has been brought up to date
for a whole index generation is marked with a tag (`commit`); readers open
that tagged snapshot (`at`), so they never see a half-written update.

Store URIs name a scheme and a location: `faiss:DIR` (the index folder,
today's embedded default) or `lancedb:DIR`, `lancedb:s3://bucket/prefix`,
`lancedb:db://name` (see docs/stores.md for why LanceDB).
"""
from __future__ import annotations

import hashlib
import importlib.util
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

# payload columns every store keeps next to the vector (what filters may name, besides "id")
PAYLOAD = ("doc", "region", "kind", "period", "section", "source")
FILTER_FIELDS = ("id",) + PAYLOAD


class StoreError(RuntimeError):
    """A store that cannot be used (down, unreachable, refused a write); the message is one line naming it."""


@dataclass(frozen=True, slots=True)
class StoreURI:
    scheme: str
    location: str  # "" means the scheme's default location

    def __str__(self) -> str:
        return f"{self.scheme}:{self.location}"


@dataclass(frozen=True, slots=True)
class Scheme:
    name: str
    usage: str  # how the URI is written, e.g. "lancedb:DIR|s3://BUCKET/PREFIX|db://NAME"
    help: str
    module: str  # the library it needs (importable = available)


SCHEMES = (
    Scheme("faiss", "faiss:DIR", "embedded faiss index in the index folder DIR (default: rapport's own)", "faiss"),
    Scheme("lancedb", "lancedb:DIR|s3://BUCKET/PREFIX|gs://BUCKET/PREFIX|db://NAME",
           "LanceDB: embedded in DIR, on object storage shared by many readers, or LanceDB Cloud/Enterprise",
           "lancedb"),
)


def available_stores() -> list[Scheme]:
    """The schemes whose library is installed, faiss first."""
    return [s for s in SCHEMES if importlib.util.find_spec(s.module) is not None]


def parse_store_uri(uri: str | None) -> StoreURI:
    """'faiss:DIR', 'lancedb:DIR' … → StoreURI; None or '' is the default faiss store.

    Raises ValueError with one line naming the URI when the scheme is unknown
    or its library is not installed.
    """
    if uri is None or not str(uri).strip():
        return StoreURI("faiss", "")
    uri = str(uri).strip()
    m = re.fullmatch(r"([a-z][a-z0-9]*):(.*)", uri, flags=re.S)
    known = {s.name: s for s in SCHEMES}
    if not m or m.group(1) not in known:
        raise ValueError(f"store {uri!r}: unknown scheme; use one of "
                         f"{', '.join(s.usage.split('|')[0] for s in SCHEMES)}")
    scheme, location = m.group(1), m.group(2).strip()
    if known[scheme] not in available_stores():
        raise ValueError(f"store {uri!r}: needs the Python package {known[scheme].module!r} (pip install "
                         f"{known[scheme].module})")
    if scheme == "lancedb" and not location:
        raise ValueError(f"store {uri!r}: give a location, e.g. lancedb:./vectors or lancedb:s3://bucket/prefix")
    return StoreURI(scheme, location)


def passage_ids(passages: pd.DataFrame) -> np.ndarray:
    """Content keys (positive int64) of passages: same report, span, source and text → same id.

    Stable across rebuilds and machines, so an upsert keyed by them is idempotent.
    """
    cols = [passages[c].astype(str).tolist() for c in ("doc", "start", "end", "source", "search_text", "text")]
    out = np.empty(len(passages), dtype=np.int64)
    for i, row in enumerate(zip(*cols)):
        h = hashlib.blake2b("\x1f".join(row).encode("utf-8"), digest_size=8).digest()
        out[i] = int.from_bytes(h, "big") & 0x7FFF_FFFF_FFFF_FFFF
    if len(np.unique(out)) != len(out):
        raise ValueError("two passages have the same content key (identical report, span and text)")
    return out


def payload_frame(passages: pd.DataFrame) -> dict[str, list]:
    """The payload columns of passages as plain lists (None for missing)."""
    return {c: [None if pd.isna(v) else str(v) for v in passages[c].tolist()] for c in PAYLOAD}


def check_filters(filters: Mapping[str, Sequence] | None) -> dict[str, list]:
    """Filters are {field: allowed values}; fields from FILTER_FIELDS; an empty list allows nothing."""
    if not filters:
        return {}
    bad = set(filters) - set(FILTER_FIELDS)
    if bad:
        raise ValueError(f"unknown store filter field(s) {sorted(bad)}; use {list(FILTER_FIELDS)}")
    return {k: list(v) for k, v in filters.items()}


class VectorStore(ABC):
    """One dense view of one corpus: vectors keyed by passage id, with a payload to filter on."""

    uri: str

    def add(self, ids: np.ndarray, vectors: np.ndarray, payload: Mapping[str, Sequence] | None = None) -> None:
        """Insert passages; the same as upsert (ids are content keys, so nothing is overwritten wrongly)."""
        self.upsert(ids, vectors, payload)

    @abstractmethod
    def upsert(self, ids: np.ndarray, vectors: np.ndarray, payload: Mapping[str, Sequence] | None = None) -> None:
        """Insert or replace the rows with these ids."""

    @abstractmethod
    def delete(self, ids: np.ndarray) -> None:
        """Remove the rows with these ids (unknown ids are ignored)."""

    @abstractmethod
    def search(self, vector: np.ndarray, k: int, filters: Mapping[str, Sequence] | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (passage ids, cosine scores) best first, among rows whose payload matches every filter."""

    @abstractmethod
    def ids(self) -> np.ndarray:
        """Every passage id held (latest contents, not a snapshot)."""

    @abstractmethod
    def commit(self, tag: str) -> None:
        """Record that the contents now are the complete generation `tag`."""

    @abstractmethod
    def at(self, tag: str) -> bool:
        """Read from the snapshot committed as `tag` from now on; False when there is none."""

    def __len__(self) -> int:
        return len(self.ids())
