"""Repair PDF-extraction damage while keeping a map back to the original offsets.

Each repair is a pure function from text to a list of edits (start, end,
replacement) on that text; `apply_edits` performs them and returns the new
text with its OffsetMap, and `clean` chains the stages and composes the maps.
Stages run in the order damage was done: characters, page furniture, blank
line interleaving, hyphenation, doubled slide text.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from .months import MONTH_WORDS
from .pages import PageBreak, agreeing, dump_pages, physical_pages, printed_shift
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


# --- stage 2: page furniture ----------------------------------------------
# "12", "Sida 12", "s. 12", "12 (40)", "12 av 40", "12/40" alone on a line (a PDF page's text ends at a form feed)
_PAGE_NO = re.compile(r"(?:^|(?<=\f))[ \t]*(?:(?:sida|sid\.|s\.)[ \t]*)?(\d{1,3})"
                      r"(?:[ \t]*(?:\(|av|/)[ \t]*(\d{1,3})\)?)?[ \t]*(?=\n|\f|\Z)", re.I | re.M)
_NUMBER_ONLY = re.compile(r"[\d\s.,%()/+−–-]+")


@dataclass
class Furniture:
    """What stage 2 found: the edits removing it, and the page evidence it carries."""

    edits: list[Edit]
    printed: dict[int, int]  # sheet index -> printed page number (texts with sheets)
    breaks: list[PageBreak]  # furniture runs as page breaks (texts without sheets)
    footer: bool | None  # page numbers end their page, head it, or None: cannot be told


def page_number_lines(text: str, sheets: list[int] | None = None) -> list[tuple[int, int, int]]:
    """(start, end, number) of lines that are page numbers.

    On sheets (PDF pages, form-feed pages) a page number is one of a sheet's first or last
    two lines, and the numbers must agree on one shift from the sheets' positions (pages.
    printed_shift): a table cell or a year at the foot of a page does not. In a dump without
    sheets a lone number counts when it stands apart from other number lines and lies on the
    longest increasing chain of such lines (steps of one preferred, at most 12).
    """
    cands = []
    for m in _PAGE_NO.finditer(text):
        n, total = int(m.group(1)), m.group(2)
        if n > 0 and (total is None or n <= int(total)):
            end = m.end() + 1 if text[m.end():m.end() + 1] == "\n" else m.end()
            cands.append((m.start(), end, n))
    if sheets is not None:
        return _on_sheets(text, sheets, cands)
    by_form: dict[str, list[tuple[int, int, int]]] = {}
    for c in cands:
        if _stands_alone(text, c[0], c[1]):
            by_form.setdefault(_form(text[c[0]:c[1]]), []).append(c)
    chains = [_chain(group) for group in by_form.values()]
    return max(chains, key=lambda ch: (_chain_score(ch), len(ch)), default=[])


def _form(line: str) -> str:
    """A page-number line's shape: "Sida 3" and "Sida 12" share one, "3 (40)" and "12" do not."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.lower()))


