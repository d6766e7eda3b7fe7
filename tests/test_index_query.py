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
