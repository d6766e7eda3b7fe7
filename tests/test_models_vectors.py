"""The content-keyed vector cache: each distinct (kind, text) is embedded once, across calls and processes."""
import numpy as np
import pytest

from rapport.models.vectors import VectorCache, encode_cached, text_key


def _fake_encoder(calls):
    def encode(texts):
        calls.append(list(texts))
        return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)
    return encode


def test_vectors_each_text_embedded_once(tmp_path):
    cache = VectorCache("m@1", 3, root=tmp_path)
    calls = []
    a = encode_cached(["ab", "abc", "ab"], "passage", _fake_encoder(calls), cache)
    assert calls == [["ab", "abc"]]
    assert a.shape == (3, 3) and (a[0] == a[2]).all()
    b = encode_cached(["abc", "x"], "passage", _fake_encoder(calls), cache)
    assert calls[-1] == ["x"] and (b[0] == a[1]).all()
    assert len(cache) == 3


def test_vectors_kind_and_model_keep_apart(tmp_path):
    assert text_key("query", "x") != text_key("passage", "x")
    calls = []
    encode_cached(["x"], "passage", _fake_encoder(calls), VectorCache("m@1", 3, root=tmp_path))
    encode_cached(["x"], "query", _fake_encoder(calls), VectorCache("m@1", 3, root=tmp_path))
    encode_cached(["x"], "passage", _fake_encoder(calls), VectorCache("m@2", 3, root=tmp_path))
    assert len(calls) == 3


def test_vectors_shape_checked_and_foreign_rows_are_misses(tmp_path):
    cache = VectorCache("m@1", 3, root=tmp_path)
    with pytest.raises(ValueError):
        cache.put_many(["k"], np.zeros((1, 4), dtype=np.float32))
    cache._db.execute("INSERT INTO vec VALUES (?, ?)", ("torn", b"\x00\x01"))
    assert cache.get_many(["torn"]) == {}


def test_vectors_unknown_kind_is_an_error():
    with pytest.raises(ValueError):
        text_key("document", "x")
