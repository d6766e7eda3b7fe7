"""Searcher on bad and odd input: control characters, huge tokens, filtered compare, and the
no-good-match verdict every result set carries (df.attrs)."""
import json

import pytest

from rapport.index.match import Calibration
from rapport.index.query import QueryError
from rapport.index.search import build_or_load_index
from rapport.models.embedder import load_embedder
from tests.fixtures.tiny_model.build import tiny_model_dir
from tests.fixtures.tiny_model.reports import NORR, VAST, make_document

DOCS = [make_document("norr.txt", NORR),
        make_document("vast.txt", VAST, region="Västerbotten", kind="årsredovisning", period="2023")]
# decides on the lexical evidence alone: the tiny test model's cosines mean nothing
LEXICAL = Calibration(weights=(0.0, 0.0, 0.0, 4.0), bias=0.0, mean=(0.0, 0.0, 0.0, 0.5),
                      scale=(1.0, 1.0, 1.0, 0.25))


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    s = build_or_load_index(DOCS, tmp_path_factory.mktemp("idx") / "index", load_embedder(tiny_model_dir()))
    s.calibration = LEXICAL
    return s


def test_search_bounds_control_characters_are_spaces(searcher):
    plain = searcher.search("sjukfrånvaro medarbetare", k=3)
    odd = searcher.search("\x00sjuk\u00adfrånvaro\x07\tmedarbetare\x1b", k=3)
    assert odd[["doc", "start"]].values.tolist() == plain[["doc", "start"]].values.tolist()


@pytest.mark.parametrize("query", ["\x00\x01", "\u200b", "   "])
def test_search_bounds_nothing_to_search_is_a_query_error(searcher, query):
    with pytest.raises(QueryError):
        searcher.search(query)
    with pytest.raises(QueryError):
        searcher.compare(query)


@pytest.mark.parametrize("query", ["sjukfrånvaro" * 833, "kostnader " * 1000, "ö" * 10_000])
def test_search_bounds_ten_thousand_characters_answered(searcher, query):
    df = searcher.search(query, k=3)
    assert len(df) <= 3 and isinstance(df.attrs["no_good_match"], bool)


def test_search_bounds_over_the_limit_is_a_query_error(searcher):
    with pytest.raises(QueryError, match="at most"):
        searcher.search("a" * 10_001)


def test_search_compare_with_filters_under_copy_on_write(searcher):
    df = searcher.compare("ekonomi", by="region", k=2, filters={"period_from": "2022"})
    assert len(df) and set(df["group"]) <= {"Norrbotten", "Västerbotten"}
    by_doc = searcher.compare("ekonomi", by="doc", k=2, region="Västerbotten")
    assert set(by_doc["group"]) == {"vast.txt"}


def test_search_flags_nonsense_and_not_real_questions(searcher):
    real = searcher.search("sjukfrånvaro bland medarbetare", k=3)
    nonsense = searcher.search("qwxzy plokth", k=3)
    assert real.attrs["no_good_match"] is False and real.attrs["match"] > 0.5
    assert nonsense.attrs["no_good_match"] is True and nonsense.attrs["match"] < 0.5
    assert set(real.attrs["match_evidence"]) == {"dense_gap", "view_agreement", "lexical_agreement",
                                                 "lexical_coverage"}
    assert searcher.search("ekonomi", filters={"region": "Skåne"}).attrs["no_good_match"] is True


def test_search_flag_on_comparisons_and_groups(searcher):
    two = searcher.search("sjukfrånvaro Norrbotten jämfört med Västerbotten", k=4)
    assert two.attrs["no_good_match"] is False
    cmp = searcher.compare("qwxzy plokth", by="region", k=2)
    assert cmp.attrs["no_good_match"] is True and cmp.attrs["match"] is not None


def test_search_without_calibration_sets_no_flag(searcher):
    searcher.calibration = None
    try:
        df = searcher.search("qwxzy", k=2)
        assert df.attrs["match"] is None and df.attrs["no_good_match"] is False
    finally:
        searcher.calibration = LEXICAL


def test_search_attrs_and_records_are_strict_json(searcher):
    df = searcher.search("ekonomi resultat", k=5)
    body = {"attrs": df.attrs, "rows": df.to_dict("records")}
    json.dumps(body, allow_nan=False, ensure_ascii=False)


@pytest.mark.parametrize("query, col, value", [
    ("ekonomi resultat 2023", "period", "2023"),
    ("ekonomi resultat mellan 2021 och 2022", "period", "2022-08"),
    ("ekonomi i årsredovisningen", "kind", "årsredovisning"),
    ("economy in the interim report", "kind", "delårsrapport"),
])
def test_search_years_and_kinds_in_the_query_filter(searcher, query, col, value):
    df = searcher.search(query, k=5)
    assert len(df) and (df[col] == value).all()


def test_search_explicit_filters_win_over_the_query(searcher):
    df = searcher.search("ekonomi 2023", k=5, period_from="2022", period_to="2022")
    assert len(df) and (df["period"] == "2022-08").all()
    pq = searcher.parse("ekonomi 2031")  # a year no report has stays a word
    assert pq.period_from is None and pq.text == "ekonomi 2031"
