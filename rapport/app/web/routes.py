"""The JSON endpoints. Every list can also be downloaded: `format=csv` or `format=xlsx` on the same URL.

Parameters are checked by FastAPI (types, ranges) and against the corpus
(region, doc, kind values: a 400 names the known ones); a parameter the
endpoint does not take is a 400 too, so a misspelt filter is never ignored.
"""
from __future__ import annotations

import io
import re

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from .. import frames, views
from ..corpus import BY, MAX_QUERY_CHARS, Corpus

FORMATS = ("json", "csv", "xlsx")
FACETS = ("region", "doc", "kind", "period", "section")
FACET_DEPTH = 100  # results the facet counts are taken over


def _known_params(request: Request) -> None:
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    allowed = {p.alias for p in dependant.query_params}
    for dep in dependant.dependencies:
        allowed |= {p.alias for p in dep.query_params}
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise HTTPException(400, f"unknown parameter(s) {', '.join(unknown)}; this endpoint takes "
                                 f"{', '.join(sorted(allowed)) or 'none'}")


router = APIRouter(prefix="/api", dependencies=[Depends(_known_params)])


def corpus(request: Request) -> Corpus:
    return request.app.state.corpus


Q = Query(..., min_length=1, max_length=MAX_QUERY_CHARS, description="the question, Swedish or English")
FMT = Query("json", pattern="^(json|csv|xlsx)$", description="json, or a csv / xlsx download")


def _filters(c: Corpus, **kw) -> dict:
    return c.check_filters(kw)


