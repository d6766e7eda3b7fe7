"""A table row's numeric tail as atoms (whitespace tokens) and every way to group them into
numbers — in a text dump "612 958 1 240" is four numbers or three, because one space both
groups thousands and separates columns. `atom_groupings` enumerates the groupings the one
always-true rule allows (a group after a number's first has exactly three digits);
`reading_counts` says how many cells a row can be read as without listing the readings.

Split from `corpus.numbers` (which still exports these names) to keep that module to parsing.
No project imports but `corpus.numbers`.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .numbers import MINUS_CHARS, _MINUS_RE, parse_number


@dataclass(frozen=True, slots=True)
class Atom:
    """One whitespace token of a numeric row tail.

    kind: "num" (digits with optional sign/decimals/percent), "dash" (a lone
    minus/dash: an empty cell, or the sign of the next atom as in "- 521"),
    "pct" (a lone "%", belongs to the number before it).
    `gap_before` is the number of spaces before the atom (a tab counts as 8),
    so wide gaps can be taken as column boundaries.
    """

    text: str
    start: int
    end: int
    kind: str
    gap_before: int = 1

    @property
    def digits(self) -> str:
        return re.sub(r"\D", "", self.text.split(",")[0].split(".")[0])

    @property
    def signed(self) -> bool:
        return self.text[:1] in MINUS_CHARS + "+" or self.text[:1] == "("

    @property
    def decimal(self) -> bool:
        return bool(re.search(r"\d[,.]\d", self.text))

    @property
    def percent(self) -> bool:
        return self.text.endswith("%")


_ATOM_NUM = re.compile(
    rf"^(?:(?:[+]|{_MINUS_RE})?\d+(?:[,.]\d+)?%?|\((?:[+]|{_MINUS_RE})?\d+(?:[,.]\d+)?\)%?)$"
)
_ATOM_DASH = re.compile(rf"^{_MINUS_RE}$")


@functools.lru_cache(maxsize=65536)
def classify_atom(tok: str) -> str | None:
    """'num', 'dash', 'pct' or None (not numeric)."""
    if _ATOM_NUM.match(tok):
        return "num"
    if _ATOM_DASH.match(tok):
        return "dash"
    if tok in ("%", "procent"):
        return "pct"
    return None


def tokens_with_gaps(line: str) -> list[tuple[str, int, int, int]]:
    """Whitespace tokens of `line` as (text, start, end, gap_before)."""
    out = []
    prev_end = 0
    for m in _TOKEN.finditer(line):
        start, end = m.span()
        if prev_end:
            gap_text = line[prev_end:start]
            gap = len(gap_text) + 7 * gap_text.count("\t")
        else:
            gap = 0
        out.append((m.group(), start, end, gap))
        prev_end = end
    return out


_TOKEN = re.compile(r"[^\s\u00a0\u202f\u2009]+")


def split_numeric_tail(line: str) -> tuple[str, list[Atom]]:
    """Split a table line into its label and the numeric atoms at its end.

    'Tandvård 20-29 år 3,1 3,8 4,0' → ('Tandvård 20-29 år', [3,1 3,8 4,0]).
    The tail is the longest run of numeric tokens at the end of the line; a
    lone dash at the very start of the line is a bullet, not a cell.
    """
    parts = line.rsplit(None, 1)  # str whitespace is re's \s: the regex tokens' separators
    if not parts:
        return "", []
    if classify_atom(parts[-1]) is None:
        return line.strip(), []  # no numeric tail (most lines): skip the tokenising
    toks = tokens_with_gaps(line)
    i = len(toks)
    while i > 0:
        text = toks[i - 1][0]
        kind = classify_atom(text)
        if kind is None:
            break
        i -= 1
    # a "%"/"procent" with no number before it belongs to the label ("Utredningsgrad i procent 96")
    while i < len(toks) and classify_atom(toks[i][0]) == "pct":
        i += 1
    atoms = [Atom(t, s, e, classify_atom(t), g) for t, s, e, g in toks[i:]]
    label = line[: toks[i][1]].rstrip() if i < len(toks) else line.rstrip()
    if i == 0:
        label = ""
    return label.strip(), atoms


def lone_tokens_to_atoms(atoms: list[Atom]) -> list[Atom]:
    """Attach lone '%' to the number before it."""
    out: list[Atom] = []
    for a in atoms:
        if a.kind == "pct" and out and out[-1].kind == "num":
            p = out[-1]
            out[-1] = Atom(p.text + "%", p.start, a.end, "num", p.gap_before)
        elif a.kind == "pct":
            continue
        else:
            out.append(a)
    return out


@dataclass(frozen=True, slots=True)
class Cell:
    """One reconstructed number: the atoms it spans and its value (None: empty '-')."""

    value: float | None
    text: str
    start: int
    end: int
    percent: bool = False
    dash: bool = False


def _can_continue(prev: Atom, nxt: Atom, hard_gap: int) -> bool:
    """May `nxt` be the next thousands group of the number ending in `prev`?"""
    if nxt.kind != "num" or prev.kind != "num":
        return False
    if nxt.gap_before >= hard_gap:
        return False
    if prev.decimal or prev.percent or prev.text.endswith(")"):
        return False
    if nxt.signed or nxt.text.startswith("("):
        return False
    head = nxt.text.rstrip("%)")
    return bool(re.fullmatch(r"\d{3}(?:[,.]\d+)?", head))


def _first_ok(a: Atom) -> bool:
    """May `a` start a multi-group number? Its digit run must be 1–3 long."""
    d = re.sub(r"^[(+\-\u2212\u2013\u2014\u2012]+", "", a.text)
    return bool(re.match(r"\d{1,3}(?!\d)", d)) and not a.decimal and not a.percent


def _cell(atoms: list[Atom], negate: bool = False) -> Cell:
    text = " ".join(a.text for a in atoms)
    v = parse_number(text)
    if v is not None and negate:
        v = -v
    return Cell(v, text, atoms[0].start, atoms[-1].end, percent=text.endswith("%"))


def atom_groupings(atoms: list[Atom], *, hard_gap: int = 2, limit: int = 20000,
                   counts: tuple[int, int] | None = None, drop=None):
    """Every way to read `atoms` as a sequence of cells.

    Rules: a cell is one number (first group 1–3 digits when more groups follow,
    each later group exactly 3 digits, sign and parentheses only on the first,
    decimals and % only on the last), or a lone dash (an empty cell), or a lone
    dash followed by a number ("- 521" = −521). A gap of `hard_gap` or more
    spaces is always a cell boundary (PDF dumps put double spaces between
    columns far more often than inside numbers). Yields lists of Cell; at
    most `limit` of them. `counts` = (lo, hi) keeps the readings of lo..hi cells;
    `drop(cell)` True refuses a cell (a cut-off "000").

    Bounded on any line: a right-to-left pass records, for every position, the
    cell counts with which the rest of the line can be read (a bit set: O(n²) bit
    work at most); the search never enters a position from which no reading of
    a wanted count exists, so every step leads to a reading and the work is at
    most `limit` × len(atoms); it keeps its own stack (a 1,000-number line would
    exceed Python's recursion limit).
    """
    atoms = lone_tokens_to_atoms(atoms)
    n = len(atoms)
    opts = _reading_options(atoms, hard_gap, drop)
    masks = _count_masks(opts, n)
    lo, hi = counts if counts is not None else (0, n)
    if n == 0:
        if lo <= 0:
            yield []
        return

    def wanted(depth: int) -> int:
        """The counts still allowed for the rest of the line after `depth` cells (a bit set)."""
        a, b = max(0, lo - depth), hi - depth
        return 0 if b < a else ((1 << (b + 1)) - 1) ^ ((1 << a) - 1)

    def steps(i: int, depth: int):
        w = wanted(depth + 1)
        return iter([o for o in opts[i] if masks[o[1]] & w])

    if not masks[0] & wanted(0):
        return
    count, acc = 0, []
    stack = [steps(0, 0)]
    while stack and count < limit:
        step = next(stack[-1], None)
        if step is None:
            stack.pop()
            if acc:
                acc.pop()
            continue
        c, k = step
        acc.append(c)
        if k == n:
            count += 1
            yield list(acc)
            acc.pop()
        else:
            stack.append(steps(k, len(acc)))


def reading_counts(atoms: list[Atom], *, hard_gap: int = 2, drop=None) -> set[int]:
    """The cell counts `atoms` can be read as (without enumerating the readings)."""
    atoms = lone_tokens_to_atoms(atoms)
    m = _count_masks(_reading_options(atoms, hard_gap, drop), len(atoms))[0]
    return {k for k in range(m.bit_length()) if m >> k & 1}


def _count_masks(opts: list[list[tuple[Cell, int]]], n: int) -> list[int]:
    """masks[i]: bit r set when atoms[i:] can be read as r cells."""
    masks = [0] * n + [1]
    for i in range(n - 1, -1, -1):
        m = 0
        for _, k in opts[i]:
            m |= masks[k] << 1
        masks[i] = m
    return masks


def _reading_options(atoms: list[Atom], hard_gap: int, drop) -> list[list[tuple[Cell, int]]]:
    """(cell, next position) choices at every position, in reading order."""
    n = len(atoms)
    ends = [_number_ends(atoms, i, hard_gap) if atoms[i].kind == "num" else [] for i in range(n)]
    out: list[list[tuple[Cell, int]]] = []
    for i, a in enumerate(atoms):
        here: list[tuple[Cell, int]] = []
        if a.kind == "dash":
            here.append((Cell(None, a.text, a.start, a.end, dash=True), i + 1))
            # "- 521": the dash is the sign of the following number
            if i + 1 < n and atoms[i + 1].kind == "num" and not atoms[i + 1].signed \
                    and atoms[i + 1].gap_before < hard_gap:
                for j in ends[i + 1]:
                    c = _cell(atoms[i + 1: j + 1], negate=True)
                    here.append((Cell(c.value, a.text + " " + c.text, a.start, c.end, c.percent), j + 1))
        elif a.kind == "num":
            here = [(c, j + 1) for j in ends[i] if (c := _cell(atoms[i: j + 1])).value is not None]
        if drop is not None:
            here = [(c, k) for c, k in here if not drop(c)]
        out.append(here)
    return out


def greedy_cells(atoms: list[Atom], *, hard_gap: int = 2) -> list[Cell]:
    """The usual reading of a run of number atoms: each number takes every following
    three-digit group it can ("21 352 9 000" → 21 352, 9 000); a lone dash is an empty cell."""
    atoms = lone_tokens_to_atoms(atoms)
    out: list[Cell] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        if a.kind == "dash":
            out.append(Cell(None, a.text, a.start, a.end, dash=True))
            i += 1
            continue
        j = _number_ends(atoms, i, hard_gap)[-1]
        out.append(_cell(atoms[i: j + 1]))
        i = j + 1
    return out


# groups in one number of a row tail: 999 999 999 999 999 (no report figure is larger), so the
# cells that start at a position are few and a line's readings cost linear work to list
MAX_GROUPS = 5


def _number_ends(atoms: list[Atom], i: int, hard_gap: int) -> list[int]:
    """Indices j such that atoms[i..j] can be one number (at most MAX_GROUPS groups)."""
    ends = [i]
    if not _first_ok(atoms[i]):
        return ends
    j = i
    while j + 1 < len(atoms) and j - i + 1 < MAX_GROUPS and _can_continue(atoms[j], atoms[j + 1], hard_gap):
        j += 1
        ends.append(j)
    return ends
