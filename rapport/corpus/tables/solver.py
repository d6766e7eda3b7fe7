"""The split search: each row's readings for K columns, priors from column magnitudes, and
coordinate descent on priors minus satisfied checks."""
from __future__ import annotations

from dataclasses import dataclass, field
import functools
from itertools import combinations
import math

from rapport.corpus.atoms import Cell
from .blocks import _RawRow
from .checks import _RowFacts
from .header import _TEXT_COLS
from .evidence import _column_edges, _misaligned, _named_diffs
from .identities import _all_checks, _check_score, _find_identities, _rowsum_holds
from .lexicon import _DIFF_HEAD, _TARGET_HEAD
from .pairs import pair_moves

# ====================================================================== split search

@dataclass
class _Option:
    values: list[float | None]
    cells: list[str]
    penalty: float
    note: str | None = None
    desc: str = ""
    _feats: list | None = field(default=None, repr=False, compare=False)
    ends: tuple = ()  # per column: the character column where the cell ends on its line (None: empty)

    @property
    def feats(self) -> list[tuple[int, int, bool]]:
        """(column, digit count, written with decimals) per non-empty cell that is not a
        percentage, computed once."""
        if self._feats is None:
            self._feats = [(c, _digits(v), "," in t or "." in t)
                           for c, (v, t) in enumerate(zip(self.values, self.cells))
                           if v is not None and not t.endswith("%")]
        return self._feats


def _digits(v: float) -> int:
    a = abs(v)
    return 1 if a < 1 else int(math.log10(a)) + 1


