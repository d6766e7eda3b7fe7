"""rapport_risks: organisational risks found, clinical vocabulary and mitigations left alone."""
from __future__ import annotations

import pytest

from rapport.corpus import load_document
from tests.conftest import process_text
from rapport.pipeline.heads_user import rules_only
from rapport.pipeline.nlp import build_nlp, process
from rapport.pipeline.records import Risk

HEAD = """Region Exempellän
Delårsrapport januari–augusti 2022

2.4 Viktiga förhållanden för verksamheten
Regionen har under perioden fortsatt arbetet enligt regionplanen. """
TAIL = """ Uppföljning sker i årsredovisningen.
"""


@pytest.fixture(scope="module")
def risk_nlp():
    return rules_only(build_nlp(only=["rapport_sentences", "rapport_lemmas", "rapport_risks"]))


def run(nlp, tmp_path, sentence: str, name: str = "r.txt"):
    doc = process_text(nlp, tmp_path / name, HEAD + sentence + TAIL)
    return doc, [s._.fact for s in doc.spans["risks"]]


@pytest.mark.parametrize("sentence, category", [
    ("Det finns en risk att kostnaderna för hyrpersonal fortsätter att öka under hösten.", None),
    ("Bristen på specialistsjuksköterskor riskerar att leda till färre vårdplatser.", None),
    ("Prognosen är osäker eftersom nivån på statsbidragen för nästa år ännu inte är känd.", "finance"),
    ("Det befaras att elpriserna stiger kraftigt under vintern och belastar ekonomin.", "finance"),
    ("Den ekonomiska situationen är fortsatt ansträngd med ett högt kostnadsläge.", "finance"),
    ("Det kommer att bli svårt att nå målet om en ekonomi i balans.", "finance"),
    ("Svårigheterna att rekrytera sjuksköterskor och läkare är fortsatt stora.", "staffing"),
    ("Förseningar hos leverantören har gjort att införandet av det nya journalsystemet försenats.", "it_digital"),
    ("En åldrande befolkning innebär ökade behov samtidigt som arbetskraften minskar.", "demography"),
    ("Extremväder och skyfall kan komma att orsaka skador som påverkar miljön i länet.", "climate_environment"),
    ("Nya krav i lagstiftningen innebär en osäkerhet kring hur tillsynen ska bedrivas.", "legal_regulatory"),
    ("Pandemin har försvårat arbetet med att genomföra planerade aktiviteter.", "pandemic"),
    ("Kollektivtrafiken har drabbats hårt av minskat resande och lägre biljettintäkter.", "infrastructure_transport"),
    ("Köerna till planerade operationer växer och vårdskulden kvarstår.", "care_capacity"),
])
def test_risks_finds_forward_looking_negative_statements(risk_nlp, tmp_path, sentence, category):
    doc, facts = run(risk_nlp, tmp_path, sentence)
    assert len(facts) == 1, [f.text for f in facts]
    fact = facts[0]
    assert isinstance(fact, Risk)
    assert " ".join(fact.text.split()) == sentence
    assert doc._.document.text[fact.start:fact.end] == fact.text
    assert fact.section == "2.4 Viktiga förhållanden för verksamheten"
    assert 0.5 <= fact.score < 1.0
    if category:
        assert fact.category.value == category


@pytest.mark.parametrize("sentence", [
    "Andelen patienter i riskgrupp som erbjudits vaccination har ökat.",
    "Riskbedömning av fallrisk görs för alla patienter över 65 år vid inskrivning.",
    "Rökning och övervikt är riskfaktorer för hjärt- och kärlsjukdom.",
    "Personer med diabetes löper ökad risk för hjärtinfarkt.",
    "Patienter med risk för undernäring ska identifieras vid inskrivningen.",
    "Riskbruk av alkohol är vanligare bland män än bland kvinnor.",
    "Andelen patienter med fallrisk som fått en åtgärdsplan har ökat.",
    "Smittrisken på avdelningen bedöms som låg efter införda rutiner.",
    "Rutiner för att minska risken för smittspridning har införts på alla enheter.",
    "Verksamheten har inte påverkats negativt av pandemin.",
    "Om resultatet blir negativt ska underskottet återställas inom tre år.",
    "Vid ett eventuellt ianspråktagande av borgensförbindelsen fördelas ansvaret enligt regressavtalet.",
    "Sjukfrånvaron har minskat och rekryteringen av sjuksköterskor har gått bra.",
])
def test_risks_ignores_clinical_vocabulary_and_mitigations(risk_nlp, tmp_path, sentence):
    _, facts = run(risk_nlp, tmp_path, sentence)
    assert facts == []


@pytest.mark.parametrize("sentence, category", [
    # the pandemic as the threat: care and population are what it hits
    ("Covid-19 kan ge nya utbrott som leder till stängda vårdplatser och inställda operationer.", "pandemic"),
    ("Ökad smittspridning av covid-19 kan begränsa antalet vårdplatser under vintern.", "pandemic"),
    ("Verksamheten för barn och unga har påverkats kraftigt av pandemin och färre insatser har genomförts.",
     "pandemic"),
    # ... but a specific domain it hits stays the category
    ("Pandemin har försenat leveransen av det nya journalsystemet.", "it_digital"),
    # the pandemic as a circumstance is not the threat
    ("Vårdskulden från pandemin är fortfarande stor och köerna växer.", "care_capacity"),
    # what follows the cue noun names the threat, not a condition further on
    ("Det finns en risk att köerna växer under hösten om bemanningen inte förbättras.", "care_capacity"),
    ("Antalet vårdplatser per invånare är lågt och det finns risk för överbeläggningar under vintern.",
     "care_capacity"),
    ("Ovissheten är stor när det gäller bolagets resultat, som beror på resandet i trafiken.", "finance"),
    # the subject before a causing verb names the source
    ("Stigande energipriser kan komma att fördyra driften av sjukhusen.", "finance"),
    ("Inställda tågavgångar och flygförseningar riskerar att försvåra patientresorna.", "infrastructure_transport"),
    ("Förslaget om nya regler för statens ersättning skapar osäkerhet om hur stora kostnaderna blir.",
     "legal_regulatory"),
])
def test_risks_category_follows_the_threat(risk_nlp, tmp_path, sentence, category):
    _, facts = run(risk_nlp, tmp_path, sentence)
    assert [f.category.value for f in facts] == [category]


