"""Swedish date expressions normalised against the report period (pipeline.dates)."""
from __future__ import annotations

import pytest

from rapport.pipeline.dates import find_dates, normalise, reference_year

PERIOD = "2022-08"  # an interim report January–August 2022


@pytest.mark.parametrize("text, expected", [
    ("Den 14 mars invigdes den nya vårdcentralen.", "2022-03-14"),
    ("Beslutet fattades den 3 februari 2021.", "2021-02-03"),
    ("Avtalet gäller från 2022-01-01.", "2022-01-01"),
    ("I april öppnade mottagningen igen.", "2022-04"),
    ("Under oktober månad startar spridningen.", "2022-10"),
    ("i mitten av maj levererades de första måltiderna", "2022-05"),
    ("Strategin antogs i november 2019.", "2019-11"),
    ("Enheten var stängd vecka 27–30 på grund av personalbrist.", "2022-W27..W30"),
    ("Stängt under v. 12", "2022-W12"),
    ("Museet höll stängt under perioden 1 januari till april månad.", "2022-01..2022-04"),
    ("Trafiken var nedlagd januari–mars.", "2022-01..2022-03"),
    ("Mätningen gjordes mellan maj och juni 2021.", "2021-05..2021-06"),
    ("Kursen hölls 2–4 juni.", "2022-06-02..2022-06-04"),
    ("Enkäten skickades ut under våren.", "2022-H1"),
    ("Arbetet återupptas hösten 2023.", "2023-H2"),
    ("Vaccinationscentralerna var öppna under sommaren.", "2022-06..2022-08"),
    ("Byggnaden färdigställdes under årets första kvartal.", "2022-Q1"),
    ("Resultatet för andra tertialet redovisas här.", "2022-05..2022-08"),
    ("Under första halvåret ökade besöken.", "2022-H1"),
    ("Sedan årsskiftet ersätts regionen för provtagning.", "2022-01"),
    ("Under året har en ny ägarstruktur beslutats.", "2022"),
    ("Fullmäktige beslutade redan 2009 om vårdval.", "2009"),
    ("Inga tidsangivelser finns i denna mening.", None),
])
def test_dates_normalise_swedish_expressions(text, expected):
    assert normalise(text, PERIOD) == expected


@pytest.mark.parametrize("period, year", [("2021-08", 2021), ("2023", 2023), (None, None), ("okänd", None)])
def test_dates_reference_year_from_period(period, year):
    assert reference_year(period) == year


def test_dates_bare_month_without_period_is_unknown():
    assert normalise("I maj startade teamet.", None) is None
    assert normalise("I maj 2020 startade teamet.", None) == "2020-05"


def test_dates_find_dates_keeps_offsets_and_intro():
    text = "Styrelsen beslutade den 5 maj att avgiften tas bort från och med den 1 januari 2023."
    found = find_dates(text, PERIOD)
    assert [d.value for d in found] == ["2022-05-05", "2023-01-01"]
    assert [text[d.start:d.end] for d in found] == ["5 maj", "1 januari 2023"]
    assert found[1].intro == "från och med"


@pytest.mark.parametrize("text", [
    "Kostnaden uppgår till 2 350 miljoner kronor.",   # an amount, not a year
    "Vi ser fram emot mars.",                          # fine: a month is a month
])
def test_dates_no_false_years_in_amounts(text):
    values = [d.value for d in find_dates(text, PERIOD)]
    assert not any(v.startswith("2350") for v in values)


def test_dates_year_range_is_lowest_precision():
    # a validity range loses to the precise date of the act itself
    assert normalise("Den 19 maj fastställdes strategin för 2021–2030.", PERIOD) == "2022-05-19"
    assert normalise("Planen gäller 2021–2023.", PERIOD) == "2021..2023"


@pytest.mark.parametrize("text, expected", [
    ("Arbetet utgår från den regionala utvecklingsstrategin 2030.", None),
    ("Regionen har i regionplan 2022 beslutat om tre finansiella mål.", None),
    ("Ansökningar för programperioden 2021–2027 öppnade i september.", "2022-09"),
    ("Agenda 2030 styr arbetet sedan 2019.", "2019"),
    ("Verksamhetsåret 2020 präglades av pandemin.", "2020"),
])
def test_dates_year_in_a_name_is_not_a_date(text, expected):
    assert normalise(text, PERIOD) == expected


def test_dates_year_end_and_seasons_follow_the_report_year():
    assert normalise("Låneskulden var vid årets slut lägre än väntat.", "2022") == "2022-12"
    assert normalise("Under våren startade teamet.", "2022") == "2022-H1"
    assert normalise("Under hösten drabbades regionen av ett avbrott.", "2022") == "2022-H2"


def test_dates_intro_for_marks_a_purpose():
    found = find_dates("Föreningarna kunde söka bidrag för hösten 2023.", PERIOD)
    assert [(d.value, d.intro) for d in found] == [("2023-H2", "för")]
