"""`rapport.open`: a corpus loaded once, lazily, with its facts as DataFrames and search on top.

    >>> import rapport
    >>> c = rapport.open()                       # the bundled sample corpus; nothing is read yet
    >>> c.documents[["doc", "region", "period"]]  # reads (or takes from the cache) the reports
    >>> c.risks.groupby(["region", "category"], observed=True).size()
    >>> c.search("sjukfrånvaro bland personalen", k=5, region="Norrbotten")
    >>> c.compare("ekonomi i balans", by="period", k=3)

Every part is computed on first use and kept: the documents (from the
content-keyed cache, see rapport.app.cache), the facts (likewise cached per
report), and the search index (built or reused; queries encoded without
torch once an ONNX copy of the model exists). Loads are guarded by one lock,
so a web server's concurrent first requests wait for one load instead of
racing.
"""
from __future__ import annotations

import sys
import threading
from collections import Counter
from pathlib import Path

import pandas as pd

from . import cache, frames

BY = ("region", "period", "doc", "kind")
MAX_QUERY_CHARS = 1000  # a question, not a document: longer input is refused before any work
FILTERS = ("region", "doc", "kind", "section", "period_from", "period_to")


class CorpusError(ValueError):
    """A corpus that cannot be used (no readable report) or a bad argument; the message is one line."""


