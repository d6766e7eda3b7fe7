"""rapport_links: link each prose figure to the table cells that hold it; flag contradictions.

A report says "Verksamhetens resultat för perioden är positivt med 356
miljoner kronor" and the driftredovisning has 356 in the row "Verksamhetens
resultat", column "Utfall 2021-08". For every figure from rapport_figures:

1. Candidate cells: every cell of the report's tables whose value equals the
   figure's after unit normalisation (tkr/mkr/mdkr; procent), either
   exactly or within the precision the prose was written with ("1,3
   miljarder" ~ 1 312 mkr, "drygt 140" ~ 146, a table's "15" ~ prose
   "15,4"; never on one significant digit): the link's `match` says which. Signs are compared as magnitudes: prose
   says "underskott på 218", the table says -218.
2. Ranking: how well the sentence (the figure's own words first, then the
   rest of the clause and the section heading) covers the row label and
   the table title, word by word with lemmas, stems and Swedish compound
   parts ("avvikelse mot budget" ~ "Budgetavvikelse", "balanskravsresultat"
   ~ "Balanskravsresultat"), weighted by how rare each label word is among the
   report's row labels; whether the column fits what the sentence says
   (outcome, budget, forecast, deviation from budget, change, an earlier
   year); how unlikely the value is to match by chance (significant digits,
   how many cells hold it); and whether the table stands near the sentence
   or under a line that repeats its title (goal sections and their indicator
   tables). A second pass lends confidence to tables that other figures of
   the same section link to firmly (a paragraph usually discusses one table).
   Gates keep chance matches out: a link without any own word naming the row
   needs a distinctive number; one-digit values and small counts need their
   row (or the counted noun) named in their own clause. A bottom-line row
   ("Totalt Region X") is named by "resultat"/"totalt" or by its table's
   title. A short line ending in a colon ("Resultat per juni:") is the
   subject of the lines under it; a sentence naming only a column
   ("Negativ avvikelse mot budget med 86 mkr") continues the row the
   sentence before linked to. A table the recovery split in two keeps its
   title, unit and header; a row label can name its unit ("Sjukfrånvaro,
   procent", "Resultat i procent av ...").
3. Several tables can hold the same figure (resultaträkning and
   driftredovisning): the best row of every table scoring at least half the
   best table is linked (a result is not re-linked to the balance sheet or
   cash flow that carry it over), a second row of one table at 70% of its
   best, and rows that restate the linked one (the same numbers).
4. Contradictions: a figure that links nowhere and whose number no row the
   sentence names holds, where the sentence names one row beyond doubt
   (every informative label word in the figure's own words or its clause's
   subject; a "Totalt" line by its table's title; own words before the
   subject's, specific rows before the table's topic row), says what the
   cell measures ("årets investeringar på 583 mnkr" names "Årets resultat"
   but measures investments; "beviljat", "påverkar" make an amount a flow or
   an effect), and picks out one column (outcome, budget, forecast,
   deviation, change, the period or the year before; "vid årets slut" is
   the outcome in an annual report, a forecast in an interim one), in the
   same unit family and scale, holding a different number; rows that fit
   alike must agree. Conservative by design: a false alarm costs an auditor
   more than a missed slip. `Linker.trace` (a list) records why a figure
   is not one, for debugging.

Writes doc.spans["links"] (Link records), doc.spans["contradictions"]
(Contradiction records), and doc.user_data["rapport_unlinked"] (dicts for the
figures that found no table, so coverage is visible).
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from rapport.corpus import Document
from rapport.corpus.numbers import UNIT_SCALE_KR, numbers_in_text, parse_unit

from ..records import Contradiction, Link
from ..spans import document, evidence
from .figures import MONEY_UNITS, Figure, carrier_span, taken_offsets

# ---------------------------------------------------------------- words

_TOKEN = re.compile(r"[a-zåäöéü]+(?:-[a-zåäöéü]+)*", re.I)
_STOP = {
    "och", "i", "på", "för", "med", "till", "av", "om", "som", "är", "att", "det", "en", "ett", "den", "de",
    "har", "var", "vilket", "vilken", "inom", "mot", "efter", "per", "under", "samt", "eller", "från", "vid",
    "sig", "sin", "sina", "sitt", "så", "nu", "än", "men", "ca", "enligt", "varav", "exkl", "inkl",
    "inklusive", "exklusive", "ej", "ingen", "inte", "uppgår", "uppgick", "uppgå", "blir", "bli", "blev",
    "visar", "redovisar", "redovisas", "totalt", "sammantaget", "också", "även", "dock", "där", "här",
    "miljoner", "miljon", "miljarder", "kronor", "mkr", "mnkr", "tkr", "mdkr", "procent", "kr", "belopp",
    "st", "antal", "not", "noter", "tabell", "samma", "denna", "detta", "dessa", "kan", "ska", "skall",
    "kring", "hur", "man", "vad", "när", "då", "vi", "vår", "våra", "vårt", "alla", "andra", "sin", "hos",
    "mm", "bl", "a", "ex", "t", "o", "m", "mer", "mindre", "mellan", "utan", "genom", "inför", "över",
    "vara", "varit", "bli", "få", "får", "fått", "ha", "hade", "sker", "skett", "finns", "gäller", "gör",
    "blivit", "inom", "ut", "upp", "in",
}
# label words that say little about which row it is
_GENERIC = {"summa", "total", "totalt", "övrig", "övriga", "övrigt", "region", "regionen", "koncernen",
            "varav", "netto", "s", "a",
            # which period a result covers is the column's business: "Periodens resultat" is named by "resultatet"
            "årets", "periodens"}


_ORG_SUFFIX = re.compile(r"(?:nämnd|styrels|styr|förvaltning|stab|kontor|verksam)\w{0,4}$")


@lru_cache(maxsize=100_000)
def _forms(word: str) -> tuple[str, str, str]:
    """(lowercased word, lemma, snowball stem): three ways to meet an inflected form."""
    from .lemmas import lemma

    w = word.lower()
    return w, lemma(w), _stem(w)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("swedish")


def _stem(w: str) -> str:
    return _stemmer().stemWord(w)


@lru_cache(maxsize=400_000)
def word_sim(a: str, b: str) -> float:
    """How well word `a` (from a label) is met by word `b` (from a sentence), 0..1.

    1 for the same word in any inflection; compounds meet their parts:
    a label's head named by a more specific sentence word ("resultat" ~
    "balanskravsresultat", 0.8), a label compound named only by its head
    ("patientnämnd" ~ "nämnder", 0.5: the sentence does not say which one),
    a modifier ("budgetavvikelse" ~ "budget", 0.6), a part inside
    ("folkbiblioteksverksamheter" ~ "bibliotek", 0.5), a shared modifier
    ("folkhögskolestyrelsen" ~ "folkhögskolans", 0.4).
    """
    fa, fb = _forms(a), _forms(b)
    if fa[0] == fb[0] or fa[1] == fb[1] or fa[2] == fb[2]:
        return 1.0
    # the snowball stem can cut too deep ("fastigheter" -> "fast"): the lemmas get a say too
    return max(_compound_sim(fa[2], fb[2]), _compound_sim(fa[1], fb[1]) if fa[1] != fa[2] or fb[1] != fb[2] else 0.0)


def _compound_sim(x: str, y: str) -> float:
    """word_sim's compound rules on one pair of forms (label form `x`, sentence form `y`)."""
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) < 4 or (x[:4] != y[:4] and short not in long_):
        return 0.0  # every rule below needs a shared start or one form inside the other
    ox, oy = _ORG_SUFFIX.sub("", x), _ORG_SUFFIX.sub("", y)
    if ox != x and oy != y and ox == oy and len(ox) >= 5:
        return 0.9  # the board and its administration: folkhögskolestyrelsen ~ folkhögskoleförvaltningen
    if long_.startswith(short) and len(long_) - len(short) <= 3:
        return 1.0  # prognos / prognosen, finansnetto / finansnettot
    if long_.endswith(short) and len(short) >= 5:
        return 0.8 if long_ == y else 0.5
    if long_.startswith(short) and len(short) >= 5:
        return 0.6
    if len(short) >= 6 and short in long_:
        return 0.5
    p = 0
    for c1, c2 in zip(x, y):
        if c1 != c2:
            break
        p += 1
    if p >= 7:
        return 0.4
    return 0.0


