"""Slide dumps: text extracted from presentation slides puts each figure on its own line — right
after its label, or as a block of values after a block of labels. These become rows of their own
tables, or stay text; they are never read as rows of the table above or below.

Shapes (L: a short label line without numbers, V: a line of numbers only):
  own line   L V L V …        each value on the line after its label (two or more pairs)
  block      L L … L V V … V  n labels, then exactly n values, paired in order (n ≥ 2)
A block whose value count exceeds its label count (or falls more than two short: the lines
above the labels may be a title and text) cannot be paired without guessing: its value lines become text. Page references (small integers that never decrease, as in a contents
list with its page numbers on their own lines) are not figures.
"""
from __future__ import annotations

from dataclasses import replace
import re

from .lexicon import _is_period
from .lines import _Line

_WORD = re.compile(r"[A-Za-zÅÄÖåäöÉé]{3}")


def _value_line(ln: _Line) -> bool:
    return ln.kind == "row" and not ln.label and 1 <= len(ln.atoms) <= 8 \
        and any(a.kind == "num" for a in ln.atoms)


def _label_line(ln: _Line) -> bool:
    t = ln.text
    return ln.kind in ("text", "header") and len(t) <= 80 and bool(_WORD.search(t)) \
        and not re.search(r"[.!?;]\s*$", t) and not all(_is_period(w) for w in t.split())


def _page_refs(values: list[_Line]) -> bool:
    """Small whole numbers that never decrease: page numbers, not figures."""
    nums = []
    for v in values:
        if len(v.atoms) != 1 or not re.fullmatch(r"[1-9]\d{0,2}", v.atoms[0].text):
            return False
        nums.append(int(v.atoms[0].text))
    return nums == sorted(nums)


def _pair(label: _Line, value: _Line, start: int) -> _Line:
    """One row line from a label line and its value line (offsets: label start to value end)."""
    shift = len(label.text) + 1
    atoms = [replace(a, start=a.start + shift, end=a.end + shift, gap_before=a.gap_before if k else 1)
             for k, a in enumerate(value.atoms)]
    return _Line(value.no, start, value.end, f"{label.text} {value.text}", label.text, atoms, "row",
                 slide=True)


def _as_text(ln: _Line) -> _Line:
    return replace(ln, kind="text", label="", atoms=[])


def slide_rows(lines: list[_Line], taken: list[tuple[int, int]]) -> list[_Line]:
    """The lines with each slide-dump run replaced by row lines (marked `slide`); lines inside
    `taken` spans (goal tables already read) are left alone."""
    nb = [ln for ln in lines if ln.kind != "blank"]
    free = [not any(s <= ln.start < e for s, e in taken) for ln in nb]
    out: list[_Line] = []
    i = 0
    while i < len(nb):
        # own line: L V L V …
        j, pairs = i, []
        while j + 1 < len(nb) and free[j] and free[j + 1] and _label_line(nb[j]) and _value_line(nb[j + 1]) \
                and not (j + 2 < len(nb) and _value_line(nb[j + 2])):
            pairs.append((nb[j], nb[j + 1]))
            j += 2
        if len(pairs) >= 2:
            if _page_refs([v for _, v in pairs]):
                out += [x for lab, v in pairs for x in (lab, _as_text(v))]
            else:
                out += [_pair(lab, v, lab.start) for lab, v in pairs]
            i = j
            continue
        # block: L … L V … V
        a = i
        while a < len(nb) and free[a] and _label_line(nb[a]):
            a += 1
        b = a
        while b < len(nb) and free[b] and _value_line(nb[b]):
            b += 1
        n, m = a - i, b - a
        if n >= 2 and m >= 2:
            labels, values = nb[i:a], nb[a:b]
            if m <= n <= m + 2 and not _page_refs(values):
                # the labels nearest the values are theirs; lines above them are a title or text
                labels = labels[n - m:]
                out += nb[i:a - m]
                out += [_pair(lab, v, lab.start) for lab, v in zip(labels, values)]
            else:
                # values that cannot be paired with labels without guessing stay text
                out += nb[i:a] + [_as_text(v) for v in values]
            i = b
            continue
        out.append(nb[i])
        i += 1
    return out
