"""Candidate cells for a prose figure: equal values after unit normalisation, exactly or within
the precision the prose was written with, in a unit the cell can be in."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from rapport.corpus.numbers import UNIT_SCALE_KR
from ...mentions import Figure, MONEY_UNITS
from .views import Cell, RowView, TableView

# ---------------------------------------------------------------- value matching

@dataclass(frozen=True)
class Candidate:
    figure: int
    row: int  # index into rows
    cell: int  # index into the row's cells
    match: str  # exact | rounded
    unit_fit: float
    value: float  # the cell value, as in the table


def _interval(f: Figure, target_scale: float) -> tuple[float, float, float]:
    """(exact magnitude, low, high) of what the figure can stand for, in a unit of `target_scale` kr.

    The prose precision is half a unit of its last written digit; approximation
    words widen it ("drygt 140" covers 140–154).
    """
    written_scale = UNIT_SCALE_KR.get(f.unit or "", 1.0) if f.unit in MONEY_UNITS else 1.0
    k = written_scale / target_scale if f.unit in MONEY_UNITS else 1.0
    x = abs(f.value) * k
    half = 0.5 * 10 ** (-f.decimals) * k
    lo, hi = x - half, x + half
    if f.approx == "above":
        lo, hi = x, x * 1.1 + half
    elif f.approx == "below":
        lo, hi = x * 0.9 - half, x
    elif f.approx == "about":
        lo, hi = x * 0.95 - half, x * 1.05 + half
    elif f.approx == "bound":
        lo, hi = x, x
    return x, lo, hi


_SHARE_LABEL = re.compile(r"^\s*andel(?:en)?\b|%|\bprocent\b|\bgrad(?:en)?\b|\w+grad\b", re.I)


def _unit_fit(f: Figure, t: TableView, c: Cell, label: str = "") -> float | None:
    """How plausible it is that the cell is in the figure's unit (None: impossible).

    A row named "Andel ..." (a share) or "...grad" holds percentages even where
    its free-text cells do not print "%".
    """
    money_table = t.unit in MONEY_UNITS
    if f.unit == "procent" and not money_table and not c.percent and _SHARE_LABEL.search(label):
        return 1.0
    if f.unit in MONEY_UNITS:
        if c.percent or t.unit in ("procent", "procentenheter"):
            return None
        if money_table:
            return 1.0 if t.unit_known else 0.85
        if t.unit in ("antal",):
            return None
        return 0.6
    if f.unit in ("procent", "procentenheter"):
        fit = 1.0 if (c.percent or t.unit == "procent") else None
        if fit is None:
            if money_table:
                fit = 0.45 if c.column is not None and not t.columns else (0.25 if c.column is None else None)
                if c.column is not None and t.columns and c.column < len(t.columns) and \
                        "change" in t.columns[c.column].aspects:
                    fit = 0.8
            else:
                fit = 0.6
        if fit is not None and f.unit == "procentenheter":
            fit *= 0.8
        return fit
    if f.unit == "antal":
        if c.percent or money_table:
            return None
        return 0.8
    if f.unit == "kr":
        return 1.0 if money_table else None
    # a bare number
    if c.percent or t.unit in ("procent", "procentenheter"):
        return 0.3
    return 0.5 if money_table else 0.6


def _value_matches(f: Figure, t: TableView, c: Cell) -> str | None:
    """'exact', 'rounded' or None."""
    scale = UNIT_SCALE_KR.get(t.unit or "", None) if (f.unit in MONEY_UNITS and t.unit in MONEY_UNITS) else None
    x, lo, hi = _interval(f, scale if scale else UNIT_SCALE_KR.get(f.unit or "", 1.0) if f.unit in MONEY_UNITS
                          else 1.0)
    v = abs(c.value)
    eps = 1e-9 * max(1.0, x)
    if abs(v - x) <= eps:
        return "rounded" if f.approx in ("above", "below", "about") else "exact"
    if f.approx == "bound":
        return None
    # a rounded match needs two significant digits on both sides: "5 miljarder" or a table's "1"
    # would match half the report
    if f.sig_digits < 2 or v < 10 * 10 ** (-c.decimals):
        return None
    if lo - eps <= v < hi + eps:
        return "rounded"
    # the table is the less precise one: prose "15,4", table "15"
    if f.decimals > c.decimals and abs(round(x, c.decimals) - v) <= eps:
        return "rounded"
    return None



class _Candidates:
    """Linker methods: candidates."""

    # -- candidates
    def candidates(self, fi: int, f: Figure) -> list[Candidate]:
        if f.is_range:
            return []
        out = []
        seen_scales = set()
        for scale in self._scales(f):
            if scale in seen_scales:
                continue
            seen_scales.add(scale)
            x, lo, hi = _interval(f, scale)
            lo2 = min(lo, x) - 1e-9 - 0.5 * max(1.0, x) * 1e-6
            hi2 = max(hi, x) + 1e-9 + 0.5  # covers table rounding of prose decimals
            for k in range(bisect_left(self._keys, lo2), bisect_right(self._keys, hi2)):
                _, ri, ci = self._entries[k]
                r = self.rows[ri]
                if r.start <= f.start < r.end:
                    continue  # the "sentence" is the cell itself, read as prose by the layout
                t = self.tables[r.table]
                c = r.cells[ci]
                if f.unit in MONEY_UNITS and t.unit in MONEY_UNITS and UNIT_SCALE_KR[t.unit] != scale:
                    continue
                if not (f.unit in MONEY_UNITS and t.unit in MONEY_UNITS) and scale != self._plain_scale(f):
                    continue
                fit = _unit_fit(f, t, c, r.label)
                if fit is None:
                    continue
                if f.approx == "bound" and not self._target_cell(t, r, c):
                    continue  # "minst 50 procent" is a target: only a target column holds it
                m = _value_matches(f, t, c)
                if m is None:
                    continue
                out.append(Candidate(fi, ri, ci, m, fit, c.value))
        return out

    @staticmethod
    def _target_cell(t: TableView, r: RowView, c: Cell) -> bool:
        if t.kind != "numeric":
            return True
        col = t.columns[c.column] if c.column is not None and c.column < len(t.columns) else None
        return bool(col and "target" in col.aspects) or "target" in r.aspects

    @staticmethod
    def _plain_scale(f: Figure) -> float:
        return UNIT_SCALE_KR.get(f.unit, 1.0) if f.unit in MONEY_UNITS else 1.0

    def _scales(self, f: Figure) -> list[float]:
        if f.unit in MONEY_UNITS:
            return sorted({UNIT_SCALE_KR[t.unit] for t in self.tables if t.unit in MONEY_UNITS}
                          | {self._plain_scale(f)})
        return [1.0]
