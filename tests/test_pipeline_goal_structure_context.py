"""rapport_goals reads a list item with its titles: a weak title paired with a strong one of the
other status, a title the layout glued into the list, participles that open a name; and it
compares a measure with levels that were budgeted (our own Swedish fixtures)."""
from __future__ import annotations

import pytest

from rapport.pipeline.heads_user import rules_only
from rapport.pipeline.nlp import build_nlp
from tests.conftest import process_text

COMPONENTS = ["rapport_sentences", "rapport_lemmas", "rapport_goals", "rapport_aggregates"]
HEAD = "Region Exempel\nTertialrapport 2 2026\n\n"


@pytest.fixture(scope="module")
def nlp():
    return rules_only(build_nlp(only=COMPONENTS))


def found(nlp, tmp_path, body: str) -> dict[str, str]:
    doc = process_text(nlp, tmp_path / "slides.txt", HEAD + body)
    return {" ".join(s.text.split()): s._.fact.status.value for s in doc.spans["goal_assessments"]}


def test_goal_structure_weak_title_beside_a_deviation_title_takes_every_named_item(nlp, tmp_path):
    got = found(nlp, tmp_path, "Avvikelser\n• Tandhälsa hos äldre\n\nFramgångar\n• Arkivering av journaler\n"
                               "• Samordnad individuell plan\n")
    assert got == {"Tandhälsa hos äldre": "not_achieved", "Arkivering av journaler": "achieved",
                   "Samordnad individuell plan": "achieved"}


def test_goal_structure_weak_title_beside_another_weak_title_stays_weak(nlp, tmp_path):
    got = found(nlp, tmp_path, "Framgångar\n• Arkivering av journaler\n\nUtmaningar\n• Samordnad individuell plan\n")
    assert got == {}


def test_goal_structure_title_glued_into_the_list_starts_a_new_class(nlp, tmp_path):
    got = found(nlp, tmp_path, "Avvikelser\n• Tandhälsa hos äldre\nFramgångar\n• Arkivering av journaler\n")
    assert got == {"Tandhälsa hos äldre": "not_achieved", "Arkivering av journaler": "achieved"}


@pytest.mark.parametrize("item", ["Avslutade ärenden inom tre veckor", "Antal vaccinerade barn",
                                  "Genomförda hembesök"])
def test_goal_structure_participle_opening_a_name_is_no_verb(nlp, tmp_path, item):
    assert found(nlp, tmp_path, f"Avvikelser\n\n• {item}\n") == {item: "not_achieved"}


def test_goal_structure_past_tense_after_a_subject_is_still_a_verb(nlp, tmp_path):
    assert found(nlp, tmp_path, "Avvikelser\n\n• Vårdavdelningen stängde i juni\n") == {}


@pytest.mark.parametrize("sentence,status", [
    ("Kostnaden per patient överstiger de nivåer som budgeterats.", "not_achieved"),
    ("Väntetiden till hörselvården understiger det målvärde som satts för året.", "achieved"),
])
def test_goal_structure_measure_compared_with_a_budgeted_level(nlp, tmp_path, sentence, status):
    assert list(found(nlp, tmp_path, "Resultat\n\n" + sentence + "\n").values()) == [status]


def test_goal_structure_counts_of_units_also_assess_their_goal(nlp, tmp_path):
    got = found(nlp, tmp_path, "Klinikernas bedömning\n\nFem av sex kliniker bedömer att målet om kortare "
                               "väntetider nås under året. Den sjätte bedömer att målet inte nås.\n")
    assert sorted(got.values()) == ["achieved", "not_achieved"]


def test_goal_structure_count_of_goals_named_above_is_no_assessment(nlp, tmp_path):
    got = found(nlp, tmp_path, "Nämndens mål\n\n• Läsande barn\n• Levande bibliotek\n\nEndast ett av målen nås.\n")
    assert got == {}


def test_goal_structure_rest_of_the_units_shares_the_horizon_of_the_count(nlp, tmp_path):
    doc = process_text(nlp, tmp_path / "r.txt", "Region Exempel\nDelårsrapport april 2026\n\nEnheternas bedömning\n\n"
                       "Tre av fem enheter bedömer att målet nås vid årets slut. Övriga två bedömer att målet delvis nås.\n")
    got = sorted((s._.fact.status.value, s._.fact.horizon.value) for s in doc.spans["goal_assessments"])
    assert got == [("achieved", "year_end"), ("partially", "year_end")]


def test_goal_structure_list_items_take_the_horizon_their_title_names(nlp, tmp_path):
    doc = process_text(nlp, tmp_path / "r.txt", "Region Exempel\nMånadsrapport maj 2026\n\nMål\n\n"
                       "Utfall mot nämndens mål, bedömning för helåret:\n• Trygg skolväg – grönt\n• Nöjda vårdnadshavare – rött\n")
    got = sorted((s._.fact.status.value, s._.fact.horizon.value) for s in doc.spans["goal_assessments"])
    assert got == [("achieved", "year_end"), ("not_achieved", "year_end")]


def test_goal_structure_longest_title_phrase_decides_the_class(nlp, tmp_path):
    got = found(nlp, tmp_path, "Negativa avvikelser\n• Hemtjänst i glesbygd\n\nPositiva avvikelser\n• Tandvård för unga\n")
    assert got == {"Hemtjänst i glesbygd": "not_achieved", "Tandvård för unga": "achieved"}
