"""The `rapport` command. Results go to stdout, messages and progress to stderr.

Every argument is checked before any work (a bad `--k` or `--by` answers at
once), every error is one line naming the file or parameter with a non-zero
exit, and heavy imports (spaCy, torch, faiss) happen inside the commands, so
`rapport --help` and a search on a built index answer in seconds.
"""
from __future__ import annotations

import os

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from typer.core import TyperGroup

try:  # typer vendors click from 0.2x on; older typer uses click itself
    from typer._click import exceptions as cx
except ImportError:  # pragma: no cover
    from click import exceptions as cx

from rapport import __version__

from .cli_render import safe, visible

MAX_K = 1000
BY_CHOICES = ("region", "period", "doc", "kind")
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False)


class Failure(Exception):
    """A one-line error for the user; the command exits with `code`."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


class OneLineGroup(TyperGroup):
    """Click's usage errors as one line ('error: …'), and no traceback for anything we expected."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args, prog_name or "rapport", complete_var, standalone_mode=False, **extra)
        except (typer.Exit, getattr(cx, "Exit", typer.Exit)) as e:
            code = e.exit_code
        except cx.NoArgsIsHelpError as e:
            out.print(e.format_message(), markup=False, highlight=False)
            code = 0
        except cx.ClickException as e:
            err.print(f"[red]error:[/red] {safe(e.format_message())}" +
                      (f" (see rapport {e.ctx.info_name} --help)" if getattr(e, "ctx", None) and e.ctx.parent else ""))
            code = e.exit_code
        except (typer.Abort, getattr(cx, "Abort", typer.Abort), KeyboardInterrupt):
            err.print("[red]error:[/red] interrupted")
            code = 130
        except Failure as e:
            err.print(f"[red]error:[/red] {safe(e)}")
            code = e.code
        except BrokenPipeError:  # `rapport search … | head`
            code = 0
        else:
            code = rv if isinstance(rv, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(cls=OneLineGroup, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None,
                  help="Swedish NLP for the reports of Swedish regions: ingest, extract, tables, links, search, "
                       "compare, plot, serve.")


def _version(value: bool):
    if value:
        out.print(f"rapport {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="print the version and exit"),
          verify: bool = typer.Option(False, "--verify", help="hash every index file when it is opened (sizes are "
                                      "always checked; hashes on first open): a damaged index is rebuilt")):
    """Swedish NLP for the reports of Swedish regions."""
    if verify:
        from rapport.index.store import VERIFY_ENV

        os.environ[VERIFY_ENV] = "1"  # read by the index store when it opens a generation in this process


# ---------------------------------------------------------------- shared checks
CorpusArg = typer.Argument(None, help="report files or folders (.txt, .pdf); default: the bundled sample corpus",
                           show_default=False)
CorpusOpt = typer.Option(None, "--corpus", help="report files or folders (repeatable); default: the bundled sample "
                                                "corpus", show_default=False)
ManifestOpt = typer.Option(None, "--manifest", help="TSV/CSV with file, region, kind, period for each report")
JsonOpt = typer.Option(False, "--json", help="print JSON (one object per line) instead of tables")
RegionOpt = typer.Option(None, "--region", help="only this region (as in the reports: Norrbotten, Västerbotten …)")
DocOpt = typer.Option(None, "--doc", help="only this report (its file name)")
KindOpt = typer.Option(None, "--kind", help="only this kind of report (årsredovisning, delårsrapport …)")
SectionOpt = typer.Option(None, "--section", help="only passages whose section path contains this text")
FromOpt = typer.Option(None, "--from", help="only reports of this period or later (2022 or 2022-08)")
EngineOpt = typer.Option("local", "--engine", help="where the work runs: local (this process) or ray (Ray Data "
                                                   "pipelines; a local Ray unless --address)")
AddressOpt = typer.Option(None, "--address", help="with --engine ray: a Ray cluster to join (ray://host:10001, "
                                                 "host:6379 or auto)")
ToOpt = typer.Option(None, "--to", help="only reports of this period or earlier (2022 or 2022-08)")
StoreOpt = typer.Option(None, "--store", help="where the dense vectors live: faiss:DIR (default, the index folder) "
                                               "or a database such as lancedb:DIR (see `rapport stores`)")


def _progress() -> bool:
    return sys.stderr.isatty()


def _say_errors(errors: list[str]) -> None:
    for e in errors:
        err.print(f"[red]error:[/red] {safe(e)}")


def _check_k(k: int) -> int:
    if not 1 <= k <= MAX_K:
        raise Failure(f"--k must be from 1 to {MAX_K}, not {k}", 2)
    return k


def _check_query(q: str | None) -> str:
    from .corpus import MAX_QUERY_CHARS

    if q is None or not q.strip():
        raise Failure("the query is empty", 2)
    if len(q) > MAX_QUERY_CHARS:
        raise Failure(f"the query is {len(q):,} characters long; at most {MAX_QUERY_CHARS:,}", 2)
    return q


def _check_inputs(paths: list[Path] | None, what: str = "CORPUS") -> None:
    for p in paths or []:
        if not p.exists():
            raise Failure(f"{visible(p)}: no such file or folder ({what})")


def _check_period(name: str, value: str | None) -> None:
    import re

    if value is not None and not re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2]))?", value):
        raise Failure(f"{name} must look like 2022 or 2022-08, not {value!r}", 2)


