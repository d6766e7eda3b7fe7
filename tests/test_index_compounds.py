"""Compound splitting: the known splits, and bounded work on words that are not language."""
import pytest

from rapport.index.analyze import Analyzer
from rapport.index.compounds import MAX_WORD, compound_parts, split_compound


@pytest.mark.parametrize("word, parts", [
    ("sjukfrånvaro", ("sjuk", "frånvaro")),
    ("marknadsandel", ("marknad", "andel")),
    ("förlossning", ()),
])
def test_compounds_split_known_words(word, parts):
    assert split_compound(word) == parts


def test_compounds_parts_at_every_level():
    parts = compound_parts("patientsäkerhetsarbete")
    assert {"patient", "säkerhetsarbete", "säkerhet", "arbete"} <= set(parts)
    assert "patientsäkerhetsarbete" not in parts


@pytest.mark.parametrize("word", ["sjukfrånvaro" * 850, "ab" * 5000, "x" * 10_000])
def test_compounds_ten_thousand_letter_token_is_not_split(word):
    # (it used to end in a RecursionError after 5-70 s; the timing is in bench/bench_query_bounds.py)
    assert split_compound(word) == () and compound_parts(word) == []
    terms = Analyzer()(f"kostnader {word} ökar")
    assert len(terms) == 3  # the long token stays one term, beside the ordinary words


def test_compounds_longest_splittable_word_still_splits():
    word = ("sjukvård" + "s" + "personal" + "kostnad" + "s" + "ökning")
    assert len(word) <= MAX_WORD and compound_parts(word)