def _options(raw: _RawRow, K: int, note_col: bool, limit: int = 400,
             often_empty: frozenset = frozenset()) -> list[_Option]:
    """A row's readings for K columns, with a penalty for each empty cell they assume
    (less where a wide gap shows one, at the first column, or in an `often_empty` column —
    a Diff/Avvikelse column is often left empty for a ratio row, a target column for the
    breakdown rows under a total). The gap between the label and the first cell shows a
    missing cell only when it is wider than the gaps between the row's own cells, and a gap
    between cells only when it is wider than the row's narrowest: a dump without layout puts
    the same few spaces everywhere."""
    opts: list[_Option] = []
    seen = set()
    notes = note_col or raw.note_word
    limit = min(limit, max(50, OPTION_BUDGET // max(1, K)))  # a wide row keeps fewer, each costs K
    groupings = list(raw.groupings_for(max(1, K - 2), K + (1 if notes else 0)))
    # exact readings first: padded ones (empty cells) only fill what room is left
    groupings.sort(key=lambda g: 0 if len(g) == K or (notes and len(g) == K + 1) else 1)
    for g in groupings:
        n = len(g)
        variants: list[tuple[list[Cell], float, str | None, str]] = []
        if notes and n >= 2 and g[0].value is not None and float(g[0].value).is_integer() \
                and 0 < g[0].value <= 60 and not g[0].text.startswith(("-", "−", "–", "(")) \
                and " " not in g[0].text and raw.note is None:
            variants.append((g[1:], 0.0, "Not " + g[0].text, "note"))
        # after the word "Not" a number that is not the ref is the exception
        variants.append((g, 0.5 if raw.note_word and variants else 0.0, None, ""))
        for cells, pen, note, d in variants:
            m = len(cells)
            if m > K:
                continue
            # a percent cell says nothing about the column it sits in (a "Resultat i procent"
            # row under mkr columns): it has no magnitude features
            cfeats = [None if cell.value is None or cell.text.endswith("%") else
                      (_digits(cell.value), "," in cell.text or "." in cell.text)
                      for cell in cells]
            cvals = [cell.value for cell in cells]
            ctexts = [cell.text for cell in cells]
            cends = [raw.indent + cell.end for cell in cells]
            if m == K:
                vals = cvals
                key = (tuple(vals), note)
                if key in seen:
                    continue
                seen.add(key)
                feats = [(k, f[0], f[1]) for k, f in enumerate(cfeats) if f is not None]
                opts.append(_Option(list(vals), list(ctexts), pen, note or raw.note, d, feats, tuple(cends)))
                if len(opts) >= limit:
                    return opts
                continue
            # the gap before the cell that follows a missing one: a wide gap makes the gap likely
            gaps = [_gap_before_cell(raw, cells, idx) for idx in range(m + 1)]
            if m > 1:
                floor = min(gaps[:m])
                if gaps[0] <= max(gaps[1:m]) + 2:
                    gaps[0] = 1
                gaps[1:m] = [g if g > floor + 2 else 1 for g in gaps[1:m]]
            nonempty = [(k, f[0], f[1]) for k, f in enumerate(cfeats) if f is not None]
            for pos, at in _placements(K, K - m):
                vals = cvals.copy()
                for c in pos:  # ascending: each insert lands on its final column
                    vals.insert(c, None)
                key = (tuple(vals), note)
                if key in seen:
                    continue
                texts = ctexts.copy()
                ends = cends.copy()
                for c in pos:
                    texts.insert(c, "")
                    ends.insert(c, None)
                feats = [(at[k], d0, d1) for k, d0, d1 in nonempty]
                p = pen
                for jx, c in enumerate(pos):
                    # pos is ascending: jx missing cells precede c, so c - jx cells do
                    p += 0.35 if gaps[c - jx] >= 3 else (0.8 if c in often_empty else 0.9 if c == 0 else 1.2)
                seen.add(key)
                opts.append(_Option(vals, texts, p, note or raw.note, d, feats, tuple(ends)))
                if len(opts) >= limit:
                    return opts
    return opts


OPTION_BUDGET = 20_000  # options × columns per row (up to 50 columns: all 400 options)


def _placements(K: int, k: int):
    """Every way to leave k of K columns empty: (empty columns, the columns the cells take).
    Listed lazily past 16 columns: a row's options stop at their limit long before the
    C(K, k) placements of a wide row run out."""
    if K <= 16:
        return _placements_small(K, k)
    return ((pos, tuple(c for c in range(K) if c not in pos)) for pos in combinations(range(K), k))


@functools.lru_cache(maxsize=256)
def _placements_small(K: int, k: int) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    return tuple((pos, tuple(c for c in range(K) if c not in pos)) for pos in combinations(range(K), k))


def _gap_before_cell(raw: _RawRow, cells: list[Cell], idx: int) -> int:
    if idx >= len(cells):
        return 0
    start = cells[idx].start
    for a in raw.atoms:
        if a.start == start:
            return a.gap_before
    return 1


def _profiles(choice: list[_Option | None], K: int, certain: list[bool]):
    prof = []
    for c in range(K):
        ds, dec = [], []
        for o, ok in zip(choice, certain):
            if o is None or not ok:
                continue
            v = o.values[c]
            if v is None or o.cells[c].endswith("%"):
                continue  # percentages say nothing about a column's magnitudes
            ds.append(_digits(v))
            dec.append(("," in o.cells[c] or "." in o.cells[c]))
        if len(ds) >= 2:
            ds.sort()
            prof.append((ds[len(ds) // 2], sum(dec) / len(dec)))
        else:
            prof.append(None)
    return prof


def _prior(o: _Option, prof) -> float:
    p = o.penalty
    n = len(prof)
    for c, digs, isdec in o.feats:
        if c >= n or prof[c] is None:
            continue
        med, decshare = prof[c]
        off = abs(digs - med) - 1
        if off > 0:  # (adding 0.35 * 0 would leave p as it is)
            p += 0.35 * off
        if decshare > 0.7 and not isdec:
            p += 0.6
        if decshare < 0.3 and isdec:
            p += 0.6
    return p


# ---------------------------------------------------------------- table assembly

@dataclass
class _Solution:
    raws: list
    opts: list
    choice: list
    checks: list
    ambiguous: list
    bad: list
    prof: list
    objective: float
    prior: dict = field(default_factory=dict)  # id(option) -> prior under `prof`
    idents: list = field(default_factory=list)  # the column identities the checks use
    pct_cols: frozenset = frozenset()


def _candidate_Ks(raws, header_k, note_col) -> tuple[list[int], dict[int, int]]:
    """Column counts worth solving for: the header's, and those most rows can give exactly."""
    possible: list[set[int]] = []
    for r in raws:
        ks = set(r.counts)
        if note_col or r.note_word:
            ks |= {k - 1 for k in r.counts if k > 1}
        possible.append(ks)
    exact: dict[int, int] = {}
    for ks in possible:
        for k in ks:
            exact[k] = exact.get(k, 0) + 1
    if not exact:
        return [], exact
    n = len(raws)
    ranked = sorted(exact, key=lambda k: (-exact[k], k != header_k, -k))
    cands = [k for k in ranked if exact[k] >= 0.6 * n][:3] or ranked[:1]
    if header_k and header_k not in cands and exact.get(header_k, 0) + sum(
            1 for ks in possible if header_k not in ks and (header_k - 1) in ks) >= 0.5 * n:
        cands.append(header_k)
    return cands, exact


def _columns_for(columns: list[str], header_k: int | None, K: int) -> list[str]:
    if not header_k or K == header_k:
        return list(columns)
    if K < header_k:
        # header words that name the label column or text columns hold no numbers
        trimmed = [c for c in columns if c.split()[0].lower() not in _TEXT_COLS]
        if len(trimmed) == K:
            return trimmed
        if K == header_k - 1:
            return columns[1:]  # the first header word names the label column
        return columns[:K]
    return columns + [f"kol{i + 1}" for i in range(header_k, K)]


def _percent_columns(choice, K) -> frozenset:
    out = set()
    for c in range(K):
        cells = [o.cells[c] for o in choice if o.cells[c]]
        if cells and sum(1 for x in cells if x.endswith("%")) >= 0.6 * len(cells):
            out.add(c)
    return frozenset(out)


def _readings(raws, K, note_col, columns=()) -> tuple[list[list[_Option]], int] | None:
    """Every row's readings for K columns and the number of rows with none
    (None: too many rows fit no K-column reading)."""
    often_empty = frozenset(c for c in range(min(K, len(columns)))
                            if _DIFF_HEAD.search(columns[c]) or _TARGET_HEAD.search(columns[c]))
    opts = [_options(r, K, note_col, often_empty=often_empty) for r in raws]
    n_bad = sum(1 for o in opts if not o)
    if len(raws) - n_bad < 2 or n_bad > 0.34 * len(raws):
        return None
    return opts, n_bad


def _solve(raws, K, columns, note_col, opts=None) -> _Solution | None:
    """Pick one reading per row for K columns: priors from column magnitudes, then
    coordinate descent on (priors − satisfied checks)."""
    if opts is None:
        r = _readings(raws, K, note_col, columns)
        if r is None:
            return None
        opts = r[0]
    bad = [raws[i] for i, o in enumerate(opts) if not o]
    keep = [i for i in range(len(raws)) if opts[i]]
    raws = [raws[i] for i in keep]
    opts = [opts[i] for i in keep]
    certain = [len(o) == 1 for o in opts]
    prof = _profiles([o[0] for o in opts], K, certain)
    choice = [min(o, key=lambda x: _prior(x, prof)) for o in opts]
    prof = _profiles(choice, K, [True] * len(raws))
    idents = _find_identities([c.values for c in choice], K, columns)
    pct_cols = _percent_columns(choice, K)

    edges = _column_edges(opts, K)
    prior = {id(o): _prior(o, prof) + _misaligned(o, edges) for os_ in opts for o in os_}

    facts = _RowFacts(raws)
    cache: dict = {}

    def total(ch):
        vals = [c.values for c in ch]
        checks = _all_checks(raws, vals, K, columns, idents, pct_cols, facts, [id(c) for c in ch], cache)
        return sum(prior[id(c)] for c in ch) - _check_score(checks)

    ambiguous = [i for i, o in enumerate(opts) if len(o) > 1]
    # a last column that some plausible reading of nearly every row sums to
    if not any(k == "rowsum" for k, *_ in idents) and K >= 3:
        sup = tried = 0
        for o in opts:
            floor = min(prior[id(x)] for x in o)
            res = [_rowsum_holds(x.values, K - 1) for x in o if prior[id(x)] <= floor + 2.5]
            res = [g for g in res if g is not None]
            if res:
                tried += 1
                sup += any(res)
        if tried >= 4 and sup >= 0.85 * tried:
            idents = idents + [("rowsum", K - 1, 0, K - 1)]
    idents = idents + _named_diffs(opts, prior, K, columns, idents)
    best = total(choice)
    for _round in range(4):
        improved = False
        for i in ambiguous:
            ranked = sorted(opts[i], key=lambda x: prior[id(x)])[:24]
            floor = prior[id(ranked[0])]
            for cand in ranked:
                if prior[id(cand)] > floor + 5.0:
                    break  # no set of checks can pay for a reading this unlikely
                if cand is choice[i]:
                    continue
                old = choice[i]
                choice[i] = cand
                sc = total(choice)
                if sc < best - 1e-9:
                    best, improved = sc, True
                else:
                    choice[i] = old
        if not improved:
            # identities seen in the improved readings may unlock more rows
            again = _find_identities([c.values for c in choice], K, columns)
            if not set(again) <= set(idents):
                idents = sorted(set(idents) | set(again))
                best = total(choice)
                continue
            # a total that two misread rows keep from adding up: change them together
            now = _all_checks(raws, [c.values for c in choice], K, columns, idents, pct_cols)
            failing = [ch.rows[-1] for ch in now if ch.kind == "sum" and not ch.ok]
            if not failing:
                break
            best, improved = pair_moves(choice, opts, prior, ambiguous, failing, total, best)
            if not improved:
                break
    vals = [c.values for c in choice]
    final = _find_identities(vals, K, columns)
    pct_cols = _percent_columns(choice, K)
    checks = _all_checks(raws, vals, K, columns, final if final else idents, pct_cols=pct_cols)
    objective = sum(prior[id(c)] for c in choice) - _check_score(checks) + 6.0 * len(bad)
    return _Solution(raws, opts, choice, checks, ambiguous, bad, prof, objective, prior,
                     final if final else idents, pct_cols)


def _label_dashes(sol: _Solution, K: int, columns: list[str], doc: str) -> list[str]:
    """A dash between the label and the first number: minus sign or end of the label?

    "50 år – 7,5 6,9" is the age group "50 år –" with 7,5, not −7,5. The dash is
    taken into the label when that makes the checks better, or when the checks do
    not care and every other value in the column is non-negative (rates, shares,
    indicators). When the checks prefer the minus sign it stays; when nothing
    decides, the minus sign stays and a warning says so. Updates `sol` in place.
    """
    out = []
    raws, choice = sol.raws, sol.choice
    for i, (raw, opt) in enumerate(zip(raws, choice)):
        a = raw.atoms
        if not raw.label or len(a) < 2 or a[0].kind != "dash" or a[1].kind != "num" or a[1].signed:
            continue
        c = next((k for k, t in enumerate(opt.cells) if t), None)
        if c is None or opt.values[c] is None or opt.values[c] >= 0 \
                or not opt.cells[c].startswith(a[0].text + " "):
            continue  # the dash was read as an empty cell, or not at all
        vals = [o.values for o in choice]
        flipped = list(opt.values)
        flipped[c] = -opt.values[c]
        alt_vals = vals[:i] + [flipped] + vals[i + 1:]
        alt_checks = _all_checks(raws, alt_vals, K, columns, sol.idents, sol.pct_cols)
        s_sign, s_alt = _check_score(sol.checks), _check_score(alt_checks)
        others = [v[c] for k, v in enumerate(vals) if k != i and v[c] is not None]
        own = [v for k, v in enumerate(opt.values) if k != c and v is not None]
        nonneg = len(others) >= 2 and all(v >= 0 for v in others + own)
        if s_alt > s_sign + 1e-9 or (abs(s_alt - s_sign) <= 1e-9 and nonneg):
            cells = list(opt.cells)
            cells[c] = cells[c][len(a[0].text):].strip()
            choice[i] = _Option(flipped, cells, opt.penalty, opt.note, opt.desc)
            raw.label = f"{raw.label} {a[0].text}"
            sol.checks = alt_checks
        elif s_alt >= s_sign - 1e-9:
            out.append(f"{doc}:{raw.lines[-1].no}: row '{raw.label}': '{opt.cells[c]}' read as a negative "
                       f"number; the dash may end the label ('{raw.label} {a[0].text}')")
    return out
