"""Operating points of a yes/no head, chosen from out-of-fold rows by a policy fixed in advance.

Why a policy and not "whatever scored best": the risk head's thresholds decide the figures the
issue is judged by (government text: recall >= .70 at precision >= .70; reports: recall >= .70 at
precision >= .65), and a threshold tuned until a test figure looks good says nothing about text we
do not have. So each threshold is the answer to one question asked of the out-of-fold (grouped by
document) probabilities of the training rows, the rows split as extraction splits documents:

- government text (no report kind inferred): the lowest threshold whose precision is at least
  GOV_PRECISION there and at every higher threshold ("highest recall whose precision holds");
- region reports: the same with REPORT_PRECISION, on the report-style rows (written reports, the
  sample corpus, dev 000 when it is in training), each source's risks weighted down to the share of
  risks in the whole-report gold, so that our dense written reports do not make precision look
  higher than it is in a real report, where risks are a few in a hundred sentences.

"Holds from there up" rather than "reaches it somewhere" keeps a lucky dip of the curve from setting
the threshold; a threshold that keeps fewer than MIN_KEPT rows does not count either way. When no
threshold holds, the best F1 on the same rows is the fallback. `curve_lines` prints the curves so the
choice can be checked by eye in the training log.
"""
from __future__ import annotations

import numpy as np

GRID = tuple(round(float(t), 3) for t in np.arange(0.2, 0.96, 0.025))
GOV_PRECISION = 0.72  # the bar on unseen government text is .70
REPORT_PRECISION = 0.70  # the bar on reports is .65; our report gold lists the clear risks only
MIN_KEPT = 10  # rows a threshold must keep for its precision to count


def curve(p, y, weight=None, grid=GRID) -> list[tuple[float, float, float, float]]:
    """(threshold, precision, recall, kept rows) at each grid threshold, weighted when `weight` is given."""
    p, y = np.asarray(p, dtype=float), np.asarray(y) == 1
    w = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=float)
    pos = float(w[y].sum())
    out = []
    for t in grid:
        kept = p >= t
        tp, n = float(w[kept & y].sum()), float(w[kept].sum())
        out.append((t, tp / n if n else 1.0, tp / pos if pos else 0.0, int(kept.sum())))
    return out


def held_precision_threshold(p, y, floor: float, weight=None, grid=GRID) -> float | None:
    """The lowest grid threshold from which (weighted) precision is >= `floor` at every higher threshold
    that keeps at least MIN_KEPT rows; None when the highest such threshold is already below it."""
    chosen = None
    for t, prec, _, kept in reversed(curve(p, y, weight, grid)):
        if kept < MIN_KEPT:
            continue
        if prec < floor:
            break
        chosen = t
    return chosen


def best_f1_threshold(p, y, weight=None, grid=GRID) -> tuple[float, float]:
    """The threshold of the best (weighted) F1 on the grid, and that F1."""
    best = (0.5, -1.0)
    for t, prec, rec, _ in curve(p, y, weight, grid):
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        if f1 > best[1] + 1e-12:
            best = (t, f1)
    return best


def density_weights(sources, y, gold_sources) -> tuple[np.ndarray, float | None]:
    """Row weights that bring every source's share of positives down to the whole-report gold's share
    (the `gold_sources` rows pooled), and that share; all ones and None when no gold row is there."""
    sources, y = np.asarray(sources), np.asarray(y)
    gold = np.isin(sources, list(gold_sources))
    w = np.ones(len(y))
    if not gold.any():
        return w, None
    share = float(y[gold].mean())
    for s in set(sources.tolist()):
        m = sources == s
        own = float(y[m].mean())
        if own > share > 0:
            w[m & (y == 1)] = share * (1 - own) / (own * (1 - share))
    return w, share


def policy_thresholds(p, y, report, sources, gold_sources, gov_floor=GOV_PRECISION,
                      report_floor=REPORT_PRECISION) -> dict:
    """The government-text and report thresholds by the policy above, with how each was reached."""
    p, y, report, sources = np.asarray(p), np.asarray(y), np.asarray(report, dtype=bool), np.asarray(sources)
    gov = ~report
    t_gov = held_precision_threshold(p[gov], y[gov], gov_floor) if gov.any() else None
    gov_rule = f"precision >= {gov_floor} holds" if t_gov is not None else "best F1 (no threshold holds)"
    if t_gov is None:
        t_gov = best_f1_threshold(p[gov] if gov.any() else p, y[gov] if gov.any() else y)[0]
    out = {"threshold": t_gov, "threshold_rule": gov_rule, "report_threshold": None}
    if report.any() and (y[report] == 1).any():
        w, share = density_weights(sources[report], y[report], gold_sources)
        t_rep = held_precision_threshold(p[report], y[report], report_floor, w)
        rule = f"weighted precision >= {report_floor} holds" if t_rep is not None else "best weighted F1"
        if t_rep is None:
            t_rep = best_f1_threshold(p[report], y[report], w)[0]
        out.update(report_threshold=max(t_gov, t_rep), report_rule=rule, report_density=share,
                   report_weights=w)
    return out


def curve_lines(label: str, p, y, weight=None, every: int = 2) -> list[str]:
    """A printable precision/recall curve (every `every`-th grid threshold)."""
    rows = curve(p, y, weight)[::every]
    head = f"{label} ({int(np.asarray(y).sum())} positives of {len(y)} rows)"
    return [head] + [f"    t={t:.3f}  P {prec:.3f}  R {rec:.3f}  kept {kept}" for t, prec, rec, kept in rows]
