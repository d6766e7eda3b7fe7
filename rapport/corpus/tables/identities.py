"""Column identities (Diff = a − b, % change, a last column summing the others, Totalt over its
parts) found in a reading, their per-row checks, and the one call that makes every check."""
from __future__ import annotations

import re
from .checks import _Check, _MISS, _RowFacts, _equal_checks, _sum_checks, _tol
from .lexicon import _DIFF_HEAD, _PCT_HEAD

def _identity_holds(kind: str, a: float, b: float, d: float) -> bool | None:
    """Does column value d equal a − b (diff) or the change from b to a in percent (pct)?"""
    if kind == "diff":
        tol = 1.0 if all(float(x).is_integer() for x in (a, b, d)) else 0.15
        return abs((a - b) - d) <= tol
    if abs(b) < 20 or (float(d).is_integer() and abs(d) > 100):
        return None  # below 20 the rounding of a and b alone moves the change by over 5 points
    # costs are negative: a change in magnitude, either sign convention
    exp = 100.0 * (abs(a) - abs(b)) / abs(b)
    tol = 0.06 + 100.0 * 1.0 / max(abs(b), 1) + (0.5 if float(d).is_integer() else 0.0)
    return abs(exp - d) <= tol or abs(-exp - d) <= tol


def _rowsum_holds(v, c) -> bool | None:
    parts = [x for k, x in enumerate(v) if k != c and x is not None]
    if v[c] is None or len(parts) < 2 or (v[c] == 0 and not any(parts)):
        return None
    decimal = any(not float(x).is_integer() for x in parts + [v[c]])
    tol = 0.06 * len(parts) + 0.05 if decimal else 1.0
    if decimal:
        tol = max(tol, 0.51 * sum(1 for x in parts if float(x).is_integer()) + 0.3)
    return abs(sum(parts) - v[c]) <= tol


def _find_identities(vals, K, columns) -> list[tuple[str, int, int, int]]:
    return _find_column_identities(vals, K, columns) + _colsum_identities(vals, K, columns)


def _find_column_identities(vals, K, columns) -> list[tuple[str, int, int, int]]:
    """Column identities (kind, c, i, j): c = i − j ('diff') or c = % change from j to i ('pct').

    A column named Diff/Avvikelse/Förändring (or %/utveckling) needs 2 rows to
    confirm it; an unnamed one needs 4 rows and 90% agreement, so chance
    agreements on small numbers do not become checks.
    """
    out = []
    if K < 3:
        return out
    used: set[int] = set()
    # the last column as the sum of the others ("Ny budget" = budget + ändringar)
    c = K - 1
    res = [_rowsum_holds(v, c) for v in vals]
    res = [g for g in res if g is not None]
    if len(res) >= 4 and sum(res) >= 0.85 * len(res):
        out.append(("rowsum", c, 0, c))
        used.add(c)
    arr = _Matrix(vals, K)
    equations: set = set()
    # columns named as differences or changes first: of two forms of one relation
    # (Diff = Prognos − Budget, Budget = Prognos − Diff) the named one is kept
    order = sorted(range(K), key=lambda c: 0 if c < len(columns) and (
        _DIFF_HEAD.search(columns[c]) or _PCT_HEAD.search(columns[c])) else 1)
    for c in order:
        name = columns[c] if c < len(columns) else ""
        decimal_col = int(arr.dec[:, c].sum())
        for kind in ("diff", "pct"):
            named = bool(_DIFF_HEAD.search(name)) if kind == "diff" else bool(_PCT_HEAD.search(name))
            if kind == "pct" and not named and decimal_col < 2:
                continue
            if c in used:
                continue
            best = arr.best_pair(kind, c)
            if not best:
                continue
            hits, tried, i, j = best
            need, share = (2, 0.7) if named else (4, 0.9)
            nonzero = sum(1 for v in vals if v[c] not in (None, 0))
            if kind == "diff" and (i, frozenset((c, j))) in equations:
                continue  # c = i − j is j = i − c: one relation, checked once
            if hits >= need and hits >= share * tried and nonzero >= 2:
                out.append((kind, c, i, j))
                used.add(c)
                if kind == "diff":
                    equations.add((i, frozenset((c, j))))
                break
    return out


