"""rapport_links: figures to table cells, and the consistency report.

The fixture reports (tests/fixtures/links/) are our own: tables and prose
that quotes them, with planted slips (174 for 147, 6 991 for 6 911, 18 for 13,
7,2 for 6,9; in the second report 4 512 for 4 521, minus 18 for -81, a
negative deviation of 31 for -13, 3,6 for 6,3) and consistent figures written
every way a Swedish report writes them, among them sentences that name a row
but measure something else ("investeringar på 412", "investerat 37 miljoner
kronor i nya lokaler"), sums of rows and slide lines for a year the tables do
not hold. Most tests build the tables themselves from the fixture's lines, so
they test the linker, not table recovery; some run on what corpus.tables
recovers.
"""
import re
from pathlib import Path

import pytest

from rapport.corpus import load_document
from rapport.corpus.numbers import parse_number, parse_unit
from rapport.corpus.tables import Table, TableRow
from rapport.pipeline.mentions import find_figures
from rapport.pipeline.components.links import Cell, TableView, _value_matches, word_sim
from rapport.pipeline.records import Contradiction, Link

FIXTURE = Path(__file__).parent / "fixtures" / "links" / "exempel_delarsrapport_2023-08.txt"
FIXTURE2 = Path(__file__).parent / "fixtures" / "links" / "provland_delarsrapport_2024-06.txt"
SAMPLE = Path(__file__).resolve().parents[1] / "rapport" / "corpus" / "sample"
DEV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "000_aaca8210c76a1746.txt"

PLANTED2 = {  # row -> (signed prose value, table value, column)
    "Skatteintäkter": (4512.0, 4521.0, "Utfall 2024-06"),
    "Finansnetto": (-18.0, -81.0, "Utfall 2024-06"),
    "Division Kirurgi": (-31.0, -13.0, "Avvikelse"),
    "Total sjukfrånvaro": (3.6, 6.3, "2024-06"),
    "Män": (2.4, 4.2, "2024-06"),  # "... bland kvinnor 7,1 procent och bland män 2,4 procent"
}
PLANTED = {  # row -> (prose value, table value)
    "Verksamhetens resultat": (174.0, 147.0),
    "Hälso- och sjukvårdsnämnden": (6991.0, 6911.0),
    "Kulturnämnden": (18.0, 13.0),
    "Sjukfrånvaro kvinnor": (7.2, 6.9),
}


def fixture_tables(d) -> list[Table]:
    """The fixture's tables read by hand: a "Title (unit)" line, a header, rows split on 2+ spaces."""
    tables = []
    lines = d.text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    i = 0
    while i < len(lines):
        m = re.match(r"^(.+\((mkr|tkr|%)\))\s*$", lines[i])
        if not m:
            i += 1
            continue
        title, unit = m.group(1), parse_unit(m.group(2))
        head = re.split(r"\s{2,}", lines[i + 1].strip())
        has_header = parse_number(head[-1]) is None
        columns = head if has_header else []
        rows, j = [], i + 2 if has_header else i + 1
        while j < len(lines) and lines[j].strip():
            parts = re.split(r"\s{2,}", lines[j].strip())
            rows.append(TableRow(parts[0], [parse_number(p) for p in parts[1:]], offsets[j],
                                 offsets[j] + len(lines[j]), lines[j], cells=parts[1:]))
            j += 1
        tables.append(Table(f"fx:t{len(tables) + 1:03d}", title, unit, None, offsets[i], offsets[j - 1] + len(lines[j - 1]),
                            columns, rows, doc=d.name))
        i = j
    return tables


@pytest.fixture(scope="module")
def nlp():
    from rapport.pipeline.nlp import build_nlp

    return build_nlp(only=["rapport_sentences", "rapport_lemmas", "rapport_figures", "rapport_links"])


@pytest.fixture(scope="module")
def doc(nlp):
    from rapport.pipeline.nlp import make_doc

    d = load_document(FIXTURE)
    d.tables = fixture_tables(d)
    assert len(d.tables) == 5 and len(d.tables[2].rows) == 4
    return nlp(make_doc(nlp, d))


def links(doc) -> list[Link]:
    return [s._.fact for s in doc.spans["links"]]


def find(doc, value, row=None, table=None):
    return [x for x in links(doc) if x.value == value and (row is None or x.row == row)
            and (table is None or x.table == table)]


def test_links_planted_contradictions_all_found_and_no_false_alarms(doc):
    found = [s._.fact for s in doc.spans["contradictions"]]
    assert all(isinstance(c, Contradiction) for c in found)
    got = {c.row: (abs(c.value), abs(c.table_value)) for c in found}
    assert got == PLANTED
    for c in found:
        assert str(int(abs(c.value))) in c.text.replace(" ", "").replace(",", "") or "," in c.text
        assert c.table and c.table_text and c.column


