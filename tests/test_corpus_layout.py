"""Headings and sections: what becomes a section decides every passage's section path."""
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.corpus.layout import build, heading_shape
from rapport.corpus.load import load_document
from tests.conftest import SHARED_CORPUS, needs_shared

REPORT = """\
2. Personal

2.1 Sjukfrånvaro
Sjukfrånvaron totalt har sjunkit till 5,1 procent under perioden. Korttidsfrånvaron ligger kvar
på en hög nivå i flera verksamheter.

Tabell: Sjukfrånvaro per intervall

Intervall 2024 aug 2023 aug

Lång sjukfrånvaro1 51,0 53,0

Kort sjukfrånvaro2 49,0 47,0

Totalt 5,1 5,6

1 Sjukfrånvaro från dag 15 och framåt som andel av all sjukfrånvaro
2 Sjukfrånvaro dag 1-14 som andel av all sjukfrånvaro

Läkemedel
Kostnaderna för läkemedel ökar med fyra procent jämfört med föregående år.

Styrmått  Mål 2024  Måluppfyllelse

Andel medarbetare med hållbart engagemang

RS Öka

RUN

3. Ekonomi
Resultatet för perioden uppgår till 212 mkr.
"""


@pytest.fixture(scope="module")
def doc(tmp_path_factory) -> "object":
    p: Path = tmp_path_factory.mktemp("layout") / "region_norrbotten_delarsrapport_2024.txt"
    p.write_text(REPORT, encoding="utf-8")
    return load_document(p)


def titles(doc) -> list[str]:
    return [s.title for s in doc.sections]


def test_layout_numbered_headings_nest(doc):
    s = {x.title: x for x in doc.sections}
    assert s["2.1 Sjukfrånvaro"].level == 2
    assert doc.sections[s["2.1 Sjukfrånvaro"].parent].title == "2. Personal"
    assert s["3. Ekonomi"].level == 1 and s["3. Ekonomi"].parent is None


def test_layout_table_footnotes_are_not_headings(doc):
    # "1 Sjukfrånvaro dag 15 ..." explains the superscript in "Lång sjukfrånvaro1": were it
    # a heading, "Läkemedel" and everything after would be filed under it
    assert not any("dag 15" in t or "dag 1-14" in t for t in titles(doc))
    lak = next(x for x in doc.sections if x.title == "Läkemedel")
    assert doc.section_path(lak.index) == "2. Personal – 2.1 Sjukfrånvaro – Läkemedel"


def test_layout_numbered_line_without_superscript_above_stays_a_heading():
    text = "Inledning\nRegionen redovisar här sitt resultat för perioden.\n\n" \
           "1 Verksamhetens utveckling under året\nVerksamheten har utvecklats enligt plan.\n"
    sections, _, _ = build(text, [], lambda _: None)
    assert [s.title for s in sections] == ["Inledning", "1. Verksamhetens utveckling under året"]


def test_layout_units_and_formulas_above_do_not_make_a_heading_a_footnote():
    text = ("Inledning\nUtsläppen av CO2 minskade och 2 km2 skog skyddades under året.\n\n"
            "2 Miljö och klimat i regionen\nArbetet med klimatanpassning fortsätter.\n")
    sections, _, _ = build(text, [], lambda _: None)
    assert [s.title for s in sections] == ["Inledning", "2. Miljö och klimat i regionen"]


def test_layout_goal_table_cells_are_not_headings(doc):
    t = titles(doc)
    assert not any(x.startswith(("Styrmått", "RS", "RUN")) for x in t)


@pytest.mark.parametrize("line, ok", [
    ("Styrmått  Mål 2024  Måluppfyllelse", False),   # column gap: a table header row
    ("Verks res\t9,3 mdkr", False),
    ("RS Öka", False),
    ("RUN", False),
    ("BD Pop AB", True),                              # a company, not an owner code
    ("SAM (Samverka, Agera, Motivera)", True),
    ("Kollektivtrafik", True),
    ("3.2 Region Västerbotten - vår organisation", True),
])
def test_layout_heading_shape(line, ok):
    assert (heading_shape(line) is not None) is ok


@needs_shared
def test_layout_shared_reports_have_no_footnote_or_table_row_sections():
    """On the real reports: no section opens on a table footnote or a table's header row,
    and no report files most of its sections under one stray numbered heading."""
    import re

    from rapport.corpus.load import load_corpus

    docs, errors = load_corpus([SHARED_CORPUS])
    assert docs and not errors
    for d in docs:
        titles = [s.title for s in d.sections]
        assert not [t for t in titles if re.search(r"\S {2,}\S", t)], d.name
        assert not [t for t in titles if "i procent av den totala" in t], d.name
        if len(d.sections) > 20:
            children = max(sum(1 for s in d.sections if s.parent == p.index) for p in d.sections)
            assert children < 0.6 * len(d.sections), d.name


# --- shapes that defeat layout are read, with one warning naming the report (issue 11, bad input) ---
@pytest.mark.parametrize("shape, chars, needle", [
    ("one_line", 30_000, "a line of"),
    ("one_sentence", 12_000, "without a full stop"),
    ("no_headings", 30_000, "no headings found"),
    ("bullets", 8_000, "list item"),
])
def test_layout_shape_warnings_name_the_report(tmp_path, shape, chars, needle):
    from rapport.corpus import load_document
    from tests.fixtures.long_reports import long_report

    p = tmp_path / f"{shape}.txt"
    p.write_text(long_report(chars, 1, shape), encoding="utf-8")
    d = load_document(p)
    hits = [w for w in d.warnings if needle in w]
    assert len(hits) == 1 and hits[0].startswith(f"{shape}.txt: ")
    assert d.sentences and all(s.end - s.start <= 600 for s in d.sentences if d.blocks[s.block].kind != "heading")


def test_layout_shape_warnings_quiet_on_an_ordinary_report(tmp_path):
    from rapport.corpus import layout, load_document
    from tests.fixtures.long_reports import long_report

    p = tmp_path / "vanlig.txt"
    p.write_text(long_report(40_000, 2, "report"), encoding="utf-8")
    d = load_document(p)
    assert layout.shape_warnings(d.name, d.text, d.sections, d.blocks) == []


@settings(max_examples=20)
@given(st.sampled_from(["report", "no_headings", "bullets"]), st.integers(0, 10**6))
def test_layout_block_section_is_the_innermost_holding_it(tmp_path_factory, shape, seed):
    from rapport.corpus import load_document
    from tests.fixtures.long_reports import long_report

    p = tmp_path_factory.mktemp("s") / "r.txt"
    p.write_text(long_report(6000, seed, shape), encoding="utf-8")
    d = load_document(p)
    for b in d.blocks:  # the definition, by brute force: the last listed section whose span holds the start
        holding = [s.index for s in d.sections if s.start <= b.start < s.end]
        assert b.section == (holding[-1] if holding else None)
