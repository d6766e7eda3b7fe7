"""An embedder that costs nothing until it must embed, and encodes queries without torch.

A search against a built index needs one query vector. Importing torch and
sentence-transformers and loading e5 costs 7-9 s on a busy 2-core machine;
the same network exported once to ONNX and run by onnxruntime loads in about
a second and gives the same vectors (cosine 1.0000 on the check below). So:

* `LazyEmbedder` answers `fingerprint`, `name`, `dim`, `weights_sha256` from
  the model folder's stamp (what the index manifest is checked against),
  encodes queries with the ONNX copy when there is one, and loads the real
  sentence-transformers model only for passages (an index build) or when no
  ONNX copy exists.
* The ONNX copy (`RAPPORT_HOME/models/<name>-<sha16>.onnx`) holds the network
  after the word-embedding lookup; the 250k-row lookup table itself is a
  memory-mapped `.npy` beside it, so opening costs a few pages, not 400 MB of
  copying (the lookup is a row gather; the network adds positions, token
  types and LayerNorm exactly as before). It is exported from
  the loaded torch model the first time the real model is loaded in a
  process that asked for it, checked against torch on a few queries, and
  written atomically. Without the `onnx` package the export is skipped and
  queries go through torch as before.

This belongs in `rapport.models.embedder` as a backend; it lives here until
that module's owner takes it (see /work/coord/workbench.md).
"""
from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path

import numpy as np

logger = logging.getLogger("rapport.app")
CHECK_QUERIES = ("ekonomi i balans", "sjukfrånvaro bland personalen", "sick leave among staff")
MIN_COSINE = 0.9999


def onnx_path(folder: Path, stamp: dict) -> Path:
    return folder.parent / f"{stamp['name']}-{stamp['weights_sha256'][:16]}.queries.onnx"


def table_path(model: Path) -> Path:
    return model.with_suffix(".words.npy")


class LazyEmbedder:
    """Duck-types `rapport.models.embedder.Embedder` for the index and the searcher."""

    def __init__(self, path: str | Path | None = None, export: bool = True):
        from rapport.models.embedder import check_folder, model_path

        self.path = model_path(path)
        self._stamp = check_folder(self.path, full_hash=False)
        self.name = self._stamp["name"]
        self.weights_sha256 = self._stamp["weights_sha256"]
        self.dim = int(self._stamp["dim"])
        self.export = export
        self._real = None
        self._onnx = None
        self._lock = threading.Lock()

    @property
    def fingerprint(self) -> str:
        return f"{self.name}@{self.weights_sha256[:16]}"

    def real(self):
        """The sentence-transformers Embedder (loaded on first use; its fingerprint must be ours)."""
        with self._lock:
            if self._real is None:
                from rapport.models.embedder import load_embedder

                emb = load_embedder(self.path)
                if emb.fingerprint != self.fingerprint:
                    raise RuntimeError(f"model at {self.path} is {emb.fingerprint}, its stamp says {self.fingerprint}")
                self._real = emb
                if self.export and not onnx_path(self.path, self._stamp).exists():
                    export_onnx(emb, onnx_path(self.path, self._stamp))
            return self._real

    def _session(self):
        with self._lock:
            if self._onnx is None:
                p = onnx_path(self.path, self._stamp)
                if p.exists() and table_path(p).exists():
                    try:
                        self._onnx = OnnxQueries(p, self.path / "tokenizer.json")
                    except Exception as e:  # noqa: BLE001 - a damaged copy falls back to torch
                        logger.warning("ONNX query encoder at %s unusable (%s); using torch", p, e)
                        p.unlink(missing_ok=True)
                        table_path(p).unlink(missing_ok=True)
                        self._onnx = False
                else:
                    self._onnx = False
            return self._onnx or None

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

    def encode_passages(self, texts, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        return self.real().encode_passages(texts, batch_size=batch_size, show_progress=show_progress)


class OnnxQueries:
    """The exported network (mean pooling and L2 norm inside) plus the model's own tokenizer."""

    def __init__(self, model: Path, tokenizer: Path, max_length: int = 512):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1  # one short query: no gain from more, and no fight with other processes
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        self.words = np.load(table_path(model), mmap_mode="r")
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_truncation(max_length)
        self.pad = self.tokenizer.token_to_id("<pad>")
        self.pad = 1 if self.pad is None else self.pad

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), np.float32)
        enc = self.tokenizer.encode_batch(list(texts))
        n = max(len(e.ids) for e in enc)
        ids = np.full((len(enc), n), self.pad, dtype=np.int64)
        mask = np.zeros((len(enc), n), dtype=np.int64)
        for i, e in enumerate(enc):
            ids[i, :len(e.ids)] = e.ids
            mask[i, :len(e.ids)] = 1
        embeds = np.ascontiguousarray(self.words[ids.ravel()].reshape(*ids.shape, -1), dtype=np.float32)
        out = self.session.run(None, {"inputs_embeds": embeds, "attention_mask": mask})[0]
        return np.ascontiguousarray(out, dtype=np.float32)


def export_onnx(emb, target: Path) -> bool:
    """Export `emb`'s transformer with pooling and normalisation; keep it only if it matches torch."""
    try:
        import onnx  # noqa: F401  (torch's exporter needs it)
        import torch
    except ImportError:
        logger.info("onnx is not installed: queries keep using torch")
        return False
    st = emb.model
    transformer = st[0].auto_model.eval()

    class Pooled(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, embeds, mask):
            h = self.m(inputs_embeds=embeds, attention_mask=mask).last_hidden_state
            w = mask.unsqueeze(-1).to(h.dtype)
            v = (h * w).sum(1) / w.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(v, dim=-1)

    tok = st.tokenizer(["query: " + q for q in CHECK_QUERIES], padding=True, return_tensors="pt")
    words = transformer.get_input_embeddings().weight.detach()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    tmp_words = table_path(Path(tmp))
    try:
        np.save(tmp_words, words.numpy().astype(np.float32))
        import warnings

        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(Pooled(transformer), (words[tok["input_ids"]], tok["attention_mask"]), tmp,
                              input_names=["inputs_embeds", "attention_mask"], output_names=["embedding"],
                              dynamic_axes={"inputs_embeds": {0: "batch", 1: "seq"},
                                            "attention_mask": {0: "batch", 1: "seq"}, "embedding": {0: "batch"}},
                              opset_version=17, dynamo=False)
        got = OnnxQueries(Path(tmp), emb.path / "tokenizer.json").encode(["query: " + q for q in CHECK_QUERIES])
        want = emb.encode_queries(list(CHECK_QUERIES))
        cos = float((got * want).sum(1).min())
        if cos < MIN_COSINE:
            logger.warning("ONNX export differs from torch (min cosine %.5f): not used", cos)
            return False
        from .outputs import file_mode

        for f in (tmp, tmp_words):
            os.chmod(f, file_mode())
        os.replace(tmp_words, table_path(target))  # the table first: a network without its table is never seen
        os.replace(tmp, target)
        return True
    except Exception as e:  # noqa: BLE001 - an export problem must never fail a search
        logger.warning("ONNX export failed (%s: %s): queries keep using torch", type(e).__name__, e)
        return False
    finally:
        for f in (tmp, tmp_words):
            if os.path.exists(f):
                os.unlink(f)
