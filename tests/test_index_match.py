"""The no-good-match evidence and its calibration: pure functions on inputs we wrote."""
import math

import numpy as np
import pytest

from rapport.index.match import (CALIBRATION_FILE, FEATURES, Calibration, MatchEvidence, dense_evidence,
                                 lexical_coverage, load_calibration)


def test_match_dense_evidence_margin_is_how_far_the_best_stands_out():
    flat = np.full(100, 0.80, dtype=np.float32)
    peaked = np.r_[np.float32(0.90), np.full(99, 0.80, dtype=np.float32)]
    top_flat, margin_flat = dense_evidence([flat])
    top_peak, margin_peak = dense_evidence([peaked, flat])
    assert math.isclose(top_flat, 0.80, abs_tol=1e-6) and math.isclose(margin_flat, 0.0, abs_tol=1e-6)
    assert math.isclose(top_peak, 0.90, abs_tol=1e-6) and 0 < margin_peak < 0.1
    assert dense_evidence([]) == (None, None) and dense_evidence([np.zeros(0)]) == (None, None)


def test_match_lexical_coverage_weighs_unknown_terms_by_idf():
    df = {"sjuk": 50, "frånvaro": 5, "och": 900}
    assert lexical_coverage([], df, 1000) == 0.0
    assert lexical_coverage(["qwxzy"], df, 1000) == 0.0
    assert lexical_coverage(["sjuk", "frånvaro", "sjuk"], df, 1000) == 1.0
    # an unknown word costs more than a common known word earns
    mixed = lexical_coverage(["och", "qwxzy"], df, 1000)
    assert 0 < mixed < 0.2


def test_match_calibration_probability_and_round_trip(tmp_path):
    cal = Calibration(weights=(1.0, 2.0, 3.0), bias=0.0, mean=(0.8, 0.05, 0.5), scale=(0.05, 0.02, 0.3))
    good = cal.probability(MatchEvidence(0.9, 0.1, 1.0))
    bad = cal.probability(MatchEvidence(0.75, 0.0, 0.0))
    assert good > 0.99 and bad < 0.01
    assert cal.probability(MatchEvidence(0.9, None, 1.0)) is None
    assert cal.probability(MatchEvidence(float("nan"), 0.1, 1.0)) is None
    path = tmp_path / "cal.json"
    path.write_text(cal.to_json(note="test"), encoding="utf-8")
    assert load_calibration(path) == cal


def test_match_stored_calibration_is_readable():
    if not CALIBRATION_FILE.exists():
        pytest.skip("no calibration fitted yet (bench/calibrate_match.py --write)")
    cal = load_calibration()
    assert cal is not None and len(cal.weights) == len(FEATURES) and 0 < cal.threshold < 1
