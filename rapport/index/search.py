"""Hybrid search over an index folder, returning pandas DataFrames.

    s = build_or_load_index(documents, index_dir, embedder)      # or Searcher(index_dir)
    s.search("ekonomin går inte ihop", k=10, filters={"region": "Norrbotten"})
    s.compare("sjukfrånvaro Norrbotten jämfört med Västerbotten", by="region")

One query: region names become filters (one region) or a balanced grouping
(two or more); BM25 and dense take their top candidates among the allowed
passages; reciprocal rank fusion merges them; overlapping windows of the same
report are collapsed so the top k are k different places in the reports.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from rapport.index.fusion import Filters, rrf, top_ids
from rapport.index.query import ParsedQuery, parse_query
from rapport.index.records import RESULT_COLUMNS
from rapport.index.store import PassageConfig, build_index, generation_dir, load_parts

MODES = ("hybrid", "bm25", "dense")


@dataclass(frozen=True, slots=True)
class FusionConfig:
    """Query-time settings, tuned on bench/tuning_queries.jsonl (our own queries)."""

    rrf_k: float = 20.0
    bm25_weight: float = 1.0
    dense_weight: float = 1.0
    text_view_weight: float = 1.0  # the "text" dense view (passage without its section path), when built
    english_bm25_weight: float = 0.25  # English queries share few words with Swedish reports
    candidates: int = 100  # per retriever, before fusion
    # English queries: BM25 over the Swedish terms that weigh most in the first fused top passages
    english_feedback_docs: int = 10  # 0 = off
    english_feedback_terms: int = 20
    english_feedback_weight: float = 0.5


def _as_filters(filters, extra: dict | None = None) -> Filters:
    """A Filters from a Filters, a dict and/or keyword arguments (unknown keys are an error)."""
    base = {} if filters is None else (
        {f: getattr(filters, f) for f in Filters.__dataclass_fields__} if isinstance(filters, Filters) else dict(filters))
    base.update(extra or {})
    unknown = set(base) - set(Filters.__dataclass_fields__)
    if unknown:
        raise TypeError(f"unknown filter(s) {sorted(unknown)}; use {sorted(Filters.__dataclass_fields__)}")
    return Filters(**{k: v for k, v in base.items() if v is not None and v != ""})


def looks_english(text: str) -> bool:
    """More of the words are known English than known Swedish (simplemma's dictionaries)."""
    from rapport.models.lemmas import in_target_language

    try:
        return in_target_language(text, "en") > in_target_language(text, "sv")
    except Exception:  # noqa: BLE001 - a detector failure must not fail the search
        return False


class Searcher:
    """A loaded index plus the embedder that encodes queries for it."""

    def __init__(self, index_dir: str | Path, embedder=None, fusion: FusionConfig | None = None):
        from rapport.models.adapter import adapt_queries
        from rapport.models.embedder import load_embedder

        self.index_dir = Path(index_dir)
        self.manifest, self.passages, self.bm25, self.views = load_parts(self.index_dir)
        # the query-side adapter, when switched on (models/adapter.py); passages are unaffected
        self.embedder = adapt_queries(embedder if embedder is not None else load_embedder())
        want = self.manifest["model"]["fingerprint"]
        if self.embedder.fingerprint != want:
            raise RuntimeError(f"index at {self.index_dir} was built with {want}, not {self.embedder.fingerprint}: "
                               "rebuild it (build_or_load_index / `rapport search` does so)")
        self.fusion = fusion or FusionConfig()
        self.regions = set(self.passages["region"].dropna().unique())
        self._doc = self.passages["doc"].to_numpy()
        self._start = self.passages["start"].to_numpy()
        self._end = self.passages["end"].to_numpy()
        self._qcache: dict[str, np.ndarray] = {}
        self._mcache: dict[str, np.ndarray | None] = {}
        # result columns prepared once: plain Python values (None, not pd.NA) so
        # to_dict("records") goes straight to JSON
        base = self.passages[[c for c in RESULT_COLUMNS if c not in ("rank", "score")] + ["source"]].copy()
        base["page"] = base["page"].astype(object).where(base["page"].notna(), None)
        self._base = base

    def __len__(self) -> int:
        return len(self.passages)

    # ------------------------------------------------------------------ core ranking

    def query_vector(self, text: str) -> np.ndarray:
        """The e5 query vector, remembered for the last few hundred texts: compare() and
        interleaved searches ask for the same text once per group."""
        v = self._qcache.get(text)
        if v is None:
            v = self.embedder.encode_queries([text])[0]
            if len(self._qcache) >= 512:
                self._qcache.pop(next(iter(self._qcache)))
            self._qcache[text] = v
        return v

    def _candidates(self, text: str, mask: np.ndarray | None, mode: str, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Fused (ids, scores) best first, before de-duplication."""
        f = self.fusion
        english = mode == "hybrid" and looks_english(text)
        rankings, weights, scores_by = [], [], []
        if mode in ("hybrid", "bm25"):
            s = self.bm25.scores(text, mask)
            ids = top_ids(s, n, mask)
            rankings.append(ids)
            weights.append(f.english_bm25_weight if english else f.bm25_weight)
            scores_by.append((ids, s[ids]))
        if mode in ("hybrid", "dense"):
            qv = self.query_vector(text)
            for view, dense in self.views.items():
                ids, sc = dense.search(qv, n, mask)
                rankings.append(ids)
                weights.append(f.text_view_weight if view == "text" else f.dense_weight)
                scores_by.append((ids, sc))
        if len(rankings) == 1:
            return scores_by[0]
        fused = rrf(rankings, weights, k=f.rrf_k)
        if english and f.english_feedback_docs > 0 and fused:
            top = sorted(fused, key=fused.get, reverse=True)[: f.english_feedback_docs]
            fb = self.bm25.term_scores(self.bm25.feedback_terms(top, f.english_feedback_terms), mask)
            rankings.append(top_ids(fb, n, mask))
            weights.append(f.english_feedback_weight)
            fused = rrf(rankings, weights, k=f.rrf_k)
        if not fused:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        ids = np.fromiter(fused.keys(), dtype=np.int64, count=len(fused))
        sc = np.fromiter(fused.values(), dtype=np.float64, count=len(fused))
        order = np.lexsort((ids, -sc))
        return ids[order], sc[order].astype(np.float32)

    def _dedupe(self, ids: np.ndarray, scores: np.ndarray, k: int) -> tuple[list[int], list[float]]:
        """Keep the best of any overlapping passages of the same report, up to k."""
        keep, ks, taken = [], [], {}
        for i, s in zip(ids.tolist(), scores.tolist()):
            d, a, b = self._doc[i], self._start[i], self._end[i]
            if any(a < e and st < b for st, e in taken.get(d, ())):
                continue
            taken.setdefault(d, []).append((a, b))
            keep.append(i)
            ks.append(s)
            if len(keep) >= k:
                break
        return keep, ks

    def _rank(self, text: str, mask: np.ndarray | None, k: int, mode: str) -> tuple[list[int], list[float]]:
        n = max(self.fusion.candidates, 4 * k)
        ids, sc = self._candidates(text, mask, mode, n)
        return self._dedupe(ids, sc, k)

    def _mask(self, flt: Filters) -> np.ndarray | None:
        key = repr(flt)
        if key not in self._mcache:
            if len(self._mcache) >= 256:
                self._mcache.pop(next(iter(self._mcache)))
            self._mcache[key] = flt.mask(self.passages)
        return self._mcache[key]

    def _frame(self, ids: list[int], scores: list[float], extra: dict | None = None) -> pd.DataFrame:
        df = self._base.iloc[ids].reset_index(drop=True)
        df.insert(0, "score", np.asarray(scores, dtype=np.float64).round(6))
        df.insert(0, "rank", np.arange(1, len(ids) + 1))
        for k, v in (extra or {}).items():
            df.insert(0, k, v)
        return df

    # ------------------------------------------------------------------ public API

    def parse(self, query: str) -> ParsedQuery:
        return parse_query(query, self.regions)

    def search(self, query: str, k: int = 10, filters=None, *, mode: str = "hybrid",
               understand_regions: bool = True, **filter_kw) -> pd.DataFrame:
        """Top-k passages for `query` as a DataFrame with the contract's result columns (+ source).

        filters: a Filters or a dict with region/doc/kind/period_from/period_to/section;
        the same keys may also be given as keyword arguments (`region="Norrbotten"`).
        mode: "hybrid" (default), "bm25" or "dense" (for measuring what each part adds).
        Region names in the query filter to that region; two or more named regions
        give a result list that alternates between them.
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        flt = _as_filters(filters, filter_kw)
        pq = self.parse(query) if understand_regions else ParsedQuery(query, query, [])
        text = pq.text
        if pq.regions and flt.region is None:
            if len(pq.regions) == 1:
                flt = replace(flt, region=pq.regions[0])
            else:
                return self._interleaved(text, pq.regions, flt, k, mode)
        ids, sc = self._rank(text, self._mask(flt), k, mode)
        return self._frame(ids, sc)

    def _interleaved(self, text: str, regions: list[str], flt: Filters, k: int, mode: str) -> pd.DataFrame:
        per = [self._rank(text, self._mask(replace(flt, region=r)), k, mode) for r in regions]
        ids, sc = [], []
        for j in range(k):
            for r_ids, r_sc in per:
                if j < len(r_ids) and len(ids) < k:
                    ids.append(r_ids[j])
                    sc.append(r_sc[j])
        return self._frame(ids, sc)

    def compare(self, query: str, by: str = "region", k: int = 5, filters=None, *,
                mode: str = "hybrid", **filter_kw) -> pd.DataFrame:
        """Best k passages per group, side by side: one block of rows per value of `by`.

        by: "region" (default), "doc", "kind" or "period". With by="region", regions
        named in the query choose the groups (and leave the query text); otherwise
        every group present in the (filtered) index is shown. Columns: `group`, then
        the result columns with `rank` counted within the group.
        """
        if by not in ("region", "doc", "kind", "period"):
            raise ValueError(f"compare by region, doc, kind or period, not {by!r}")
        flt = _as_filters(filters, filter_kw)
        pq = self.parse(query)
        text = pq.text
        base = self._mask(flt)
        values = self.passages[by]
        if by == "region" and pq.regions:
            groups = pq.regions
        else:
            allowed = values if base is None else values[base]
            groups = sorted(allowed.dropna().unique().tolist())
        frames = []
        for g in groups:
            m = (values == g).to_numpy()
            if base is not None:
                m &= base
            ids, sc = self._rank(text, m, k, mode)
            frames.append(self._frame(ids, sc, {"group": g}))
        cols = ["group"] + RESULT_COLUMNS + ["source"]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)

    def timed_search(self, query: str, k: int = 10, **kw) -> tuple[pd.DataFrame, float]:
        t = time.perf_counter()
        df = self.search(query, k, **kw)
        return df, time.perf_counter() - t


def build_or_load_index(documents, index_dir: str | Path, embedder=None, show_progress: bool = False, *,
                        config: PassageConfig | None = None, fusion: FusionConfig | None = None,
                        log=None) -> Searcher:
    """The one call the CLI/API needs: bring the index for `documents` up to date, then open it.

    documents: corpus.Document list (from corpus.load_corpus). embedder: a
    models.embedder.Embedder (default: load_embedder()). Reuses the folder when
    nothing changed, embeds only new/changed passages otherwise, and rebuilds
    (reporting why through `log`, default the "rapport.index" logger) when the
    model, schema or settings changed.
    """
    from rapport.models.embedder import load_embedder

    embedder = embedder if embedder is not None else load_embedder(show_progress=show_progress)
    manifest = build_index(documents, index_dir, embedder, config=config, show_progress=show_progress, log=log)
    # the generation just checked, not whatever CURRENT names by now (another corpus may share the folder)
    return Searcher(generation_dir(index_dir, manifest), embedder, fusion)
