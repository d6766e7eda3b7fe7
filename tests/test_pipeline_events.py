"""rapport_events: what happened in the period, with type, normalised date and actor."""
from __future__ import annotations

import pytest

from rapport.corpus import load_document
from tests.conftest import process_text
from rapport.pipeline.heads_user import rules_only
from rapport.pipeline.nlp import build_nlp, process
from rapport.pipeline.records import Event

HEAD = """Region Exempellän
Delårsrapport januari–augusti 2022

2.5 Händelser av väsentlig betydelse
Verksamheten har bedrivits i huvudsak enligt plan. """
TAIL = """ Uppföljning sker i årsredovisningen.
"""


@pytest.fixture(scope="module")
def event_nlp():
    return rules_only(build_nlp(only=["rapport_sentences", "rapport_lemmas", "rapport_events"]))


def run(nlp, tmp_path, sentence: str):
    doc = process_text(nlp, tmp_path / "h.txt", HEAD + sentence + TAIL)
    return doc, [s._.fact for s in doc.spans["events"]]


@pytest.mark.parametrize("sentence, etype, date, actor", [
    ("Den 3 februari beslutade Regionstyrelsen att införa avgiftsfri tandvård för unga.", "decision", "2022-02-03",
     "Regionstyrelsen"),
    ("Hälso- och sjukvårdsnämnden fattade i maj beslut om en ny vårdplatsplan.", "decision", "2022-05",
     "Hälso- och sjukvårdsnämnden"),
    ("I mars startade en ny mottagning för barn och unga i Kiruna.", "start", "2022-03", None),
    ("Arbetet med en ny regional utvecklingsstrategi har påbörjats under våren.", "start", "2022-H1", None),
    ("Vårdcentralen i Byn var stängd vecka 28–31 på grund av personalbrist.", "closure", "2022-W28..W31", None),
    ("All publik verksamhet ställdes in under perioden 1 januari till april månad.", "closure", "2022-01..2022-04",
     None),
    ("Ett nytt avtal om ambulansflyg tecknades i juni.", "agreement", "2022-06", None),
    ("Från och med den 1 april tog Länstrafiken AB över driften av färdtjänsten.", "organisational_change",
     "2022-04-01", "Länstrafiken AB"),
    ("Den 1 mars tog Region Exempellän över hälften av aktierna i Flygbolaget AB.", "agreement", "2022-03-01",
     "Region Exempellän"),
    ("I maj beslutade regionstyrelsen att investera 40 mnkr i ett nytt reningsverk.", "investment", "2022-05",
     "regionstyrelsen"),
    ("I mars beslutade regionfullmäktige att anta en ny plan för primärvården som ska gälla till 2030.", "decision",
     "2022-03", "regionfullmäktige"),
    ("I juni tilldelade regeringen Norra regionen fem miljoner kronor för glesbygdsvård.", "decision", "2022-06",
     "regeringen"),
    ("I april startade Umeå tekniska universitet ett nytt forskningsprojekt om vätgas.", "start", "2022-04",
     "Umeå tekniska universitet"),
    ("Vecka 27–29 var mottagningen i Byn nattstängd på grund av läkarbrist.", "closure", "2022-W27..W29", None),
    ("I juli drabbades regionen av ett driftavbrott i telefonin som varade ett dygn.", "incident", "2022-07", None),
    ("Arbetet med hälsosamtal har återstartat efter pandemin.", "start", None, None),
    ("Ett antal ambulanser har bytts ut i länet.", "investment", None, None),
    ("Under våren startade Digitalt stödcentrum, som ger råd via chatt.", "start", "2022-H1", None),
    ("Den 19 maj beslutade regionala utvecklingsnämnden att anta en ny strategi.", "decision", "2022-05-19",
     "regionala utvecklingsnämnden"),
    ("Tandvårdsenheten står inför stora krav och har påbörjat en översyn av lokalerna.", "start", None,
     "Tandvårdsenheten"),
    ("Vaccinationscentralen i Byn har fungerat väl under sommaren och håller nu på att avvecklas.", "closure",
     "2022-08", None),
    ("Två avdelningar slogs ihop i mars.", "organisational_change", "2022-03", None),
    ("De första eleverna togs emot på skolan i augusti.", "start", "2022-08", None),
    ("Den 1 februari samlades all ambulansverksamhet i en ny gemensam enhet.", "organisational_change",
     "2022-02-01", None),
    ("Hälsocentralen har investerat i en ny röntgenutrustning.", "investment", None, "Hälsocentralen"),
    ("Ombyggnaden av akutmottagningen har färdigställts under årets första kvartal.", "completion", "2022-Q1", None),
    ("En ny förvaltning för digitalisering har bildats.", "organisational_change", None, None),
    ("Den organisationsförändring som genomfördes under 2020 har gett tydligare ansvar.", "organisational_change",
     "2020", None),
    ("En brand inträffade i sjukhusets kök i juli.", "incident", "2022-07", None),
    ("Strategin har fastställts av regionfullmäktige.", "decision", None, "regionfullmäktige"),
    ("Samtliga enheter som tidigare varit provenheter har förnyat sin ansökan.", "other", None, None),
])
def test_events_type_date_actor(event_nlp, tmp_path, sentence, etype, date, actor):
    doc, facts = run(event_nlp, tmp_path, sentence)
    assert len(facts) == 1, [f.text for f in facts]
    fact = facts[0]
    assert isinstance(fact, Event)
    assert " ".join(fact.text.split()) == sentence
    assert doc._.document.text[fact.start:fact.end] == fact.text
    assert (fact.type.value, fact.date, fact.actor) == (etype, date, actor)


