"""Row checks: total rows against runs of rows or subtotals above them, and the balance identity.

The split search re-scores readings that differ in one row, so the sums are cached by the
readings of the rows they cover."""
from __future__ import annotations

from dataclasses import dataclass
import functools
import re
from .blocks import _RawRow
from .lexicon import _COST, _STRONG_TOTAL, _WEAK_TOTAL
from .records import normalise_label

# ---------------------------------------------------------------- checks

@dataclass
class _Check:
    kind: str
    rows: tuple[int, ...]
    ok: bool
    text: str
    # what was tested, so the relation can be re-computed from the emitted cells
    # (records.Check): the addends of a sum, those subtracted, the columns compared,
    # and a column identity's (c, i, j)
    parts: tuple[int, ...] = ()
    neg: tuple[int, ...] = ()
    cols: tuple[int, ...] = ()
    args: tuple[int, ...] = ()


def _tol(vals: list[float], cells: list[str] | None = None) -> float:
    decimal = any(not float(v).is_integer() for v in vals)
    n = len(vals)
    if decimal:
        return 0.051 * n + 0.05
    return max(1.0, min(3.0, 0.5 * n))


def _window_matches(rows, vals, K, window: list[int], target, signed: bool, skip=frozenset()) -> bool:
    """Does `target` equal the column sums of the rows in `window`?"""
    sums, n, dec = [0.0] * K, [0] * K, [False] * K
    for w in window:
        cost = signed and _is_cost(rows[w].label)
        for c in range(K):
            v = vals[w][c]
            if v is None or c in skip:
                continue
            sums[c] += -v if (cost and v > 0) else v
            n[c] += 1
            dec[c] = dec[c] or not float(v).is_integer()
    return _sums_match(sums, n, dec, target, K, skip)


def _add_row(state, v, dcols, cost: bool) -> None:
    plain, signed, n, dec = state
    for c in dcols:
        x = v[c]
        if x is None:
            continue
        plain[c] += x
        if cost and x > 0:
            signed[c] -= x
        else:
            signed[c] += x
        n[c] += 1
        if not dec[c] and not float(x).is_integer():
            dec[c] = True


_DEC_TOL = [0.051 * (n + 1) + 0.05 for n in range(64)]
_INT_TOL = [max(1.0, min(3.0, 0.5 * (n + 1))) for n in range(64)]


def _tol_for(n: int, dec: bool) -> float:
    """`_sums_match`'s tolerance for a sum of n values (the same floats, looked up)."""
    if n < 64:
        return _DEC_TOL[n] if dec else _INT_TOL[n]
    return 0.051 * (n + 1) + 0.05 if dec else max(1.0, min(3.0, 0.5 * (n + 1)))


def _window_prefilter(vals, window, c0, tv0, tv0_dec) -> bool:
    """`_sums_match`'s test of the first target column for the sum of `window`
    (False: the window cannot match; True: ask `_window_matches`)."""
    total, n, dec = 0.0, 0, tv0_dec
    for w in window:
        x = vals[w][c0]
        if x is None:
            continue
        total += x
        n += 1
        if not dec and not float(x).is_integer():
            dec = True
    if n == 0:
        return tv0 == 0
    return abs(total - tv0) <= _tol_for(n, dec)


def _sums_match(sums, n, dec, target, K, skip) -> bool:
    matched = defined = 0
    for c in range(K):
        tv = target[c]
        if tv is None or c in skip:
            continue
        defined += 1
        if n[c] == 0:
            if tv != 0:
                return False
            continue
        if abs(sums[c] - tv) > _tol_for(n[c], dec[c] or not float(tv).is_integer()):
            return False
        matched += 1
    return matched >= 1 and not (matched == 1 and defined > 1)


@functools.lru_cache(maxsize=4096)
def _is_cost(label: str) -> bool:
    return bool(_COST.search(label))


