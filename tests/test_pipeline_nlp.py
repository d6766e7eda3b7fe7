"""The spaCy pipeline: built from models/config.cfg, sentences from the corpus, saves and loads."""
from __future__ import annotations

import spacy
from spacy.language import Language

from rapport.corpus import load_document
from rapport.pipeline.nlp import build_nlp, config, process

TEXT = """Region Norrbotten
Delårsrapport januari–augusti 2022

1. Inledning
Regionen har t.ex. öppnat en ny vårdcentral enl. beslut i mars. Kostnaderna ökade med ca 3 procent.
Verksamheten har pausats
Det innebär att flera projekt skjuts upp.
"""


def test_pipeline_factories_match_config():
    names = config()["nlp"]["pipeline"]
    registered = {n for n in Language.factories if n.startswith("rapport_")}
    assert set(names) == registered


def test_pipeline_sentences_follow_corpus(write_report):
    d = load_document(write_report(TEXT))
    doc = process(build_nlp(only=["rapport_sentences", "rapport_lemmas"]), d)
    prose = [s.text for s in doc.sents if "Regionen" in s.text or "Kostnaderna" in s.text or "Det innebär" in s.text]
    assert prose == ["Regionen har t.ex. öppnat en ny vårdcentral enl. beslut i mars.",
                     "Kostnaderna ökade med ca 3 procent.", "Det innebär att flera projekt skjuts upp."]
    assert [t.lemma_ for t in doc if t.text == "Kostnaderna"] == ["kostnad"]


def test_pipeline_roundtrip_to_disk(tmp_path, write_report):
    nlp = build_nlp()
    nlp.to_disk(tmp_path / "nlp")
    again = spacy.load(tmp_path / "nlp")
    assert again.pipe_names == nlp.pipe_names
    d = load_document(write_report(TEXT))
    a, b = process(nlp, d), process(again, d)
    assert [s.text for s in a.sents] == [s.text for s in b.sents]
    for key in ("goal_assessments", "risks", "events"):
        fa = [s._.fact for s in a.spans.get(key, [])]
        fb = [s._.fact for s in b.spans.get(key, [])]
        assert fa == fb
