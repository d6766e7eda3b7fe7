"""Bad input for table recovery: each gives a warning naming doc and line, in bounded time,
and nothing silently wrong (timings are in bench/bench_tables.py --bad, not here)."""
import random

from rapport.corpus.tables import find_tables
from rapport.corpus.tables.find import MAX_ROWS


def _numbers(n: int, seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(str(rng.randint(1, 999)) for _ in range(n))


def test_bad_a_thousand_numbers_on_a_line_is_no_recursion_error():
    text = "Inledning\nVärden " + _numbers(1000, 1) + "\nAndra 1 2\n"
    tables, warnings = find_tables(text, doc="lång.txt")
    assert all(len(r.values) < 1000 for t in tables for r in t.rows)
    assert any(w.startswith("lång.txt:2:") for w in warnings)


def test_bad_row_of_500_numbers_stays_text_with_a_warning():
    text = "Rad (mnkr)\nUtfall 2023 Utfall 2022\nVärden " + _numbers(500, 2) + "\nSumma 1 2\nÖvrigt 3 4\n"
    tables, warnings = find_tables(text, doc="rad.txt")
    assert not any(len(r.values) > 50 for t in tables for r in t.rows)
    assert any(w.startswith("rad.txt:") and "Värden" in w or "not split" in w for w in warnings)


def test_bad_table_longer_than_the_cap_is_read_in_pieces_and_keeps_every_row():
    rng = random.Random(3)
    n = MAX_ROWS * 2 + 17
    lines = ["Stor tabell (mnkr)", "Utfall 2023 Utfall 2022"]
    lines += [f"Post nummer {chr(65 + i % 26)}{i // 26} {rng.randint(1, 99)} {rng.randint(1, 99)}" for i in range(n)]
    tables, warnings = find_tables("\n".join(lines) + "\n", doc="stor.txt")
    assert sum(len(t.rows) for t in tables) == n
    assert any(w.startswith("stor.txt:1:") and "pieces" in w for w in warnings)
    starts = [t.start for t in tables]
    assert starts == sorted(starts) and all(a.end <= b.start for a, b in zip(tables, tables[1:]))


def test_bad_mixed_units_in_a_column_warn_with_the_row_line():
    text = ("Kostnader (mnkr)\nUtfall 2023 Utfall 2022\nPersonal 1 200 1 100\nMaterial 12% 300\n"
            "Övrigt 50 45\nSumma 1 562 1 445\n")
    _, warnings = find_tables(text, doc="enhet.txt")
    assert any(w.startswith("enhet.txt:4:") and "mix percentages" in w for w in warnings)


def test_bad_table_like_block_that_is_not_a_table_is_not_checked():
    text = "Kontakt\nVäxel 090 785 00 00\nKundtjänst 090 785 10 10\nJour 0920 28 30 00\n"
    tables, warnings = find_tables(text, doc="tel.txt")
    assert not any(t.check for t in tables)
    assert not [t for t in tables if t.kind == "numeric"] or warnings
