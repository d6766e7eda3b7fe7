"""Table shapes beyond one header line and one row per line: two-level headers, slide dumps,
goal tables without committee codes, wrapped labels. Every input here is written for the test."""
import pytest

from rapport.corpus.numbers import atom_groupings, reading_counts, split_numeric_tail
from rapport.corpus.tables import find_tables, parse_header


def _numeric(text: str):
    tables, warnings = find_tables(text, doc="t.txt")
    return [t for t in tables if t.kind == "numeric"], tables, warnings


# ---------------------------------------------------------------- two-level headers

TWO_LEVEL = """Nettokostnad per område (mnkr)
2022 2023
Utfall Budget Avvikelse Utfall Budget Avvikelse
Primärvård 120 110 10 130 125 5
Specialistvård 1 340 1 350 -10 1 360 1 355 5
Tandvård 40 42 -2 45 44 1
Summa 1 500 1 502 -2 1 535 1 524 11
"""


def test_shapes_two_level_header_names_columns_by_group_and_sub_column():
    (t,), _, _ = _numeric(TWO_LEVEL)
    assert t.columns == ["2022 Utfall", "2022 Budget", "2022 Avvikelse",
                         "2023 Utfall", "2023 Budget", "2023 Avvikelse"]
    assert t.row("Specialistvård").values == [1340, 1350, -10, 1360, 1355, 5]
    assert t.check is True
    assert any(c.kind == "diff" and c.ok for c in t.check_detail)


@pytest.mark.parametrize("lines, cols", [
    (["Jan–aug 2022 Jan–aug 2023", "Utfall Budget Utfall Budget"],
     ["Jan–aug 2022 Utfall", "Jan–aug 2022 Budget", "Jan–aug 2023 Utfall", "Jan–aug 2023 Budget"]),
    (["Koncernen Regionen", "2023-08-31 2022-12-31 2023-08-31 2022-12-31"],
     ["Koncernen 2023-08-31", "Koncernen 2022-12-31", "Regionen 2023-08-31", "Regionen 2022-12-31"]),
    (["2024", "Utfall Budget Avvikelse"], ["2024 Utfall", "2024 Budget", "2024 Avvikelse"]),
    # names over their periods, split over two lines: one level, not groups over sub-columns
    (["Utfall Utfall", "Prognos Budget", "2021-08 2020-08 2021 2021"],
     ["Utfall 2021-08", "Utfall 2020-08", "Prognos 2021", "Budget 2021"]),
    (["Utfall Budget", "2023 2023"], ["Utfall 2023", "Budget 2023"]),
    # a header stacked one name per line: a lone period closes the name above it
    (["Utfall", "2022-08", "Budget", "2022-08", "Avvikelse Prognos"],
     ["Utfall 2022-08", "Budget 2022-08", "Avvikelse", "Prognos"]),
    # a difference column carries no period of its own
    (["Budget Utfall Avvikelse", "2023 2023"], ["Budget 2023", "Utfall 2023", "Avvikelse"]),
])
def test_shapes_parse_header_two_levels_only_when_sub_columns_recur(lines, cols):
    assert parse_header(lines) == cols


# ---------------------------------------------------------------- slide dumps

def test_shapes_slide_values_on_their_own_lines_become_rows():
    text = ("Ekonomin i korthet\nResultat jan–sep (mnkr)\n-214\nPrognos helår (mnkr)\n-380\n"
            "Sjukfrånvaro (%)\n6,8 %\n")
    (t,), _, _ = _numeric(text)
    assert [(r.label, r.values) for r in t.rows] == [
        ("Resultat jan–sep (mnkr)", [-214]), ("Prognos helår (mnkr)", [-380]), ("Sjukfrånvaro (%)", [6.8])]


def test_shapes_slide_block_of_labels_then_values_is_paired_in_order():
    text = "Personal\nAntal anställda\nSjukfrånvaro (%)\nÖvertid (timmar)\n8 715\n5,9\n38 100\n"
    (t,), _, _ = _numeric(text)
    assert [(r.label, r.values) for r in t.rows] == [
        ("Antal anställda", [8715]), ("Sjukfrånvaro (%)", [5.9]), ("Övertid (timmar)", [38100])]


