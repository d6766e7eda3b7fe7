"""Swedish date expressions → ISO strings as precise as the text allows.

Reports date their events loosely: "den 19 maj 2021", "i maj", "under våren",
"vecka 30–32", "sedan årsskiftet", "under årets första kvartal". A bare month
or season means the report's own year, so every function takes the report
period ("2021-08" or "2021", `Document.meta.period`) as the reference.

Values follow the evaluation's conventions:

    2021-06-01           a day
    2021-05              a month
    2021-01..2021-05     a range (both ends at the coarser precision)
    2021-W30..W32        ISO weeks ("vecka 30–32")
    2021-Q1, 2021-H1     a quarter, a half-year ("första kvartalet", "våren")
    2021                 a year ("under året", "under 2021")
    2021-12              "vid årets slut" (the report year's last month)

A year right after a document or programme word ("regionplan 2021",
"utvecklingsstrategi 2030") is part of a name, not a date.

Pure functions over strings; no spaCy, so the rules are unit-tested alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rapport.corpus.months import ABBREVIATIONS, MONTH_NUMBER, month_alternation

# precision ranks: the higher, the more exact
DAY, WEEK, MONTH, RANGE_MONTH, QUARTER, HALF, YEAR, YEAR_RANGE = 8, 7, 6, 5, 4, 3, 2, 1

_MON = r"(?P<{name}>" + month_alternation() + r")\.?"
_YEAR = r"(?P<{name}>(?:19|20)\d\d)"
_DASH = r"\s*(?:[-–—]|till(?:\s+och\s+med)?|t\.?\s?o\.?\s?m\.?)\s*"
_B = r"(?<![\wåäöÅÄÖ])"  # no word character before
_E = r"(?![\wåäöÅÄÖ])"   # no word character after


def _m(name: str) -> str:
    return _MON.format(name=name)


def _y(name: str) -> str:
    return _YEAR.format(name=name)


@dataclass(frozen=True, slots=True)
class DateExpr:
    """One date expression found in a text: where, what it means, how precise."""

    start: int
    end: int
    value: str
    rank: int
    intro: str | None = None  # "från och med", "till", "senast", … when the expression is introduced by one


# ordered: longer, more specific patterns first; a span is claimed by the first pattern that matches it
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso_day", re.compile(_B + r"(?P<y>(?:19|20)\d\d)-(?P<mo>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])" + _E)),
    ("day_range", re.compile(_B + r"(?P<d1>[0-3]?\d)\s*(?:" + _m("m1") + r"\s*)?" + _DASH + r"(?P<d2>[0-3]?\d)\s+"
                             + _m("m2") + r"(?:\s+" + _y("y") + r")?" + _E, re.I)),
    ("day_to_month", re.compile(_B + r"(?P<d1>[0-3]?\d)\s+" + _m("m1") + r"(?:\s+" + _y("y1") + r")?" + _DASH
                                + r"(?:(?:slutet\s+av|mitten\s+av|utgången\s+av)\s+)?" + _m("m2")
                                + r"(?:\s+månad)?(?:\s+" + _y("y") + r")?" + _E, re.I)),
    ("day", re.compile(_B + r"(?P<d>[0-3]?\d)(?::e|:a)?\s+" + _m("m") + r"(?:\s+" + _y("y") + r")?" + _E, re.I)),
    ("week_range", re.compile(_B + r"(?:vecka|veckorna|v\.?)\s*(?P<w1>[1-5]?\d)" + _DASH + r"(?:vecka\s+|v\.?\s*)?"
                              + r"(?P<w2>[1-5]?\d)(?:\s+" + _y("y") + r")?" + _E, re.I)),
    ("week", re.compile(_B + r"(?:vecka|v\.)\s*(?P<w>[1-5]?\d)(?:\s+" + _y("y") + r")?" + _E, re.I)),
    ("month_range", re.compile(_B + _m("m1") + r"(?:\s+" + _y("y1") + r")?" + _DASH + _m("m2")
                               + r"(?:\s+månad)?(?:\s+" + _y("y") + r")?" + _E, re.I)),
    ("between_months", re.compile(_B + r"mellan\s+" + _m("m1") + r"\s+och\s+" + _m("m2") + r"(?:\s+" + _y("y") + r")?"
                                  + _E, re.I)),
    ("month", re.compile(_B + r"(?:(?:i\s+)?(?:början|mitten|slutet)\s+av\s+)?" + _m("m") + r"(?:\s+månad)?(?:\s+"
                         + _y("y") + r")?" + _E, re.I)),
    ("quarter", re.compile(_B + r"(?P<n>första|andra|tredje|fjärde|1:a|2:a|3:e|4:e)\s+kvartal(?:et)?(?:\s+"
                           + _y("y") + r")?" + _E, re.I)),
    ("quarter_of_year", re.compile(_B + r"årets\s+(?P<n>första|andra|tredje|fjärde)\s+kvartal" + _E, re.I)),
    ("tertial", re.compile(_B + r"(?:årets\s+)?(?P<n>första|andra|tredje|1:a|2:a|3:e)\s+tertial(?:et|en)?(?:\s+"
                           + _y("y") + r")?" + _E, re.I)),
    ("half", re.compile(_B + r"(?:årets\s+)?(?P<n>första|andra)\s+halvår(?:et)?(?:\s+" + _y("y") + r")?" + _E, re.I)),
    ("season", re.compile(_B + r"(?P<s>våren|vårens|sommaren|sommarens|hösten|höstens|vintern|vinterns|vår|sommar|höst)"
                          + r"(?:\s+" + _y("y") + r")?" + _E, re.I)),
    ("new_year", re.compile(_B + r"(?:sedan|vid|efter|från|inför)\s+(?P<w>årsskiftet|nyår(?:et)?)(?:\s+"
                            + _y("y1") + r"\s*[-–/]\s*" + _y("y") + r")?" + _E, re.I)),
    ("year_range", re.compile(_B + _y("y1") + r"\s*(?:[-–—]|till)\s*" + _y("y2") + _E)),
    ("year_end", re.compile(_B + r"(?:vid|i|mot)\s+(?:årets\s+slut|slutet\s+av\s+året|utgången\s+av\s+året)" + _E,
                            re.I)),
    ("this_year", re.compile(_B + r"(?:under\s+(?:året|innevarande\s+år)|i\s+år|hittills\s+i\s+år|årets\s+(?:första|"
                             + r"åtta|fyra|sex)\s+(?:\w+\s+)?månader)" + _E, re.I)),
    ("year", re.compile(_B + r"(?:år\s+)?" + _y("y") + _E)),
]

# a year right after one of these words names a document or programme ("regionplan 2021", "Agenda 2030",
# "programperioden 2021–2027"), it does not date anything
_NAME_BEFORE_YEAR = re.compile(r"(?i)(?:strategi\w*|\w*plan(?:en)?|agenda|vision(?:en)?|\w*program(?:met)?|budget(?:en)?|"
                               r"\w*rapport(?:en)?|\w*redovisning(?:en)?|\w+perioden|direktiv(?:et)?|\w*avtal(?:et)?)"
                               r"\s*$")
_RANGES = {"day_range", "day_to_month", "week_range", "month_range", "between_months", "year_range"}
_ORDINAL = {"första": 1, "andra": 2, "tredje": 3, "fjärde": 4, "1:a": 1, "2:a": 2, "3:e": 3, "4:e": 4}
_INTRO = re.compile(r"(från\s+och\s+med|fr\.?\s?o\.?\s?m\.?|till\s+och\s+med|t\.?\s?o\.?\s?m\.?|senast|inför|"
                    r"före|efter|till|från|sedan|fram\s+till|per|för)\s+(?:den\s+)?$", re.I)


def reference_year(period: str | None) -> int | None:
    """The year a bare month or season refers to: the report period's year."""
    if not period:
        return None
    m = re.match(r"((?:19|20)\d\d)", period)
    return int(m.group(1)) if m else None


