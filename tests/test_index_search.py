"""Searcher: result columns, filters, region understanding, compare, de-duplication."""
import pandas as pd
import pytest

from rapport.index.records import RESULT_COLUMNS
from rapport.index.search import build_or_load_index, looks_english
from rapport.models.embedder import is_available, load_embedder
from tests.fixtures.tiny_model.build import tiny_model_dir
from tests.fixtures.tiny_model.reports import NORR, VAST, make_document

DOCS = [make_document("norr.txt", NORR),
        make_document("vast.txt", VAST, region="Västerbotten", kind="årsredovisning", period="2023")]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    return build_or_load_index(DOCS, tmp_path_factory.mktemp("idx") / "index", load_embedder(tiny_model_dir()))


def test_search_returns_contract_columns(searcher):
    df = searcher.search("sjukfrånvaro", k=4)
    assert list(df.columns[: len(RESULT_COLUMNS)]) == RESULT_COLUMNS
    assert df["rank"].tolist() == list(range(1, len(df) + 1))
    assert df["score"].is_monotonic_decreasing
    doc_text = {d.name: d.text for d in DOCS}
    for r in df.itertuples():
        assert doc_text[r.doc][r.start:r.end] == r.text


def test_search_results_do_not_overlap(searcher):
    df = searcher.search("sjukfrånvaro medarbetare frånvaro", k=10)
    for d, g in df.groupby("doc"):
        spans = sorted(zip(g["start"], g["end"]))
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_search_bm25_finds_compound_parts(searcher):
    df = searcher.search("korttidssjukfrånvaro", k=3, mode="bm25")
    assert len(df) and df["text"].str.contains("sjukfrånvaro|Korttid", case=False).all()


@pytest.mark.parametrize("filters, col, value", [
    ({"region": "Västerbotten"}, "region", "Västerbotten"),
    ({"doc": "norr.txt"}, "doc", "norr.txt"),
    ({"kind": "årsredovisning"}, "kind", "årsredovisning"),
    ({"period_from": "2023"}, "period", "2023"),
])
def test_search_filters(searcher, filters, col, value):
    df = searcher.search("ekonomi resultat", k=10, filters=filters)
    assert len(df) and (df[col] == value).all()


def test_search_section_filter(searcher):
    df = searcher.search("kostnader", k=10, filters={"section": "hyrpersonal"})
    assert len(df) and df["section"].str.contains("Hyrpersonal").all()


def test_search_region_in_query_becomes_filter(searcher):
    df = searcher.search("sjukfrånvaro i Västerbotten", k=5)
    assert len(df) and (df["region"] == "Västerbotten").all()


def test_search_two_regions_alternate(searcher):
    df = searcher.search("sjukfrånvaro Norrbotten jämfört med Västerbotten", k=4)
    assert df["region"].tolist()[:2] == ["Norrbotten", "Västerbotten"]


def test_search_compare_by_region(searcher):
    df = searcher.compare("ekonomiskt resultat Norrbotten jämfört med Västerbotten", by="region", k=2)
    assert df["group"].unique().tolist() == ["Norrbotten", "Västerbotten"]
    assert (df["group"] == df["region"]).all()
    assert df.groupby("group")["rank"].min().eq(1).all()
    all_groups = searcher.compare("ekonomi", k=1)
    assert sorted(all_groups["group"]) == ["Norrbotten", "Västerbotten"]
    assert set(searcher.compare("ekonomi", by="doc", k=1)["group"]) == {"norr.txt", "vast.txt"}


def test_search_empty_filter_result_is_empty_frame(searcher):
    df = searcher.search("ekonomi", filters={"region": "Skåne"})
    assert isinstance(df, pd.DataFrame) and df.empty and list(df.columns[:3]) == ["rank", "score", "doc"]


def test_search_rejects_unknown_mode(searcher):
    with pytest.raises(ValueError):
        searcher.search("x", mode="magic")


def test_search_detects_english():
    assert looks_english("sick leave among staff")
    assert not looks_english("sjukfrånvaro bland personalen")


@pytest.mark.model
@pytest.mark.skipif(not is_available(), reason="real e5 model not built: run `make setup`")
def test_search_real_model_answers_paraphrase_and_english(tmp_path):
    s = build_or_load_index(DOCS, tmp_path / "idx", load_embedder())
    top = s.search("bussresenärerna är nöjda", k=1, mode="dense").iloc[0]
    assert "resenär" in top["text"]
    top = s.search("budget deficit", k=1).iloc[0]
    assert "underskott" in top["text"]


def test_search_filters_as_keywords_and_json_records(searcher):
    import json

    df = searcher.search("ekonomi", k=3, region="Norrbotten", period_from="2022")
    assert len(df) and (df["region"] == "Norrbotten").all()
    json.dumps(df.to_dict("records"), ensure_ascii=False)  # no numpy / pd.NA values
    with pytest.raises(TypeError, match="unknown filter"):
        searcher.search("ekonomi", colour="blue")