def content_words(text: str) -> list[str]:
    """Lowercased words that can name something; "hbtq-diplomerade" also gives its parts."""
    out = []
    for m in _TOKEN.finditer(text or ""):
        w = m.group().lower().strip("-")
        if len(w) < 2 or w in _STOP:
            continue
        out.append(w)
        if "-" in w:
            out += [p for p in w.split("-") if len(p) >= 3 and p not in _STOP]
    return out


# what a sentence word also names in a financial statement: "balansomslutningen" is the balance sheet's
# total, printed as "Summa tillgångar" and "Summa eget kapital, avsättningar och skulder"
_SYNONYMS = {
    "balansomslutning": ("tillgångar",),
    "årsresultat": ("årets", "resultat"),  # "ett prognostiserat årsresultat på -36 mnkr"
}
# words that point at a row without naming it: a surplus or deficit is some result ("ett överskott på 140
# mkr" is a result row's number); good enough to rank a cell that holds the number, not to name a row
_HINTS = {
    "överskott": ("resultat",),
    "underskott": ("resultat",),
}


def sentence_words(text: str, hints: bool = True) -> list[str]:
    """content_words of prose, each followed by the statement words it stands for (_SYNONYMS, _HINTS)."""
    out = []
    for w in content_words(text):
        out.append(w)
        for table in ((_SYNONYMS, _HINTS) if hints else (_SYNONYMS,)):
            for key, extra in table.items():
                if w.startswith(key):
                    out.extend(extra)
    return out


def phrase_in(label: str, text: str) -> bool:
    """The label's words appear in the text as one run (inflected: "Periodens resultat" in "periodens resultat som")."""
    lw = [w for w in re.findall(r"[a-zåäöéü]+", label.lower()) if w not in ("summa", "totalt", "s", "a")]
    if not lw or (len(lw) == 1 and len(lw[0]) < 8):
        return False
    tw = re.findall(r"[a-zåäöéü]+", text.lower())
    for i in range(len(tw) - len(lw) + 1):
        if all(word_sim(a, b) >= 1.0 or (j == len(lw) - 1 and word_sim(a, b) >= 0.8)
               for j, (a, b) in enumerate(zip(lw, tw[i:i + len(lw)]))):
            return True
    return False


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


# ---------------------------------------------------------------- value matching

@dataclass(frozen=True)
class Candidate:
    figure: int
    row: int  # index into rows
    cell: int  # index into the row's cells
    match: str  # exact | rounded
    unit_fit: float
    value: float  # the cell value, as in the table


def _interval(f: Figure, target_scale: float) -> tuple[float, float, float]:
    """(exact magnitude, low, high) of what the figure can stand for, in a unit of `target_scale` kr.

    The prose precision is half a unit of its last written digit; approximation
    words widen it ("drygt 140" covers 140–154).
    """
    written_scale = UNIT_SCALE_KR.get(f.unit or "", 1.0) if f.unit in MONEY_UNITS else 1.0
    k = written_scale / target_scale if f.unit in MONEY_UNITS else 1.0
    x = abs(f.value) * k
    half = 0.5 * 10 ** (-f.decimals) * k
    lo, hi = x - half, x + half
    if f.approx == "above":
        lo, hi = x, x * 1.1 + half
    elif f.approx == "below":
        lo, hi = x * 0.9 - half, x
    elif f.approx == "about":
        lo, hi = x * 0.95 - half, x * 1.05 + half
    elif f.approx == "bound":
        lo, hi = x, x
    return x, lo, hi


_SHARE_LABEL = re.compile(r"^\s*andel(?:en)?\b|%|\bprocent\b|\bgrad(?:en)?\b|\w+grad\b", re.I)


def _unit_fit(f: Figure, t: TableView, c: Cell, label: str = "") -> float | None:
    """How plausible it is that the cell is in the figure's unit (None: impossible).

    A row named "Andel ..." (a share) or "...grad" holds percentages even where
    its free-text cells do not print "%".
    """
    money_table = t.unit in MONEY_UNITS
    if f.unit == "procent" and not money_table and not c.percent and _SHARE_LABEL.search(label):
        return 1.0
    if f.unit in MONEY_UNITS:
        if c.percent or t.unit in ("procent", "procentenheter"):
            return None
        if money_table:
            return 1.0 if t.unit_known else 0.85
        if t.unit in ("antal",):
            return None
        return 0.6
    if f.unit in ("procent", "procentenheter"):
        fit = 1.0 if (c.percent or t.unit == "procent") else None
        if fit is None:
            if money_table:
                fit = 0.45 if c.column is not None and not t.columns else (0.25 if c.column is None else None)
                if c.column is not None and t.columns and c.column < len(t.columns) and \
                        "change" in t.columns[c.column].aspects:
                    fit = 0.8
            else:
                fit = 0.6
        if fit is not None and f.unit == "procentenheter":
            fit *= 0.8
        return fit
    if f.unit == "antal":
        if c.percent or money_table:
            return None
        return 0.8
    if f.unit == "kr":
        return 1.0 if money_table else None
    # a bare number
    if c.percent or t.unit in ("procent", "procentenheter"):
        return 0.3
    return 0.5 if money_table else 0.6


def _value_matches(f: Figure, t: TableView, c: Cell) -> str | None:
    """'exact', 'rounded' or None."""
    scale = UNIT_SCALE_KR.get(t.unit or "", None) if (f.unit in MONEY_UNITS and t.unit in MONEY_UNITS) else None
    x, lo, hi = _interval(f, scale if scale else UNIT_SCALE_KR.get(f.unit or "", 1.0) if f.unit in MONEY_UNITS
                          else 1.0)
    v = abs(c.value)
    eps = 1e-9 * max(1.0, x)
    if abs(v - x) <= eps:
        return "rounded" if f.approx in ("above", "below", "about") else "exact"
    if f.approx == "bound":
        return None
    # a rounded match needs two significant digits on both sides: "5 miljarder" or a table's "1"
    # would match half the report
    if f.sig_digits < 2 or v < 10 * 10 ** (-c.decimals):
        return None
    if lo - eps <= v < hi + eps:
        return "rounded"
    # the table is the less precise one: prose "15,4", table "15"
    if f.decimals > c.decimals and abs(round(x, c.decimals) - v) <= eps:
        return "rounded"
    return None


# ---------------------------------------------------------------- scoring

@dataclass
class Scored:
    cand: Candidate
    label: float
    title: float
    column: float
    specificity: float
    proximity: float
    polarity: int
    phrase: bool = False  # the row label stands in the sentence as a phrase
    label_own: float = 0.0  # label coverage by the figure's own clause alone
    rare: float = 0.0  # specificity of the value in the whole report
    noun: bool = False  # the counted noun ("arton e-tjänster") names the row or the cell
    score: float = 0.0
    column_name: str | None = None


