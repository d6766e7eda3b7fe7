"""The national prior: national texts (no region) weigh less unless the query asks for them."""
import numpy as np
import pytest

from rapport.index.prior import DEFAULT_FACTOR, ENV, PriorError, apply_prior, factor_from_env, parse_factor
from rapport.index.query import asks_national, parse_query
from rapport.index.search import FusionConfig, build_or_load_index
from rapport.models.embedder import load_embedder
from tests.fixtures.tiny_model.build import tiny_model_dir
from tests.fixtures.tiny_model.reports import make_document


@pytest.mark.parametrize("value, factor", [(None, DEFAULT_FACTOR), ("on", DEFAULT_FACTOR), ("", DEFAULT_FACTOR),
                                           ("off", 1.0), ("OFF ", 1.0), ("0.25", 0.25), ("1", 1.0), (0.5, 0.5)])
def test_prior_parse_factor_accepts_off_on_and_factors(value, factor):
    assert parse_factor(value) == factor


@pytest.mark.parametrize("value", ["0", "-0.3", "1.5", "nan", "strong", "0,4"])
def test_prior_parse_factor_rejects_with_one_line_naming_the_variable(value):
    with pytest.raises(PriorError) as e:
        parse_factor(value)
    assert ENV in str(e.value) and "\n" not in str(e.value)


def test_prior_factor_from_env_reads_the_variable():
    assert factor_from_env({}) == DEFAULT_FACTOR
    assert factor_from_env({ENV: "off"}) == 1.0
    assert factor_from_env({ENV: "0.7"}) == 0.7


def test_prior_fusion_config_fails_on_a_bad_environment(monkeypatch):
    monkeypatch.setenv(ENV, "lots")
    with pytest.raises(PriorError):
        FusionConfig()
    assert FusionConfig(national_prior=1.0).national_prior == 1.0  # an explicit setting needs no environment


def test_prior_apply_reorders_national_passages_below_region_ones():
    ids = np.array([3, 1, 2, 0])
    scores = np.array([0.9, 0.8, 0.5, 0.4], dtype=np.float32)
    national = np.array([False, False, False, True])  # passage 3 is a national text
    out_ids, out_sc = apply_prior(ids, scores, national, 0.5)
    assert out_ids.tolist() == [1, 2, 3, 0]
    assert out_sc.tolist() == pytest.approx([0.8, 0.5, 0.45, 0.4])
    assert apply_prior(ids, scores, national, 1.0)[0].tolist() == ids.tolist()
    assert apply_prior(ids, scores, None, 0.5)[0].tolist() == ids.tolist()


@pytest.mark.parametrize("query", ["regeringens satsning på cancervården", "nationella riktlinjer för förlossning",
                                   "Socialstyrelsens uppdrag om vårdplatser", "väntetider i hela landet",
                                   "vad beslutade socialdepartementet", "sjukvårdsministern om vårdköer",
                                   "what did the government decide on dental care", "national cancer strategy"])
def test_prior_asks_national_finds_the_national_level(query):
    assert asks_national(query)
    assert parse_query(query).national


@pytest.mark.parametrize("query", ["sjukfrånvaro bland medarbetarna", "kostnader för hyrpersonal",
                                   "riktade statsbidrag", "sick leave among staff", "the state of the finances",
                                   "regionstyrelsens beslut om åtgärdsplan"])
def test_prior_asks_national_leaves_region_questions_alone(query):
    assert not asks_national(query)


REGION = [("h", 1, "Personal"), ("p", "Sjukfrånvaron bland medarbetarna minskade under året. Regionen följer upp.")]
NATIONAL = [("h", 1, "Pressmeddelande"),
            ("p", "Sjukfrånvaron sjukfrånvaron sjukfrånvaron bland medarbetarna i landet ska minska. "
                  "Sjukfrånvaron är hög.")]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    docs = [make_document("region.txt", REGION), make_document("national.txt", NATIONAL, region=None, kind=None,
                                                                period=None)]
    emb = load_embedder(tiny_model_dir())
    s = build_or_load_index(docs, tmp_path_factory.mktemp("idx") / "index", emb,
                            fusion=FusionConfig(national_prior=1.0))
    return s, docs, emb


def test_prior_searcher_puts_region_text_first_unless_asked_for_the_nation(index_dir):
    s, docs, emb = index_dir
    plain = s.search("sjukfrånvaron sjukfrånvaron", k=2, mode="bm25")
    assert plain["doc"].iloc[0] == "national.txt"  # without the prior the national text matches best
    weighted = build_or_load_index(docs, s.index_dir.parent.parent, emb, fusion=FusionConfig(national_prior=0.1))
    assert weighted.search("sjukfrånvaron sjukfrånvaron", k=2, mode="bm25")["doc"].iloc[0] == "region.txt"
    asked = weighted.search("sjukfrånvaron sjukfrånvaron nationellt", k=2, mode="bm25")
    assert asked["doc"].iloc[0] == "national.txt"