def test_shapes_slide_block_with_more_values_than_labels_stays_text():
    text = "Antal anställda\nSjukfrånvaro (%)\n8 715\n5,9\n38 100\n4 200\n"
    numeric, _, _ = _numeric(text)
    assert numeric == []


def test_shapes_slide_figures_are_not_glued_to_the_table_above():
    text = ("Resultaträkning (mnkr)\nUtfall 2023 Utfall 2022\nVerksamhetens intäkter 1 200 1 100\n"
            "Verksamhetens kostnader -5 000 -4 800\nVerksamhetens nettokostnad -3 800 -3 700\n"
            "Nyckeltal\nAntal invånare\n271 500\nSkattesats (kr)\n11,35\n")
    numeric, _, _ = _numeric(text)
    assert len(numeric) == 2
    first, second = numeric
    assert [r.label for r in first.rows] == ["Verksamhetens intäkter", "Verksamhetens kostnader",
                                             "Verksamhetens nettokostnad"]
    assert [(r.label, r.values) for r in second.rows] == [("Antal invånare", [271500]),
                                                          ("Skattesats (kr)", [11.35])]


def test_shapes_page_numbers_on_their_own_lines_are_not_figures():
    text = "Inledning\n3\nEkonomisk översikt\n5\nVerksamhet\n9\nPersonal\n14\n"
    numeric, _, _ = _numeric(text)
    assert numeric == []


# ---------------------------------------------------------------- wrapped labels

def test_shapes_label_wrapped_below_its_numbers_is_joined():
    text = ("Kostnader per verksamhet (mnkr)\nUtfall 2023 Budget 2023\n"
            "Hälso- och sjukvård för 1 200 1 150\nvuxna och barn\nTandvård 300 310\n"
            "Bidrag till föreningar inom 20 25\nkultur och idrott\n")
    (t,), _, _ = _numeric(text)
    assert [r.label for r in t.rows] == ["Hälso- och sjukvård för vuxna och barn", "Tandvård",
                                         "Bidrag till föreningar inom kultur och idrott"]
    assert t.row("Tandvård").values == [300, 310]


def test_shapes_label_wrapped_above_still_joins_the_row_below():
    text = ("Kostnader per verksamhet (mnkr)\nUtfall 2023 Budget 2023\nTandvård 300 310\n"
            "Kostnader för vård\nav vuxna 1 200 1 150\nSumma 1 500 1 460\n")
    (t,), _, _ = _numeric(text)
    assert [r.label for r in t.rows] == ["Tandvård", "Kostnader för vård av vuxna", "Summa"]


# ---------------------------------------------------------------- goal tables without codes

GOALS = """Mål 2. Attraktiv arbetsgivare
Indikator Utfall 2022 Målvärde 2023 Utfall 2023 Måluppfyllelse
Andel nöjda medarbetare (%) 71 75 74 Delvis uppnått
Sjukfrånvaro bland
anställda (%) 6,1 5,5 6,3 Ej uppnått
Antal besök per invånare och 4,2 4,5 4,6 Uppnått
år
Resultaträkning (mnkr)
Utfall 2023 Utfall 2022
Verksamhetens intäkter 1 200 1 100
Verksamhetens kostnader -5 000 -4 800
Verksamhetens nettokostnad -3 800 -3 700
"""


def test_shapes_goal_table_without_codes_reads_rows_and_wrapped_labels():
    _, tables, warnings = _numeric(GOALS)
    ind = [t for t in tables if t.kind == "indicator"]
    assert len(ind) == 1
    rows = ind[0].rows
    assert [r.label for r in rows] == ["Andel nöjda medarbetare (%)", "Sjukfrånvaro bland anställda (%)",
                                       "Antal besök per invånare och år"]
    assert rows[1].values == [6.1, 5.5, 6.3]
    assert rows[1].value_columns == ["Utfall 2022", "Målvärde 2023", "Utfall 2023"]
    assert not any("could not be read" in w for w in warnings)


