"""Fit the no-good-match calibration (rapport/index/match_calibration.json) and measure it.

    python bench/calibrate_match.py [--corpus ../shared/corpus] [--write] [--json]

Positives: our tuning queries (bench/tuning_queries.jsonl). Negatives: random
letter strings, emoji, punctuation (generated here, seeded) and the unrelated
questions of bench/match_negatives.txt. Every second negative of each sort is
held out, and so are the dev queries (../shared/eval/dev/queries.jsonl, which
must all count as good matches: measured, never fitted on). Prints fitting
accuracy (5-fold cross-validated), then the held-out flag rates.
"""
from __future__ import annotations

import argparse
import json
import random
import string
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from eval_search import SHARED  # noqa: E402

EMOJI = "😀😂🤔🙈🎉🔥💩👍🚀🌈🍕🐱🐶⚽🎸💡❤️🥳😴🤖"
PUNCT = "!?.,;:-–—()[]{}/\\*&%$#@^~\"'«»…"


def generated(seed: int) -> list[tuple[str, str]]:
    """(sort, query) nonsense: letters, letter 'words', emoji, punctuation, digits and symbols."""
    rng = random.Random(seed)
    letters = string.ascii_lowercase + "åäö"
    out = []
    for _ in range(16):
        out.append(("letters", "".join(rng.choice(letters) for _ in range(rng.randint(4, 24)))))
    for _ in range(12):
        out.append(("letter words", " ".join("".join(rng.choice(letters) for _ in range(rng.randint(3, 9)))
                                             for _ in range(rng.randint(2, 5)))))
    for _ in range(10):
        out.append(("emoji", "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 6)))))
    for _ in range(10):
        out.append(("punctuation", "".join(rng.choice(PUNCT) for _ in range(rng.randint(1, 12)))))
    for _ in range(6):
        out.append(("symbols", " ".join(rng.choice(["123", "#", "%%", "x9", "0000", "@@", "4711"])
                                        for _ in range(rng.randint(1, 4)))))
    return out


def written() -> list[tuple[str, str]]:
    lines = (ROOT / "bench" / "match_negatives.txt").read_text(encoding="utf-8").splitlines()
    return [("unrelated", ln.strip()) for ln in lines if ln.strip() and not ln.startswith("#")]


def features(searcher, queries: list[str]) -> np.ndarray:
    from rapport.index.match import FEATURES

    rows = []
    for q in queries:
        ev = searcher.search(q, 10).attrs["match_evidence"]
        rows.append([np.nan if ev[f] is None else ev[f] for f in FEATURES])
    return np.asarray(rows, dtype=np.float64)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    ap.add_argument("--index-dir", type=Path, default=None)
    ap.add_argument("--write", action="store_true", help="store the fitted calibration in rapport/index/")
    ap.add_argument("--out", type=Path, default=None, help="with --write: this file instead")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)

    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    import rapport.index.search as search_mod
    from rapport.corpus.load import load_corpus
    from rapport.index.match import CALIBRATION_FILE, FEATURES, Calibration, MatchEvidence, _read_calibration
    from rapport.models.build_embedder import cache_root

    docs, _ = load_corpus([a.corpus])
    index_dir = a.index_dir or cache_root() / "bench-index" / "w3s1-path"
    s = search_mod.build_or_load_index(docs, index_dir, log=lambda m: print(m, file=sys.stderr))
    s.calibration = None  # the evidence of the first group, whatever is stored

    tuning = [json.loads(x)["query"] for x in (ROOT / "bench" / "tuning_queries.jsonl").read_text(
        encoding="utf-8").splitlines() if x.strip()]
    dev_path = SHARED / "eval" / "dev" / "queries.jsonl"
    dev = [json.loads(x)["query"] for x in dev_path.read_text(encoding="utf-8").splitlines() if x.strip()] \
        if dev_path.exists() else []
    negs = generated(0) + written()
    fit_neg = [q for i, (_, q) in enumerate(negs) if i % 2 == 0]
    held_neg = [(sort, q) for i, (sort, q) in enumerate(negs) if i % 2 == 1] + generated(1)

    t = time.perf_counter()
    x_pos, x_neg = features(s, tuning), features(s, fit_neg)
    x = np.vstack([x_pos, x_neg])
    y = np.r_[np.ones(len(x_pos)), np.zeros(len(x_neg))]
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    model = LogisticRegression(C=1.0, class_weight="balanced")
    cv = cross_val_score(model, (x - mean) / scale, y, cv=5, scoring="balanced_accuracy")
    model.fit((x - mean) / scale, y)
    cal = Calibration(tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]),
                      tuple(float(m) for m in mean), tuple(float(v) for v in scale), 0.5,
                      s.query_encoder)

    def flagged(xs):
        return [cal.probability(MatchEvidence(*row)) < cal.threshold for row in xs.tolist()]

    x_held = features(s, [q for _, q in held_neg])
    x_dev = features(s, dev) if dev else np.zeros((0, len(FEATURES)))
    by_sort: dict[str, list[bool]] = {}
    for (sort, _), f in zip(held_neg, flagged(x_held)):
        by_sort.setdefault(sort, []).append(f)
    res = {
        "fit": {"positives": len(x_pos), "negatives": len(x_neg),
                "cv5_balanced_accuracy": round(float(cv.mean()), 3),
                "tuning_flagged": f"{sum(flagged(x_pos))}/{len(x_pos)}",
                "negatives_flagged": f"{sum(flagged(x_neg))}/{len(x_neg)}"},
        "held_out": {"nonsense_flagged": {k: f"{sum(v)}/{len(v)}" for k, v in by_sort.items()},
                     "nonsense_flagged_all": f"{sum(flagged(x_held))}/{len(x_held)}",
                     "dev_flagged (should be 0)": f"{sum(flagged(x_dev))}/{len(x_dev)}"},
        "weights": {f: round(w, 3) for f, w in zip(FEATURES, cal.weights)},
        "seconds": round(time.perf_counter() - t, 1), "passages": len(s), "loadavg": open("/proc/loadavg").read().split()[:3],
    }
    if not a.json:
        for name, xs in (("tuning", x_pos), ("fit negatives", x_neg), ("held-out negatives", x_held), ("dev", x_dev)):
            print(f"{name:20s} mean features {np.round(np.nanmean(xs, axis=0), 4).tolist()}", file=sys.stderr)
    print(json.dumps(res, ensure_ascii=False, indent=None if a.json else 1))
    if a.write:
        target = a.out or CALIBRATION_FILE
        target.write_text(cal.to_json(fitted_on=res["fit"], held_out=res["held_out"]), encoding="utf-8")
        _read_calibration.cache_clear()
        print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
