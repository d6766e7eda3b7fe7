"""The report's tables as the linker sees them: one RowView per row with typed cells, one
TableView per table with column aspects (outcome, budget, forecast, deviation, change, target)."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from rapport.corpus import Document
from rapport.corpus.numbers import numbers_in_text, parse_unit
from ...mentions import MONEY_UNITS
from .words import content_words

# ---------------------------------------------------------------- tables as the linker sees them

# statements that carry the year's result over from the resultaträkning (equity, cash flow, notes)
_CARRIED = re.compile(r"balansräkning|kassaflöde|finansieringsanalys|eget\s+kapital|^\s*not\b", re.I)
_BOTTOM_WORD = re.compile(r"(?:resultat(?:et)?|^totalt?|^summa|^sammantaget|^sammanlagt)$")
_SUM_CUE = re.compile(r"\b(?:sammantaget|sammantagna|tillsammans|sammanlagt|sammanlagda|summan|inklusive|"
                     r"respektive|totalt\s+för)\b", re.I)

_ASPECT_HEAD = [
    ("deviation", re.compile(r"diff|avvikelse|avvik|\bavv\b|differens|skillnad", re.I)),
    ("forecast", re.compile(r"prognos|progn\b|helårsprognos|årsprognos", re.I)),
    ("change", re.compile(r"förändring|förändr|utveckling(?:en)?(?![a-zåäö])|ökning|%|procent|ändring", re.I)),
    ("budget", re.compile(r"budget|\bbud\b|\bram\b|plan\b", re.I)),
    ("target", re.compile(r"målvärde|\bmål\b|målnivå|\w+mål\b", re.I)),
    ("outcome", re.compile(r"utfall|\butf\b|bokslut|redovisat|verkligt|\bperiod|ack|koncernen|regionen|"
                           r"(?:19|20)\d\d", re.I)),
]
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


@dataclass
class Column:
    name: str | None
    aspects: frozenset = frozenset()
    years: tuple[int, ...] = ()
    percent: bool = False
    previous: bool = False  # an earlier year than the table's latest


@dataclass
class Cell:
    value: float
    decimals: int
    percent: bool
    column: int | None  # index into the row's table columns; None for indicator cells
    noun: str | None = None  # free-text cells: the word after the number ("18 nya e-tjänster")
    year: int | None = None  # free-text cells: "70 % (2020)" is dated 2020
    footnote: bool = False  # read without a glued footnote digit ("70/503" -> 50)


@dataclass
class RowView:
    table: int  # index into Linker.tables
    label: str
    words: list[str]
    aspects: frozenset
    cells: list[Cell]
    text: str
    start: int
    end: int


@dataclass
class TableView:
    index: int
    id: str
    title: str | None
    unit: str | None  # inferred when the table has none
    unit_known: bool
    kind: str
    columns: list[Column]
    start: int
    end: int
    section: int | None
    title_words: list[str] = field(default_factory=list)
    year: int | None = None  # the report's year: cells dated earlier are baselines
    report: str = "interim"  # interim | annual | plan: what "vid årets slut" and a budget column mean here
    group: int = -1  # the first table of the run this one continues (itself if it continues none)


def _column_meta(names: list[str]) -> list[Column]:
    cols = []
    for n in names:
        asp = {a for a, rx in _ASPECT_HEAD if rx.search(n or "")}
        if "deviation" in asp or "change" in asp:
            # "Prognos avvikelse helår", "Diff prognos–budget": a deviation of the forecast stays one
            asp -= {"budget", "outcome", "target"} if "deviation" in asp else {"outcome"}
        if "forecast" in asp:
            asp.discard("outcome")
        if "budget" in asp and not re.search(r"utfall", n or "", re.I):
            asp.discard("outcome")
        years = tuple(int(y) for y in _YEAR.findall(n or ""))
        pct = bool(re.search(r"%|procent|andel", n or "", re.I))
        cols.append(Column(n, frozenset(asp), years, pct))
    latest = max((max(c.years) for c in cols if c.years), default=None)
    if latest is not None:
        for c in cols:
            c.previous = bool(c.years) and max(c.years) < latest
    # a deviation column right of a forecast column is the forecast's deviation ("Budget  Prognos  Avvikelse");
    # one left of it ("Resultat  Resultatmål  Avvikelse  Prognos") is the outcome's
    for j, c in enumerate(cols):
        if "deviation" in c.aspects and any("forecast" in x.aspects and "deviation" not in x.aspects
                                            for x in cols[:j]):
            c.aspects = c.aspects | {"forecast"}
    return cols


def _cell_decimals(text: str | None, value: float) -> int:
    if text:
        m = re.search(r",(\d+)", text)
        return len(m.group(1)) if m else 0
    s = repr(abs(value))
    return 0 if value == int(value) else len(s.split(".")[1])


def _infer_unit(d: Document, tables: list, i: int, previous: tuple[str | None, bool] | None
                ) -> tuple[str | None, bool]:
    """The table's unit, or the unit named just above it, or its predecessor's (notes share one)."""
    t = tables[i]
    if t.unit:
        return t.unit, True
    lo = tables[i - 1].end if i > 0 else 0
    above = d.text[max(lo, t.start - 600):t.start]
    lines = [x for x in above.split("\n") if x.strip()][-8:]
    for line in reversed(lines):
        if len(line) > 120 or re.search(r"[a-zåäö]{3,}\.\s*$", line):
            break  # prose: the table's heading area ends here
        if re.search(r"belopp\s+i|\((?:belopp\s+i\s+)?(?:mkr|mnkr|tkr|mdkr|miljoner kronor)\)|"
                     r"^\s*(?:mkr|mnkr|tkr)\s*$", line, re.I):
            u = parse_unit(line)
            if u:
                return u, True
    if t.kind != "numeric":
        return None, False  # indicator tables mix units cell by cell
    if previous and previous[0] in MONEY_UNITS and tables[i - 1].kind == "numeric" and \
            0 <= t.start - tables[i - 1].end < 3000:
        return previous[0], False
    return None, False


_HEADER_ONLY = re.compile(r"^(?:\s*(?:utfall|budget|prognos|diff|avvikelse|bokslut|helår|ack(?:umulerat)?|"
                          r"period|not|mkr|tkr|%|(?:19|20)\d\d(?:[-–]\d\d)*)\s*)+$", re.I)


def _display_title(tables: list, i: int, d: Document) -> str | None:
    """The title, or that of the table this one continues (split by a blank line or a page break).

    A "title" made only of column-header words ("Budget", "Utfall 2021") is a
    header line taken for a title: it names no table.
    """
    t = tables[i]
    if t.title and not _HEADER_ONLY.match(t.title):
        return t.title
    if i > 0:
        prev = tables[i - 1]
        gap = d.text[prev.end:t.start]
        lines = [x for x in gap.split("\n") if x.strip()]
        rowlike = all(re.search(r"\s(?:[-\u2212\u2013]?\d[\d \u00a0,]*|[-\u2013])\s*$", x) for x in lines)
        if prev.title and (len(gap.strip()) < 40 or rowlike) and len(lines) <= 6:
            return prev.title  # only rows the table recovery left out stand between them
    return None


def _looks_percent(t) -> bool:
    """Most cells written with "%": a percentage table, whatever its neighbours' unit."""
    cells = [c for r in t.rows for c in (r.cells or []) if c and c.strip() not in ("-", "")]
    return bool(cells) and sum(c.strip().endswith("%") for c in cells) >= 0.5 * len(cells)


