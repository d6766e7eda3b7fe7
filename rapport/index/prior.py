"""The national prior: a search over region reports is a search for what regions wrote.

An index may hold national texts beside the reports (government press releases,
assignments, legal summaries: documents with no region, since a national text has
none, rapport.corpus.meta). They share the reports' vocabulary, so with thousands of
them a question about a region's sick leave is answered by the government's. Their
fused score is multiplied by a factor (default 0.4) after fusion and before the
top-k cut, unless the query itself asks for the national level ("regeringen",
"Socialstyrelsen", "nationell", "government": index.query.asks_national, cue words
in models/patterns/national.jsonl). A factor on the fused score, not a filter: a
national passage that several retrievers agree on still comes through.

RAPPORT_NATIONAL_PRIOR=off|on|<factor in (0, 1]> sets it (1 and off: no prior);
FusionConfig(national_prior=...) overrides the environment.
"""
from __future__ import annotations

import os

import numpy as np

ENV = "RAPPORT_NATIONAL_PRIOR"
DEFAULT_FACTOR = 0.4  # measured with 5,000 g0vse distractors: docs/search.md "Distractors"


class PriorError(RuntimeError):
    """A national-prior setting that is not off, on or a factor in (0, 1]; one line naming it."""


def parse_factor(value, name: str = ENV) -> float:
    """"off" → 1.0 (no prior), "on"/"" → DEFAULT_FACTOR, "0.4" → 0.4; anything else is a PriorError."""
    if value is None:
        return DEFAULT_FACTOR
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        f = float(value)
    else:
        text = str(value).strip().casefold()
        if text in ("", "on", "default"):
            return DEFAULT_FACTOR
        if text in ("off", "none", "no", "false"):
            return 1.0
        try:
            f = float(text)
        except ValueError:
            f = float("nan")
    if not 0.0 < f <= 1.0:  # NaN fails too
        raise PriorError(f"{name}={value!r} is not a national prior: use off, on or a factor in (0, 1]")
    return f


def factor_from_env(environ=None) -> float:
    """The factor $RAPPORT_NATIONAL_PRIOR asks for (DEFAULT_FACTOR when unset)."""
    return parse_factor((os.environ if environ is None else environ).get(ENV))


def apply_prior(ids: np.ndarray, scores: np.ndarray, national: np.ndarray | None,
                factor: float) -> tuple[np.ndarray, np.ndarray]:
    """Scores of national passages × factor, re-sorted best first (ties by id, as fusion sorts).

    national: one bool per indexed passage (True = a text with no region), or None (no prior)."""
    if national is None or factor >= 1.0 or len(ids) == 0:
        return ids, scores
    hit = national[ids]
    if not hit.any():
        return ids, scores
    sc = np.where(hit, scores * factor, scores).astype(scores.dtype, copy=False)
    order = np.lexsort((ids, -sc))
    return ids[order], sc[order]