class Corpus:
    """The reports under `paths` (files or folders; default the bundled sample corpus).

    Attributes are DataFrames: `documents`, `goal_assessments`, `aggregates`,
    `targets`, `risks`, `events`, `links`, `contradictions`, `tables`; `errors`
    lists the files that could not be read (one line each).
    """

    def __init__(self, paths=None, *, manifest=None, index_dir=None, model=None, show_progress: bool = False,
                 store: str | None = None):
        from rapport.index.stores import parse_store_uri

        from .api import sample_corpus

        self.paths = [Path(p) for p in (paths if isinstance(paths, (list, tuple)) else [paths])] \
            if paths else [sample_corpus()]
        self.manifest = manifest
        # where the dense vectors live (rapport.index.stores): faiss:DIR is the index folder itself
        self.store = parse_store_uri(store)
        self._index_dir = index_dir or (self.store.location if self.store.scheme == "faiss" else None) or None
        self._model = model
        self.show_progress = show_progress
        self._lock = threading.RLock()
        self._docs = None
        self._errors: list[str] = []
        self._extraction = None
        self._frames: dict[str, pd.DataFrame] = {}
        self._searcher = None

    @classmethod
    def from_parts(cls, paths, docs: list, errors: list[str], extraction=None, **kw) -> "Corpus":
        """A Corpus whose documents (and facts) another engine computed (rapport.app.engines)."""
        c = cls(paths, **kw)
        c._docs, c._errors, c._extraction = list(docs), list(errors), extraction
        return c

    # ------------------------------------------------------------------ loading
    def _load_docs(self):
        with self._lock:
            if self._docs is None:
                docs, errors = cache.load_documents(self.paths, self.manifest, self.show_progress)
                self._errors = errors
                self._docs = docs
            return self._docs

    @property
    def docs(self) -> list:
        """The `rapport.corpus.Document` objects (text, sections, sentences, tables)."""
        return self._load_docs()

    @property
    def errors(self) -> list[str]:
        self._load_docs()
        return list(self._errors)

    def require_documents(self) -> list:
        docs = self._load_docs()
        if not docs:
            raise CorpusError("; ".join(self._errors) or f"no reports under {', '.join(map(str, self.paths))}")
        return docs

    @property
    def extraction(self):
        """The pipeline's raw output (records per kind, unlinked figures, warnings, errors)."""
        with self._lock:
            if self._extraction is None:
                self._extraction = cache.extract_documents(self._load_docs(), self.show_progress)
            return self._extraction

    def facts(self, kind: str) -> pd.DataFrame:
        """The facts of one kind as a typed DataFrame (see rapport.app.frames)."""
        with self._lock:
            if kind not in self._frames:
                if kind == "documents":
                    self._frames[kind] = frames.documents_frame(self._load_docs())
                elif kind == "tables":
                    self._frames[kind] = frames.tables_frame(self._load_docs())
                elif kind == "unlinked":
                    self._frames[kind] = frames.typed(pd.DataFrame([r if isinstance(r, dict) else r.to_dict()
                                                                    for r in self.extraction.unlinked]))
                elif kind in self.extraction.records:
                    self._frames[kind] = frames.facts_frame(kind, self.extraction.records[kind])
                else:
                    known = ["documents", "tables", "unlinked", *self.extraction.records]
                    raise CorpusError(f"unknown fact kind {kind!r}; one of {', '.join(known)}")
            return self._frames[kind]

    documents = property(lambda self: self.facts("documents"), doc="One row per report.")
    goal_assessments = property(lambda self: self.facts("goal_assessments"), doc="Goal status per (goal, horizon).")
    aggregates = property(lambda self: self.facts("aggregates"), doc="Counts of goals per status.")
    targets = property(lambda self: self.facts("targets"), doc="Stated target values.")
    risks = property(lambda self: self.facts("risks"), doc="Risk statements with a category.")
    events = property(lambda self: self.facts("events"), doc="Dated events (date_start/date_end).")
    links = property(lambda self: self.facts("links"), doc="Prose figures linked to table cells.")
    contradictions = property(lambda self: self.facts("contradictions"), doc="Prose figures the table contradicts.")
    tables = property(lambda self: self.facts("tables"), doc="Every table cell in long form.")

    # ------------------------------------------------------------------ search
    @property
    def searcher(self):
        """The hybrid searcher over this corpus (index built or reused on first use)."""
        return self._load_searcher()

    def _load_searcher(self, query: str | None = None):
        """The searcher; with the first `query` known, the query encoder is loaded only if that
        query's vector is not stored (cache.QueryVectors)."""
        with self._lock:
            if self._searcher is None:
                from rapport.index import build_or_load_index
                from rapport.models.embedder import LazyEmbedder

                from .api import index_dir_for

                docs = self.require_documents()
                index_dir = Path(self._index_dir) if self._index_dir else index_dir_for(self.paths)
                embedder = LazyEmbedder(self._model)
                if cache.query_store_on():
                    embedder = cache.QueryVectors(embedder)
                stored = isinstance(embedder, cache.QueryVectors) and query is not None \
                    and embedder.has_query(self._encoded_text(query))
                if not stored:
                    # the query encoder loads (partly in native code) while this thread reads the index
                    threading.Thread(target=embedder.warm_quietly, daemon=True, name="rapport-warm").start()
                searcher = _open_known(docs, index_dir, embedder)
                if searcher is None:
                    searcher = build_or_load_index(docs, index_dir, embedder, show_progress=self.show_progress)
                    cache.remember_generation(docs, embedder.fingerprint, _passage_settings(),
                                              searcher.index_dir.name)
                if self.store.scheme != "faiss":
                    from rapport.index.stores import attach_store

                    say = (lambda m: print(m, file=sys.stderr)) if self.show_progress else None
                    attach_store(searcher, self.store, name=store_name(self.paths), say=say)
                self._searcher = searcher
            return self._searcher

    def _encoded_text(self, query: str) -> str:
        """What the searcher will encode for `query`: its text with the regions, years and kinds of
        this corpus taken out (index.query.parse_query, as Searcher.search does), cut for the encoder."""
        from rapport.index.query import QueryError, clean_query, parse_query
        from rapport.index.search import dense_text

        metas = [d.meta for d in self._load_docs()]
        try:
            pq = parse_query(clean_query(query), {m.region for m in metas if m.region},
                             {m.kind for m in metas if m.kind}, {str(m.period) for m in metas if m.period})
        except QueryError:
            return ""
        return dense_text(pq.text)

    def known(self, name: str) -> list[str]:
        """The values a filter or grouping can take in this corpus (region, doc, kind, period)."""
        col = {"period_from": "period", "period_to": "period"}.get(name, name)
        if col == "section":
            return []
        return sorted({str(v) for v in self.documents[col].dropna()}) if col in self.documents else []

    def check_filters(self, filters: dict) -> dict:
        """Drop empty filters; reject unknown names and values with the known ones (CorpusError)."""
        out = {}
        for name, value in filters.items():
            if value is None or value == "" or value == []:
                continue
            if name not in FILTERS:
                raise CorpusError(f"unknown filter {name!r}; use {', '.join(FILTERS)}")
            if name in ("region", "doc", "kind"):
                known = {v.casefold(): v for v in self.known(name)}
                for v in [value] if isinstance(value, str) else value:
                    if str(v).casefold() not in known:
                        raise CorpusError(f"unknown {name} {v!r}; known: {', '.join(known.values())}")
            if name in ("period_from", "period_to") and not _is_period(value):
                raise CorpusError(f"{name} must look like 2022 or 2022-08, not {value!r}")
            out[name] = value
        return out

    def search(self, query: str, k: int = 10, **filters) -> pd.DataFrame:
        """The k best passages for `query` (Swedish or English), one row each, with their citation.

        Filters: region, doc, kind (one value or a list), section (substring of
        the section path), period_from / period_to ("2022" or "2022-08").

        >>> c.search("ekonomin går inte ihop", k=3, region="Västerbotten")[["rank", "doc", "page", "text"]]
        """
        _check_query(query, k)
        flt = self.check_filters(filters)
        hits = self._load_searcher(query).search(query, k=k, **flt)
        return _with_citation(hits)

    def compare(self, query: str, by: str = "region", k: int = 5, depth: int = 30, **filters) -> pd.DataFrame:
        """The best passages per group and the facts that bear on the query, in long form.

        by: "region", "period", "doc" or "kind". One row per item: `group`, `what`
        ("passage" or a fact kind such as "risks"), `rank` within group and what,
        the citation (`doc`, `page`, `start`, `end`, `citation`), `text`, and the
        fact's own fields. Facts bear on the query when their sentence lies in
        one of the group's top `depth` passages; they follow those passages' order.

        >>> c.compare("sjukfrånvaro", by="region", k=3).query("what == 'passage'")
        """
        _check_query(query, k)
        if by not in BY:
            raise CorpusError(f"compare by one of {', '.join(BY)}, not {by!r}")
        hits = self._grouped(query, by, max(k, depth), self.check_filters(filters))
        rows = []
        for g, frame in hits.groupby("group", sort=False):
            frame = frame.sort_values("rank")
            top = frame.head(k).copy()
            top["what"] = "passage"
            rows.append(top)
            spans = list(frame[["doc", "start", "end", "rank"]].itertuples(index=False, name=None))
            for kind in frames.FACT_KINDS:
                facts = _facts_in(self.facts(kind), spans, k)
                if len(facts):
                    facts.insert(0, "group", g)
                    facts["what"] = kind
                    rows.append(facts)
        if not rows:
            df = pd.DataFrame(columns=["group", "what", "rank", "doc", "page", "citation", "text"])
            df.attrs.update(hits.attrs)
            return df
        df = pd.concat(rows, ignore_index=True)
        lead = ["group", "what", "rank", "score", "doc", "region", "period", "kind", "section", "page",
                "start", "end", "citation", "text"]
        df = _with_citation(df)
        df = df[[c for c in lead if c in df] + [c for c in df if c not in lead]]
        df.attrs.update(hits.attrs)  # the searcher's no-good-match verdict (concat drops attrs)
        return df

    def _grouped(self, query: str, by: str, k: int, flt: dict) -> pd.DataFrame:
        return self._load_searcher(query).compare(query, by=by, k=k, **flt)

    # ------------------------------------------------------------------ context
    def context(self, doc: str, start: int, end: int, width: int = 1500) -> dict:
        """The passage [start, end) of report `doc` with `width` characters around it and its section."""
        d = next((x for x in self.docs if x.name == doc), None)
        if d is None:
            raise CorpusError(f"unknown doc {doc!r}; known: {', '.join(x.name for x in self.docs)}")
        if not 0 <= start <= end <= len(d.text):
            raise CorpusError(f"offsets {start}..{end} outside {doc} (0..{len(d.text)})")
        a, b = max(0, start - width), min(len(d.text), end + width)
        sec = d.section_at(start)
        return {"doc": doc, "region": d.meta.region, "period": d.meta.period, "page": d.page_at(start),
                "section": d.section_path(sec.index) if sec else None, "before": d.text[a:start],
                "text": d.text[start:end], "after": d.text[end:b], "start": start, "end": end}

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        if self._docs is None:
            return f"<rapport.Corpus {', '.join(map(str, self.paths))} (not read yet)>"
        regions = Counter(d.meta.region or "?" for d in self._docs)
        periods = sorted({d.meta.period for d in self._docs if d.meta.period})
        span = f", periods {periods[0]}..{periods[-1]}" if periods else ""
        parts = ", ".join(f"{r} {n}" for r, n in sorted(regions.items()))
        facts = ""
        if self._extraction is not None:
            facts = "; facts: " + ", ".join(f"{k} {len(v)}" for k, v in self._extraction.records.items() if v)
        errors = f"; {len(self._errors)} unreadable" if self._errors else ""
        return f"<rapport.Corpus {len(self._docs)} reports ({parts}){span}{facts}{errors}>"

    def _repr_html_(self) -> str:  # Jupyter shows the documents table under the one-line summary
        import html

        return f"<p>{html.escape(repr(self))}</p>" + (self.documents.to_html(max_rows=20) if self._docs else "")


