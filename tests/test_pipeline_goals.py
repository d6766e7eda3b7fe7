"""rapport_goals on our own Swedish fixtures: goal, level, assessor, status and horizon."""
from __future__ import annotations

import pytest
import spacy

from rapport.corpus import load_document
from tests.conftest import process_text
from rapport.pipeline.heads_user import rules_only
from rapport.pipeline.nlp import build_nlp, make_doc, process
from rapport.pipeline.records import GoalAssessment, Horizon, Level, Status

COMPONENTS = ["rapport_sentences", "rapport_lemmas", "rapport_goals"]

HEAD = "Region Exempel\nDelårsrapport januari–augusti 2022\n\n1. Måluppfyllelse\n\n"


@pytest.fixture(scope="module")
def nlp():
    return rules_only(build_nlp(only=COMPONENTS))


def run(nlp, tmp_path, body: str, name: str = "rapport.txt"):
    return process_text(nlp, tmp_path / name, HEAD + body)


def facts(doc) -> list[GoalAssessment]:
    return [s._.fact for s in doc.spans["goal_assessments"]]


def pairs(doc) -> list[tuple[str, str]]:
    return [(f.status.value, f.horizon.value) for f in facts(doc)]


def under_goal(sentence: str) -> str:
    return ("Mål 3. Invånarna har god tillgång till vård\n"
            "Väntetiderna har minskat under perioden. " + sentence + "\n")


@pytest.mark.parametrize("sentence,expected", [
    ("Målet är inte helt uppfyllt.", [("partially", "current")]),
    ("Målet är ännu inte fullt ut uppnått.", [("partially", "current")]),
    ("Målet är inte uppfyllt.", [("not_achieved", "current")]),
    ("Målet nås inte.", [("not_achieved", "current")]),
    ("Målet har delvis uppnåtts.", [("partially", "current")]),
    ("Målet har i huvudsak uppnåtts.", [("partially", "current")]),
    ("Målet har helt uppfyllts.", [("achieved", "current")]),
    ("Målet har överträffats.", [("achieved", "current")]),
    ("Målet bedöms inte kunna nås under året.", [("not_achieved", "year_end")]),
    ("Vid årets slut bedöms målet vara uppnått.", [("achieved", "year_end")]),
    ("Prognosen är att målet kommer att nås.", [("achieved", "year_end")]),
    ("Måluppfyllelsen bedöms vid årets slut vara mycket god.", [("achieved", "year_end")]),
    ("Det är inte troligt att målet nås i sin helhet under året.", [("partially", "year_end")]),
    ("Målet kan uppfyllas på längre sikt.", [("achieved", "long_term")]),
    ("Målet är inte helt uppfyllt nu men bedöms vara uppnått vid årets slut.",
     [("partially", "current"), ("achieved", "year_end")]),
    ("Vår samlade bedömning är att målet inte är helt uppfyllt i dag men att det kan uppfyllas på längre sikt.",
     [("partially", "current"), ("achieved", "long_term")]),
    ("Målet bedöms som uppfyllt.", [("achieved", "current")]),
    ("Målet är ej uppfyllt.", [("not_achieved", "current")]),
    ("Målet är långt ifrån uppnått.", [("not_achieved", "current")]),
    ("Ingen av indikatorerna har uppnått målvärdet.", [("not_achieved", "current")]),
    ("Trots att inga nya resurser tillförts har målet uppnåtts.", [("achieved", "current")]),
    ("Målet uppnåddes inte fullt ut.", [("partially", "current")]),
    ("Målen är till största delen uppfyllda.", [("partially", "current")]),
    ("Måluppfyllelsen är låg.", [("not_achieved", "current")]),
    ("Måluppfyllelsen bedöms som god.", [("achieved", "current")]),
    ("Målet kommer sannolikt inte att uppnås.", [("not_achieved", "year_end")]),
    ("Vid årsbokslutet förväntas målet vara uppfyllt.", [("achieved", "year_end")]),
    ("Målet bedöms kunna nås till 2026.", [("achieved", "long_term")]),
    ("Målet uppfylls inte i dagsläget men förväntas uppfyllas till årsskiftet.",
     [("not_achieved", "current"), ("achieved", "year_end")]),
])
def test_goals_status_and_horizon(nlp, tmp_path, sentence, expected):
    doc = run(nlp, tmp_path, under_goal(sentence))
    assert sorted(pairs(doc)) == sorted(expected)


def test_goals_future_in_annual_report_is_long_term(nlp, tmp_path):
    path = tmp_path / "arsredovisning.txt"
    path.write_text("Region Exempel\nÅrsredovisning 2022\n\n1. Måluppfyllelse\n\n" + under_goal(
        "Målet är inte uppnått men bedöms kunna nås framöver."), encoding="utf-8")
    document = load_document(path)
    assert document.meta.kind == "årsredovisning"
    doc = process(nlp, document)
    assert sorted(pairs(doc)) == [("achieved", "long_term"), ("not_achieved", "current")]


