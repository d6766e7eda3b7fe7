"""Swedish numbers, units and number words, as pure functions.

Swedish reports write "1 300" or "1\u00a0300" (space groups thousands), "2,5"
(decimal comma), minus as "-", "−" (U+2212) or "–" (en dash), sometimes with a
space after it ("- 521"), negatives in parentheses ("(2,5)"), and glue percent
signs on ("5,49 %", "4,6%"). In a PDF-to-text table row the same space both
groups thousands and separates columns, so this module also splits a row's
numeric tail into *atoms* (whitespace tokens) that `corpus.tables` groups into
numbers: `atom_groupings` enumerates every grouping allowed by the one rule
that is always true — a group after a number's first group has exactly three
digits.

No project imports; used by `corpus.tables` and by the linking stage.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from itertools import combinations

# Every dash-like character that Swedish PDFs use for a minus sign.
MINUS_CHARS = "-\u2212\u2013\u2014\u2012\ufe63\uff0d"
_SPACES = "\u00a0\u202f\u2009\u2007\u2002\u2003\u200a "
_MINUS_RE = f"[{re.escape(MINUS_CHARS)}]"

_NUMBER_RE = re.compile(
    rf"""^(?P<sign>[+]|{_MINUS_RE})?\s*
        (?P<int>\d{{1,3}}(?:[ ]\d{{3}})+|\d+)
        (?:[,.](?P<frac>\d+))?
        \s*(?P<pct>%|procent)?$""",
    re.X,
)


def normalise_spaces(s: str) -> str:
    """No-break, thin and figure spaces become plain spaces."""
    for ch in _SPACES[:-1]:
        s = s.replace(ch, " ")
    return s


def parse_number(s: str) -> float | None:
    """'1 300' → 1300.0, '−2,5' → -2.5, '(2,5)' → -2.5, '5,49 %' → 5.49, '- 521' → -521.

    Returns None for anything that is not exactly one number ("1 30", "abc",
    "-", "") and for a number too large for a float (309 digits would be inf,
    written as the invalid JSON `Infinity`): values are always finite. A "." is taken as a decimal point only with 1–2 digits after it
    or when no space grouping is used; "1.300" is ambiguous and read as 1.3,
    which Swedish reports (space grouping) do not produce.
    """
    if s is None:
        return None
    t = normalise_spaces(s).strip()
    if not t:
        return None
    neg = False
    if len(t) > 2 and t[0] == "(" and t[-1] == ")":
        neg, t = True, t[1:-1].strip()
    t = re.sub(r"\s+", " ", t)
    m = _NUMBER_RE.match(t)
    if not m:
        return None
    value = float(m["int"].replace(" ", ""))
    if m["frac"]:
        value += float("0." + m["frac"])
    if not math.isfinite(value):
        return None
    sign = m["sign"]
    if sign and sign != "+":
        neg = not neg
    return -value if neg else value


# ---------------------------------------------------------------- units

_UNIT_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("procentenheter", re.compile(r"\bprocentenhet(?:er)?\b|%-enhet(?:er)?\b|\bp\.?e\.?\b", re.I)),
    ("mdkr", re.compile(r"\bmdkr\b|\bmiljard(?:er)?(?:\s+kronor)?\b|\bmdr\b", re.I)),
    ("mkr", re.compile(r"\bm(?:n)?kr\b|\bmiljon(?:er)?(?:\s+kronor)?\b|\bmilj\.?\s*kr\b|\bmsek\b", re.I)),
    ("tkr", re.compile(r"\btkr\b|\btusen(?:tals)?\s+kronor\b|\bksek\b", re.I)),
    ("procent", re.compile(r"%|\bprocent\b|\bandel\b", re.I)),
    ("antal", re.compile(r"\bantal\b|\bst\b\.?", re.I)),
    ("kr", re.compile(r"\bkr(?:onor)?\b|\bsek\b", re.I)),
]

UNIT_SCALE_KR = {"mdkr": 1e9, "mkr": 1e6, "tkr": 1e3, "kr": 1.0}


def parse_unit(s: str) -> str | None:
    """The canonical unit named in `s`: mkr, mdkr, tkr, kr, procent, procentenheter, antal.

    "mnkr", "miljoner kronor", "Belopp i mkr" → "mkr"; "miljarder" → "mdkr";
    "tusen kronor" → "tkr"; "%" → "procent". The most specific match wins, so
    "procentenheter" is never read as "procent".
    """
    if not s:
        return None
    t = normalise_spaces(s)
    for unit, rx in _UNIT_PATTERNS:
        if rx.search(t):
            return unit
    return None


def unit_scale(unit: str | None) -> float | None:
    """Kronor per unit for money units, else None."""
    return UNIT_SCALE_KR.get(unit or "")


def to_mkr(value: float | None, unit: str | None) -> float | None:
    """`value` given in `unit` expressed in miljoner kronor (None for non-money units)."""
    scale = unit_scale(unit)
    if value is None or scale is None:
        return None
    return value * scale / 1e6


def scale_factor(from_unit: str | None, to_unit: str | None) -> float | None:
    """Multiply a value in `from_unit` by this to get `to_unit` (money units only)."""
    a, b = unit_scale(from_unit), unit_scale(to_unit)
    if a is None or b is None:
        return None
    return a / b


# ---------------------------------------------------------------- atoms of a row tail

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

    'Sjukfrånvaro 30-49 år 4,2 4,5 5,7' → ('Sjukfrånvaro 30-49 år', [4,2 4,5 5,7]).
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


def numbers_in_text(text: str) -> list[tuple[float, int, int, str | None]]:
    """Numbers in running text or a free-text cell: (value, start, end, unit).

    Greedy thousands grouping ("1 043" is one number), "74/61" gives two
    numbers, years (1990–2039 standing alone) and dates are left out, and a
    following "%"/"procent" sets the unit to procent.
    """
    t = normalise_spaces(text)
    out = []
    rx = re.compile(
        rf"(?<![\w,.])(?P<n>(?:{_MINUS_RE})?\d{{1,3}}(?: \d{{3}})+(?:,\d+)?|(?:{_MINUS_RE})?\d+(?:,\d+)?)"
        rf"(?![\w]|[,.]\d|[-–]\d)(?P<u>\s?%|\s?procent)?"
    )
    for m in rx.finditer(t):
        s = m["n"]
        before = t[max(0, m.start() - 1): m.start()]
        if re.fullmatch(r"(19[89]\d|20[0-3]\d)", s.lstrip(MINUS_CHARS)) and not m["u"]:
            continue
        if before in ("-", "–") and m.start() >= 2 and t[m.start() - 2].isdigit():
            continue  # second half of a range or date
        v = parse_number(s)
        if v is None:
            continue
        out.append((v, m.start(), m.end(), "procent" if m["u"] else None))
    return out


from .number_words import find_number_words, word_to_int  # noqa: E402,F401 (re-exported)


def combos(n: int, k: int):
    """All k-subsets of range(n) (small helper shared with corpus.tables)."""
    return combinations(range(n), k)
