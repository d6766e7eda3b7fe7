"""The content-keyed index: reuse by content, incremental builds, rebuild on model/settings change, round trip."""
import shutil
from dataclasses import replace

import pytest

from rapport.index.generations import CURRENT, GENS, read_current
from rapport.index.search import Searcher, build_or_load_index
from rapport.index.store import (SCHEMA_VERSION, IndexStoreError, PassageConfig, build_index, generation_dir,
                                 index_key, load_parts, read_manifest)
from rapport.models.embedder import load_embedder
from tests.fixtures.tiny_model.build import tiny_model_dir
from tests.fixtures.tiny_model.reports import NORR, VAST, make_document


@pytest.fixture(scope="module")
def tiny():
    return load_embedder(tiny_model_dir())


def _vast(extra=None, path=None):
    parts = VAST if extra is None else VAST[:-1] + [("p", extra)]
    return make_document("vast.txt", parts, region="Västerbotten", kind="årsredovisning", period="2023", path=path)


@pytest.fixture()
def docs():
    return [make_document("norr.txt", NORR), _vast()]


class CountingEmbedder:
    """Wraps the tiny embedder and counts how many passages it was asked to embed."""

    def __init__(self, inner, fingerprint=None):
        self.inner, self.calls = inner, 0
        self.name, self.dim, self.weights_sha256 = inner.name, inner.dim, inner.weights_sha256
        self.fingerprint = fingerprint or inner.fingerprint

    def encode_passages(self, texts, **kw):
        self.calls += len(texts)
        return self.inner.encode_passages(texts, **kw)

    def encode_queries(self, texts, **kw):
        return self.inner.encode_queries(texts, **kw)


def _gens(root):
    return sorted(p.name for p in (root / GENS).iterdir())


def test_store_manifest_records_model_schema_and_hashes(tmp_path, docs, tiny):
    m = build_index(docs, tmp_path / "idx", tiny)
    assert m["schema_version"] == SCHEMA_VERSION and m["key"] == index_key(docs, tiny)
    assert m["model"]["fingerprint"] == tiny.fingerprint
    assert set(m["documents"]) == {"norr.txt", "vast.txt"}
    assert all(len(d["passages_sha256"]) == 64 for d in m["documents"].values())
    assert m["counts"]["passages"] == sum(d["passages"] for d in m["documents"].values())
    gdir = generation_dir(tmp_path / "idx", m)
    listed = {p.relative_to(gdir).as_posix() for p in gdir.rglob("*") if p.is_file()} - {"manifest.json", ".verified"}
    assert set(m["files"]) == listed and "passages.parquet" in listed
    assert all(f["size"] == (gdir / n).stat().st_size and len(f["sha256"]) == 64 for n, f in m["files"].items())
    assert read_current(tmp_path / "idx") == m["key"]
    assert read_manifest(tmp_path / "idx") == m == read_manifest(gdir)
    assert not [p for p in (tmp_path / "idx").iterdir() if p.name.startswith(".")]  # no temp folders left


def test_store_reuses_unchanged_index(tmp_path, docs, tiny):
    emb = CountingEmbedder(tiny)
    m = build_index(docs, tmp_path / "idx", emb)
    first = emb.calls
    manifest_file = generation_dir(tmp_path / "idx", m) / "manifest.json"
    mtime = manifest_file.stat().st_mtime_ns
    assert build_index(docs, tmp_path / "idx", emb) == m
    assert emb.calls == first and manifest_file.stat().st_mtime_ns == mtime


def test_store_key_ignores_where_reports_are(tmp_path, tiny):
    here = [make_document("norr.txt", NORR, path="/a/norr.txt"), _vast(path="/a/vast.txt")]
    moved = [_vast(path="/elsewhere/b/vast.txt"), make_document("norr.txt", NORR, path="/elsewhere/b/norr.txt")]
    emb = CountingEmbedder(tiny)
    build_index(here, tmp_path / "idx", emb)
    n = emb.calls
    build_index(moved, tmp_path / "idx", emb)
    assert emb.calls == n and len(_gens(tmp_path / "idx")) == 1
    # content, region/kind/period and the name are part of it; the path is not
    assert index_key(here, tiny) == index_key(moved, tiny)
    assert index_key([here[0], _vast("Ny mening om ekonomin.")], tiny) != index_key(here, tiny)
    relabelled = make_document("norr.txt", NORR, region="Västerbotten")
    assert index_key([relabelled, here[1]], tiny) != index_key(here, tiny)


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
    n2 = emb.calls
    build_index([docs[0], _vast("Regionen redovisar ett underskott i år.")], tmp_path / "idx", emb, log=msgs.append)
    assert 0 < emb.calls - n2 < n_vast
    assert "1 changed" in msgs[-1]
    n3 = emb.calls
    changed = _vast("Regionen redovisar ett underskott i år.")
    m3 = build_index([changed], tmp_path / "idx", emb, log=msgs.append)
    assert set(m3["documents"]) == {"vast.txt"} and "1 removed" in msgs[-1]
    assert emb.calls == n3  # removing a report embeds nothing
    _, df, _, views_ = load_parts(tmp_path / "idx")
    assert set(df["doc"]) == {"vast.txt"} and all(v.n == len(df) for v in views_.values())
    # back to a set of reports seen before: its generation is still there, opened as it was
    n_msgs = len(msgs)
    assert build_index(docs[:1], tmp_path / "idx", emb, log=msgs.append)["key"] == index_key(docs[:1], tiny)
    assert emb.calls == n3 and len(msgs) == n_msgs


