"""rapport_goals reads structure as context: status lines, indicator tables, list items under
status headings, and measures compared with their targets (our own Swedish fixtures)."""
from __future__ import annotations

import pytest

from rapport.pipeline.heads_user import rules_only
from rapport.pipeline.nlp import build_nlp
from rapport.pipeline.records import Level
from tests.conftest import process_text

COMPONENTS = ["rapport_sentences", "rapport_lemmas", "rapport_goals"]
HEAD = "Region Exempel\nDelårsrapport april 2023\n\n"


@pytest.fixture(scope="module")
def nlp():
    return rules_only(build_nlp(only=COMPONENTS))


def found(nlp, tmp_path, body: str) -> dict[str, tuple[str, str]]:
    doc = process_text(nlp, tmp_path / "slides.txt", HEAD + body)
    return {" ".join(s.text.split()): (s._.fact.status.value, s._.fact.goal) for s in doc.spans["goal_assessments"]}


def test_goal_structure_items_take_status_from_a_deviation_heading(nlp, tmp_path):
    got = found(nlp, tmp_path, "Avvikelser\n\n• Läkemedelskostnader per invånare\n• Tandhälsa hos barn\n\n"
                               "Händelser\n\n• Ny vårdcentral i Åby\n")
    assert got["Läkemedelskostnader per invånare"] == ("not_achieved", "Läkemedelskostnader per invånare")
    assert got["Tandhälsa hos barn"][0] == "not_achieved"
    assert not any("vårdcentral" in k for k in got)


def test_goal_structure_heading_naming_attainment_is_a_strong_class(nlp, tmp_path):
    got = found(nlp, tmp_path, "Mål som har uppnåtts\n\n• Trygg och säker förlossningsvård\n\n"
                               "Mål som inte har uppnåtts\n\n• Jämställd lönesättning\n")
    assert got["Trygg och säker förlossningsvård"][0] == "achieved"
    assert got["Jämställd lönesättning"][0] == "not_achieved"


def test_goal_structure_weak_heading_needs_a_measure_and_no_development(nlp, tmp_path):
    got = found(nlp, tmp_path, "Framgångar\n\n• Andel digitala vårdmöten\n• Fler barnmorskor anställda\n"
                               "• Bra stämning i ledningsgruppen\n")
    assert got == {"Andel digitala vårdmöten": ("achieved", "Andel digitala vårdmöten")}


def test_goal_structure_item_status_of_its_own_wins_over_the_heading(nlp, tmp_path):
    got = found(nlp, tmp_path, "Avvikelser\n\n• Hyrpersonal inom psykiatrin – delvis uppnått\n")
    assert got["Hyrpersonal inom psykiatrin – delvis uppnått"] == ("partially", "Hyrpersonal inom psykiatrin")


def test_goal_structure_statement_bullets_are_not_goal_names(nlp, tmp_path):
    got = found(nlp, tmp_path, "Avvikelser\n\n• Bemanningen räcker inte till på sommaren\n"
                               "• 4 maj: Larmcentralen bytte system\n")
    assert got == {}


def test_goal_structure_indicator_table_rows_yield_indicator_records(nlp, tmp_path):
    doc = process_text(nlp, tmp_path / "t.txt", HEAD + "Styrkort\n\nMått Utfall Mål Status\n"
                       "Andel besök inom tre dagar 71 % 80 % Ej uppnått\n"
                       "Sjuktal bland medarbetare 6,1 % 6,5 % Uppnått\n")
    recs = {s._.fact.goal: s._.fact for s in doc.spans["goal_assessments"]}
    assert recs["Andel besök inom tre dagar"].status.value == "not_achieved"
    assert recs["Sjuktal bland medarbetare"].status.value == "achieved"
    assert {r.level for r in recs.values()} == {Level.INDICATOR}


