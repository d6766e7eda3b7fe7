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
from dataclasses import dataclass

import numpy as np

from .months import MONTH_WORDS
from .furniture import furniture
from .pages import dump_pages, physical_pages
from .records import OffsetMap, Page

Edit = tuple[int, int, str]
ROUNDS = 4  # the stages run again on their output until it stops changing, at most this often


@dataclass
class Cleaned:
    text: str
    offsets: OffsetMap  # cleaned offset -> raw offset
    pages: list[Page]  # the stretches whose page is known (corpus.pages), in cleaned offsets
    sheets: list[int] | None = None  # cleaned offsets where each PDF page / form-feed page starts


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


# --- stage 2: page furniture: corpus.furniture ----------------------------


# --- stage 3: blank-line interleaving ---------------------------------------
PAGE_WIDTH = 160      # characters: no wrapped line of a page or slide is wider
PARAGRAPH_LINES = 0.2  # this share of wider lines makes the lines paragraphs


def interleave_edits(text: str) -> list[Edit]:
    """Some dumps put a blank line after every line; collapse single blanks there.

    Detected per document: when most text lines are followed by exactly one
    blank line, a single blank is line spacing, not a paragraph break. Lines
    wider than a page (PAGE_WIDTH) are whole paragraphs, not wrapped ones: a
    dump with one paragraph per line and a blank between paragraphs has real
    paragraph breaks, and collapsing them would glue headings to prose.
    """
    lines = text.split("\n")
    nonblank = [i for i, l in enumerate(lines) if l.strip()]
    if len(nonblank) < 20:
        return []
    if sum(len(lines[i]) > PAGE_WIDTH for i in nonblank) >= PARAGRAPH_LINES * len(nonblank):
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
    if stem.lower() in MONTH_WORDS and bare in MONTH_WORDS:
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
    """Slide dumps print "•• phrase phrase" (or "phrasephrase"): keep one bullet and one phrase.

    Only deletions (and one space where the bullets touched the text), so every kept
    character still maps to itself in the raw text.
    """
    edits = []
    for m in _DOUBLE_BULLET.finditer(text):
        bullet, body = m.start(2), m.start(3)
        if body > bullet + 2:
            edits.append((bullet + 1, bullet + 2, ""))  # the second bullet; one space after it stays
            if body > bullet + 3:
                edits.append((bullet + 3, body, ""))
        else:
            edits.append((bullet + 1, bullet + 2, " "))
        single = _undouble(m.group(3))
        if len(single) < len(m.group(3)):
            edits.append((body + len(single), m.end(3), ""))
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
    """`page_starts`: raw offsets where each sheet starts (a PDF's pages); form feeds count too.

    The stages run again on their own output until it no longer changes (at most ROUNDS
    times): a repair can uncover another (a second header line now next to the break, a
    blank run that collapses next to a broken word), and a cleaned text must clean to itself.
    Page evidence is read in the first round only.
    """
    text, omap = raw, OffsetMap.identity(len(raw))
    marks = np.asarray(page_starts or [], dtype=np.int64)  # offsets carried through every stage

    def step(edits: list[Edit]) -> None:
        nonlocal text, omap, marks
        if not edits:
            return
        new, m = apply_edits(text, edits)
        marks = _inverse(m, len(text))[marks]
        text, omap = new, omap.then(m)

    step(character_edits(text))
    sheets = sorted(set(marks.tolist()) | {m.end() for m in re.finditer("\f", text)}) or None
    furn = furniture(text, sheets)
    if sheets is not None:
        pages = physical_pages(sheets, len(text), furn.printed)
    else:
        pages = dump_pages(furn.breaks, len(text), furn.footer) if furn.footer is not None else []
    marks = np.asarray([x for p in pages for x in (p.start, p.end)] + (sheets or []), dtype=np.int64)
    n_bounds = 2 * len(pages)
    for round_ in range(ROUNDS):
        before = text
        if round_:
            step(character_edits(text))
            step(furniture(text, None if sheets is None else marks[n_bounds:].tolist()).edits)
        else:
            step(furn.edits)
        step([(m.start(), m.end(), "\n\n") for m in re.finditer(r"\f+", text)])  # a page break is a paragraph break
        step(interleave_edits(text))
        step(trailing_space_edits(text))
        step(_collapse_blank_runs(text))  # before hyphenation, which bridges at most one blank line
        step(hyphen_edits(text))
        step(doubled_text_edits(text))
        if text == before:
            break
    bounds = marks[:n_bounds].reshape(-1, 2).tolist()
    return Cleaned(text, omap, [Page(p.number, s, e) for p, (s, e) in zip(pages, bounds) if e > s],
                   None if sheets is None else marks[n_bounds:].tolist())


def _collapse_blank_runs(text: str) -> list[Edit]:
    lead = re.match(r"\s+", text)
    start = lead.end() if lead else 0
    edits = [(0, start, "")] if lead else []
    return edits + [(m.start(), m.end(), "\n\n") for m in re.finditer(r"\n(?:[ \t]*\n){2,}", text)
                    if m.start() >= start]


def _inverse(m: OffsetMap, old_len: int) -> np.ndarray:
    """For each old offset, the first new offset at or after it (old offsets that were deleted move forward)."""
    inv = np.searchsorted(m.raw_of, np.arange(old_len + 1), side="left")
    return np.minimum(inv, len(m.raw_of) - 1)