def test_store_rebuilds_with_message_when_model_changed(tmp_path, docs, tiny):
    build_index(docs, tmp_path / "idx", tiny)
    other = CountingEmbedder(tiny, fingerprint="other-model@0000")
    msgs = []
    m = build_index(docs, tmp_path / "idx", other, log=msgs.append)
    assert "rebuilding" in msgs[0] and tiny.fingerprint in msgs[0]
    assert other.calls > 0  # another model's vectors are never reused
    assert m["model"]["fingerprint"] == "other-model@0000" and len(_gens(tmp_path / "idx")) == 2


def test_store_passage_settings_change_triggers_rebuild(tmp_path, docs, tiny):
    build_index(docs, tmp_path / "idx", tiny)
    msgs = []
    build_index(docs, tmp_path / "idx", tiny, config=replace(PassageConfig(), stride=2), log=msgs.append)
    assert "passage settings changed" in msgs[0]


def test_store_round_trip_gives_identical_hits(tmp_path, docs, tiny):
    s1 = build_or_load_index(docs, tmp_path / "idx", tiny)
    shutil.copytree(s1.index_dir, tmp_path / "copy" / GENS / s1.index_dir.name)
    (tmp_path / "copy" / CURRENT).write_text(f"{GENS}/{s1.index_dir.name}\n")
    s2 = Searcher(tmp_path / "copy", tiny)
    for q in ("sjukfrånvaro", "underskott i ekonomin", "elbussar"):
        a, b = s1.search(q, 5), s2.search(q, 5)
        assert a[["doc", "start", "end"]].equals(b[["doc", "start", "end"]])
        assert a["score"].tolist() == b["score"].tolist()


def test_store_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexStoreError, match="no index"):
        load_parts(tmp_path / "nothing")


def test_store_older_layout_is_rebuilt_and_refused_by_readers(tmp_path, docs, tiny):
    old = tmp_path / "idx"
    old.mkdir()
    (old / "manifest.json").write_text('{"schema_version": 1, "documents": {}}')
    with pytest.raises(IndexStoreError, match="older layout"):
        load_parts(old)
    msgs = []
    build_index(docs, old, tiny, log=msgs.append)
    assert "older index layout" in msgs[0]
    assert load_parts(old)[0]["schema_version"] == SCHEMA_VERSION


def test_store_failed_write_leaves_old_index(tmp_path, docs, tiny, monkeypatch):
    m = build_index(docs[:1], tmp_path / "idx", tiny)

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr("rapport.index.dense.DenseIndex.save", boom)
    with pytest.raises(IndexStoreError, match="disk full.*previous one is kept"):
        build_index(docs, tmp_path / "idx", tiny)
    assert read_manifest(tmp_path / "idx") == m
    assert _gens(tmp_path / "idx") == [m["key"]]
    assert not [p for p in (tmp_path / "idx").iterdir() if p.name.startswith(".tmp")]


