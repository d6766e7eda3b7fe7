"""Which line names a table: ranked candidates above and inside it."""
from __future__ import annotations

import re
from .header import _UNIT_PAREN
from .lexicon import _GOAL_LINE, _TITLE_CUE, _is_period, _known_header_word
from .lines import _Line

_CODE_WORD = re.compile(r"[A-ZÅÄÖ]{2,5}")
_CAPTION = re.compile(r"^\s*(?:tabell|figur|diagram)\s*\d*\s*[:.]?\s*", re.I)
_STATEMENT = re.compile(
    r"räkning|redovisning|kassaflöde|balanskrav|resultatbudget|balansbudget|driftbudget|budget och plan|"
    r"investeringsplan|investeringsbudget|nyckeltal|resultatutjämning|sammanställning|pensionsmedel|"
    r"\bnoter\b|\(?belopp i\b|\((?:mkr|mnkr|tkr|mdkr|procent|%|antal)\)|\b(?:mkr|mnkr|tkr)$", re.I)
_NUMBER_END_OK = re.compile(r"\b(?:mål|delmål|not|tabell|figur|bilaga|nr|kapitel|område)\s+\d{1,3}$", re.I)


def _title_rank(text: str) -> int:
    """How well a line names a table: 4 a caption ("Tabell: …") or a note ("Not 3 …"),
    3 a statement or a unit ("Resultaträkning", "(mnkr)"), 2 a goal line or another title
    word, 1 a short plain line, 0 not a title (a period fragment, column words, a
    sentence, a bullet, a running header ending in a page number)."""
    t = text.strip()
    if not t or len(t) > 110 or re.match(r"^[•●▪\-–*]", t) or not t[:1].isupper() and not t[:1].isdigit() \
            and not t.startswith("("):
        return 0
    if _CAPTION.match(t) and len(_CAPTION.sub("", t)) >= 3:
        return 4
    if re.match(r"^not(?:er)?\s+\d{1,2}\b", t, re.I):
        return 4
    toks = t.split()
    if all(_is_period(x) or _known_header_word(x) for x in toks) and not any(_UNIT_PAREN.match(x) for x in toks):
        return 0  # "jan–aug", "Utfall 2022", "Budget": column words
    if re.fullmatch(r"\w+\s*/\s*\w+", t) and _known_header_word(toks[0]):
        return 0  # "Nämnd / Styrelse": the label column's name
    if any(_CODE_WORD.fullmatch(x) and y[:1].isupper() and not _CODE_WORD.fullmatch(y)
           for x, y in zip(toks[1:], toks[2:])):
        return 0  # "Ny process framtagen RUN Planerad insats": an owner code inside a goal table's row
    if (t.endswith(".") and len(toks) > 4) or re.search(r"[a-zåäö]{2}\. [A-ZÅÄÖ]", t):
        return 0
    if re.search(r"\s\d{1,3}$", t) and not _NUMBER_END_OK.search(t):
        return 0  # "Regionplan och budget 2023–2025 Region Västerbotten 3": a page header
    if _STATEMENT.search(t):
        return 3
    if _GOAL_LINE.match(t) or re.match(r"^(framgångsfaktor|målområde|strategiskt mål|fokusområde)\s*:", t, re.I) \
            or _TITLE_CUE.search(t):
        return 2
    return 1


def _is_name_fragment(ln: _Line) -> bool:
    """A piece of a wrapped column name: a text line of one to three words without digits."""
    return ln.kind == "text" and 1 <= len(ln.text.split()) <= 3 and not re.search(r"\d|[.:;]$", ln.text)


def _adjacent(a: _Line, b: _Line, block_lines) -> bool:
    """Is `a` the non-blank line right before `b`? (Lines outside the block count as adjacent
    when their numbers say only blank lines can lie between.)"""
    nos = sorted({ln.no for ln in block_lines if a.no < ln.no < b.no})
    return not nos and (b.no - a.no <= 2 or a.no + 1 == b.no)


def _clean_title(t: str) -> str:
    return _CAPTION.sub("", t).strip() or t.strip()


def _find_title(nb: list[_Line], first_idx: int) -> list[_Line]:
    """Lines above a table that may name it, nearest first: up to six lines, not past
    another table's rows; past a paragraph only a "Tabell: …" caption (the layout may put
    text between a caption and its table). `_title_rank` decides among them."""
    out: list[_Line] = []
    prose = False
    for k in range(first_idx - 1, max(-1, first_idx - 9), -1):
        ln = nb[k]
        if ln.kind == "row" or re.match(r"^[•●▪◦*\-–]\s", ln.text):
            break  # another table, or a list: nothing above names this table
        if ln.kind == "prose" or len(ln.text) > 100:
            if not prose and _title_rank(ln.text.rstrip(":")) == 4:
                out.append(ln)  # "Not 6 Effekten på eget kapital …:" reads as a sentence
            prose = True
            continue
        if not prose or re.match(r"^\s*tabell\b", ln.text, re.I):
            out.append(ln)
        if len(out) >= 6:
            break
    return out
