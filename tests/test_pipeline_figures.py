"""rapport_figures: figure mentions in Swedish prose (own sentences, no corpus text)."""
from pathlib import Path

import pytest

from rapport.pipeline.mentions import Figure, clauses, find_figures

FIXTURE = Path(__file__).parent / "fixtures" / "links" / "exempel_delarsrapport_2023-08.txt"


def one(text: str) -> Figure:
    figs = find_figures(text)
    assert len(figs) == 1, [(f.written, f.value) for f in figs]
    return figs[0]


def test_figures_scale_word_miljarder_is_mdkr_and_converts_to_mkr():
    f = one("Intäkterna uppgick till 1,3 miljarder kronor.")
    assert (f.value, f.unit, f.decimals) == (1.3, "mdkr", 1)
    assert f.in_unit("mkr") == pytest.approx(1300.0)
    assert f.mkr == pytest.approx(1300.0)


def test_figures_mnkr_tkr_and_approximation_words():
    f = one("Kostnaderna var drygt 140 mnkr högre än året innan.")
    assert (f.value, f.unit, f.approx) == (140.0, "mkr", "above")
    g = one("Bidraget uppgick till 450 tusen kronor.")
    assert (g.value, g.unit) == (450.0, "tkr")
    h = one("Underskottet blev cirka 12 miljoner kronor.")
    assert h.approx == "about"


def test_figures_minus_word_and_explicit_signs():
    assert one("Resultatet blev minus 50 miljoner kronor.").value == -50.0
    f = one("Helårsprognosen för resultatet är +869 miljoner kronor.")
    assert (f.value, f.signed, f.polarity) == (869.0, True, 1)
    assert one("Det strukturella resultatet ligger på -200 miljoner kronor.").value == -200.0


def test_figures_deficit_and_decrease_words_make_the_value_negative():
    assert one("Nämnden redovisar ett underskott på 50 mkr.").value == -50.0
    assert one("Förvaltningen visar en negativ budgetavvikelse på 97 miljoner kronor.").value == -97.0
    assert one("Verksamheten redovisar en nettokostnadsminskning på 1,3 procent.").value == -1.3
    assert one("Nämnden redovisar ett överskott mot budget på 8 mkr.").value == 8.0


def test_figures_targets_are_bounds():
    assert one("Soliditeten ska vara minst 30 procent.").approx == "bound"
    assert one("Låneskulden bör högst\nuppgå till 25 procent av skatteintäkterna.").approx == "bound"


def test_figures_level_after_till_is_not_a_change():
    f = one("Andelen heltidsanställda ökade till 87,5 procent.")
    assert f.value == 87.5 and f.polarity == 0 and "change" not in f.aspects


def test_figures_percent_versus_percentage_points():
    figs = find_figures("Sjukfrånvaron minskade med 0,4 procentenheter till 6,1 procent.")
    assert [(f.value, f.unit) for f in figs] == [(-0.4, "procentenheter"), (6.1, "procent")]
    assert "change" in figs[0].aspects


def test_figures_number_words_and_fractions():
    f = one("Under året har fyrtiofem olika organisationer deltagit.")
    assert (f.value, f.unit, f.noun, f.from_words) == (45.0, "antal", "organisationer", True)
    h = one("Hälften av medarbetarna har genomgått utbildningen.")
    assert (h.value, h.unit) == (50.0, "procent")
    assert one("Investeringen beräknas till fyra miljoner kronor.").value == 4.0


def test_figures_durations_ordinals_years_dates_and_identifiers_are_not_figures():
    text = ("Under årets två första tertial enligt Mål 5 och Not 3 har covid-19 sedan 2021-08-31 "
            "och den 31 augusti 2021 under tre år prövats i kapitel 4.")
    assert find_figures(text) == []


def test_figures_ranges_are_flagged_and_share_the_unit():
    figs = find_figures("Effekten beräknas till 60–70 miljoner kronor.")
    assert [(f.value, f.unit, f.is_range) for f in figs] == [(60.0, "mkr", True), (70.0, "mkr", True)]


def test_figures_aspects_from_the_words_around_the_number():
    dev = one("Regionstyrelsen redovisar en negativ budgetavvikelse på 24 mkr.")
    assert "deviation" in dev.aspects
    fc = one("Årets balanskravsresultat prognosticeras uppgå till 92 miljoner kronor.")
    assert "forecast" in fc.aspects
    ch = one("Nettokostnaderna har ökat med 3,6 procent jämfört med föregående år.")
    assert "change" in ch.aspects
    out = one("Finansnettot uppgick till 85 miljoner kronor.")
    assert out.aspects == ("outcome",)


def test_figures_measure_names_what_is_counted():
    figs = find_figures("Kulturnämndens verksamhet redovisar en negativ budgetavvikelse på 41 miljoner "
                        "kronor samt en ökad nettokostnadsutveckling på 5,6 procent.")
    assert figs[0].measure.lower().endswith("budgetavvikelse")
    assert figs[1].measure.lower() == "nettokostnadsutveckling"
    assert figs[1].value == 5.6 and "change" in figs[1].aspects