@pytest.mark.parametrize("sentence, category", [
    ("Höjda bränslepriser ökar kostnaderna för färdtjänsten.", "finance"),
    ("Köerna till ögonsjukvården växer.", "care_capacity"),
    ("Skatteunderlagsprognosen visar svagare tillväxt nästa år.", "finance"),
    ("Statsbidraget för nästa år är ännu inte klart.", "finance"),
    ("Ombyggnaden av akuten kräver investeringar som ännu inte ryms i budgeten.", None),
    ("Resandet i kollektivtrafiken är 15 % lägre än 2019.", "infrastructure_transport"),
    ("Antalet försök till it-intrång har ökat och ett lyckat angrepp skulle kunna slå ut viktiga system.",
     "it_digital"),
    ("Samtidigt är väntetiderna fortfarande för långa.", "care_capacity"),
    ("Nedläggningen av stationen har skapat stor oro hos resenärerna.", None),
])
def test_risks_finds_plain_negative_trends(risk_nlp, tmp_path, sentence, category):
    _, facts = run(risk_nlp, tmp_path, sentence)
    assert len(facts) == 1, [f.text for f in facts]
    if category:
        assert facts[0].category.value == category


@pytest.mark.parametrize("sentence", [
    "Division Syd redovisar en negativ avvikelse på 45 mnkr mot budget.",       # a reported outcome
    "I augusti drabbades regionen av ett elavbrott på sjukhuset.",              # a dated event
    "Vecka 28–31 var mottagningen stängd på grund av brist på sjuksköterskor.",  # a dated event
    "Ett möte hölls för att skapa samsyn kring länets utmaningar.",              # a purpose
    "Kunskap om kommunernas möjligheter och utmaningar är viktig för planeringen.",
    "Syftet med projektet är att kartlägga behov som kan komma att påverka elnätet.",
])
def test_risks_ignores_outcomes_events_and_aims(risk_nlp, tmp_path, sentence):
    _, facts = run(risk_nlp, tmp_path, sentence)
    assert facts == [], [f.text for f in facts]


def test_risks_span_group_and_labels(risk_nlp, tmp_path):
    doc, facts = run(risk_nlp, tmp_path, "Det råder stor brist på tandläkare i länets inland.")
    group = doc.spans["risks"]
    assert len(group) == 1 and group[0].label_ == facts[0].category.value == "staffing"
    assert group[0]._.fact is facts[0]


def test_risks_table_only_document_warns_and_finds_nothing(risk_nlp, tmp_path):
    text = "Tabell 1 Kostnader\n\nKostnad 2021 2022\n\nPersonal 120 130\nLokaler 40 42\nÖvrigt 12 15\n"
    path = tmp_path / "tabell.txt"
    path.write_text(text, encoding="utf-8")
    doc = process(risk_nlp, load_document(path))
    assert list(doc.spans["risks"]) == []
    assert any("no prose" in w for w in doc._.warnings)


def test_risks_run_on_sentence_skipped_with_warning(risk_nlp, tmp_path):
    runon = "det finns en stor risk för underskott och brist på personal " * 85  # ~5,000 characters, no full stop
    doc, facts = run(risk_nlp, tmp_path, runon.strip())
    assert facts == []
    assert any("without a sentence end" in w for w in doc._.warnings)


def test_risks_score_rises_with_evidence(risk_nlp, tmp_path):
    _, weak = run(risk_nlp, tmp_path, "Bemanningen har varit ansträngd under sommaren.", "a.txt")
    _, strong = run(risk_nlp, tmp_path, "Det finns en betydande risk att den ansträngda bemanningen leder till "
                                         "osäkerhet i vårdens tillgänglighet.", "b.txt")
    assert weak and strong and strong[0].score > weak[0].score


def test_risks_patterns_travel_with_the_pipeline(risk_nlp, tmp_path):
    import srsly

    risk_nlp.to_disk(tmp_path / "nlp")
    saved = tmp_path / "nlp" / "rapport_risks"
    assert (saved / "patterns.jsonl").exists() and srsly.read_json(saved / "cfg.json")["threshold"] == 1.0
    again = build_nlp(only=["rapport_sentences", "rapport_lemmas", "rapport_risks"]).from_disk(tmp_path / "nlp")
    sentence = "Det råder stor brist på tandläkare i länets inland."
    _, before = run(risk_nlp, tmp_path, sentence, "x.txt")
    _, after = run(again, tmp_path, sentence, "y.txt")
    assert [(f.text, f.category, f.score) for f in before] == [(f.text, f.category, f.score) for f in after]
    # an edited cue list on disk is the one the loaded pipeline uses
    rows = [r for r in srsly.read_jsonl(saved / "patterns.jsonl") if r.get("family") != "shortage"]
    srsly.write_jsonl(saved / "patterns.jsonl", rows)
    edited = build_nlp(only=["rapport_sentences", "rapport_lemmas", "rapport_risks"]).from_disk(tmp_path / "nlp")
    _, none = run(edited, tmp_path, sentence, "z.txt")
    assert none == []
