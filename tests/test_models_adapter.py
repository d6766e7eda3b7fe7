"""The query adapter: identity at zero, hash and base-model checks, the on/off switch, and the
wrapper that changes query vectors only (passages and the fingerprint stay the stock model's)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from rapport.models import adapter as ad
from rapport.models.adapter import AdaptedEmbedder, AdapterError, QueryAdapter

BASE = "tiny@0123456789abcdef"


def _unit(x):
    x = np.asarray(x, dtype=np.float32)
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _matrices(dim=8, rank=2, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(dim, rank)).astype(np.float32), rng.normal(size=(rank, dim)).astype(np.float32)


class FakeEmbedder:
    """Just enough of rapport.models.embedder.Embedder for the wrapper."""

    name, dim, weights_sha256 = "tiny", 8, "0123456789abcdef" + "0" * 48
    fingerprint = BASE

    def encode_queries(self, texts, batch_size=32, show_progress=False):
        return _unit(np.stack([np.arange(1, 9, dtype=np.float32) + len(t) for t in texts]))

    def encode_passages(self, texts, batch_size=32, show_progress=False):
        return _unit(np.stack([np.arange(8, 0, -1, dtype=np.float32) + len(t) for t in texts]))


@pytest.fixture
def folder(tmp_path):
    down, up = _matrices()
    ad.save_adapter(tmp_path / "qa", down, up, BASE, enabled=False, info={"pairs": 3})
    return tmp_path / "qa"


def test_adapter_with_zero_up_is_identity():
    down, _ = _matrices()
    q = _unit(np.random.default_rng(1).normal(size=(5, 8)))
    out = QueryAdapter(down, np.zeros((2, 8), np.float32)).apply(q)
    np.testing.assert_allclose(out, q, atol=1e-6)


def test_adapter_apply_keeps_shape_and_unit_norm():
    a = QueryAdapter(*_matrices())
    q = _unit(np.random.default_rng(2).normal(size=(3, 8)))
    out = a.apply(q)
    assert out.shape == (3, 8) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(out, q)
    np.testing.assert_allclose(a.apply(q[0]), out[0], atol=1e-6)
    with pytest.raises(AdapterError, match="8-d"):
        a.apply(np.ones((1, 4), np.float32))


def test_adapter_save_load_round_trip_in_float16(folder):
    down, up = _matrices()
    a = ad.load_adapter(folder, BASE)
    np.testing.assert_allclose(a.down, down, atol=2e-3, rtol=1e-3)
    np.testing.assert_allclose(a.up, up, atol=2e-3, rtol=1e-3)
    m = json.loads((folder / ad.MANIFEST).read_text())
    assert m["rank"] == 2 and m["dim"] == 8 and m["training"] == {"pairs": 3} and m["enabled"] is False


def test_adapter_load_rejects_damaged_weights(folder):
    data = bytearray((folder / ad.WEIGHTS).read_bytes())
    data[-10] ^= 0xFF
    (folder / ad.WEIGHTS).write_bytes(bytes(data))
    with pytest.raises(AdapterError, match="damaged"):
        ad.load_adapter(folder)


def test_adapter_load_rejects_another_base_model(folder):
    with pytest.raises(AdapterError, match="trained on tiny@"):
        ad.load_adapter(folder, "multilingual-e5-small@cd1caf1812415a43")


def test_adapter_load_names_missing_folder_and_foreign_format(tmp_path, folder):
    with pytest.raises(AdapterError, match="no query adapter"):
        ad.load_adapter(tmp_path / "nowhere")
    m = json.loads((folder / ad.MANIFEST).read_text())
    (folder / ad.MANIFEST).write_text(json.dumps({**m, "format": "other/9"}))
    with pytest.raises(AdapterError, match="format"):
        ad.load_adapter(folder)


@pytest.mark.parametrize("value, want", [(True, "shipped"), ("on", "shipped"), (False, None), ("off", None),
                                         ("0", None)])
def test_adapter_resolve_setting_values(value, want):
    assert ad.resolve_setting(value) == (ad.SHIPPED if want else None)


def test_adapter_resolve_setting_reads_env_then_shipped_flag(tmp_path, monkeypatch, folder):
    monkeypatch.setattr(ad, "SHIPPED", folder)
    monkeypatch.delenv(ad.ENV, raising=False)
    assert ad.resolve_setting(None) is None  # shipped switched off
    m = json.loads((folder / ad.MANIFEST).read_text())
    (folder / ad.MANIFEST).write_text(json.dumps({**m, "enabled": True}))
    assert ad.resolve_setting(None) == folder
    monkeypatch.setenv(ad.ENV, "off")
    assert ad.resolve_setting(None) is None
    monkeypatch.setenv(ad.ENV, str(tmp_path / "elsewhere"))
    assert ad.resolve_setting(None) == tmp_path / "elsewhere"
    monkeypatch.setattr(ad, "SHIPPED", tmp_path / "none")
    monkeypatch.delenv(ad.ENV)
    assert ad.resolve_setting(None) is None  # nothing shipped: the stock model


def test_adapter_wrapper_changes_queries_only(folder):
    base = FakeEmbedder()
    wrapped = ad.adapt_queries(base, folder)
    assert isinstance(wrapped, AdaptedEmbedder)
    assert wrapped.fingerprint == base.fingerprint and wrapped.dim == 8
    texts = ["ekonomi i balans", "väntetider"]
    np.testing.assert_array_equal(wrapped.encode_passages(texts), base.encode_passages(texts))
    q = wrapped.encode_queries(texts)
    assert not np.allclose(q, base.encode_queries(texts))
    np.testing.assert_allclose(q, ad.load_adapter(folder).apply(base.encode_queries(texts)), atol=1e-6)
    assert ad.adapt_queries(wrapped, folder) is wrapped  # never adapted twice


def test_adapter_off_returns_the_embedder_itself(folder):
    base = FakeEmbedder()
    assert ad.adapt_queries(base, False) is base


def test_adapter_switched_on_but_broken_is_an_error(tmp_path):
    with pytest.raises(AdapterError):
        ad.adapt_queries(FakeEmbedder(), tmp_path / "missing")


def test_adapter_shipped_one_matches_the_manifest_model():
    """The adapter in the repo was trained on the model models/manifest.json names."""
    from rapport.models.build_embedder import MODEL_NAME, expected_manifest

    if not (ad.SHIPPED / ad.MANIFEST).exists():
        pytest.skip("no adapter shipped")
    want = f"{MODEL_NAME}@{expected_manifest()['weights_sha256'][:16]}"
    a = ad.load_adapter(ad.SHIPPED, want)
    assert a.dim == 384 and (ad.SHIPPED / ad.WEIGHTS).stat().st_size < 3_000_000


@pytest.mark.model
def test_adapter_on_real_model_moves_each_query_but_keeps_it_apart_from_others():
    """The trained residual is large (cosine to the stock query about 0.4), so what must hold
    is that an adapted query stays nearest its own stock vector, not that it stays close to it."""
    from rapport.models.embedder import is_available, load_embedder

    if not is_available() or not (ad.SHIPPED / ad.MANIFEST).exists():
        pytest.skip("real e5 model or shipped adapter missing")
    base = load_embedder()
    wrapped = ad.adapt_queries(base, True)
    texts = ["sjukfrånvaro bland personalen", "waiting times for surgery", "kostnader för hyrpersonal",
             "kollektivtrafikens resande"]
    q0, q1 = base.encode_queries(texts), wrapped.encode_queries(texts)
    sims = q1 @ q0.T
    assert list(sims.argmax(1)) == list(range(len(texts)))
    assert np.all(np.diag(sims) < 0.99999)
    assert wrapped.fingerprint == base.fingerprint
