"""rapport_aggregates on our own Swedish fixtures: counted summaries in prose and in small tables."""
from __future__ import annotations

import pytest
import spacy

from rapport.corpus import load_document
from tests.conftest import process_text
from rapport.pipeline.nlp import build_nlp, make_doc

COMPONENTS = ["rapport_sentences", "rapport_lemmas", "rapport_goals", "rapport_aggregates"]
HEAD = "Region Exempel\nÅrsredovisning 2022\n\n2. Måluppfyllelse\n\nUppföljning av målen\n"
FIELDS = ("scope", "total", "achieved", "partially", "not_achieved", "no_assessment")


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(only=COMPONENTS)


def run(nlp, tmp_path, body: str):
    return process_text(nlp, tmp_path / "rapport.txt", HEAD + body)


def rows(doc) -> list[dict]:
    return [{k: getattr(s._.fact, k) for k in FIELDS} for s in doc.spans["aggregates"]]


@pytest.mark.parametrize("sentence,expected", [
    ("Sammanfattningsvis har tre av de tolv målen uppnåtts, sju delvis och två inte.",
     ("mål", 12, 3, 7, 2, 0)),
    ("Av regionens tolv mål har tre uppnåtts, sju uppnåtts delvis och två inte uppnåtts.",
     ("mål", 12, 3, 7, 2, 0)),
    ("Av de 20 indikatorerna har 12 uppfyllts, 5 delvis uppfyllts och 3 har inte uppfyllts.",
     ("indikatorer", 20, 12, 5, 3, 0)),
    ("Bedömningen visar att fyra av de sju strategiska målen helt har uppnåtts medan tre delvis har uppnåtts.",
     ("strategiska mål", 7, 4, 3, 0, 0)),
    ("Två av de elva delmålen har uppnåtts.", ("delmål", 11, 2, None, None, None)),
    ("Av nämndens åtta mål är fem uppfyllda, två delvis uppfyllda och ett inte uppfyllt.", ("mål", 8, 5, 2, 1, 0)),
    ("Av de 30 styrmått som följs upp når 12 sitt målvärde, 9 når det delvis och 5 når det inte, medan 4 saknar utfall.",
     ("styrmått", 30, 12, 9, 5, 4)),
])
def test_aggregates_prose_counts(nlp, tmp_path, sentence, expected):
    doc = run(nlp, tmp_path, sentence + "\n")
    assert rows(doc) == [dict(zip(FIELDS, expected))]
    # a counted summary is not also read as an assessment of one goal
    assert len(doc.spans["goal_assessments"]) == 0


def test_aggregates_total_in_previous_sentence(nlp, tmp_path):
    doc = run(nlp, tmp_path, "Totalt 15 delmål ingår i planen. 9 uppnås, 4 uppnås delvis och 2 uppnås inte.\n")
    (row,) = rows(doc)
    assert row == dict(zip(FIELDS, ("delmål", 15, 9, 4, 2, 0)))
    (span,) = doc.spans["aggregates"]
    assert span._.fact.text.startswith("Totalt 15 delmål")


def test_aggregates_counts_that_do_not_add_up_warn(nlp, tmp_path):
    doc = run(nlp, tmp_path, "Av de tio delmålen har fyra uppnåtts och tre delvis uppnåtts, medan två inte har uppnåtts.\n")
    (row,) = rows(doc)
    assert (row["total"], row["achieved"], row["partially"], row["not_achieved"]) == (10, 4, 3, 2)
    assert row["no_assessment"] is None
    assert any("do not add up" in w for w in doc._.warnings)


def test_aggregates_table_rows(nlp, tmp_path):
    body = ("Mål 2. Nämndernas indikatorer\n"
            "Mål Antal % Bedömning\n"
            "Målet har helt uppfyllts 4 40 %\n"
            "Målet har delvis uppfyllts 3 30 %\n"
            "Målet har inte uppfyllts 1 10 %\n"
            "Ingen prognos har gjorts 2 20 %\n\n"
            "Arbetet fortsätter under hösten.\n")
    doc = run(nlp, tmp_path, body)
    assert rows(doc) == [dict(zip(FIELDS, ("mål 2 nämndernas indikatorer", 10, 4, 3, 1, 2)))]
    (span,) = doc.spans["aggregates"]
    assert span._.fact.text.startswith("Mål 2. Nämndernas indikatorer")
    assert len(doc.spans["goal_assessments"]) == 0


def test_aggregates_table_short_labels(nlp, tmp_path):
    body = "Status för delmålen\nUppfyllt 6\nDelvis uppfyllt 2\nEj uppfyllt 1\nEj bedömt 1\n"
    assert rows(run(nlp, tmp_path, body)) == [dict(zip(FIELDS, ("status för delmålen", 10, 6, 2, 1, 1)))]


@pytest.mark.parametrize("sentence", [
    "Fyra av fem sjukvårdsområden har startat projektet.",
    "Elva av femton bibliotek har skickat in sina handlingsplaner.",
    "Målet har uppnåtts för tredje året i rad.",
    "Kostnaderna ökade med 3 procent och intäkterna med 2 procent.",
])
def test_aggregates_not_a_counted_summary(nlp, tmp_path, sentence):
    assert rows(run(nlp, tmp_path, sentence + "\n")) == []


def test_aggregates_disk_round_trip(nlp, tmp_path):
    path = tmp_path / "rapport.txt"
    path.write_text(HEAD + "Av de 20 indikatorerna har 12 uppfyllts, 5 delvis uppfyllts och 3 har inte uppfyllts.\n",
                    encoding="utf-8")
    document = load_document(path)
    doc = nlp(make_doc(nlp, document))
    before = [s._.fact for s in doc.spans["aggregates"]]
    nlp.to_disk(tmp_path / "nlp")
    nlp2 = spacy.load(tmp_path / "nlp")
    doc2 = nlp2(make_doc(nlp2, document))
    after = [s._.fact for s in doc2.spans["aggregates"]]
    assert after == before and len(after) == 1


def test_aggregates_no_prose_warns(nlp, tmp_path):
    doc = run(nlp, tmp_path, "Resultaträkning\nIntäkter 100 120 130\nKostnader -90 -100 -110\n")
    assert rows(doc) == []
    assert any("rapport_aggregates" in w for w in doc._.warnings)
