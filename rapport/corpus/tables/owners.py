"""Where indicator (goal follow-up) tables run, and the committee/owner codes their rows carry.

A goal table runs from its header ("Indikator Nämnd … Utfall …", "Styrmått Mål 2019 …") to the
next goal line, success factor, numbered heading or indicator header — and never past the
start of a financial table (a statement title or a period header over numeric rows): free-text
cells would otherwise swallow the numbers of the tables after them. Owner codes are learned
from the goal tables' own lines, never from a list of known committees.
"""
from __future__ import annotations

import re

from .lexicon import _FACTOR_LINE, _GOAL_LINE, _IND_HEADER, _NUMBERED_HEADING, _STATUS_WORDS, _TITLE_CUE, _header_tokens, _is_period
from .lines import _Line

_CELL_WORDS = _STATUS_WORDS | {"ja", "nej", "oförändrat", "bibehålls", "uppnås", "öka", "minska"}
_CODE = re.compile(r"[A-ZÅÄÖ]{2,5}")
# a financial statement's title: a statement word or a money unit ("(antal)" ends many indicator labels)
_FIN_TITLE = re.compile(r"räkning|redovisning|kassaflöde|balanskrav|budget|investering|\bnoter\b|belopp i|"
                        r"\((?:mkr|mnkr|tkr|mdkr)\)|\b(?:mkr|mnkr|tkr)\b", re.I)
_CELL_START = re.compile(r"^(?:[-−–]?\d|[-−–]$)")


def indicator_header(ln: _Line) -> bool:
    return bool(_IND_HEADER.match(ln.text) and re.search(r"nämnd|utfall|målvärde|mål 20\d\d", ln.text, re.I))


def _numeric_rows_follow(nb: list[_Line], j: int, within: int) -> bool:
    """Does a row with two or more numbers follow line j within `within` lines?"""
    return any(ln.kind == "row" and sum(1 for a in ln.atoms if a.kind == "num") >= 2
               for ln in nb[j + 1: j + 1 + within])


def _financial_start(nb: list[_Line], j: int) -> bool:
    """Does a financial table start at line j: a statement title ("Resultaträkning (mnkr)")
    or a header of two or more periods, over numeric rows?"""
    ln = nb[j]
    if _IND_HEADER.match(ln.text):
        return False
    if ln.kind in ("text", "header") and len(ln.text) <= 80 and _FIN_TITLE.search(ln.text) \
            and not any(re.search(r"\d", t) and not _is_period(t) for t in ln.text.split()):
        return _numeric_rows_follow(nb, j, 6)
    if ln.kind == "header" and _header_tokens(ln.text)[1] >= 2:
        return _numeric_rows_follow(nb, j, 3)
    return False


def _ends_region(nb: list[_Line], i: int, j: int) -> bool:
    t = nb[j].text
    return bool(_GOAL_LINE.match(t) or _IND_HEADER.match(t) or _FACTOR_LINE.match(t)
                or (_NUMBERED_HEADING.match(t) and len(t) <= 60 and not t.rstrip().endswith("."))
                or (j > i + 2 and _financial_start(nb, j)))


def regions(nb: list[_Line], heading_like) -> list[tuple[int, int]]:
    """(header index, end index) of every indicator table among the non-blank lines."""
    out = []
    i = 0
    while i < len(nb):
        if not indicator_header(nb[i]):
            i += 1
            continue
        j = i + 1
        while j < len(nb) and not _ends_region(nb, i, j):
            j += 1
        if j < len(nb) and _IND_HEADER.match(nb[j].text) and j - 1 > i + 1 and heading_like(nb[j - 1]):
            j -= 1  # the next table's title ("Kostnadseffektiv verksamhet") is not a cell of this one
        elif j < len(nb) and j - 1 > i + 1 and _financial_start(nb, j) and nb[j - 1].kind == "text" \
                and len(nb[j - 1].text) <= 100 and _TITLE_CUE.search(nb[j - 1].text):
            j -= 1  # nor is the caption of the financial table that ends it ("Tabell: …")
        out.append((i, j))
        i = max(j, i + 1)
    return out


def learn_codes(region: list[_Line]) -> set[str]:
    """The committee/owner codes of an indicator table, learned from its own lines.

    The owner column sits between a row's label and its cells, so on each line the
    candidate is the first standalone word of two to five capitals, outside parentheses
    (an acronym in brackets is the label's), that ends the label: followed by a cell (a
    number, a dash, a status word), by a capitalised cell text or by the end of the line
    — not by a lower-case word ("BE med tillgång": an acronym inside a label) nor by
    another code ("FVIS RS": the last one is the owner), and not after a cell. A candidate
    is a code when it is followed by a cell, starts its line, or recurs on two or more lines.
    """
    lines_of: dict[str, set[int]] = {}
    codes: set[str] = set()
    for k, ln in enumerate(region):
        toks, depth = [], 0
        for t in ln.text.split():
            depth += t.count("(") - t.count(")")
            if depth <= 0 and not t.endswith(")"):
                toks.append(t)
            depth = max(depth, 0)
        for m, tok in enumerate(toks):
            if _CELL_START.match(tok):
                break  # the cells have begun: an owner code comes before them
            if not _CODE.fullmatch(tok):
                continue
            nxt = toks[m + 1] if m + 1 < len(toks) else ""
            cell = bool(_CELL_START.match(nxt)) or nxt.lower().strip(".,") in _CELL_WORDS
            if cell or not nxt or (nxt[:1].isupper() and not _CODE.fullmatch(nxt)):
                lines_of.setdefault(tok, set()).add(k)
                if cell or m == 0:
                    codes.add(tok)  # before a cell, or starting a line that a label ended above
                break
            if nxt[:1].islower():
                continue
    return codes | {t for t, ks in lines_of.items() if len(ks) >= 2}


_CODE = re.compile(r"[A-ZÅÄÖ]{2,5}")
# a financial statement's title: a statement word or a money unit ("(antal)" ends many indicator labels)
_FIN_TITLE = re.compile(r"räkning|redovisning|kassaflöde|balanskrav|budget|investering|\bnoter\b|belopp i|"
                        r"\((?:mkr|mnkr|tkr|mdkr)\)|\b(?:mkr|mnkr|tkr)\b", re.I)
_CELL_START = re.compile(r"^(?:[-−–]?\d|[-−–]$)")
