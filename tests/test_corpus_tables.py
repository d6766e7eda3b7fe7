"""Table recovery from cleaned report text and from PDF word positions (corpus.tables)."""
import re
from pathlib import Path

import pytest

from rapport.corpus.tables import Table, find_tables, parse_header, tables_frame, tables_from_pdf_page

FIX = Path(__file__).parent / "fixtures" / "tables"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _one(name: str, **kw) -> tuple[Table, list[str], str]:
    text = (FIX / name).read_text(encoding="utf-8")
    tables, warnings = find_tables(text, doc=name, **kw)
    numeric = [t for t in tables if t.kind == "numeric"]
    assert len(numeric) == 1, [t.title for t in tables]
    return numeric[0], warnings, text


def test_tables_resultatrakning_header_split_over_lines_and_checks():
    t, _, text = _one("resultatrakning.txt")
    assert t.title == "Resultaträkning (mnkr)"
    assert t.unit == "mkr"
    assert t.columns == ["Utfall 2023-08", "Budget 2023-08", "Utfall 2022-08", "Diff"]
    assert t.row("Verksamhetens intäkter").values == [1204, 1150, 1098, 54]
    assert t.row("Verksamhetens intäkter").note == "Not 1"
    # a label wrapped with a hyphen is joined
    assert t.row("Generella statsbidrag och utjämning").values == [2010, 1995, 1931, 15]
    # "612 958 1 240 -346": the Diff identity and the result rows fix the split
    assert t.row("Finansiella intäkter").values == [612, 958, 1240, -346]
    assert t.check is True
    assert any("Diff" in c and c.startswith("ok") for c in t.checks)
    assert any("Periodens resultat" in c and "sum of rows" in c for c in t.checks)


def test_tables_span_starts_at_title_and_ends_at_last_row():
    t, _, text = _one("resultatrakning.txt")
    assert text[t.start:].startswith("Resultaträkning (mnkr)")
    assert text[:t.end].endswith("Periodens resultat 809 1 113 1 399 -304")
    assert t.rows[0].text.startswith("Verksamhetens intäkter")


def test_tables_blank_line_interleaving_gives_same_table():
    text = (FIX / "resultatrakning.txt").read_text(encoding="utf-8")
    spaced = "\n\n".join(text.split("\n"))
    tables, _ = find_tables(spaced, doc="x")
    t = [t for t in tables if t.kind == "numeric"][0]
    assert t.row("Finansiella intäkter").values == [612, 958, 1240, -346]
    assert t.check is True


def test_tables_sums_choose_the_split_of_ambiguous_rows():
    t, _, _ = _one("nettokostnad.txt")
    assert t.columns == ["2020", "2021", "2022", "2023"]
    assert t.row("Primärvård").values == [612, 958, 1240, 1318]
    assert t.row("Summa").values == [2904, 3360, 3742, 3950]
    assert t.check is True


def test_tables_balance_sheet_identity_and_two_column_split():
    t, _, _ = _one("balans.txt")
    assert t.unit == "mkr"
    assert t.row("Maskiner och inventarier").values == [612, 958]
    assert t.row("Kortfristiga fordringar").values == [1240, 1318]
    assert any(c.startswith("ok: balance") for c in t.checks)
    assert t.check is True
    assert t.row("Kassa och bank").section == "OMSÄTTNINGSTILLGÅNGAR"


def test_tables_empty_cells_dash_and_wide_gaps():
    t, _, _ = _one("driftredovisning.txt")
    assert t.columns == ["Utfall 2023", "Budget 2023", "Avvikelse", "Kostnadsutveckling %"]
    assert t.row("Patientnämnden").values == [-4, -4, None, 0.0]
    assert t.row("Skatteintäkter").values == [6201, 6150, 51, None]
    assert t.row("Totalt").values == [-1641, -1592, -49, None]
    assert t.check is True


def test_tables_footnote_digits_and_digit_labels():
    t, _, _ = _one("nyckeltal.txt")
    assert t.title == "Sjukfrånvaro i procent av ordinarie arbetstid"
    assert t.row("1-14 dagar").values == [2.1, 2.3, 2.0]
    lang = t.row("Lång sjukfrånvaro")
    assert lang is not None and lang.footnote == "1"
    assert lang.values == [34.8, 36.7, 41.3]
    assert t.row("Total sjukfrånvaro").values == [4.6, 4.9, 4.6]
    assert len(t.rows) == 6


