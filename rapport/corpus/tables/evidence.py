"""Evidence for the split search beyond column magnitudes: where a padded layout puts each
column's cell edges (a short row's cells take the columns they stand under), and difference
identities of named columns that hold under some plausible reading of nearly every row."""
from __future__ import annotations

from .identities import _WINDOW, _identity_holds
from .lexicon import _DIFF_HEAD


def _column_edges(opts: list, K: int) -> list[int] | None:
    """Where each column's cells end on their lines, when the layout shows it: the rows read
    in one way with every cell filled end their cells at the same character column (±1) in
    every column (a padded, right-aligned dump). None when there are fewer than two such rows
    or their edges disagree (single-space dumps): then positions say nothing."""
    full = [o[0].ends for o in opts if len(o) == 1 and o[0].ends and None not in o[0].ends]
    if len(full) < 2:
        return None
    edges = []
    for c in range(K):
        col = sorted(e[c] for e in full)
        if col[-1] - col[0] > 2:
            return None
        edges.append(col[len(col) // 2])
    return edges


def _misaligned(o, edges: list[int] | None) -> float:
    """A reading of a short row whose cells do not end where their columns end costs more
    (a lone right-aligned value sits under the last column, not the first)."""
    if edges is None or None not in o.ends:
        return 0.0
    return sum(3.0 for c, e in enumerate(o.ends) if e is not None and abs(e - edges[c]) > 2)


def _named_diffs(opts, prior, K, columns, idents) -> list[tuple[str, int, int, int]]:
    """Difference identities of columns named so (Avvikelse, Diff) that some plausible reading
    of nearly every row satisfies — found before any reading is chosen, so that rows first
    misread (a thousands group taken for a column) do not hide the identity that fixes them.
    Operands are sought within `_WINDOW` columns, as in `identities`."""
    have = {c for _k, c, *_ in idents}
    out = []
    for c in range(min(K, len(columns))):
        if c in have or not _DIFF_HEAD.search(columns[c]):
            continue
        best = None
        for i in range(max(0, c - _WINDOW), min(K, c + _WINDOW + 1)):
            for j in range(max(0, c - _WINDOW), min(K, c + _WINDOW + 1)):
                if len({i, j, c}) < 3:
                    continue
                sup = tried = 0
                for o in opts:
                    floor = min(prior[id(x)] for x in o)
                    res = [_identity_holds("diff", x.values[i], x.values[j], x.values[c])
                           for x in o if prior[id(x)] <= floor + 2.5 and None not in (
                               x.values[i], x.values[j], x.values[c])]
                    if res:
                        tried += 1
                        sup += any(res)
                if tried >= 3 and sup >= 0.85 * tried and (best is None or sup > best[0]):
                    best = (sup, i, j)
        if best:
            out.append(("diff", c, best[1], best[2]))
    return out
