"""Repair PDF-extraction damage while keeping a map back to the original offsets.

Each repair is a pure function from text to a list of edits (start, end,
replacement) on that text; `apply_edits` performs them and returns the new
text with its OffsetMap, and `clean` chains the stages and composes the maps.
Stages run in the order damage was done: characters, page furniture, blank
line interleaving, hyphenation, doubled slide text.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .records import OffsetMap

Edit = tuple[int, int, str]


@dataclass
class Cleaned:
    text: str
    offsets: OffsetMap  # cleaned offset -> raw offset
    page_starts: list[int]  # cleaned offsets where a page begins (page 1 at 0 when known)
    first_page: int = 1


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, OffsetMap]:
    """Apply non-overlapping edits; characters of a replacement map into the span they replace."""
    edits = sorted(edits)
    out, raw_of, pos = [], [], 0
    for start, end, repl in edits:
        if start < pos:
            continue  # overlapping edit: the earlier one wins
        out.append(text[pos:start])
        raw_of.append(np.arange(pos, start))
        out.append(repl)
        raw_of.append(np.minimum(np.arange(start, start + len(repl)), max(end - 1, start)))
        pos = end
    out.append(text[pos:])
    raw_of.append(np.arange(pos, len(text) + 1))
    return "".join(out), OffsetMap(np.concatenate(raw_of) if raw_of else np.zeros(1))


# --- stage 1: characters -------------------------------------------------
_SPACES = "\u00a0\u2007\u202f\u2009\u2002\u2003\u200a"  # tabs stay: they mark PDF table columns
_DELETE = "".join(chr(c) for c in list(range(0, 9)) + [11] + list(range(14, 32)) + [127]) + "\u200b\u200c\u200d\ufeff"
_CHAR_RE = re.compile(f"\r\n?|[{re.escape(_SPACES)}]|[{re.escape(_DELETE)}]|\u2011|\u00ad(?!\n)|\u00ad(?=\n)"
                      r"|.[\u0300-\u036f]+", re.S)


def character_edits(text: str) -> list[Edit]:
    """NFC for decomposed letters (PDFs give "o\u0308"), one kind of space, one kind of newline."""
    edits = []
    for m in _CHAR_RE.finditer(text):
        s = m.group()
        if s[0] == "\r":
            repl = "\n"
        elif s in _SPACES:
            repl = " "
        elif s == "\u2011":
            repl = "-"
        elif s == "\u00ad":
            # a soft hyphen before a line break is a hyphenation point; elsewhere it is invisible
            repl = "-" if m.end() < len(text) and text[m.end()] == "\n" else ""
        elif s in _DELETE:
            repl = ""
        else:
            repl = unicodedata.normalize("NFC", s)
        if repl != s:
            edits.append((m.start(), m.end(), repl))
    return edits


# --- stage 2: page furniture ----------------------------------------------
_PAGE_NO = re.compile(r"^[ \t]*(?:(?:sida|sid\.|s\.)\s*)?(\d{1,3})(?:\s*(?:\(|av|/)\s*\d{1,3}\)?)?[ \t]*$", re.I | re.M)


def page_number_lines(text: str) -> list[tuple[int, int, int]]:
    """(start, end, number) of lines that are page numbers.

    A lone number is a page number only when it continues an increasing run
    of such numbers (or follows a form feed): table cells and years alone on
    a line do not.
    """
    cands = [(m.start(), m.end() + 1, int(m.group(1))) for m in _PAGE_NO.finditer(text)]
    chosen, last = [], None
    for i, (s, e, n) in enumerate(cands):
        after_ff = text[max(0, s - 3):s].count("\f") > 0 or text[e - 1:e + 3].count("\f") > 0
        nxt = cands[i + 1][2] if i + 1 < len(cands) else None
        plausible = (last is not None and last < n <= last + 12) or (
            last is None and nxt is not None and n < nxt <= n + 12 and n < 400)
        if n > 0 and (plausible or after_ff):
            chosen.append((s, min(e, len(text)), n))
            last = n
    return chosen


def furniture_edits(text: str) -> tuple[list[Edit], list[tuple[int, int]]]:
    """Remove page numbers and the running header/footer lines around them.

    Returns edits and (offset in this text, page number) page anchors: a page
    number line ends its page. Running headers are short lines that recur next
    to at least three page breaks; lines recurring elsewhere (table headers)
    are left alone.
    """
    pages = page_number_lines(text)
    breaks = [s for s, _, _ in pages] + [m.start() for m in re.finditer("\f", text)]
    edits = [(s, e, "\n") for s, e, _ in pages]
    near: Counter[str] = Counter()
    where: dict[str, list[tuple[int, int]]] = {}
    for b in breaks:
        for m in _lines_around(text, b, 4):
            key = m[2].strip()
            if 0 < len(key) <= 90 and not _PAGE_NO.fullmatch(key):
                near[key] += 1
                where.setdefault(key, []).append((m[0], m[1]))
    for key, n in near.items():
        if n >= 3 and len(breaks) >= 3:
            edits += [(s, e, "\n") for s, e in where[key]]
    anchors = [(e, n) for s, e, n in pages]
    return edits, anchors


def _lines_around(text: str, pos: int, n: int):
    """Up to n non-blank lines before and after pos, as (start, end_incl_newline, text)."""
    out, i = [], pos
    for _ in range(n):  # backwards
        j = text.rfind("\n", 0, max(0, i - 1))
        line = text[j + 1:i]
        if j < 0 and i <= 0:
            break
        if line.strip():
            out.append((j + 1, i, line))
        i = j + 1
        if j < 0:
            break
    i = pos
    for _ in range(n + 1):  # forwards (the first is the page-number line itself)
        j = text.find("\n", i)
        if j < 0:
            break
        line = text[i:j]
        if line.strip() and i != pos:
            out.append((i, j + 1, line))
        i = j + 1
    return out


# --- stage 3: blank-line interleaving ---------------------------------------
def interleave_edits(text: str) -> list[Edit]:
    """Some dumps put a blank line after every line; collapse single blanks there.

    Detected per document: when most text lines are followed by exactly one
    blank line, a single blank is line spacing, not a paragraph break.
    """
    lines = text.split("\n")
    nonblank = [i for i, l in enumerate(lines) if l.strip()]
    if len(nonblank) < 20:
        return []
    single = sum(1 for i in nonblank if i + 2 < len(lines) and not lines[i + 1].strip() and lines[i + 2].strip())
    if single / len(nonblank) < 0.6:
        return []
    return [(m.start(), m.end(), "\n") for m in re.finditer(r"(?<=[^\n])[ \t]*\n[ \t]*\n(?=[^\n])", text)]


def trailing_space_edits(text: str) -> list[Edit]:
    return [(m.start(), m.end(), "") for m in re.finditer(r"[ \t]+(?=\n|\Z)|^[ \t]+(?=\n)", text, re.M)]


# --- stage 4: hyphenation ----------------------------------------------------
COORDINATORS = {"och", "eller", "samt", "respektive", "resp", "resp.", "till", "som", "men", "liksom",
                "inklusive", "inkl", "inkl.", "utan", "än", "alternativt", "plus", "mot", "&"}
_HYPH = re.compile(r"(\S*?)(\w)[-–][ \t]*\n(?:[ \t]*\n)?[ \t]*(?=(\S+))")
# Prefixes that keep their hyphen in Swedish writing ("icke-medicinsk", "it-stöd", "vice-ordförande").
HYPHEN_PREFIXES = {"it", "icke", "e", "ex", "vice", "non", "pre", "post", "anti", "semi"}
_MONTHS = {"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}


def hyphen_decision(left: str, right: str) -> str:
    """How a word broken as "left-⏎right" is rejoined: 'join', 'keep' (hyphen stays) or 'space'.

    Line-break hyphenation splits ordinary lowercase words; a hyphen that
    belongs to the text comes before a coordinator ("hälso- och"), a capital
    or digit ("EU-nivå", "covid-19"), or after an acronym, digit or single
    letter ("IT-stöd", "2023-2026", "e-hälsa").
    """
    word = re.sub(r"^\W+", "", right)
    bare = re.sub(r"\W+$", "", word).lower()
    if bare in COORDINATORS or word[:1] in ",/&":
        return "space"
    if not word or not word[0].isalpha() or word[0].isupper():
        return "keep"
    stem = re.sub(r"^.*[^\w]", "", left)  # the part after any earlier hyphen/slash
    if not stem or any(c.isdigit() for c in stem) or len(stem) == 1 or "/" in left:
        return "keep"
    if sum(c.isupper() for c in stem) >= 2 or stem.lower() in HYPHEN_PREFIXES:
        return "keep"  # acronyms ("IT-", "FoU-") and prefixes ("icke-")
    if stem.lower() in _MONTHS and bare in _MONTHS:
        return "keep"  # "april-maj"
    return "join"


def hyphen_edits(text: str) -> list[Edit]:
    edits = []
    for m in _HYPH.finditer(text):
        left = m.group(1) + m.group(2)
        dash = text[m.end(2)]
        decision = "keep" if dash == "–" else hyphen_decision(left, m.group(3))  # an en dash is never hyphenation
        hyphen_at = m.start(2) + 1
        if decision == "join":
            edits.append((hyphen_at, m.end(), ""))
        elif decision == "keep":
            edits.append((hyphen_at + 1, m.end(), ""))
        else:
            edits.append((hyphen_at + 1, m.end(), " "))
    return edits


# --- stage 5: doubled slide text --------------------------------------------
_DOUBLE_BULLET = re.compile(r"^([ \t]*)([•●▪\-–])\2[ \t]*(.+?)[ \t]*$", re.M)


def doubled_text_edits(text: str) -> list[Edit]:
    """Slide dumps print "•• phrase phrase" (or "phrasephrase"): keep one bullet and one phrase."""
    edits = []
    for m in _DOUBLE_BULLET.finditer(text):
        body = m.group(3)
        single = _undouble(body)
        edits.append((m.start(2), m.end(3), f"{m.group(2)} {single}"))
    return edits


def _undouble(s: str) -> str:
    n = len(s)
    if n % 2 == 1 and s[n // 2] == " " and s[: n // 2] == s[n // 2 + 1:]:
        return s[: n // 2]
    if n % 2 == 0 and s[: n // 2] == s[n // 2:]:
        return s[: n // 2]
    return s


# --- the chain -------------------------------------------------------------
def clean(raw: str, page_starts: list[int] | None = None) -> Cleaned:
    text, omap = raw, OffsetMap.identity(len(raw))
    page_marks = [(s, i + 1) for i, s in enumerate(page_starts or [])]  # (offset, page) in current text

    def step(edits: list[Edit]) -> None:
        nonlocal text, omap, page_marks
        new, m = apply_edits(text, edits)
        inv = _inverse(m, len(text))
        page_marks = [(int(inv[o]), p) for o, p in page_marks]
        text, omap = new, omap.then(m)

    step(character_edits(text))
    furn, anchors = furniture_edits(text)
    if not page_marks and anchors:
        # a page-number line ends its page: page n+1 starts right after it
        page_marks = [(0, max(anchors[0][1], 1))] + [(e, n + 1) for e, n in anchors]
    step(furn)
    step(interleave_edits(text))
    step(trailing_space_edits(text))
    step(hyphen_edits(text))
    step(doubled_text_edits(text))
    step(_collapse_blank_runs(text))
    step([(m.start(), m.end(), "\n\n") for m in re.finditer(r"\f+", text)])
    first = page_marks[0][1] if page_marks else 1
    return Cleaned(text, omap, sorted({o for o, _ in page_marks}), first)


def _collapse_blank_runs(text: str) -> list[Edit]:
    edits = [(m.start(), m.end(), "\n\n") for m in re.finditer(r"\n(?:[ \t]*\n){2,}", text)]
    lead = re.match(r"\s+", text)
    if lead:
        edits.append((0, lead.end(), ""))
    return edits


def _inverse(m: OffsetMap, old_len: int) -> np.ndarray:
    """For each old offset, the first new offset at or after it (old offsets that were deleted move forward)."""
    inv = np.searchsorted(m.raw_of, np.arange(old_len + 1), side="left")
    return np.minimum(inv, len(m.raw_of) - 1)