def test_store_read_only_folder_serves_its_sound_generation(tmp_path, docs, tiny, monkeypatch):
    m = build_index(docs, tmp_path / "idx", tiny)

    def no_write(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("rapport.index.generations._lock", no_write)
    assert build_index(docs, tmp_path / "idx", tiny) == m
    with pytest.raises(IndexStoreError, match="cannot write index .*Permission denied"):
        build_index(docs[:1], tmp_path / "idx", tiny)


def test_store_text_view_is_embedded_once_and_searched(tmp_path, docs, tiny):
    emb = CountingEmbedder(tiny)
    build_index(docs, tmp_path / "idx", emb, config=PassageConfig(dense_views=("context",), context_vectors="embedded"))
    n = read_manifest(tmp_path / "idx")["counts"]["passages"]
    first = emb.calls
    both = PassageConfig(dense_views=("context", "text"), context_vectors="embedded")
    m = build_index(docs, tmp_path / "idx", emb, config=both)
    # the context vectors are reused; only the passage-alone texts are new
    assert 0 < emb.calls - first <= n
    # a derived context view is made of the text view's vectors: adding that view embeds nothing
    derived = emb.calls
    build_index(docs, tmp_path / "idx2", emb, config=PassageConfig(dense_views=("context",)))
    build_index(docs, tmp_path / "idx2", emb, config=PassageConfig(dense_views=("context", "text")))
    assert emb.calls - derived == read_manifest(tmp_path / "idx2")["build"]["texts"] < 2 * n
    assert m["passages_config"]["dense_views"] == ["context", "text"]
    assert "embeddings_text.npy" in m["files"]
    _, df, _, views = load_parts(tmp_path / "idx")
    assert set(views) == {"context", "text"} and views["text"].n == len(df)
    assert load_parts(tmp_path / "idx", dense=False)[3] == {}
    again = emb.calls
    build_index(docs, tmp_path / "idx", emb, config=both)  # the list/tuple round trip is not a change
    assert emb.calls == again
    s = Searcher(tmp_path / "idx", tiny)
    assert len(s.search("sjukfrånvaro", k=3)) == 3


def test_store_extra_writer_files_are_part_of_the_generation(tmp_path, docs, tiny):
    seen = {}

    def writer(folder, passages, vectors):
        seen.update(rows=len(passages), views=sorted(vectors), dim=vectors["context"].shape[1])
        (folder / "backend").mkdir()
        (folder / "backend" / "data.bin").write_bytes(b"x" * 100)

    m = build_index(docs, tmp_path / "idx", tiny, extra_writer=writer)
    assert seen == {"rows": m["counts"]["passages"], "views": ["context", "text"], "dim": tiny.dim}
    assert m["files"]["backend/data.bin"]["size"] == 100


@pytest.mark.model
def test_store_real_model_copied_corpus_reuses_index(tmp_path, app_home):
    """The path users take: files on disk, read through the app cache, the e5 model; a copy embeds nothing."""
    from rapport.app import cache

    src = tmp_path / "a"
    src.mkdir()
    (src / "rapport.txt").write_text("Ekonomi\n\nRegionen redovisar ett överskott. Sjukfrånvaron minskade under året.\n",
                                     encoding="utf-8")
    shutil.copytree(src, tmp_path / "b")
    emb = CountingEmbedder(load_embedder())
    docs_a, _ = cache.load_documents([src])
    m = build_index(docs_a, tmp_path / "idx", emb)
    n = emb.calls
    docs_b, _ = cache.load_documents([tmp_path / "b"])
    assert build_index(docs_b, tmp_path / "idx", emb) == m and emb.calls == n > 0


def test_store_update_analyses_only_changed_reports_and_equals_a_cold_build(tmp_path, docs, tiny, monkeypatch):
    from rapport.index import analyze

    calls = []
    real = analyze.Analyzer.__call__
    monkeypatch.setattr(analyze.Analyzer, "__call__", lambda self, text: calls.append(text) or real(self, text))
    build_index(docs[:1], tmp_path / "idx", tiny)
    n_norr = len(calls)
    m = build_index(docs, tmp_path / "idx", tiny)
    assert len(calls) - n_norr == m["documents"]["vast.txt"]["passages"] == m["build"]["analysed"]
    warm = load_parts(tmp_path / "idx")
    cold_m = build_index(docs, tmp_path / "cold", tiny)
    assert cold_m["build"]["analysed"] == cold_m["counts"]["passages"]
    cold = load_parts(tmp_path / "cold")
    assert warm[1].equals(cold[1])
    for q in ("underskott budget", "sjukfrånvaro personal", "vårdplatser"):
        assert list(warm[2].scores(q)) == list(cold[2].scores(q))


def test_store_damaged_terms_file_is_analysed_again(tmp_path, docs, tiny):
    m = build_index(docs[:1], tmp_path / "idx", tiny)
    (generation_dir(tmp_path / "idx", m) / "terms.parquet").write_bytes(b"not parquet")
    m2 = build_index(docs, tmp_path / "idx", tiny)
    assert m2["build"]["analysed"] == m2["counts"]["passages"]  # nothing reused from a file its manifest disowns
