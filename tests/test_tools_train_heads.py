"""tools/train_heads: the prior weights that keep risk-dense written reports from teaching that
report wording is a risk, the weighted threshold, and the learnt veto's threshold."""
from __future__ import annotations

import numpy as np

from tools.train_heads import VETO_KEEP, best_f1_threshold, prior_weights, train_veto


def test_train_heads_prior_weights_bring_a_dense_source_to_the_prior():
    sources = np.array(["written"] * 10 + ["g0vse"] * 10)
    y = np.array([1] * 5 + [0] * 5 + [1] + [0] * 9)  # written: 50 % positives, g0vse: 10 %
    w = prior_weights(sources, y, prior=0.1)
    written = sources == "written"
    share = (w[written] * y[written]).sum() / w[written].sum()
    assert abs(share - 0.1) < 1e-9
    assert np.all(w[~written] == 1.0) and np.all(w[written & (y == 0)] == 1.0)


def test_train_heads_weighted_f1_threshold_moves_with_the_weights():
    p = np.array([0.9, 0.8, 0.6, 0.6, 0.6, 0.3])
    y = np.array([1, 1, 1, 0, 0, 0])
    plain, _ = best_f1_threshold(p, y)  # two negatives are not worth the third positive
    # negatives at 0.6 that weigh little: taking them in with the third positive pays
    light, _ = best_f1_threshold(p, y, np.array([1, 1, 1, 0.1, 0.1, 1]))
    assert light <= 0.6 < plain <= 0.8


def test_train_heads_veto_keeps_the_kinds_positives():
    rng = np.random.default_rng(0)
    n = 300
    X = rng.normal(size=(n, 6)).astype(np.float32)
    v = (X[:, 0] > 1.0).astype(int)  # the "clinical" rows
    y = ((X[:, 1] > 0.5) & (v == 0)).astype(int)  # the kind's positives, never clinical
    groups = np.arange(n) % 30
    head = train_veto("risk_veto", X, v, y, groups, [f"f{i}" for i in range(6)], grid=(0.1, 1.0))
    refused = head.decide(X)
    assert refused[y == 1].mean() <= 1 - VETO_KEEP + 0.02
    assert refused[v == 1].mean() > 0.5


def test_train_heads_stops_with_one_line_when_a_source_folder_is_missing(tmp_path, monkeypatch, capsys):
    """Without the shared folder every g0vse row would drop one warning at a time and the heads
    would train on a fraction of the data; the tool names the folder and exits 2 instead."""
    from tools import train_heads
    from tools.annotate import paths

    monkeypatch.setattr(paths, "G0VSE", tmp_path / "extra" / "g0vse")
    monkeypatch.setattr(paths, "SHARED", tmp_path)
    assert paths.missing_roots() == [f"g0vse: {tmp_path / 'extra' / 'g0vse'}", f"dev000: {tmp_path / 'corpus'}"]
    assert paths.missing_roots({"g0vse", "dev000"}) == []
    assert train_heads.main(["--out", str(tmp_path / "heads")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "g0vse" in err[0] and "RAPPORT_SHARED" in err[0]
    assert not (tmp_path / "heads").exists()


def test_train_heads_operating_points_split_report_rows_from_government_text():
    from tools.train_heads import operating_points

    # government rows: clean above 0.7; report rows: two confident false positives up to 0.85
    gp = np.linspace(0.2, 0.95, 40)
    gy = (gp > 0.7).astype(int)
    rp = np.r_[np.linspace(0.3, 0.95, 30), [0.8, 0.85]]
    ry = np.r_[(np.linspace(0.3, 0.95, 30) > 0.6).astype(int), [0, 0]]
    p, y = np.r_[gp, rp], np.r_[gy, ry]
    report = np.r_[np.zeros(40, bool), np.ones(32, bool)]
    sources = np.array(["g0vse"] * 40 + ["sample"] * 32)
    from tools.heads_thresholds import REPORT_BARS, margin_threshold

    gov, rep = operating_points("risk", p, y, report, sources)
    assert gov == 0.7  # the government rows alone: clean from 0.7 up
    assert rep == margin_threshold(rp, ry, REPORT_BARS)[0]  # the (gold-like) report rows alone, at the report bars
    assert rep != margin_threshold(p, y, REPORT_BARS)[0]  # not what all rows together would give
    _, none = operating_points("risk", gp, gy, np.zeros(40, bool), sources[:40])
    assert none is None  # no report rows: no report threshold
