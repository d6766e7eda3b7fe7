"""The clinical cue list (rapport/models/patterns/risks.jsonl, label "clinical"): a patient's own risk
of a harm or condition in patient-safety prose is never a risk, while the organisation's threats
written in the same prose (staffing, overcrowding, systems) stay risks. Sentences written for the test."""
from __future__ import annotations

import pytest

from rapport.pipeline.heads_user import rules_only
from rapport.pipeline.nlp import build_nlp
from tests.conftest import process_text

HEAD = """Vårdinge kommun
Patientsäkerhetsberättelse 2025

3 Risker och förebyggande arbete
Nämnden har under året följt upp det förebyggande arbetet på alla enheter. """
TAIL = """ Uppföljningen redovisas för nämnden i februari.
"""


@pytest.fixture(scope="module")
def risk_nlp():
    return rules_only(build_nlp(only=["rapport_sentences", "rapport_lemmas", "rapport_risks"]))


def risks_in(nlp, tmp_path, sentence: str) -> list[str]:
    doc = process_text(nlp, tmp_path / "p.txt", HEAD + sentence + TAIL)
    return [s._.fact.text for s in doc.spans["risks"]]


@pytest.mark.parametrize("sentence", [
    "Brukare som ligger mycket i sängen riskerar att få trycksår.",
    "Äldre med demenssjukdom riskerar att falla när de går upp på natten.",
    "Risken för självskador följs upp vid varje besök på boendet.",
    "Hälsoriskerna med behandlingen väger lätt mot nyttan för patienten.",
    "Dålig munhygien ökar risken för lunginflammation hos de boende.",
    "Patienter med flera kroniska sjukdomar riskerar att återinskrivas inom en månad.",
    "Vårdtagare som tar många läkemedel löper en betydligt förhöjd risk för biverkningar.",
])
def test_clinical_cues_keep_a_patients_own_risk_out(risk_nlp, tmp_path, sentence):
    assert risks_in(risk_nlp, tmp_path, sentence) == []


@pytest.mark.parametrize("sentence", [
    "Överbeläggningarna på avdelningen ökar risken för vårdskador.",
    "Bristen på undersköterskor riskerar patientsäkerheten i hemtjänsten.",
    "Det finns en risk att det nya journalsystemet inte är klart före sommaren.",
    "Kostnaderna för inhyrda sjuksköterskor riskerar att överskrida budgeten.",
])
def test_clinical_cues_leave_organisational_risks_in_patient_safety_prose(risk_nlp, tmp_path, sentence):
    assert len(risks_in(risk_nlp, tmp_path, sentence)) == 1