@functools.lru_cache(maxsize=4096)
def _total_kind(label: str) -> int:
    """0: not a total, 1: weak total (…resultat, …netto), 2: strong (Summa, Totalt)."""
    if _STRONG_TOTAL.search(label):
        return 2
    return 1 if _WEAK_TOTAL.search(label) else 0


class _RowFacts:
    """What the checks need to know about a table's rows that does not depend on the split.

    Computed once per table and reused by every scoring of a candidate split.
    """

    __slots__ = ("labels", "kinds", "costs", "part_of", "totals", "assets", "liab")

    def __init__(self, rows: list[_RawRow]):
        self.labels = [r.label for r in rows]
        self.kinds = [_total_kind(lab) for lab in self.labels]
        self.costs = [_is_cost(lab) for lab in self.labels]
        # "varav …" rows detail the row above them and are not addends
        self.part_of = [_VARAV.match(lab) is not None for lab in self.labels]
        self.totals = [i for i, k in enumerate(self.kinds) if k]
        norm = [normalise_label(lab) for lab in self.labels]
        self.assets = [i for i, lab in enumerate(norm) if _ASSETS.match(lab)]
        self.liab = [i for i, lab in enumerate(norm) if _LIAB.match(lab)]


_VARAV = re.compile(r"(varav|därav)\b", re.I)
_ASSETS = re.compile(r"(summa )?tillgångar$|summa tillgångar")
_LIAB = re.compile(r"summa (eget kapital|skulder).*(skulder|eget kapital)")


def _sum_checks(rows: list[_RawRow], vals: list[list[float | None]], K: int, skip=frozenset(),
                facts: _RowFacts | None = None, ids: list[int] | None = None,
                cache: dict | None = None) -> list[_Check]:
    """Total rows against the rows above them.

    A total (Summa/Totalt/…resultat/…netto) must equal the sum of a run of rows
    directly above it (costs may be shown positive and subtracted), or the sum
    of the last few subtotals ("Totalt" = verksamhetens resultat + finansnetto;
    summa tillgångar = the two summa rows above).

    With `ids` (one key per row's current reading) and `cache`, a total whose
    window of rows has not changed is not summed again: the split search
    changes one row at a time.
    """
    facts = facts or _RowFacts(rows)
    out = []
    totals = facts.totals
    cols = [c for c in range(K) if c not in skip]
    for ti, t in enumerate(totals):
        strong = facts.kinds[t] == 2
        if cache is None:
            hit = _sum_check_one(rows, vals, K, skip, facts, t, ti, strong, cols)
        else:
            hit = _MISS
            # a run found from row s0 up depends on rows s0..t only: rows above s0 may change freely
            starts = cache.get(t)
            if starts:
                for s0 in starts:
                    hit = cache.get((t, s0, tuple(ids[s0:t + 1])), _MISS)
                    if hit is not _MISS:
                        break
            if hit is _MISS:
                lo = max(0, t - (30 if strong else 15))
                key = (t, tuple(ids[lo:t + 1]), tuple(ids[w] for w in totals[max(0, ti - 4):ti]))
                hit = cache.get(key, _MISS)
                if hit is _MISS:
                    hit = _sum_check_one(rows, vals, K, skip, facts, t, ti, strong, cols)
                    if hit is not None and hit.ok and hit.text.startswith(f"'{rows[t].label}' = sum of rows"):
                        s0 = hit.rows[0]
                        cache.setdefault(t, set()).add(s0)
                        cache[(t, s0, tuple(ids[s0:t + 1]))] = hit
                    else:
                        cache[key] = hit
        if hit is not None:
            out.append(hit)
    return out


_MISS = object()


