"""Swedish index terms: lemmas + stems merge inflections, negations survive, compounds add parts."""
import pytest

from rapport.index.analyze import Analyzer, stopwords, tokens
from rapport.index.compounds import compound_parts, split_compound


def test_analyze_inflections_share_a_term():
    a = Analyzer(compounds=False)
    assert a("kostnad") == a("kostnader") == a("kostnaderna")
    assert a("sjuksköterskor") == a("sjuksköterskan")


def test_analyze_keeps_negation_drops_stopwords():
    terms = Analyzer(compounds=False)("Målet uppnåddes inte och det är bra")
    assert "inte" in stopwords() or any(t.startswith("int") for t in terms)
    assert any(t.startswith("int") for t in terms)
    assert not {"och", "det", "är"} & set(terms)


def test_analyze_tokens_keep_numbers_and_hyphen_words():
    toks = tokens("Ökningen var 7,2 procent för e-hälsa och covid-19.")
    assert "7,2" in toks and "ehälsa" in toks and "hälsa" in toks and "covid" in toks


@pytest.mark.parametrize("word, parts", [
    ("sjukfrånvaro", ("sjuk", "frånvaro")),
    ("marknadsandel", ("marknad", "andel")),  # linking -s-, not "sandel"
    ("tillgänglighetsmål", ("tillgänglighet", "mål")),
    ("vårdplatsbrist", ("vård", "platsbrist")),
    ("personalomsättning", ("personal", "omsättning")),
])
def test_compounds_split_known_swedish_compounds(word, parts):
    assert split_compound(word) == parts


@pytest.mark.parametrize("word", ["digitalisering", "uppföljning", "förlossning", "medarbetare", "kommun", "ekonomi"])
def test_compounds_leave_derivations_and_simple_words_alone(word):
    assert split_compound(word) == ()


def test_compounds_parts_are_recursive():
    parts = compound_parts("korttidssjukfrånvaro")
    assert {"sjukfrånvaro", "sjuk", "frånvaro", "kort"} <= set(parts)


def test_analyze_compound_query_meets_its_parts():
    a = Analyzer(compounds=True)
    q = set(a("korttidssjukfrånvaro"))
    d = set(a("den korta sjukfrånvaron"))
    assert len(q & d) >= 2
    assert not set(Analyzer(compounds=False)("korttidssjukfrånvaro")) & set(Analyzer(compounds=False)("den korta sjukfrånvaron"))
