"""Two rows changed at once: the move coordinate descent cannot make.

A total that fails because two of the rows above it were misread ("1 268" read as note 1 and
268, "2 351" as note 2 and 351) gains nothing when either row alone is read right, so a
search that changes one row at a time stops there. For each total whose sum fails, the
ambiguous rows within its reach are tried in pairs of their likelier readings, at most
`PAIR_CAP` scorings per total: bounded work, and only where arithmetic can pay for it.
"""
from __future__ import annotations

from itertools import combinations

PAIR_CAP = 600
_PER_ROW = 4  # readings tried per row: the likeliest ones within reach of the best
_REACH = 31   # rows above a total that its sum may cover (checks.py)


def pair_moves(choice: list, opts: list, prior: dict, ambiguous: list[int], failing: list[int],
               total, best: float) -> tuple[float, bool]:
    """Try pairs of readings for the rows above each failing total; keep any that lowers
    `total(choice)`. Updates `choice` in place; returns (best score, whether it improved)."""
    amb = set(ambiguous)
    improved = False
    for t in failing:
        rows = [i for i in range(max(0, t - _REACH), t + 1) if i in amb]
        alts = {}
        for i in rows:
            ranked = sorted(opts[i], key=lambda x: prior[id(x)])
            floor = prior[id(ranked[0])]
            alts[i] = [o for o in ranked[:_PER_ROW + 1] if o is not choice[i] and prior[id(o)] <= floor + 5.0]
        tried = 0
        for i, j in combinations(rows, 2):
            if tried >= PAIR_CAP:
                break
            for a, b in ((a, b) for a in alts[i] for b in alts[j]):
                tried += 1
                old = choice[i], choice[j]
                choice[i], choice[j] = a, b
                sc = total(choice)
                if sc < best - 1e-9:
                    best, improved = sc, True
                    break  # (the other readings of this pair were ranked against the old ones)
                choice[i], choice[j] = old
                if tried >= PAIR_CAP:
                    break
    return best, improved
