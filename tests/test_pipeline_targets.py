"""rapport_targets on our own Swedish fixtures: stated targets and thresholds."""
from __future__ import annotations

import pytest
import spacy

from rapport.corpus import load_document
from tests.conftest import process_text
from rapport.pipeline.nlp import build_nlp, make_doc

COMPONENTS = ["rapport_sentences", "rapport_lemmas", "rapport_targets"]
HEAD = "Region Exempel\nRegionplan 2023\n\n3. Finansiella mål\n\n"


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(only=COMPONENTS)


def run(nlp, tmp_path, body: str):
    return process_text(nlp, tmp_path / "rapport.txt", HEAD + body)


def targets(doc) -> list[str]:
    return [s._.fact.target for s in doc.spans["targets"]]


@pytest.mark.parametrize("sentence,target", [
    ("Resultatet ska uppgå till minst 2 procent av skatteintäkterna.",
     "Resultatet ska uppgå till minst 2 procent av skatteintäkterna"),
    ("Soliditeten ska öka.", "Soliditeten ska öka"),
    ("Väntetiderna ska förkortas under planperioden.", "Väntetiderna ska förkortas under planperioden"),
    ("Låneskulden får högst uppgå till 40 procent av skatteintäkterna.",
     "Låneskulden får högst uppgå till 40 procent av skatteintäkterna"),
    ("År 2023 ska självfinansieringsgraden uppgå till minst 80 procent.",
     "År 2023 ska självfinansieringsgraden uppgå till minst 80 procent"),
    ("Målet på högst 25 procent har nåtts.", "Målet på högst 25 procent"),
    ("Målvärdet är 90 procent för år 2023.", "Målvärdet är 90 procent"),
    ("Nämnderna ska redovisa ett resultat i balans.", "Nämnderna ska redovisa ett resultat i balans"),
    ("Sjukfrånvaron ska minska till högst 6 procent.", "Sjukfrånvaron ska minska till högst 6 procent"),
    ("Kostnaderna får inte överstiga budget.", "Kostnaderna får inte överstiga budget"),
    ("Målet för andelen patienter med besök inom 90 dagar är 80 procent.",
     "Målet för andelen patienter med besök inom 90 dagar är 80 procent"),
    ("Målet är att alla patienter ska erbjudas ett digitalt besök.",
     "Målet är att alla patienter ska erbjudas ett digitalt besök"),
    ("Minst 85 procent av patienterna ska få ett besök inom 30 dagar.",
     "Minst 85 procent av patienterna ska få ett besök inom 30 dagar"),
    ("Nämnderna ska bedriva sin verksamhet inom tilldelade ramar.",
     "Nämnderna ska bedriva sin verksamhet inom tilldelade ramar"),
    ("Skillnaden i livslängd mellan kommunerna ska minska.", "Skillnaden i livslängd mellan kommunerna ska minska"),
])
def test_targets_found(nlp, tmp_path, sentence, target):
    doc = run(nlp, tmp_path, sentence + "\n")
    assert targets(doc) == [target]
    (span,) = doc.spans["targets"]
    fact = span._.fact
    assert fact.text == sentence and doc._.document.text[fact.start:fact.end] == sentence
    assert fact.period == "2023"


@pytest.mark.parametrize("sentence", [
    "Kommunerna ska stärka samverkan med regionen.",
    "Primärvården ska stärkas och utvecklas.",
    "Utfallet uppgick till 3 procent av skatteintäkterna.",
    "Resultatet ska redovisas i årsredovisningen.",
    "Antalet besök har ökat med 5 procent.",
])
def test_targets_not_a_target(nlp, tmp_path, sentence):
    assert targets(run(nlp, tmp_path, sentence + "\n")) == []


def test_targets_goal_from_sentence(nlp, tmp_path):
    doc = run(nlp, tmp_path, "Pensionsskuldsmålet innebär att pensionsskulden ska vara finansierad till minst 50 procent.\n")
    (span,) = doc.spans["targets"]
    assert span._.fact.goal == "Pensionsskuldsmålet"
    assert "minst 50 procent" in span._.fact.target


def test_targets_no_prose_warns(nlp, tmp_path):
    doc = run(nlp, tmp_path, "Nyckeltal\nSoliditet 20 22 25\nResultat 1,2 2,0 2,5\n")
    assert targets(doc) == []
    assert any("rapport_targets" in w for w in doc._.warnings)


def test_targets_disk_round_trip(nlp, tmp_path):
    path = tmp_path / "rapport.txt"
    path.write_text(HEAD + "Resultatet ska uppgå till minst 2 procent av skatteintäkterna.\n", encoding="utf-8")
    document = load_document(path)
    doc = nlp(make_doc(nlp, document))
    before = [s._.fact for s in doc.spans["targets"]]
    nlp.to_disk(tmp_path / "nlp")
    nlp2 = spacy.load(tmp_path / "nlp")
    doc2 = nlp2(make_doc(nlp2, document))
    after = [s._.fact for s in doc2.spans["targets"]]
    assert after == before and len(after) == 1
