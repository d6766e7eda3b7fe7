"""LanceDB as a vector store: embedded in a folder, on object storage, or LanceDB Cloud/Enterprise.

Why LanceDB (measured in bench/bench_stores.py, reasons in docs/stores.md):
an embedded engine in native code with columnar storage, bulk inserts in
milliseconds, `merge_insert` upserts keyed by passage id, SQL filters on the
payload with pre-filtering, versioned tables (every write is a new version;
a tag names the version that holds a complete generation, and readers check
that version out, so a failed update is never seen), and scale-out by
pointing many readers at one dataset on s3:// or gs://, or at a server
(db://).

Exact search (a flat scan, what faiss IndexFlatIP does) up to ANN_LIMIT rows;
past that an IVF-HNSW-SQ index is built and refined, as index.dense switches
to IVF for faiss.
"""
from __future__ import annotations

import os
import re
from datetime import timedelta
from typing import Mapping, Sequence

import numpy as np

from rapport.index.stores.base import PAYLOAD, StoreError, VectorStore, check_filters

ANN_LIMIT = 200_000
KEEP_TAGS = 3  # committed generations kept readable (older versions are cleaned up)
BATCH = 20_000  # rows per write: bounds memory, and each batch is one atomic version


def _reason(e: BaseException) -> str:
    """The first line of a library error, shortened: the user needs what failed, not a Rust backtrace."""
    text = " ".join(str(e).split()) or type(e).__name__
    said = re.findall(r'message: "([^"]+)"', text)  # the OS's own words, deepest last
    if said:
        where = re.search(r"uri: Some\((\w+://[^/\s)]+)", text)
        return said[-1] + (f" at {where.group(1)}" if where else "")
    return text[:200] + ("…" if len(text) > 200 else "")


def _sql_values(values) -> str:
    return ", ".join("NULL" if v is None else "'" + str(v).replace("'", "''") + "'" for v in values)


def _where(filters: dict[str, list]) -> str | None:
    parts = []
    for field, allowed in filters.items():
        if not allowed:
            return "false"
        if field == "id":
            parts.append(f"id IN ({', '.join(str(int(i)) for i in allowed)})")
        else:
            parts.append(f"{field} IN ({_sql_values(allowed)})")
    return " AND ".join(parts) or None


def _table_names(db) -> set[str]:
    names, token = set(), None
    while True:
        page = db.list_tables(page_token=token)
        names.update(page.tables)
        token = page.page_token
        if not token:
            return names


def connect_options(location: str) -> dict:
    """Connection settings from the environment: LANCEDB_API_KEY/LANCEDB_REGION for db://, and short
    timeouts for object storage so a store that is down answers in seconds, not minutes."""
    if location.startswith("db://"):
        return {k: v for k, v in (("api_key", os.environ.get("LANCEDB_API_KEY")),
                                  ("region", os.environ.get("LANCEDB_REGION"))) if v}
    if re.match(r"[a-z0-9]+://", location):
        return {"storage_options": {"connect_timeout": os.environ.get("RAPPORT_STORE_CONNECT_TIMEOUT", "5s"),
                                    "timeout": os.environ.get("RAPPORT_STORE_TIMEOUT", "30s"),
                                    "client_max_retries": os.environ.get("RAPPORT_STORE_RETRIES", "2"),
                                    "client_retry_timeout": "10"}}
    return {}