def _coverage(words: list[str], idf: dict[str, float], ctx: list[tuple[str, float]]) -> float:
    """Weighted share of `words` met in the context (each context word carries a weight)."""
    if not words:
        return 0.0
    num = den = 0.0
    for w in dict.fromkeys(words):
        wt = idf.get(_forms(w)[2], 1.0) * (0.3 if w in _GENERIC else 1.0)
        best = 0.0
        for c, cw in ctx:
            s = word_sim(w, c)
            if s * cw > best:
                best = s * cw
                if best >= 1.0:
                    break
        if best < 0.9:
            best = max(best, _compound_met(w, ctx))
        num += wt * best
        den += wt
    return num / den if den else 0.0


def _compound_met(w: str, ctx: list[tuple[str, float]]) -> float:
    """A label compound whose two parts both stand in the context: "budgetavvikelse" ~ "avvikelse mot budget"."""
    x = _forms(w)[2]
    if len(x) < 8:
        return 0.0
    near = [(_forms(c)[2], cw) for c, cw in ctx]
    near = [(y, cw) for y, cw in near if len(y) >= 4 and y[:4] in x]
    if len(near) < 2:
        return 0.0
    best = 0.0
    for i in range(4, len(x) - 3):
        head, mod = x[i:], x[:i].rstrip("s") if len(x[:i]) > 4 else x[:i]
        hm = max((cw for y, cw in near if _part_sim(head, y)), default=0.0)
        if not hm:
            continue
        mm = max((cw for y, cw in near if _part_sim(mod, y)), default=0.0)
        best = max(best, 0.9 * min(hm, mm))
    return best


@lru_cache(maxsize=400_000)
def _part_sim(part: str, y: str) -> bool:
    """Stem `y` is the compound part `part`, inflected or not."""
    return len(part) >= 4 and (y == part or (y.startswith(part) and len(y) - len(part) <= 3)
                               or (part.startswith(y) and len(part) - len(y) <= 3 and len(y) >= 4))


def _column_fit(f: Figure, t: TableView, r: RowView, c: Cell) -> tuple[float, str | None]:
    """How well the cell's column fits what the sentence says about the figure."""
    col = t.columns[c.column] if (c.column is not None and c.column < len(t.columns)) else None
    name = col.name if col else None
    asp = set(col.aspects) if col else set()
    if not asp:
        asp = set(r.aspects)
    fa = set(f.aspects)
    if "year_end" in fa:  # "vid årets slut": the year's outcome in an annual report, else a forecast
        fa.discard("year_end")
        if t.report != "annual":
            fa.add("forecast")
        elif not fa & {"deviation", "change", "budget"}:
            fa.add("outcome")
    plan = t.report == "plan"  # in a budget document the plan columns are what the prose states
    if "target" in asp:
        fit = 1.0 if f.approx == "bound" else 0.35
    elif not asp:
        fit = 0.5
    elif "deviation" in fa:
        if "deviation" in asp:
            fit = 1.0 if ("forecast" in fa) == ("forecast" in asp) else 0.65
        else:
            fit = 0.15
    elif "change" in fa:
        fit = 1.0 if "change" in asp else 0.5 if "deviation" in asp else 0.2
    elif "forecast" in fa:
        fit = 1.0 if asp <= {"forecast"} or asp == {"forecast", "outcome"} else \
            0.4 if asp == {"forecast", "deviation"} else \
            0.35 if "outcome" in asp else (1.0 if plan else 0.25) if "budget" in asp else 0.15
    elif "budget" in fa:
        fit = 1.0 if "budget" in asp and "deviation" not in asp else 0.3
    else:  # an outcome
        if "deviation" in asp or "change" in asp:
            fit = 0.2
        elif "forecast" in asp:
            fit = 0.4
        elif "budget" in asp:
            fit = 1.0 if plan else 0.3
        else:
            fit = 1.0
    if c.year is not None and f.years and c.year not in f.years:
        fit *= 0.6
    elif c.year is not None and not f.years and c.year < (t.year or 9999):
        fit *= 0.5 if "previous" not in fa else 1.0  # "70 % (2020)": a baseline, not this period
    if col is not None and col.years:
        if f.years and set(f.years) & set(col.years):
            fit = min(1.0, fit + 0.2)
        elif f.years and not set(f.years) & set(col.years):
            fit *= 0.3  # "för 2019" is not the column "Utfall 2018"
        elif col.previous:
            # "året innan": the year before the report's, not any earlier one
            fit *= (1.0 if not t.year or t.year - 1 in col.years else 0.7) if "previous" in fa else 0.5
        elif "previous" in fa:
            fit *= 0.5  # "jämfört med 6,3 procent året innan" is not the current column
    return fit, name


def _specificity(f: Figure, n_same: int) -> float:
    base = {0: 0.05, 1: 0.15, 2: 0.4, 3: 0.75}.get(f.sig_digits, 1.0)
    if f.value == 0:
        base = 0.05
    return base / (1.0 + 0.3 * max(0, n_same - 1))


def _proximity(d: Document, f: Figure, t: TableView) -> float:
    sec = d.section_at(f.start)
    if sec is not None and t.section is not None:
        if sec.index == t.section:
            return 1.0
    gap = t.start - f.sent_end if t.start >= f.sent_end else f.sent_start - t.end
    if gap <= 2500:
        return 0.8
    if sec is not None and t.section is not None:
        a, b = _ancestors(d, sec.index), _ancestors(d, t.section)
        if a & b and max(d.sections[i].level for i in a & b) >= 2:
            return 0.5
    return 0.0


def _ancestors(d: Document, i: int | None) -> set[int]:
    out = set()
    while i is not None:
        out.add(i)
        i = d.sections[i].parent
    return out


@dataclass
class Weights:
    """The ranking's weights (models/config.cfg can override them)."""

    label: float = 2.4
    title: float = 0.6
    column: float = 0.6  # share of the score a column can take away
    specificity: float = 1.2
    proximity: float = 0.5
    polarity: float = 0.25
    phrase: float = 0.4
    coherence: float = 0.5
    other_tables: float = 0.5  # a second table is linked when it scores at least this share of the best
    threshold: float = 1.4
    slip_ratio: float = 10.0  # a differing number within this factor of the cell is a slip, beyond it another unit


def _combine(s: Scored, unit_fit: float, match: str, w: Weights) -> float:
    """Evidence adds up (label, title, value, place, sign); a column or unit that does not fit scales it down."""
    raw = (w.label * s.label + w.title * s.title + w.specificity * s.specificity
           + w.proximity * s.proximity + w.polarity * s.polarity + w.phrase * s.phrase)
    col = (1.0 - w.column) + w.column * s.column
    if s.column < 0.3:
        col *= 0.7  # the header says another kind of number (an outcome column for a forecast)
    return raw * col * (0.5 + 0.5 * unit_fit) * (1.0 if match == "exact" else 0.85)


# ---------------------------------------------------------------- the linker

@dataclass
class LinkResult:
    links: list[tuple[Figure, Scored, TableView, RowView]]
    contradictions: list[tuple[Figure, TableView, RowView, Cell, str | None, float]]
    unlinked: list[Figure]