def find_dates(text: str, period: str | None = None) -> list[DateExpr]:
    """Every date expression in `text`, in text order, non-overlapping, normalised against `period`."""
    ref = reference_year(period)
    taken: list[tuple[int, int]] = []
    found: list[DateExpr] = []
    for kind, pat in _PATTERNS:
        for m in pat.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            if kind in ("year", "year_range") and _NAME_BEFORE_YEAR.search(text[max(0, m.start() - 40):m.start()]):
                taken.append((m.start(), m.end()))  # the whole name: "programperioden 2021–2027" holds no year either
                continue
            value, rank = _value(kind, m, ref)
            if value is None:
                if kind in _RANGES:
                    taken.append((m.start(), m.end()))  # a backward or unplaceable range: no date, and no
                continue                                # single day or month read out of it either
            taken.append((m.start(), m.end()))
            intro = _INTRO.search(text[max(0, m.start() - 24):m.start()])
            found.append(DateExpr(m.start(), m.end(), value, rank,
                                  re.sub(r"\s+", " ", intro.group(1).lower()) if intro else None))
    return sorted(found, key=lambda d: d.start)


def normalise(text: str, period: str | None = None) -> str | None:
    """The most precise date in `text` (the first one on ties), or None."""
    dates = find_dates(text, period)
    if not dates:
        return None
    return max(dates, key=lambda d: (d.rank, -d.start)).value


