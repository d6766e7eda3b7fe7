"""The no-good-match evidence and its calibration: pure functions on inputs we wrote."""
import numpy as np
import pytest

from rapport.index.match import (CALIBRATION_FILE, FEATURES, Calibration, MatchEvidence, agreement,
                                 background_sample, dense_gap, lexical_coverage, load_calibration)


def _unit(v):
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_match_dense_gap_is_best_minus_the_mean_to_the_background():
    rng = np.random.default_rng(1)
    vectors = np.stack([_unit(x) for x in rng.normal(size=(500, 8))])
    bg = background_sample(vectors, n=100)
    assert bg.shape == (100, 8) and np.array_equal(bg, background_sample(vectors, n=100))  # fixed sample
    q = vectors[0]
    gap = dense_gap(1.0, q, bg)
    assert np.isclose(gap, 1.0 - float(np.mean(bg @ q)), atol=1e-6)
    assert dense_gap(None, q, bg) is None and dense_gap(0.9, q, None) is None
    assert background_sample(None) is None and background_sample(np.zeros((0, 8))) is None


def test_match_agreement_counts_shared_top_ids():
    a, b, c = np.arange(10), np.arange(5, 15), np.arange(100, 110)
    assert agreement(a, b) == 0.5 and agreement(a, c) == 0.0 and agreement(a, b, c) == 0.5
    assert agreement(a, a[::-1]) == 1.0
    assert agreement(None, b) is None and agreement(a) is None
    assert agreement(np.zeros(0, np.int64), b) == 0.0  # BM25 found nothing


def test_match_lexical_coverage_weighs_unknown_terms_by_idf():
    df = {"sjuk": 50, "frånvaro": 5, "och": 900}
    assert lexical_coverage([], df, 1000) == 0.0
    assert lexical_coverage(["qwxzy"], df, 1000) == 0.0
    assert lexical_coverage(["sjuk", "frånvaro", "sjuk"], df, 1000) == 1.0
    mixed = lexical_coverage(["och", "qwxzy"], df, 1000)  # an unknown word costs more than a common one earns
    assert 0 < mixed < 0.2


def test_match_calibration_probability_and_round_trip(tmp_path):
    cal = Calibration(weights=(2.0, 1.0, 1.0, 2.0), bias=0.0, mean=(0.06, 0.4, 0.2, 0.5),
                      scale=(0.02, 0.2, 0.2, 0.3))
    good = cal.probability(MatchEvidence(0.10, 0.8, 0.6, 1.0))
    bad = cal.probability(MatchEvidence(0.03, 0.1, 0.0, 0.0))
    assert good > 0.99 and bad < 0.01
    assert cal.probability(MatchEvidence(0.10, None, 0.6, 1.0)) is None
    assert cal.probability(MatchEvidence(float("nan"), 0.8, 0.6, 1.0)) is None
    path = tmp_path / "cal.json"
    path.write_text(cal.to_json(note="test"), encoding="utf-8")
    assert load_calibration(path) == cal
    path.write_text('{"features": ["other"], "weights": [1], "bias": 0, "mean": [0], "scale": [1]}', encoding="utf-8")
    assert load_calibration(path) is None  # fitted on other features: not used


def test_match_stored_calibration_is_readable():
    if not CALIBRATION_FILE.exists():
        pytest.skip("no calibration fitted yet (bench/calibrate_match.py --write)")
    cal = load_calibration()
    assert cal is not None and len(cal.weights) == len(FEATURES) and 0 < cal.threshold < 1