class Linker:
    """Links the figures of one report to its tables."""

    def __init__(self, d: Document, weights: Weights | None = None):
        self.d = d
        self.w = weights or Weights()
        self.tables, self.rows = table_views(d)
        n = max(1, len(self.rows) + len(self.tables))
        df: dict[str, int] = defaultdict(int)
        for r in self.rows:
            for s in {_forms(w)[2] for w in r.words}:
                df[s] += 1
        for t in self.tables:
            for s in {_forms(w)[2] for w in t.title_words}:
                df[s] += 1
        self.idf = {k: math.log(1 + n / (v + 0.5)) for k, v in df.items()}
        # value index: magnitude -> (row, cell)
        entries = []
        for ri, r in enumerate(self.rows):
            for ci, c in enumerate(r.cells):
                entries.append((abs(c.value), ri, ci))
        entries.sort()
        self._keys = [e[0] for e in entries]
        self._entries = entries
        self._sent_starts = [x.start for x in d.sentences]
        self._common = _common_words(d)
        self._anchors = _title_lines(d, self.tables)
        self._anchor_pos = [a[0] for a in self._anchors]
        self._ctx_cache: dict = {}
        region = (d.meta.region or "").lower() if d.meta else ""
        self._region_words = {w for w in content_words(region)} | {w + "s" for w in content_words(region)}
        self.trace: list | None = None  # set to [] to collect why figures are not contradictions

    # -- candidates
    def candidates(self, fi: int, f: Figure) -> list[Candidate]:
        if f.is_range:
            return []
        out = []
        seen_scales = set()
        for scale in self._scales(f):
            if scale in seen_scales:
                continue
            seen_scales.add(scale)
            x, lo, hi = _interval(f, scale)
            lo2 = min(lo, x) - 1e-9 - 0.5 * max(1.0, x) * 1e-6
            hi2 = max(hi, x) + 1e-9 + 0.5  # covers table rounding of prose decimals
            for k in range(bisect_left(self._keys, lo2), bisect_right(self._keys, hi2)):
                _, ri, ci = self._entries[k]
                r = self.rows[ri]
                if r.start <= f.start < r.end:
                    continue  # the "sentence" is the cell itself, read as prose by the layout
                t = self.tables[r.table]
                c = r.cells[ci]
                if f.unit in MONEY_UNITS and t.unit in MONEY_UNITS and UNIT_SCALE_KR[t.unit] != scale:
                    continue
                if not (f.unit in MONEY_UNITS and t.unit in MONEY_UNITS) and scale != self._plain_scale(f):
                    continue
                fit = _unit_fit(f, t, c, r.label)
                if fit is None:
                    continue
                if f.approx == "bound" and not self._target_cell(t, r, c):
                    continue  # "minst 50 procent" is a target: only a target column holds it
                m = _value_matches(f, t, c)
                if m is None:
                    continue
                out.append(Candidate(fi, ri, ci, m, fit, c.value))
        return out

    @staticmethod
    def _target_cell(t: TableView, r: RowView, c: Cell) -> bool:
        if t.kind != "numeric":
            return True
        col = t.columns[c.column] if c.column is not None and c.column < len(t.columns) else None
        return bool(col and "target" in col.aspects) or "target" in r.aspects

    @staticmethod
    def _plain_scale(f: Figure) -> float:
        return UNIT_SCALE_KR.get(f.unit, 1.0) if f.unit in MONEY_UNITS else 1.0

    def _scales(self, f: Figure) -> list[float]:
        if f.unit in MONEY_UNITS:
            return sorted({UNIT_SCALE_KR[t.unit] for t in self.tables if t.unit in MONEY_UNITS}
                          | {self._plain_scale(f)})
        return [1.0]

    # -- context of a figure
    def context(self, f: Figure, later_figures: bool = False) -> list[tuple[str, float]]:
        """The words that may name the figure's row, weighted by how surely they are about it.

        Its own words (since the previous figure) count fully; the clause's
        subject before them 0.75, and so does a short line ending in a colon
        just above ("Resultat per juni:" over "2024: 96 mkr ..."); the words
        after it 0.7, or 0.4 when another amount follows (they belong to that
        one); the section heading 0.5; the sentence before 0.3.
        """
        return self._context(f, later_figures)[0]

    def own_words(self, ctx: list[tuple[str, float]], f: Figure, later_figures: bool) -> list[tuple[str, float]]:
        """The part of the context that comes from the figure's own clause (and a lead line ending in a colon)."""
        return ctx[:self._context(f, later_figures)[1]]

    def _context(self, f: Figure, later_figures: bool) -> tuple[list[tuple[str, float]], int]:
        key = (f.start, f.end, f.sent_start, later_figures)
        if key in self._ctx_cache:
            return self._ctx_cache[key]
        text = self.d.text
        local = sentence_words(text[f.local_start:f.start]) + sentence_words(text[f.end:f.local_end])
        before = sentence_words(text[f.sent_start:f.local_start])
        after = sentence_words(text[f.local_end:f.sent_end])
        sec = self.d.section_at(f.start)
        head = content_words(sec.heading) if sec else []
        prev = self._previous_sentence(f.sent_start)
        lead = []
        if prev.rstrip().endswith(":") and len(content_words(prev)) <= 8:
            lead, prev = sentence_words(prev), ""
        own = [(w, 1.0) for w in local] + [(w, 0.75) for w in before] + [(w, 0.75) for w in lead] + \
              [(w, 0.4 if later_figures else 0.7) for w in after]
        ctx = own + [(w, 0.5) for w in head] + [(w, 0.3) for w in content_words(prev)]
        # words the report uses everywhere ("regionen", the region's name) are weak evidence
        ctx = [(w, wt * 0.5 if w in self._common else wt) for w, wt in ctx]
        self._ctx_cache[key] = (ctx, len(own))
        return ctx, len(own)

    def _anchor(self, pos: int, reach: int = 4000) -> str | None:
        """The table title that stands as a line closest above `pos` (the goal section it belongs to)."""
        i = bisect_right(self._anchor_pos, pos) - 1
        if i < 0 or pos - self._anchors[i][0] > reach:
            return None
        return self._anchors[i][1]

    def _previous_sentence(self, start: int) -> str:
        sents = self.d.sentences
        i = bisect_left(self._sent_starts, start) - 1
        if i < 0:
            return ""
        s = sents[i]
        if start - s.end > 200 or self.d.blocks[s.block].kind.value == "table":
            return ""
        return self.d.text[s.start:min(s.end, start)]

    def score(self, f: Figure, cand: Candidate, ctx, n_same: int, own=None) -> Scored:
        r = self.rows[cand.row]
        t = self.tables[r.table]
        c = r.cells[cand.cell]
        label = _coverage(r.words, self.idf, ctx)
        label_own = _coverage(r.words, self.idf, own) if own is not None else label
        if self._bottom_line(r):
            # "Totalt Region Västerbotten": the table's bottom line, named by "resultat"/"totalt" (however
            # common the word is in the report: here it is the measure), or by the table's title
            # ("Sjukfrånvaro ack oktober: 6,2 %" ~ "Totalt" of "Sjukfrånvaro ack oktober (procent)")
            bl = 0.6 if f.measure and _BOTTOM_WORD.search(f.measure.split()[-1].lower()) else 0.0
            bl = max([bl] + [wt * (2.0 if w in self._common else 1.0) * 0.6
                             for w, wt in (own or ctx) if _BOTTOM_WORD.search(w)])
            if t.title_words and own is not None:
                tcov = _coverage(t.title_words, self.idf, own)
                if tcov >= 0.5:
                    bl = max(bl, 0.8 * tcov)
            label, label_own = max(label, bl), max(label_own, bl)
        if c.noun:  # "arton e-tjänster" ~ cell "18 nya e-tjänster"
            fn = [(w, 1.0) for w in content_words(f.noun or "")] + \
                 [(w, 0.8) for w in content_words(self.d.text[f.end:f.local_end])[:3]]
            boost = 0.5 * max((word_sim(c.noun, w) * wt for w, wt in fn), default=0.0)
            label, label_own = min(1.0, label + boost), min(1.0, label_own + boost)
        phrase = phrase_in(r.label, self.d.text[f.sent_start:f.sent_end])
        title = _coverage(t.title_words, self.idf, ctx) if t.title_words else 0.0
        anchored = self._anchor(f.start) == _norm_title(t.title)
        if anchored:
            title = 1.0
        col, name = _column_fit(f, t, r, c)
        pol = 0
        if f.polarity and c.value:
            pol = 1 if (f.polarity > 0) == (c.value > 0) else -1
        prox = 1.0 if anchored else _proximity(self.d, f, t)
        spec = rare = _specificity(f, n_same)
        if anchored:
            # under the table's own title the value need only be rare within that table
            n_local = sum(1 for x in self.rows if x.table == r.table and
                          any(abs(abs(y.value) - abs(c.value)) < 1e-9 for y in x.cells))
            spec = max(spec, {0: 0.3, 1: 0.4, 2: 0.6, 3: 0.8}.get(f.sig_digits, 1.0) / max(1, n_local))
        noun = bool(f.noun) and (any(word_sim(w, f.noun) >= 0.8 for w in r.words)
                                 or bool(c.noun and word_sim(c.noun, f.noun) >= 0.8))
        s = Scored(cand, label, title, col, spec, prox, pol, phrase=phrase, column_name=name,
                   label_own=label_own, rare=rare, noun=noun)
        s.score = _combine(s, cand.unit_fit, cand.match, self.w)
        return s

    def run(self, figures: list[Figure]) -> LinkResult:
        scored: dict[int, list[Scored]] = {}
        amounts = defaultdict(list)  # clause -> starts of its money/percent figures
        for f in figures:
            if f.unit in MONEY_UNITS or f.unit in ("procent", "procentenheter"):
                amounts[(f.sent_start, f.sent_end)].append(f.start)
        for fi, f in enumerate(figures):
            cands = self.candidates(fi, f)
            if not cands:
                continue
            later = any(x > f.start for x in amounts[(f.sent_start, f.sent_end)])
            ctx = self.context(f, later)
            own = self.own_words(ctx, f, later)
            n_same = len({(c.row, c.cell) for c in cands if c.match == "exact"}) or 1
            scored[fi] = [self.score(f, c, ctx, n_same, own) for c in cands]
        # coherence: tables that other figures of the same section link to firmly
        firm: dict[tuple[int | None, int], float] = defaultdict(float)
        sec_of = {}
        for fi, ss in scored.items():
            sec = self.d.section_at(figures[fi].start)
            sec_of[fi] = sec.index if sec else None
            for s in ss:
                if s.score >= self.w.threshold and s.label >= 0.6:
                    key = (sec_of[fi], self.rows[s.cand.row].table)
                    firm[key] = max(firm[key], 1.0)
        for fi, ss in scored.items():
            for s in ss:
                t = self.rows[s.cand.row].table
                support = firm.get((sec_of[fi], t), 0.0)
                if support and not (s.label >= 0.6 and s.score >= self.w.threshold):
                    s.score += self.w.coherence * support
        links, linked, seen = [], set(), set()
        for fi, ss in scored.items():
            f = figures[fi]
            best_by_table: dict[int, list[Scored]] = defaultdict(list)
            for s in ss:
                if s.score < self.w.threshold:
                    continue
                if s.label_own < 0.2 and s.rare < 0.5:
                    continue  # no word of its own names the row: only a distinctive number can carry the link
                if abs(f.value) < 10 and f.decimals == 0 and s.label_own < 0.6:
                    continue  # a one-digit value needs its row named in its own clause
                if f.unit == "antal" and s.rare < 0.5 and not s.noun:
                    continue  # a small count ("fem nämnder") matches some cell in every report: the noun must fit
                if f.unit is None and s.rare < 0.5 and s.label_own < 0.6:
                    continue
                best_by_table[self.rows[s.cand.row].table].append(s)
            best = max((s.score for g in best_by_table.values() for s in g), default=0.0)
            best_table = max(best_by_table, key=lambda ti: max(s.score for s in best_by_table[ti]), default=None)
            result = bool(f.measure and re.search(r"resultat(?:et)?$", f.measure, re.I))
            for ti, group in best_by_table.items():
                group.sort(key=lambda s: -s.score)
                top = group[0]
                if top.score < self.w.other_tables * best:
                    continue  # another table holds it far better: this one holds the number by chance
                if ti != best_table and result and not top.phrase and _CARRIED.search(self.tables[ti].title or ""):
                    # the balance sheet and cash flow carry the year's result over: not where it is reported,
                    # unless the sentence uses the very words of that row ("Årets resultat blev -87 mnkr")
                    continue
                chosen = [top]
                # another row of the same table with the same value, as well matched ("Årets resultat
                # efter balanskravsjusteringar" and "Balanskravsresultat" both 168), or one that restates
                # the row (the same numbers in every column: "Summa tillgångar" and "Summa eget kapital
                # och skulder"; the same single number on the next line)
                for s in group[1:]:
                    if s.cand.row == top.cand.row or any(s.cand.row == x.cand.row for x in chosen):
                        continue
                    if (s.label >= 0.5 and s.score >= 0.7 * top.score) or \
                            self._restates(top.cand.row, s.cand.row, s.label):
                        chosen.append(s)
                for s in chosen:
                    t, r = self.tables[ti], self.rows[s.cand.row]
                    key = (fi, t.title, r.label, s.column_name, s.cand.value)
                    if key in seen:
                        continue  # a repeated table (the same title, row and column) adds nothing
                    seen.add(key)
                    links.append((f, s, t, r))
                    linked.add(fi)
        self._continue_subject(figures, scored, links, linked, seen)
        contradictions = self.contradictions(figures, linked, scored)
        unlinked = [f for fi, f in enumerate(figures) if fi not in linked]
        return LinkResult(links, contradictions, unlinked)

    def _continue_subject(self, figures, scored, links, linked, seen) -> None:
        """A sentence that names only a column continues the previous sentence's row.

        "Verksamhetens resultat ack oktober är 294 mkr. Negativ avvikelse mot budget med 86 mkr": the
        second figure links to the deviation column of the row the first one linked to firmly, when
        that row holds it exactly, its column fits, and its own words name no other row.
        """
        firm = {}  # figure index -> rows it links to with its row named
        for f, s, t, r in links:
            if s.label_own >= 0.6:
                firm.setdefault(id(f), set()).add(s.cand.row)
        order = sorted(range(len(figures)), key=lambda i: figures[i].start)
        for k, fi in enumerate(order):
            f = figures[fi]
            if fi in linked or fi not in scored or f.is_range:
                continue
            if any(s.label_own >= 0.3 for s in scored[fi]):
                continue  # its own words name some row: not an ellipsis
            prev = next((figures[j] for j in reversed(order[:k]) if figures[j].sent_end <= f.sent_start), None)
            if prev is None or f.sent_start - prev.sent_end > 300 or id(prev) not in firm:
                continue
            rows = firm[id(prev)]
            for s in sorted(scored[fi], key=lambda s: -s.score):
                if s.cand.row in rows and s.cand.match == "exact" and s.column >= 0.95 and \
                        s.cand.unit_fit >= 0.8:
                    t, r = self.tables[self.rows[s.cand.row].table], self.rows[s.cand.row]
                    key = (fi, t.title, r.label, s.column_name, s.cand.value)
                    if key not in seen:
                        seen.add(key)
                        links.append((f, s, t, r))
                        linked.add(fi)
                    break

    # -- contradictions
    def contradictions(self, figures: list[Figure], linked: set[int], scored) -> list:
        """Figures whose row the sentence names beyond doubt, in a column it picks out, holding another number.

        The row: every informative word of its label stands in the figure's own words or its clause's
        subject (a "Totalt"/"Summa" line is named by its table's title, or by "resultat" in a result
        table); rows named by the figure's own words win over rows named only by the subject ("Bland
        kvinnor är sjukfrånvaron 7,6 procent och bland män 4,1 procent"); words after "utöver",
        "förutom", "än", "jämfört med" name another thing. The measure: what the sentence says it
        measures must be what the cell measures. The value: the same unit family and scale, and no
        match for the number in that row or in a row the sentence names. Rows that all fit must agree.
        """
        out = []
        first = {}  # clause -> start of its first figure: the words before it are the clause's subject
        for f in figures:
            key = (f.sent_start, f.sent_end)
            first[key] = min(first.get(key, f.start), f.start)
        text = self.d.text
        for fi, f in enumerate(figures):
            if fi in linked or f.is_range or f.approx or f.from_words:
                self._why(fi, "linked/range/approx/words")
                continue
            if f.unit not in ("mkr", "tkr", "mdkr", "procent", "procentenheter"):
                self._why(fi, "unit")
                continue  # exact kronor amounts and bare numbers are rarely what a table row holds
            if f.sig_digits < 2 and abs(f.value) < 10:
                self._why(fi, "one digit")
                continue
            # a near-miss that the ranking kept out is not a contradiction either, nor a number that a row
            # the sentence names holds somewhere (the prose quotes another column or another table)
            if any(s.score >= self.w.threshold * 0.75 or s.label >= 0.5 for s in scored.get(fi, [])):
                self._why(fi, "near-miss or named row holds it")
                continue
            before = text[f.local_start:f.start]
            # the words after the number up to its clause's end; "och" ends it only when another figure
            # follows ("72 mnkr och prognosen ... 140 mnkr"), not in "procent av skatteintäkter och statsbidrag"
            after = _own_clause(text[f.end:f.local_end], f.local_end < f.sent_end and
                                bool(re.search(r"\d", text[f.local_end:f.sent_end])))
            head = text[f.sent_start:first[(f.sent_start, f.sent_end)]] if f.local_start > f.sent_start else ""
            lead = self._previous_sentence(f.sent_start)
            lead = lead if lead.rstrip().endswith(":") and len(content_words(lead)) <= 8 else ""
            local = _subject_words(before) + _subject_words(after)
            subject = _subject_words(head) + _subject_words(lead)
            ctx = [(w, 1.0) for w in local + subject]
            own = [(w, 1.0) for w in local]
            measures = _figure_measures(before, head, after)
            hits = []
            heads = {c[:4] for c, _ in ctx}
            for ri, r in enumerate(self.rows):
                t = self.tables[r.table]
                if t.kind != "numeric" or not r.cells:
                    continue
                informative = self._informative(r)
                if not informative:
                    if not self._bottom_named(f, t, r, ctx, measures):
                        continue  # "Totalt Region Västerbotten": the organisation's name names no row
                elif any(w[:4] not in heads for w in informative):
                    continue  # quick test: a word met exactly starts like some word of the sentence
                elif any(max((word_sim(w, c) for c, _ in ctx), default=0) < 1.0 for w in informative):
                    self._why(fi, "label word not met exactly", r.label)
                    continue  # every informative label word must be met exactly in the figure's words
                cell = self._contradiction_cell(f, t, r)
                if cell is None:
                    self._why(fi, "no single cell", r.label)
                    continue
                # the sentence must also speak of what the cell measures: "årets investeringar på 583 mnkr"
                # names the row "Årets resultat" but measures investments
                if not all(_measure_fits(m, t, r, cell[1]) for m in measures):
                    self._why(fi, f"measure {measures}", r.label)
                    continue
                # how many of its words the figure's own words name (not only the clause's subject), and how
                # many say more than the table's topic ("Kvinnor" in a sick-leave table says more than
                # "Total sjukfrånvaro")
                n_own = sum(1 for w in informative if max((word_sim(w, c) for c, _ in own), default=0) >= 1.0)
                topic = self._topic(t, measures)
                n_spec = sum(1 for w in informative if not _in_topic(_forms(w)[2], topic))
                hits.append((n_own, n_spec, len(informative), ri, cell))
            if not hits:
                self._why(fi, "no row")
                continue
            best_own = max(h[0] for h in hits)
            hits = [h for h in hits if h[0] == best_own]
            # the most specific row first: "Sjukfrånvaro kvinnor" before "Sjukfrånvaro totalt"
            hits.sort(key=lambda h: (-h[1], -h[2]))
            _, _, _, ri, (cell, name) = hits[0]
            r = self.rows[ri]
            cue = _SUM_CUE.search(text[f.local_start:f.local_end])
            if cue and not re.search(r"\binkl|\binklusive", r.label, re.I):
                self._why(fi, "sum cue")
                continue  # "sammantaget", "tillsammans": a sum of rows, not one row
            if any(h[1:3] == hits[0][1:3] and round(abs(h[4][0].value), 6) != round(abs(cell.value), 6)
                   for h in hits[1:]):
                self._why(fi, "rows disagree", r.label)
                continue  # two tables name the row alike and hold different numbers: nothing certain
            # when the figure's own words name the row, the subject's words belong to an earlier figure
            # ("Bland kvinnor är sjukfrånvaron 7,6 procent och bland män 4,1 procent")
            named_by = own if best_own == len(self._informative(r)) and best_own else ctx
            met = self._met(r, named_by)
            if self._names_other_row(r, met, named_by, measures):
                self._why(fi, "names another row", r.label)
                continue  # the words also name another row of the table: a sum or a comparison
            if any(_value_matches(f, self.tables[r.table], c) for c in r.cells):
                self._why(fi, "row holds it elsewhere", r.label)
                continue  # the row holds the number in another column: the prose means that column
            out.append((f, self.tables[r.table], r, cell, name, 1.0))
        return out

    def _forecast_table(self, t: TableView) -> bool:
        if re.search(r"prognos", t.title or "", re.I):
            return True
        return any(re.search(r"prognos", r.label, re.I) for r in self.rows if r.table == t.index)

    def _informative(self, r: RowView) -> list[str]:
        """Label words that tell the row apart: not "summa", "totalt", the period, or the region's name."""
        # "Övriga kostnader" is named only by a sentence that says "övriga"
        return [w for w in r.words if (w not in _GENERIC or w.startswith("övrig")) and w not in self._region_words]

    def _bottom_named(self, f: Figure, t: TableView, r: RowView, ctx, measures: list[str]) -> bool:
        """A "Totalt"/"Summa" line is named by its table's title words, or by "resultat" in a result table."""
        if not self._bottom_line(r):
            return False
        tw = [w for w in t.title_words if w not in _GENERIC and w not in self._region_words]
        if tw and all(max((word_sim(w, c) for c, _ in ctx), default=0) >= 1.0 for w in tw):
            return True
        return bool(measures) and re.search(r"resultat(?:et)?$", measures[0]) is not None and \
            bool(re.search(r"resultat|driftredovisning|driftsredovisning", t.title or "", re.I))

    def _why(self, fi: int, reason: str, row: str | None = None) -> None:
        """Debugging aid: with `self.trace` a list, record why figure fi is not a contradiction."""
        if self.trace is not None:
            self.trace.append((fi, reason, row))

    def _restates(self, a: int, b: int, label: float) -> bool:
        """Rows a and b of one table hold the same numbers: in two or more columns ("Summa tillgångar" and
        "Summa eget kapital och skulder"), or alone on adjacent lines with a word of b's label named."""
        va = [c.value for c in self.rows[a].cells]
        vb = [c.value for c in self.rows[b].cells]
        if va != vb or not va:
            return False
        return len(va) >= 2 or (abs(a - b) == 1 and label > 0)

    def _bottom_line(self, r: RowView) -> bool:
        """A total row whose label names nothing but the organisation ("Totalt Region Västerbotten", "Summa")."""
        return bool(re.match(r"\s*(?:totalt?|summa|s:a)\b", r.label, re.I) or
                    re.search(r"\btotalt?\s*$", r.label, re.I)) and \
            not [w for w in r.words if w not in _GENERIC and w not in self._common and w not in ("totalt", "total")]

    def _met(self, r: RowView, ctx) -> frozenset:
        """Stems of the row's informative label words that the context names."""
        return frozenset(_forms(w)[2] for w in r.words if w not in _GENERIC and
                         max((word_sim(w, c) for c, _ in ctx), default=0.0) >= 1.0)

    def _names_other_row(self, r: RowView, met: frozenset, ctx, measures: list[str] = ()) -> bool:
        """Another row of the table is named by words the chosen row does not use.

        Words the table's title or the sentence's measure account for ("sjukfrånvaro" over the row
        "Kvinnor" of a sick-leave table; "nettokostnader" over a board's row) name no other row.
        """
        t = self.tables[r.table]
        topic = self._topic(t, measures)
        own = {_forms(w)[2] for w in r.words}
        for r2 in self.rows:
            if self.tables[r2.table].group != t.group or r2 is r:
                continue  # a table split in two by the recovery is still one table
            # words of r2 the sentence names, exactly or as a compound's parts ("den korta sjukfrånvaron" ~
            # "Korttidssjukfrånvaro"), that r does not have and the topic does not explain
            extra = set()
            for w in r2.words:
                x = _forms(w)[2]
                if w in _GENERIC or x in own or x in met or _in_topic(x, topic):
                    continue
                if max((word_sim(w, c) for c, _ in ctx), default=0.0) >= 1.0 or _compound_met(w, ctx) >= 0.8:
                    extra.add(x)
            if extra and _coverage([w for w in r2.words if len(w) >= 4] or r2.words, self.idf, ctx) >= 0.5:
                return True  # ("dag" in "Korttidssjukfrånvaro, dag 1–14" is a qualifier, not a name)
        return False

    def _topic(self, t: TableView, measures) -> frozenset:
        """Stems of what the whole table is about: its title, what that title implies, the sentence's measure."""
        words = list(t.title_words) + list(measures)
        for rx, family in _TABLE_FAMILY:
            if rx.search(t.title or ""):
                words += family
        return frozenset(_forms(w)[2] for w in words)

    def _contradiction_cell(self, f: Figure, t: TableView, r: RowView):
        """The one cell of row `r` that the figure's wording points at, in the figure's unit scale."""
        fits = []
        for c in r.cells:
            fit = _unit_fit(f, t, c, r.label)
            if fit is None or fit < 0.8:
                continue
            if not t.columns and c.column is not None:
                # a table of one unnamed value column ("Balanskravsresultat (mkr)"): the period's outcome,
                # or its forecast when the table's title or labels say "prognos"
                kind = "forecast" if self._forecast_table(t) else "outcome"
                fa = set(f.aspects) - {"year_end"} | ({"forecast"} if "year_end" in f.aspects and
                                                       t.report != "annual" else set())
                if len(r.cells) == 1 and (fa == {kind} or (kind == "outcome" and fa <= {"outcome"})) \
                        and (not f.years or t.year in f.years):
                    fits.append((c, None))
                continue
            col_fit, name = _column_fit(f, t, r, c)
            if col_fit < 0.95 or c.column is None or not t.columns:
                continue
            col = t.columns[c.column] if c.column < len(t.columns) else None
            if f.years and not (col and col.years) and t.year not in f.years:
                continue  # "2021: 812 mkr" against a column of the report's own period
            fits.append((c, name))
        if len(fits) != 1:
            return None
        c, name = fits[0]
        scale = UNIT_SCALE_KR.get(t.unit or "", 1.0) if f.unit in MONEY_UNITS else 1.0
        x, lo, hi = _interval(f, scale)
        v = abs(c.value)
        if _value_matches(f, t, c) is not None:
            return None
        if abs(round(x, c.decimals) - v) < 1e-9 or abs(x - round(v, f.decimals)) < 1e-9:
            return None  # the same number at another precision: prose "1,8", table "2"
        # same scale: within a factor of slip_ratio (a slip, not another unit)
        if v == 0 or not (1.0 / self.w.slip_ratio <= x / v <= self.w.slip_ratio):
            return None
        return c, name