def _month(name: str | None) -> int | None:
    return MONTH_NUMBER.get(name.lower().rstrip(".")) if name else None


def _year(m: re.Match, *names: str, ref: int | None) -> int | None:
    for n in names:
        v = m.groupdict().get(n)
        if v:
            return int(v)
    return ref


def _day(y: int, mo: int, d: int) -> date | None:
    """The calendar day, or None for "31 april" and "29 februari 2021"."""
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def _week_exists(y: int, w: int) -> bool:
    """ISO week `w` of `y` exists (week 53 only in long years)."""
    try:
        date.fromisocalendar(y, w, 1)
        return True
    except ValueError:
        return False


def _years(m: re.Match, ref: int | None, m1: int, m2: int) -> tuple[int | None, int | None]:
    """Start and end year of a range from m1 to m2 whose years may be written at either end.

    "15 december – mars 2021" runs from December 2020: a start month after the end month
    means the start lies in the year before a written end year (or the end in the year after
    a written start year). With only the report's year to go on, such a range is unknown.
    """
    g = m.groupdict()
    y1, y2 = g.get("y1"), g.get("y") or g.get("y2")
    y1, y2 = (int(y1) if y1 else None), (int(y2) if y2 else None)
    if y1 is None and y2 is None:
        return (ref, ref) if ref is not None and m1 <= m2 else (None, None)
    if y1 is None:
        return (y2 - 1 if m1 > m2 else y2), y2
    if y2 is None:
        return y1, (y1 + 1 if m1 > m2 else y1)
    return y1, y2


