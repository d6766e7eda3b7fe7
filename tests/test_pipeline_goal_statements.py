"""rapport_goals and rapport_aggregates on statement classes that carry over between reports:
a negation before the auxiliaries of good economic management, no assessment under a numbered
goal, a goal reached at some of the units, a share compared with its target, and 'ett mål' as a
count (our own Swedish fixtures)."""
from __future__ import annotations

import pytest

from rapport.pipeline.heads_user import rules_only
from rapport.pipeline.nlp import build_nlp
from tests.conftest import process_text

COMPONENTS = ["rapport_sentences", "rapport_lemmas", "rapport_goals", "rapport_aggregates"]
HEAD = "Region Exempel\nDelårsrapport augusti 2026\n\n"


@pytest.fixture(scope="module")
def nlp():
    return rules_only(build_nlp(only=COMPONENTS))


def facts(nlp, tmp_path, body: str):
    doc = process_text(nlp, tmp_path / "r.txt", HEAD + body)
    goals = sorted((s._.fact.status.value, s._.fact.horizon.value) for s in doc.spans["goal_assessments"])
    aggs = [(s._.fact.total, s._.fact.achieved, s._.fact.partially, s._.fact.not_achieved) for s in doc.spans["aggregates"]]
    return goals, aggs


@pytest.mark.parametrize("sentence,want", [
    ("Nämndens bedömning är att kommunen inte har haft en god ekonomisk hushållning.", ("not_achieved", "current")),
    ("Styrelsen bedömer att kommunen inte kommer att ha en god ekonomisk hushållning 2026.", ("not_achieved", "year_end")),
    ("Styrelsen bedömer att kommunen har haft en god ekonomisk hushållning.", ("achieved", "current")),
])
def test_goal_statements_negation_before_the_auxiliaries_of_good_economic_management(nlp, tmp_path, sentence, want):
    assert facts(nlp, tmp_path, "Ekonomi\n\n" + sentence + "\n")[0] == [want]


def test_goal_statements_no_assessment_under_a_numbered_goal(nlp, tmp_path):
    got = facts(nlp, tmp_path, "Mål 3 Trygg vård\n\nIngen bedömning kan göras per juni eftersom måtten följs upp i december.\n")
    assert got[0] == [("no_assessment", "current")]


def test_goal_statements_no_assessment_needs_a_goal(nlp, tmp_path):
    assert facts(nlp, tmp_path, "Personal\n\nIngen bedömning av läget kan göras ännu.\n")[0] == []


def test_goal_statements_split_no_assessment_phrase(nlp, tmp_path):
    got = facts(nlp, tmp_path, "Mål 2: Nöjda invånare\n\nNågon bedömning av målet görs därför inte i rapporten.\n")
    assert got[0] == [("no_assessment", "current")]


def test_goal_statements_goal_reached_at_some_units_is_partly_reached(nlp, tmp_path):
    got = facts(nlp, tmp_path, "Tillgänglighet\n\nMålet om besök inom fem dagar nåddes vid 12 av 20 mottagningar.\n")
    assert got == ([("partially", "current")], [(20, 12, None, None)])


def test_goal_statements_goal_reached_at_all_units_is_reached(nlp, tmp_path):
    got = facts(nlp, tmp_path, "Tillgänglighet\n\nMålet om besök inom fem dagar nåddes vid 20 av 20 mottagningar.\n")
    assert got[0] == [("achieved", "current")]


def test_goal_statements_share_compared_with_its_target(nlp, tmp_path):
    got = facts(nlp, tmp_path, "Ärenden\n\n88 procent av ärendena avslutades inom en vecka, vilket överstiger målet "
                               "om 80 procent.\n")
    assert got[0] == [("achieved", "current")]


def test_goal_statements_one_goal_counted_in_a_summary(nlp, tmp_path):
    got = facts(nlp, tmp_path, "Mål\n\nBedömningen är att ett mål kommer att uppnås vid årets slut, två delvis och ett inte.\n")
    assert got == ([], [(4, 1, 2, 1)])


def test_goal_statements_a_goal_named_with_an_article_is_no_count(nlp, tmp_path):
    assert facts(nlp, tmp_path, "Mål\n\nRegionen har ett mål om att alla ska ha en fast läkare.\n") == ([], [])


@pytest.mark.parametrize("sentence,want", [
    ("Programmet har gett besparingar på 14 mkr under året, vilket är under målsättningen.", [("not_achieved", "current")]),
    ("Projektet har frigjort 3 200 timmar, vilket är över målet.", [("achieved", "current")]),
    ("På 14 orter finns det vårdcentraler som arbetar under målet.", []),
    ("Regionen har 14 vårdcentraler, vilket är under riksgenomsnittet.", []),
])
def test_goal_statements_figure_then_which_compared_with_the_target(nlp, tmp_path, sentence, want):
    assert facts(nlp, tmp_path, "Utfall\n\n" + sentence + "\n")[0] == want


@pytest.mark.parametrize("body,want", [
    ("Finansiella mål\n\nSamtliga tre finansiella mål uppnås under perioden.\n", [(3, 3, 0, 0)]),
    ("Finansiella mål\n\n• Resultatmål\n• Soliditetsmål\n\nSamtliga finansiella mål uppnås under perioden.\n", [(2, 2, 0, 0)]),
    ("Finansiella mål\n\nInget av de tre finansiella målen nås.\n", [(3, 0, 0, 3)]),
    ("Mål\n\nHälften av de tio målen har uppnåtts.\n", [(10, 5, None, None)]),
    ("Mål\n\nSamtliga medarbetare har nått målet om utbildning.\n", []),
    ("Mål\n\nAlla mål nås.\n", []),
])
def test_goal_statements_all_none_or_half_of_the_goals(nlp, tmp_path, body, want):
    goals, aggs = facts(nlp, tmp_path, body)
    assert aggs == want
    assert len(goals) == 1  # the sentence still assesses the goals together


@pytest.mark.parametrize("sentence,want", [
    ("Målet om en skuldsättning som inte överstiger 40 procent av intäkterna är uppnått.", ("achieved", "current")),
    ("Målet om kostnader som inte ökar snabbare än intäkterna har uppfyllts.", ("achieved", "current")),
    ("Målet om en skuldsättning som inte överstiger 40 procent av intäkterna är inte uppnått.", ("not_achieved", "current")),
])
def test_goal_statements_negation_in_the_goals_relative_clause_is_its_condition(nlp, tmp_path, sentence, want):
    assert facts(nlp, tmp_path, "Finansiella mål\n\n" + sentence + "\n")[0] == [want]


@pytest.mark.parametrize("head,sentence,want", [
    (HEAD, "Styrelsen bedömer att målet om en ekonomi i balans inte nås 2026.", ("not_achieved", "year_end")),
    (HEAD, "Målet om en ekonomi i balans nåddes inte 2026.", ("not_achieved", "current")),
    ("Region Exempel\nÅrsredovisning 2026\n\n", "Styrelsen bedömer att målet om en ekonomi i balans inte nås 2026.",
     ("not_achieved", "current")),
])
def test_goal_statements_own_year_in_an_interim_report_is_the_year_end(nlp, tmp_path, head, sentence, want):
    doc = process_text(nlp, tmp_path / "r.txt", head + "Ekonomi\n\n" + sentence + "\n")
    assert [(s._.fact.status.value, s._.fact.horizon.value) for s in doc.spans["goal_assessments"]] == [want]