def _sum_check_one(rows, vals, K, skip, facts, t, ti, strong, cols) -> _Check | None:
    r = rows[t]
    target = vals[t]
    if t == 0 or all(target[c] is None for c in cols):
        return None  # a total heading the table (a rate, a headline figure) has nothing above to sum
    costs, part_of = facts.costs, facts.part_of
    found = None
    any_cost = False
    # only columns with a target value enter _sums_match; the first of them is summed
    # during the scan and settles most runs; the full sums are made (in the same order)
    # only for a run that passes it
    dcols = [c for c in cols if target[c] is not None]
    c0 = dcols[0]
    tv0 = target[c0]
    tv0_dec = not float(tv0).is_integer()
    p0 = q0 = 0.0
    n0 = 0
    dec0 = False
    full = None  # (plain, signed, n, dec) over all target columns of rows full_at..t-1
    full_at = t
    for s in range(t - 1, max(-1, t - (31 if strong else 16)), -1):
        v = vals[s]
        if part_of[s]:
            continue
        cost = costs[s]
        if cost and not any_cost:
            any_cost = any(v[c] is not None and v[c] > 0 for c in cols)
        x = v[c0]
        if x is not None:
            p0 += x
            if cost and x > 0:
                q0 -= x
            else:
                q0 += x
            n0 += 1
            if not dec0 and not float(x).is_integer():
                dec0 = True
        if s == t - 1 and not strong:
            continue  # a lone equal row above proves little for a weak total
        if n0 == 0:
            pre_plain = pre_signed = tv0 == 0
        else:
            tol = _tol_for(n0, dec0 or tv0_dec)
            pre_plain = abs(p0 - tv0) <= tol
            pre_signed = any_cost and abs(q0 - tv0) <= tol
        if not (pre_plain or pre_signed):
            continue
        if full is None:
            full = ([0.0] * K, [0.0] * K, [0] * K, [False] * K)
        for r2 in range(full_at - 1, s - 1, -1):  # catch up, in scan order
            if not part_of[r2]:
                _add_row(full, vals[r2], dcols, costs[r2])
        full_at = s
        plain, signed, n, dec = full
        parts = tuple(x for x in range(s, t) if not part_of[x])
        if pre_plain and _sums_match(plain, n, dec, target, K, skip):
            found = (f"sum of rows '{rows[s].label}'..'{rows[t - 1].label}'", tuple(range(s, t + 1)),
                     parts, ())
        elif any_cost and pre_signed and _sums_match(signed, n, dec, target, K, skip):
            found = (f"sum of rows '{rows[s].label}'..'{rows[t - 1].label}' with costs subtracted",
                     tuple(range(s, t + 1)), parts, tuple(x for x in parts if costs[x]))
        if found:
            break
    if not found:
        subs = facts.totals[:ti]
        for m in range(2, min(4, len(subs)) + 1):
            window = subs[-m:]
            if _window_prefilter(vals, window, c0, tv0, tv0_dec) \
                    and _window_matches(rows, vals, K, window, target, False, skip):
                found = ("sum of subtotals " + " + ".join(f"'{rows[w].label}'" for w in window),
                         tuple(window) + (t,), tuple(window), ())
                break
    if found:
        return _Check("sum", found[1], True, f"'{r.label}' = {found[0]}", found[2], found[3], tuple(dcols))
    if strong:
        return _Check("sum", (t,), False,
                      f"'{r.label}' is not the sum of any run of rows or subtotals above it", cols=tuple(dcols))
    return None


def _equal_checks(rows: list[_RawRow], vals, K, facts: _RowFacts | None = None) -> list[_Check]:
    facts = facts or _RowFacts(rows)
    out = []
    if facts.assets and facts.liab:
        a, b = facts.assets[-1], facts.liab[-1]
        both = tuple(c for c, (x, y) in enumerate(zip(vals[a], vals[b])) if x is not None and y is not None)
        ok = bool(both) and all(abs(vals[a][c] - vals[b][c]) <= 1 for c in both)
        out.append(_Check("balance", (a, b), ok,
                          f"balance: '{rows[a].label}' {'=' if ok else '≠'} '{rows[b].label}'", cols=both))
    return out
