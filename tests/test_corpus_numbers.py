"""Swedish number parsing, units, row tails and number words (corpus.numbers)."""
import pytest

from rapport.corpus.numbers import (
    atom_groupings,
    find_number_words,
    numbers_in_text,
    parse_number,
    parse_unit,
    scale_factor,
    split_numeric_tail,
    to_mkr,
    word_to_int,
)


@pytest.mark.parametrize("text,value", [
    ("1 300", 1300.0),
    ("1\u00a0300", 1300.0),
    ("1\u202f300", 1300.0),
    ("−2,5", -2.5),
    ("-2,5", -2.5),
    ("–2,5", -2.5),
    ("(2,5)", -2.5),
    ("5,49 %", 5.49),
    ("4,6%", 4.6),
    ("+869", 869.0),
    ("- 521", -521.0),
    ("12 345 678", 12345678.0),
    ("1705", 1705.0),
    ("0,0", 0.0),
])
def test_numbers_parse_number_reads_swedish_forms(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["1 30", "12 34", "-", "", "abc", "1,2,3", "2 5%5"])
def test_numbers_parse_number_rejects_non_numbers(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text,unit", [
    ("Belopp i mkr", "mkr"),
    ("Resultaträkning (mnkr)", "mkr"),
    ("168 miljoner kronor", "mkr"),
    ("2,6 miljarder", "mdkr"),
    ("9,3 mdkr", "mdkr"),
    ("Personalkostnader (tkr)", "tkr"),
    ("i tusen kronor", "tkr"),
    ("ökade med 2 procentenheter", "procentenheter"),
    ("-2,8 %-enheter", "procentenheter"),
    ("4,6 procent", "procent"),
    ("72 %", "procent"),
    ("antal besök", "antal"),
    ("350 kr per invånare", "kr"),
    ("Verksamhetens resultat", None),
])
def test_numbers_parse_unit_names_canonical_unit(text, unit):
    assert parse_unit(text) == unit


def test_numbers_to_mkr_scales_money_units():
    assert to_mkr(2.6, "mdkr") == pytest.approx(2600.0)
    assert to_mkr(45210, "tkr") == pytest.approx(45.21)
    assert to_mkr(12, "mkr") == 12
    assert to_mkr(5, "procent") is None
    assert scale_factor("mkr", "tkr") == pytest.approx(1000.0)


def test_numbers_split_numeric_tail_keeps_digits_in_label():
    label, atoms = split_numeric_tail("Sjukfrånvaro 30-49 år 4,3 4,6 5,8")
    assert label == "Sjukfrånvaro 30-49 år"
    assert [a.text for a in atoms] == ["4,3", "4,6", "5,8"]
    label, atoms = split_numeric_tail("1-14 dagar 2,1 2,3 2,4")
    assert label == "1-14 dagar"
    assert len(atoms) == 3


def test_numbers_split_numeric_tail_stops_at_unbalanced_parenthesis():
    label, atoms = split_numeric_tail("(Not 1) 186  541  181  535")
    assert label == "(Not 1)"
    assert [a.text for a in atoms] == ["186", "541", "181", "535"]


def test_numbers_atom_groupings_follow_thousands_rule():
    _, atoms = split_numeric_tail("Primärvård 612 958 1 240 1 318")
    readings = {tuple(c.value for c in g) for g in atom_groupings(atoms) if len(g) == 4}
    assert readings == {
        (612.0, 958.0, 1240.0, 1318.0),
        (612958.0, 1.0, 240.0, 1318.0),
        (612958.0, 1240.0, 1.0, 318.0),
    }


def test_numbers_atom_groupings_wide_gap_is_a_boundary():
    _, atoms = split_numeric_tail("Skatteintäkter   4 652  4 417    142  4 510")
    readings = {tuple(c.value for c in g) for g in atom_groupings(atoms)}
    assert (4652.0, 4417.0, 142.0, 4510.0) in readings
    assert all(4652417.0 not in r for r in readings)


def test_numbers_atom_groupings_dash_is_empty_cell_or_sign():
    _, atoms = split_numeric_tail("Nettokostnad -5 477 - 8 361")
    readings = {tuple(c.value for c in g) for g in atom_groupings(atoms)}
    assert (-5477.0, -8361.0) in readings
    assert (-5477.0, None, 8361.0) in readings


def test_numbers_numbers_in_text_skips_years_and_keeps_groups():
    found = [v for v, *_ in numbers_in_text("Ingen uppföljning per augusti 2021; 1 043, varav 259 män. 50 %")]
    assert found == [1043.0, 259.0, 50.0]


@pytest.mark.parametrize("word,value", [
    ("tolv", 12), ("två", 2), ("ett", 1), ("tjugo", 20), ("tjugotre", 23), ("trettiofem", 35),
    ("hundra", 100), ("tvåhundrafemtio", 250), ("ett tusen", 1000), ("fyrtiofem", 45),
    ("tretton", 13), ("nittionio", 99), ("tredje", 3),
])
def test_numbers_word_to_int_reads_swedish_number_words(word, value):
    assert word_to_int(word) == value


@pytest.mark.parametrize("word", ["fisk", "", "tjugoen hundra", "miljon"])
def test_numbers_word_to_int_rejects_other_words(word):
    assert word_to_int(word) is None


def test_numbers_find_number_words_skips_articles():
    hits = find_number_words("Regionen har tolv mål och en plan för fyrtiofem organisationer.")
    assert [v for v, *_ in hits] == [12, 45]


def test_numbers_split_numeric_tail_keeps_unit_word_without_number():
    label, atoms = split_numeric_tail("Utredningsgrad i procent 96 95")
    assert label == "Utredningsgrad i procent"
    assert [a.text for a in atoms] == ["96", "95"]