def test_goal_structure_colour_column_rows_need_a_run_or_a_header(nlp, tmp_path):
    got = found(nlp, tmp_path, "Målområden\n\nOmråde Färg\nKunskapsdriven vård Gul\nStark ekonomi Röd\n\n"
                               "Om regionen\n\nLinje röd\n")
    assert got["Kunskapsdriven vård Gul"][0] == "partially"
    assert got["Stark ekonomi Röd"][0] == "not_achieved"
    assert "Linje röd" not in got


def test_goal_structure_bare_value_takes_its_goal_from_the_heading(nlp, tmp_path):
    doc = process_text(nlp, tmp_path / "g.txt", HEAD + "Mål 4. Hållbara transporter\n\n• Delvis uppfyllt\n")
    (rec,) = [s._.fact for s in doc.spans["goal_assessments"]]
    assert rec.status.value == "partially" and rec.goal.startswith("Mål 4")


def test_goal_structure_legend_of_degree_words_is_no_status(nlp, tmp_path):
    assert found(nlp, tmp_path, "Teckenförklaring\n\nHelt Delvis Inte\n") == {}


@pytest.mark.parametrize("sentence,status", [
    ("Andelen gravida som erbjuds samtal ligger under målvärdet.", "not_achieved"),
    ("Andelen gravida som erbjuds samtal överstiger målnivån.", "achieved"),
    ("Väntetiden till barnpsykiatrin ligger över den nivå som nämnden har fastställt.", "not_achieved"),
    ("Kostnaden per besök understiger den beslutade nivån.", "achieved"),
    ("Andelen som röker understiger inte målvärdet.", "achieved"),
])
def test_goal_structure_measure_compared_with_its_target(nlp, tmp_path, sentence, status):
    got = found(nlp, tmp_path, "Resultat\n\n" + sentence + "\n")
    (value,) = got.values()
    assert value[0] == status


@pytest.mark.parametrize("sentence", [
    "Andelen gravida som erbjuds samtal ska understiga målvärdet.",
    "Antalet besök ökade under året.",
    "Resultatet blev 20 mnkr lägre än budget.",
])
def test_goal_structure_targets_and_plain_comparisons_are_not_assessments(nlp, tmp_path, sentence):
    assert found(nlp, tmp_path, "Resultat\n\n" + sentence + "\n") == {}


def test_goal_structure_relative_clause_stays_in_the_name(nlp, tmp_path):
    got = found(nlp, tmp_path, "Mål som har uppnåtts\n\n• Andel elever som klarar simprovet\n")
    assert got == {"Andel elever som klarar simprovet": ("achieved", "Andel elever som klarar simprovet")}


def test_goal_structure_heading_of_worsened_goals_takes_measure_statements(nlp, tmp_path):
    got = found(nlp, tmp_path, "Delmål med försämrad utveckling\n\n• Antalet fallskador bland äldre har ökat.\n"
                               "• Personalen har fått nya lokaler.\n")
    assert list(got.values()) == [("not_achieved", "Antalet fallskador bland äldre")]


def test_goal_status_one_value_reader_for_lines_fields_and_rows(nlp, tmp_path):
    """The same words give the same status wherever a value stands (value_status over the goal cue rows)."""
    from rapport.pipeline.goal_status import value_statuses

    values = ["Delvis uppfyllt", "Ej uppnått", "Inte helt uppnått", "Ej bedömt", "Gul", "Målet har överträffats",
              "Kommentar"]
    doc = process_text(nlp, tmp_path / "v.txt", "Region Exempel\n\n" + "\n".join(values) + "\n")
    spans = [doc.char_span(doc.text.index(v), doc.text.index(v) + len(v)) for v in values]
    got = value_statuses(doc, nlp.get_pipe("rapport_goals").lexicon, [(s.start, s.end) for s in spans])
    assert [g and g.value for g in got] == ["partially", "not_achieved", "partially", "no_assessment", "partially",
                                            "achieved", None]
