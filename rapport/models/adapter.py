"""A query-side linear adapter for the e5 embedder: load it (hash-checked) and apply it.

Why query side only: passage vectors, the vector cache and every built index stay exactly
what the stock model wrote, so switching the adapter on or off never re-embeds anything
and an index never needs rebuilding. The adapter is a residual low-rank map learnt by
`tools/train_adapter.py` from cached e5 vectors (g0vse title/heading/sentence pairs plus
pairs we wrote):

    q' = normalise(q + (q @ down) @ up)

`down` is (dim, rank), `up` is (rank, dim); with `up` = 0 it is the identity, which is
where training starts. The weights are a small `.npz` (float16, a few hundred kB) beside
a JSON manifest naming the base model it was trained on and the sha256 of the weights;
loading checks both, so an adapter can never be applied to vectors of another model.

Switch: `QueryAdapterSetting` says on/off/default; `resolve_setting` reads, in order, an
explicit value, `$RAPPORT_QUERY_ADAPTER` (on|off|<folder>), then the shipped manifest's
`enabled`. The searcher wraps its embedder with `adapt_queries(embedder, setting)`.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SHIPPED = Path(__file__).resolve().parent / "query_adapter"
MANIFEST = "manifest.json"
WEIGHTS = "weights.npz"
FORMAT = "rapport-query-adapter/1"
ENV = "RAPPORT_QUERY_ADAPTER"


class AdapterError(RuntimeError):
    """The adapter files are missing, damaged, or belong to another base model."""


@dataclass(frozen=True)
class QueryAdapter:
    """A residual low-rank map on L2-normalised query vectors (see the module docstring)."""

    down: np.ndarray = field(repr=False)  # (dim, rank) float32
    up: np.ndarray = field(repr=False)  # (rank, dim) float32
    base_fingerprint: str = ""
    weights_sha256: str = ""

    @property
    def dim(self) -> int:
        return int(self.down.shape[0])

    @property
    def rank(self) -> int:
        return int(self.down.shape[1])

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        """(n, dim) or (dim,) float32 in, the same shape out, L2-normalised."""
        v = np.asarray(vectors, dtype=np.float32)
        one = v.ndim == 1
        x = v.reshape(1, -1) if one else v
        if x.shape[1] != self.dim:
            raise AdapterError(f"query adapter expects {self.dim}-d vectors, got {x.shape[1]}-d")
        y = x + (x @ self.down) @ self.up
        y /= np.maximum(np.linalg.norm(y, axis=1, keepdims=True), 1e-12)
        y = np.ascontiguousarray(y, dtype=np.float32)
        return y[0] if one else y


def weights_bytes(down: np.ndarray, up: np.ndarray) -> bytes:
    """The canonical float16 `.npz` bytes for a pair of matrices (what `save_adapter` writes)."""
    buf = io.BytesIO()
    np.savez(buf, down=np.asarray(down, dtype=np.float16), up=np.asarray(up, dtype=np.float16))
    return buf.getvalue()


def save_adapter(folder: str | Path, down: np.ndarray, up: np.ndarray, base_fingerprint: str, *,
                 enabled: bool, info: dict | None = None) -> dict:
    """Write weights.npz + manifest.json into `folder`; return the manifest."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = weights_bytes(down, up)
    (folder / WEIGHTS).write_bytes(data)
    manifest = {"format": FORMAT, "enabled": bool(enabled), "base_fingerprint": base_fingerprint,
                "dim": int(np.shape(down)[0]), "rank": int(np.shape(down)[1]),
                "weights_sha256": hashlib.sha256(data).hexdigest(), **({"training": info} if info else {})}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def read_manifest(folder: str | Path) -> dict:
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise AdapterError(f"no query adapter at {folder} ({MANIFEST} missing)") from None
    except ValueError as e:
        raise AdapterError(f"{path} is not valid JSON: {e}") from None
    if manifest.get("format") != FORMAT:
        raise AdapterError(f"{path}: format {manifest.get('format')!r} is not {FORMAT!r}")
    return manifest


def load_adapter(folder: str | Path = SHIPPED, base_fingerprint: str | None = None) -> QueryAdapter:
    """Read and check an adapter folder; `base_fingerprint` (the embedder's) must match when given."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    try:
        data = (folder / WEIGHTS).read_bytes()
    except OSError:
        raise AdapterError(f"query adapter at {folder} has no {WEIGHTS}") from None
    sha = hashlib.sha256(data).hexdigest()
    if sha != manifest.get("weights_sha256"):
        raise AdapterError(f"{folder / WEIGHTS} is damaged (sha256 {sha[:12]}… does not match its manifest)")
    if base_fingerprint is not None and manifest.get("base_fingerprint") != base_fingerprint:
        raise AdapterError(f"query adapter at {folder} was trained on {manifest.get('base_fingerprint')}, "
                           f"not on {base_fingerprint}: retrain it with tools/train_adapter.py")
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        down, up = z["down"].astype(np.float32), z["up"].astype(np.float32)
    if down.ndim != 2 or up.shape != (down.shape[1], down.shape[0]):
        raise AdapterError(f"{folder / WEIGHTS}: shapes {down.shape} and {up.shape} do not form an adapter")
    return QueryAdapter(down, up, manifest.get("base_fingerprint", ""), sha)


def resolve_setting(setting: bool | str | Path | None = None) -> Path | None:
    """The adapter folder to use, or None for the stock model.

    `setting`: True/"on" (the shipped adapter), False/"off", a folder path, or None to
    read `$RAPPORT_QUERY_ADAPTER` (same values), falling back to the shipped manifest's
    `enabled` flag (off when there is no shipped adapter).
    """
    if setting is None:
        setting = os.environ.get(ENV) or None
    if setting is None:
        try:
            return SHIPPED if read_manifest(SHIPPED).get("enabled") else None
        except AdapterError:
            return None
    if isinstance(setting, bool):
        return SHIPPED if setting else None
    text = str(setting).strip()
    if text.lower() in ("on", "1", "true", "yes"):
        return SHIPPED
    if text.lower() in ("off", "0", "false", "no", ""):
        return None
    return Path(text).expanduser()


class AdaptedEmbedder:
    """An embedder whose query vectors pass through a QueryAdapter; everything else is the base's.

    The fingerprint is the base model's on purpose: passage vectors are unchanged, so
    indexes and vector caches built with the stock model stay valid.
    """

    def __init__(self, base, adapter: QueryAdapter):
        self.base, self.adapter = base, adapter

    def __getattr__(self, name):  # name, dim, fingerprint, weights_sha256, encode_passages, ...
        return getattr(self.base, name)

    def encode_queries(self, texts, *args, **kwargs) -> np.ndarray:
        return self.adapter.apply(self.base.encode_queries(texts, *args, **kwargs))


_CACHE: dict[tuple[str, str], QueryAdapter] = {}  # loaded adapters, per folder and base model
_LOCK = threading.Lock()


def adapt_queries(embedder, setting: bool | str | Path | None = None):
    """`embedder` itself when the setting resolves to off, else an AdaptedEmbedder around it.

    An adapter that is switched on but missing, damaged or trained on another base model is
    an AdapterError, never a silent fall-back to the stock vectors.
    """
    folder = resolve_setting(setting)
    if folder is None or isinstance(embedder, AdaptedEmbedder):
        return embedder
    # queries are fp32 on every passage backend (int8 included): the adapter is tied to the query vectors' identity
    base = getattr(embedder, "query_fingerprint", embedder.fingerprint)
    key = (str(folder), base)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = load_adapter(folder, base)
    return AdaptedEmbedder(embedder, _CACHE[key])