def test_tables_notes_column_is_not_a_value():
    t, _, _ = _one("noter.txt")
    assert t.unit == "tkr"
    assert t.columns == ["2023", "2022"]
    r = t.row("Verksamhetens kostnader")
    assert r.values == [-312450, -298112]
    assert r.note == "Not 2"
    assert t.check is True


def test_tables_inconsistent_block_stays_text_with_warning():
    text = (FIX / "broken.txt").read_text(encoding="utf-8")
    tables, warnings = find_tables(text, doc="broken.txt")
    assert [t for t in tables if t.kind == "numeric"] == []
    assert any(w.startswith("broken.txt:1:") and "kept as text" in w for w in warnings)


def test_tables_indicator_table_rows_and_glued_footnotes():
    text = (FIX / "indikator.txt").read_text(encoding="utf-8")
    tables, _ = find_tables(text, doc="ind.txt")
    [t] = [t for t in tables if t.kind == "indicator"]
    assert t.title.startswith("Mål 3.")
    assert t.row("Andel patienter som får besök inom vårdgarantins gränser").values == [81, 77, 79, 74]
    assert t.row("Antal deltagare i digitala utbildningar om e-hälsa").values == [2315, 1120, 1500]
    assert t.row("Antal nya vårdplatser").values == [0, 12, 20]


def test_tables_to_frame_long_form_and_wide():
    t, _, _ = _one("nettokostnad.txt")
    df = t.to_frame()
    assert list(df.columns) == ["doc", "table", "title", "unit", "page", "row", "column", "value", "check",
                                "check_detail"]
    assert len(df) == 16
    cell = df[(df.row == "Primärvård") & (df.column == "2022")]
    assert cell.value.item() == 1240.0
    wide = t.to_wide()
    assert wide.loc["Summa", "2023"] == 3950.0
    both = tables_frame([t, _one("balans.txt")[0]])
    assert set(both.table) == {t.id, _one("balans.txt")[0].id}


def test_tables_page_at_fills_page():
    t, _, _ = _one("nettokostnad.txt", page_at=lambda off: 7)
    assert t.page == 7
    assert set(t.to_frame().page) == {7}


@pytest.mark.parametrize("lines,cols", [
    (["Utfall", "2020", "Budget", "2021", "Prognos", "2021", "Diff"],
     ["Utfall 2020", "Budget 2021", "Prognos 2021", "Diff"]),
    (["Koncernen Koncernen Regionen Regionen", "2023-04-30 2022-12-31 2023-04-30 2022-12-31"],
     ["Koncernen 2023-04-30", "Koncernen 2022-12-31", "Regionen 2023-04-30", "Regionen 2022-12-31"]),
    (["Utfall 2019-08 Föregående år Budget 2019"], ["Utfall 2019-08", "Föregående år", "Budget 2019"]),
    (["Kostnads-", "utveckling", "%", "Budget-", "avvikelse"], ["Kostnadsutveckling %", "Budgetavvikelse"]),
    (["Not 2023 2022"], ["2023", "2022"]),
])
def test_tables_parse_header_columns(lines, cols):
    assert parse_header(lines) == cols


def _make_pdf(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 8, "Nettokostnad per verksamhet (mkr)", new_x="LMARGIN", new_y="NEXT")
    rows = [
        ("", "2021", "2022", "2023", "2024"),
        ("Primärvård", "612", "958", "1 240", "1 318"),
        ("Tandvård", "1", "240", "1 318", "2"),
        ("Länssjukvård", "2 204", "2 311", "2 405", "2 530"),
    ]
    for label, *vals in rows:
        pdf.cell(60, 7, label)
        for v in vals:
            pdf.cell(28, 7, v, align="R")
        pdf.ln(7)
    pdf.output(str(path))


