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

import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from rapport.index.fusion import Filters, rrf, top_ids
from rapport.index.match import (MatchEvidence, agreement, background_sample, dense_gap, lexical_coverage,
                                 load_calibration)
from rapport.index.prior import apply_prior, factor_from_env
from rapport.index.query import ParsedQuery, asks_national, clean_query, looks_english, parse_query
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
    # ... over an index whose context view is composed from the text view (index/views.py): the two views
    # then share most of their signal, and counting it once more than BM25 held tuning (docs/scale.md)
    derived_text_view_weight: float = 0.5
    english_bm25_weight: float = 0.25  # English queries share few words with Swedish reports
    candidates: int = 100  # per retriever, before fusion
    # English queries: BM25 over the Swedish terms that weigh most in the first fused top passages
    english_feedback_docs: int = 10  # 0 = off
    english_feedback_terms: int = 20
    english_feedback_weight: float = 0.5
    # fused score × this for passages of national texts (no region) unless the query asks for the
    # national level (index/prior.py); from $RAPPORT_NATIONAL_PRIOR, 1.0 = off
    national_prior: float = field(default_factory=factor_from_env)


MAX_DENSE_QUERY_CHARS = 200
MAX_DENSE_QUERY_PIECES = 64  # about the word pieces e5's tokenizer makes: a word ~1 per 4 letters, a symbol 1
_PIECE = re.compile(r"\w+|[^\w\s]")