_CLAUSE_CUT = re.compile(r"[,;:()]|\.\s|\s(?:vilket|vilka|som|medan|och|men|samt|varav|respektive)\s", re.I)
_CLAUSE_CUT_NO_AND = re.compile(r"[,;:()]|\.\s|\s(?:vilket|vilka|som|medan|men|varav|respektive)\s", re.I)


# what follows these names something else than the figure: "utöver verksamhetens resultat", "än budget"
_OBJECT_PREP = re.compile(r"\b(?:utöver|förutom|än|jämfört\s+med|i\s+jämförelse\s+med)\s+(?:(?:det|den|de)\s+)?"
                          r"(?:[a-zåäöéü-]+s\s+)?[a-zåäöéü-]+", re.I)


def _subject_words(text: str) -> list[str]:
    """sentence_words of a stretch of prose, without the objects of comparisons ("utöver X", "än X")."""
    return sentence_words(_OBJECT_PREP.sub(" ", text), hints=False)


def _in_topic(stem: str, topic: frozenset) -> bool:
    return any(stem == x or stem.startswith(x) or x.startswith(stem) for x in topic if len(x) >= 4)


def _own_clause(after: str, cut_and: bool = True) -> str:
    """The words after a number up to the end of its own clause ("45 mnkr, främst ..." -> "")."""
    m = (_CLAUSE_CUT if cut_and else _CLAUSE_CUT_NO_AND).search(after)
    return after[:m.start()] if m else after


