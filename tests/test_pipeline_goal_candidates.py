"""goal_candidates reads corpus's prose decision (Sentence.prose, Document.table_sentences), no test of its own."""
from __future__ import annotations

import pytest

from rapport.corpus import BlockKind
from rapport.pipeline.goal_candidates import candidates
from rapport.pipeline.heads_user import rules_only
from rapport.pipeline.nlp import build_nlp
from tests.conftest import process_text

TABLE = ("Kostnader              2021     2022\nPersonal                120      130\n"
         "Prognosen pekar på att målet för\nvårdköerna kommer att nås under året.\n"
         "Lokaler                  40       42\nÖvrigt                   12       14\n")
TEXT = ("Region Exempellän Delårsrapport 2022\n\n1 Måluppfyllelse\n\n"
        "Målet om god tillgänglighet är delvis uppfyllt.\n\n"
        "Strategi antagen ABC har ett samordnat arbete ABC Antagen regional strategi Antagen regional strategi\n\n"
        + TABLE)


@pytest.fixture(scope="module")
def nlp():
    return rules_only(build_nlp(only=["rapport_sentences", "rapport_lemmas", "rapport_goals"]))


def test_goal_candidates_are_the_corpus_prose_sentences(nlp, tmp_path):
    doc = process_text(nlp, tmp_path / "exempel.txt", TEXT)
    d = doc._.document
    prose = {(s.start, s.end) for s in d.sentences
             if s.prose and d.blocks[s.block].kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)}
    in_tables = {(s.start, s.end) for s in d.table_sentences if s.prose}
    got = {(c.start, c.end): c.in_table for c in candidates(doc)}
    assert set(got) == prose | in_tables
    assert in_tables and all(got[k] for k in in_tables)  # the commentary inside the table is read, as table text
    assert not any(d.text[a:e].startswith("Strategi antagen") for a, e in got)  # corpus: glued cells, not prose
    assert any(d.text[a:e].startswith("Målet om god") for a, e in got)
