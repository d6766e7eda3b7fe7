"""One month list: every reader of Swedish dates takes its month words from rapport.corpus.months."""
from pathlib import Path

from rapport.corpus.months import MONTH_NUMBER, MONTH_WORDS, month_alternation
from rapport.pipeline.dates import find_dates

PACKAGE = Path(__file__).resolve().parents[1] / "rapport"


def test_months_numbers_cover_names_and_abbreviations():
    assert MONTH_NUMBER["januari"] == 1 and MONTH_NUMBER["december"] == 12
    assert MONTH_NUMBER["sept"] == 9 and MONTH_NUMBER["febr"] == 2 and MONTH_NUMBER["okt"] == 10
    assert "maj" in MONTH_WORDS and len({MONTH_NUMBER[w] for w in MONTH_WORDS}) == 12


def test_months_alternation_prefers_the_longest_word():
    words = month_alternation().split("|")
    assert words.index("september") < words.index("sept") < words.index("sep")


def test_months_abbreviation_with_dot_is_a_date():
    assert [d.value for d in find_dates("Beslutet togs i sept. 2021 av nämnden.")] == ["2021-09"]
    assert [d.value for d in find_dates("Beslutet togs i febr. 2022 av nämnden.")] == ["2022-02"]


def test_months_no_other_module_spells_out_the_month_list():
    offenders = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
                 if p.name != "months.py" and '"januari", "februari"' in p.read_text(encoding="utf-8")]
    assert offenders == []
