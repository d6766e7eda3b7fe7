"""The goal components read their cue rows through the one cue engine, loaded in `initialize`:
a user's own pattern folder replaces packaged files, bad files fail with one line naming them,
and the rows travel with a saved pipeline."""
from __future__ import annotations

import json

import pytest

from rapport.pipeline.cues import PatternsError, read_pattern_file, row_pattern
from rapport.pipeline.heads_user import rules_only
from rapport.pipeline.nlp import build_nlp
from tests.conftest import process_text

COMPONENTS = ["rapport_sentences", "rapport_lemmas", "rapport_goals"]
BODY = "Region Exempel\nDelårsrapport 2023\n\nAvvikelser\n\n• Andel digitala vårdmöten\n"


def statuses(nlp, tmp_path) -> list[str]:
    doc = process_text(nlp, tmp_path / "r.txt", BODY)
    return [s._.fact.status.value for s in doc.spans["goal_assessments"]]


def own_folder(tmp_path, name: str, row: dict):
    """A user's pattern folder holding one file of one row."""
    own = tmp_path / "own"
    own.mkdir()
    (own / name).write_text(json.dumps(row) + "\n", encoding="utf-8")
    return own


def test_cues_row_pattern_reads_phrase_lemma_and_pattern_rows():
    assert row_pattern({"label": "X", "phrase": "I Huvudsak"}) == [{"LOWER": "i"}, {"LOWER": "huvudsak"}]
    assert row_pattern({"label": "X", "lemma": "uppnå"}) == [{"LEMMA": "uppnå"}]
    with pytest.raises(ValueError):
        row_pattern({"phrase": "utan etikett"})


def test_cues_goal_patterns_user_folder_replaces_a_packaged_file(tmp_path):
    nlp = rules_only(build_nlp(only=COMPONENTS))
    assert statuses(nlp, tmp_path) == ["not_achieved"]
    own = own_folder(tmp_path, "structure.jsonl", {"label": "HEAD_ACHIEVED_WEAK", "phrase": "avvikelser"})
    nlp.get_pipe("rapport_goals").initialize(patterns=str(own))
    assert statuses(nlp, tmp_path) == ["achieved"]


@pytest.mark.parametrize("name,text,line", [
    ("status.jsonl", '{"label": "NEG", "phrase": "inte"}\n{"label": "NEG"\n', 2),
    ("goal_words.jsonl", '{"set": "ONE", "words": ["en", "ett"]}\n{"set": "YEAR_PREP"}\n', 2),
    ("goal_words.jsonl", '{"set": "PARTICIPLE", "regex": "(ade"}\n', 1),
])
def test_cues_goal_patterns_bad_file_names_file_and_line(tmp_path, name, text, line):
    from rapport.pipeline.goal_base import read_word_file

    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    read = read_word_file if name == "goal_words.jsonl" else read_pattern_file
    with pytest.raises(PatternsError, match=rf"{name.replace('.', '[.]')}:{line}"):
        read(bad)


def test_cues_goal_patterns_missing_folder_is_named(tmp_path):
    nlp = build_nlp(only=COMPONENTS)
    with pytest.raises(PatternsError, match="not found"):
        nlp.get_pipe("rapport_goals").initialize(patterns=str(tmp_path / "missing"))


def test_cues_goal_patterns_travel_with_a_saved_pipeline(tmp_path):
    nlp = rules_only(build_nlp(only=COMPONENTS))
    own = own_folder(tmp_path, "structure.jsonl", {"label": "HEAD_ACHIEVED_WEAK", "phrase": "avvikelser"})
    pipe = nlp.get_pipe("rapport_goals")
    pipe.initialize(patterns=str(own))
    pipe.to_disk(tmp_path / "saved")
    fresh = rules_only(build_nlp(only=COMPONENTS))
    fresh.get_pipe("rapport_goals").from_disk(tmp_path / "saved")
    assert statuses(fresh, tmp_path) == ["achieved"]


FIELD = "Region Exempel\nDelårsrapport 2023\n\nMål 8. Hållbar ekonomi\nKommentar finns i bilagan.\n\nStatus: Delvis uppfyllt\n"


def horizons(nlp, tmp_path) -> list[str]:
    doc = process_text(nlp, tmp_path / "f.txt", FIELD)
    return [s._.fact.horizon.value for s in doc.spans["goal_assessments"]]


def test_cues_goal_words_user_file_replaces_the_sets_it_names(tmp_path):
    nlp = rules_only(build_nlp(only=COMPONENTS))
    assert horizons(nlp, tmp_path) == ["current"]
    own = own_folder(tmp_path, "goal_words.jsonl", {"set": "FIELD_YEAR_END", "regex": "(?i)^status"})
    pipe = nlp.get_pipe("rapport_goals")
    pipe.initialize(patterns=str(own))
    assert horizons(nlp, tmp_path) == ["year_end"]  # the other sets are still the packaged ones
    pipe.to_disk(tmp_path / "saved")
    fresh = rules_only(build_nlp(only=COMPONENTS))
    fresh.get_pipe("rapport_goals").from_disk(tmp_path / "saved")
    assert horizons(fresh, tmp_path) == ["year_end"]

