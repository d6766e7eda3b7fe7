"""The cells of a goal/indicator row: the numbers in its free text, and the header columns they
fill when the row's cells line up with the header."""
from __future__ import annotations

import re

from rapport.corpus.atoms import Atom, atom_groupings, classify_atom, greedy_cells, tokens_with_gaps
from rapport.corpus.numbers import normalise_spaces, numbers_in_text, parse_number
from .blocks import MAX_ATOMS
from .owners import _CELL_WORDS


def _cell_numbers(cell_text: str, footnotes: set[str]) -> list[float]:
    """Numbers in a free-text cell; a footnote digit glued to a year or to the second
    half of a pair ('augusti 20217', '70/503' with footnote 3 on the page) is dropped."""
    t = re.sub(r"\b((?:19|20)\d\d)(\d)\b", lambda m: m.group(1) if m.group(2) in footnotes else m.group(0),
               cell_text)

    def pair(m):
        a, b = m.group(1), m.group(2)
        if len(b) == len(a) + 1 and b[-1] in footnotes:
            return f"{a}/{b[:-1]}"
        return m.group(0)
    t = re.sub(r"(?<![\d,])(\d{1,3})/(\d{2,4})(?![\d,])", pair, t)
    t = t.replace("/", " / ")
    return [v for v, s, e, u in numbers_in_text(t)]



def _align_indicator_cells(cell_text: str, footnotes: set[str], targets: list[str], n_values: int,
                           values: list[float]):
    """(cells, values, value_columns) when the row's cells line up with the header, else None.

    A cell is a number (read the usual way: "2 315" is one), a pair ("81/77", women/men),
    a dash (no value) or one status word ("Öka"); a year in parentheses annotates the cell
    before it ("8 (2020)"). Free text ("Ingen mätning före 2022") is never aligned. The
    cells must fill exactly the value columns, or those and the trailing text columns,
    and give the same numbers as `values`; when another grouping of the numbers could
    fill the value columns instead, the columns would be a guess and nothing is aligned.
    """
    if not targets or not n_values:
        return None
    t = re.sub(r"\b((?:19|20)\d\d)(\d)\b", lambda m: m.group(1) if m.group(2) in footnotes else m.group(0),
               normalise_spaces(cell_text))
    t = re.sub(r"(?<![\d,])(\d{1,3})/(\d{2,4})(?![\d,])",
               lambda m: f"{m.group(1)}/{m.group(2)[:-1]}" if len(m.group(2)) == len(m.group(1)) + 1
               and m.group(2)[-1] in footnotes else m.group(0), t)
    items: list[tuple[str, list[float]]] = []
    run: list[Atom] = []
    alternatives = 0  # extra cells another grouping of the runs could make

    def flush():
        nonlocal alternatives
        if run:
            cells = greedy_cells(run)
            items.extend((c.text, [] if c.value is None else [c.value]) for c in cells)
            # (past MAX_ATOMS the other readings are not counted: such a row is never aligned)
            alternatives += (max(len(g) for g in atom_groupings(run, limit=200)) - len(cells)
                             if len(run) <= MAX_ATOMS else MAX_ATOMS)
            run.clear()

    prev_word = False  # the token before was a status word
    for tok, start, end, gap in tokens_with_gaps(t):
        kind = classify_atom(tok)
        was_word, prev_word = prev_word, False
        if re.fullmatch(r"\((?:19|20)\d\d\)", tok):
            flush()
            if not items:
                return None
            items[-1] = (f"{items[-1][0]} {tok}", items[-1][1])
        elif kind in ("num", "pct", "dash"):
            run.append(Atom(tok, start, end, kind, gap))
        elif re.fullmatch(r"\d+(?:,\d+)?/\d+(?:,\d+)?%?", tok):
            flush()
            items.append((tok, [parse_number(x) for x in tok.rstrip("%").split("/")]))
        elif tok.lower().strip(".,") in _CELL_WORDS:
            flush()
            if items and not items[-1][1] and was_word:
                items[-1] = (f"{items[-1][0]} {tok}", [])  # "Delvis uppnått", "Ej uppnått": one status
            else:
                items.append((tok, []))
            prev_word = True
        else:
            return None  # free text
    flush()
    n = len(items)
    if n not in (len(targets), n_values):
        return None
    if alternatives and n < n_values <= n + alternatives:
        return None  # "1 200 1 350" read as 1, 200, 1 350 would fill the value columns
    got = [v for _, vs in items for v in vs]
    if got != list(values):
        return None
    names = [col for (_, vs), col in zip(items, targets) for _ in vs]
    return [txt for txt, _ in items], got, names