def test_links_contradiction_names_the_column_the_sentence_means(doc):
    by_row = {c.row: c for c in (s._.fact for s in doc.spans["contradictions"])}
    assert by_row["Kulturnämnden"].column == "Avvikelse"
    assert by_row["Verksamhetens resultat"].column == "Utfall 2023-08"
    assert by_row["Sjukfrånvaro kvinnor"].column == "2023-08"


def test_links_consistent_figures_link_to_row_and_column(doc):
    expect = [
        (232.0, "Periodens resultat", "Utfall 2023-08", "RESULTATRÄKNING (mkr)"),
        (62.0, "Periodens resultat", "Avvikelse", "RESULTATRÄKNING (mkr)"),
        (85.0, "Finansnetto", "Utfall 2023-08", "RESULTATRÄKNING (mkr)"),
        (55.0, "Finansnetto", "Avvikelse", "RESULTATRÄKNING (mkr)"),
        (-6.0, "Finansnetto", "Utfall 2022-08", "RESULTATRÄKNING (mkr)"),
        (-123.0, "Hälso- och sjukvårdsnämnden", "Avvikelse", "DRIFTREDOVISNING (mkr)"),
        (3.6, "Hälso- och sjukvårdsnämnden", "Nettokostnadsutveckling %", "DRIFTREDOVISNING (mkr)"),
        (-24.0, "Regionstyrelsen", "Avvikelse", "DRIFTREDOVISNING (mkr)"),
        (8.0, "Kollektivtrafiknämnden", "Avvikelse", "DRIFTREDOVISNING (mkr)"),
        (92.0, "Balanskravsresultat", None, "Balanskravsresultat (mkr)"),
        (6.1, "Sjukfrånvaro totalt", "2023-08", "Nyckeltal personal (%)"),
        (-0.7, "Sjukfrånvaro totalt", "Förändring", "Nyckeltal personal (%)"),
        (87.5, "Andel heltidsanställda", "2023-08", "Nyckeltal personal (%)"),
    ]
    for value, row, column, table in expect:
        hits = find(doc, value, row, table)
        assert hits, f"no link {value} -> {table} / {row}"
        assert hits[0].column == column


def test_links_value_is_the_table_number_and_text_the_sentence(doc):
    x = find(doc, -123.0, "Hälso- och sjukvårdsnämnden")[0]
    assert x.unit == "mkr" and x.match == "exact"
    assert x.text.startswith("Hälso- och sjukvårdsnämnden redovisar ett underskott")
    assert doc._.document.text[x.start:x.end] == x.text
    assert x.table_text.startswith("Hälso- och sjukvårdsnämnden") and "-123" in x.table_text
    assert 0.5 < x.confidence <= 1.0


def test_links_rounded_matches_are_marked(doc):
    one = find(doc, 1312.0, "Verksamhetens intäkter")
    assert one and one[0].match == "rounded"  # "1,3 miljarder kronor"
    inv = find(doc, 450550.0, "Summa investeringar")
    assert inv and inv[0].match == "rounded" and inv[0].unit == "tkr"  # "450,6 miljoner kronor"
    fast = find(doc, 312450.0, "Fastigheter")
    assert fast and fast[0].match == "rounded"  # "Drygt 310 miljoner kronor"


def test_links_same_figure_in_two_tables_links_to_each(doc):
    tables = {x.table for x in find(doc, 232.0)}
    assert tables == {"RESULTATRÄKNING (mkr)", "Balanskravsresultat (mkr)"}


def test_links_figures_without_a_cell_are_reported_unlinked(doc):
    unlinked = {(u["value"], u["unit"]) for u in doc.user_data["rapport_unlinked"]}
    assert (260.0, "mkr") in unlinked  # a forecast the tables do not hold
    assert (4.0, "procent") in unlinked
    assert (85.0, "mkr") in unlinked  # a sum of two rows ("sammantaget"): neither linked nor flagged
    for u in doc.user_data["rapport_unlinked"]:
        assert {"doc", "text", "start", "end", "value", "unit", "measure"} <= set(u)


def test_links_no_link_to_a_cell_of_another_kind(doc):
    for x in links(doc):
        if x.unit == "procent":
            assert x.table in ("DRIFTREDOVISNING (mkr)", "Nyckeltal personal (%)")
    assert not find(doc, 2400.0)  # "2 400 anställda" is a head count


