"""Properties of date normalisation over generated Swedish date expressions (hypothesis)."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402

from rapport.pipeline.dates import find_dates, normalise  # noqa: E402
from tests.strategies import any_text, date_texts, periods  # noqa: E402

_POINT = [
    (re.compile(r"(\d{4})-(\d\d)-(\d\d)"), lambda y, m, d: (date(y, m, d), date(y, m, d))),
    (re.compile(r"(\d{4})-W(\d\d)"), lambda y, w: (date.fromisocalendar(y, w, 1), date.fromisocalendar(y, w, 7))),
    (re.compile(r"(\d{4})-Q([1-4])"), lambda y, q: (date(y, 3 * q - 2, 1), _month_end(y, 3 * q))),
    (re.compile(r"(\d{4})-H([12])"), lambda y, h: (date(y, 6 * h - 5, 1), _month_end(y, 6 * h))),
    (re.compile(r"(\d{4})-(\d\d)"), lambda y, m: (date(y, m, 1), _month_end(y, m))),
    (re.compile(r"(\d{4})"), lambda y: (date(y, 1, 1), date(y, 12, 31))),
]


def _month_end(y: int, m: int) -> date:
    return (date(y + m // 12, m % 12 + 1, 1)) - timedelta(days=1)


def interval(value: str) -> tuple[date, date]:
    """The days a value covers; raises ValueError for a day or week not in the calendar or a backward range."""
    if ".." in value:
        a, b = value.split("..")
        if b.startswith("W"):  # "2021-W30..W32"
            b = a[:4] + "-" + b
        (a0, _), (b0, b1) = interval(a), interval(b)
        if not a0 < b0:
            raise ValueError(f"range not ordered: {value}")
        return a0, b1
    for pat, days in _POINT:
        m = pat.fullmatch(value)
        if m:
            return days(*map(int, m.groups()))
    raise ValueError(f"not a date value: {value}")


@given(date_texts, periods)
def test_dates_values_are_calendar_dates_and_ordered_ranges(text, period):
    found = find_dates(text, period)
    last_end = 0
    for d in found:
        assert last_end <= d.start < d.end <= len(text)  # in text order, not overlapping
        last_end = d.end
        interval(d.value)  # a real day, an existing week, a forward range
    best = normalise(text, period)
    assert best is None or best in {d.value for d in found}


@given(any_text, periods)
def test_dates_any_text_never_breaks(text, period):
    for d in find_dates(text, period):
        interval(d.value)


@pytest.mark.parametrize("text", ["31 april 2021", "den 30 februari", "2021-02-30", "20–10 maj 2021",
                                  "15 december – mars 2021", "vecka 53 2021", "december–mars 2021",
                                  "28 december–3 januari 2021", "vecka 52–53 2021"])
def test_dates_known_traps_give_valid_values(text):
    for d in find_dates(text, "2021-08"):
        interval(d.value)
    values = [d.value for d in find_dates(text, "2021-08")]
    assert "2021-04-31" not in values and "2021-12..2021-03" not in values and "2021-W53" not in values


def test_dates_range_over_a_new_year_starts_the_year_before():
    assert normalise("15 december – mars 2021", None) == "2020-12..2021-03"
    assert normalise("28 december–3 januari 2021", None) == "2020-12-28..2021-01-03"
    assert normalise("under december–mars", "2021") is None  # which winter is not said
