"""A corpus whose index exists opens it without cutting the reports into passages again."""
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