def test_shapes_goal_table_without_codes_stops_at_the_financial_table():
    numeric, _, _ = _numeric(GOALS)
    assert len(numeric) == 1
    assert numeric[0].row("Verksamhetens kostnader").values == [-5000, -4800]
    assert numeric[0].check is True


# ---------------------------------------------------------------- splitting cost

def test_shapes_reading_counts_match_the_enumerated_readings():
    _, atoms = split_numeric_tail("Post 1 234 567 12 - 5 100 200 300")
    got = {len(g) for g in atom_groupings(atoms, limit=10**6)}
    assert reading_counts(atoms) == got


def test_shapes_groupings_restricted_to_counts_are_exactly_those_readings():
    _, atoms = split_numeric_tail("Post 1 234 567 12 - 5 100 200 300 400 500")
    every = [tuple((c.start, c.end) for c in g) for g in atom_groupings(atoms, limit=10**6)]
    some = [tuple((c.start, c.end) for c in g) for g in atom_groupings(atoms, limit=10**6, counts=(7, 8))]
    assert some == [g for g in every if 7 <= len(g) <= 8]
    assert some


# ---------------------------------------------------------------- short right-aligned rows

def _padded(label: str, cells: list[str]) -> str:
    return label.ljust(30) + "".join(c.rjust(14) for c in cells)


def test_shapes_short_row_in_a_padded_dump_takes_the_columns_it_stands_under():
    text = "\n".join(["Driftredovisning (mnkr)",
                      _padded("", ["Budget 2023", "Utfall 2023", "Avvikelse"]),
                      _padded("Primärvård", ["-1 200", "-1 150", "50"]),
                      _padded("Tandvård", ["-300", "-310", "-10"]),
                      _padded("Kultur", ["-80", "-75", "5"]),
                      _padded("Summa", ["-1 580", "-1 535", "45"]),
                      _padded("Ej fördelade poster", ["", "-20", ""]),
                      _padded("Övrigt", ["-7", "", ""]),
                      _padded("Reserv", ["", "", "12"])]) + "\n"
    (t,), _, _ = _numeric(text)
    assert t.row("Ej fördelade poster").values == [None, -20, None]
    assert t.row("Övrigt").values == [-7, None, None]
    assert t.row("Reserv").values == [None, None, 12]
    assert t.row("Summa").values == [-1580, -1535, 45]


def test_shapes_period_words_joined_by_a_dash_name_the_first_group():
    text = ("Resultat per område (mnkr)\nJan–aug 2022 Jan–aug 2023\nUtfall Budget Utfall Budget\n"
            "Primärvård 120 110 130 125\nTandvård 40 42 45 44\nSumma 160 152 175 169\n")
    (t,), _, _ = _numeric(text)
    assert t.columns[0] == "Jan–aug 2022 Utfall"
    assert t.title == "Resultat per område (mnkr)"


def test_shapes_named_difference_column_fixes_rows_first_read_wrongly():
    # every row can also be read with a thousands group taken for a column; only the
    # Avvikelse = Utfall − Budget identity, found over all readings, tells them apart
    text = ("Nettokostnad (mnkr)\n2022 2023\nUtfall Budget Avvikelse Utfall Budget Avvikelse\n"
            "Psykiatri -4 291 -4 533 242 -2 179 -1 915 -264\n"
            "Läkemedel -3 839 -3 980 141 -2 532 -2 570 38\n"
            "Kollektivtrafik -5 750 -5 928 178 -5 386 -5 554 168\n"
            "Summa -13 880 -14 441 561 -10 097 -10 039 -58\n")
    (t,), _, _ = _numeric(text)
    assert t.row("Psykiatri").values == [-4291, -4533, 242, -2179, -1915, -264]
    assert t.row("Summa").values == [-13880, -14441, 561, -10097, -10039, -58]
    assert t.check is True