def test_links_records_follow_the_contract(doc):
    for x in links(doc):
        d = x.to_dict()
        for k in ("doc", "region", "text", "start", "end", "page", "value", "unit", "table", "row", "column",
                  "table_text", "confidence", "match"):
            assert k in d
        assert d["match"] in ("exact", "rounded") and len(d["text"]) <= 600


def test_links_facts_survive_several_links_of_one_mention(doc):
    # spaCy keys span extensions by offsets: two links of "232" must not overwrite each other
    facts = [s._.fact for s in doc.spans["links"]]
    assert len({id(f) for f in facts}) == len(facts)
    assert all(isinstance(f, Link) for f in facts)
    assert all(type(s._.fact).__name__ == "Figure" for s in doc.spans["figures"])


def test_links_with_tables_recovered_by_corpus(nlp):
    from rapport.pipeline.nlp import make_doc

    d = load_document(FIXTURE)
    doc = nlp(make_doc(nlp, d))
    got = {c.row: (abs(c.value), abs(c.table_value)) for c in (s._.fact for s in doc.spans["contradictions"])}
    assert got == PLANTED
    assert find(doc, -123.0, "Hälso- och sjukvårdsnämnden")


def test_links_word_similarity_knows_compounds_and_inflection():
    assert word_sim("finansnetto", "finansnettot") == 1.0
    assert word_sim("sjukvårdsnämnden", "sjukvårdsnämndens") == 1.0
    assert word_sim("resultat", "balanskravsresultat") == 0.8  # the sentence is more specific
    assert word_sim("patientnämnd", "nämnder") == 0.5  # the sentence does not say which board
    assert word_sim("budgetavvikelse", "budget") == 0.6
    assert word_sim("folkhögskolestyrelsen", "folkhögskoleförvaltningen") == 0.9
    assert word_sim("regionstyrelsen", "kollektivtrafiken") == 0.0


def test_links_value_match_exact_rounded_and_too_coarse():
    def view(unit):
        return TableView(0, "t", "T", unit, True, "numeric", [], 0, 0, None)

    f = find_figures("Intäkterna uppgick till 15,4 miljoner kronor.")[0]
    assert _value_matches(f, view("tkr"), Cell(15412.0, 0, False, 0)) == "rounded"
    assert _value_matches(f, view("mkr"), Cell(15.4, 1, False, 0)) == "exact"
    assert _value_matches(f, view("mkr"), Cell(16.0, 0, False, 0)) is None
    small = find_figures("Överskottet blev 0,7 miljoner kronor.")[0]
    assert _value_matches(small, view("mkr"), Cell(1.0, 0, False, 0)) is None  # one digit proves nothing


@pytest.mark.skipif(not DEV.exists(), reason="../shared/corpus is not present")
def test_links_on_a_real_report_point_at_real_cells(nlp):
    from rapport.pipeline.nlp import make_doc

    d = load_document(DEV)
    doc = nlp(make_doc(nlp, d))
    cells = {(t.title, r.label): set(r.values) | {v for v in r.values} for t in d.tables for r in t.rows}
    got = links(doc)
    assert len(got) >= 10
    for x in got:
        assert d.text[x.start:x.end] == x.text
        assert x.row and x.table_text
    assert all(c.value != c.table_value for c in (s._.fact for s in doc.spans["contradictions"]))
    del cells


def test_links_report_without_tables_lists_its_figures_unlinked(nlp, tmp_path):
    from rapport.pipeline.nlp import make_doc

    path = tmp_path / "utan_tabeller.txt"
    path.write_text("Region Exempelland\n\n1. Ekonomi\n\nResultatet uppgår till 45 miljoner kronor. "
                    "Sjukfrånvaron var 5,2 procent.\n", encoding="utf-8")
    d = load_document(path)
    assert d.tables == []
    doc = nlp(make_doc(nlp, d))
    assert list(doc.spans["links"]) == [] and list(doc.spans["contradictions"]) == []
    assert {(u["value"], u["unit"]) for u in doc.user_data["rapport_unlinked"]} == {(45.0, "mkr"), (5.2, "procent")}


def test_links_threshold_is_a_config_setting(doc):
    import spacy

    from rapport.pipeline.nlp import make_doc

    strict = spacy.blank("sv")
    for name in ("rapport_sentences", "rapport_lemmas", "rapport_figures"):
        strict.add_pipe(name)
    strict.add_pipe("rapport_links", config={"threshold": 100.0})
    out = strict(make_doc(strict, doc._.document))
    assert list(out.spans["links"]) == []
    assert len(out.user_data["rapport_unlinked"]) > len(doc.user_data["rapport_unlinked"])