def respond(df: pd.DataFrame, fmt: str, name: str, payload: dict | None = None):
    """JSON (payload with the rows under "rows" unless given), or the rows as a CSV / Excel download."""
    if fmt == "csv":
        return Response(df.to_csv(index=False), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    if fmt == "xlsx":
        from ..exports import write_workbook

        buf = io.BytesIO()
        write_workbook(buf, {name[:31]: df})
        return Response(buf.getvalue(), headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return payload if payload is not None else {"rows": frames.records(df)}


# ------------------------------------------------------------------ corpus facts
@router.get("/meta", summary="What the corpus holds: regions, reports, kinds, periods, counts")
def meta(c: Corpus = Depends(corpus)):
    docs = c.documents
    return {"documents": frames.records(docs[["doc", "region", "kind", "period", "pages", "tables"]]),
            "regions": c.known("region"), "kinds": c.known("kind"), "periods": c.known("period"),
            "by": list(BY), "facts": {k: len(c.facts(k)) for k in frames.FACT_KINDS}, "errors": c.errors}


# ------------------------------------------------------------------ search
_WORD = re.compile(r"\w+", re.UNICODE)


def highlights(text: str, query: str) -> list[list[int]]:
    """Character spans of `text` that match a query word: same word start (stem of at least 4
    letters, so 'sjukfrånvaro' marks 'sjukfrånvaron') or, for long stems, inside a compound."""
    stems = {w.casefold()[: max(4, len(w) - 2)] for w in _WORD.findall(query) if len(w) >= 3}
    spans = []
    for m in _WORD.finditer(text):
        word = m.group().casefold()
        if any(word.startswith(s) or (len(s) >= 6 and s in word) for s in stems):
            spans.append([m.start(), m.end()])
    return spans


def _hits(c: Corpus, q: str, n: int, flt: dict) -> pd.DataFrame:
    return c.search(q, k=n, **flt)


def _facets(c: Corpus, q: str, flt: dict, hits: pd.DataFrame) -> dict:
    """Counts per value among the top FACET_DEPTH results, each facet counted without its own filter
    (so the other regions stay visible while one is chosen)."""
    out = {}
    for name in FACETS:
        own = ("period_from", "period_to") if name == "period" else (name,)
        if any(flt.get(o) for o in own):
            rest = {k: v for k, v in flt.items() if k not in own}
            base = _hits(c, q, FACET_DEPTH, rest)
        else:
            base = hits
        col = base[name].dropna().astype(str) if name in base else pd.Series(dtype=str)
        counts = col.value_counts()
        if name == "period":
            counts = counts.sort_index()
        out[name] = [{"value": v, "count": int(n)} for v, n in counts.head(12 if name == "section" else 50).items()]
    return out


@router.get("/search", summary="Hybrid search with facets, highlighting and paging")
def search(q: str = Q, k: int = Query(10, ge=1, le=100), offset: int = Query(0, ge=0, le=900),
           region: str | None = None, doc: str | None = None, kind: str | None = None,
           section: str | None = Query(None, max_length=200), period_from: str | None = None,
           period_to: str | None = None, format: str = FMT, c: Corpus = Depends(corpus)):
    flt = _filters(c, region=region, doc=doc, kind=kind, section=section, period_from=period_from,
                   period_to=period_to)
    depth = max(FACET_DEPTH, offset + k)
    hits = _hits(c, q, depth, flt)
    page = hits.iloc[offset:offset + k]
    if format != "json":
        return respond(page, format, "sok")
    rows = frames.records(page)
    for r in rows:
        r["highlights"] = highlights(r["text"], q)
    return {"query": q, "total": len(hits), "total_is_capped": len(hits) >= depth, "offset": offset, "k": k,
            "no_good_match": bool(hits.attrs.get("no_good_match", False)), "match": hits.attrs.get("match"),
            "results": rows,
            "facets": _facets(c, q, flt, hits), "filters": flt}


@router.get("/compare", summary="Best passages and bearing facts per region, period, report or kind")
def compare(q: str = Q, by: str = Query("region", pattern="^(region|period|doc|kind)$"),
            k: int = Query(5, ge=1, le=20), region: str | None = None, doc: str | None = None,
            kind: str | None = None, period_from: str | None = None, period_to: str | None = None,
            format: str = FMT, c: Corpus = Depends(corpus)):
    flt = _filters(c, region=region, doc=doc, kind=kind, period_from=period_from, period_to=period_to)
    df = c.compare(q, by=by, k=k, **flt)
    if format != "json":
        return respond(df, format, f"jamfor_{by}")
    groups = []
    for g, frame in df.groupby("group", sort=False):
        passages = frames.records(frame[frame["what"] == "passage"].dropna(axis=1, how="all"))
        for p in passages:
            p["highlights"] = highlights(p["text"], q)
        facts = {kind_: frames.records(part.dropna(axis=1, how="all"))
                 for kind_, part in frame[frame["what"] != "passage"].groupby("what", sort=False)}
        groups.append({"group": str(g), "passages": passages, "facts": facts})
    return {"query": q, "by": by, "no_good_match": bool(df.attrs.get("no_good_match", False)),
            "match": df.attrs.get("match"), "groups": groups, "filters": flt}


@router.get("/context", summary="A passage in its report: the text around it, its section and page")
def context(doc: str, start: int = Query(..., ge=0), end: int = Query(..., ge=0), width: int = Query(1500, ge=0,
                                                                                                      le=20000),
            c: Corpus = Depends(corpus)):
    if end < start:
        raise HTTPException(400, f"end ({end}) before start ({start})")
    return c.context(doc, start, end, width)


# ------------------------------------------------------------------ facts and views
@router.get("/facts/{kind}", summary="One kind of fact, paged (total says how many there are)")
def facts(kind: str, region: str | None = None, doc: str | None = None, offset: int = Query(0, ge=0),
          limit: int = Query(500, ge=1, le=5000), format: str = FMT, c: Corpus = Depends(corpus)):
    known = ["documents", *frames.FACT_KINDS, "contradictions", "tables", "unlinked"]
    if kind not in known:
        raise HTTPException(404, f"unknown fact kind {kind!r}; one of {', '.join(known)}")
    flt = _filters(c, region=region, doc=doc)
    df = c.facts(kind)
    for col, v in flt.items():
        if col in df:
            df = df[df[col].astype(str).str.casefold() == str(v).casefold()]
    if format != "json":
        return respond(df, format, kind)
    return {"kind": kind, "total": len(df), "offset": offset, "limit": limit,
            "rows": frames.records(df.iloc[offset:offset + limit])}


@router.get("/risks", summary="Risk statements with category/region/report filters and counts per report")
def risks(category: str | None = None, region: str | None = None, doc: str | None = None,
          format: str = FMT, c: Corpus = Depends(corpus)):
    flt = _filters(c, region=region, doc=doc)
    r = c.risks
    cats = [v for v in r["category"].cat.categories] if len(r) else []
    if category and category not in cats:
        raise HTTPException(400, f"unknown category {category!r}; known: {', '.join(cats)}")
    sel = r
    for col, v in [("category", category), *flt.items()]:
        if v:
            sel = sel[sel[col].astype(str).str.casefold() == str(v).casefold()]
    if format != "json":
        return respond(sel, format, "risker")
    base = r if not flt.get("region") else r[r["region"].astype(str).str.casefold() == flt["region"].casefold()]
    return {"total": len(sel), "categories": cats, "labels": views.CATEGORY_SV,
            "per_report": frames.records(views.risk_counts_per_report(base)),
            "per_region": frames.records(views.risk_rates(r, c.documents)),
            "items": frames.records(sel[["doc", "region", "period", "page", "section", "category", "score",
                                         "text", "start", "end"]])}


@router.get("/goals", summary="Goal dashboard: one status per goal × region × period × horizon")
def goals(region: str | None = None, horizon: str | None = Query(None, pattern="^(current|year_end|long_term)$"),
          format: str = FMT, c: Corpus = Depends(corpus)):
    flt = _filters(c, region=region)
    cells = views.goal_cells(c.goal_assessments)
    if flt.get("region"):
        cells = cells[cells["region"].astype(str).str.casefold() == flt["region"].casefold()]
    if horizon:
        cells = cells[cells["horizon"] == horizon]
    if format != "json":
        return respond(cells, format, "mal")
    return {"cells": frames.records(cells), "counts": frames.records(views.goal_counts(cells)),
            "statuses": views.STATUS_ORDER, "status_labels": views.STATUS_SV, "horizons": views.HORIZON_ORDER,
            "horizon_labels": views.HORIZON_SV, "colours": views.STATUS_COLOURS}


@router.get("/tables", summary="The recovered tables of the corpus (one row per table)")
def tables(doc: str | None = None, format: str = FMT, c: Corpus = Depends(corpus)):
    flt = _filters(c, doc=doc)
    cells = c.tables
    if flt.get("doc"):
        cells = cells[cells["doc"] == flt["doc"]]
    listing = (cells.groupby(["doc", "table"], sort=False)
               .agg(title=("title", "first"), unit=("unit", "first"), page=("page", "first"),
                    check=("check", "first"), region=("region", "first"), period=("period", "first"),
                    cells=("value", "size")).reset_index())
    links = c.links
    listing["links"] = [int((links["table_id"] == t).sum()) if "table_id" in links else 0 for t in listing["table"]]
    if format != "json":
        return respond(cells, format, "tabeller")
    return {"tables": frames.records(listing)}


@router.get("/table", summary="One table as a grid, with the prose sentences that cite its cells")
def table(id: str, format: str = FMT, c: Corpus = Depends(corpus)):
    cells = c.tables[c.tables["table"] == id]
    if cells.empty:
        known = c.tables["table"].drop_duplicates().head(50).tolist()
        raise HTTPException(404, f"unknown table {id!r}; e.g. {', '.join(map(str, known))}")
    if format != "json":
        return respond(cells, format, re.sub(r"[^\w.-]+", "_", id))
    rows = list(dict.fromkeys(cells["row"].astype(str)))
    cols = list(dict.fromkeys(cells["column"].astype(str)))
    grid = {(str(r), str(col)): v for r, col, v in zip(cells["row"], cells["column"], cells["value"])}
    lk = c.links[c.links["table_id"] == id] if "table_id" in c.links else c.links.iloc[0:0]
    first = cells.iloc[0]
    return {"id": id, "doc": first["doc"], "title": first["title"], "unit": first["unit"],
            "page": frames.plain(first["page"]), "check": frames.plain(first["check"]), "columns": cols,
            "rows": [{"label": r, "values": [frames.plain(grid.get((r, col))) for col in cols]} for r in rows],
            "links": frames.records(lk[["row", "column", "value", "unit", "text", "start", "end", "page"]])}


@router.get("/plot/{what}.{fmt}", summary="A chart as PNG or SVG: goals, risks, or row (with row=LABEL)")
def plot(what: str, fmt: str, row: str | None = Query(None, max_length=200), region: str | None = None,
         c: Corpus = Depends(corpus)):
    from .. import plots

    if what not in ("goals", "risks", "row") or fmt not in ("png", "svg"):
        raise HTTPException(404, "plots: /api/plot/{goals|risks|row}.{png|svg}")
    if what == "row" and not row:
        raise HTTPException(400, "plot row needs row=LABEL")
    flt = _filters(c, region=region)
    try:
        fig = plots.figure(c, what, row, flt.get("region"))
    except plots.NothingToPlot as e:
        raise HTTPException(404, str(e)) from None
    media = "image/png" if fmt == "png" else "image/svg+xml"
    return Response(plots.render(fig, fmt), media_type=media,
                    headers={"Content-Disposition": f'inline; filename="{what}.{fmt}"'})
