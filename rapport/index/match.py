"""How well did anything match? A calibrated probability behind every result set's no-good-match flag.

Rank fusion always returns k passages, so nonsense ("qwxzy", emoji, a question
about football) gets ten hits scored like real ones. Three pieces of evidence
tell them apart, all read off what the retrievers computed anyway:

- `dense_top`: the best e5 cosine of the query to a passage (any view). e5
  crowds every score into 0.7-0.95, so on its own it separates little;
- `dense_margin`: that best cosine minus the mean of the top 100, i.e. how far
  the best passage stands out of the crowd. A query about nothing in the
  reports is about as close to all of them;
- `lexical_coverage`: the IDF-weighted share of the query's index terms that
  occur in the index at all (0 for random letters, 1 when every word is known).

A logistic regression over these maps them to P(good match). It is fitted by
bench/calibrate_match.py on our tuning queries (bench/tuning_queries.jsonl,
the positives) against nonsense queries written for it (random letters, emoji,
punctuation, unrelated-topic Swedish and English), and stored with the model
fingerprint it was fitted for in match_calibration.json next to this file.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

FEATURES = ("dense_top", "dense_margin", "lexical_coverage")
CALIBRATION_FILE = Path(__file__).with_name("match_calibration.json")


@dataclass(frozen=True, slots=True)
class MatchEvidence:
    """What the retrievers saw for one query; None where a retriever did not run."""

    dense_top: float | None = None
    dense_margin: float | None = None
    lexical_coverage: float | None = None

    def as_dict(self) -> dict:
        return {f: (None if getattr(self, f) is None else round(float(getattr(self, f)), 6)) for f in FEATURES}


@dataclass(frozen=True, slots=True)
class Calibration:
    """Logistic regression P(good) = σ(bias + Σ w·(x - mean)/scale) over FEATURES."""

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float = 0.5
    fingerprint: str | None = None  # the embedder the cosines came from

    def probability(self, ev: MatchEvidence) -> float | None:
        x = [getattr(ev, f) for f in FEATURES]
        if any(v is None or not math.isfinite(v) for v in x):
            return None
        z = self.bias + sum(w * (v - m) / s for w, v, m, s in zip(self.weights, x, self.mean, self.scale))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_json(self, **info) -> str:
        body = {"features": list(FEATURES), "weights": list(self.weights), "bias": self.bias,
                "mean": list(self.mean), "scale": list(self.scale), "threshold": self.threshold,
                "fingerprint": self.fingerprint} | info
        return json.dumps(body, ensure_ascii=False, indent=1) + "\n"


@lru_cache(maxsize=4)
def load_calibration(path: str | Path = CALIBRATION_FILE) -> Calibration | None:
    """The stored calibration, or None when there is none (then no flag is set)."""
    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if d.get("features") != list(FEATURES):
        return None
    return Calibration(tuple(d["weights"]), float(d["bias"]), tuple(d["mean"]), tuple(d["scale"]),
                       float(d.get("threshold", 0.5)), d.get("fingerprint"))


def dense_evidence(score_lists: list[np.ndarray]) -> tuple[float | None, float | None]:
    """(best cosine over the views, mean over views of best minus the view's top-n mean)."""
    lists = [np.asarray(s, dtype=np.float64) for s in score_lists if len(s)]
    if not lists:
        return None, None
    top = max(float(s[0]) for s in lists)
    margin = float(np.mean([s[0] - s.mean() for s in lists]))
    return top, margin


def lexical_coverage(terms: list[str], doc_freq: dict[str, int], n_passages: int) -> float:
    """IDF-weighted share of the query's distinct terms that occur in the index (0 without terms).

    A term the index lacks weighs what a term in no passage would (the highest IDF),
    so one unknown word among known ones lowers the share a lot, a common word little.
    """
    distinct = list(dict.fromkeys(terms))
    if not distinct or n_passages <= 0:
        return 0.0

    def idf(df: int) -> float:
        return math.log(1.0 + (n_passages - df + 0.5) / (df + 0.5))

    weights = [(idf(doc_freq.get(t, 0)), t in doc_freq) for t in distinct]
    total = sum(w for w, _ in weights)
    return sum(w for w, known in weights if known) / total if total > 0 else 0.0