def _check_out_file(path: Path | None, flag: str) -> None:
    """A file we will write: its folder must exist and it must not be a folder."""
    if path is None:
        return
    if path.is_dir():
        raise Failure(f"{flag} {visible(path)}: is a folder; give a file name", 2)
    if not path.parent.is_dir():
        raise Failure(f"{flag} {visible(path)}: folder {visible(path.parent)} does not exist", 2)


def _check_store(uri: str | None) -> str | None:
    """A --store URI we can use (known scheme, library installed), checked before any work.

    Every command that searches passes here first, so the search settings read from the
    environment are checked here too: a bad RAPPORT_NATIONAL_PRIOR is one line, not a
    traceback after the index is loaded (or a 500 in the web app)."""
    from rapport.index.prior import PriorError, factor_from_env

    try:
        factor_from_env()
    except PriorError as e:
        raise Failure(str(e), 2) from None
    if uri is None:
        return None
    from rapport.index.stores import parse_store_uri

    try:
        return str(parse_store_uri(uri))
    except ValueError as e:
        raise Failure(f"--store: {e}", 2) from None


def _open(paths, manifest=None, store=None):
    from .corpus import Corpus

    return Corpus(paths or None, manifest=manifest, show_progress=_progress(), store=store)


def _opener(paths, store=None, **kw):
    """cli._open looked up at call time (tests swap it), given --store only when one was asked for."""
    import rapport.app.cli as me

    return me._open(paths, **kw, **({"store": store} if store else {}))


def _filters(c, **kw) -> dict:
    from .corpus import CorpusError

    try:
        return c.check_filters(kw)
    except CorpusError as e:
        raise Failure(str(e), 2) from None


def _run(fn, *a, **kw):
    """Call into the API; its expected failures become one line."""
    from .corpus import CorpusError
    from .corpus import query_errors as _query_errors

    try:
        return fn(*a, **kw)
    except (CorpusError, FileNotFoundError, RuntimeError) as e:
        raise Failure(str(e)) from None
    except _query_errors() as e:
        raise Failure(str(e), 2) from None



def _dump(obj) -> None:
    from .outputs import dumps

    sys.stdout.write(dumps(obj) + "\n")


# ---------------------------------------------------------------- commands
@app.command()
def ingest(corpus: Optional[list[Path]] = CorpusArg, as_json: bool = JsonOpt,
           manifest: Optional[Path] = ManifestOpt):
    """Read and structure reports; print what was found in each. Exits 1 if any input could not be read."""
    from . import api

    _check_inputs([manifest] if manifest else None, "--manifest")
    docs, errors = api.ingest(corpus, manifest=manifest, show_progress=_progress())
    _say_errors(errors)
    if as_json:
        for d in docs:
            _dump(api.summary(d))
    elif docs:
        from rich.table import Table

        t = Table("doc", "region", "kind", "period", "pages", "sections", "sentences", "tables", "warnings")
        for d in docs:
            s = api.summary(d)
            t.add_row(*(safe(v if not isinstance(v, list) else len(v)) for v in s.values()))
        out.print(t)
    if errors or not docs:
        raise typer.Exit(1)


@app.command()
def extract(corpus: Optional[list[Path]] = CorpusArg,
            out_dir: Path = typer.Option(..., "--out", help="output folder (created; replaced whole when the run "
                                                            "succeeds)"),
            manifest: Optional[Path] = ManifestOpt, engine: str = EngineOpt, address: Optional[str] = AddressOpt):
    """Extract goal assessments, aggregates, targets, risks, events, links and tables into --out
    (JSONL, Parquet, CSV and one Excel workbook)."""
    from . import engines
    from rapport.models.folders import clean_leftovers

    if out_dir.exists() and not out_dir.is_dir():
        raise Failure(f"--out {visible(out_dir)}: is a file, not a folder", 2)
    _check_inputs([manifest] if manifest else None, "--manifest")
    _check_engine(engine, address)
    for line in clean_leftovers(out_dir):
        err.print(f"[dim]{safe(line)}[/dim]")
    try:
        res = engines.extract(corpus, out=out_dir, manifest=manifest, show_progress=_progress(), engine=engine,
                              address=address)
    except engines.EngineError as e:
        raise Failure(str(e)) from None
    except OSError as e:
        raise Failure(f"--out {visible(out_dir)}: cannot write ({e.strerror or e})") from None
    _say_errors(res.errors)
    if not res.documents:
        raise Failure(f"no report could be read; {visible(out_dir)} left as it was")
    from rich.table import Table

    t = Table("file", "records", title=f"{len(res.documents)} reports → {safe(out_dir)} ({res.seconds:.1f} s)")
    for name, n in res.written.items():
        t.add_row(safe(name), str(n))
    err.print(t)
    if res.errors:
        raise typer.Exit(1)