@pytest.mark.parametrize("sentence", [
    "Regionen ska starta en ny mottagning under hösten.",
    "Beslut om ny organisation kommer att fattas i december.",
    "Projektet har inte kunnat påbörjas på grund av pandemin.",
    "Antagande av den nya strategin planeras till våren 2023.",
    "Efter avslutad upphandling ökade antalet leverantörer.",
    "Arbetet fortskrider enligt plan.",
    "Verksamheten styrs av respektive beslutad förbundsordning.",
    "Budgeten bygger på de mål som fullmäktige har beslutat om.",
    "Basenhetens tilldelade budgetutrymme utgör ramen för verksamheten.",
    "Av de inbjudna har cirka 39 procent genomfört ett hälsosamtal.",
    "Antal påbörjade behandlingar inom internetbaserad KBT ökar.",
    # participles as adjectives
    "För åtgärder som påbörjad behandling var väntetiden kortare än i riket.",
    "Inställda tågavgångar riskerar att försvåra resorna till sjukhuset.",
    "Ändrade regler för momsen kan komma att påverka resultatet.",
    "Satsningen gäller prioriterade och beslutade verksamheter inom vården.",
    "Covid-19 kan ge utbrott som leder till stängda vårdplatser och inställda operationer.",
    # how an ongoing activity ran, and states
    "Kurserna har i stor utsträckning genomförts på distans och fortlöper enligt plan.",
    "Återöppnandet har genomförts på ett smittsäkert sätt.",
    "Bidragen är anpassade utifrån ett jämställdhetsperspektiv.",
    "Nedgången beror på att ett mindre antal vårdplatser har varit öppna i juli.",
    "Där lokalerna nu anpassas kommer verksamheten att flytta in.",
    # generic verbs without a happening
    "Trots detta har medarbetarna gjort ett mycket gott arbete.",
    "Pandemin har gjort att många möten har hållits på distans.",
    "Kriget i Europa har skapat osäkerhet kring leveranserna.",
    "Modellen är byggd på samråd med länets kommuner.",
    "Fler läkarbesök har genomförts i år jämfört med samma period förra året.",
    # background: the steering framework, the document itself, assessments, subordinate clauses
    "Regionfullmäktige har fastställt tolv strategiska mål fördelade på fyra perspektiv.",
    "Regionen har i regionplan 2022 beslutat om tre finansiella mål.",
    "De strategiska målen är fastställda av regionfullmäktige.",
    "Planen har därefter tagits fram i dialog med nämnderna.",
    "Fastställd av regionfullmäktige 2022-11-22",
    "Den samlade bedömningen är att arbetet har kommit igång väl.",
    "Underskottet beror på nya regler som kom efter att budgeten beslutats.",
    "Sjuksköterskorna är antagna till specialistutbildningen i höst.",
    "Förvaltningarna har fått i uppdrag att leda arbetet utifrån målen.",
    "Stiftelsen är en fond bildad 1990 för forskning i länet.",
    "I policyn beslutad av fullmäktige i juni finns placeringsreglerna.",
    "Syftet med programmet är att ge nya medarbetare en trygg start i yrket.",
    "Mätt som andel upprättade planer är målet dock ännu inte uppnått.",
    "De mest kostsamma vårdtillfällena ersätts utifrån faktisk kostnad.",
    "Budgeten bygger på den av nämnden beslutade trafikplanen.",
    "Planen grundar sig på beslutade och planerade investeringar.",
    "I beslutet om omställningsplanen ingick att minska kostnaderna.",
    "Återbetalningen av bidragen slog hårt mot resultatet.",
    "Vi ser ett behov av att efter tre år i drift se över bemanningen.",
    # table cells glued into a "sentence"
    "Strategi antagen ABC har ett samordnat arbete ABC Antagen regional strategi Antagen regional strategi",
])
def test_events_ignores_plans_negations_and_adjectives(event_nlp, tmp_path, sentence):
    _, facts = run(event_nlp, tmp_path, sentence)
    assert facts == []