def test_shapes_label_wrapped_below_onto_column_words_ends_the_label():
    text = ("Driftredovisning (mnkr)\nBudget 2023 Utfall 2023\nTandvård -300 -310\nKultur -80 -75\n"
            "Avvikelse mot -5 -6\nföregående prognos\n")
    (t,), _, _ = _numeric(text)
    assert [r.label for r in t.rows] == ["Tandvård", "Kultur", "Avvikelse mot föregående prognos"]


def test_shapes_paragraph_after_the_last_goal_row_is_not_its_cells():
    prose = ("Uppföljningen visar att arbetet med de strategiska målen har fortsatt under perioden "
             "och att flera av indikatorerna har utvecklats i önskad riktning, men 12 av dem når inte målvärdet.")
    text = ("Mål 1. En god och jämlik hälsa\nIndikator Nämnd Utfall 2022 Målvärde 2023 Utfall 2023\n"
            "Andel rökfria gravida (%) HSN 91 95 93\nAntal hälsosamtal HSN 1 200 1 500 1 350\n" + prose + "\n")
    [t] = [x for x in find_tables(text, doc="g.txt")[0] if x.kind == "indicator"]
    assert [r.label for r in t.rows] == ["Andel rökfria gravida (%)", "Antal hälsosamtal"]
    assert 12 not in t.rows[-1].values and prose[:40] not in t.rows[-1].cells[0]


# ---------------------------------------------------------------- short breakdown rows under a target column

KEY_RATIOS = """Personalomsättning (procent)
jan–sep 2024 jan–sep 2023 Mål 2024
Total personalomsättning 9,2 8,7 8,0
Undersköterskor 10,4 9,9
Läkare 6,1 6,6
"""


@pytest.mark.parametrize("sep", [" ", "   "])
def test_shapes_breakdown_rows_leave_the_target_column_empty(sep):
    """Rows under a total with one value fewer than the header fill the periods, not "Mål",
    when nothing in the layout shows a gap: the same few spaces everywhere say nothing."""
    lines = KEY_RATIOS.splitlines()  # sep: how the dump joins a row's cells
    text = "\n".join(lines[:2] + [_join_cells(ln, sep) for ln in lines[2:]]) + "\n"
    (t,), _, _ = _numeric(text)
    assert t.columns == ["jan–sep 2024", "jan–sep 2023", "Mål 2024"]
    assert t.row("Total personalomsättning").values == [9.2, 8.7, 8.0]
    assert t.row("Undersköterskor").values == [10.4, 9.9, None]
    assert t.row("Läkare").values == [6.1, 6.6, None]


def _join_cells(line: str, sep: str) -> str:
    words = line.split(" ")
    k = next(i for i, w in enumerate(words) if w[:1].isdigit())
    return sep.join([" ".join(words[:k]), *words[k:]])


def test_shapes_a_wide_gap_between_cells_still_shows_the_missing_middle_cell():
    text = ("Väntetider (procent)\nUtfall 2024      Utfall 2023      Mål 2024\n"
            "Första besök inom 90 dagar      71      74      80\n"
            "Operation inom 90 dagar      62                    75\n")
    (t,), _, _ = _numeric(text)
    assert t.row("Operation inom 90 dagar").values == [62, None, 75]


def test_shapes_parse_header_month_ranges_after_a_period_open_columns():
    assert parse_header(["jan–sep 2024 jan–sep 2023 Mål 2024"]) == ["jan–sep 2024", "jan–sep 2023", "Mål 2024"]


def test_shapes_month_ranges_over_their_years_name_the_columns():
    """A PDF header that stacks "jan–sep" over its year, and "Mål" over the target's year."""
    text = ("Personalomsättning (procent)\njan–sep\tjan–sep\tMål\n2024\t2023\t2024\n"
            "Total personalomsättning\t9,2\t8,7\t8,0\nUndersköterskor\t10,4\t9,9\nLäkare\t6,1\t6,6\n")
    (t,), _, _ = _numeric(text)
    assert t.columns == ["jan–sep 2024", "jan–sep 2023", "Mål 2024"]
    assert t.row("Läkare").values == [6.1, 6.6, None]
