"""rapport_aggregates takes a counted summary's total from context: the sentence before or the
heading above, when the count refers back ("tre av dem"); and a summary may go on in the next
sentence. Our own Swedish fixtures."""
from __future__ import annotations

import pytest

from rapport.pipeline.nlp import build_nlp
from tests.conftest import process_text

COMPONENTS = ["rapport_sentences", "rapport_lemmas", "rapport_goals", "rapport_aggregates"]
HEAD = "Region Exempel\nDelårsrapport augusti 2023\n\n"
FIELDS = ("total", "achieved", "partially", "not_achieved")


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(only=COMPONENTS)


def rows(nlp, tmp_path, body: str) -> list[tuple]:
    doc = process_text(nlp, tmp_path / "r.txt", HEAD + body)
    return [tuple(getattr(s._.fact, k) for k in FIELDS) for s in doc.spans["aggregates"]]


def test_aggregates_context_total_from_the_sentence_before(nlp, tmp_path):
    got = rows(nlp, tmp_path, "Uppföljning\n\nNämnden följer upp nio verksamhetsmål under året. "
                              "Fem av dessa uppnås, tre delvis och ett inte.\n")
    assert got == [(9, 5, 3, 1)]


def test_aggregates_context_total_from_the_heading(nlp, tmp_path):
    got = rows(nlp, tmp_path, "Kulturnämndens fyra mål\n\nTre av dem har uppnåtts och ett har inte uppnåtts.\n")
    assert got == [(4, 3, None, 1)] or got == [(4, 3, 0, 1)]


def test_aggregates_context_summary_goes_on_in_the_next_sentence(nlp, tmp_path):
    got = rows(nlp, tmp_path, "Kulturnämndens fem mål\n\nTvå av dem har uppnåtts. Två nås delvis och ett nås inte.\n")
    assert got == [(5, 2, 2, 1)]


def test_aggregates_context_needs_a_count_that_refers_back(nlp, tmp_path):
    # the number in the sentence before is no total for a count that names its own scope
    got = rows(nlp, tmp_path, "Uppföljning\n\nNämnden har sex ledamöter. Två mål har uppnåtts och tre mål har delvis uppnåtts.\n")
    assert all(r[0] != 6 for r in got)


def test_aggregates_context_total_from_the_goals_listed_above(nlp, tmp_path):
    got = rows(nlp, tmp_path, "Kulturnämndens mål\n\n• Läsande barn\n• Levande bibliotek\n• Fler besök på museet\n\n"
                              "Nämnden når två av målen under året.\n")
    assert got == [(3, 2, None, None)]


def test_aggregates_context_no_listed_goals_no_total(nlp, tmp_path):
    assert rows(nlp, tmp_path, "Uppföljning\n\nNämnden når två av målen under året.\n") == []


@pytest.mark.parametrize("rest,want", [
    ("Den sjätte bedömer att målet inte nås.", (6, 5, 0, 1)),
    ("En klinik bedömer att målet delvis nås.", (6, 5, 1, 0)),
])
def test_aggregates_context_counts_of_assessing_units_and_the_rest(nlp, tmp_path, rest, want):
    got = rows(nlp, tmp_path, "Klinikernas bedömning\n\nFem av sex kliniker bedömer att målet om kortare "
                              f"väntetider nås under året. {rest}\n")
    assert got == [want]


def test_aggregates_context_rest_of_the_units_by_their_number(nlp, tmp_path):
    got = rows(nlp, tmp_path, "Enheternas bedömning\n\nTre av fem enheter bedömer att målet nås. "
                              "Övriga två bedömer att målet delvis nås.\n")
    assert got == [(5, 3, 2, 0)]


def test_aggregates_context_last_unit_by_its_name(nlp, tmp_path):
    got = rows(nlp, tmp_path, "Områdenas bedömning\n\nTre av fyra vårdområden bedömer att delmålet delvis nås. "
                              "Vårdområde Väst bedömer att delmålet nås vid årets slut.\n")
    assert got == [(4, 1, 3, 0)]


def test_aggregates_context_named_unit_is_no_rest_when_more_are_left(nlp, tmp_path):
    got = rows(nlp, tmp_path, "Områdenas bedömning\n\nTvå av fyra vårdområden bedömer att delmålet delvis nås. "
                              "Vårdområde Väst bedömer att delmålet nås vid årets slut.\n")
    assert got == [(4, None, 2, None)]


def test_aggregates_context_colours_count_as_statuses(nlp, tmp_path):
    got = rows(nlp, tmp_path, "Styrkort\n\nAv nämndens sju indikatorer bedöms tre som gröna, tre som gula "
                              "och en som röd.\n")
    assert got == [(7, 3, 3, 1)]
