"""The `rapport` command. Results go to stdout, messages and progress to stderr.

Heavy imports (spaCy, torch, faiss) happen inside the commands so that
`rapport --help` answers at once.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Swedish NLP for the reports of Swedish regions: ingest, extract, tables, search, compare.")
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)

CorpusArg = typer.Argument(None, help="Report files or folders (.txt, .pdf); default: the bundled sample corpus")


def _progress() -> bool:
    return sys.stderr.isatty()


def _report_errors(errors: list[str]) -> None:
    for e in errors:
        err.print(f"[red]error:[/red] {escape(str(e))}", soft_wrap=True)


def _dump(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


@app.command()
def ingest(corpus: Optional[list[Path]] = CorpusArg,
           as_json: bool = typer.Option(False, "--json", help="one JSON object per report"),
           manifest: Optional[Path] = typer.Option(None, help="TSV/CSV with file, region, kind, period")):
    """Read and structure reports; print what was found in each."""
    from . import api

    docs, errors = api.ingest(corpus, manifest=manifest, show_progress=_progress())
    _report_errors(errors)
    if as_json:
        for d in docs:
            _dump(api.summary(d))
    else:
        from rich.table import Table

        t = Table("doc", "region", "kind", "period", "pages", "sections", "sentences", "tables", "warnings")
        for d in docs:
            s = api.summary(d)
            t.add_row(*(str(v if not isinstance(v, list) else len(v)) for v in s.values()))
        out.print(t)
    if not docs:
        raise typer.Exit(1)


@app.command()
def extract(corpus: Optional[list[Path]] = CorpusArg,
            out_dir: Path = typer.Option(..., "--out", help="folder for the JSONL, Parquet and CSV files"),
            manifest: Optional[Path] = typer.Option(None)):
    """Extract goal assessments, aggregates, targets, risks, events, links and tables into DIR."""
    from . import api

    res = api.extract(corpus, out=out_dir, manifest=manifest, show_progress=_progress())
    _report_errors(res.errors)
    from rich.table import Table

    t = Table("file", "records", title=f"{len(res.documents)} reports → {out_dir} ({res.seconds:.1f} s)")
    for name, n in res.written.items():
        t.add_row(name, str(n))
    err.print(t)
    if res.errors:
        raise typer.Exit(1)


@app.command()
def tables(doc: Path = typer.Argument(..., help="one report file"),
           csv: Optional[Path] = typer.Option(None, "--csv", help="write the long-form cells to this CSV"),
           parquet: Optional[Path] = typer.Option(None, "--parquet", help="write the cells to this Parquet file")):
    """Print the numeric tables recovered from one report."""
    from rich.table import Table

    from . import api

    docs, errors = api.ingest([doc])
    _report_errors(errors)
    if not docs:
        raise typer.Exit(1)
    for tb in docs[0].tables:
        wide = tb.to_wide()
        t = Table(*(["row"] + [str(c) for c in wide.columns]),
                  title=f"{tb.id}: {tb.title or '(untitled)'} [{tb.unit or '?'}] check={tb.check}")
        for label, row in wide.iterrows():
            t.add_row(str(label), *("" if v != v else f"{v:,.2f}".replace(",", " ").rstrip("0").rstrip(".")
                                    for v in row))
        out.print(t)
    cells = api.tables_frame(docs)
    if csv:
        cells.to_csv(csv, index=False)
    if parquet:
        cells.to_parquet(parquet, index=False)


@app.command()
def links(doc: Path = typer.Argument(..., help="one report file"),
          as_json: bool = typer.Option(False, "--json")):
    """Show each figure quoted in prose with the table cell behind it, and the contradictions."""
    from rich.table import Table

    from . import api

    res = api.extract([doc])
    _report_errors(res.errors)
    lk, cx = res.frames["links"], res.frames["contradictions"]
    if as_json:
        for r in lk.to_dict("records"):
            _dump(r)
        for r in cx.to_dict("records"):
            _dump({"contradiction": True, **r})
        return
    t = Table("value", "unit", "table", "row", "column", "conf", "sentence", title="links")
    for r in lk.to_dict("records"):
        t.add_row(str(r["value"]), str(r["unit"]), str(r["table"]), str(r["row"]), str(r["column"]),
                  f"{r.get('confidence', 0):.2f}", r["text"][:90])
    out.print(t)
    if len(cx):
        t = Table("prose", "table", "row", "sentence", title="contradictions", style="red")
        for r in cx.to_dict("records"):
            t.add_row(str(r["value"]), str(r["table_value"]), f"{r['table']} / {r['row']}", r["text"][:90])
        out.print(t)


@app.command()
def search(query: Optional[str] = typer.Argument(None),
           corpus: Optional[list[Path]] = typer.Option(None, "--corpus", help="report files or folders"),
           k: int = typer.Option(10, "--k"),
           region: Optional[str] = typer.Option(None),
           doc: Optional[str] = typer.Option(None),
           kind: Optional[str] = typer.Option(None),
           section: Optional[str] = typer.Option(None),
           period_from: Optional[str] = typer.Option(None, "--from"),
           period_to: Optional[str] = typer.Option(None, "--to"),
           batch: Optional[Path] = typer.Option(None, "--batch", help="one query per line"),
           as_json: bool = typer.Option(False, "--json")):
    """Hybrid semantic + keyword search (Swedish or English queries)."""
    from . import api

    if not query and not batch:
        err.print("error: give a QUERY or --batch FILE")
        raise typer.Exit(2)
    filters = {k_: v for k_, v in dict(region=region, doc=doc, kind=kind, section=section,
                                       period_from=period_from, period_to=period_to).items() if v}
    try:
        s = api.searcher(corpus, show_progress=_progress())
    except (FileNotFoundError, RuntimeError) as e:
        err.print(f"[red]error:[/red] {escape(str(e))}")
        raise typer.Exit(1)
    queries = [query] if query else _read_queries(batch)
    for q in queries:
        hits = s.search(q, k=k, **filters)
        if as_json or batch:
            _dump({"query": q, "results": hits.to_dict("records")})
        else:
            _print_hits(q, hits)


def _read_queries(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        err.print(f"[red]error:[/red] {escape(f'{path}: {e}')}")
        raise typer.Exit(1)
    return [ln.strip() for ln in lines if ln.strip()]


def _print_hits(q: str, hits) -> None:
    from rich.table import Table

    t = Table("#", "score", "region", "doc", "section", "text", title=q)
    for r in hits.to_dict("records"):
        t.add_row(str(r["rank"]), f"{r['score']:.3f}", *(escape(str(x)) for x in (
            r["region"], r["doc"], r["section"] or "", r["text"][:200])))
    out.print(t)


@app.command()
def compare(query: str = typer.Argument(...),
            by: str = typer.Option("region", "--by"),
            corpus: Optional[list[Path]] = typer.Option(None, "--corpus"),
            k: int = typer.Option(5, "--k"),
            as_json: bool = typer.Option(False, "--json")):
    """The best passages per region side by side, with the facts that bear on the query."""
    from . import api

    try:
        res = api.compare(query, corpus, by=by, k=k, show_progress=_progress())
    except (FileNotFoundError, RuntimeError, ValueError) as e:
        err.print(f"[red]error:[/red] {escape(str(e))}")
        raise typer.Exit(1)
    if as_json:
        _dump(res)
        return
    from rich.columns import Columns
    from rich.panel import Panel

    def labels(f: dict, keys: tuple[str, ...]) -> str:
        # escaped: rich would take "[not_achieved]" for a style tag and print nothing
        return escape(f"[{', '.join(str(f.get(x)) for x in keys if f.get(x) is not None)}]")

    panels = []
    for group, entry in res["groups"].items():
        lines = [f"[bold]{i + 1}.[/bold] {escape(p['text'][:300])}\n[dim]{escape(p['doc'])} · "
                 f"{escape(p['section'] or '')} · {p['score']:.3f}[/dim]" for i, p in enumerate(entry["passages"])]
        for kind, keys in (("goal_assessments", ("status", "horizon")), ("risks", ("category",)),
                           ("links", ("value", "column"))):
            for f in entry[kind]:
                lines.append(f"[cyan]{kind}[/cyan] {labels(f, keys)} {escape(f['text'][:160])}")
        panels.append(Panel("\n".join(lines) or "(no passages)", title=f"{by}: {group}", expand=True))
    out.print(f"[bold]{query}[/bold]")
    out.print(Columns(panels, equal=True, expand=True))


@app.command()
def serve(corpus: Optional[list[Path]] = typer.Option(None, "--corpus"),
          host: str = typer.Option("127.0.0.1"), port: int = typer.Option(8000)):
    """A web page for search, comparison and plots."""
    import uvicorn

    from .web.app import create_app

    uvicorn.run(create_app(corpus), host=host, port=port)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        raise SystemExit(130)


if __name__ == "__main__":
    main()