def test_tables_from_pdf_page_uses_word_positions(tmp_path):
    pdfplumber = pytest.importorskip("pdfplumber")
    pytest.importorskip("fpdf")
    path = tmp_path / "tabell.pdf"
    _make_pdf(path)
    with pdfplumber.open(path) as pdf:
        tables, warnings, text = tables_from_pdf_page(pdf.pages[0], doc="tabell.pdf")
    [t] = tables
    assert t.title == "Nettokostnad per verksamhet (mkr)"
    assert t.page == 1
    assert t.columns == ["2021", "2022", "2023", "2024"]
    # no sums here: only the layout can tell "1 240 1 318" from "1, 240, 1 318"
    assert t.row("Primärvård").values == [612, 958, 1240, 1318]
    assert t.row("Tandvård").values == [1, 240, 1318, 2]
    assert t.row("Länssjukvård").values == [2204, 2311, 2405, 2530]
    assert text[t.start:t.end].startswith("Nettokostnad per verksamhet")


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared corpus not present")
def test_tables_shared_corpus_spans_and_checks():
    files = sorted(SHARED.glob("*.txt"))
    assert files
    total = ok = 0
    for f in files:
        try:
            from rapport.corpus.load import load_document
            doc = load_document(f)  # runs find_tables on the cleaned text
            text, tables = doc.text, doc.tables
            warnings = [w for w in doc.warnings if "table" in w or "row" in w]
        except ImportError:  # pragma: no cover - the loader is the lead's
            import re
            text = re.sub(r"\n[ \t]*\n", "\n", f.read_text(encoding="utf-8"))
            tables, warnings = find_tables(text, doc=f.name)
        prev_end = -1
        for t in tables:
            assert 0 <= t.start < t.end <= len(text)
            assert t.start >= prev_end, f"{f.name}: overlapping tables at line {t.line}"
            prev_end = t.end
            for r in t.rows:
                assert t.start <= r.start < r.end <= t.end
            if t.kind == "numeric":
                total += len(t.rows)
                ok += sum(1 for i, r in enumerate(t.rows)
                          if any(c.startswith("ok") and f"'{r.label}'" in c for c in t.checks))
        assert all(w.startswith(f.name) for w in warnings)
    assert total > 300
    assert ok / total > 0.4


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared corpus not present")
def test_tables_shared_corpus_income_statement_checks_hold():
    f = next(SHARED.glob("000_*.txt"), None)
    if f is None:
        pytest.skip("report 000 not present")
    from rapport.corpus.load import load_document
    tables = load_document(f).tables
    rr = [t for t in tables if t.title and t.title.upper().startswith("RESULTATRÄKNING")]
    assert rr and rr[0].check is True
    assert rr[0].row("Verksamhetens resultat") is not None


def test_tables_varav_rows_are_not_addends():
    text = "\n".join([
        "Personal per yrkesgrupp, antal",
        "Yrkesgrupp 2023 2022",
        "Sjuksköterskor 1 204 1 180",
        "varav specialistsjuksköterskor 512 498",
        "Läkare 640 655",
        "Undersköterskor 1 975 1 940",
        "Summa 3 819 3 775",
    ])
    tables, _ = find_tables(text, doc="p.txt")
    [t] = tables
    assert t.row("varav specialistsjuksköterskor").values == [512, 498]
    assert t.row("Summa").values == [3819, 3775]
    assert t.check is True


def test_tables_contents_lists_are_not_tables():
    text = (FIX / "innehall.txt").read_text(encoding="utf-8")
    tables, warnings = find_tables(text, doc="innehall.txt")
    # dot leaders, an "Innehållsförteckning" list and numbered headings with page numbers: no table
    labels = [r.label for t in tables for r in t.rows]
    assert not any("förord" in lab or "Inledning" in lab or "Kollektivtrafik" in lab for lab in labels)
    assert not any(t.title and t.title.lower().startswith("innehåll") for t in tables)
    [t] = tables
    assert t.row("Psykiatri").values == [903, 876]
    assert t.check is True
    assert warnings == []


def test_tables_dot_leaders_with_several_values_stay_a_row():
    text = "\n".join([
        "Resultaträkning (mkr)",
        "Utfall 2023 Utfall 2022",
        "Verksamhetens intäkter ........ 1 204 1 098",
        "Verksamhetens kostnader ....... -7 612 -7 280",
        "Verksamhetens nettokostnader .. -6 408 -6 182",
    ])
    [t] = find_tables(text, doc="r.txt")[0]
    assert [r.values for r in t.rows] == [[1204, 1098], [-7612, -7280], [-6408, -6182]]
    assert t.row("Verksamhetens intäkter").label == "Verksamhetens intäkter"


def _streck():
    text = (FIX / "streck.txt").read_text(encoding="utf-8")
    tables, warnings = find_tables(text, doc="streck.txt")
    assert len(tables) == 3
    return tables, warnings