class _Matrix:
    """A reading's values as arrays, to test every column identity c = f(i, j) at once.

    The arithmetic is `_identity_holds`'s, element by element, so the verdicts are the same.
    """

    def __init__(self, vals, K: int):
        import numpy as np

        self.np = np
        x = np.array([[np.nan if v is None else float(v) for v in row] for row in vals],
                     dtype=float).reshape(len(vals), K)
        self.x = x
        self.ok = ~np.isnan(x)
        xz = np.where(self.ok, x, 0.0)
        self.xz = xz
        self.int = self.ok & (np.floor(xz) == xz)
        self.dec = self.ok & ~self.int
        self.zero = self.ok & (xz == 0)
        self.K = K

    def best_pair(self, kind: str, c: int):
        """(hits, tried, i, j) of the first (i, j) with the most hits among pairs tried, or None.

        The operands are sought within `_WINDOW` columns of c (a difference or change column
        stands beside the columns it compares), so the cost per column is bounded and a
        table's is linear in its width, not cubic; up to `_WINDOW` + 1 columns every pair is tried.
        """
        np = self.np
        K = self.K
        if K < 3 or not len(self.x):
            return None
        lo, hi = max(0, c - _WINDOW), min(K, c + _WINDOW + 1)
        xz, ok, isint, zero = (m[:, lo:hi] for m in (self.xz, self.ok, self.int, self.zero))
        W = hi - lo
        a = xz[:, :, None]   # rows × i × 1
        b = xz[:, None, :]   # rows × 1 × j
        d = self.xz[:, c][:, None, None]
        valid = ok[:, :, None] & ok[:, None, :] & self.ok[:, c][:, None, None]
        allzero = zero[:, :, None] & zero[:, None, :] & self.zero[:, c][:, None, None]
        valid &= ~allzero
        with np.errstate(divide="ignore", invalid="ignore"):
            if kind == "diff":
                ints = isint[:, :, None] & isint[:, None, :] & self.int[:, c][:, None, None]
                tol = np.where(ints, 1.0, 0.15)
                good = np.abs((a - b) - d) <= tol
            else:
                dint = self.int[:, c][:, None, None]
                valid &= ~((np.abs(b) < 20) | (dint & (np.abs(d) > 100)))
                babs = np.abs(b)
                exp = 100.0 * (np.abs(a) - babs) / babs
                tol = 0.06 + 100.0 / np.maximum(babs, 1.0) + np.where(dint, 0.5, 0.0)
                good = (np.abs(exp - d) <= tol) | (np.abs(-exp - d) <= tol)
        tried = valid.sum(axis=0)
        hits = (good & valid).sum(axis=0)
        idx = np.arange(lo, hi)
        pair_ok = (idx[:, None] != idx[None, :]) & (idx[:, None] != c) & (idx[None, :] != c) & (tried > 0)
        if not pair_ok.any():
            return None
        score = np.where(pair_ok, hits, -1)
        flat = int(np.argmax(score))
        i, j = divmod(flat, W)
        return int(hits[i, j]), int(tried[i, j]), lo + i, lo + j


_WINDOW = 8  # columns either side of a difference column where its operands are sought


def _column_check_row(kind, c, i, j, ri, v, rows, columns) -> _Check | None:
    """One row's check of a column identity (None: the row cannot be checked)."""
    def nm(k):
        return columns[k] if k < len(columns) else f"kol{k + 1}"
    if kind == "colsum":
        parts = [v[k] for k in range(i, j)]
        if v[c] is None or any(p is None for p in parts) or (v[c] == 0 and not any(parts)):
            return None
        good = abs(sum(parts) - v[c]) <= _tol(parts + [v[c]])
        return _Check(kind, (ri,), good,
                      f"'{rows[ri].label}': {nm(c)} {'=' if good else '≠'} sum of columns {nm(i)}..{nm(j - 1)}",
                      args=(c, i, j))
    if kind == "rowsum":
        good = _rowsum_holds(v, c)
        if good is None:
            return None
        return _Check(kind, (ri,), good, f"'{rows[ri].label}': {nm(c)} "
                      f"{'=' if good else '≠'} sum of the other columns", args=(c, i, j))
    x, y, d = v[i], v[j], v[c]
    if x is None or y is None or d is None or (x == 0 and y == 0 and d == 0):
        return None
    good = _identity_holds(kind, x, y, d)
    if good is None:
        return None
    rel = "=" if good else "≠"
    rhs = f"{nm(i)} − {nm(j)}" if kind == "diff" else f"% change from {nm(j)} to {nm(i)}"
    return _Check(kind, (ri,), good, f"'{rows[ri].label}': {nm(c)} {rel} {rhs}", args=(c, i, j))


