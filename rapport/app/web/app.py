"""FastAPI app: JSON endpoints over pipeline.api plus one static page.

The searcher and the extraction are built once, on first use, and kept for
the life of the server: both cost seconds, a query costs milliseconds.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import HTMLResponse

from .. import api


def create_app(corpus: list[Path] | None = None) -> FastAPI:
    paths = [Path(p) for p in corpus] if corpus else None
    app = FastAPI(title="rapport", description="Search and compare Swedish region reports")

    @lru_cache(maxsize=1)
    def searcher():
        return api.searcher(paths)

    @lru_cache(maxsize=1)
    def facts():
        return api.extract(paths)

    @app.get("/", response_class=HTMLResponse)
    def page() -> str:
        return resources.files("rapport.app.web").joinpath("static/index.html").read_text(encoding="utf-8")

    @app.get("/api/search")
    def search(q: str = Query(..., min_length=1), k: int = Query(10, ge=1, le=100),
               region: str | None = None, doc: str | None = None, kind: str | None = None):
        filters = {k_: v for k_, v in dict(region=region, doc=doc, kind=kind).items() if v}
        return {"query": q, "results": _records(searcher().search(q, k=k, **filters))}

    @app.get("/api/compare")
    def compare(q: str = Query(..., min_length=1), k: int = Query(5, ge=1, le=20)):
        return api.compare_with_facts(searcher(), facts(), q, k=k)

    @app.get("/api/facts/{kind}")
    def fact_table(kind: str, region: str | None = None):
        frames = facts().frames
        if kind not in frames:
            raise HTTPException(404, f"unknown fact kind {kind!r}; one of {sorted(frames)}")
        df = frames[kind]
        if region and "region" in df:
            df = df[df["region"] == region]
        return _records(df.head(2000))

    @app.get("/api/summary")
    def summary():
        """Counts for the plots: risk categories and goal statuses per region."""
        frames = facts().frames
        out = {}
        for kind, col in (("risks", "category"), ("goal_assessments", "status"), ("events", "type")):
            df = frames.get(kind)
            if df is not None and len(df):
                out[kind] = df.groupby(["region", col]).size().unstack(fill_value=0).to_dict("index")
            else:
                out[kind] = {}
        return out

    return app


def _records(df) -> list[dict]:
    return df.astype(object).where(df.notna(), None).to_dict("records")
