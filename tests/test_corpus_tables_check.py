"""The honest check: `Table.check` says only what the recorded relations show on the emitted cells."""
from dataclasses import replace
from pathlib import Path

import pytest

from rapport.corpus.tables import find_tables
from rapport.corpus.tables.verify import ARITHMETIC, recheck, verify_table

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures" / "tables"
SAMPLE = ROOT / "rapport" / "corpus" / "sample"
# ../shared/corpus from the main checkout, ../../shared/corpus from a helper's worktree
SHARED = next((p for p in (ROOT.parent / "shared" / "corpus", ROOT.parent.parent / "shared" / "corpus")
               if p.is_dir()), None)


def _reports() -> list[Path]:
    files = sorted(SAMPLE.glob("*.txt"))
    if SHARED is not None:
        files += sorted(SHARED.glob("*.txt"))
    return files


def _numeric(name: str):
    text = (FIX / name).read_text(encoding="utf-8")
    tables, warnings = find_tables(text, doc=name)
    return [t for t in tables if t.kind == "numeric"], warnings, text


def test_verify_every_emitted_table_of_every_readable_report_rechecks():
    from rapport.corpus import load_document

    files = _reports()
    assert files
    seen = checked = 0
    for f in files:
        doc = load_document(f)
        for t in doc.tables:
            assert verify_table(t) == [], f.name
            seen += 1
            if t.check is True:
                checked += 1
                assert any(c.kind in ARITHMETIC for c in t.check_detail)
                assert all(c.ok for c in t.check_detail)
            if t.check is None:
                assert not any(c.kind in ARITHMETIC for c in t.check_detail)
    assert seen > 10 and checked > 5


def test_verify_income_statement_note_refs_and_thousands_give_header_columns():
    (t,), warnings, _ = _numeric("resultat_noter.txt")
    assert t.columns == ["Utfall 2023-08", "Utfall 2022-08", "Årsprognos 2023", "Utfall 2022"]
    assert t.row("Verksamhetens kostnader").values == [-7315, -6990, -11020, -10650]
    row = t.row("Skatteintäkter")
    assert row.values == [4980, 4810, 7470, 7230] and row.note == "Not 2"
    assert t.row("Resultat").values == [267, 171, 315, 76] and t.row("Resultat").note == "Not 6"
    assert t.check is True
    kinds = [c.kind for c in t.check_detail]
    assert kinds.count("sum") == 3 and "columns" in kinds
    assert "sum" in t.to_frame()["check_detail"].iloc[0]


def test_verify_split_that_disagrees_with_the_header_is_not_checked():
    text = ("Personal (antal)\nUtfall 2023 Utfall 2022\n"
            "Läkare 12,5 13,1 14,2\nSjuksköterskor 22,5 23,0 24,8\nUndersköterskor 30,1 29,4 31,0\n"
            "Summa 65,1 65,5 70,0\n")
    (t,), warnings = [t for t in find_tables(text, doc="x.txt")[0] if t.kind == "numeric"], \
        find_tables(text, doc="x.txt")[1]
    assert len(t.rows[0].values) == 3
    assert t.check is False
    assert any(c.kind == "columns" and not c.ok for c in t.check_detail)
    assert any(w.startswith("x.txt:1:") and "header names 2" in w for w in warnings)


def test_verify_recheck_fails_when_an_emitted_cell_changes():
    (t,), _, _ = _numeric("resultat_noter.txt")
    s = next(c for c in t.check_detail if c.kind == "sum" and c.parts)
    assert recheck(s, t) is True
    part = t.rows[s.parts[0]]
    part.values = [part.values[0] + 50] + part.values[1:]
    assert recheck(s, t) is False
    assert any("cells say FAIL" in m for m in verify_table(t))
    t.check_detail = [replace(c, ok=recheck(c, t)) for c in t.check_detail]
    assert any("check=True, cells say False" in m for m in verify_table(t))


@pytest.mark.parametrize("bad", ["Not 1", "Not"])
def test_verify_note_word_without_a_number_stays_in_the_label(bad):
    text = (f"Resultat (mnkr)\nUtfall 2023 Utfall 2022\nIntäkter {bad} 12 10\nKostnader -8 -7\n"
            "Summa 4 3\n")
    t = next(t for t in find_tables(text, doc="y.txt")[0] if t.kind == "numeric")
    assert t.row("Intäkter").values == [12, 10]
    assert t.check is True