def test_tables_dash_between_label_and_rate_ends_the_label():
    (t, _, _), _ = _streck()
    # "50 år – 79,3": every other value is non-negative, so the dash belongs to "50 år –"
    assert t.row("50 år –").values == [79.3, 78.8, 77.0]
    assert t.row("50 år –").cells[0] == "79,3"
    # a dash that begins a label before a number is part of it ("– 29 år": up to 29)
    assert t.row("– 29 år").values == [71.4, 69.8, 66.2]
    assert all(v is None or v >= 0 for r in t.rows for v in r.values)


def test_tables_dash_confirmed_by_a_sum_is_a_minus_sign():
    (_, t, _), warnings = _streck()
    assert t.row("Tandvård").values == [-12, -9]
    assert t.check is True
    assert not any("Tandvård" in w for w in warnings)


def test_tables_undecidable_dash_keeps_minus_and_warns():
    (_, _, t), warnings = _streck()
    assert t.row("Kollektivtrafik").values == [-4, 6]
    [w] = [w for w in warnings if "Kollektivtrafik" in w]
    assert w.startswith("streck.txt:19:") and "dash" in w


def _titled(name: str) -> list[Table]:
    return find_tables((FIX / name).read_text(encoding="utf-8"), doc=name)[0]


def test_tables_title_prefers_caption_over_label_column_name():
    t = _titled("rubriker.txt")[0]
    # "Förvaltning 2023 2022": the header's first word names the label column, not the table
    assert t.title == "Kostnader för hyrpersonal per förvaltning (mnkr)"
    assert t.unit == "mkr"
    assert t.columns == ["2023", "2022"]


def test_tables_title_is_not_a_period_fragment_of_the_header():
    t = _titled("rubriker.txt")[1]
    assert t.title == "Resultaträkning (mnkr)"
    assert t.columns == ["Utfall jan–jun 2023", "Utfall jan–jun 2022", "Helår 2022"]
    assert t.row("Verksamhetens nettokostnader").values == [-3565, -3404, -6930]


def test_tables_title_line_that_carries_the_column_names_is_split():
    tables = _titled("rubriker.txt")
    assert tables[2].title == "Investeringar per område (mkr)"
    assert tables[2].columns == ["Utfall", "Budget", "Avvikelse"]
    # wide gaps set the columns apart from the title
    assert tables[3].title == "Personalomsättning (procent)"
    assert tables[3].columns == ["jan–jun 2023", "jan–jun 2022"]


def test_tables_running_page_header_is_neither_title_nor_header():
    t = _titled("rubriker.txt")[4]
    assert t.title == "Balansräkning (mnkr)"
    assert t.columns == ["2023-06-30", "2022-12-31"]
    assert any(c.startswith("ok: balance") for c in t.checks)


def test_tables_titles_of_the_dash_fixture():
    assert [t.title for t in _titled("streck.txt")] == [
        "Andel medarbetare med heltidsanställning per åldersgrupp, procent",
        "Resultat per verksamhet (mkr)",
        "Förändring av antal anställda per förvaltning",
    ]


def test_tables_indicator_title_is_success_factor_or_heading_not_header():
    text = (FIX / "framgangsfaktor.txt").read_text(encoding="utf-8")
    tables, _ = find_tables(text, doc="f.txt")
    assert [t.kind for t in tables] == ["indicator", "indicator"]
    # the factor far above names the table (wrapped line joined) but does not start its span
    assert tables[0].title == "Framgångsfaktor: En tillgänglig vård med korta väntetider i hela länet"
    assert text[tables[0].start:].startswith("Styrmått")
    assert tables[1].title == "Trygg och säker vård"
    assert not any(t.title.startswith("Styrmått") for t in tables)


SAMPLE = Path(__file__).resolve().parents[1] / "rapport" / "corpus" / "sample"


@pytest.mark.skipif(not (SAMPLE / "norrbotten_delarsrapport_2022-08.txt").exists(), reason="sample absent")
def test_tables_sample_interim_report_titles_and_signs():
    text = (SAMPLE / "norrbotten_delarsrapport_2022-08.txt").read_text(encoding="utf-8")
    tables, _ = find_tables(re.sub(r"\n[ \t]*\n", "\n", text), doc="s.txt")
    titles = [t.title for t in tables]
    assert "Resultaträkning (mnkr)" in titles
    assert "Resultat per division (mnkr)" in titles
    assert not any(t and (t.lower().startswith(("innehåll", "jan", "grupp"))) for t in titles)
    sjuk = next(t for t in tables if t.title and t.title.startswith("Sjukfrånvaro"))
    assert all(v is None or v >= 0 for r in sjuk.rows for v in r.values)