_CELL_NOUN = re.compile(r"\s*(?:%\s*)?(?:\(\w+\)\s*)?(?:nya|olika|st|stycken|unika)?\s*([a-zåäöé][\wåäö-]{2,})", re.I)


def _free_text_cells(text: str, markers: set[str]) -> list[Cell]:
    """Numbers of a free-text (indicator) cell, each with the noun after it ("45 organisationer")."""
    out = []
    for val, s, e, u in numbers_in_text(text):
        m = _CELL_NOUN.match(text, e)
        noun = m.group(1).lower() if m else None
        ym = re.match(r"\s*%?\s*\((?:[^()]*?,\s*)?((?:19|20)\d\d)\)", text[e:e + 30])
        year = int(ym.group(1)) if ym else None
        dec = 0 if val == int(val) else len(str(val).split(".")[1])
        out.append(Cell(float(val), dec, u == "procent", None, noun, year=year))
        raw = text[s:e].strip()
        # a superscript footnote glued to a number in a PDF dump: "70/503" is 70/50 and note 3
        if markers and re.fullmatch(r"\d{2,4}", raw) and raw[-1] in markers and \
                (e >= len(text) or text[e] in " \n\t"):
            out.append(Cell(float(raw[:-1]), 0, u == "procent", None, noun, footnote=True))
    return out


def _footnote_markers(t) -> set[str]:
    """Digits that start a footnote line inside the table ("3 siffrorna visar utfall ...")."""
    found = set()
    for r in t.rows:
        for chunk in [r.text or ""] + list(r.cells or []):
            for m in re.finditer(r"(?:^|\n|\s{2,})([1-9])\s+[a-zåäö]{3,}\s+[a-zåäö]{2,}", chunk):
                found.add(m.group(1))
    return found


# a row label that names its unit as percent: "Sjukfrånvaro, procent", "Resultat i procent av skatteintäkter",
# "Andel heltidsanställda (%)"
_PERCENT_LABEL = re.compile(r"[,(]\s*(?:i\s+)?(?:procent|%)\s*\)?\s*$|\bi\s+procent\s+av\b|\bi\s+%\s+av\b|"
                            r"^\s*andel(?:en)?\b", re.I)