@pytest.mark.parametrize("line,expected", [
    ("Måluppfyllelse: Delvis uppfyllt", ("partially", "current")),
    ("Bedömning: Ej uppnått", ("not_achieved", "current")),
    ("Prognos helår: Uppfylls", ("achieved", "year_end")),
    ("Status: Ingen bedömning", ("no_assessment", "current")),
    ("Status: Ej bedömt", ("no_assessment", "current")),
    ("Måluppfyllelse: Inte helt uppnått", ("partially", "current")),
])
def test_goals_status_fields(nlp, tmp_path, line, expected):
    body = "Mål 8. Hållbar ekonomi\nKommentar till utfallet finns i bilagan.\n\n" + line + "\n"
    (f,) = facts(run(nlp, tmp_path, body))
    assert (f.status.value, f.horizon.value) == expected
    assert f.goal.startswith("Mål 8") and f.text == line


def test_goals_year_end_outcome_in_annual_report_is_current(nlp, tmp_path):
    path = tmp_path / "arsredovisning.txt"
    path.write_text("Region Exempel\nÅrsredovisning 2022\n\n1. Måluppfyllelse\n\n" + under_goal(
        "Skulden uppgick vid årets slut till 400 mnkr och målet har därmed uppnåtts."), encoding="utf-8")
    doc = process(nlp, load_document(path))
    assert pairs(doc) == [("achieved", "current")]


@pytest.mark.parametrize("sentence,expected", [
    ("Utifrån prognosen per augusti bedöms målet om en budget i balans inte uppnås under innevarande år.",
     [("not_achieved", "year_end")]),
    ("Målet om kortare väntetider bedöms uppnås.", [("achieved", "year_end")]),
])
def test_goals_prognosis_without_year_words(nlp, tmp_path, sentence, expected):
    assert pairs(run(nlp, tmp_path, under_goal(sentence))) == expected


def test_goals_statement_under_a_prognosis_heading_is_year_end(nlp, tmp_path):
    body = "Måluppfyllelse – prognos helår\n\n• Mål 2 Tillgänglighet: uppnås delvis – köerna minskar långsamt\n"
    (f,) = facts(run(nlp, tmp_path, body))
    assert (f.status, f.horizon) == (Status.PARTIALLY, Horizon.YEAR_END)
    assert f.goal.startswith("Mål 2")


def test_goals_counted_goals_left_to_aggregates(nlp, tmp_path):
    doc = run(nlp, tmp_path, under_goal("Bedömningen grundar sig på att två av de finansiella målen inte har nåtts."))
    assert facts(doc) == []


def test_goals_no_assessment(nlp, tmp_path):
    doc = run(nlp, tmp_path, under_goal("Det är för tidigt att bedöma om målet kommer att nås."))
    assert [f.status for f in facts(doc)] == [Status.NO_ASSESSMENT]


@pytest.mark.parametrize("sentence", [
    "För att nå målen krävs fler insatser.",
    "Målet ska uppnås senast år 2025.",
    "Om målen inte nås måste nämnden vidta åtgärder.",
    "Nämnden följer upp hur målen uppfylls inom verksamheten.",
    "Regionen har som mål att minska klimatutsläppen.",
    "De enheter som uppfyller kraven får ersättning.",
    "Styrelsen har fått i uppdrag att utreda i vilken omfattning regionen når målet.",
])
def test_goals_not_an_assessment(nlp, tmp_path, sentence):
    doc = run(nlp, tmp_path, under_goal(sentence))
    assert facts(doc) == []


def test_goals_heading_several_sentences_up(nlp, tmp_path):
    body = ("Mål 6. Alla barn i länet har goda uppväxtvillkor\n"
            "Barnrättsarbetet har fortsatt. Utbildningar har genomförts för personalen. "
            "Ett nytt nätverk har bildats tillsammans med kommunerna.\n\n"
            "Flera aktiviteter har skjutits upp på grund av personalbrist. "
            "Bedömningen är att målet kommer att uppnås.\n")
    (f,) = facts(run(nlp, tmp_path, body))
    assert f.goal.startswith("Mål 6. Alla barn i länet")
    assert f.level == Level.GOAL
    assert (f.status, f.horizon) == (Status.ACHIEVED, Horizon.YEAR_END)
    assert f.text == "Bedömningen är att målet kommer att uppnås."


def test_goals_goal_line_inside_paragraph(nlp, tmp_path):
    """PDF dumps leave the goal title as the first line of a paragraph."""
    body = ("Övrigt arbete har pågått enligt plan.\n"
            "Mål 7. Vi erbjuder en god arbetsmiljö med\n"
            "engagerade medarbetare\n"
            "Sjukfrånvaron har minskat. Prognosen är att målet delvis kommer att uppnås.\n")
    (f,) = facts(run(nlp, tmp_path, body))
    assert f.goal == "Mål 7. Vi erbjuder en god arbetsmiljö med engagerade medarbetare"
    assert (f.status, f.horizon) == (Status.PARTIALLY, Horizon.YEAR_END)


