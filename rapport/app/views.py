"""The summaries the web views and the plots share, each counted one way.

* goal dashboard: one status per (goal, region, period, horizon) — a goal
  assessed twice in one report for one horizon counts once (the first
  statement, as it is the report's lead), horizons and periods are never summed;
* risk categories per region, normalised by the number of reports of that
  region (4 reports of one region against 1 of another stay comparable);
* one table row over time: the row's value per report period.
"""
from __future__ import annotations

import re

import pandas as pd

STATUS_ORDER = ["achieved", "partially", "not_achieved", "no_assessment"]
HORIZON_ORDER = ["current", "year_end", "long_term"]
STATUS_SV = {"achieved": "uppfyllt", "partially": "delvis uppfyllt", "not_achieved": "ej uppfyllt",
             "no_assessment": "ej bedömt"}
HORIZON_SV = {"current": "nu", "year_end": "vid årets slut", "long_term": "på lång sikt"}
CATEGORY_SV = {"finance": "ekonomi", "staffing": "personal", "care_capacity": "vårdkapacitet", "pandemic": "pandemi",
               "it_digital": "IT och digitalt", "infrastructure_transport": "infrastruktur och transport",
               "climate_environment": "klimat och miljö", "legal_regulatory": "lag och regelverk",
               "demography": "demografi", "other": "övrigt"}
STATUS_COLOURS = {"achieved": "#2e7d32", "partially": "#f9a825", "not_achieved": "#c62828", "no_assessment": "#9e9e9e"}


def goal_cells(goals: pd.DataFrame) -> pd.DataFrame:
    """One row per (goal, region, period, horizon): its status, the report and the evidence."""
    cols = ["goal", "region", "period", "horizon", "status", "doc", "page", "start", "end", "text", "level"]
    if goals.empty:
        return pd.DataFrame(columns=cols)
    g = goals.copy()
    g["goal"] = g["goal"].fillna("(mål utan namn)").astype(str).str.strip()
    for c in ("region", "period"):
        g[c] = g[c].astype(object).where(g[c].notna(), "?")
    g["horizon"] = g["horizon"].astype(str)
    g["status"] = g["status"].astype(str)
    g["_key"] = g["goal"].str.casefold().str.replace(r"\s+", " ", regex=True)
    g = g.sort_values(["doc", "start"]).drop_duplicates(["_key", "region", "period", "horizon"], keep="first")
    return g[cols].reset_index(drop=True)


def goal_counts(cells: pd.DataFrame) -> pd.DataFrame:
    """Distinct goals per status for each (region, period, horizon)."""
    if cells.empty:
        return pd.DataFrame(columns=["region", "period", "horizon", *STATUS_ORDER])
    t = cells.groupby(["region", "period", "horizon", "status"]).size().unstack("status", fill_value=0)
    t = t.reindex(columns=STATUS_ORDER, fill_value=0).reset_index()
    t["horizon"] = pd.Categorical(t["horizon"], HORIZON_ORDER)
    return t.sort_values(["horizon", "region", "period"]).reset_index(drop=True)


def risk_rates(risks: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Per region and category: statements, reports of the region, and statements per report."""
    reports = documents.groupby(documents["region"].fillna("?")).size().rename("reports")
    if risks.empty:
        return pd.DataFrame(columns=["region", "category", "statements", "reports", "per_report"])
    r = risks.assign(region=risks["region"].fillna("?"), category=risks["category"].astype(str))
    t = r.groupby(["region", "category"]).size().rename("statements").reset_index()
    t = t.join(reports, on="region")
    t["per_report"] = (t["statements"] / t["reports"]).round(2)
    return t.sort_values(["region", "per_report"], ascending=[True, False]).reset_index(drop=True)


def risk_counts_per_report(risks: pd.DataFrame) -> pd.DataFrame:
    """Statements per (report, category): the risk browser's bars."""
    if risks.empty:
        return pd.DataFrame(columns=["doc", "region", "category", "statements"])
    r = risks.assign(category=risks["category"].astype(str))
    return r.groupby(["doc", "region", "category"], dropna=False).size().rename("statements").reset_index()


def row_series(cells: pd.DataFrame, label: str, region: str | None = None) -> pd.DataFrame:
    """A table row over time: for each report, the first value of the first row whose label contains
    `label` (case-insensitive) — the table's first column, as reports lead with the current period."""
    if cells.empty:
        return pd.DataFrame(columns=["region", "period", "doc", "table", "title", "row", "column", "value", "unit"])
    want = label.casefold().strip()
    m = cells["row"].fillna("").astype(str).str.casefold().str.contains(re.escape(want), regex=True)
    hit = cells[m & cells["value"].notna()]
    if region:
        hit = hit[hit["region"].fillna("").str.casefold() == region.casefold()]
    first = hit.groupby("doc", sort=False).head(1)
    return first[["region", "period", "doc", "table", "title", "row", "column", "value", "unit"]] \
        .sort_values(["region", "period"]).reset_index(drop=True)