# verbs that make an amount a flow of its own ("beviljat 42 mkr", "investerat", "betalat ut"): not a row's result
_FLOW_VERB = re.compile(r"^(?:bevilja(?:t|ts|de|r)?|investera(?:t|ts|de|r)?|fördela(?:t|ts|de|r)?|"
                        r"utbetala(?:t|ts|de|r)?|betala(?:t|ts|de|r)?|erhåll(?:it|its|er)?|erhöll|tilldela(?:t|ts|de)?|"
                        r"avsatt|avsatts|avsätt(?:er|s)?|söka?t|sökt|låna(?:t|ts|de)?|bidragit|anslagit|"
                        r"finansiera(?:t|ts|de|r)?|köpt|köpte|sålt|sålde|"
                        # an effect on a measure, not its level: "påverkar resultatet positivt med 216 mkr"
                        r"påverka(?:t|ts|de|r|s)?|belasta(?:t|ts|de|r|s)?|förbättra(?:t|ts|de|r|s)?|"
                        r"försämra(?:t|ts|de|r|s)?|tynga(?:t|de|r|s)?|lyfta?(?:er|e|s)?)$", re.I)
# words right after an amount that do not name another measure ("43 mkr bättre än budget", "18 mkr för perioden")
_AFTER_FREE = {
    "bättre", "sämre", "högre", "lägre", "mer", "mindre", "större", "över", "under", "mot", "jämfört", "än",
    "för", "per", "vid", "till", "inom", "efter", "sedan", "från", "totalt", "netto", "brutto", "exkl",
    "exklusive", "inkl", "inklusive", "ack", "ackumulerat", "hittills", "motsvarande", "år", "året", "åren",
    "perioden", "helåret", "tidigare", "respektive", "jämfört", "sammantaget", "också", "även", "dock",
    "enligt", "totalt", "vilket", "och", "är", "var", "blev", "blir", "uppgår", "uppgick", "negativt",
    "positivt", "kronor", "procent", "procentenheter", "ca", "cirka",
} | set(_MONTHS_SV := ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
                       "oktober", "november", "december"))
