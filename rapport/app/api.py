"""The Python API: what the CLI and the web page call, returning pandas DataFrames.

    >>> from pipeline import api
    >>> docs, errors = api.ingest()                 # the bundled sample corpus
    >>> result = api.extract(out="out")             # writes the contract files, returns DataFrames
    >>> result.frames["risks"].groupby(["region", "category"]).size()
    >>> api.search("sjukfrånvaro bland personalen", k=5)
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from rapport.corpus import Document, load_corpus

from rapport.pipeline.records import OUTPUTS


def sample_corpus() -> Path:
    return Path(str(resources.files("rapport.corpus").joinpath("sample")))


def rapport_home() -> Path:
    return Path(os.environ.get("RAPPORT_HOME", Path.home() / ".cache" / "rapport"))


def ingest(paths: list[str | Path] | None = None, manifest: str | Path | None = None,
           show_progress: bool = False) -> tuple[list[Document], list[str]]:
    """Read and structure every report under `paths` (default: the sample corpus)."""
    return load_corpus(list(paths or [sample_corpus()]), manifest=manifest, show_progress=show_progress)


def summary(doc: Document) -> dict:
    return {"doc": doc.name, "region": doc.meta.region, "kind": doc.meta.kind, "period": doc.meta.period,
            "pages": len(doc.pages) or None, "sections": len(doc.sections), "sentences": len(doc.sentences),
            "tables": len(doc.tables), "warnings": doc.warnings}


def documents_frame(docs: list[Document]) -> pd.DataFrame:
    return pd.DataFrame([summary(d) for d in docs])


def tables_frame(docs: list[Document]) -> pd.DataFrame:
    """Every recovered table cell in long form (contract: tables.parquet)."""
    frames = [t.to_frame() for d in docs for t in d.tables]
    cols = ["doc", "table", "title", "unit", "page", "row", "column", "value", "check"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


@dataclass
class ExtractResult:
    documents: list[Document]
    frames: dict[str, pd.DataFrame]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    written: dict[str, int] = field(default_factory=dict)


def extract(paths: list[str | Path] | None = None, out: str | Path | None = None,
            manifest: str | Path | None = None, show_progress: bool = False) -> ExtractResult:
    """Ingest, run the spaCy pipeline, and (with `out`) write the contract's files atomically."""
    from rapport.pipeline.nlp import shared_nlp
    from rapport.pipeline.run import extract as run_extract

    docs, errors = ingest(paths, manifest, show_progress)
    ex = run_extract(shared_nlp(), docs, show_progress)
    frames = {k: pd.DataFrame([r.to_dict() for r in rows]) for k, rows in ex.records.items()}
    frames["unlinked"] = pd.DataFrame(ex.unlinked)
    frames["tables"] = tables_frame(docs)
    result = ExtractResult(docs, frames, errors + ex.errors, ex.warnings, ex.seconds)
    if out is not None:
        result.written = write_outputs(Path(out), ex, docs)
    return result


def write_outputs(out: Path, ex, docs: list[Document]) -> dict[str, int]:
    from .outputs import write_csv, write_jsonl, write_parquet

    written = {}
    for kind, rows in ex.records.items():
        written[f"{kind}.jsonl"] = write_jsonl(out / f"{kind}.jsonl", rows)
    written["unlinked.jsonl"] = write_jsonl(out / "unlinked.jsonl", ex.unlinked)
    cells = tables_frame(docs)
    write_parquet(out / "tables.parquet", cells)
    written["tables.parquet"] = len(cells)
    for d in docs:
        for t in d.tables:
            write_csv(out / "tables" / f"{Path(d.name).stem}__{t.id}.csv", t.to_frame())
    written["tables/*.csv"] = sum(len(d.tables) for d in docs)
    return written


# --- search ---------------------------------------------------------------
def index_dir_for(paths: list[str | Path]) -> Path:
    """One index folder per corpus location, so two corpora never overwrite each other."""
    key = "|".join(sorted(str(Path(p).resolve()) for p in paths))
    return rapport_home() / "index" / hashlib.sha1(key.encode()).hexdigest()[:12]


def searcher(paths: list[str | Path] | None = None, index_dir: str | Path | None = None,
             show_progress: bool = False, documents: list[Document] | None = None):
    """Build or reuse the hybrid index of a corpus; the returned Searcher is reusable across queries."""
    from rapport.index import build_or_load_index
    from rapport.models.embedder import load_embedder

    paths = list(paths or [sample_corpus()])
    if documents is None:
        documents, errors = ingest(paths, show_progress=show_progress)
        if not documents:
            raise FileNotFoundError("; ".join(errors) or "no reports found")
    return build_or_load_index(documents, Path(index_dir or index_dir_for(paths)), load_embedder(),
                               show_progress=show_progress)


def search(query: str, paths: list[str | Path] | None = None, k: int = 10, **filters) -> pd.DataFrame:
    return searcher(paths).search(query, k=k, **filters)


FACT_KINDS = ("goal_assessments", "aggregates", "targets", "risks", "links")


def compare(query: str, paths: list[str | Path] | None = None, by: str = "region", k: int = 5,
            show_progress: bool = False) -> dict:
    """The best passages per group side by side, with the extracted facts that bear on the query."""
    ex = extract(paths, show_progress=show_progress)
    s = searcher(paths, show_progress=show_progress, documents=ex.documents)
    return compare_with_facts(s, ex, query, by=by, k=k)


def compare_with_facts(s, ex: ExtractResult, query: str, by: str = "region", k: int = 5,
                       depth: int = 30) -> dict:
    """Facts bear on a query when their evidence lies inside one of the group's top `depth` passages;
    they are ordered by that passage's rank, so the facts follow the search."""
    hits = s.compare(query, by=by, k=depth)
    groups = {}
    for g, frame in hits.groupby("group", sort=False):
        frame = frame.sort_values("rank")
        entry = {"passages": _records(frame.head(k).drop(columns=["group"]))}
        spans = list(frame[["doc", "start", "end", "rank"]].itertuples(index=False))
        for kind in FACT_KINDS:
            facts = ex.frames.get(kind)
            entry[kind] = [] if facts is None or facts.empty else _facts_in(facts, spans, k)
        groups[str(g)] = entry
    return {"query": query, "by": by, "groups": groups}


def _facts_in(facts: pd.DataFrame, spans, k: int) -> list[dict]:
    ranked = []
    for rec in facts.to_dict("records"):
        best = min((r for d, a, b, r in spans if d == rec["doc"] and rec["start"] < b and a < rec["end"]), default=None)
        if best is not None:
            ranked.append((best, rec))
    ranked.sort(key=lambda x: x[0])
    return [_plain(r) for _, r in ranked[:k]]


def _records(df: pd.DataFrame) -> list[dict]:
    return [_plain(r) for r in df.to_dict("records")]


def _plain(rec: dict) -> dict:
    """JSON-ready: numpy scalars to Python, NaN to None."""
    out = {}
    for key, v in rec.items():
        if hasattr(v, "item"):
            v = v.item()
        if isinstance(v, float) and v != v:
            v = None
        out[key] = v
    return out


__all__ = ["ingest", "extract", "search", "compare", "searcher", "tables_frame", "documents_frame",
           "sample_corpus", "ExtractResult", "OUTPUTS"]