def _column_checks(rows, vals, columns, idents, ids=None, cache=None) -> list[_Check]:
    """Per-row checks of the column identities; with `ids`/`cache` a row's check is
    computed once per reading."""
    out = []
    for ident in idents:
        kind, c, i, j = ident
        if cache is None:
            for ri, v in enumerate(vals):
                ch = _column_check_row(kind, c, i, j, ri, v, rows, columns)
                if ch is not None:
                    out.append(ch)
            continue
        per = cache.get(ident)
        if per is None:
            per = cache[ident] = {}
        for ri, v in enumerate(vals):
            key = (ri, ids[ri])
            ch = per.get(key, _MISS)
            if ch is _MISS:
                ch = per[key] = _column_check_row(kind, c, i, j, ri, v, rows, columns)
            if ch is not None:
                out.append(ch)
    return out


_PCT_NAME = re.compile(r"%|procent|utveckling|andel", re.I)


def _all_checks(rows, vals, K, columns, idents=None, pct_cols=frozenset(),
                facts: _RowFacts | None = None, ids: list[int] | None = None,
                cache: dict | None = None) -> list[_Check]:
    """Every check of one reading of the table.

    `facts`, `ids` (a key per row's reading) and `cache` (a dict kept for one
    table and column count) let the split search re-score a reading that
    differs in one row without redoing the checks the row does not touch;
    the result is the same as without them.
    """
    if idents is None:
        idents = _find_identities(vals, K, columns)
    facts = facts or _RowFacts(rows)
    # percentages do not add up: no sums over percent-change or "%" columns
    named = cache.get("named") if cache is not None else None
    if named is None:
        named = frozenset(c for c in range(min(K, len(columns))) if _PCT_NAME.search(columns[c]))
        if cache is not None:
            cache["named"] = named
    skip = frozenset(c for kind, c, i, j in idents if kind == "pct") | pct_cols | named
    if cache is not None:
        sc = cache.setdefault(("sum", skip), {})
        cc = cache.setdefault("col", {})
    else:
        sc = cc = None
    sums = _sum_checks(rows, vals, K, skip, facts, ids, sc)
    # (a grand total that the balance identity matches but no run of rows sums to stays a
    # failed sum: two totals misread the same way also balance)
    eq = _equal_checks(rows, vals, K, facts)
    return sums + eq + _column_checks(rows, vals, columns, idents, ids, cc)


def _colsum_identities(vals, K, columns) -> list[tuple[str, int, int, int]]:
    """A column headed Totalt/Summa/Helår equals the sum of the columns right after
    (or right before) it, e.g. "Totalt T3 T2 T1": ("colsum", c, lo, hi)."""
    out = []
    for c in range(K):
        name = columns[c] if c < len(columns) else ""
        if not re.match(r"(totalt?|summa|helår)\b", name, re.I):
            continue
        best = None
        for lo, hi in [(c + 1, c + 1 + m) for m in (2, 3, 4, 12)] + [(c - m, c) for m in (2, 3, 4, 12)]:
            if lo < 0 or hi > K:
                continue
            res = []
            for ri, v in enumerate(vals):
                parts = [v[k] for k in range(lo, hi)]
                if v[c] is None or any(p is None for p in parts) or (v[c] == 0 and not any(parts)):
                    continue
                res.append((ri, abs(sum(parts) - v[c]) <= _tol(parts + [v[c]])))
            hits = sum(g for _, g in res)
            if res and hits >= 2 and hits >= 0.7 * len(res) and (best is None or hits > best[0]):
                best = (hits, lo, hi, res)
        if best:
            out.append(("colsum", c, best[1], best[2]))
    return out


def _check_score(checks: list[_Check]) -> float:
    return sum(2.5 * len(ch.rows) ** 0.5 if ch.ok else 0.0 for ch in checks) - sum(
        0.5 for ch in checks if not ch.ok)