def test_figures_two_figures_keep_their_own_words():
    figs = find_figures("Periodens resultat uppgår till 232 miljoner kronor, vilket är 62 miljoner kronor "
                        "bättre än budget.")
    assert [f.value for f in figs] == [232.0, 62.0]
    assert figs[0].aspects == ("outcome",) and "deviation" in figs[1].aspects
    assert figs[1].local_start == figs[0].end


def test_figures_clauses_split_where_the_dump_lost_a_space():
    text = "Prognosen visar en negativ avvikelse mot budget på\n138.Verksamhetens resultat blir 47 mkr."
    parts = clauses(text, 100)
    assert [text[a - 100:b - 100] for a, b in parts][0].endswith("138.")
    figs = find_figures(text, 100)
    assert [f.value for f in figs] == [-138.0, 47.0]
    assert figs[0].sent_end == figs[1].sent_start


def test_figures_table_rows_left_in_prose_are_skipped():
    text = "Orealiserade vinster i värdepapper  -136\nBalanskravsresultat  92"
    assert find_figures(text) == []
    assert [f.value for f in find_figures("Resultatet uppgår till 1 024\nmiljoner kronor.")] == [1024.0]


def test_figures_offsets_point_into_the_text():
    text = "Inledning. Finansnettot uppgick till 85 miljoner kronor."
    f = one(text)
    assert text[f.start:f.end] == "85 miljoner kronor" == f.written
    assert text[f.sent_start:f.sent_end] == text


def test_figures_component_writes_figure_spans():
    from rapport.corpus import load_document
    from rapport.pipeline.nlp import build_nlp, make_doc

    nlp = build_nlp(only=["rapport_sentences", "rapport_lemmas", "rapport_figures"])
    d = load_document(FIXTURE)
    doc = nlp(make_doc(nlp, d))
    figs = [s._.fact for s in doc.spans["figures"]]
    assert figs and all(isinstance(f, Figure) for f in figs)
    values = {(f.value, f.unit) for f in figs}
    assert (232.0, "mkr") in values and (1.3, "mdkr") in values and (-123.0, "mkr") in values
    for s in doc.spans["figures"]:
        assert s.start_char <= s._.fact.start and s._.fact.end <= s.end_char


def test_figures_a_year_written_with_one_figure_dates_only_that_one():
    figs = find_figures("Sjukfrånvaro ack maj: 5,9 % (2023: 5,1 %)")
    assert [(f.value, f.years) for f in figs] == [(5.9, ()), (5.1, (2023,))]
    figs = find_figures("2024: 96 mkr varav finansnetto -81 mkr\n2022: 54 mkr varav finansnetto -30 mkr")
    assert [f.years for f in figs] == [(2024,), (2024,), (2022,), (2022,)]
    figs = find_figures("Andelen ökade till 7,0 procent under 2024, jämfört med 6,5 procent året innan.")
    assert figs[0].years == (2024,) and figs[1].years == () and "previous" in figs[1].aspects


def test_figures_a_comparison_year_is_a_baseline_not_the_figures_date():
    f = find_figures("Resultatet per juni uppgår till 96 mkr, vilket är 1 mkr lägre än för motsvarande period 2023.")
    assert f[0].years == ()


def test_figures_from_to_gives_two_levels_not_a_range_or_a_change():
    figs = find_figures("Sjukfrånvaron bland kvinnor har minskat från 7,4 till 7,1 procent.")
    assert [(f.value, f.unit, f.is_range) for f in figs] == [(7.4, "procent", False), (7.1, "procent", False)]
    assert "previous" in figs[0].aspects and "change" not in figs[0].aspects
    assert figs[1].aspects == ("outcome",)


def test_figures_words_after_a_comma_belong_to_the_next_figure():
    figs = find_figures("Den totala sjukfrånvaron är 6,3 procent, vilket är en ökning med 0,3 procentenheter.")
    assert figs[0].aspects == ("outcome",) and "change" in figs[1].aspects


def test_figures_better_than_the_target_is_a_deviation():
    assert "deviation" in one("Resultatet blev 40 mkr bättre än resultatmålet.").aspects
    assert "change" not in one("Kostnaden blev 12 mkr lägre än målet.").aspects


def test_figures_a_list_shares_the_first_items_kind_and_measure():
    figs = find_figures("I budgeten uppgår resultatet till 1,4 procent av skatteintäkterna 2025, 1,7 procent 2026 "
                        "och 2,0 procent 2027.")
    assert [(f.value, f.years, f.aspects) for f in figs] == [
        (1.4, (2025,), ("budget",)), (1.7, (2026,), ("budget",)), (2.0, (2027,), ("budget",))]
    assert figs[2].measure == figs[0].measure


def test_figures_a_spaced_minus_after_a_colon_is_a_sign():
    f = one("2024: - 96 mkr")
    assert (f.value, f.written) == (-96.0, "- 96 mkr")
    assert one("Division Kirurgi - 64 mkr").value == 64.0  # a dash between words is not a sign
