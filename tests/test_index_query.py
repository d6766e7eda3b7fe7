"""Region names in a query become filters/groupings and leave the text to match."""
import pytest

from rapport.index.query import canonical_region, parse_query

KNOWN = {"Norrbotten", "Västerbotten"}


@pytest.mark.parametrize("query, text, regions", [
    ("sjukfrånvaro Norrbotten jämfört med Västerbotten", "sjukfrånvaro", ["Norrbotten", "Västerbotten"]),
    ("jämför hyrpersonal i Region Västerbotten och Region Norrbotten", "hyrpersonal", ["Västerbotten", "Norrbotten"]),
    ("vårdplatser i Norrbottens län", "vårdplatser", ["Norrbotten"]),
    ("Region Västerbottens ekonomi", "ekonomi", ["Västerbotten"]),
    ("sick leave in Norrbotten vs Västerbotten", "sick leave", ["Norrbotten", "Västerbotten"]),
    ("elbussar i Västerbotten", "elbussar", ["Västerbotten"]),
])
def test_query_regions_are_taken_out(query, text, regions):
    pq = parse_query(query, KNOWN)
    assert pq.text == text and pq.regions == regions
    assert pq.is_comparison == (len(regions) > 1)


@pytest.mark.parametrize("query", ["Norrbotniabanan", "norrbottniska tåg", "ekonomin i Stockholm"])
def test_query_without_indexed_region_is_unchanged(query):
    pq = parse_query(query, KNOWN)
    assert pq.regions == [] and pq.text == query


def test_query_only_region_keeps_text():
    pq = parse_query("Västerbotten", KNOWN)
    assert pq.regions == ["Västerbotten"] and pq.text == "Västerbotten"


def test_query_canonical_region_forms():
    assert canonical_region("Region Norrbotten") == "Norrbotten"
    assert canonical_region("västerbottens") == "Västerbotten"
    assert canonical_region("Umeå") is None


# --- cleaning: control characters, invisible format characters, bounds ---
from rapport.index.query import MAX_QUERY_CHARS, QueryError, clean_query  # noqa: E402


@pytest.mark.parametrize("raw, clean", [
    ("sjuk\u00adfrånvaro", "sjukfrånvaro"),            # soft hyphen inside a word
    ("hyr\u200bpersonal  i\tvården\n", "hyrpersonal i vården"),
    ("kostnader\x00\x07ökar", "kostnader ökar"),
    ("e\u0301konomi", "\u00e9konomi"),                   # NFC
    ("väntetider\u2028i vården", "väntetider i vården"),
])
def test_query_clean_removes_control_and_format_characters(raw, clean):
    assert clean_query(raw) == clean


@pytest.mark.parametrize("raw", ["", "   ", "\x00\x01\x02", "\u200b\u00ad", None, 42])
def test_query_clean_rejects_nothing_to_search(raw):
    with pytest.raises(QueryError) as e:
        clean_query(raw)
    assert "\n" not in str(e.value)


def test_query_clean_bounds_length():
    assert len(clean_query("a " * (MAX_QUERY_CHARS // 2))) < MAX_QUERY_CHARS
    with pytest.raises(QueryError, match="at most"):
        clean_query("a" * (MAX_QUERY_CHARS + 1))


# --- years, year ranges, report kinds, English ---
PERIODS = {"2019-08", "2021-08", "2023", "2024-12"}
KINDS = {"delårsrapport", "årsredovisning", "regionplan"}


@pytest.mark.parametrize("query, text, lo, hi", [
    ("sjukfrånvaro 2019–2023", "sjukfrånvaro", "2019", "2023"),
    ("sjukfrånvaro 2019-2023", "sjukfrånvaro", "2019", "2023"),
    ("sjukfrånvaro mellan 2019 och 2023", "sjukfrånvaro", "2019", "2023"),
    ("hyrpersonal under åren 2021–23", "hyrpersonal", "2021", "2023"),
    ("sick leave between 2019 and 2021", "sick leave", "2019", "2021"),
    ("väntetider från 2021 till 2024", "väntetider", "2021", "2024"),
    ("väntetider år 2021", "väntetider", "2021", "2021"),
    ("kostnader sedan 2021", "kostnader", "2021", None),
    ("kostnader efter 2021", "kostnader", "2022", None),
    ("kostnader före 2021", "kostnader", None, "2020"),
])
def test_query_years_and_ranges_become_periods(query, text, lo, hi):
    pq = parse_query(query, KNOWN, KINDS, PERIODS)
    assert (pq.text, pq.period_from, pq.period_to) == (text, lo, hi)


@pytest.mark.parametrize("query", ["Agenda 2030 i vården", "covid-19 och vården", "mål 2035 för klimatet",
                                   "kostnad 2 036 mkr", "Dnr 2021-00123"])
def test_query_years_the_index_lacks_or_that_are_not_years_stay_words(query):
    pq = parse_query(query, KNOWN, KINDS, PERIODS)
    assert pq.period_from is None and pq.period_to is None and pq.text == query


@pytest.mark.parametrize("query, text, kinds", [
    ("sjukfrånvaro i årsredovisningen", "sjukfrånvaro", ["årsredovisning"]),
    ("vad säger delårsrapporten om hyrpersonal", "vad säger om hyrpersonal", ["delårsrapport"]),
    ("investeringar enligt budgeten för 2024", "investeringar", ["regionplan"]),
    ("staff costs in the annual report", "staff costs", ["årsredovisning"]),
    ("verksamhetsplan och budget kollektivtrafik", "kollektivtrafik", ["regionplan"]),
])
def test_query_report_kinds_become_filters(query, text, kinds):
    pq = parse_query(query, KNOWN, KINDS, None)
    assert (pq.text, pq.kinds) == (text, kinds)


@pytest.mark.parametrize("query", ["balanced budget requirement", "budget i balans", "ekonomin i budgetläget"])
def test_query_budget_as_a_topic_is_no_kind(query):
    assert parse_query(query, KNOWN, KINDS, None).kinds == []


def test_query_kind_the_index_lacks_stays_words():
    pq = parse_query("sjukfrånvaro i månadsrapporten", KNOWN, KINDS, PERIODS)
    assert pq.kinds == [] and pq.text == "sjukfrånvaro i månadsrapporten"


def test_query_everything_at_once_and_language():
    pq = parse_query("Compare sick leave in Norrbotten and Västerbotten 2019-2023 in the interim reports",
                     KNOWN, KINDS, PERIODS)
    assert pq.regions == ["Norrbotten", "Västerbotten"] and pq.kinds == ["delårsrapport"]
    assert (pq.period_from, pq.period_to) == ("2019", "2023") and pq.english
    assert "sick leave" in pq.text and "2019" not in pq.text
    assert not parse_query("sjukfrånvaro bland personalen", KNOWN).english


@pytest.mark.parametrize("query, region", [("vården i Örebro", "Örebro län"), ("Region Örebro län", "Örebro län"),
                                           ("Jönköpings läns ekonomi", "Jönköpings län"),
                                           ("Västra Götalandsregionen", "Västra Götaland")])
def test_query_regions_use_the_names_documents_carry(query, region):
    assert parse_query(query, {region}).regions == [region]
