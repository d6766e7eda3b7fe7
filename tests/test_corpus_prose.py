"""The one prose decision: made in corpus on plain text, carried on Sentence.prose and Document.table_sentences."""
from __future__ import annotations

import pytest

from rapport.corpus import load_document
from rapport.corpus.prose import glued_cells, prose_line, reads_as_prose


@pytest.mark.parametrize("text, in_table, list_item, fragment", [
    ("Strategi antagen ABC har ett samordnat arbete ABC Antagen regional strategi Antagen regional strategi",
     False, False, True),
    ("- Uppföljning vid ÅR Öka Ny process framtagen ABC Planerad insats - Fortskrider", False, True, True),
    ("Värde saknas Hälften av sträckorna har påbörjats", False, False, True),
    ("Framtagande påbörjat Struktur och organisation för lärande saknas.", True, False, True),
    ("Genom projektet Nordlys har fyrtio organisationer deltagit.", False, False, False),
    ("Redan 2007 startade Länets museum bloggen Kulturarv vid Länets museum.", False, False, False),
    ("Regionen redovisar 151 mnkr vilket är 17 mnkr sämre än budget och 98 mnkr sämre än i fjol.", True, False,
     False),
    ("Den 1 juni ingick Region Exempellän ett avtal med Trafikverket om nya bussar.", True, False, False),
    ("• Ny magnetkamera i drift vid sjukhuset i Byn", False, True, False),
    # an abbreviation is one token, not capitalised words: "m.fl." and "R.M." do not make cell labels
    ("Granskningen av ärendena R.M. och Q.M. m.fl. visade brister i rutinerna.", False, False, False),
    # a unit abbreviation with its full stop still ends the sentence
    ("Kostnaderna har ökat med 14 mnkr och intäkterna med 12 mnkr.", False, False, False),
])
def test_prose_glued_cells_tells_cells_from_prose(text, in_table, list_item, fragment):
    assert glued_cells(text, in_table, list_item) is fragment


def test_prose_reads_as_prose_wants_a_written_sentence():
    assert reads_as_prose("Prognosen pekar på ett underskott eftersom kostnaderna för hyrpersonal ökar.")
    assert not reads_as_prose("Personal 120 130 140 150 160 170 180 190 200")
    assert not reads_as_prose("Kostnader Personal Lokaler Summa Intäkter Netto.")  # labels, capitalised
    assert not reads_as_prose("prognosen pekar på ett underskott eftersom kostnaderna ökar.")  # no capital


def test_prose_line_counts_lowercase_words_and_numbers():
    assert prose_line("kommentaren till tabellen visar att kostnaderna ökar snabbare än intäkterna")
    assert not prose_line("Personal 120 130 140 150")


def test_prose_document_carries_the_decision(tmp_path):
    table = ("Kostnader              2021     2022\nPersonal                120      130\n"
             "Lokaler                  40       42\nÖvrigt                   12       14\n")
    text = ("Region Exempellän Delårsrapport 2022\n\n1 Ekonomi\n\n"
            "Kostnaderna för hyrpersonal ökar snabbare än väntat och belastar resultatet.\n\n"
            "Strategi antagen ABC har ett samordnat arbete ABC Antagen regional strategi Antagen regional strategi\n\n"
            + table)
    path = tmp_path / "exempel.txt"
    path.write_text(text, encoding="utf-8")
    d = load_document(path)
    by_text = {d.text[s.start:s.end].strip(): s for s in d.sentences}
    assert by_text["Kostnaderna för hyrpersonal ökar snabbare än väntat och belastar resultatet."].prose
    glued = next(s for t, s in by_text.items() if t.startswith("Strategi antagen"))
    assert glued.prose is False
    # the table's rows are no prose sentences, inside or outside the table block
    assert not any("Personal" in d.text[s.start:s.end] for s in d.sentences + d.table_sentences)


def test_prose_table_sentences_keep_commentary_inside_a_table(tmp_path):
    from rapport.corpus.layout import table_sentences
    from rapport.corpus.records import Block, BlockKind

    text = ("Kostnader 2021 2022\nPersonal 120 130\nLokaler 40 42\n"
            "Prognosen pekar på ett underskott eftersom kostnaderna för\nhyrpersonal ökar snabbare än väntat.\n"
            "Summa 160 172\n")
    found = table_sentences(text, [Block(BlockKind.TABLE, 0, len(text), None, None)], lambda _: 3)
    assert [text[s.start:s.end] for s in found] == [
        "Prognosen pekar på ett underskott eftersom kostnaderna för\nhyrpersonal ökar snabbare än väntat."]
    assert found[0].block == 0 and found[0].page == 3 and found[0].prose
