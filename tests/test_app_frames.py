"""Typed frames: event date bounds, strict plain values."""
from __future__ import annotations

import datetime as dt
import math

import pytest

from rapport.app.frames import date_bounds, facts_frame, plain


@pytest.mark.parametrize("value,start,end", [
    ("2021", dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
    ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ("2021-06-01", dt.date(2021, 6, 1), dt.date(2021, 6, 1)),
    ("2021-05..2021-08", dt.date(2021, 5, 1), dt.date(2021, 8, 31)),
    ("2022-W26..W33", dt.date(2022, 6, 27), dt.date(2022, 8, 21)),
    ("2021-W01", dt.date(2021, 1, 4), dt.date(2021, 1, 10)),
])
def test_frames_date_bounds(value, start, end):
    assert date_bounds(value) == (start, end)


@pytest.mark.parametrize("value", [None, "", "våren", "2021-04-31", "2021-13", "2021-W60"])
def test_frames_date_bounds_unknown_or_impossible_is_none(value):
    assert date_bounds(value) == (None, None)


def test_frames_plain_values_are_json_ready():
    import numpy as np
    import pandas as pd

    assert plain(np.float64(math.nan)) is None and plain(math.inf) is None and plain(pd.NA) is None
    assert plain(np.int64(4)) == 4 and plain(pd.Timestamp("2022-03-01")) == "2022-03-01"


def test_frames_empty_kind_keeps_its_columns():
    df = facts_frame("events", [])
    assert {"doc", "date", "type", "period", "date_start", "date_end"} <= set(df.columns) and df.empty
