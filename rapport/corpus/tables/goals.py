"""Goal/indicator rows that carry no committee code: the cells are the run of cell tokens that
ends the line (numbers, dashes, pairs "81/77", status words), the label is what comes before.

Why a second reader: a region whose goal tables name no owner column (or one that puts the
owner in a heading) would otherwise lose every row of them to the "kept as text" warning.
Without a code between label and cells, the only boundary a line gives is where its trailing
cells begin; a label that wraps is joined from the lines around it — above when the line below
continues it ("Andel invånare som" / "röker dagligen 12 10 11"), below when the line after the
numbers continues the label above ("Andel invånare som 12 10 11" / "röker dagligen"). The
table is kept only when most of its rows' cells fill the header's value columns.
"""
from __future__ import annotations

import re

from rapport.corpus.atoms import classify_atom, tokens_with_gaps
from rapport.corpus.numbers import normalise_spaces
from .blocks import _clean_label, _label_continues
from .cells import _align_indicator_cells, _cell_numbers
from .header import _dehyphen_join
from .lexicon import _SENTENCE_END
from .lines import _Line
from .owners import _CELL_WORDS
from .records import TableRow

_PAIR = re.compile(r"\d+(?:,\d+)?/\d+(?:,\d+)?%?")
_YEAR_NOTE = re.compile(r"\((?:19|20)\d\d\)")


def _is_cell_token(tok: str) -> bool:
    return (classify_atom(tok) is not None or bool(_PAIR.fullmatch(tok)) or bool(_YEAR_NOTE.fullmatch(tok))
            or tok.lower().strip(".,") in _CELL_WORDS)


def cell_start(text: str) -> int | None:
    """Where the trailing cells of a goal row begin in `text` (None: the line has no cells, or
    nothing but cells). A "%" right after the label is the label's ("Andel %")."""
    toks = tokens_with_gaps(normalise_spaces(text))
    i = len(toks)
    while i > 0 and _is_cell_token(toks[i - 1][0]):
        i -= 1
    while i < len(toks) and classify_atom(toks[i][0]) == "pct":
        i += 1
    if i == 0 or i == len(toks):
        return None
    if not any(re.search(r"\d", t) or classify_atom(t) == "dash" for t, *_ in toks[i:]) and i < len(toks) - 2:
        return None  # three or more words with no number: text, not status cells
    return toks[i][1]


def plain_rows(region: list[_Line], text: str, footnotes: set[str], targets: list[str],
               n_values: int) -> list[TableRow]:
    """The rows of a goal table without owner codes, wrapped labels joined."""
    items: list[tuple[_Line, int | None]] = [(ln, cell_start(ln.text)) for ln in region]
    rows: list[dict] = []
    pending: list[_Line] = []
    for k, (ln, at) in enumerate(items):
        if at is None:
            if len(ln.text) <= 90 and not _SENTENCE_END.search(ln.text):
                pending.append(ln)
                continue
            if rows:
                break  # running text after the rows: the table has ended
            pending = []
            continue
        label = ln.text[:at].strip()
        if pending and rows and _below(rows[-1]["label"], pending[0].text, label):
            rows[-1]["label"] = _dehyphen_join(rows[-1]["label"], pending[0].text)
            rows[-1]["end"] = pending.pop(0).end
        above = []
        for p in reversed(pending):
            if len(above) < 3 and _label_continues(p.text, (above[0].text if above else label)):
                above.insert(0, p)
            else:
                break
        joined = ""
        for p in above:
            joined = _dehyphen_join(joined, p.text)
        rows.append({"label": _dehyphen_join(joined, label) if above else label,
                     "start": above[0].start if above else ln.start, "end": ln.end,
                     "cells": ln.text[at:].strip()})
        pending = []
    if pending and rows and _below(rows[-1]["label"], pending[0].text, ""):
        rows[-1]["label"] = _dehyphen_join(rows[-1]["label"], pending[0].text)
        rows[-1]["end"] = pending[0].end
    out, aligned_rows = [], 0
    for r in rows:
        label, note, foot = _clean_label(r["label"])
        if not label:
            continue
        vals = _cell_numbers(r["cells"], footnotes)
        row = TableRow(label=label, values=vals, start=r["start"], end=r["end"], text=text[r["start"]:r["end"]],
                       note=note, footnote=foot, cells=[r["cells"]])
        aligned = _align_indicator_cells(r["cells"], footnotes, targets, n_values, vals)
        if aligned is not None:
            row.cells, row.values, row.value_columns = aligned
            aligned_rows += 1
        out.append(row)
    # without a code, where a label ends is a guess that only the cells can confirm: the table
    # is read when most rows fill the header's value columns, else it stays text
    return out if aligned_rows >= max(2, 0.5 * len(out)) else []


def _below(label: str, line: str, next_label: str) -> bool:
    """Does `line` end the label above it rather than begin the next one?"""
    if next_label and (_label_continues(line, next_label) or not next_label[:1].isupper()):
        return False
    return _label_continues(label, line)