def _passage_settings() -> dict:
    from rapport.index.store import PassageConfig

    return PassageConfig().signature()


def _open_known(docs, index_dir: Path, embedder):
    """The Searcher over the generation these documents made before (no re-cutting into passages to
    find its key), or None when there is none or it no longer opens (build_or_load_index then
    rebuilds it and says why). Its files are checked on open as build_or_load_index checks them."""
    from rapport.index import Searcher
    from rapport.index.generations import GENS, IndexStoreError, touch

    key = cache.known_generation(docs, embedder.fingerprint, _passage_settings())
    gdir = index_dir / GENS / key if key else None
    if gdir is None or not gdir.is_dir():
        return None
    try:
        searcher = Searcher(gdir, embedder)
    except (IndexStoreError, OSError):
        return None
    touch(gdir)  # recently used: cleanup keeps it
    return searcher


def store_name(paths) -> str:
    """What a corpus is called in a vector database: one name per set of corpus locations (as the
    folder names of the index were), so re-indexing a grown corpus updates its tables in place."""
    import hashlib

    key = "|".join(sorted(str(Path(p).resolve()) for p in paths))
    return "rapport-" + hashlib.sha1(key.encode()).hexdigest()[:12]


def query_errors() -> tuple[type, ...]:
    """The searcher's own error for a query it cannot take (rapport.index.query.QueryError, where it exists)."""
    try:
        from rapport.index.query import QueryError

        return (QueryError,)
    except ImportError:
        return ()