def _check_engine(engine: str, address: str | None) -> None:
    from .engines import EngineError, check_engine

    try:
        check_engine(engine, address)
    except EngineError as e:
        raise Failure(str(e), 2) from None


@app.command()
def tables(corpus: list[Path] = typer.Argument(..., help="report files or folders", show_default=False),
           csv: Optional[Path] = typer.Option(None, "--csv", help="also write every cell (long form) to this CSV"),
           parquet: Optional[Path] = typer.Option(None, "--parquet", help="also write every cell to this Parquet file"),
           doc: Optional[str] = DocOpt):
    """Print the numeric tables recovered from every report given, report by report."""
    from . import api
    from .cli_render import table_views

    _check_inputs(corpus)
    _check_out_file(csv, "--csv")
    _check_out_file(parquet, "--parquet")
    docs, errors = api.ingest(corpus, show_progress=_progress())
    _say_errors(errors)
    if doc:
        docs = [d for d in docs if d.name == doc] or _no_such("--doc", doc, [d.name for d in docs])
    width = out.size.width
    for d in docs:
        out.rule(f"{safe(d.name)} · {len(d.tables)} tabeller")
        for tb in d.tables:
            for view in table_views(tb, width):
                out.print(view)
    cells = api.tables_frame(docs)
    from .outputs import atomic_file

    if csv:
        with atomic_file(csv) as tmp:
            cells.to_csv(tmp, index=False)
    if parquet:
        with atomic_file(parquet) as tmp:
            cells.to_parquet(tmp, index=False)
    if errors or not docs:
        raise typer.Exit(1)


def _no_such(flag: str, value: str, known: list[str]):
    raise Failure(f"{flag} {value!r} is not among the reports read: {', '.join(known)}", 2)


@app.command()
def links(doc: Path = typer.Argument(..., help="one report file", show_default=False), as_json: bool = JsonOpt):
    """Show each figure quoted in prose with the table cell behind it, and the contradictions."""
    from .cli_render import links_table

    _check_inputs([doc], "DOC")
    if doc.is_dir():
        raise Failure(f"{visible(doc)}: is a folder; give one report file", 2)
    c = _open([doc])
    _say_errors(c.errors)
    if not c.docs:
        raise typer.Exit(1)
    lk, cx = c.links, c.contradictions
    errors = c.extraction.errors
    _say_errors(errors)
    if as_json:
        from .frames import records

        for r in records(lk):
            _dump(r)
        for r in records(cx):
            _dump({"contradiction": True, **r})
    else:
        out.print(links_table(lk, out.size.width))
        if len(cx):
            from rich.table import Table

            t = Table("prose", "table", "row", "sentence", title="contradictions", style="red")
            for r in cx.to_dict("records"):
                t.add_row(safe(r["value"]), safe(r["table_value"]), f"{safe(r['table'])} / {safe(r['row'])}",
                          safe(str(r["text"])[:90]))
            out.print(t)
    if errors:
        raise typer.Exit(1)


@app.command("index")
def index_cmd(corpus: Optional[list[Path]] = CorpusArg, manifest: Optional[Path] = ManifestOpt,
              store: Optional[str] = StoreOpt, engine: str = EngineOpt, address: Optional[str] = AddressOpt):
    """Build or bring up to date the search index of the reports (and the --store database), then say
    what it holds. Searches build it on first use too; this does it ahead of time."""
    store = _check_store(store)
    _check_inputs(corpus)
    _check_inputs([manifest] if manifest else None, "--manifest")
    _check_engine(engine, address)
    if engine == "ray":  # read and embed on Ray; the Corpus below then finds the index up to date
        from . import engines
        from .corpus import Corpus

        try:
            _, docs, errors = engines.ray_index(corpus, manifest=manifest, show_progress=_progress(), address=address,
                                                log=lambda line: err.print(f"[dim]{safe(line)}[/dim]"))
        except engines.EngineError as e:
            raise Failure(str(e)) from None
        c = Corpus.from_parts(corpus or None, docs, errors, manifest=manifest, show_progress=_progress(),
                              **({"store": store} if store else {}))
    else:
        c = _opener(corpus, store, manifest=manifest)
    _say_errors(c.errors)
    s = _run(lambda: c.searcher)
    where = getattr(s, "store_uri", None) or f"faiss:{s.index_dir}"
    err.print(f"index: {len(s.manifest.get('documents', {}))} reports, {len(s)} passages, dense views "
              f"{', '.join(s.views)} in {safe(where)}")
    if c.errors:
        raise typer.Exit(1)


@app.command()
def stores():
    """Print the vector store schemes this installation can use, one per line (faiss first)."""
    from rapport.index.stores import available_stores

    for sch in available_stores():
        out.print(f"{sch.usage}\t{sch.help}", markup=False, highlight=False, soft_wrap=True)


from . import cli_search  # noqa: E402,F401  (registers search, compare, plot, serve on `app`)


def main() -> None:
    app()


if __name__ == "__main__":  # `python -m rapport.app.cli`: run the one module the commands registered on
    from rapport.app.cli import main as _registered_main

    _registered_main()