# after these, the noun is a comparison's object ("avvikelse mot resultatmålet"), not the measure
_COMPARISON = {"mot", "än", "med", "till"}


def _figure_measures(before: str, head: str, after: str) -> list[str]:
    """The words that say what a figure measures, each of which the linked cell must also name.

    The nearest measure noun before the number ("årets investeringar på 583"; a comparison's object
    like "mot resultatmålet" is skipped), or the clause subject's when its own words have none; a
    noun right after the amount ("42 miljoner kronor i företagsstöd", "3,6 mnkr övrig vårdpersonal");
    and a verb that makes the amount a flow ("beviljat", "investerat").
    """
    from .figures import _MEASURE_HEADS

    def is_measure(w: str) -> bool:
        return any(w == h or (w.endswith(h) and len(w) > len(h) + 2) for h in _MEASURE_HEADS)

    out = []
    for text in (before, head):
        words = re.findall(r"[a-zåäöéü]+(?:-[a-zåäöéü]+)*", text.lower())
        found = None
        for i in range(len(words) - 1, -1, -1):
            if is_measure(words[i]) and not (i > 0 and words[i - 1] in _COMPARISON):
                found = words[i]
                break
        if found:
            out.append(found)
            break
    out += [w for w in re.findall(r"[a-zåäöéü]+", before.lower()) if _FLOW_VERB.match(w)]
    # a noun phrase right after the amount that ends the clause: "42 miljoner kronor i företagsstöd,",
    # "3,6 mnkr övrig vårdpersonal." (not "-23 miljoner kronor bedöms resultatmålet ...": a verb follows)
    m = re.match(r"\s*(?:(?:miljoner|miljarder|tusen)\s+)?(?:kronor\s+)?(?:(?:i|av|till)\s+)?"
                 r"(?:(?:övrig|övriga|övrigt|nya|ny|olika)\s+)?([a-zåäöéü][a-zåäöéü-]+)\s*(?:[,.;:)]|och\b|samt\b|$)",
                 after.lower())
    if m and m.group(1) not in _AFTER_FREE and m.group(1) not in _STOP and len(m.group(1)) >= 3:
        out.append(m.group(1))
    return out