def test_events_decision_date_is_the_act_not_the_effect(event_nlp, tmp_path):
    _, facts = run(event_nlp, tmp_path, "Regionstyrelsen har beslutat att avgiften tas bort fr.o.m. 2023.")
    assert len(facts) == 1 and facts[0].type.value == "decision" and facts[0].date is None


def test_events_bad_input_warns(event_nlp, tmp_path):
    path = tmp_path / "tom.txt"
    path.write_text("Tabell 2\n\nÅr 2021 2022\n\nIntäkter 100 110\nKostnader 90 95\n", encoding="utf-8")
    doc = process(event_nlp, load_document(path))
    assert list(doc.spans["events"]) == []
    assert any("no prose" in w for w in doc._.warnings)
    runon = "regionen har startat ett projekt och beslutat om en ny organisation " * 75
    doc, facts = run(event_nlp, tmp_path, runon.strip())
    assert facts == []
    assert any("without a sentence end" in w for w in doc._.warnings)


def test_events_and_risks_on_one_sentence_keep_their_own_records(tmp_path):
    nlp = rules_only(build_nlp(only=["rapport_sentences", "rapport_lemmas", "rapport_risks", "rapport_events"]))
    path = tmp_path / "b.txt"
    path.write_text(HEAD + "Mottagningen stängdes i juli och det finns en risk att bristen på läkare består." + TAIL, encoding="utf-8")
    doc = process(nlp, load_document(path))
    risks = [s._.fact for s in doc.spans["risks"]]
    events = [s._.fact for s in doc.spans["events"]]
    assert [type(r).__name__ for r in risks] == ["Risk"] and [type(e).__name__ for e in events] == ["Event"]
    assert risks[0].text == events[0].text and events[0].type.value == "closure" and events[0].date == "2022-07"


def test_events_date_from_context(event_nlp, tmp_path):
    """"Samma månad" takes the month of the sentence before; a bullet under "Händelser i oktober" its heading's."""
    _, facts = run(event_nlp, tmp_path, "I juni invigdes den nya vårdcentralen i Byn. Samma månad beslutade "
                                        "regionstyrelsen om en investering i nya ambulanser.")
    assert [(f.type.value, f.date) for f in facts] == [("start", "2022-06"), ("investment", "2022-06")]
    path = tmp_path / "m.txt"
    path.write_text(HEAD.split("2.5")[0] + "Händelser i oktober\n\n• Avtal om ny tolktjänst tecknat med länets kommuner\n"
                    "• Regionstyrelsen beslutade den 11 oktober om en åtgärdsplan\n"
                    "• Ny magnetkamera i drift vid sjukhuset i Byn\n• Magnetkameran är i drift dygnet runt\n",
                    encoding="utf-8")
    doc = process(event_nlp, load_document(path))
    assert sorted((s._.fact.type.value, s._.fact.date) for s in doc.spans["events"]) == [
        ("agreement", "2022-10"), ("decision", "2022-10-11"), ("start", "2022-10")]


def test_events_plan_dates_its_past_events_in_the_year_before(event_nlp, tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("Region Exempellän\nRegionplan och budget 2024–2026\n\n1. Inledning\nRegionplanen gäller 2024. "
                    "Regionstyrelsen beslutade i september att föreslå en oförändrad skattesats.\n", encoding="utf-8")
    doc = process(event_nlp, load_document(path))
    facts = [s._.fact for s in doc.spans["events"]]
    assert doc._.document.meta.kind == "regionplan" and doc._.document.meta.period == "2024"
    assert [(f.type.value, f.date) for f in facts] == [("decision", "2023-09")]


def test_events_regionen_is_the_reports_region(event_nlp, tmp_path):
    path = tmp_path / "nb.txt"
    path.write_text("Region Norrbotten\nDelårsrapport januari–augusti 2022\n\n2.5 Händelser\n"
                    "I maj tecknade regionen ett nytt avtal med universitetet om forskning.\n", encoding="utf-8")
    doc = process(event_nlp, load_document(path))
    facts = [s._.fact for s in doc.spans["events"]]
    assert [(f.type.value, f.date, f.actor) for f in facts] == [("agreement", "2022-05", "Region Norrbotten")]


def test_events_skips_table_cells_glued_into_a_line(event_nlp, tmp_path):
    path = tmp_path / "cells.txt"
    path.write_text(HEAD + "Uppföljningen redovisas nedan.\nVärde saknas Hälften av sträckorna har påbörjats\n\n"
                    "Hälften av sträckorna har påbörjats under våren.\n", encoding="utf-8")
    doc = process(event_nlp, load_document(path))
    assert [" ".join(s._.fact.text.split()) for s in doc.spans["events"]] == [
        "Hälften av sträckorna har påbörjats under våren."]