@pytest.mark.parametrize("sentence,goal,level", [
    ("Prognosen är att delmål 2.3 kommer att vara helt uppfyllt i december.", "delmål 2.3", Level.SUB_GOAL),
    ("Finansiellt mål 2 har inte uppnåtts under perioden.", "Finansiellt mål 2", Level.FINANCIAL_GOAL),
    ("Sammantaget bedöms regionen ha en delvis god ekonomisk hushållning.", "god ekonomisk hushållning",
     Level.GOOD_ECONOMIC_MANAGEMENT),
    ("Avseende indikatorn andel nöjda patienter är bedömningen att målvärdet uppnås delvis.",
     "andel nöjda patienter", Level.INDICATOR),
    ("Det strategiska målet bedöms sammantaget vara delvis uppnått.", None, Level.STRATEGIC_GOAL),
])
def test_goals_goal_named_in_sentence(nlp, tmp_path, sentence, goal, level):
    (f,) = facts(run(nlp, tmp_path, under_goal(sentence)))
    assert f.level == level
    if goal:
        assert f.goal.startswith(goal)


def test_goals_named_strategic_goal_above_assessment(nlp, tmp_path):
    body = ("Strategiska mål\n\n"
            "Regionen har fem strategiska mål som följs upp varje tertial.\n\n"
            "Ett hållbart resande i hela länet\n"
            "Bedömningen för perioden är att målet inte är helt uppfyllt.\n")
    (f,) = facts(run(nlp, tmp_path, body))
    assert f.goal == "Ett hållbart resande i hela länet"
    assert f.level == Level.STRATEGIC_GOAL
    assert f.status == Status.PARTIALLY


@pytest.mark.parametrize("sentence,assessor", [
    ("Regionstyrelsen bedömer att målet delvis är uppfyllt.", "Regionstyrelsen"),
    ("Hälso- och sjukvårdsnämnden bedömer att målet kommer att nås.", "Hälso- och sjukvårdsnämnden"),
    ("Regionala utvecklingsnämndens samlade bedömning är att målet är uppnått.", "Regionala utvecklingsnämnden"),
    ("Hälso- och sjukvårdsnämnden gör bedömningen att målet delvis uppnås.", "Hälso- och sjukvårdsnämnden"),
    ("Enligt patientnämnden är målet uppfyllt.", "patientnämnden"),
    ("Målet är uppnått.", None),
])
def test_goals_assessor(nlp, tmp_path, sentence, assessor):
    (f,) = facts(run(nlp, tmp_path, under_goal(sentence)))
    assert f.assessor == assessor


def test_goals_record_fields(nlp, tmp_path):
    doc = run(nlp, tmp_path, under_goal("Målet har delvis uppnåtts."))
    (f,) = facts(doc)
    d = doc._.document
    assert d.text[f.start:f.end] == f.text == "Målet har delvis uppnåtts."
    assert f.period == "2022-08" and f.doc == "rapport.txt"
    row = f.to_dict()
    assert row["status"] == "partially" and row["horizon"] == "current" and row["level"] == "goal"


def test_goals_two_horizons_keep_both_facts(nlp, tmp_path):
    """Span._ values are keyed by offsets: the two records of one sentence must not overwrite each other."""
    doc = run(nlp, tmp_path, under_goal("Målet är inte uppfyllt nu men bedöms vara uppnått vid årets slut."))
    spans = list(doc.spans["goal_assessments"])
    assert len({(s.start_char, s.end_char) for s in spans}) == 2
    assert {s._.fact.horizon for s in spans} == {Horizon.CURRENT, Horizon.YEAR_END}


def test_goals_no_prose_warns(nlp, tmp_path):
    body = "Resultaträkning\nIntäkter 100 120 130\nKostnader -90 -100 -110\nResultat 10 20 20\n"
    doc = run(nlp, tmp_path, body)
    assert facts(doc) == []
    assert any("rapport_goals" in w for w in doc._.warnings)


def test_goals_empty_section(nlp, tmp_path):
    doc = run(nlp, tmp_path, "Mål 2. Tom rubrik\n\nMål 3. Ännu en rubrik\n\n" + under_goal("Målet nås."))
    assert pairs(doc) == [("achieved", "current")]


def test_goals_overlong_sentence_skipped_with_warning(nlp, tmp_path):
    long = "målet är inte uppfyllt i kommunerna och arbetet fortsätter, " * 90
    doc = run(nlp, tmp_path, "Mål 1. Rubrik\nInledningsvis kan sägas att " + long + "slut.\n")
    assert len(doc.text) > 5000
    assert facts(doc) == []
    assert any("over-long" in w for w in doc._.warnings)


def test_goals_disk_round_trip(nlp, tmp_path):
    path = tmp_path / "rapport.txt"
    path.write_text(HEAD + under_goal("Målet är inte helt uppfyllt nu men bedöms vara uppnått vid årets slut."),
                    encoding="utf-8")
    document = load_document(path)
    doc = nlp(make_doc(nlp, document))
    before = facts(doc)
    nlp.to_disk(tmp_path / "nlp")
    nlp2 = spacy.load(tmp_path / "nlp")
    assert nlp2.pipe_names == COMPONENTS
    assert (tmp_path / "nlp" / "rapport_goals" / "status.jsonl").exists()
    doc2 = nlp2(make_doc(nlp2, document))
    after = facts(doc2)
    assert after == before and len(after) == 2
