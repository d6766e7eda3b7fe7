"""`rapport search`, `compare`, `plot` and `serve`: the commands that read a built corpus and index.

Registered on `rapport.app.cli.app`. Arguments are checked first, then the
corpus is opened from the content-keyed cache and the index reused, so with
both built a search costs the index load and one query (no re-ingest).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from . import cli
from .cli import (BY_CHOICES, CorpusOpt, DocOpt, Failure, FromOpt, JsonOpt, KindOpt, RegionOpt, SectionOpt, StoreOpt,
                  ToOpt, _check_inputs, _check_k, _check_period, _check_query, _check_store, _dump, _filters, _run,
                  _say_errors, app, err, out)


def _open(paths, store=None):
    return cli._opener(paths, store)  # looked up at call time, so tests (and callers) can swap the opener
from .cli_render import compare_view, hits_table, safe, visible


def _no_good_match(hits) -> str | None:
    """The searcher's calibrated flag, when it sets one (DataFrame.attrs), as a line for the reader."""
    flag = getattr(hits, "attrs", {}).get("no_good_match")
    return "ingen träff passar frågan väl (no good match)" if flag else None


@app.command()
def search(query: Optional[str] = typer.Argument(None, help="what to look for, in Swedish or English",
                                                 show_default=False),
           corpus: Optional[list[Path]] = CorpusOpt,
           k: int = typer.Option(10, "--k", help=f"number of results (1-1000)"),
           region: Optional[str] = RegionOpt, doc: Optional[str] = DocOpt, kind: Optional[str] = KindOpt,
           section: Optional[str] = SectionOpt, period_from: Optional[str] = FromOpt,
           period_to: Optional[str] = ToOpt,
           batch: Optional[Path] = typer.Option(None, "--batch", help="a file with one query per line; prints one "
                                                                      "JSON object per query"),
           as_json: bool = JsonOpt, store: Optional[str] = StoreOpt):
    """Hybrid semantic + keyword search over the passages of the reports."""
    store = _check_store(store)
    _check_k(k)
    if batch is None:
        _check_query(query)
    elif query:
        raise Failure("give a QUERY or --batch FILE, not both", 2)
    _check_period("--from", period_from)
    _check_period("--to", period_to)
    _check_inputs(corpus)
    queries = [query] if batch is None else _read_queries(batch)
    c = _open(corpus, store)
    _say_errors(c.errors)
    flt = _filters(c, region=region, doc=doc, kind=kind, section=section, period_from=period_from,
                   period_to=period_to)
    for q in queries:
        hits = _run(c.search, q, k=k, **flt)
        flag = _no_good_match(hits)
        if as_json or batch:
            from .frames import records

            line = {"query": q, "no_good_match": bool(flag), "results": records(hits.drop(columns=["citation"]))}
            if hits.attrs.get("match") is not None:
                line["match"] = hits.attrs["match"]
            _dump(line)
        else:
            out.print(hits_table(q, hits, out.size.width, flag))


def _read_queries(path: Path) -> list[str]:
    from .corpus import MAX_QUERY_CHARS

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise Failure(f"--batch {visible(path)}: cannot read ({getattr(e, 'strerror', None) or e})", 2) from None
    queries = [ln.strip() for ln in lines if ln.strip()]
    if not queries:
        raise Failure(f"--batch {visible(path)}: no queries in it", 2)
    for i, q in enumerate(queries, 1):
        if len(q) > MAX_QUERY_CHARS:
            raise Failure(f"--batch {visible(path)}: line {i} is {len(q):,} characters; at most {MAX_QUERY_CHARS:,}", 2)
    return queries


