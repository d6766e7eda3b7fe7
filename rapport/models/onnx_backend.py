"""The e5 network under ONNX Runtime: exported once from the torch model, fused, optionally int8.

Why: on this project's 2-core CPUs embedding is most of the cost of an index
build, and a search needs one query vector without paying 7-9 s to import
torch. The same network exported to ONNX and run by onnxruntime gives the
same vectors (cosine ≥ 0.9999 to torch, checked at export); with the
transformer fusions of `onnxruntime.transformers.optimizer` (one Attention
kernel per layer, SkipLayerNorm, BiasGelu) it runs faster than torch; dynamic
int8 of the matrix products runs faster still, and is kept only when it stays
within INT8_MIN_COSINE of fp32 on the check texts (bench/bench_embed.py
measures both on 1,000 real passages).

Files, beside the model folder (`<name>-<sha16>` = the model's fingerprint):

* `<base>.words.npy`  the 250k-row word-embedding table, memory-mapped: the
  network starts after this lookup, so opening a session copies a few pages,
  not 400 MB (the row gather is the whole of the lookup; positions, token
  types and LayerNorm stay in the network).
* `<base>.fp32.onnx`  the fused fp32 network (mean pooling and L2 norm inside).
* `<base>.int8.onnx`  the same with int8 weights, when it passed its check.

Each is written to a temporary name and renamed, the table first, so a
reader never sees a network without its table.
"""
from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rapport.models.int8 import INT8_RECIPE, quantize

logger = logging.getLogger("rapport.models")

# Texts we wrote to check an export against torch: short queries and report-like passages.
CHECK_TEXTS = (
    "query: ekonomi i balans",
    "query: sjukfrånvaro bland personalen",
    "query: sick leave among staff",
    "passage: Nämnden redovisar ett underskott på 14 miljoner kronor, främst till följd av ökade kostnader "
    "för inhyrd personal inom akutsjukvården och högre priser på läkemedel.",
    "passage: Målet om kortare väntetider till planerade operationer har inte uppnåtts; andelen patienter "
    "som väntat längre än 90 dagar ökade under perioden jämfört med samma period föregående år.",
    "passage: Investeringar i fastigheter > Ny vårdbyggnad. Byggnationen har försenats och den totala "
    "utgiften beräknas bli 3,2 miljarder kronor, vilket är 400 miljoner mer än budgeterat.",
    "passage: Tabell 4 Personal: antal anställda 2022 2023; sjuksköterskor 1 204 1 188; läkare 512 530.",
)
MIN_COSINE = 0.9999       # fp32 export against torch
INT8_MIN_COSINE = 0.99    # int8 against fp32 (the bar for any faster path)
VARIANTS = ("fp32", "int8")


def artefact_base(folder: Path, stamp: dict) -> Path:
    return Path(folder).parent / f"{stamp['name']}-{stamp['weights_sha256'][:16]}"


def onnx_path(folder: Path, stamp: dict, variant: str = "fp32") -> Path:
    if variant not in VARIANTS:
        raise ValueError(f"ONNX variant must be one of {VARIANTS}, not {variant!r}")
    # the int8 file is named by its recipe: a changed recipe is another file (and other vectors)
    return artefact_base(folder, stamp).with_suffix(f".{INT8_RECIPE.name if variant == 'int8' else variant}.onnx")


def table_path(folder: Path, stamp: dict) -> Path:
    return artefact_base(folder, stamp).with_suffix(".words.npy")


