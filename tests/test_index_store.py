"""The index folder: atomic build, reuse, incremental update, rebuild on model change, round trip."""
import json
import shutil
from dataclasses import replace

import pytest

from rapport.index.search import Searcher, build_or_load_index
from rapport.index.store import SCHEMA_VERSION, IndexStoreError, PassageConfig, build_index, load_parts, read_manifest
from rapport.models.embedder import load_embedder
from tests.fixtures.tiny_model.build import tiny_model_dir
from tests.fixtures.tiny_model.reports import NORR, VAST, make_document


@pytest.fixture(scope="module")
def tiny():
    return load_embedder(tiny_model_dir())


@pytest.fixture()
def docs():
    return [make_document("norr.txt", NORR), make_document("vast.txt", VAST, region="Västerbotten",
                                                           kind="årsredovisning", period="2023")]


class CountingEmbedder:
    """Wraps the tiny embedder and counts how many passages it was asked to embed."""

    def __init__(self, inner):
        self.inner, self.calls = inner, 0
        self.name, self.dim, self.weights_sha256 = inner.name, inner.dim, inner.weights_sha256
        self.fingerprint = inner.fingerprint

    def encode_passages(self, texts, **kw):
        self.calls += len(texts)
        return self.inner.encode_passages(texts, **kw)

    def encode_queries(self, texts, **kw):
        return self.inner.encode_queries(texts, **kw)


def test_store_manifest_records_model_schema_and_hashes(tmp_path, docs, tiny):
    m = build_index(docs, tmp_path / "idx", tiny)
    assert m["schema_version"] == SCHEMA_VERSION
    assert m["model"]["fingerprint"] == tiny.fingerprint
    assert set(m["documents"]) == {"norr.txt", "vast.txt"}
    assert all(len(d["passages_sha256"]) == 64 for d in m["documents"].values())
    assert m["counts"]["passages"] == sum(d["passages"] for d in m["documents"].values())
    assert read_manifest(tmp_path / "idx") == m
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp folders left


def test_store_reuses_unchanged_index(tmp_path, docs, tiny):
    emb = CountingEmbedder(tiny)
    build_index(docs, tmp_path / "idx", emb)
    first = emb.calls
    mtime = (tmp_path / "idx" / "manifest.json").stat().st_mtime_ns
    build_index(docs, tmp_path / "idx", emb)
    assert emb.calls == first and (tmp_path / "idx" / "manifest.json").stat().st_mtime_ns == mtime


def test_store_incremental_update_embeds_only_new_passages(tmp_path, docs, tiny):
    emb = CountingEmbedder(tiny)
    build_index(docs[:1], tmp_path / "idx", emb)
    n1 = emb.calls
    msgs = []
    m = build_index(docs, tmp_path / "idx", emb, log=msgs.append)
    n_vast = m["documents"]["vast.txt"]["passages"]
    views = len(PassageConfig().dense_views)
    assert n_vast <= emb.calls - n1 <= views * n_vast  # one text per view (fewer when two views coincide)
    assert "1 added" in msgs[0]
    # change one report: only its changed passages are embedded again
    changed = make_document("vast.txt", VAST[:-1] + [("p", "Regionen redovisar ett underskott i år.")],
                            region="Västerbotten", kind="årsredovisning", period="2023")
    n2 = emb.calls
    build_index([docs[0], changed], tmp_path / "idx", emb, log=msgs.append)
    assert 0 < emb.calls - n2 < n_vast
    assert "1 changed" in msgs[-1]
    m3 = build_index([docs[0]], tmp_path / "idx", emb, log=msgs.append)
    assert set(m3["documents"]) == {"norr.txt"} and "1 removed" in msgs[-1]


def test_store_rebuilds_with_message_when_model_or_schema_changed(tmp_path, docs, tiny):
    build_index(docs, tmp_path / "idx", tiny)
    man = json.loads((tmp_path / "idx" / "manifest.json").read_text())
    man["model"]["fingerprint"] = "other-model@0000"
    (tmp_path / "idx" / "manifest.json").write_text(json.dumps(man))
    msgs = []
    build_index(docs, tmp_path / "idx", tiny, log=msgs.append)
    assert "rebuilding" in msgs[0] and "other-model" in msgs[0]
    man = read_manifest(tmp_path / "idx")
    man["schema_version"] = 0
    (tmp_path / "idx" / "manifest.json").write_text(json.dumps(man))
    with pytest.raises(IndexStoreError, match="schema"):
        load_parts(tmp_path / "idx")
    n = len(msgs)
    build_index(docs, tmp_path / "idx", tiny, log=msgs.append)
    assert "rebuilding" in msgs[n] and "schema" in msgs[n]
    assert read_manifest(tmp_path / "idx")["schema_version"] == SCHEMA_VERSION
    assert "embedding" in msgs[-1]  # vectors of another schema are not reused


def test_store_passage_settings_change_triggers_rebuild(tmp_path, docs, tiny):
    build_index(docs, tmp_path / "idx", tiny)
    msgs = []
    build_index(docs, tmp_path / "idx", tiny, config=replace(PassageConfig(), stride=2), log=msgs.append)
    assert "passage settings changed" in msgs[0]


def test_store_round_trip_gives_identical_hits(tmp_path, docs, tiny):
    s1 = build_or_load_index(docs, tmp_path / "idx", tiny)
    shutil.copytree(tmp_path / "idx", tmp_path / "copy")
    s2 = Searcher(tmp_path / "copy", tiny)
    for q in ("sjukfrånvaro", "underskott i ekonomin", "elbussar"):
        a, b = s1.search(q, 5), s2.search(q, 5)
        assert a[["doc", "start", "end"]].equals(b[["doc", "start", "end"]])
        assert a["score"].tolist() == b["score"].tolist()


def test_store_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexStoreError, match="no index"):
        load_parts(tmp_path / "nothing")


def test_store_failed_write_leaves_old_index(tmp_path, docs, tiny, monkeypatch):
    build_index(docs[:1], tmp_path / "idx", tiny)
    before = read_manifest(tmp_path / "idx")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr("rapport.index.dense.DenseIndex.save", boom)
    with pytest.raises(OSError):
        build_index(docs, tmp_path / "idx", tiny)
    assert read_manifest(tmp_path / "idx") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx"]


def test_store_text_view_is_embedded_once_and_searched(tmp_path, docs, tiny):
    emb = CountingEmbedder(tiny)
    build_index(docs, tmp_path / "idx", emb, config=PassageConfig(dense_views=("context",)))
    n = read_manifest(tmp_path / "idx")["counts"]["passages"]
    first = emb.calls
    both = PassageConfig(dense_views=("context", "text"))
    m = build_index(docs, tmp_path / "idx", emb, config=both)
    # the context vectors are reused; only the passage-alone texts are new
    assert 0 < emb.calls - first <= n
    assert m["passages_config"]["dense_views"] == ["context", "text"]
    assert (tmp_path / "idx" / "embeddings_text.npy").exists()
    _, df, _, views = load_parts(tmp_path / "idx")
    assert set(views) == {"context", "text"} and views["text"].n == len(df)
    again = emb.calls
    build_index(docs, tmp_path / "idx", emb, config=both)  # the list/tuple round trip is not a change
    assert emb.calls == again
    s = Searcher(tmp_path / "idx", tiny)
    assert len(s.search("sjukfrånvaro", k=3)) == 3
