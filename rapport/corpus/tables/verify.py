"""Re-compute a table's checks from the cells it emits.

Why: the split search scores many readings of a table; a check it reports must hold on
the reading it returns, after every later edit (a dash moved into a label, a note column
taken off). `recheck` states each relation as plain arithmetic over `Table.rows[*].values`,
`honest_check` turns the re-computed results into `Table.check`, and `verify_table` lists
every disagreement (the tests run it over every table of every report they can read).
The tolerances are the checks' own (`checks._tol_for`, `identities._identity_holds`), so a
relation is judged the same way on both sides; only the numbers come from the output.
"""
from __future__ import annotations

from .checks import _is_cost, _tol, _tol_for, _total_kind, _VARAV
from .identities import _identity_holds, _rowsum_holds
from .records import Check, Table

# how far up a total's run of rows may reach, and how many subtotals it may add (checks.py)
RUN_STRONG, RUN_WEAK, MAX_SUBTOTALS = 30, 15, 4
ARITHMETIC = frozenset({"sum", "balance", "diff", "pct", "rowsum", "colsum"})
_EPS = 1e-9  # summation order differs from the search's: absorb float noise only


def _sum_holds(vals, parts, neg, t: int, cols) -> bool:
    """Does row t equal the sum of `parts` (positive values of `neg` rows subtracted) in
    every column of `cols`?"""
    matched = defined = 0
    for c in cols:
        tv = vals[t][c] if c < len(vals[t]) else None
        if tv is None:
            return False
        defined += 1
        xs = []
        for p in reversed(parts):
            v = vals[p][c] if c < len(vals[p]) else None
            if v is not None:
                xs.append(-v if (p in neg and v > 0) else v)
        if not xs:
            if tv != 0:
                return False
            continue
        dec = any(not float(x).is_integer() for x in xs + [tv])
        if abs(sum(xs) - tv) > _tol_for(len(xs), dec) + _EPS:
            return False
        matched += 1
    return matched >= 1 and not (matched == 1 and defined > 1)


def _any_sum_holds(table: Table, t: int, cols) -> bool:
    """Is row t the sum of some run of rows or of the last 2–4 subtotals above it?"""
    labels = [r.label for r in table.rows]
    vals = [r.values for r in table.rows]
    strong = _total_kind(labels[t]) == 2
    reach = RUN_STRONG if strong else RUN_WEAK
    costs = tuple(p for p in range(t) if _is_cost(labels[p]))
    for s in range(t - 1, max(-1, t - reach - 1), -1):
        if s == t - 1 and not strong:
            continue
        parts = tuple(x for x in range(s, t) if not _VARAV.match(labels[x]))
        if _sum_holds(vals, parts, (), t, cols) or _sum_holds(vals, parts, costs, t, cols):
            return True
    subs = [p for p in range(t) if _total_kind(labels[p])]
    return any(_sum_holds(vals, tuple(subs[-m:]), (), t, cols)
               for m in range(2, min(MAX_SUBTOTALS, len(subs)) + 1))


def _column_identity_holds(kind: str, args, v) -> bool:
    c, i, j = args
    if c >= len(v):
        return False
    if kind == "colsum":
        parts = v[i:j]
        if v[c] is None or len(parts) != j - i or any(p is None for p in parts):
            return False
        return abs(sum(parts) - v[c]) <= _tol(parts + [v[c]]) + _EPS
    if kind == "rowsum":
        return bool(_rowsum_holds(v, c))
    x, y, d = (v[i] if i < len(v) else None), (v[j] if j < len(v) else None), v[c]
    if x is None or y is None or d is None:
        return False
    return bool(_identity_holds(kind, x, y, d))


def _covered(table: Table, row: int) -> bool:
    """Does a relation that holds test this row?"""
    for ch in table.check_detail:
        if ch.kind in ARITHMETIC and ch.ok and row in (ch.parts + ch.rows[-1:] if ch.kind == "sum" else ch.rows):
            return True
    return False


def recheck(check: Check, table: Table) -> bool:
    """Does `check`'s relation hold on the table's emitted cells?"""
    vals = [r.values for r in table.rows]
    if check.rows and max(check.rows + check.parts) >= len(vals):
        return False
    k = check.kind
    if k == "sum":
        t = check.rows[-1]
        if check.parts:
            return _sum_holds(vals, check.parts, check.neg, t, check.cols)
        return _any_sum_holds(table, t, check.cols)
    if k == "balance":
        a, b = check.rows
        both = [c for c, (x, y) in enumerate(zip(vals[a], vals[b])) if x is not None and y is not None]
        return bool(both) and all(abs(vals[a][c] - vals[b][c]) <= 1 for c in both)
    if k in ("diff", "pct", "rowsum", "colsum"):
        return _column_identity_holds(k, check.args, vals[check.rows[0]])
    if k == "columns":
        n = check.args[0]
        return n == len(table.columns) and all(len(v) == n for v in vals)
    if k == "split":
        return _covered(table, check.rows[0])
    raise ValueError(f"unknown check kind {k!r}")


def honest_check(details: list[Check]) -> bool | None:
    """`Table.check`: True when arithmetic was tested and everything tested holds; False
    when anything tested fails; None when nothing was tested."""
    if any(not c.ok for c in details):
        return False
    return True if any(c.kind in ARITHMETIC for c in details) else None


def verify_table(table: Table) -> list[str]:
    """Every way the table's recorded checks disagree with its emitted cells (empty: none)."""
    out = []
    for ch in table.check_detail:
        got = recheck(ch, table)
        if got != ch.ok:
            out.append(f"{table.doc}:{table.line}: {table.id} records {ch.kind} "
                       f"{'ok' if ch.ok else 'FAIL'} but the cells say {'ok' if got else 'FAIL'}: {ch.text}")
    want = honest_check([Check(c.kind, recheck(c, table), c.text) for c in table.check_detail])
    if table.check != want:
        out.append(f"{table.doc}:{table.line}: {table.id} check={table.check}, cells say {want}")
    return out
