"""Typed pandas DataFrames from documents and fact records: what notebooks, exports and the web share.

Columns follow the contract's field order. Closed vocabularies are
categoricals (so counts show every status, even at zero), pages and counts
are nullable integers, and event dates gain `date_start` / `date_end`
(datetime64) read from the ISO string as precisely as it is written.
"""
from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import fields

import numpy as np
import pandas as pd

from rapport.pipeline.records import OUTPUTS, EventType, Horizon, Level, RiskCategory, Status

FACT_KINDS = ("goal_assessments", "aggregates", "targets", "risks", "events", "links")
DOCUMENT_COLUMNS = ["doc", "region", "kind", "period", "pages", "sha256", "warnings"]
TABLE_COLUMNS = ["doc", "region", "period", "table", "title", "unit", "page", "row", "column", "value", "check",
                 "check_detail"]
CATEGORIES = {"status": Status, "horizon": Horizon, "level": Level, "category": RiskCategory, "type": EventType}
INTS = {"page", "total", "achieved", "partially", "not_achieved", "no_assessment", "pages"}


def fact_columns(kind: str) -> list[str]:
    cols = [f.name for f in fields(OUTPUTS[kind])]
    return cols + ["date_start", "date_end"] if kind == "events" else cols


def facts_frame(kind: str, records) -> pd.DataFrame:
    """One row per record of `kind` with typed columns (empty frames keep their columns)."""
    rows = [r.to_dict() if hasattr(r, "to_dict") else dict(r) for r in records]
    df = pd.DataFrame(rows, columns=[f.name for f in fields(OUTPUTS[kind])]) if kind in OUTPUTS else pd.DataFrame(rows)
    if kind == "events" and "date" in df:
        bounds = [date_bounds(v) for v in df["date"]]
        df["date_start"] = pd.to_datetime(pd.Series([b[0] for b in bounds], dtype=object), errors="coerce")
        df["date_end"] = pd.to_datetime(pd.Series([b[1] for b in bounds], dtype=object), errors="coerce")
    return typed(df)


def typed(df: pd.DataFrame) -> pd.DataFrame:
    for col in df.columns:
        if col in CATEGORIES:
            df[col] = pd.Categorical(df[col], categories=[v.value for v in CATEGORIES[col]])
        elif col in INTS:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
        elif col in ("start", "end") and len(df):
            df[col] = df[col].astype("int64")
    return df


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-W(\d{2}))?$")


def date_bounds(value) -> tuple[dt.date | None, dt.date | None]:
    """First and last day an ISO date string covers: '2021' → the year, '2021-05' → May,
    '2021-W05' → that ISO week, 'A..B' → from A's first to B's last day; (None, None) otherwise."""
    if not isinstance(value, str) or not value:
        return None, None
    if ".." in value:
        a, _, b = value.partition("..")
        if not re.match(r"\d{4}", b) and re.match(r"\d{4}", a):  # "2022-W26..W33": the year carries over
            b = f"{a[:4]}-{b}"
        return date_bounds(a)[0], date_bounds(b)[1]
    m = _DATE.match(value.strip())
    if not m:
        return None, None
    y, mo, d, w = m.groups()
    try:
        year = int(y)
        if w:
            return dt.date.fromisocalendar(year, int(w), 1), dt.date.fromisocalendar(year, int(w), 7)
        if d:
            day = dt.date(year, int(mo), int(d))
            return day, day
        if mo:
            last = calendar.monthrange(year, int(mo))[1]
            return dt.date(year, int(mo), 1), dt.date(year, int(mo), last)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None, None


def documents_frame(docs) -> pd.DataFrame:
    """One row per report: the contract's documents.parquet columns, then structure counts."""
    rows = [{"doc": d.name, "region": d.meta.region, "kind": d.meta.kind, "period": d.meta.period,
             "pages": len(d.pages) or None, "sha256": getattr(d, "sha256", None), "warnings": list(d.warnings),
             "sections": len(d.sections), "sentences": len(d.sentences), "tables": len(d.tables)} for d in docs]
    cols = DOCUMENT_COLUMNS + ["sections", "sentences", "tables"]
    return typed(pd.DataFrame(rows, columns=cols))


def tables_frame(docs) -> pd.DataFrame:
    """Every recovered table cell in long form, with the report's region and period to join on."""
    frames = []
    for d in docs:
        for t in d.tables:
            f = t.to_frame()
            f["region"], f["period"] = d.meta.region, d.meta.period
            frames.append(f)
    if not frames:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    df = pd.concat(frames, ignore_index=True)
    for col in TABLE_COLUMNS:
        if col not in df:
            df[col] = None
    df = df[TABLE_COLUMNS]
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype("float64")
    df.loc[~np.isfinite(df["value"]), "value"] = np.nan  # finite numbers only (contract)
    return typed(df)


def plain(value):
    """A JSON-ready Python value: numpy scalars unwrapped, NaN/NA/inf to None, dates to ISO."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def records(df: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts (strict JSON: null, never NaN)."""
    cols = list(df.columns)
    return [{c: plain(v) for c, v in zip(cols, row)} for row in df.itertuples(index=False, name=None)]