def dense_text(text: str, limit: int = MAX_DENSE_QUERY_CHARS, pieces: int = MAX_DENSE_QUERY_PIECES) -> str:
    """The start of `text` for the query encoder: at most `limit` characters and about `pieces`
    tokenizer pieces (a run of punctuation or emoji is a piece per character), cut after a word."""
    end, used = 0, 0
    for m in _PIECE.finditer(text[:limit]):
        used += -(-len(m.group()) // 4) if m.group()[0].isalnum() or m.group()[0] == "_" else 1
        if used > pieces:
            break
        end = m.end()
    if end == 0:  # one piece longer than the budget (a 10,000-letter "word")
        end = min(len(text), 4 * pieces, limit)
    return text[:end]


def _as_filters(filters, extra: dict | None = None) -> Filters:
    """A Filters from a Filters, a dict and/or keyword arguments (unknown keys are an error)."""
    base = {} if filters is None else (
        {f: getattr(filters, f) for f in Filters.__dataclass_fields__} if isinstance(filters, Filters) else dict(filters))
    base.update(extra or {})
    unknown = set(base) - set(Filters.__dataclass_fields__)
    if unknown:
        raise TypeError(f"unknown filter(s) {sorted(unknown)}; use {sorted(Filters.__dataclass_fields__)}")
    return Filters(**{k: v for k, v in base.items() if v is not None and v != ""})


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
        self._derived = self.manifest["passages_config"].get("context_vectors") == "derived"
        first = self.views.get("context") or next(iter(self.views.values()), None)
        self._background = background_sample(getattr(first, "vectors", None))
        adapter = getattr(self.embedder, "adapter", None)
        # what made the query vectors: the model, and the query adapter when one is on
        self.query_encoder = want + (f"+adapter:{adapter.weights_sha256[:12]}" if adapter is not None else "")
        cal = load_calibration()
        # a calibration fitted on other query vectors would flag at random: none then
        self.calibration = cal if cal is not None and cal.fingerprint in (None, self.query_encoder) else None
        self.regions = set(self.passages["region"].dropna().unique())
        self.kinds = set(self.passages["kind"].dropna().unique())
        self.periods = set(self.passages["period"].dropna().astype(str).unique())
        self._doc = self.passages["doc"].to_numpy()
        self._start = self.passages["start"].to_numpy()
        self._end = self.passages["end"].to_numpy()
        # which passages the national prior weighs down: texts with no region, when the index also
        # holds region texts (over national texts alone a common factor would change nothing)
        national = self.passages["region"].isna().to_numpy()
        self._national = national if national.any() and not national.all() else None
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
        interleaved searches ask for the same text once per group.

        Only the start of the query is encoded (dense_text: ~64 tokenizer pieces, 200 characters):
        a question is shorter, and the transformer's cost grows with the length (a 10,000-character
        query took 30x a normal one at 512 tokens); BM25 still reads every word."""
        v = self._qcache.get(text)
        if v is None:
            v = self.embedder.encode_queries([dense_text(text)])[0]
            if len(self._qcache) >= 512:
                self._qcache.pop(next(iter(self._qcache)))
            self._qcache[text] = v
        return v

    def _candidates(self, text: str, mask: np.ndarray | None, mode: str,
                    n: int) -> tuple[np.ndarray, np.ndarray, MatchEvidence]:
        """Fused (ids, scores) best first, before de-duplication, and what the retrievers saw."""
        f = self.fusion
        english = mode == "hybrid" and looks_english(text)
        rankings, weights, scores_by, dense = [], [], [], {}
        coverage = lexical = qv = None
        if mode in ("hybrid", "bm25"):
            coverage = lexical_coverage(self.bm25.analyzer(text), self.bm25.doc_freq(), len(self))
            s = self.bm25.scores(text, mask)
            ids = top_ids(s, n, mask)
            rankings.append(ids)
            weights.append(f.english_bm25_weight if english else f.bm25_weight)
            scores_by.append((ids, s[ids]))
            lexical = ids
        if mode in ("hybrid", "dense"):
            qv = self.query_vector(text)
            for view, index in self.views.items():
                ids, sc = index.search(qv, n, mask)
                rankings.append(ids)
                text_weight = f.derived_text_view_weight if self._derived else f.text_view_weight
                weights.append(text_weight if view == "text" else f.dense_weight)
                scores_by.append((ids, sc))
                dense[view] = (ids, sc)
        evidence = self._evidence(qv, lexical, dense, coverage)
        if len(rankings) == 1:
            return (*scores_by[0], evidence)
        fused = rrf(rankings, weights, k=f.rrf_k)
        if english and f.english_feedback_docs > 0 and fused:
            top = sorted(fused, key=fused.get, reverse=True)[: f.english_feedback_docs]
            fb = self.bm25.term_scores(self.bm25.feedback_terms(top, f.english_feedback_terms), mask)
            rankings.append(top_ids(fb, n, mask))
            weights.append(f.english_feedback_weight)
            fused = rrf(rankings, weights, k=f.rrf_k)
        if not fused:
            return np.zeros(0, np.int64), np.zeros(0, np.float32), evidence
        ids = np.fromiter(fused.keys(), dtype=np.int64, count=len(fused))
        sc = np.fromiter(fused.values(), dtype=np.float64, count=len(fused))
        order = np.lexsort((ids, -sc))
        return ids[order], sc[order].astype(np.float32), evidence

    def _evidence(self, qv, lexical: np.ndarray | None, dense: dict, coverage: float | None) -> MatchEvidence:
        """What index.match needs to judge the result set, from lists computed anyway."""
        ctx = dense.get("context") or next(iter(dense.values()), None)
        best = float(ctx[1][0]) if ctx is not None and len(ctx[1]) else None
        gap = dense_gap(best, qv, self._background) if qv is not None else None
        views = [ids for ids, _ in dense.values()]
        view_agree = agreement(views[0], views[1]) if len(views) >= 2 else None
        lexical_agree = agreement(lexical, *views) if lexical is not None and views else None
        return MatchEvidence(gap, view_agree, lexical_agree, coverage)

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

    def _rank(self, text: str, mask: np.ndarray | None, k: int, mode: str,
              national: bool = False) -> tuple[list[int], list[float], MatchEvidence]:
        """Top k of one ranking; `national`: the query asks for national texts, so no prior."""
        n = max(self.fusion.candidates, 4 * k)
        ids, sc, evidence = self._candidates(text, mask, mode, n)
        if not national:
            ids, sc = apply_prior(ids, sc, self._national, self.fusion.national_prior)
        return (*self._dedupe(ids, sc, k), evidence)

    def _judge(self, df: pd.DataFrame, evidence: list[MatchEvidence]) -> pd.DataFrame:
        """Say in df.attrs how well anything matched: `match` (calibrated P(good match), None when
        not computable), `no_good_match` (bool), `match_evidence` (the features behind it).
        Over several groups the best group decides: one region's answer is an answer."""
        cal = self.calibration
        probs = [p for p in (cal.probability(e) for e in evidence) if p is not None] if cal else []
        best = max(range(len(probs)), key=probs.__getitem__) if probs else None
        p = probs[best] if best is not None else None
        df.attrs["match"] = None if p is None else round(p, 4)
        df.attrs["no_good_match"] = bool(len(df) == 0 or (p is not None and p < cal.threshold))
        df.attrs["match_evidence"] = evidence[best].as_dict() if best is not None else (
            evidence[0].as_dict() if evidence else None)
        return df

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
        """Regions, years and report kinds the index holds, taken out of the query (index.query)."""
        return parse_query(query, self.regions, self.kinds, self.periods)

    @staticmethod
    def _understood(flt: Filters, pq: ParsedQuery) -> Filters:
        """Years and report kinds named in the query as filters, unless the caller set those."""
        if pq.kinds and flt.kind is None:
            flt = replace(flt, kind=pq.kinds[0] if len(pq.kinds) == 1 else list(pq.kinds))
        if (pq.period_from or pq.period_to) and flt.period_from is None and flt.period_to is None:
            flt = replace(flt, period_from=pq.period_from, period_to=pq.period_to)
        return flt

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
        query = clean_query(query)
        pq = self.parse(query) if understand_regions else ParsedQuery(query, query, [],
                                                                       national=asks_national(query))
        text = pq.text
        flt = self._understood(flt, pq)
        if pq.regions and flt.region is None:
            if len(pq.regions) == 1:
                flt = replace(flt, region=pq.regions[0])
            else:
                return self._interleaved(text, pq.regions, flt, k, mode)
        ids, sc, evidence = self._rank(text, self._mask(flt), k, mode, pq.national)
        return self._judge(self._frame(ids, sc), [evidence])

    def _interleaved(self, text: str, regions: list[str], flt: Filters, k: int, mode: str) -> pd.DataFrame:
        per = [self._rank(text, self._mask(replace(flt, region=r)), k, mode) for r in regions]
        ids, sc = [], []
        for j in range(k):
            for r_ids, r_sc, _ in per:
                if j < len(r_ids) and len(ids) < k:
                    ids.append(r_ids[j])
                    sc.append(r_sc[j])
        return self._judge(self._frame(ids, sc), [ev for *_, ev in per])

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
        pq = self.parse(clean_query(query))
        text = pq.text
        flt = self._understood(flt, pq)
        base = self._mask(flt)
        values = self.passages[by]
        if by == "region" and pq.regions:
            groups = pq.regions
        else:
            allowed = values if base is None else values[base]
            groups = sorted(allowed.dropna().unique().tolist())
        frames, evidence = [], []
        for g in groups:
            m = (values == g).to_numpy()  # read-only under pandas copy-on-write: combine into a new array
            if base is not None:
                m = m & base
            ids, sc, ev = self._rank(text, m, k, mode, pq.national)
            frames.append(self._frame(ids, sc, {"group": g}))
            evidence.append(ev)
        cols = ["group"] + RESULT_COLUMNS + ["source"]
        df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
        df.attrs.clear()
        return self._judge(df, evidence)

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

    fusion = fusion or FusionConfig()  # a bad $RAPPORT_NATIONAL_PRIOR fails before any embedding
    embedder = embedder if embedder is not None else load_embedder(show_progress=show_progress)
    manifest = build_index(documents, index_dir, embedder, config=config, show_progress=show_progress, log=log)
    # the generation just checked, not whatever CURRENT names by now (another corpus may share the folder)
    return Searcher(generation_dir(index_dir, manifest), embedder, fusion)
