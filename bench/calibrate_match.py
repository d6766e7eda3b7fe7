"""Fit the no-good-match calibration (rapport/index/match_calibration.json) and measure it.

    python bench/calibrate_match.py [--corpus ../shared/corpus] [--distractors 5000 --chars 1000] [--write] [--json]

Positives: our tuning queries (bench/tuning_queries.jsonl). Negatives: random
letter strings, emoji, punctuation (generated here, seeded) and the unrelated
questions of bench/match_negatives.txt. Every second negative of each sort is
held out, and so are the dev queries (../shared/eval/dev/queries.jsonl, which
must all count as good matches: measured, never fitted on). Prints fitting
accuracy (5-fold cross-validated), then the held-out flag rates.

With --distractors N (and --chars C) the same queries also run on the corpus plus N g0vse
documents (bench/bench_distractors.py's sample and index) and one calibration is fitted on
both: more passages move every feature (nonsense finds a closer best passage among 18,000
than among 2,400), and a flag fitted on the reports alone missed a third of the nonsense there.
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


def _flags(cal, xs: np.ndarray) -> list[bool]:
    from rapport.index.match import MatchEvidence

    probs = [cal.probability(MatchEvidence(*row)) for row in xs.tolist()]
    return [p is not None and p < cal.threshold for p in probs]  # no probability: no flag, as Searcher._judge


def _rate(flags: list[bool]) -> str:
    return f"{sum(flags)}/{len(flags)}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    ap.add_argument("--index-dir", type=Path, default=None)
    ap.add_argument("--distractors", type=int, default=0,
                    help="also fit and measure on the corpus plus N g0vse documents (bench/bench_distractors.py)")
    ap.add_argument("--chars", type=int, default=1000, help="with --distractors: each cut to C characters")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threshold", type=float, default=0.5,
                    help="flag below this P(good match); 0.35 keeps pooled tuning queries unflagged more often")
    ap.add_argument("--write", action="store_true", help="store the fitted calibration in rapport/index/")
    ap.add_argument("--out", type=Path, default=None, help="with --write: this file instead")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)

    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    import rapport.index.search as search_mod
    from rapport.corpus.load import load_corpus
    from rapport.index.match import CALIBRATION_FILE, FEATURES, Calibration, _read_calibration
    from rapport.models.build_embedder import cache_root

    docs, _ = load_corpus([a.corpus])
    index_dir = a.index_dir or cache_root() / "bench-index" / "w3s1-path"
    searchers = {"reports": search_mod.build_or_load_index(docs, index_dir, log=lambda m: print(m, file=sys.stderr))}
    if a.distractors:
        from bench_distractors import distractor_docs, distractor_index

        extra, _ = distractor_docs(a.distractors, a.chars, a.seed)
        searchers[f"reports+{len(extra)}"] = distractor_index(docs, extra, index_dir, a.distractors, a.chars, a.seed)
    for s in searchers.values():
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
    feats = {name: {"tuning": features(s, tuning), "fit_neg": features(s, fit_neg),
                    "held": features(s, [q for _, q in held_neg]),
                    "dev": features(s, dev) if dev else np.zeros((0, len(FEATURES)))}
             for name, s in searchers.items()}
    # one calibration for every corpus: the positives and fitted negatives of each, pooled
    x_pos = np.vstack([f["tuning"] for f in feats.values()])
    x_neg = np.vstack([f["fit_neg"] for f in feats.values()])
    x = np.vstack([x_pos, x_neg])
    y = np.r_[np.ones(len(x_pos)), np.zeros(len(x_neg))]
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    model = LogisticRegression(C=1.0, class_weight="balanced")
    cv = cross_val_score(model, (x - mean) / scale, y, cv=5, scoring="balanced_accuracy")
    model.fit((x - mean) / scale, y)
    first = next(iter(searchers.values()))
    cal = Calibration(tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]),
                      tuple(float(m) for m in mean), tuple(float(v) for v in scale), a.threshold,
                      first.query_encoder)

    per_corpus = {}
    for name, f in feats.items():
        by_sort: dict[str, list[bool]] = {}
        for (sort, _), flag in zip(held_neg, _flags(cal, f["held"])):
            by_sort.setdefault(sort, []).append(flag)
        per_corpus[name] = {
            "passages": len(searchers[name]),
            "tuning_flagged (in-sample, should be 0)": _rate(_flags(cal, f["tuning"])),
            "fit_negatives_flagged": _rate(_flags(cal, f["fit_neg"])),
            "held_out_nonsense_flagged": _rate(_flags(cal, f["held"])),
            "held_out_by_sort": {k: _rate(v) for k, v in by_sort.items()},
            "dev_flagged (held out, should be 0)": _rate(_flags(cal, f["dev"])),
        }
        if not a.json:
            for part, xs in f.items():
                print(f"{name:16s} {part:8s} mean features {np.round(np.nanmean(xs, axis=0), 4).tolist()}",
                      file=sys.stderr)
    res = {
        "fit": {"corpora": list(searchers), "positives": len(x_pos), "negatives": len(x_neg),
                "cv5_balanced_accuracy": round(float(cv.mean()), 3),
                "tuning_flagged": _rate(_flags(cal, x_pos)), "negatives_flagged": _rate(_flags(cal, x_neg))},
        "per_corpus": per_corpus,
        "weights": {f: round(w, 3) for f, w in zip(FEATURES, cal.weights)},
        "seconds": round(time.perf_counter() - t, 1), "loadavg": open("/proc/loadavg").read().split()[:3],
    }
    print(json.dumps(res, ensure_ascii=False, indent=None if a.json else 1))
    if a.write:
        target = a.out or CALIBRATION_FILE
        target.write_text(cal.to_json(fitted_on=res["fit"], held_out=per_corpus), encoding="utf-8")
        _read_calibration.cache_clear()
        print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