def _continues(tables: list, views: list, i: int, title: str | None) -> int | None:
    """The index of the table that table i continues (no title of its own, only rows between them), or None."""
    t = tables[i]
    if i == 0 or title is None or (t.title and not _HEADER_ONLY.match(t.title)):
        return None
    return i - 1 if views[i - 1].title == title else None


def _report_kind(kind: str | None) -> str:
    """annual (årsredovisning), plan (regionplan, budget) or interim (delårsrapport, månadsrapport, ...)."""
    k = (kind or "").lower()
    if re.search(r"årsredovisning|årsrapport|verksamhetsberättelse|årsbokslut", k):
        return "annual"
    if re.search(r"plan|budget", k):
        return "plan"
    return "interim"


def table_views(d: Document) -> tuple[list[TableView], list[RowView]]:
    """Every table cell of the report in the form the linker compares with figures."""
    views, rows = [], []
    tables = list(d.tables or [])
    previous = None
    ym = re.match(r"((?:19|20)\d\d)", d.meta.period or "") if d.meta else None
    year = int(ym.group(1)) if ym else None
    report = _report_kind(d.meta.kind if d.meta else None)
    money = [t.unit for t in tables if t.unit in MONEY_UNITS]
    dominant = max(set(money), key=money.count) if money else None
    for i, t in enumerate(tables):
        unit, known = previous = _infer_unit(d, tables, i, previous)
        title = _display_title(tables, i, d)
        names = list(t.columns or [])
        cont = _continues(tables, views, i, title)
        if cont is not None:
            # the rest of the table above, split off by a row the recovery could not place: its unit and header
            if unit is None and views[cont].unit:
                unit, known = views[cont].unit, views[cont].unit_known
                previous = (unit, known)
            width = max((len(r.values) for r in t.rows), default=0)
            if not names and tables[cont].columns and width <= len(tables[cont].columns):
                names = list(tables[cont].columns)
        if unit is None and dominant and t.kind == "numeric" and not _looks_percent(t):
            unit, known = dominant, False  # the report's money unit: most of its tables use it
        cols = _column_meta(names) if t.kind == "numeric" else []
        sec = d.section_at(t.start)
        v = TableView(i, t.id, title, unit, known, t.kind, cols, t.start, t.end,
                      sec.index if sec else None, content_words(re.sub(r"\(.*?\)", " ", title or "")),
                      year, report)
        v.group = views[cont].group if cont is not None else i
        views.append(v)
        markers = _footnote_markers(t) if t.kind != "numeric" else set()
        for r in t.rows:
            cells: list[Cell] = []
            if t.kind == "numeric":
                row_pct = bool(_PERCENT_LABEL.search(r.label or ""))
                for j, val in enumerate(r.values):
                    if val is None:
                        continue
                    raw = r.cells[j] if j < len(r.cells) else None
                    pct = bool(raw and raw.strip().endswith("%")) or (j < len(cols) and cols[j].percent) or row_pct
                    cells.append(Cell(float(val), _cell_decimals(raw, val), pct, j))
            else:
                text = " ".join(r.cells) if r.cells else r.text[len(r.label):]
                cells += _free_text_cells(text, markers)
            label = re.sub(r"\s+", " ", r.label or "").strip()
            rows.append(RowView(i, label, content_words(label),
                                frozenset(a for a, rx in _ASPECT_HEAD[:4] if rx.search(label)) |
                                ({"target"} if re.search(r"målvärde|målnivå", label, re.I) else set()), cells,
                                re.sub(r"\s+", " ", r.text or "").strip(), r.start, r.end))
    return views, rows


def _common_words(d: Document, share: float = 0.03) -> set[str]:
    """Words in more than `share` of the report's sentences (the region's name, "regionen"): they name no row."""
    counts: dict[str, int] = defaultdict(int)
    for s in d.sentences:
        for w in set(content_words(d.text[s.start:s.end])):
            counts[w] += 1
    n = max(1, len(d.sentences))
    return {w for w, c in counts.items() if c > share * n and c >= 5}


def _norm_title(t: str | None) -> str | None:
    if not t:
        return None
    return re.sub(r"\s+", " ", re.sub(r"\(.*?\)", " ", t)).strip().lower() or None


def _title_lines(d: Document, tables: list[TableView]) -> list[tuple[int, str]]:
    """(offset, title) of lines outside tables that repeat a table's title of three words or more.

    Goal follow-ups print "Mål 5. Vi har en nära ... vård" as the heading of the
    prose and again as the title of the indicator table: prose under that line
    talks about that table.
    """
    titles = {_norm_title(t.title) for t in tables if t.title and len(t.title.split()) >= 3}
    titles.discard(None)
    if not titles:
        return []
    spans = [(t.start, t.end) for t in tables]
    out = []
    pos = 0
    for line in d.text.split("\n"):
        key = _norm_title(line)
        if key in titles and not any(a <= pos < b for a, b in spans):
            out.append((pos, key))
        pos += len(line) + 1
    return out