@dataclass(frozen=True)
class BatchPlan:
    """Length-bucketed batches: texts sorted by token count, cut at `max_batch` texts or `max_tokens`
    padded tokens, so padding stays small and long passages do not blow up attention memory.

    A pure function of the token counts: the local and the Ray engine cut the same batches, so
    they compute the same vectors. Eight texts of ~100 tokens a batch ran 8-10 % more texts per
    second than 32 (report passages, load 1.4-2; bench/bench_embed.py, docs/scale.md): the
    activations of a smaller batch stay in cache."""

    max_batch: int = 8
    max_tokens: int = 4096

    def batches(self, lengths) -> list[np.ndarray]:
        lengths = np.asarray(lengths)
        order = np.argsort(-lengths, kind="stable")
        out, start = [], 0
        while start < len(order):
            longest = int(lengths[order[start]])
            size = max(1, min(self.max_batch, self.max_tokens // max(longest, 1)))
            out.append(order[start:start + size])
            start += size
        return out


def session_options(threads: int | None, spinning: bool = False):
    """ORT options: every graph optimisation; `threads` intra-op threads (default: the cores we may use);
    no spinning, since on a busy machine spinning threads steal the cores they wait for."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = threads or usable_cores()
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
    return opts


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class OnnxEncoder:
    """One ONNX network plus the model's own tokenizer; texts arrive with their "query: "/"passage: " prefix."""

    def __init__(self, model: Path, table: Path, tokenizer: Path, *, threads: int | None = None,
                 plan: BatchPlan = BatchPlan()):
        import onnxruntime as ort

        self.model_path = Path(model)
        self.session = ort.InferenceSession(str(model), session_options(threads), providers=["CPUExecutionProvider"])
        self.words = np.load(table, mmap_mode="r")
        self.tokenizer = load_tokenizer(Path(tokenizer).parent)
        pad = self.tokenizer.token_to_id("<pad>")
        self.pad = 1 if pad is None else pad
        self.plan = plan
        self.dim = int(self.words.shape[1])

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        return token_ids(self.tokenizer, texts)

    def run_batch(self, ids: list[list[int]]) -> np.ndarray:
        """Vectors of one batch of token-id lists (padded to the longest here)."""
        n = max(len(x) for x in ids)
        arr = np.full((len(ids), n), self.pad, dtype=np.int64)
        mask = np.zeros((len(ids), n), dtype=np.int64)
        for i, x in enumerate(ids):
            arr[i, :len(x)] = x
            mask[i, :len(x)] = 1
        embeds = np.ascontiguousarray(self.words[arr.ravel()].reshape(*arr.shape, -1), dtype=np.float32)
        out = self.session.run(None, {"inputs_embeds": embeds, "attention_mask": mask})[0]
        return np.ascontiguousarray(out, dtype=np.float32)

    def encode(self, texts: list[str], on_batch=None) -> np.ndarray:
        """(n, dim) float32, L2-normalised, in the order of `texts`, computed in `self.plan`'s batches."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        ids = self.token_ids(texts)
        out = np.zeros((len(texts), self.dim), np.float32)
        for rows in self.plan.batches([len(x) for x in ids]):
            out[rows] = self.run_batch([ids[i] for i in rows])
            if on_batch:
                on_batch(len(rows))
        return out


def load_tokenizer(folder: Path):
    """The model folder's fast tokenizer, truncating where sentence-transformers does, no padding."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
    tok.enable_truncation(max_length(folder))
    tok.no_padding()
    return tok


def token_ids(tokenizer, texts) -> list[list[int]]:
    return [e.ids for e in tokenizer.encode_batch(list(texts))]


def max_length(folder: Path) -> int:
    """The folder's sentence-transformers max_seq_length (what torch truncates at), within the positions."""
    import json

    def read(name: str) -> dict:
        try:
            return json.loads((Path(folder) / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    limit = int(read("sentence_bert_config.json").get("max_seq_length") or 512)
    return min(limit, int(read("config.json").get("max_position_embeddings") or limit))


def open_encoder(folder: Path, stamp: dict, variant: str = "fp32", **kw) -> OnnxEncoder | None:
    """The encoder of one exported variant, or None when it is not there (or damaged: then it is removed)."""
    model, table = onnx_path(folder, stamp, variant), table_path(folder, stamp)
    if not (model.exists() and table.exists()):
        return None
    try:
        return OnnxEncoder(model, table, Path(folder) / "tokenizer.json", **kw)
    except Exception as e:  # noqa: BLE001 - a damaged copy is re-exported, never a failed search
        logger.warning("ONNX model at %s unusable (%s); removing it", model, e)
        model.unlink(missing_ok=True)
        return None


def _mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _commit(tmp: Path, target: Path) -> None:
    os.chmod(tmp, _mode())
    os.replace(tmp, target)


def export(emb, *, int8: bool = True) -> dict[str, float]:
    """Export `emb` (a loaded rapport Embedder) as fused fp32 and, when it holds, int8 ONNX networks.

    Returns {variant: min cosine on CHECK_TEXTS} for each variant written. Never raises: an
    export problem leaves the torch path in charge, with a warning saying why.
    """
    folder, stamp = emb.path, {"name": emb.name, "weights_sha256": emb.weights_sha256}
    try:
        import onnx  # noqa: F401  (torch's exporter needs it)
        import torch  # noqa: F401
    except ImportError:
        logger.info("onnx is not installed: embedding stays on torch")
        return {}
    target = onnx_path(folder, stamp)
    table = table_path(folder, stamp)
    done: dict[str, float] = {}
    tmpdir = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        want = emb.encode_torch(list(CHECK_TEXTS))
        if not table.exists():
            np.save(tmpdir / "words.npy", _word_table(emb))
            _commit(tmpdir / "words.npy", table)
        raw, fused = tmpdir / "raw.onnx", tmpdir / "fused.onnx"
        _export_raw(emb, raw)
        _fuse(raw, fused, emb.model[0].auto_model.config)
        cos = _check(fused, table, folder, want)
        if cos < MIN_COSINE:
            logger.warning("ONNX export differs from torch (min cosine %.5f): not used", cos)
            return done
        _commit(fused, target)
        done["fp32"] = cos
        if int8:
            q = tmpdir / "int8.onnx"
            quantize(target, q, INT8_RECIPE)
            cos8 = _check(q, table, folder, want)
            if cos8 >= INT8_MIN_COSINE:
                _commit(q, onnx_path(folder, stamp, "int8"))
                done["int8"] = cos8
            else:
                logger.warning("int8 ONNX drifts from fp32 (min cosine %.4f < %.2f): not used", cos8, INT8_MIN_COSINE)
        return done
    except Exception as e:  # noqa: BLE001 - an export problem must never fail an index build or a search
        logger.warning("ONNX export failed (%s: %s): embedding stays on torch", type(e).__name__, e)
        return done
    finally:
        import shutil

        shutil.rmtree(tmpdir, ignore_errors=True)


def ensure_int8(folder: Path, stamp: dict) -> float | None:
    """Write the int8 copy of INT8_RECIPE from the fp32 copy when it is missing (no torch needed).

    Kept only within INT8_MIN_COSINE of fp32 on CHECK_TEXTS (fp32 itself is ≥ MIN_COSINE to torch).
    Returns its min cosine when written, else None; never raises (fp32 then stays in charge)."""
    src, dst, table = onnx_path(folder, stamp), onnx_path(folder, stamp, "int8"), table_path(folder, stamp)
    if dst.exists() or not (src.exists() and table.exists()):
        return None
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
    try:
        tok = Path(folder) / "tokenizer.json"
        want = OnnxEncoder(src, table, tok, threads=1).encode(list(CHECK_TEXTS))
        quantize(src, tmp, INT8_RECIPE)
        cos = _check(tmp, table, folder, want)
        if cos < INT8_MIN_COSINE:
            logger.warning("int8 ONNX (%s) drifts from fp32 (min cosine %.4f): not used", INT8_RECIPE.name, cos)
            return None
        _commit(tmp, dst)
        return cos
    except Exception as e:  # noqa: BLE001 - fp32 stays in charge
        logger.warning("int8 ONNX (%s) not written (%s: %s)", INT8_RECIPE.name, type(e).__name__, e)
        return None
    finally:
        tmp.unlink(missing_ok=True)


def _word_table(emb) -> np.ndarray:
    return emb.model[0].auto_model.get_input_embeddings().weight.detach().numpy().astype(np.float32)


def _export_raw(emb, path: Path) -> None:
    """torch.onnx export of the transformer after the word lookup, with mean pooling and L2 norm.

    Exported with eager attention: the SDPA graph hides the attention pattern the ORT fuser
    looks for (no fused Attention kernels, no speed-up)."""
    import warnings

    import torch

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

    tok = st.tokenizer(list(CHECK_TEXTS[:3]), padding=True, return_tensors="pt")
    words = transformer.get_input_embeddings().weight.detach()
    before = getattr(transformer.config, "_attn_implementation", None)
    _set_attention(transformer, "eager")
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(Pooled(transformer), (words[tok["input_ids"]], tok["attention_mask"]), str(path),
                              input_names=["inputs_embeds", "attention_mask"], output_names=["embedding"],
                              dynamic_axes={"inputs_embeds": {0: "batch", 1: "seq"},
                                            "attention_mask": {0: "batch", 1: "seq"}, "embedding": {0: "batch"}},
                              opset_version=17, dynamo=False)
    finally:
        if before:
            _set_attention(transformer, before)


def _set_attention(model, impl: str) -> None:
    if hasattr(model, "set_attn_implementation"):
        model.set_attn_implementation(impl)
    else:  # older transformers
        model.config._attn_implementation = impl


def _fuse(src: Path, dst: Path, config) -> None:
    """ORT's BERT fusions, written as a graph any onnxruntime can load (no hardware-specific nodes)."""
    from onnxruntime.transformers.optimizer import optimize_model

    opt = optimize_model(str(src), model_type="bert", num_heads=int(config.num_attention_heads),
                         hidden_size=int(config.hidden_size), opt_level=1, use_gpu=False)
    opt.save_model_to_file(str(dst))


def _check(model: Path, table: Path, folder: Path, want: np.ndarray) -> float:
    got = OnnxEncoder(model, table, Path(folder) / "tokenizer.json", threads=1).encode(list(CHECK_TEXTS))
    return float((got * want).sum(1).min())
