"""From a path to a structured Document: read → clean → tables → layout → metadata."""
from __future__ import annotations

import re
from pathlib import Path

from . import layout, meta
from .clean import clean
from .readers import find_report_files, read_file
from .records import Document, Metadata, ReadError, page_lookup, printable


MAX_ROW_CHARS = 400


def load_document(path: str | Path, manifest: dict[str, Metadata] | None = None) -> Document:
    """Raises ReadError (message: "<file>: <reason>") for anything unreadable."""
    path = Path(path)
    raw = read_file(path)
    cleaned = clean(raw.text, raw.page_starts)
    text = cleaned.text
    if not text.strip():
        raise ReadError(str(path), "no text left after cleaning")
    pages = cleaned.pages
    page_at = page_lookup(pages)

    tables, warnings = _find_tables(text, path.name, page_at)
    spans = [(t.start, t.end) for t in tables] + _numeric_runs(text, [(t.start, t.end) for t in tables])
    # a "row" longer than a few lines is a recovery slip that swallowed prose: not trusted as a row
    rows = [(r.start, r.end) for t in tables for r in t.rows if r.end - r.start <= MAX_ROW_CHARS]
    sections, blocks, sentences = layout.build(text, spans, page_at, rows)
    table_sentences = layout.table_sentences(text, blocks, page_at)
    warnings += layout.shape_warnings(path.name, text, sections, blocks)
    info = meta.merge(meta.infer(text), (manifest or {}).get(path.name))
    doc = Document(name=path.name, path=str(path), text=text, offsets=cleaned.offsets, meta=info, pages=pages,
                   sections=sections, blocks=blocks, sentences=sentences, table_sentences=table_sentences,
                   tables=tables, warnings=warnings)
    if info.region is None:
        doc.warnings.append(f"{path.name}: region not found in the text; pass a manifest")
    doc.warnings = [printable(w) for w in doc.warnings]  # a file name may hold a newline or an escape
    return doc


def load_corpus(paths: list[str | Path], manifest: str | Path | None = None,
                show_progress: bool = False) -> tuple[list[Document], list[str]]:
    """Every readable report under `paths`, and one error line for each path, folder, manifest or
    report that could not be read (or structured); a failure never costs the other reports."""
    files, errors = find_report_files(paths)
    man = {}
    for m in _manifests(paths, manifest):
        try:
            man.update(meta.read_manifest(m))
        except Exception as e:  # unreadable, undecodable or malformed: the reports still load, uninformed
            errors.append(f"{printable(str(m))}: manifest not read ({_reason(e)}); metadata inferred from the text")
    docs = []
    for f in _progress(files, show_progress, "reading reports"):
        try:
            docs.append(load_document(f, man))
        except ReadError as e:
            errors.append(str(e))
        except Exception as e:  # a bug on one report's text must not cost the others
            errors.append(f"{printable(str(f))}: could not be structured ({_reason(e)})")
    return docs, errors


def _manifests(paths, manifest) -> list[Path]:
    if manifest:
        return [Path(manifest)]
    out = []
    for p in map(Path, paths):
        try:
            if p.is_dir() and (p / "MANIFEST.tsv").exists():
                out.append(p / "MANIFEST.tsv")
        except OSError:
            pass  # find_report_files has reported the folder
    return out


def _reason(e: Exception) -> str:
    text = str(e).splitlines()[0] if str(e) else ""
    return printable(f"{type(e).__name__}: {text[:160]}" if text else type(e).__name__)


def _find_tables(text: str, name: str, page_at):
    try:
        from .tables import find_tables
    except ImportError:
        return [], []
    try:
        return find_tables(text, doc=name, page_at=page_at)
    except Exception as e:  # a table bug must not lose the document's prose
        return [], [f"{name}: table recovery failed ({type(e).__name__}: {e})"]


_NUMERIC_LINE = re.compile(r"^[^\n]{0,80}?(?:[ \t]+[-−–+]?\(?\d[\d ,.]*\)?[ \t]*%?){2,}[ \t]*$|^[ \t]*[-−–+]?[\d ,.%]+[ \t]*$", re.M)


def _numeric_runs(text: str, known: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs of 3+ number-heavy lines that table recovery did not claim: kept out of prose anyway."""
    runs, cur = [], []
    for m in _NUMERIC_LINE.finditer(text):
        if any(s <= m.start() < e for s, e in known) or re.search(r"[a-zåäö]{3,}\.\s*$", m.group()):
            continue
        if cur and text[cur[-1][1]:m.start()].strip():
            if len(cur) >= 3:
                runs.append((cur[0][0], cur[-1][1]))
            cur = []
        cur.append((m.start(), m.end()))
    if len(cur) >= 3:
        runs.append((cur[0][0], cur[-1][1]))
    return runs


def _progress(items, show: bool, desc: str):
    if not show:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="file")
