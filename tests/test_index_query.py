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
