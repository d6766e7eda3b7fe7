"""Combine ranked lists and filter passages.

Reciprocal rank fusion (Cormack et al. 2009): score(p) = Σ_r w_r / (k + rank_r(p)).
It needs no score calibration between BM25 (unbounded) and cosine (0.7–0.95
for e5, compressed), which is why it is the default. k and the weights were
tuned on our own queries (bench/tuning_queries.jsonl), never on the dev set.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd


def rrf(rankings: list[np.ndarray], weights: list[float] | None = None, k: float = 60.0) -> dict[int, float]:
    """Fused scores for every id that appears in any ranking (best first in each array)."""
    weights = weights or [1.0] * len(rankings)
    out: dict[int, float] = {}
    for ids, w in zip(rankings, weights):
        if w == 0:
            continue
        for r, i in enumerate(ids.tolist()):
            out[i] = out.get(i, 0.0) + w / (k + r + 1)
    return out


def top_ids(scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Indices of the k highest positive scores, best first (masked rows excluded)."""
    s = scores if mask is None else np.where(mask, scores, 0)
    cand = np.flatnonzero(s > 0)
    if cand.size > k:
        cand = cand[np.argpartition(-s[cand], k - 1)[:k]]
    return cand[np.argsort(-s[cand], kind="stable")]


def _period_key(p) -> str | None:
    """"2021-08" / "2023" / 2023 → comparable "YYYY-MM" ("2023" means the whole year: "2023-12")."""
    if p is None or (isinstance(p, float) and np.isnan(p)):
        return None
    m = re.match(r"(\d{4})(?:-(\d{1,2}))?", str(p))
    if not m:
        return None
    return f"{m.group(1)}-{int(m.group(2) or 12):02d}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Filters:
    """Restrictions on which passages may be returned; None means no restriction.

    region / doc / kind take one value or a list. period_from / period_to are
    inclusive ("2021", "2021-08"); section is a case-insensitive substring of the
    section path.
    """

    region: str | list[str] | None = None
    doc: str | list[str] | None = None
    kind: str | list[str] | None = None
    period_from: str | None = None
    period_to: str | None = None
    section: str | None = None

    def is_empty(self) -> bool:
        return all(v is None for v in (self.region, self.doc, self.kind, self.period_from, self.period_to, self.section))

    def mask(self, passages: pd.DataFrame) -> np.ndarray | None:
        """Boolean row mask over `passages`, or None when nothing is filtered."""
        if self.is_empty():
            return None
        m = np.ones(len(passages), dtype=bool)
        for col in ("region", "doc", "kind"):
            want = getattr(self, col)
            if want is None:
                continue
            values = {want.casefold()} if isinstance(want, str) else {w.casefold() for w in want}
            m &= passages[col].fillna("").str.casefold().isin(values).to_numpy()
        if self.period_from or self.period_to:
            keys = passages["period"].map(_period_key)
            lo = _period_key(self.period_from) if self.period_from else None
            hi = _period_key(self.period_to) if self.period_to else None
            if lo and len(str(self.period_from)) == 4:
                lo = f"{str(self.period_from)}-01"
            ok = keys.notna()
            if lo:
                ok &= keys.fillna("") >= lo
            if hi:
                ok &= keys.fillna("9999") <= hi
            m &= ok.to_numpy()
        if self.section:
            m &= passages["section"].fillna("").str.casefold().str.contains(self.section.casefold(), regex=False).to_numpy()
        return m
