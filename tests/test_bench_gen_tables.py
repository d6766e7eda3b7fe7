"""The generated-table oracle (bench/gen_tables.py) on a small deterministic subset: the
generator's numbers satisfy their identities, and what is read back is right or not checked."""
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import gen_tables  # noqa: E402
from gen_tables_render import number, table_lines  # noqa: E402


def test_gen_tables_numbers_satisfy_the_identities_of_their_kind():
    for t in gen_tables.generate(10, seed=7):
        rows = {r.label: r.values for r in t.rows}
        for c in range(len(t.columns)):
            if t.kind == "resultat":
                assert rows["Verksamhetens nettokostnad"][c] == rows["Verksamhetens intäkter"][c] + \
                    rows["Verksamhetens kostnader"][c] + rows["Avskrivningar"][c]
                assert rows["Verksamhetens resultat"][c] == rows["Verksamhetens nettokostnad"][c] + \
                    rows["Skatteintäkter"][c] + rows["Generella statsbidrag och utjämning"][c]
            if t.kind == "balans":
                assert rows["SUMMA TILLGÅNGAR"][c] == rows["Summa eget kapital, avsättningar och skulder"][c]
            if t.kind == "kassaflode":
                assert rows["Likvida medel vid årets slut"][c] == rows["Likvida medel vid årets början"][c] + \
                    rows["Årets kassaflöde"][c]
        if t.kind == "drift":
            total = t.rows[-1].values
            assert abs(sum(r.values[0] for r in t.rows[:-1]) - total[0]) < 1e-6


def test_gen_tables_number_groups_thousands_and_uses_the_given_minus():
    assert number(-6268.0, "−") == "−6 268"
    assert number(12345678.0, "-") == "12 345 678"
    assert number(-1234.5, "–", decimals=True) == "–1 234,5"


def test_gen_tables_text_dump_reads_back_and_checked_tables_are_right(tmp_path):
    scores = gen_tables.run(10, seed=3, out=tmp_path, formats=["text"], per_doc=5)
    sc = scores["text"]
    assert sc.tables == 10 and sc.found >= 9
    assert sc.right / sc.cells >= 0.85
    assert sc.checked >= 5
    assert sc.false_checked == 0  # a table that says check=True emits no wrong cell


def test_gen_tables_pdf_pages_and_cells(tmp_path):
    pytest.importorskip("fpdf")
    scores = gen_tables.run(5, seed=5, out=tmp_path, formats=["pdf"], per_doc=5)
    sc = scores["pdf"]
    assert sc.found >= 4
    assert sc.pages_right == sc.found  # every table found is cited on the page it is printed on
    assert sc.false_checked == 0


def test_gen_tables_wrapped_label_is_split_before_a_lower_case_word():
    t = gen_tables.generate(3, seed=11)[2]  # a cash-flow statement: long labels
    t.style["wrap"] = True
    lines = table_lines(t)
    assert any(ln and ln[0].islower() for ln in lines)