def _is_period(value) -> bool:
    import re

    return isinstance(value, str) and re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2]))?", value) is not None


def _check_query(query, k) -> None:
    if not isinstance(query, str) or not query.strip():
        raise CorpusError("the query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise CorpusError(f"the query is {len(query):,} characters long; at most {MAX_QUERY_CHARS:,}")
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 1000:
        raise CorpusError(f"k must be a whole number from 1 to 1000, not {k!r}")


def _facts_in(facts: pd.DataFrame, spans, k: int) -> pd.DataFrame:
    """Facts whose evidence overlaps a ranked passage, best passage first, at most k."""
    if facts.empty:
        return facts.iloc[0:0]
    by_doc: dict[str, list] = {}
    for d, a, b, r in spans:
        by_doc.setdefault(d, []).append((a, b, r))
    best = []
    for i, (d, s, e) in enumerate(zip(facts["doc"], facts["start"], facts["end"])):
        r = min((r for a, b, r in by_doc.get(d, ()) if s < b and a < e), default=None)
        if r is not None:
            best.append((r, i))
    best.sort()
    out = facts.iloc[[i for _, i in best[:k]]].reset_index(drop=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out


def _with_citation(df: pd.DataFrame) -> pd.DataFrame:
    """A `citation` column: 'report.txt, s. 12' (or the character offsets when the page is unknown)."""
    if df.empty:
        df["citation"] = pd.Series(dtype=object)
        return df
    pages = df["page"] if "page" in df else pd.Series([None] * len(df))
    df["citation"] = [f"{d}, s. {int(p)}" if pd.notna(p) else f"{d}, tecken {a}–{b}"
                      for d, p, a, b in zip(df["doc"], pages, df["start"], df["end"])]
    return df
