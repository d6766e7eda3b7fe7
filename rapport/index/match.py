"""How well did anything match? A calibrated probability behind every result set's no-good-match flag.

Rank fusion always returns k passages, so nonsense ("qwxzy", emoji, a question
about football) gets ten hits scored like real ones. e5 gives even a lone "." a
cosine of 0.95 to some passage, so the raw best cosine says little; four pieces of
evidence that the retrievers compute anyway tell them apart:

- `dense_gap`: the best cosine (context view) minus the query's mean cosine to a
  fixed random sample of 2,000 indexed passages: how much closer the best passage
  is than an arbitrary one. Nonsense is about as close to everything;
- `view_agreement`: the share of the top 10 that the two dense views (passage with
  and without its section path) have in common. For a real question both find the
  same places; for nonsense each view's top 10 is an accident of its own. With the
  context view derived from the text view (index/views.py, the default) the two
  share most of their signal and agree for nonsense too (0.57 vs 0.27 embedded), so
  the calibration fitted on derived views gives it almost no weight (0.05);
- `lexical_agreement`: the share of BM25's top 10 that a dense view also has in
  its top 10 (0 when BM25 finds nothing);
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

FEATURES = ("dense_gap", "view_agreement", "lexical_agreement", "lexical_coverage")
BACKGROUND = 2000  # passages sampled once per index for the query's mean cosine
TOP = 10  # how deep the agreement between lists is measured
CALIBRATION_FILE = Path(__file__).with_name("match_calibration.json")


@dataclass(frozen=True, slots=True)
class MatchEvidence:
    """What the retrievers saw for one query; None where a retriever did not run."""

    dense_gap: float | None = None
    view_agreement: float | None = None
    lexical_agreement: float | None = None
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


def load_calibration(path: str | Path | None = None) -> Calibration | None:
    """The stored calibration (read once per process), or that of `path`; None when there is none
    or it was fitted on other features (then no flag is set)."""
    return _read_calibration(str(CALIBRATION_FILE)) if path is None else _read_calibration.__wrapped__(str(path))


@lru_cache(maxsize=1)
def _read_calibration(path: str) -> Calibration | None:
    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if d.get("features") != list(FEATURES):
        return None
    return Calibration(tuple(d["weights"]), float(d["bias"]), tuple(d["mean"]), tuple(d["scale"]),
                       float(d.get("threshold", 0.5)), d.get("fingerprint"))


def background_sample(vectors: np.ndarray | None, n: int = BACKGROUND, seed: int = 0) -> np.ndarray | None:
    """A fixed random sample of an index's passage vectors (None when the store exposes none)."""
    if vectors is None or len(vectors) == 0:
        return None
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(vectors), size=min(n, len(vectors)), replace=False)
    return np.ascontiguousarray(vectors[np.sort(rows)], dtype=np.float32)


def dense_gap(best: float | None, query_vector: np.ndarray, background: np.ndarray | None) -> float | None:
    """Best cosine minus the query's mean cosine to the background sample."""
    if best is None or background is None:
        return None
    return float(best - float(np.mean(background @ query_vector)))


def agreement(a: np.ndarray | None, *others: np.ndarray, top: int = TOP) -> float | None:
    """Share of the top `top` of ranking `a` found in the top `top` of any of `others` (None if absent)."""
    if a is None or not others:
        return None
    theirs = set().union(*(set(o[:top].tolist()) for o in others))
    return len(set(a[:top].tolist()) & theirs) / top


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