class LanceStore(VectorStore):
    """One LanceDB table: id (int64), the payload columns, vector (float32[dim])."""

    def __init__(self, location: str, table: str, dim: int):
        self.uri = f"lancedb:{location}"
        self.table_name = table
        self.dim = dim
        try:
            import lancedb

            self._db = lancedb.connect(location, **connect_options(location))
            self._tbl = self._db.open_table(table) if table in _table_names(self._db) else None
        except Exception as e:  # noqa: BLE001 - any failure to reach the database is one line
            raise StoreError(f"store {self.uri}: cannot open ({_reason(e)})") from None
        self._indexed = self._has_vector_index()  # asked once: list_indices costs a round trip per call
        if self._tbl is not None and self._tbl.schema.field("vector").type.list_size != dim:
            raise StoreError(f"store {self.uri}: table {table} holds {self._tbl.schema.field('vector').type.list_size}"
                             f"-dimensional vectors, not {dim}")

    def _fail(self, what: str, e: BaseException) -> StoreError:
        return StoreError(f"store {self.uri}: cannot {what} table {self.table_name} ({_reason(e)})")

    def _arrow(self, ids, vectors, payload):
        import pyarrow as pa

        v = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        cols = {"id": pa.array(np.asarray(ids, np.int64))}
        for c in PAYLOAD:
            cols[c] = pa.array(list((payload or {}).get(c, [None] * len(ids))), pa.string())
        cols["vector"] = pa.FixedSizeListArray.from_arrays(pa.array(v.ravel()), self.dim)
        return pa.table(cols)

    def upsert(self, ids, vectors, payload: Mapping[str, Sequence] | None = None) -> None:
        ids = np.asarray(ids, np.int64)
        payload = {c: list(v) for c, v in (payload or {}).items()}
        for a in range(0, len(ids), BATCH):
            part = self._arrow(ids[a:a + BATCH], np.asarray(vectors)[a:a + BATCH],
                               {c: v[a:a + BATCH] for c, v in payload.items()})
            try:
                if self._tbl is None:
                    self._tbl = self._db.create_table(self.table_name, part)
                else:
                    self._tbl.merge_insert("id").when_matched_update_all().when_not_matched_insert_all().execute(part)
            except Exception as e:  # noqa: BLE001
                raise self._fail("write to", e) from None

    def delete(self, ids) -> None:
        ids = np.asarray(ids, np.int64)
        if self._tbl is None or not len(ids):
            return
        for a in range(0, len(ids), BATCH):
            try:
                self._tbl.delete(f"id IN ({', '.join(map(str, ids[a:a + BATCH].tolist()))})")
            except Exception as e:  # noqa: BLE001
                raise self._fail("delete from", e) from None

    def search(self, vector, k, filters=None):
        if self._tbl is None or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        where = _where(check_filters(filters))
        try:
            q = (self._tbl.search(np.asarray(vector, np.float32).ravel(), vector_column_name="vector")
                 .distance_type("dot").limit(k).select(["id"]))
            if self._indexed:
                q = q.nprobes(32).refine_factor(4)
            if where:
                q = q.where(where, prefilter=True)
            res = q.to_arrow()
        except Exception as e:  # noqa: BLE001
            raise self._fail("search", e) from None
        # LanceDB's "dot" distance is 1 - u·v; the vectors are unit length, so the score is the cosine
        return (np.asarray(res["id"].to_numpy(), np.int64),
                (1.0 - np.asarray(res["_distance"].to_numpy(), np.float64)).astype(np.float32))

    def _has_vector_index(self) -> bool:
        try:
            return self._tbl is not None and any(getattr(i, "columns", None) == ["vector"]
                                                 for i in self._tbl.list_indices())
        except Exception:  # noqa: BLE001
            return False

    def ids(self) -> np.ndarray:
        if self._tbl is None:
            return np.zeros(0, np.int64)
        try:
            self._tbl.checkout_latest()
            return np.asarray(self._tbl.to_arrow().column("id").to_numpy(), np.int64) \
                if self._tbl.count_rows() else np.zeros(0, np.int64)
        except Exception as e:  # noqa: BLE001
            raise self._fail("read ids of", e) from None

    def commit(self, tag: str) -> None:
        if self._tbl is None:  # an empty generation: an empty table still marks it complete
            self._tbl = self._db.create_table(self.table_name, self._arrow([], np.zeros((0, self.dim)), {}))
        try:
            if self._tbl.count_rows() >= ANN_LIMIT:
                if not self._indexed:
                    self._tbl.create_index(metric="dot", vector_column_name="vector", index_type="IVF_HNSW_SQ")
                    self._indexed = True
                else:
                    self._tbl.optimize()  # folds new rows into the index
            tags = self._tbl.tags
            if tag in tags.list():
                tags.update(tag, self._tbl.version)
            else:
                tags.create(tag, self._tbl.version)
            old = sorted(tags.list().items(), key=lambda kv: kv[1]["version"])[:-KEEP_TAGS]
            for name, _ in old:
                tags.delete(name)
            if old:
                self._tbl.optimize(cleanup_older_than=timedelta(hours=1))
        except Exception as e:  # noqa: BLE001
            raise self._fail("commit", e) from None

    def at(self, tag: str) -> bool:
        if self._tbl is None:
            return False
        try:
            if tag not in self._tbl.tags.list():
                return False
            self._tbl.checkout(tag)
            return True
        except Exception as e:  # noqa: BLE001
            raise self._fail("read", e) from None