def _on_sheets(text: str, sheets: list[int], cands: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    starts = sorted(set([0] + sheets))
    rank = _sheet_edges(text, sheets)  # line start -> how far from the sheet's edge (0 = outermost)
    best: dict[int, tuple[int, int, int, int]] = {}
    for s, e, n in cands:
        if s in rank:
            sheet = bisect.bisect_right(starts, s) - 1
            if sheet not in best or rank[s] < best[sheet][0]:
                best[sheet] = (rank[s], s, e, n)
    shift = printed_shift({k: v[3] for k, v in best.items()})
    return sorted((s, e, n) for k, (_, s, e, n) in best.items() if n == k + 1 + shift)


def _chain(cands: list[tuple[int, int, int]], look_back: int = 60) -> list[tuple[int, int, int]]:
    """The best increasing chain of candidate page numbers (a step of one scores 1, a longer one 0.5)."""
    score, prev = [0.0] * len(cands), [-1] * len(cands)
    for i, (_, _, n) in enumerate(cands):
        score[i] = 0.5
        for j in range(max(0, i - look_back), i):
            step = n - cands[j][2]
            if 0 < step <= 12:
                s = score[j] + (1.0 if step == 1 else 0.5)
                if s > score[i]:
                    score[i], prev[i] = s, j
    if not cands or max(score) < 1.0:
        return []
    i = max(range(len(cands)), key=lambda k: (score[k], -k))
    out = []
    while i >= 0:
        out.append(cands[i])
        i = prev[i]
    return out[::-1]


def _sheet_edges(text: str, sheets: list[int], n: int = 2) -> dict[int, int]:
    """Start offset -> distance from the edge (0, 1) of the first and last `n` non-blank lines of each sheet."""
    out: dict[int, int] = {}
    bounds = sorted(set([0] + sheets)) + [len(text)]
    for a, b in zip(bounds, bounds[1:]):
        starts = [a + m.start() for m in re.finditer(r"(?m)^(?=[ \t]*[^\s])", text[a:b])]
        for k, s in enumerate(starts[:n]):
            out[s] = min(out.get(s, k), k)
        for k, s in enumerate(reversed(starts[-n:])):
            out[s] = min(out.get(s, k), k)
    return out


def _chain_score(chain: list[tuple[int, int, int]]) -> float:
    return sum(1.0 if b[2] - a[2] == 1 else 0.5 for a, b in zip(chain, chain[1:]))


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Neither neighbouring line is itself only numbers (a column of table cells)."""
    before = text[max(0, text.rfind("\n", 0, max(0, start - 1)) + 1):max(0, start - 1)]
    nxt_end = text.find("\n", end)
    after = text[end:nxt_end if nxt_end >= 0 else len(text)]
    return not any(line.strip() and _NUMBER_ONLY.fullmatch(line.strip()) for line in (before, after))


def furniture(text: str, sheets: list[int] | None = None) -> Furniture:
    """Page numbers and the running header/footer lines around them, as edits and page evidence.

    Running headers are short lines that recur next to at least three page breaks; lines
    recurring elsewhere (table headers) are left alone. In a text with sheets the form
    feeds are the breaks; in a dump without them, each run of furniture is one.
    """
    if sheets is not None:  # a sheet may start inside a line once a word broken over the page is joined
        sheets = sorted({max(text.rfind("\n", 0, s), text.rfind("\f", 0, s)) + 1 for s in sheets})
    numbers = page_number_lines(text, sheets)
    points = [(s, True) for s, _, _ in numbers] + [(s, False) for s in sheets or []]
    where: dict[str, set[tuple[int, int]]] = {}
    for b, own in points:
        for m in _lines_around(text, b, 4, skip_own=own):
            key = m[2].strip()
            if 0 < len(key) <= 90 and not _PAGE_NO.fullmatch(key):
                where.setdefault(key, set()).add((m[0], m[1]))
    lines = [(s, e) for s, e, _ in numbers]
    running = {key for key, found in where.items() if len(found) >= 3 and len(points) >= 3}
    for key in running:
        lines += where[key]
    if sheets is None and running:
        # without sheets a running header is the only mark of a page whose number is lost or
        # misread: every line of it is a break, so a wrong count shows
        lines += [(m.start(), m.end() + (m.end() < len(text))) for m in re.finditer(r"(?m)^.*$", text)
                  if m.group().strip() in running]
    lines = sorted(set(lines))
    edits = [(s, e, "\n") for s, e in _disjoint(lines)]
    if sheets is not None:
        starts = sorted(set([0] + sheets))
        printed = {bisect.bisect_right(starts, s) - 1: n for s, _, n in numbers}
        return Furniture(edits, printed, [], None)
    breaks = _breaks(text, lines, {s: n for s, _, n in numbers})
    return Furniture(edits, {}, breaks, _numbers_end_pages(text, breaks))


def _lines_around(text: str, pos: int, n: int, skip_own: bool = True):
    """Up to n non-blank lines before and after pos, as (start, end, text); a line's end takes its
    newline (not a form feed). `skip_own`: pos starts a page-number line, which is not counted."""
    out = []
    j, k = pos, 0
    while k < n and j > 0:
        a = max(text.rfind("\n", 0, j - 1), text.rfind("\f", 0, j - 1)) + 1
        line = text[a:j]
        if line.strip():
            out.append((a, j if text[j - 1] == "\n" else j - 1, line))
            k += 1
        j = a
    i, k, first = pos, 0, True
    while k < n and i < len(text):
        e = min(x for x in (text.find("\n", i), text.find("\f", i), len(text)) if x >= 0)
        line = text[i:e]
        if line.strip() and not (first and skip_own):
            out.append((i, e + 1 if e < len(text) and text[e] == "\n" else e, line))
            k += 1
        first = False
        i = e + 1
    return out


def _disjoint(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _breaks(text: str, lines: list[tuple[int, int]], number_at: dict[int, int]) -> list[PageBreak]:
    """Furniture lines separated only by blank lines make one page break."""
    runs: list[list[tuple[int, int]]] = []
    for s, e in _disjoint(lines):
        if runs and not text[runs[-1][-1][1]:s].strip():
            runs[-1].append((s, e))
        else:
            runs.append([(s, e)])
    out = []
    for run in runs:
        nums = {number_at[s] for s, _ in run if s in number_at}
        out.append(PageBreak(run[0][0], run[-1][1], nums.pop() if len(nums) == 1 else None))
    return out


def _numbers_end_pages(text: str, breaks: list[PageBreak]) -> bool | None:
    """Whether page numbers are footers (True), headers (False) or cannot be told (None).

    Judged on the numbers that agree (pages.agreeing): footers leave little text after the
    last of them, headers little before the first; "little" is a quarter of the typical
    distance between them. Much text on both sides (a cover and a back cover) cannot be told.
    """
    numbered = agreeing(breaks)
    if len(numbered) < 2:
        return None
    gaps = sorted(b.start - a.end for a, b in zip(numbered, numbered[1:]))
    little = gaps[len(gaps) // 2] / 4
    before, after = len(text[:numbered[0].start].strip()), len(text[numbered[-1].end:].strip())
    if after <= little:
        return True
    if before <= little:
        return False
    return None


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
