"""Swedish numbers and units, as pure functions.

Swedish reports write "1 300" or "1\u00a0300" (space groups thousands), "2,5"
(decimal comma), minus as "-", "−" (U+2212) or "–" (en dash), sometimes with a
space after it ("- 521"), negatives in parentheses ("(2,5)"), and glue percent
signs on ("5,49 %", "4,6%"). In a PDF-to-text table row the same space both
groups thousands and separates columns: `corpus.atoms` splits a row's numeric
tail into atoms and enumerates their groupings into numbers (its names —
`Atom`, `Cell`, `atom_groupings`, `greedy_cells`, … — are importable from here
too); number words live in `corpus.number_words` (also re-exported).

No project imports at load; used by `corpus.tables` and by the linking stage.
"""
from __future__ import annotations

import math
import re
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

# the splitting of a row's numeric tail lives in `corpus.atoms` (which imports this module);
# its names stay importable from here, resolved on first use so neither import waits on the other
_ATOM_NAMES = {"Atom", "Cell", "MAX_GROUPS", "atom_groupings", "classify_atom", "greedy_cells",
               "lone_tokens_to_atoms", "reading_counts", "split_numeric_tail", "tokens_with_gaps"}


def __getattr__(name: str):
    if name in _ATOM_NAMES:
        from . import atoms
        return getattr(atoms, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def combos(n: int, k: int):
    """All k-subsets of range(n) (small helper shared with corpus.tables)."""
    return combinations(range(n), k)
