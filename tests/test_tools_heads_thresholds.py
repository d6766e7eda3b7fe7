"""tools/heads_thresholds: the stated policy that sets the risk head's operating points from
out-of-fold rows (the largest margin to both of the issue's bars, report rows weighted to a real
report's share of risks)."""
from __future__ import annotations

import numpy as np

from tools.heads_thresholds import (GRID, MIN_KEPT, best_f1_threshold, curve, curve_lines,
                                    margin_threshold, policy_thresholds)


def _ranked(n_pos, n_neg, lo, hi, rng):
    """Positives scored uniformly in [lo, 1), negatives in [0, hi): the overlap is [lo, hi)."""
    p = np.r_[rng.uniform(lo, 1.0, n_pos), rng.uniform(0.0, hi, n_neg)]
    return p, np.r_[np.ones(n_pos, int), np.zeros(n_neg, int)]


def test_heads_thresholds_curve_counts_precision_recall_and_weights():
    p = np.array([0.9, 0.8, 0.5, 0.3])
    y = np.array([1, 0, 1, 0])
    at = {t: (prec, rec, kept) for t, prec, rec, kept in curve(p, y, grid=(0.25, 0.75))}
    assert at[0.75] == (0.5, 0.5, 2) and at[0.25] == (0.5, 1.0, 4)
    light = {t: prec for t, prec, _, _ in curve(p, y, np.array([1, 0.25, 1, 1]), grid=(0.75,))}
    assert light[0.75] == 0.8  # the false positive weighs a quarter


def test_heads_thresholds_margin_balances_the_two_bars():
    # 100 positives spread over [0.3, 1), 100 negatives over [0, 0.7): raising t trades recall for precision
    p = np.r_[np.linspace(0.3, 0.999, 100), np.linspace(0.0, 0.699, 100)]
    y = np.r_[np.ones(100), np.zeros(100)].astype(int)
    t, m = margin_threshold(p, y, (0.7, 0.7))
    at = {g: (prec, rec) for g, prec, rec, _ in curve(p, y)}
    assert m == min(at[t][1] - 0.7, at[t][0] - 0.7) and m > 0
    for g, (prec, rec) in at.items():  # no other grid point has a larger smaller margin
        assert min(rec - 0.7, prec - 0.7) <= m + 1e-12
    t_strict, _ = margin_threshold(p, y, (0.7, 0.9))
    assert t_strict > t  # a higher precision bar moves the point up the curve


def test_heads_thresholds_margin_ignores_thresholds_that_keep_too_few_rows():
    p = np.r_[np.full(MIN_KEPT - 1, 0.95), np.full(40, 0.5)]
    y = np.r_[np.ones(MIN_KEPT - 1), np.zeros(40)].astype(int)  # the few top rows hold every positive
    t, m = margin_threshold(p, y, (0.7, 0.7))
    assert t <= 0.5 and m < 0  # counted, they would clear both bars; they keep too few rows to count


def test_heads_thresholds_policy_raises_the_report_threshold_for_a_sparse_report():
    """A report holds few risks among many neutral sentences: at the government threshold its precision
    would be poor, so the report threshold sits higher; a dense written report alone would not show it."""
    rng = np.random.default_rng(1)
    gp, gy = _ranked(200, 400, 0.5, 0.7, rng)
    dp, dy = _ranked(20, 600, 0.5, 0.85, rng)  # dev000-like: 3 % risks, negatives reach 0.85
    wp, wy = _ranked(60, 60, 0.5, 0.85, rng)  # written: half risks, the same overlap
    p, y = np.r_[gp, dp, wp], np.r_[gy, dy, wy]
    report = np.r_[np.zeros(600, bool), np.ones(740, bool)]
    sources = np.array(["g0vse"] * 600 + ["dev000"] * 620 + ["written"] * 120)
    pol = policy_thresholds(p, y, report, sources)
    assert pol["threshold"] < pol["report_threshold"]
    every_row, _ = margin_threshold(p[report], y[report], (0.7, 0.65))
    assert every_row < pol["report_threshold"]  # the dense written rows would have set it lower


def test_heads_thresholds_policy_without_report_rows_sets_only_the_government_threshold():
    rng = np.random.default_rng(2)
    p, y = _ranked(100, 300, 0.4, 0.6, rng)
    pol = policy_thresholds(p, y, np.zeros(400, bool), np.array(["g0vse"] * 400))
    assert pol["report_threshold"] is None and pol["margin"] > 0
    assert 0.4 <= pol["threshold"] <= 0.625


def test_heads_thresholds_best_f1_prefers_the_point_that_takes_in_the_positives():
    p = np.array([0.9, 0.8, 0.7, 0.1])
    y = np.array([1, 1, 1, 0])
    assert best_f1_threshold(p, y, grid=(0.5, 0.85)) == (0.5, 1.0)


def test_heads_thresholds_curve_lines_name_the_rows_and_every_printed_threshold():
    lines = curve_lines("gov", np.array([0.9, 0.1]), np.array([1, 0]), every=4)
    assert lines[0] == "gov (1 positives of 2 rows)"
    assert len(lines) == 1 + len(GRID[::4]) and lines[1].strip().startswith("t=0.200")


def test_heads_thresholds_report_threshold_is_read_off_gold_like_reports_when_there_are_any():
    """Written reports (every risk labelled) and a gold-like report (the clear cases only) disagree on
    where precision holds; the report threshold follows the gold-like rows, and the written ones
    only when no gold-like row is there."""
    rng = np.random.default_rng(3)
    gp, gy = _ranked(200, 400, 0.5, 0.7, rng)
    dp, dy = _ranked(20, 600, 0.5, 0.85, rng)  # gold-like: few risks, negatives reach 0.85
    wp, wy = _ranked(60, 60, 0.5, 0.85, rng)
    p, y = np.r_[gp, dp, wp], np.r_[gy, dy, wy]
    report = np.r_[np.zeros(600, bool), np.ones(740, bool)]
    with_gold = np.array(["g0vse"] * 600 + ["sample"] * 620 + ["written"] * 120)
    without = np.array(["g0vse"] * 600 + ["written"] * 740)
    pol = policy_thresholds(p, y, report, with_gold)
    assert pol["report_rows"].sum() == 620
    assert pol["report_threshold"] == margin_threshold(dp, dy, (0.7, 0.65))[0]
    assert policy_thresholds(p, y, report, without)["report_rows"].sum() == 740