def _value(kind: str, m: re.Match, ref: int | None) -> tuple[str | None, int]:
    """(ISO value, precision rank), or (None, 0) for what is no date: days that are not in
    the calendar, ranges that run backwards, weeks a year does not have."""
    g = m.groupdict()
    if kind == "iso_day":
        ok = _day(int(g["y"]), int(g["mo"]), int(g["d"]))
        return (ok.isoformat(), DAY) if ok else (None, 0)
    if kind == "day_range":
        m2 = _month(g["m2"])
        m1 = _month(g.get("m1")) or m2
        y1, y2 = _years(m, ref, m1, m2)
        if y1 is None:
            return None, 0
        a, b = _day(y1, m1, int(g["d1"])), _day(y2, m2, int(g["d2"]))
        if a is None or b is None or not a < b:
            return None, 0
        return f"{a.isoformat()}..{b.isoformat()}", DAY
    if kind == "day_to_month":
        m1, m2 = _month(g["m1"]), _month(g["m2"])
        y1, y2 = _years(m, ref, m1, m2)
        if y1 is None or _day(y1, m1, int(g["d1"])) is None or (y1, m1) > (y2, m2):
            return None, 0
        if (y1, m1) == (y2, m2):
            return f"{y1}-{m1:02d}", MONTH
        return f"{y1}-{m1:02d}..{y2}-{m2:02d}", RANGE_MONTH
    if kind == "day":
        y = _year(m, "y", ref=ref)
        ok = _day(y, _month(g["m"]), int(g["d"])) if y is not None else None
        return (ok.isoformat(), DAY) if ok else (None, 0)
    if kind in ("week_range", "week"):
        y = _year(m, "y", ref=ref)
        if y is None:
            return None, 0
        if kind == "week":
            w = int(g["w"])
            return (f"{y}-W{w:02d}", WEEK) if _week_exists(y, w) else (None, 0)
        w1, w2 = int(g["w1"]), int(g["w2"])
        if not (1 <= w1 < w2 and _week_exists(y, w2)):
            return None, 0
        return f"{y}-W{w1:02d}..W{w2:02d}", WEEK
    if kind in ("month_range", "between_months"):
        m1, m2 = _month(g["m1"]), _month(g["m2"])
        y1, y2 = _years(m, ref, m1, m2)
        if y1 is None or (y1, m1) >= (y2, m2):
            return None, 0
        return f"{y1}-{m1:02d}..{y2}-{m2:02d}", RANGE_MONTH
    if kind == "month":
        y = _year(m, "y", ref=ref)
        word = g["m"].lower().rstrip(".")
        if y is None or (word in ABBREVIATIONS
                         and not g.get("y") and not m.group(0)[len(g["m"]):].startswith(".")):
            # bare abbreviations ("jul", "mar") are too often other words; accept them with a year or a dot
            return None, 0
        return f"{y}-{_month(word):02d}", MONTH
    if kind in ("quarter", "quarter_of_year"):
        y = _year(m, "y", ref=ref)
        return (f"{y}-Q{_ORDINAL[g['n'].lower()]}", QUARTER) if y else (None, 0)
    if kind == "tertial":
        y = _year(m, "y", ref=ref)
        if y is None:
            return None, 0
        n = _ORDINAL[g["n"].lower()]
        return f"{y}-{4 * n - 3:02d}..{y}-{4 * n:02d}", RANGE_MONTH
    if kind == "half":
        y = _year(m, "y", ref=ref)
        return (f"{y}-H{_ORDINAL[g['n'].lower()]}", HALF) if y else (None, 0)
    if kind == "season":
        y = _year(m, "y", ref=ref)
        s = g["s"].lower()
        if y is None:
            return None, 0
        if s.startswith("vår"):
            return f"{y}-H1", HALF
        if s.startswith("höst"):
            return f"{y}-H2", HALF
        if s.startswith("sommar"):
            return f"{y}-06..{y}-08", RANGE_MONTH
        return str(y), YEAR  # winter straddles two years: say no more than the year
    if kind == "new_year":
        y = _year(m, "y", ref=ref)
        if g.get("y1") and int(g["y1"]) + 1 != y:
            return None, 0  # "årsskiftet 2021/2020" names no turn of a year
        return (f"{y}-01", MONTH) if y else (None, 0)
    if kind == "year_range":
        y1, y2 = int(g["y1"]), int(g["y2"])
        return (f"{y1}..{y2}", YEAR_RANGE) if y1 < y2 else (None, 0)
    if kind == "year_end":
        return (f"{ref}-12", MONTH) if ref else (None, 0)
    if kind == "this_year":
        return (str(ref), YEAR) if ref else (None, 0)
    if kind == "year":
        return g["y"], YEAR
    return None, 0