def test_tables_caption_above_a_paragraph_names_but_does_not_start_the_table():
    text = "\n".join([
        "Tabell: Avkastning på pensionsmedlen",
        "Avkastningen under året blev högre än målet, främst tack vare en stark utveckling för "
        "aktier på de nordiska marknaderna under hösten.",
        "Portfölj 2023 2022",
        "Aktier 9,4 -6,1",
        "Räntor 3,2 -1,8",
        "Totalt 6,9 -4,3",
    ])
    [t] = find_tables(text, doc="a.txt")[0]
    assert t.title == "Avkastning på pensionsmedlen"
    assert text[t.start:].startswith("Portfölj 2023 2022")


def test_tables_unit_line_over_a_group_label_titles_the_table():
    text = "\n".join([
        "Bilaga 2. Omfördelningar av budget under året",
        "Regionstyrelsen mkr",
        "Fastighetsförvaltning",
        "- flytt av lokalvård från vården 12,40",
        "- ökade energikostnader 8,15",
        "Summa Regionstyrelsen 20,55",
    ])
    [t] = find_tables(text, doc="b.txt")[0]
    assert t.title == "Regionstyrelsen mkr"
    assert t.unit == "mkr"


def test_tables_indicator_cells_take_the_header_columns_when_they_line_up():
    text = (FIX / "indikator_kolumner.txt").read_text(encoding="utf-8")
    [t] = find_tables(text, doc="k.txt")[0]
    r = t.row("Andel resor med kollektivtrafik")
    # "14% (2021)" is one cell (a year in parentheses annotates it); "-" leaves Utfall 2022-08 empty
    assert r.cells == ["14% (2021)", "-", "17%", "20%"]
    assert list(zip(r.value_columns, r.values)) == [
        ("Ingångsvärde", 14), ("Utfall 2023-08", 17), ("Målvärde 2023", 20)]
    assert t.row("Antal cykelparkeringar vid hållplatser").value_columns == [
        "Ingångsvärde", "Utfall 2022-08", "Utfall 2023-08", "Målvärde 2023"]
    assert t.row("Antal besökare i friluftsområden").values == [12480, 12910, 15020]
    df = t.to_frame()
    cell = df[(df.row == "Antal besökare i friluftsområden") & (df.column == "Utfall 2023-08")]
    assert cell.value.item() == 15020


def test_tables_indicator_cells_stay_unaligned_when_grouping_or_text_is_ambiguous():
    text = (FIX / "indikator_kolumner.txt").read_text(encoding="utf-8")
    [t] = find_tables(text, doc="k.txt")[0]
    # "1 200 1 350 Öka": read as 1, 200, 1 350 it would fill the four value columns too
    r = t.row("Antal deltagare i motionsprojekt")
    assert r.values == [1200, 1350] and r.value_columns == []
    assert t.row("Andel skolor med daglig rörelse").value_columns == []
    # the older fixture: a pair per cell, free text, and a row one cell short
    text = (FIX / "indikator.txt").read_text(encoding="utf-8")
    [t] = [x for x in find_tables(text, doc="i.txt")[0] if x.kind == "indicator"]
    r = t.row("Andel patienter som får besök inom vårdgarantins gränser")
    assert r.value_columns == ["Ingångsvärde", "Ingångsvärde", "Utfall 2023-08", "Utfall 2023-08"]
    assert t.row("Antal deltagare i digitala utbildningar om e-hälsa").value_columns == []
    assert t.row("Antal nya vårdplatser").value_columns == []


def test_tables_row_label_ending_like_a_preposition_is_still_a_row():
    text = "\n".join([
        "Sjukfrånvaro per kön och ålder, procent",
        "Grupp 2023 2022",
        "Kvinnor 7,4 6,9",
        "Män 3,8 3,6",
        "50 år 7,9 7,1",
        "Antalet vårdplatser uppgick vid årets slut till 512",
    ])
    tables, _ = find_tables(text, doc="m.txt")
    [t] = tables
    # "Män" ends in "än" and "50 år" in "år", but they are labels, not prose running on
    assert [r.label for r in t.rows] == ["Kvinnor", "Män", "50 år"]
    assert t.row("Män").values == [3.8, 3.6]
