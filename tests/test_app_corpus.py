"""rapport.open: lazy loading, typed frames, search/compare frames with citations, filter checks, no load race."""
from __future__ import annotations

import threading

import pandas as pd
import pytest

import rapport
from rapport.app.corpus import Corpus, CorpusError
from tests.conftest import SAMPLE


def test_corpus_open_reads_nothing_until_used(app_home):
    c = rapport.open([SAMPLE])
    assert "not read yet" in repr(c)
    assert len(c.documents) == 5
    text = repr(c)
    assert "5 reports" in text and "Norrbotten 2" in text and len(text) < 300


def test_corpus_documents_have_contract_columns(sample_app_corpus):
    docs = sample_app_corpus.documents
    assert list(docs.columns[:7]) == ["doc", "region", "kind", "period", "pages", "sha256", "warnings"]
    assert docs["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert str(docs["pages"].dtype) == "Int64"


def test_corpus_facts_are_typed_and_carry_period(sample_app_corpus):
    c = sample_app_corpus
    for kind in ("goal_assessments", "aggregates", "targets", "risks", "events", "links"):
        df = c.facts(kind)
        assert len(df) and df["period"].notna().all(), kind
        assert str(df["page"].dtype) == "Int64"
    assert isinstance(c.goal_assessments["status"].dtype, pd.CategoricalDtype)
    ev = c.events
    assert {"date_start", "date_end"} <= set(ev.columns)
    dated = ev[ev["date_start"].notna()]
    assert len(dated) and (dated["date_start"] <= dated["date_end"]).all()
    assert pd.api.types.is_datetime64_any_dtype(ev["date_start"])


def test_corpus_tables_carry_region_and_period(sample_app_corpus):
    t = sample_app_corpus.tables
    assert {"region", "period", "table", "row", "column", "value", "check"} <= set(t.columns)
    assert t["region"].notna().all() and t["period"].notna().all()


def test_corpus_search_returns_cited_passages(sample_app_corpus):
    hits = sample_app_corpus.search("sjukfrånvaro bland personalen", k=4, region="Norrbotten")
    assert 1 <= len(hits) <= 4 and set(hits["region"]) == {"Norrbotten"}
    assert hits["citation"].str.startswith(tuple(hits["doc"])).all()
    assert list(hits["rank"]) == list(range(1, len(hits) + 1))


def test_corpus_compare_long_form_by_each_grouping(sample_app_corpus):
    c = sample_app_corpus
    for by, groups in (("region", {"Norrbotten", "Västerbotten"}), ("doc", set(c.documents["doc"])),
                       ("period", set(c.documents["period"])), ("kind", set(c.documents["kind"]))):
        df = c.compare("ekonomi i balans", by=by, k=2)
        assert set(df["group"]) == groups, by
        passages = df[df["what"] == "passage"]
        assert passages.groupby("group").size().max() <= 2
        assert {"doc", "page", "start", "end", "citation", "text"} <= set(df.columns)
    facts = c.compare("ekonomi i balans", by="region", k=3)
    assert set(facts["what"]) - {"passage"}, "facts that bear on the query are listed"


@pytest.mark.parametrize("kw,msg", [({"region": "Skåne"}, "known: Norrbotten, Västerbotten"),
                                    ({"period_from": "augusti"}, "period_from"),
                                    ({"colour": "red"}, "unknown filter")])
def test_corpus_bad_filters_name_the_known_values(sample_app_corpus, kw, msg):
    with pytest.raises(CorpusError, match=msg):
        sample_app_corpus.search("ekonomi", **kw)


@pytest.mark.parametrize("query,k", [("", 5), ("   ", 5), ("x" * 5000, 5), ("ekonomi", 0), ("ekonomi", True)])
def test_corpus_bad_queries_rejected(sample_app_corpus, query, k):
    with pytest.raises(CorpusError):
        sample_app_corpus.search(query, k=k)


def test_corpus_compare_rejects_unknown_grouping(sample_app_corpus):
    with pytest.raises(CorpusError, match="region, period, doc, kind"):
        sample_app_corpus.compare("ekonomi", by="colour")


def test_corpus_concurrent_first_use_loads_once(app_home, monkeypatch):
    from rapport.app import cache

    calls = []
    real = cache.load_documents
    monkeypatch.setattr(cache, "load_documents", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    c = Corpus([SAMPLE])
    results, errors = [], []

    def use():
        try:
            results.append(len(c.documents))
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and results == [5] * 8 and len(calls) == 1


def test_corpus_context_frames_the_passage(sample_app_corpus):
    c = sample_app_corpus
    d = c.docs[0]
    s = d.sentences[3]
    ctx = c.context(d.name, s.start, s.end, width=100)
    assert ctx["text"] == d.text[s.start:s.end]
    assert ctx["before"] == d.text[max(0, s.start - 100):s.start]
    with pytest.raises(CorpusError):
        c.context(d.name, 10, len(d.text) + 5)
    with pytest.raises(CorpusError, match="unknown doc"):
        c.context("saknas.txt", 0, 1)


def test_corpus_without_readable_reports_says_why(app_home, tmp_path):
    c = rapport.open([tmp_path / "saknas"])
    assert c.documents.empty
    with pytest.raises(CorpusError, match="saknas"):
        c.search("ekonomi")


def test_corpus_cache_misses_on_edit_and_survives_damage(app_home, tmp_path):
    from rapport.app import cache

    src = tmp_path / "rapport.txt"
    src.write_text("Region Norrbotten\nDelårsrapport januari–augusti 2022\n\nKostnaderna ökar snabbt.\n",
                   encoding="utf-8")
    (a,), _ = cache.load_documents([src])
    (b,), _ = cache.load_documents([src])
    assert a.text == b.text and a.sha256 == b.sha256
    src.write_text(src.read_text(encoding="utf-8") + "Intäkterna minskar.\n", encoding="utf-8")
    (c,), _ = cache.load_documents([src])
    assert "Intäkterna" in c.text and c.sha256 != a.sha256  # an edited report is read again
    for p in (app_home / "cache" / "docs").glob("*.pkl"):
        p.write_bytes(b"garbage")
    (d,), errors = cache.load_documents([src])
    assert d.text == c.text and not errors  # a damaged entry is a miss, not an error