# what a table's rows measure when its title says so: a driftredovisning holds each board's net cost and result
_TABLE_FAMILY = [
    (re.compile(r"driftredovisning|driftsredovisning|nettokostnad|per\s+nämnd|resultat", re.I),
     ("resultat", "nettokostnad", "nettokostnader", "kostnad", "kostnader", "överskott", "underskott", "utfall")),
]
_ASPECT_WORDS = {
    "deviation": ("avvikelse", "budgetavvikelse", "avviker", "överskott", "underskott", "differens", "diff"),
    "forecast": ("prognos", "helårsprognos", "årsprognos", "prognostiseras"),
    "change": ("förändring", "ökning", "minskning", "utveckling", "kostnadsutveckling", "nettokostnadsutveckling"),
    "budget": ("budget",),
}


def _measure_fits(m: str, t: TableView, r: RowView, column: str | None) -> bool:
    """Measure word `m` of a sentence is named by the cell: its row, column, title, or what they imply."""
    names = list(r.words) + content_words(column or "") + list(t.title_words)
    for rx, family in _TABLE_FAMILY:
        if rx.search(t.title or ""):
            names += family
    col = next((c for c in t.columns if c.name == column), None) if column else None
    for a in (col.aspects if col else ()):
        names += _ASPECT_WORDS.get(a, ())
    ms = _forms(m)[2]
    return any(word_sim(n, m) >= 0.8 or word_sim(m, n) >= 0.8 or
               (len(ms) >= 3 and _forms(n)[2].endswith(ms)) for n in names)  # "ram" ~ "Nettokostnadsramar"


# ---------------------------------------------------------------- records

def link_record(doc: Doc, f: Figure, s: Scored, t: TableView, r: RowView) -> Link:
    ev = evidence(doc, f.sent_start, f.sent_end)
    conf = 1.0 / (1.0 + math.exp(-2.0 * (s.score - 2.2)))
    return Link(**ev, value=s.cand.value, unit=_record_unit(f, t), table=t.title, table_id=t.id, row=r.label,
                column=s.column_name, table_text=r.text[:600], confidence=round(conf, 3), match=s.cand.match)


def contradiction_record(doc: Doc, f: Figure, t: TableView, r: RowView, c: Cell, column: str | None) -> Contradiction:
    ev = evidence(doc, f.sent_start, f.sent_end)
    value = f.in_unit(t.unit) if (f.unit in MONEY_UNITS and t.unit in MONEY_UNITS) else f.value
    if f.polarity == 0 and c.value < 0 and value is not None and value > 0:
        value = -value  # unsigned prose, signed table: compare like with like
    return Contradiction(**ev, value=value, unit=_record_unit(f, t), table=t.title, row=r.label,
                         column=column, table_value=c.value, table_text=r.text[:600])


def _record_unit(f: Figure, t: TableView) -> str | None:
    if f.unit in MONEY_UNITS and t.unit in MONEY_UNITS:
        return t.unit
    if f.unit is None and t.unit:
        return t.unit
    return f.unit


def unlinked_record(doc: Doc, f: Figure) -> dict:
    ev = evidence(doc, f.sent_start, f.sent_end)
    return {**ev, "value": f.value, "unit": f.unit, "measure": f.measure, "mention": f.written}


# ---------------------------------------------------------------- the component

@Language.factory(
    "rapport_links", requires=["doc._.document", "doc.spans"], assigns=["doc.spans", "doc.user_data"],
    default_config={"threshold": 1.4, "slip_ratio": 10.0, "report_unlinked_units": True},
)
def make_links(nlp: Language, name: str, threshold: float, slip_ratio: float,
               report_unlinked_units: bool):
    return TableLinker(Weights(threshold=threshold, slip_ratio=slip_ratio),
                       report_unlinked_units)


class TableLinker:
    def __init__(self, weights: Weights, report_unlinked_units: bool = True):
        self.weights = weights
        # only figures with a unit are worth listing as unlinked: bare counts are mostly not table figures
        self.report_unlinked_units = report_unlinked_units

    def __call__(self, doc: Doc) -> Doc:
        d = document(doc)
        group = doc.spans.get("figures")
        figures = [s._.fact for s in group if isinstance(s._.fact, Figure)] if group is not None else []
        res = Linker(d, self.weights).run(figures)
        taken = taken_offsets(doc)
        link_spans = []
        for f, s, t, r in res.links:
            span = carrier_span(doc, f.start, f.end, taken)
            if span is None:
                continue
            span._.fact = link_record(doc, f, s, t, r)
            link_spans.append(span)
        doc.spans["links"] = link_spans
        c_spans = []
        for f, t, r, c, name, _ in res.contradictions:
            span = carrier_span(doc, f.start, f.end, taken)
            if span is None:
                continue
            span._.fact = contradiction_record(doc, f, t, r, c, name)
            c_spans.append(span)
        doc.spans["contradictions"] = c_spans
        doc.user_data["rapport_unlinked"] = [
            unlinked_record(doc, f) for f in res.unlinked
            if not self.report_unlinked_units or f.unit not in (None, "antal")
        ]
        return doc
