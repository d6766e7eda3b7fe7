"""A search in a new process reuses what an earlier one computed: the index key, the query vector."""
from __future__ import annotations

import shutil

import pytest

from rapport.app.corpus import Corpus
from tests.conftest import SAMPLE

FILES = ["norrbotten_delarsrapport_2022-08.txt", "vasterbotten_delarsrapport_2022-08.txt"]


@pytest.fixture
def corpus_dir(tmp_path):
    d = tmp_path / "reports"
    d.mkdir()
    for name in FILES:
        shutil.copy(SAMPLE / name, d / name)
    return d


def _ids(hits) -> list:
    return list(zip(hits["doc"], hits["start"], hits["end"]))


def _open(corpus_dir, index_dir) -> Corpus:
    from tests.fixtures.tiny_model.build import tiny_model_dir

    return Corpus([corpus_dir], model=tiny_model_dir(), index_dir=index_dir)


@pytest.fixture
def cuts(monkeypatch):
    """How often the index store cut documents into passages (to find or build an index)."""
    import rapport.index.store as store

    calls = []
    real = store._cut
    monkeypatch.setattr(store, "_cut", lambda docs, config: calls.append(len(docs)) or real(docs, config))
    return calls


def test_cache_index_reopen_skips_cutting_and_ranks_the_same(app_home, corpus_dir, tmp_path, cuts):
    first = _ids(_open(corpus_dir, tmp_path / "idx").search("sjukfrånvaro bland personalen", k=10))
    assert cuts == [2]
    again = _ids(_open(corpus_dir, tmp_path / "idx").search("sjukfrånvaro bland personalen", k=10))
    assert cuts == [2] and again == first and len(first) == 10


def test_cache_index_edited_report_is_cut_and_indexed_again(app_home, corpus_dir, tmp_path, cuts):
    _open(corpus_dir, tmp_path / "idx").searcher
    report = corpus_dir / FILES[0]
    report.write_text(report.read_text(encoding="utf-8") + "\nKöerna till hörselvården har blivit kortare.\n",
                      encoding="utf-8")
    searcher = _open(corpus_dir, tmp_path / "idx").searcher
    assert cuts == [2, 2]
    assert searcher.passages["text"].str.contains("hörselvården").any()


def test_cache_index_removed_generation_is_rebuilt(app_home, corpus_dir, tmp_path, cuts):
    first = _open(corpus_dir, tmp_path / "idx").searcher
    shutil.rmtree(first.index_dir)
    again = _open(corpus_dir, tmp_path / "idx")
    assert len(again.search("ekonomi i balans", k=5)) == 5 and cuts == [2, 2]
    assert again.searcher.index_dir == first.index_dir  # the same content makes the same generation


def test_cache_index_other_folder_builds_its_own(app_home, corpus_dir, tmp_path, cuts):
    _open(corpus_dir, tmp_path / "idx").searcher
    other = _open(corpus_dir, tmp_path / "elsewhere").searcher
    assert cuts == [2, 2] and other.index_dir.parent.parent == tmp_path / "elsewhere"


# queries no other test asks (the tiny model's vector store lives as long as the test session)
ASKED, NEW = "personalens sjukfrånvaro i juli jämfört med juni", "hörselvårdens väntetider under vintern"


def _join_warm_ups() -> None:
    import threading

    for t in threading.enumerate():
        if t.name == "rapport-warm":
            t.join()


@pytest.fixture
def encoder_loads(monkeypatch):
    """Calls that load or run the query encoder (the warm-up thread included)."""
    from rapport.models.embedder import LazyEmbedder

    calls = []
    for name in ("encode_queries", "warm_quietly"):
        real = getattr(LazyEmbedder, name)
        monkeypatch.setattr(LazyEmbedder, name,
                            lambda self, *a, _real=real, _name=name, **kw: calls.append(_name) or _real(self, *a, **kw))
    return calls


def test_cache_query_vector_asked_again_loads_no_encoder(app_home, corpus_dir, tmp_path, encoder_loads):
    first = _ids(_open(corpus_dir, tmp_path / "idx").search(ASKED, k=10))
    assert "encode_queries" in encoder_loads
    _join_warm_ups()
    encoder_loads.clear()
    again = _open(corpus_dir, tmp_path / "idx")
    assert _ids(again.search(ASKED, k=10)) == first
    assert encoder_loads == []  # the vector came from the store: no tokenizer, no session, no warm-up
    again.compare(ASKED, by="region", k=2)
    assert encoder_loads == []
    again.search(NEW, k=3)
    assert encoder_loads == ["encode_queries"]  # a new query is encoded


def test_cache_query_vectors_unusable_store_still_answers(app_home, corpus_dir, tmp_path, monkeypatch):
    import sqlite3

    from rapport.models.vectors import VectorCache

    def broken(self, keys):
        raise sqlite3.OperationalError("database disk image is malformed")

    monkeypatch.setattr(VectorCache, "get_many", broken)
    hits = _open(corpus_dir, tmp_path / "idx").search("ekonomi i balans", k=4)
    assert len(hits) == 4


def test_cache_query_store_switched_off_encodes_every_time(app_home, corpus_dir, tmp_path, encoder_loads, monkeypatch):
    from rapport.app.cache import QUERY_STORE_ENV

    monkeypatch.setenv(QUERY_STORE_ENV, "0")
    _open(corpus_dir, tmp_path / "idx").search(ASKED, k=2)
    encoder_loads.clear()
    _open(corpus_dir, tmp_path / "idx").search(ASKED, k=2)
    _join_warm_ups()
    assert "encode_queries" in encoder_loads and "warm_quietly" in encoder_loads  # loaded beside the index