@app.command()
def compare(query: str = typer.Argument(..., help="what to compare, in Swedish or English", show_default=False),
            by: str = typer.Option("region", "--by", help=f"group by {', '.join(BY_CHOICES)}"),
            corpus: Optional[list[Path]] = CorpusOpt,
            k: int = typer.Option(5, "--k", help="passages (and facts of each kind) per group (1-1000)"),
            region: Optional[str] = RegionOpt, doc: Optional[str] = DocOpt, kind: Optional[str] = KindOpt,
            period_from: Optional[str] = FromOpt, period_to: Optional[str] = ToOpt,
            as_json: bool = JsonOpt,
            width: Optional[int] = typer.Option(None, "--width", help="lay out for this many columns (default: "
                                                                      "the terminal's)"),
            store: Optional[str] = StoreOpt):
    """The best passages per region (period, report, kind) side by side, with the extracted goal
    assessments, risks and figures that bear on the query."""
    _check_query(query)
    _check_k(k)
    store = _check_store(store)
    if by not in BY_CHOICES:
        raise Failure(f"--by must be one of {', '.join(BY_CHOICES)}, not {by!r}", 2)
    if width is not None and not 40 <= width <= 1000:
        raise Failure(f"--width must be from 40 to 1000, not {width}", 2)
    _check_period("--from", period_from)
    _check_period("--to", period_to)
    _check_inputs(corpus)
    c = _open(corpus, store)
    _say_errors(c.errors)
    flt = _filters(c, region=region, doc=doc, kind=kind, period_from=period_from, period_to=period_to)
    df = _run(c.compare, query, by=by, k=k, **flt)
    if as_json:
        from .api import compare_groups

        _dump(compare_groups(df, query, by))
        return
    if width:
        out.width = width
    out.print(compare_view(query, by, df, width or out.size.width))


PLOTS = ("goals", "risks", "row")


@app.command()
def plot(what: str = typer.Argument(..., help="goals (status per region and period), risks (categories per region, "
                                              "per report) or row (one table row over time)", show_default=False),
         out_dir: Path = typer.Option(..., "--out", help="folder for the PNG and SVG files"),
         corpus: Optional[list[Path]] = CorpusOpt,
         row: Optional[str] = typer.Option(None, "--row", help="for `row`: the row label (case-insensitive "
                                                               "substring), e.g. 'Verksamhetens nettokostnad'"),
         region: Optional[str] = RegionOpt):
    """Draw a chart of the extracted facts as PNG and SVG."""
    if what not in PLOTS:
        raise Failure(f"plot one of {', '.join(PLOTS)}, not {what!r}", 2)
    if what == "row" and not (row and row.strip()):
        raise Failure("plot row needs --row LABEL", 2)
    if out_dir.exists() and not out_dir.is_dir():
        raise Failure(f"--out {visible(out_dir)}: is a file, not a folder", 2)
    _check_inputs(corpus)
    from . import plots

    c = _open(corpus)
    _say_errors(c.errors)
    if not c.docs:
        raise typer.Exit(1)
    flt = _filters(c, region=region)
    try:
        files = plots.draw(c, what, out_dir, row=row, region=flt.get("region"))
    except plots.NothingToPlot as e:
        raise Failure(str(e)) from None
    for f in files:
        out.print(safe(f))


@app.command()
def serve(corpus: Optional[list[Path]] = CorpusOpt,
          host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
          port: int = typer.Option(8000, "--port", help="port to listen on (1-65535)"),
          trusted_host: Optional[list[str]] = typer.Option(None, "--trusted-host",
                                                           help="extra Host header names to accept (repeatable); "
                                                                "the bind address and localhost always are"),
          store: Optional[str] = StoreOpt):
    """The web app: search with facets, compare, risks, goals, tables, downloads (http://HOST:PORT/)."""
    if not 1 <= port <= 65535:
        raise Failure(f"--port must be from 1 to 65535, not {port}", 2)
    store = _check_store(store)
    _check_inputs(corpus, "--corpus")
    c = _open(corpus, store)
    if not c.docs:
        raise Failure("; ".join(c.errors) or "no reports to serve")
    _say_errors(c.errors)
    if store:  # a database that is down answers now, in one line, not at the first request
        _run(lambda: c.searcher)
    import uvicorn

    from .web.app import create_app

    err.print(f"rapport: {len(c.docs)} reports on http://{host}:{port}/")
    uvicorn.run(create_app(corpus=c, host=host, trusted_hosts=trusted_host or []), host=host, port=port,
                log_level="warning")
