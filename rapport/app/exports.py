"""What `extract` writes into its output folder (contract: ../shared/docs/contract.md).

    <kind>.jsonl        one strict JSON object per fact (goal_assessments … links, contradictions, unlinked)
    <kind>.parquet      the same facts with typed columns (dates, categories, nullable pages)
    documents.parquet   doc, region, kind, period, pages, sha256, warnings (+ structure counts)
    tables.parquet      every table cell in long form, with region and period
    tables/<report>__<table>.csv   one CSV per table (names without ':')
    rapport.xlsx        one sheet per kind, for Excel

Everything is written into a temporary sibling folder and committed whole
(rapport.models.folders.committed_folder).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from rapport.models.folders import committed_folder

from . import frames
from .outputs import safe_name, write_jsonl

WORKBOOK = "rapport.xlsx"
EXCEL_MAX_ROWS = 1_048_575  # plus the header row
EXCEL_MAX_CHARS = 32_767
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what openpyxl refuses in a cell


def write_extraction(out: str | Path, docs, facts, records: dict, unlinked: list) -> tuple[dict[str, int], list[str]]:
    """Write every output file for `docs` into `out`, committed whole. Returns (file → rows, warnings).

    facts: kind → typed DataFrame (from rapport.app.frames); records: kind → record objects
    (the JSONL is written from the records, so it holds exactly the contract's fields).
    """
    written, warnings = {}, []
    with committed_folder(out) as tmp:
        for kind, rows in records.items():
            written[f"{kind}.jsonl"] = write_jsonl(tmp / f"{kind}.jsonl", rows)
        written["unlinked.jsonl"] = write_jsonl(tmp / "unlinked.jsonl", unlinked)
        for kind, df in facts.items():
            _parquet(df, tmp / f"{kind}.parquet")
            written[f"{kind}.parquet"] = len(df)
        (tmp / "tables").mkdir()
        cells = facts.get("tables")
        cells = frames.tables_frame(docs) if cells is None else cells
        n = 0
        for (doc, table), group in cells.groupby(["doc", "table"], sort=False):
            name, stem = safe_name(str(table)), safe_name(Path(doc).stem)
            group.to_csv(tmp / "tables" / f"{name if name.startswith(stem) else f'{stem}__{name}'}.csv", index=False)
            n += 1
        written["tables/*.csv"] = n
        warnings += write_workbook(tmp / WORKBOOK, facts)
        written[WORKBOOK] = len(facts)
    return written, warnings


def _parquet(df: pd.DataFrame, path: Path) -> None:
    df = df.copy()
    for col in df.columns:  # object columns of mixed types (None + str) are fine; lists of str too
        if df[col].dtype == object and df[col].map(lambda v: isinstance(v, float)).any():
            df[col] = df[col].map(frames.plain)
    df.to_parquet(path, index=False)


def write_workbook(path: Path, facts: dict[str, pd.DataFrame]) -> list[str]:
    """One sheet per kind; cells Excel can hold (no control characters, ≤ 32,767 characters)."""
    warnings = []
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for kind, df in facts.items():
            sheet = _excel_ready(df)
            if len(sheet) > EXCEL_MAX_ROWS:
                warnings.append(f"{WORKBOOK}: sheet {kind} cut at {EXCEL_MAX_ROWS:,} of {len(sheet):,} rows "
                                f"(Excel's limit; {kind}.parquet has them all)")
                sheet = sheet.head(EXCEL_MAX_ROWS)
            sheet.to_excel(xw, sheet_name=kind[:31], index=False)
            ws = xw.sheets[kind[:31]]
            ws.freeze_panes = "A2"
            for i, col in enumerate(sheet.columns, start=1):
                width = min(60, max(8, len(str(col)) + 2, *(len(str(v)) for v in sheet[col].head(200))))
                ws.column_dimensions[ws.cell(1, i).column_letter].width = width
    return warnings


def _excel_ready(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        s = df[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        if s.dtype == object or str(s.dtype) in ("str", "string"):
            s = s.map(_cell)
        elif str(s.dtype) in ("Int64", "boolean"):
            s = s.astype(object).where(s.notna(), None)
        out[col] = s
    return out


def _cell(v):
    if isinstance(v, (list, tuple, np.ndarray)):
        v = "; ".join(map(str, v))
    if isinstance(v, str):
        v = _ILLEGAL.sub(" ", v)
        return v if len(v) <= EXCEL_MAX_CHARS else v[: EXCEL_MAX_CHARS - 1] + "…"
    return frames.plain(v)
