"""The records table recovery returns: Table and TableRow, and their long and wide frames."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable
import re

from rapport.corpus.numbers import normalise_spaces

# ====================================================================== records

@dataclass
class TableRow:
    label: str
    values: list[float | None]
    start: int
    end: int
    text: str
    note: str | None = None  # "Not 3" reference found in the label or notes column
    footnote: str | None = None  # "2" from "sjukfrånvaro2"
    cells: list[str] = field(default_factory=list)  # raw text per value ("" = empty)
    section: str | None = None  # group label above the row ("OMSÄTTNINGSTILLGÅNGAR")
    # indicator rows whose cells line up with the header: the column of each value in
    # `values` ("81/77" under "Ingångsvärde" gives two values in that column); else empty
    value_columns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Check:
    """One relation a table's check tested, stated so that it can be re-computed from the
    emitted cells (`corpus.tables.verify.recheck`) — a check that says True must hold on the
    numbers a reader gets, not on some reading the split search tried.

    kind: "sum" (rows[-1] is the total; `parts` its addends, `neg` the cost rows whose
    positive values are subtracted; no parts: no run or subtotals above add up to it),
    "balance" (rows[0] = rows[1] in `cols`), "diff"/"pct"/"rowsum"/"colsum" (a column
    identity on rows[0]; `args` = (c, i, j)), "columns" (args = (header's count, columns
    emitted): the split has as many value columns as the header names), "split"
    (rows[0] had several readings as close as a coin toss and no sum or identity that
    holds covers it).
    """
    kind: str
    ok: bool
    text: str
    rows: tuple[int, ...] = ()
    parts: tuple[int, ...] = ()
    neg: tuple[int, ...] = ()
    cols: tuple[int, ...] = ()
    args: tuple[int, ...] = ()

    def to_dict(self) -> dict:
        return {"kind": self.kind, "ok": self.ok, "text": self.text, "rows": list(self.rows),
                "parts": list(self.parts), "neg": list(self.neg), "cols": list(self.cols),
                "args": list(self.args)}


@dataclass
class Table:
    id: str
    title: str | None
    unit: str | None
    page: int | None
    start: int
    end: int
    columns: list[str]
    rows: list[TableRow]
    check: bool | None = None
    checks: list[str] = field(default_factory=list)
    split: str = ""
    warnings: list[str] = field(default_factory=list)
    kind: str = "numeric"
    doc: str = ""
    line: int = 0  # 1-based line number of `start` in the text
    check_detail: list[Check] = field(default_factory=list)  # what `check` tested, re-computable

    def check_summary(self) -> str:
        """The tested relations in one line ("ok sum: …; FAIL columns: …"), for long-form outputs."""
        return "; ".join(f"{'ok' if c.ok else 'FAIL'} {c.kind}: {c.text}" for c in self.check_detail)

    def column_name(self, i: int, row: "TableRow | None" = None) -> str | None:
        if self.kind != "numeric":
            if row is not None and i < len(row.value_columns):
                return row.value_columns[i]
            return None
        return self.columns[i] if i < len(self.columns) else f"kol{i + 1}"

    def to_frame(self):
        """Long form, one row per non-empty cell (the contract's tables.parquet)."""
        import pandas as pd

        recs = []
        summary = self.check_summary()
        for r in self.rows:
            for i, v in enumerate(r.values):
                if v is None:
                    continue
                recs.append({
                    "doc": self.doc, "table": self.id, "title": self.title, "unit": self.unit,
                    "page": self.page, "row": r.label, "column": self.column_name(i, r),
                    "value": float(v), "check": self.check, "check_detail": summary,
                })
        cols = ["doc", "table", "title", "unit", "page", "row", "column", "value", "check", "check_detail"]
        return pd.DataFrame.from_records(recs, columns=cols)

    def to_wide(self):
        """One row per table row (index: label), one column per header column."""
        import pandas as pd

        width = max([len(r.values) for r in self.rows] + [len(self.columns)])
        names = []
        for i in range(width):
            n = self.column_name(i) if self.kind == "numeric" else f"v{i + 1}"
            while n in names:
                n = f"{n}_"
            names.append(n)
        data = [list(r.values) + [None] * (width - len(r.values)) for r in self.rows]
        df = pd.DataFrame(data, columns=names, index=[r.label for r in self.rows], dtype=float)
        df.index.name = "row"
        return df

    def row(self, label: str) -> TableRow | None:
        key = normalise_label(label)
        for r in self.rows:
            if normalise_label(r.label) == key:
                return r
        return None


def normalise_label(s: str) -> str:
    return re.sub(r"\s+", " ", normalise_spaces(s or "")).strip().lower()


def tables_frame(tables: Iterable[Table]):
    import pandas as pd

    frames = [t.to_frame() for t in tables]
    frames = [f for f in frames if len(f)]
    if not frames:
        return Table("", None, None, None, 0, 0, [], []).to_frame()
    return pd.concat(frames, ignore_index=True)