@pytest.fixture(scope="module", params=["hand", "recovered"])
def doc2(nlp, request):
    from rapport.pipeline.nlp import make_doc

    d = load_document(FIXTURE2)
    if request.param == "hand":
        d.tables = fixture_tables(d)
    assert len(d.tables) == 3
    return nlp(make_doc(nlp, d))


def test_links_second_report_planted_slips_found_with_sign_and_column(doc2):
    got = {c.row: (c.value, c.table_value, c.column) for c in (s._.fact for s in doc2.spans["contradictions"])}
    assert got == PLANTED2


def test_links_row_named_but_another_measure_is_no_contradiction(doc2):
    flagged = {c.text for c in (s._.fact for s in doc2.spans["contradictions"])}
    for text in ("investeringar på 412", "investerat 37 miljoner", "sammantaget ett underskott på 102", "2022: 54 mkr",
                 "påverkar periodens resultat negativt med 60", "Den korta sjukfrånvaron"):
        assert not any(text in t for t in flagged), text
    unlinked = {u["value"] for u in doc2.user_data["rapport_unlinked"]}
    assert {412.0, 37.0, -102.0, 54.0, -60.0} <= unlinked


def test_links_second_report_consistent_figures(doc2):
    expect = [
        (96.0, "Periodens resultat", "Utfall 2024-06"),
        (21.0, "Periodens resultat", "Avvikelse"),  # not Skatteintäkter's 21: the sentence names the result
        (1104.0, "Verksamhetens intäkter", "Utfall 2024-06"),  # "drygt 1,1 miljarder"
        (140.0, "Periodens resultat", "Prognos 2024"),  # "ett överskott på 140" is the result
        (-8.0, "Division Medicin", "Avvikelse"),
        (4.2, "Män", "2024-06"),
        (4.0, "Män", "2023-06"),  # "jämfört med 4,0 procent året innan"
        (6.8, "Kvinnor", "2023-06"),  # "har ökat från 6,8 till 7,1 procent": both levels
        (7.1, "Kvinnor", "2024-06"),
        (-81.0, "Finansnetto", "Utfall 2024-06"),  # "2024: 96 mkr varav finansnetto -81 mkr"
        (2.5, "Korttidssjukfrånvaro", "2024-06"),  # "den korta sjukfrånvaron"
        (2.2, "Korttidssjukfrånvaro", "2023-06"),
    ]
    for value, row, column in expect:
        hits = find(doc2, value, row)
        assert hits, f"no link {value} -> {row}"
        assert hits[0].column == column, (value, hits[0].column)
    slide = [x for x in find(doc2, 96.0, "Periodens resultat") if x.text.startswith("2024:")]
    assert slide, "the line under 'Resultat per juni:' takes its subject from it"
    assert not find(doc2, 21.0, "Skatteintäkter")


@pytest.mark.skipif(not SAMPLE.exists(), reason="the bundled sample corpus is not present")
def test_links_sample_corpus_planted_contradictions_only(nlp):
    from rapport.pipeline.nlp import make_doc

    found = []
    for path in sorted(SAMPLE.glob("*.txt")):
        doc = nlp(make_doc(nlp, load_document(path)))
        found += [(path.name, c.row, c.value, c.table_value) for c in (s._.fact for s in doc.spans["contradictions"])]
    assert sorted(found) == [
        ("norrbotten_delarsrapport_2022-08.txt", "Division Närsjukvård", -45.0, -54.0),
        ("norrbotten_delarsrapport_2022-08.txt", "Total sjukfrånvaro", 8.6, 6.8),
    ]


@pytest.mark.skipif(not DEV.parent.exists(), reason="../shared/corpus is not present")
def test_links_shared_corpus_flags_only_the_known_slip(nlp):
    from rapport.pipeline.nlp import make_doc

    found = []
    for path in sorted(DEV.parent.glob("*.txt")):
        doc = nlp(make_doc(nlp, load_document(path)))
        found += [(path.name, c.row, c.value, c.table_value) for c in (s._.fact for s in doc.spans["contradictions"])]
    assert found == [("000_aaca8210c76a1746.txt", "Verksamhetens resultat", -43.0, -42.0)]


def test_links_a_stated_difference_measures_the_gap_not_the_level():
    from rapport.pipeline.components.links.contradictions import _figure_measures

    assert "skillnaden" in _figure_measures("och skillnaden mellan kvinnor och män är nu", "Sjukfrånvaron", " procent.")
    assert "skillnaden" not in _figure_measures("sjukfrånvaron bland kvinnor är nu", "", " procent.")
