"""The entry point: every numeric and indicator table in a text, in text order, with warnings."""
from __future__ import annotations

from typing import Callable
import re
from .blocks import _blocks, _is_title_line, _split_subtables
from .build import _build_numeric
from .indicator import _indicator_tables
from .lines import _Line, _classify, _lines, _mark_contents, _mark_label_heads
from .records import Table
from .slides import slide_rows
from .titles import _find_title

# ====================================================================== entry point

def find_tables(text: str, *, doc: str = "", page_at: Callable[[int], int | None] | None = None
                ) -> tuple[list[Table], list[str]]:
    """All numeric and indicator tables in `text`, plus warnings naming doc and line.

    Tables come back in text order with non-overlapping spans.
    """
    lines = _lines(text)
    for ln in lines:
        _classify(ln)
    _mark_contents(lines)
    _mark_label_heads(lines)
    warnings: list[str] = []
    counter = [0]

    def next_id():
        counter[0] += 1
        return f"{_doc_stem(doc)}t{counter[0]:03d}"

    indicator, unread = _indicator_tables(lines, text, doc, page_at, next_id)
    taken = [(t.start, t.end) for t in indicator] + unread
    for s, _e in unread:
        no = text.count("\n", 0, s) + 1
        warnings.append(f"{doc}:{no}: goal table whose rows could not be read; kept as text")
    lines = slide_rows(lines, taken)
    nb = [ln for ln in lines if ln.kind != "blank"]
    index_of = {id(ln): k for k, ln in enumerate(nb)}
    numeric: list[Table] = []
    for block in _blocks(lines):
        # lines a goal table already holds are not this block's (its last label line is no
        # header of the statement below it)
        block = [ln for ln in block if not any(s <= ln.start < e for s, e in taken)]
        if not any(ln.kind == "row" for ln in block):
            continue
        for part in _chunks(_split_subtables(block), doc, warnings):
            first = part[0]
            title = _find_title(nb, index_of[id(first)])
            if any(_is_title_line(ln) for ln in part if ln.kind == "text"
                   and part.index(ln) < next(k for k, x in enumerate(part) if x.kind == "row")):
                title = []  # the table's own lines hold a title
            t = _build_numeric(part, text, doc, page_at, "", warnings, title)
            if t is None:
                continue
            if numeric and t.start < numeric[-1].end or any(s <= t.start < e for s, e in taken):
                t.start = min(r.start for r in t.rows)
            numeric.append(t)
    # notes tables share the unit of the statement they belong to ("NOTER (belopp i mkr)")
    for prev, t in zip(numeric, numeric[1:]):
        if t.unit is None and prev.unit and t.title and re.match(r"not(er)?\b", t.title, re.I) \
                and prev.title and re.match(r"not(er)?\b", prev.title, re.I) and t.line - prev.line < 80:
            t.unit = prev.unit
    tables = sorted(indicator + numeric, key=lambda t: t.start)
    for k, t in enumerate(tables, 1):
        t.id = f"{_doc_stem(doc)}t{k:03d}"
        warnings.extend(t.warnings)
    return tables, warnings


MAX_ROWS = 200  # rows solved together; the split search is quadratic in them


def _chunks(parts: list[list[_Line]], doc: str, warnings: list[str]) -> list[list[_Line]]:
    """Parts of at most MAX_ROWS rows: a longer table is read in pieces (each under the
    header lines of the first), so time stays linear in its length; a warning says so."""
    out = []
    for part in parts:
        rows = [k for k, ln in enumerate(part) if ln.kind == "row"]
        if len(rows) <= MAX_ROWS:
            out.append(part)
            continue
        head = part[: rows[0]]
        cuts = rows[::MAX_ROWS] + [len(part)]
        warnings.append(f"{doc}:{part[0].no}: table of {len(rows)} rows read in {len(cuts) - 1} pieces "
                        f"of at most {MAX_ROWS} rows")
        out.append(part[: cuts[1]])
        for a, b in zip(cuts[1:], cuts[2:]):
            out.append([ln for ln in head if ln.kind == "header"] + part[a:b])
    return out


def _doc_stem(doc: str) -> str:
    stem = re.sub(r"\.[a-z]+$", "", doc or "")
    return f"{stem}:" if stem else ""
