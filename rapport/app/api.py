"""Function-style API over `rapport.open`, for scripts and the CLI; everything returns DataFrames.

    >>> from rapport.app import api
    >>> docs, errors = api.ingest()                  # the bundled sample corpus
    >>> result = api.extract(out="out")              # writes the contract files, returns DataFrames
    >>> result.frames["risks"].groupby(["region", "category"], observed=True).size()
    >>> api.search("sjukfrånvaro bland personalen", k=5)
    >>> api.compare("ekonomi i balans", by="region", k=3)   # long form, one row per passage or fact

Reports are read through a content-keyed cache (rapport.app.cache), so a
second call on unchanged files reads pickles instead of re-parsing, and
search/compare reuse one opened corpus per set of files in a process.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from rapport.pipeline.records import OUTPUTS

from . import cache, frames
from .corpus import Corpus, CorpusError
from .frames import documents_frame, tables_frame

rapport_home = cache.rapport_home


def sample_corpus() -> Path:
    return Path(str(resources.files("rapport.corpus").joinpath("sample")))


def ingest(paths=None, manifest=None, show_progress: bool = False):
    """Read and structure every report under `paths` (default: the sample corpus) → (documents, errors)."""
    return cache.load_documents(list(paths or [sample_corpus()]), manifest, show_progress)


def summary(doc) -> dict:
    """What `rapport ingest --json` prints for one report."""
    return {"doc": doc.name, "region": doc.meta.region, "kind": doc.meta.kind, "period": doc.meta.period,
            "pages": len(doc.pages) or None, "sections": len(doc.sections), "sentences": len(doc.sentences),
            "tables": len(doc.tables), "warnings": doc.warnings}


@dataclass
class ExtractResult:
    documents: list
    frames: dict[str, pd.DataFrame]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    written: dict[str, int] = field(default_factory=dict)

    def __repr__(self) -> str:
        counts = ", ".join(f"{k} {len(v)}" for k, v in self.frames.items())
        return (f"<ExtractResult {len(self.documents)} reports; {counts}; {len(self.errors)} errors, "
                f"{len(self.warnings)} warnings>")


def extract(paths=None, out=None, manifest=None, show_progress: bool = False, corpus: Corpus | None = None
            ) -> ExtractResult:
    """Read, run the pipeline (cached per report) and, with `out`, write every output file.

    The output folder is committed whole (old or new run, never a mix); a run that
    read no report leaves it untouched. `corpus`: one already read and extracted
    (by another engine, rapport.app.engines), written the same way.
    """
    c = corpus or Corpus(paths, manifest=manifest, show_progress=show_progress)
    docs = c.docs
    ex = c.extraction
    kinds = ["documents", *ex.records, "tables"]
    result = ExtractResult(docs, {k: c.facts(k) for k in kinds}, c.errors + ex.errors, list(ex.warnings), ex.seconds)
    result.frames["unlinked"] = c.facts("unlinked")
    if out is not None and docs:
        from .exports import write_extraction

        facts = {k: v for k, v in result.frames.items() if k != "unlinked"}
        result.written, extra = write_extraction(out, docs, facts, ex.records, ex.unlinked)
        result.warnings += extra
    return result


# --- search ---------------------------------------------------------------
def index_dir_for(paths=None) -> Path:
    """The index folder of every corpus: indexes inside are keyed by content, not by `paths`.

    rapport.index.store picks the generation from the reports' content, the model
    and the settings, so a copied or moved corpus opens the index it already has
    and two corpora never overwrite each other. `paths` is accepted for callers
    of the old path-keyed version and ignored.
    """
    return rapport_home() / "index"


def _stamp(paths) -> tuple:
    """(path, size, mtime) of every file under paths: an edited corpus opens afresh."""
    out = []
    for p in map(Path, paths):
        files = [p] if not p.is_dir() else sorted(x for x in p.rglob("*") if x.is_file())
        for f in files:
            try:
                st = f.stat()
                out.append((str(f), st.st_size, st.st_mtime_ns))
            except OSError:
                out.append((str(f), None, None))
    return tuple(out)


@lru_cache(maxsize=4)
def _opened(paths: tuple, stamp: tuple, model) -> Corpus:
    return Corpus(list(paths), model=model)


def open_corpus(paths=None, model=None) -> Corpus:
    """The process's opened Corpus for these files (reopened when a file changed)."""
    paths = tuple(str(p) for p in (paths or [sample_corpus()]))
    return _opened(paths, _stamp(paths), None if model is None else str(model))


def searcher(paths=None, show_progress: bool = False, **_):
    """The hybrid Searcher of a corpus (built or reused), e.g. for bench scripts."""
    return open_corpus(paths).searcher


def search(query: str, paths=None, k: int = 10, **filters) -> pd.DataFrame:
    return open_corpus(paths).search(query, k=k, **filters)


def compare(query: str, paths=None, by: str = "region", k: int = 5, **filters) -> pd.DataFrame:
    return open_corpus(paths).compare(query, by=by, k=k, **filters)


def compare_groups(df: pd.DataFrame, query: str, by: str) -> dict:
    """The long compare frame as JSON-ready groups: {group: {"passages": [...], "<kind>": [...]}}."""
    groups: dict[str, dict] = {}
    for g, frame in df.groupby("group", sort=False):
        entry = {"passages": []} | {k: [] for k in frames.FACT_KINDS}
        for what, rows in frame.groupby("what", sort=False):
            key = "passages" if what == "passage" else str(what)
            entry[key] = [{k: v for k, v in r.items() if v is not None and k not in ("group", "what")}
                          for r in frames.records(rows.dropna(axis=1, how="all"))]
        groups[str(g)] = entry
    return {"query": query, "by": by, "no_good_match": bool(df.attrs.get("no_good_match", False)),
            "match": df.attrs.get("match"), "groups": groups}


__all__ = ["ingest", "extract", "search", "compare", "compare_groups", "searcher", "open_corpus", "summary",
           "tables_frame", "documents_frame", "sample_corpus", "ExtractResult", "OUTPUTS", "Corpus", "CorpusError"]
