"""Recover the numeric tables of a report as checked numbers.

API (stable; the structure step and the extract command rely on it):

    find_tables(text, *, doc="", page_at=None) -> (list[Table], list[str])
        Scan cleaned report text (lines separated by "\\n"; blank lines inside
        a table are tolerated) and return the recovered tables plus warnings
        ("DOC:LINE: ..."). `page_at(offset) -> int | None` fills `Table.page`.
    Table: id, title, unit, page, start, end, columns, rows, check, checks,
        split, warnings, kind ("numeric" or "indicator"), doc.
        `start` is the title line's start (or the header's / first row's),
        `end` the end of the last row: offsets in `text`.
        .to_frame()  long form: doc, table, title, unit, page, row, column, value, check
        .to_wide()   one row per table row, one column per header column
        .row(label)  the first row whose label matches (case/space-insensitive)
    TableRow: label, values (float | None per column), start, end, text,
        note ("Not 3" refs), footnote (digit glued to the label), cells (raw text),
        section (group label above the row), value_columns (indicator rows only:
        the header column of each value, when the cells line up with the header).
    layout_text(page) / tables_from_pdf_page(page, *, doc="", page_number=None)
        For PDFs: pdfplumber word x-positions turn wide gaps into tabs, which
        the splitter takes as certain column boundaries.
    tables_frame(tables) -> DataFrame: the long form of many tables.

Why it is built this way: in a text dump "612 958 1 240 1 318" is four numbers
but a space both groups thousands and separates columns. `corpus.numbers`
enumerates every grouping the thousands rule allows; here a table-level
search picks one grouping per row using (1) the column count — the header's
and the ones most rows can give are each solved, and the solution that keeps
most rows and satisfies most checks wins, (2) column magnitudes and decimal
use, (3) arithmetic: total rows equal the sum of a run of rows or of the last
subtotals above them (resultaträkning identities are such running sums; costs
shown positive may be subtracted), difference columns (Diff/Avvikelse =
a − b), percent-change columns, a last column that sums the others (budget +
ändringar = ny budget), "Totalt" columns over their parts, and balance sheets
(summa tillgångar = summa eget kapital, avsättningar och skulder). A gap of
two or more spaces (a tab from PDF layout) is always a column boundary; "-"
alone is an empty cell. Each table records which checks hold (`checks`, each
"ok: …" or "FAIL: …"; `check` is None without checks) and how it was split
(`split`); rows whose reading no check confirms get a warning. A block that
cannot be split consistently is not returned: it stays text and a warning
names the doc and line.

Not tables: tables of contents (dot leaders with one page number, lines under an
"Innehåll" heading, runs of numbered headings with non-decreasing page numbers).

Dashes: "50 år – 7,5" is read as the label "50 år –" and 7,5 when the checks
prefer that or, the checks indifferent, the column and row are otherwise
non-negative; a minus the checks confirm stays; an undecided one stays with a
warning. A dash that begins a label before a number ("– 29 år") is the label's.

Titles: lines in and up to six lines above the table are ranked — a "Tabell:"
caption or a note ("Not 3 …") first, then a statement or unit ("Resultaträkning
(mnkr)"), then goal lines and other title words, then a plain line right above.
Period fragments ("jan–aug"), column words, the label column's name ("Grupp"),
running page headers and sentences are never titles. A title line that carries
the column names ("Resultat (mkr) Utfall Budget Avvikelse") is split.

Indicator tables (goal follow-up: "Indikator Nämnd Ingångsvärde Utfall ...")
have free-text cells; they come back with kind="indicator" and the numbers
found in each row's cells as `values`. When a row's cells (numbers, pairs
"81/77", dashes, status words) fill the header's value columns in only one
way, `value_columns` names each value's column. Their title is a goal line
just above, a heading right above, or the nearest "Framgångsfaktor: …".
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from rapport.corpus.numbers import (
    Atom,
    Cell,
    atom_groupings,
    classify_atom,
    greedy_cells,
    parse_number,
    tokens_with_gaps,
    normalise_spaces,
    numbers_in_text,
    parse_unit,
    split_numeric_tail,
)

__all__ = [
    "Table", "TableRow", "find_tables", "layout_text", "tables_from_pdf_page",
    "tables_frame", "normalise_label",
]


# ====================================================================== records

@dataclass
class TableRow:
    label: str
    values: list[float | None]
    start: int
    end: int
    text: str
    note: str | None = None  # "Not 3" reference found in the label or notes column
    footnote: str | None = None  # "2" from "sjukfrånvaro2"
    cells: list[str] = field(default_factory=list)  # raw text per value ("" = empty)
    section: str | None = None  # group label above the row ("OMSÄTTNINGSTILLGÅNGAR")
    # indicator rows whose cells line up with the header: the column of each value in
    # `values` ("81/77" under "Ingångsvärde" gives two values in that column); else empty
    value_columns: list[str] = field(default_factory=list)


@dataclass
class Table:
    id: str
    title: str | None
    unit: str | None
    page: int | None
    start: int
    end: int
    columns: list[str]
    rows: list[TableRow]
    check: bool | None = None
    checks: list[str] = field(default_factory=list)
    split: str = ""
    warnings: list[str] = field(default_factory=list)
    kind: str = "numeric"
    doc: str = ""
    line: int = 0  # 1-based line number of `start` in the text

    def column_name(self, i: int, row: "TableRow | None" = None) -> str | None:
        if self.kind != "numeric":
            if row is not None and i < len(row.value_columns):
                return row.value_columns[i]
            return None
        return self.columns[i] if i < len(self.columns) else f"kol{i + 1}"

    def to_frame(self):
        """Long form, one row per non-empty cell (the contract's tables.parquet)."""
        import pandas as pd

        recs = []
        for r in self.rows:
            for i, v in enumerate(r.values):
                if v is None:
                    continue
                recs.append({
                    "doc": self.doc, "table": self.id, "title": self.title, "unit": self.unit,
                    "page": self.page, "row": r.label, "column": self.column_name(i, r),
                    "value": float(v), "check": self.check,
                })
        cols = ["doc", "table", "title", "unit", "page", "row", "column", "value", "check"]
        return pd.DataFrame.from_records(recs, columns=cols)

    def to_wide(self):
        """One row per table row (index: label), one column per header column."""
        import pandas as pd

        width = max([len(r.values) for r in self.rows] + [len(self.columns)])
        names = []
        for i in range(width):
            n = self.column_name(i) if self.kind == "numeric" else f"v{i + 1}"
            while n in names:
                n = f"{n}_"
            names.append(n)
        data = [list(r.values) + [None] * (width - len(r.values)) for r in self.rows]
        df = pd.DataFrame(data, columns=names, index=[r.label for r in self.rows], dtype=float)
        df.index.name = "row"
        return df

    def row(self, label: str) -> TableRow | None:
        key = normalise_label(label)
        for r in self.rows:
            if normalise_label(r.label) == key:
                return r
        return None


def normalise_label(s: str) -> str:
    return re.sub(r"\s+", " ", normalise_spaces(s or "")).strip().lower()


def tables_frame(tables: Iterable[Table]):
    import pandas as pd

    frames = [t.to_frame() for t in tables]
    frames = [f for f in frames if len(f)]
    if not frames:
        return Table("", None, None, None, 0, 0, [], []).to_frame()
    return pd.concat(frames, ignore_index=True)


# ====================================================================== lexicon

_PERIOD = re.compile(
    r"^\(?(?:(?:19|20)\d\d(?:[-–/]\d\d(?:[-–]\d\d)?)?(?:[-–]{1,2}(?:(?:19|20)\d\d(?:[-–]\d\d){0,2})?)?"
    r"|(?:19|20)\d\d/(?:19|20)\d\d|(?:19|20)\d\d(?:0[1-9]|1[0-2])|T[1-3]|Q[1-4]|R12)\)?[:,]?$"
)
_MONTHS = (
    "jan januari feb februari mar mars apr april maj jun juni jul juli aug augusti sep sept "
    "september okt oktober nov november dec december"
).split()
_HEADER_WORDS = set("""
utfall budget prognos årsprognos diff differens avvikelse budgetavvikelse bokslut föregående år
helår helårs plan mål målvärde ingångsvärde koncernen regionen förändring förändr not noter
belopp mkr mnkr tkr kr ack ackumulerat ack. period perioden prel prel. (prel) (prel.) tb ny
ändring utveckling kostnadsutveckling nettokostnadsutveckling intervall jmf jämfört
% procent antal nämnd indikator måluppfyllelse uppfyllelse styrmått kommentar status
resultat årets dec. aug. helår tertial delår bud utf progn avv andel i och per bedömning
ub ib justerat enligt
""".split()) | set(_MONTHS)
_HEADER_START = re.compile(
    r"^(utfall|budget|prognos|årsprognos|diff|avvikelse|budgetavvikelse|bokslut|föregående|helår|"
    r"plan|mål|målvärde|koncernen|regionen|förändring|not|belopp|ack|intervall|kostnads|"
    r"nettokostnads|\d{4})", re.I)
_TITLE_CUE = re.compile(
    r"\((?:belopp i )?(?:mkr|mnkr|tkr|kr|mdkr|mdr|%|procent|antal)\)|^\s*tabell\b|belopp i|"
    r"räkning|redovisning|analys|balanskrav|resultatbudget|nyckeltal|investering|sammanställning|"
    r"översikt|budget|\bnot \d+\b|\btkr\b|\bmkr\b|\bmnkr\b",
    re.I,
)
_STRONG_TOTAL = re.compile(r"^(summa|s:a|totalt?|total)\b", re.I)
_WEAK_TOTAL = re.compile(
    r"^(summa|s:a|totalt?|total|verksamhetens nettokostnad(er)?|verksamhetens resultat|"
    r"resultat|årets resultat|periodens resultat|finansnetto|kassaflöde|periodens kassaflöde|"
    r"årets kassaflöde|likvida medel vid (periodens|årets) slut|balanskravsresultat|"
    r"medel från|nettoinvesteringar|verksamhetens nettoram|eget kapital)\b|\bnetto\b",
    re.I,
)
_COST = re.compile(r"kostnad|avskrivning|nedskrivning|avgår|minskning|utbetalning", re.I)
_DIFF_HEAD = re.compile(r"diff|avvikelse|förändring|ändring|differens|skillnad|avv\b", re.I)
_PCT_HEAD = re.compile(r"%|procent|utveckling", re.I)
_NOTE_IN_LABEL = re.compile(r"\s*\(?\bnot(?:er)?\s+(\d{1,2}(?:\s*,\s*\d{1,2})*)\s*\)?", re.I)
_SENTENCE_END = re.compile(r"[.!?:;]\s*$")


# ====================================================================== lines

@dataclass
class _Line:
    no: int  # 1-based line number in the text
    start: int
    end: int
    text: str
    label: str = ""
    atoms: list[Atom] = field(default_factory=list)
    kind: str = "text"  # blank, row, header, text, prose


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for no, raw in enumerate(text.split("\n"), 1):
        end = pos + len(raw)
        s = raw.rstrip("\r")
        lead = len(s) - len(s.lstrip())
        out.append(_Line(no, pos + lead, pos + len(s.rstrip()), s.strip()))
        pos = end + 1
    return out


@functools.lru_cache(maxsize=65536)
def _is_period(tok: str) -> bool:
    return bool(_PERIOD.match(tok.strip("()"))) or bool(_PERIOD.match(tok))


@functools.lru_cache(maxsize=65536)
def _known_header_word(t: str) -> bool:
    low = t.lower()
    if low.strip("():,.-–") in _HEADER_WORDS or low.rstrip("-") in _HEADER_WORDS or t in ("%", "-", "–"):
        return True
    # "jan–aug", "prognos–budget", "prognos/budget": header words joined by a dash or slash
    parts = re.split(r"[-–/]", low.strip("():,."))
    return len(parts) == 2 and all(p in _HEADER_WORDS for p in parts)


def _header_tokens(text: str) -> tuple[list[str], int, int]:
    toks = normalise_spaces(text).split()
    periods = sum(1 for t in toks if _is_period(t))
    known = sum(1 for t in toks if _known_header_word(t))
    return toks, periods, known


_DIGIT = re.compile(r"\d")
_NOTE_START = re.compile(r"^not\s+\d{1,2}\s+[A-ZÅÄÖ]", re.I)
_SMALL_NUM_OR_NOT = re.compile(r"\d{1,2}\)?|\(?[Nn]ot")


def _header_like(line: _Line) -> bool:
    """Years/periods and column words only ("Utfall 2020", "Budget", "Koncernen Regionen")."""
    if _NOTE_START.match(line.text) and len(line.text) <= 170:
        # "Not 2 Mark, byggnader … 2021-08-31 2020-12-31": a note's title, then its periods
        lead, rest = _split_header_lead(line.text)
        if lead and rest and all(_is_period(t) or _known_header_word(t) for t in rest.split()):
            return True
    if len(line.text) > 120:
        return False
    toks = normalise_spaces(line.text).split()
    if not toks:
        return False
    # a number that is neither a period nor a note/footnote ref: not a header (checked first, cheaply)
    if any(_DIGIT.search(t) and not _is_period(t) and not _SMALL_NUM_OR_NOT.fullmatch(t) for t in toks):
        return False
    toks, periods, known = _header_tokens(line.text)
    other = len(toks) - periods - known
    frags = sum(1 for t in toks if t.endswith("-") and t[:1].isalpha()
                and t.lower().rstrip("-") not in _HEADER_WORDS)
    if periods == 0:
        if frags and other == frags and len(toks) <= 2:
            return True
        return known >= 1 and other == 0 and len(toks) <= 8 and (
            bool(_HEADER_START.match(line.text)) or len(toks) <= 2)
    if other == 0:
        return True
    return other <= 4 and (periods >= 2 or known >= 1) and not _SENTENCE_END.search(line.text)


# a label ending in one of these words runs on into its number: prose ("uppgår till 5")
_PROSE_LAST = {"till", "på", "med", "av", "om", "än", "från", "cirka", "ca", "är", "och", "uppgår", "vid",
               "per", "var", "mellan", "varav", "därav", "drygt", "knappt", "nästan", "omkring", "ungefär",
               "uppgick", "ökade", "minskade", "blev", "motsvarar", "motsvarande"}


def _classify(line: _Line) -> None:
    t = line.text
    if not t:
        line.kind = "blank"
        return
    if _header_like(line):
        line.kind = "header"
        return
    label, atoms = split_numeric_tail(t)
    # numbers inside the label's closing parenthesis: "(Not 3)" ends the label
    nums = [a for a in atoms if a.kind == "num"]
    dash_only = not nums and atoms and all(a.kind == "dash" for a in atoms) and label \
        and len(label.split()) <= 12 and len(t) <= 88
    if nums or dash_only:
        words = label.split()
        prose = (
            (len(t) > 88 and len(nums) <= 2)
            or re.search(r"[a-zåäö]\. [A-ZÅÄÖ]", label) is not None
            or (len(words) >= 5 and len(nums) == 1 and _is_period(nums[0].text))
            or (words and words[-1].lower() in _PROSE_LAST and len(nums) <= 2)
        )
        # "Årsredovisning 2023", "Färdplan 2030": a lone year closes a heading, not a row
        lone_year = len(atoms) == 1 and re.fullmatch(r"(19[89]\d|20[0-4]\d)", atoms[0].text) is not None
        if not prose and not lone_year:
            line.kind, line.label, line.atoms = "row", label, atoms
            return
        if lone_year and not prose:
            line.kind = "text"
            return
        line.kind = "prose"
        return
    if len(t) > 90 or (_SENTENCE_END.search(t) and len(t.split()) > 6) \
            or re.search(r"[a-zåäö]{2}\. [A-ZÅÄÖ]", t):
        line.kind = "prose"
    else:
        line.kind = "text"


# ====================================================================== tables of contents

_LEADERS = re.compile(r"(?:\.\s?){3,}\s*$|…+\s*$|_{3,}\s*$|(?:·\s?){3,}\s*$")
_CONTENTS_HEAD = re.compile(r"^(innehåll|innehållsförteckning|innehåll och läsanvisning)\s*:?$", re.I)
_SECTION_NO = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+[A-ZÅÄÖ]")


def _page_ref(ln: _Line) -> int | None:
    """The page number of a contents line: one plain integer 1-999 after the label, else None."""
    if ln.kind != "row" or len(ln.atoms) != 1 or ln.atoms[0].kind != "num" or not ln.label:
        return None
    t = ln.atoms[0].text
    return int(t) if re.fullmatch(r"[1-9]\d{0,2}", t) else None


def _mark_contents(lines: list[_Line]) -> None:
    """Table-of-contents lines are not table rows: they become prose.

    A contents line is a heading and a page number: "Finansiell analys ....... 6"
    (dot leaders), any such line after an "Innehåll" heading, or a run of four or
    more numbered headings whose page numbers never decrease ("2.1 Primärvård 7").
    """
    nb = [ln for ln in lines if ln.kind != "blank"]
    for ln in nb:
        if _page_ref(ln) is not None and _LEADERS.search(ln.label):
            ln.kind = "prose"
    i = 0
    while i < len(nb):
        ln = nb[i]
        if ln.kind in ("text", "header") and _CONTENTS_HEAD.match(ln.text):
            j = i + 1
            while j < len(nb) and (nb[j].kind == "prose" and _LEADERS.search(nb[j].label or "")
                                   or _page_ref(nb[j]) is not None):
                nb[j].kind = "prose"
                j += 1
            i = j
            continue
        # numbered headings with non-decreasing page numbers
        j, last = i, 0
        while j < len(nb) and (p := _page_ref(nb[j])) is not None and p >= last \
                and _SECTION_NO.match(nb[j].label):
            last = p
            j += 1
        if j - i >= 4:
            for k in range(i, j):
                nb[k].kind = "prose"
            i = j
            continue
        i += 1


# ====================================================================== header → columns

def _dehyphen_join(a: str, b: str) -> str:
    """Join wrapped pieces: 'utjäm-' + 'ning' → 'utjämning', 'hälso-' + 'och' → 'hälso- och'."""
    if not a:
        return b
    if not b:
        return a
    if a.endswith("-") and not a.endswith("--") and b[:1].islower() and b.split()[0] not in ("och", "eller", "samt"):
        return a[:-1] + b
    if a.endswith("--") or a.endswith("–"):
        return a + b
    return a + " " + b


def parse_header(lines: list[str]) -> list[str]:
    """Column names from header lines.

    "Utfall / 2020 / Budget / 2021 / Diff" → ["Utfall 2020", "Budget 2021", "Diff"];
    "Koncernen Koncernen Regionen Regionen" + four periods → zipped
    ["Koncernen 2021-08-31", ...]; a "Not" column is dropped (it holds note refs).
    """
    toks: list[str] = []
    for ln in lines:
        for t in normalise_spaces(ln).split():
            if toks and (toks[-1].endswith("--") or (toks[-1].endswith("-") and toks[-1][:1].isalpha()
                                                     and t[:1].islower())):
                toks[-1] = _dehyphen_join(toks[-1], t)
            elif toks and _is_period(t) and toks[-1].endswith("--"):
                toks[-1] += t
            else:
                toks.append(t)
    toks = [t for t in toks if t.lower().strip("()") not in ("not", "noter")]
    if not toks:
        return []
    names = [t for t in toks if not _is_period(t)]
    periods = [t for t in toks if _is_period(t)]
    first_period = next((i for i, t in enumerate(toks) if _is_period(t)), len(toks))
    # two-level header: N entity words, then N periods
    if names and len(names) == len(periods) and first_period == len(names) and len(names) > 1 \
            and all(n[:1].isupper() for n in names):
        return [f"{n} {p}" for n, p in zip(names, periods)]
    cols: list[list[str]] = []
    has_period: list[bool] = []
    for t in toks:
        is_p = _is_period(t)
        if is_p:
            if cols and not has_period[-1]:
                cols[-1].append(t)
                has_period[-1] = True
            else:
                cols.append([t])
                has_period.append(True)
            continue
        low = t.lower()
        starts_new = (
            not cols or t[:1].isupper() or t in ("%",) and _PCT_HEAD.search(" ".join(cols[-1])) is None
            or t.startswith("(") and has_period[-1] and low.strip("().") != "prel"
        )
        if t == "%" and cols and (_PCT_HEAD.search(" ".join(cols[-1])) is not None or not has_period[-1]):
            starts_new = False
        if t[:1].isupper() and cols and (cols[-1][-1].endswith("-") or low in ("år",)):
            starts_new = False
        if cols and t[:1].islower() and not has_period[-1]:
            starts_new = False
        if cols and cols[-1][-1].lower() in ("föregående", "ack", "ny", "jmf") and not has_period[-1]:
            starts_new = False
        if low in ("år", "helår") and cols and not has_period[-1]:
            starts_new = False
        if cols and cols[-1][-1].lower() in ("för", "av", "mot", "enligt", "i", "och", "inkl", "exkl", "inkl.",
                                             "exkl.", "efter", "före", "per"):
            starts_new = False  # "IB 2019-01-01 justerat för LKBR": a name runs on after a preposition
        if starts_new:
            cols.append([t])
            has_period.append(False)
        else:
            cols[-1].append(t)
    out = []
    for c in cols:
        s = ""
        for part in c:
            s = _dehyphen_join(s, part) if s.endswith("-") else (s + " " + part if s else part)
        out.append(s.strip())
    return out


# ====================================================================== blocks

@dataclass
class _Block:
    lines: list[_Line]  # header/text/row lines, no blanks
    title: _Line | None = None
    title_text: str | None = None


def _is_title_line(line: _Line) -> bool:
    return line.kind in ("text", "header") and len(line.text) <= 100 and bool(_TITLE_CUE.search(line.text))


def _has_num(ln: _Line) -> bool:
    return ln.kind == "row" and any(a.kind == "num" for a in ln.atoms)


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    """Maximal runs of table-ish lines: rows, headers and short label lines between rows.

    Looking back from the first row, a block takes header lines, and short
    text lines only when a header or a wrapped label ties them to the rows.
    """
    nb = [ln for ln in lines if ln.kind != "blank"]
    blocks: list[list[_Line]] = []
    i = 0
    while i < len(nb):
        if not _has_num(nb[i]):
            i += 1
            continue
        last_row = i
        k = i + 1
        while k < len(nb):
            ln = nb[k]
            if ln.kind == "row":
                last_row = k
            elif ln.kind in ("text", "header"):
                if k - last_row > 4:
                    break
            else:  # prose
                break
            k += 1
        j = last_row
        s = i
        texts = 0
        while s > 0 and i - s < 30:
            prev = nb[s - 1]
            if prev.kind == "header":
                s -= 1
                texts = 0
                continue
            if prev.kind == "text" and len(prev.text) <= 80 and texts < 2 and (
                    nb[s].kind == "header"
                    or (len(prev.text) <= 50 and s >= 2 and nb[s - 2].kind == "header")
                    # two group labels under a header ("TILLGÅNGAR" / "Anläggningstillgångar")
                    or (len(prev.text) <= 50 and s >= 3 and nb[s - 2].kind == "text"
                        and len(nb[s - 2].text) <= 50 and nb[s - 3].kind == "header")
                    or prev.text.endswith(("-", ",")) or (nb[s].text[:1].islower())):
                s -= 1
                texts += 1
                continue
            break
        blocks.append(nb[s: j + 1])
        i = j + 1
    out: list[list[_Line]] = []
    for b in blocks:
        if out and b[0].no <= out[-1][-1].no:
            b = [ln for ln in b if ln.no > out[-1][-1].no]
        if b:
            out.append(b)
    return out


def _split_subtables(block: list[_Line]) -> list[list[_Line]]:
    """Split a block where a new title/header follows rows (RESULTATRÄKNING → KASSAFLÖDESANALYS)."""
    parts: list[list[_Line]] = [[]]
    seen_row = False
    for idx, ln in enumerate(block):
        new = False
        if seen_row and ln.kind == "header":
            # headers after rows begin a new table, unless it is a lone "%"-ish line
            new = True
        elif seen_row and ln.kind == "text" and _is_title_line(ln) and (
                idx + 1 < len(block) and block[idx + 1].kind in ("header", "text")):
            new = True
        elif seen_row and ln.kind == "text" and idx + 1 < len(block) and block[idx + 1].kind == "header" \
                and len(ln.text) <= 80:
            new = True
        if new:
            # pull trailing title/label lines of the previous part along
            prev = parts[-1]
            carry = []
            while prev and prev[-1].kind in ("text",) and len(carry) < 2 and ln.kind == "header":
                carry.insert(0, prev.pop())
            parts.append(carry)
            seen_row = False
        parts[-1].append(ln)
        if ln.kind == "row":
            seen_row = True
    return [p for p in parts if sum(1 for ln in p if _has_num(ln)) >= 1]


# ====================================================================== logical rows

@dataclass
class _RawRow:
    label: str
    atoms: list[Atom]
    start: int
    end: int
    lines: list[_Line]
    note: str | None = None
    footnote: str | None = None
    section: str | None = None
    _groupings: list | None = None

    @property
    def groupings(self) -> list:
        """Every reading of the row's numbers (computed once; shared by all column counts)."""
        if self._groupings is None:
            self._groupings = list(atom_groupings(self.atoms, limit=4000))
        return self._groupings


def _clean_label(label: str) -> tuple[str, str | None, str | None]:
    """Strip note refs and glued footnote digits: 'Lång sjukfrånvaro1' → ('Lång sjukfrånvaro', None, '1')."""
    note = None
    m = _NOTE_IN_LABEL.search(label)
    if m:
        note = "Not " + m.group(1)
        label = (label[: m.start()] + label[m.end():]).strip()
    footnote = None
    m = re.search(r"(?<=[a-zåäö]{3})(\d)$", label)
    if m and not re.search(r"\b(?:covid|r|t|q)-?\d$", label, re.I):
        footnote = m.group(1)
        label = label[: m.start()]
    label = _LEADERS.sub("", label)  # dot leaders ("Skatteintäkter ........ 4 905")
    label = re.sub(r"\s+", " ", label).strip(" :")
    # list bullets are not part of a label; a dash before a number is ("– 29 år": up to 29)
    label = re.sub(r"^(?:[•●▪◦*]\s*|[-–]\s+(?!\d)|-(?=[a-zåäö]))", "", label)
    return label, note, footnote


def _logical_rows(lines: list[_Line]) -> tuple[list[_RawRow], list[_Line]]:
    """Join wrapped labels with their values; return rows and leftover (pre-row) lines."""
    rows: list[_RawRow] = []
    pending: list[_Line] = []
    section = None
    pre: list[_Line] = []
    for ln in lines:
        if ln.kind != "row":
            if not rows and ln.kind == "header":
                pre.extend(pending)
                pending = []
                pre.append(ln)
                continue
            pending.append(ln)
            continue
        label = ln.label
        take: list[_Line] = []
        if pending:
            if not label or _label_continues(pending[-1].text, label) or re.match(r"^\d{1,2}\)", label):
                take = [pending[-1]]
                while len(take) < 3 and len(pending) > len(take) and \
                        _label_continues(pending[-len(take) - 1].text, take[0].text):
                    take.insert(0, pending[-len(take) - 1])
            rest = pending[: len(pending) - len(take)]
            for p in rest:
                if not rows:
                    pre.append(p)
                else:
                    section = p.text.strip()
            joined = ""
            for p in take:
                joined = _dehyphen_join(joined, p.text)
            label = _dehyphen_join(joined, label) if take else label
            pending = []
        label, note, foot = _clean_label(label)
        start = take[0].start if take else ln.start
        rows.append(_RawRow(label, ln.atoms, start, ln.end, take + [ln], note, foot, section))
    return rows, pre


# ====================================================================== split search

@dataclass
class _Option:
    values: list[float | None]
    cells: list[str]
    penalty: float
    note: str | None = None
    desc: str = ""
    _feats: list | None = field(default=None, repr=False, compare=False)

    @property
    def feats(self) -> list[tuple[int, int, bool]]:
        """(column, digit count, written with decimals) per non-empty cell that is not a
        percentage, computed once."""
        if self._feats is None:
            self._feats = [(c, _digits(v), "," in t or "." in t)
                           for c, (v, t) in enumerate(zip(self.values, self.cells))
                           if v is not None and not t.endswith("%")]
        return self._feats


def _digits(v: float) -> int:
    a = abs(v)
    return 1 if a < 1 else int(math.log10(a)) + 1


def _options(raw: _RawRow, K: int, note_col: bool, limit: int = 400,
             derived: frozenset = frozenset()) -> list[_Option]:
    """A row's readings for K columns, with a penalty for each empty cell they assume
    (less where a wide gap shows one, at the first column, or in a `derived` column —
    a Diff/Avvikelse column is often left empty for a ratio row)."""
    opts: list[_Option] = []
    seen = set()
    groupings = [g for g in raw.groupings
                 if max(1, K - 2) <= len(g) <= K + (1 if note_col else 0)]
    # exact readings first: padded ones (empty cells) only fill what room is left
    groupings.sort(key=lambda g: 0 if len(g) == K or (note_col and len(g) == K + 1) else 1)
    for g in groupings:
        n = len(g)
        variants: list[tuple[list[Cell], float, str | None, str]] = []
        if note_col and n >= 2 and g[0].value is not None and float(g[0].value).is_integer() \
                and 0 < g[0].value <= 60 and not g[0].text.startswith(("-", "−", "–", "(")) \
                and raw.note is None:
            variants.append((g[1:], 0.0, "Not " + g[0].text, "note"))
        variants.append((g, 0.0, None, ""))
        for cells, pen, note, d in variants:
            m = len(cells)
            if m > K:
                continue
            # a percent cell says nothing about the column it sits in (a "Resultat i procent"
            # row under mkr columns): it has no magnitude features
            cfeats = [None if cell.value is None or cell.text.endswith("%") else
                      (_digits(cell.value), "," in cell.text or "." in cell.text)
                      for cell in cells]
            cvals = [cell.value for cell in cells]
            ctexts = [cell.text for cell in cells]
            if m == K:
                vals = cvals
                key = (tuple(vals), note)
                if key in seen:
                    continue
                seen.add(key)
                feats = [(k, f[0], f[1]) for k, f in enumerate(cfeats) if f is not None]
                opts.append(_Option(list(vals), list(ctexts), pen, note or raw.note, d, feats))
                if len(opts) >= limit:
                    return opts
                continue
            # the gap before the cell that follows a missing one: a wide gap makes the gap likely
            gaps = [_gap_before_cell(raw, cells, idx) for idx in range(m + 1)]
            nonempty = [(k, f[0], f[1]) for k, f in enumerate(cfeats) if f is not None]
            for pos, at in _placements(K, K - m):
                vals = cvals.copy()
                for c in pos:  # ascending: each insert lands on its final column
                    vals.insert(c, None)
                key = (tuple(vals), note)
                if key in seen:
                    continue
                texts = ctexts.copy()
                for c in pos:
                    texts.insert(c, "")
                feats = [(at[k], d0, d1) for k, d0, d1 in nonempty]
                p = pen
                for jx, c in enumerate(pos):
                    # pos is ascending: jx missing cells precede c, so c - jx cells do
                    p += 0.35 if gaps[c - jx] >= 3 else (0.8 if c in derived else 0.9 if c == 0 else 1.2)
                seen.add(key)
                opts.append(_Option(vals, texts, p, note or raw.note, d, feats))
                if len(opts) >= limit:
                    return opts
    return opts


@functools.lru_cache(maxsize=256)
def _placements(K: int, k: int) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """Every way to leave k of K columns empty: (empty columns, the columns the cells take)."""
    from itertools import combinations
    return tuple((pos, tuple(c for c in range(K) if c not in pos)) for pos in combinations(range(K), k))


def _gap_before_cell(raw: _RawRow, cells: list[Cell], idx: int) -> int:
    if idx >= len(cells):
        return 0
    start = cells[idx].start
    for a in raw.atoms:
        if a.start == start:
            return a.gap_before
    return 1


def _profiles(choice: list[_Option | None], K: int, certain: list[bool]):
    prof = []
    for c in range(K):
        ds, dec = [], []
        for o, ok in zip(choice, certain):
            if o is None or not ok:
                continue
            v = o.values[c]
            if v is None or o.cells[c].endswith("%"):
                continue  # percentages say nothing about a column's magnitudes
            ds.append(_digits(v))
            dec.append(("," in o.cells[c] or "." in o.cells[c]))
        if len(ds) >= 2:
            ds.sort()
            prof.append((ds[len(ds) // 2], sum(dec) / len(dec)))
        else:
            prof.append(None)
    return prof


def _prior(o: _Option, prof) -> float:
    p = o.penalty
    n = len(prof)
    for c, digs, isdec in o.feats:
        if c >= n or prof[c] is None:
            continue
        med, decshare = prof[c]
        off = abs(digs - med) - 1
        if off > 0:  # (adding 0.35 * 0 would leave p as it is)
            p += 0.35 * off
        if decshare > 0.7 and not isdec:
            p += 0.6
        if decshare < 0.3 and isdec:
            p += 0.6
    return p


# ---------------------------------------------------------------- checks

@dataclass
class _Check:
    kind: str
    rows: tuple[int, ...]
    ok: bool
    text: str


def _tol(vals: list[float], cells: list[str] | None = None) -> float:
    decimal = any(not float(v).is_integer() for v in vals)
    n = len(vals)
    if decimal:
        return 0.051 * n + 0.05
    return max(1.0, min(3.0, 0.5 * n))


def _window_matches(rows, vals, K, window: list[int], target, signed: bool, skip=frozenset()) -> bool:
    """Does `target` equal the column sums of the rows in `window`?"""
    sums, n, dec = [0.0] * K, [0] * K, [False] * K
    for w in window:
        cost = signed and _is_cost(rows[w].label)
        for c in range(K):
            v = vals[w][c]
            if v is None or c in skip:
                continue
            sums[c] += -v if (cost and v > 0) else v
            n[c] += 1
            dec[c] = dec[c] or not float(v).is_integer()
    return _sums_match(sums, n, dec, target, K, skip)


def _add_row(state, v, dcols, cost: bool) -> None:
    plain, signed, n, dec = state
    for c in dcols:
        x = v[c]
        if x is None:
            continue
        plain[c] += x
        if cost and x > 0:
            signed[c] -= x
        else:
            signed[c] += x
        n[c] += 1
        if not dec[c] and not float(x).is_integer():
            dec[c] = True


_DEC_TOL = [0.051 * (n + 1) + 0.05 for n in range(64)]
_INT_TOL = [max(1.0, min(3.0, 0.5 * (n + 1))) for n in range(64)]


def _tol_for(n: int, dec: bool) -> float:
    """`_sums_match`'s tolerance for a sum of n values (the same floats, looked up)."""
    if n < 64:
        return _DEC_TOL[n] if dec else _INT_TOL[n]
    return 0.051 * (n + 1) + 0.05 if dec else max(1.0, min(3.0, 0.5 * (n + 1)))


def _window_prefilter(vals, window, c0, tv0, tv0_dec) -> bool:
    """`_sums_match`'s test of the first target column for the sum of `window`
    (False: the window cannot match; True: ask `_window_matches`)."""
    total, n, dec = 0.0, 0, tv0_dec
    for w in window:
        x = vals[w][c0]
        if x is None:
            continue
        total += x
        n += 1
        if not dec and not float(x).is_integer():
            dec = True
    if n == 0:
        return tv0 == 0
    return abs(total - tv0) <= _tol_for(n, dec)


def _sums_match(sums, n, dec, target, K, skip) -> bool:
    matched = defined = 0
    for c in range(K):
        tv = target[c]
        if tv is None or c in skip:
            continue
        defined += 1
        if n[c] == 0:
            if tv != 0:
                return False
            continue
        if abs(sums[c] - tv) > _tol_for(n[c], dec[c] or not float(tv).is_integer()):
            return False
        matched += 1
    return matched >= 1 and not (matched == 1 and defined > 1)


@functools.lru_cache(maxsize=4096)
def _is_cost(label: str) -> bool:
    return bool(_COST.search(label))


@functools.lru_cache(maxsize=4096)
def _total_kind(label: str) -> int:
    """0: not a total, 1: weak total (…resultat, …netto), 2: strong (Summa, Totalt)."""
    if _STRONG_TOTAL.search(label):
        return 2
    return 1 if _WEAK_TOTAL.search(label) else 0


class _RowFacts:
    """What the checks need to know about a table's rows that does not depend on the split.

    Computed once per table and reused by every scoring of a candidate split.
    """

    __slots__ = ("labels", "kinds", "costs", "part_of", "totals", "assets", "liab")

    def __init__(self, rows: list[_RawRow]):
        self.labels = [r.label for r in rows]
        self.kinds = [_total_kind(lab) for lab in self.labels]
        self.costs = [_is_cost(lab) for lab in self.labels]
        # "varav …" rows detail the row above them and are not addends
        self.part_of = [_VARAV.match(lab) is not None for lab in self.labels]
        self.totals = [i for i, k in enumerate(self.kinds) if k]
        norm = [normalise_label(lab) for lab in self.labels]
        self.assets = [i for i, lab in enumerate(norm) if _ASSETS.match(lab)]
        self.liab = [i for i, lab in enumerate(norm) if _LIAB.match(lab)]


_VARAV = re.compile(r"(varav|därav)\b", re.I)
_ASSETS = re.compile(r"(summa )?tillgångar$|summa tillgångar")
_LIAB = re.compile(r"summa (eget kapital|skulder).*(skulder|eget kapital)")


def _sum_checks(rows: list[_RawRow], vals: list[list[float | None]], K: int, skip=frozenset(),
                facts: _RowFacts | None = None, ids: list[int] | None = None,
                cache: dict | None = None) -> list[_Check]:
    """Total rows against the rows above them.

    A total (Summa/Totalt/…resultat/…netto) must equal the sum of a run of rows
    directly above it (costs may be shown positive and subtracted), or the sum
    of the last few subtotals ("Totalt" = verksamhetens resultat + finansnetto;
    summa tillgångar = the two summa rows above).

    With `ids` (one key per row's current reading) and `cache`, a total whose
    window of rows has not changed is not summed again: the split search
    changes one row at a time.
    """
    facts = facts or _RowFacts(rows)
    out = []
    totals = facts.totals
    cols = [c for c in range(K) if c not in skip]
    for ti, t in enumerate(totals):
        strong = facts.kinds[t] == 2
        if cache is None:
            hit = _sum_check_one(rows, vals, K, skip, facts, t, ti, strong, cols)
        else:
            hit = _MISS
            # a run found from row s0 up depends on rows s0..t only: rows above s0 may change freely
            starts = cache.get(t)
            if starts:
                for s0 in starts:
                    hit = cache.get((t, s0, tuple(ids[s0:t + 1])), _MISS)
                    if hit is not _MISS:
                        break
            if hit is _MISS:
                lo = max(0, t - (30 if strong else 15))
                key = (t, tuple(ids[lo:t + 1]), tuple(ids[w] for w in totals[max(0, ti - 4):ti]))
                hit = cache.get(key, _MISS)
                if hit is _MISS:
                    hit = _sum_check_one(rows, vals, K, skip, facts, t, ti, strong, cols)
                    if hit is not None and hit.ok and hit.text.startswith(f"'{rows[t].label}' = sum of rows"):
                        s0 = hit.rows[0]
                        cache.setdefault(t, set()).add(s0)
                        cache[(t, s0, tuple(ids[s0:t + 1]))] = hit
                    else:
                        cache[key] = hit
        if hit is not None:
            out.append(hit)
    return out


_MISS = object()


def _sum_check_one(rows, vals, K, skip, facts, t, ti, strong, cols) -> _Check | None:
    r = rows[t]
    target = vals[t]
    if t == 0 or all(target[c] is None for c in cols):
        return None  # a total heading the table (a rate, a headline figure) has nothing above to sum
    costs, part_of = facts.costs, facts.part_of
    found = None
    any_cost = False
    # only columns with a target value enter _sums_match; the first of them is summed
    # during the scan and settles most runs; the full sums are made (in the same order)
    # only for a run that passes it
    dcols = [c for c in cols if target[c] is not None]
    c0 = dcols[0]
    tv0 = target[c0]
    tv0_dec = not float(tv0).is_integer()
    p0 = q0 = 0.0
    n0 = 0
    dec0 = False
    full = None  # (plain, signed, n, dec) over all target columns of rows full_at..t-1
    full_at = t
    for s in range(t - 1, max(-1, t - (31 if strong else 16)), -1):
        v = vals[s]
        if part_of[s]:
            continue
        cost = costs[s]
        if cost and not any_cost:
            any_cost = any(v[c] is not None and v[c] > 0 for c in cols)
        x = v[c0]
        if x is not None:
            p0 += x
            if cost and x > 0:
                q0 -= x
            else:
                q0 += x
            n0 += 1
            if not dec0 and not float(x).is_integer():
                dec0 = True
        if s == t - 1 and not strong:
            continue  # a lone equal row above proves little for a weak total
        if n0 == 0:
            pre_plain = pre_signed = tv0 == 0
        else:
            tol = _tol_for(n0, dec0 or tv0_dec)
            pre_plain = abs(p0 - tv0) <= tol
            pre_signed = any_cost and abs(q0 - tv0) <= tol
        if not (pre_plain or pre_signed):
            continue
        if full is None:
            full = ([0.0] * K, [0.0] * K, [0] * K, [False] * K)
        for r2 in range(full_at - 1, s - 1, -1):  # catch up, in scan order
            if not part_of[r2]:
                _add_row(full, vals[r2], dcols, costs[r2])
        full_at = s
        plain, signed, n, dec = full
        if pre_plain and _sums_match(plain, n, dec, target, K, skip):
            found = (f"sum of rows '{rows[s].label}'..'{rows[t - 1].label}'", tuple(range(s, t + 1)))
        elif any_cost and pre_signed and _sums_match(signed, n, dec, target, K, skip):
            found = (f"sum of rows '{rows[s].label}'..'{rows[t - 1].label}' with costs subtracted",
                     tuple(range(s, t + 1)))
        if found:
            break
    if not found:
        subs = facts.totals[:ti]
        for m in range(2, min(4, len(subs)) + 1):
            window = subs[-m:]
            if _window_prefilter(vals, window, c0, tv0, tv0_dec) \
                    and _window_matches(rows, vals, K, window, target, False, skip):
                found = ("sum of subtotals " + " + ".join(f"'{rows[w].label}'" for w in window),
                         tuple(window) + (t,))
                break
    if found:
        return _Check("sum", found[1], True, f"'{r.label}' = {found[0]}")
    if strong:
        return _Check("sum", (t,), False,
                      f"'{r.label}' is not the sum of any run of rows or subtotals above it")
    return None


def _equal_checks(rows: list[_RawRow], vals, K, facts: _RowFacts | None = None) -> list[_Check]:
    facts = facts or _RowFacts(rows)
    out = []
    if facts.assets and facts.liab:
        a, b = facts.assets[-1], facts.liab[-1]
        pairs = [(x, y) for x, y in zip(vals[a], vals[b]) if x is not None and y is not None]
        ok = bool(pairs) and all(abs(x - y) <= 1 for x, y in pairs)
        out.append(_Check("balance", (a, b), ok,
                          f"balance: '{rows[a].label}' {'=' if ok else '≠'} '{rows[b].label}'"))
    return out


def _identity_holds(kind: str, a: float, b: float, d: float) -> bool | None:
    """Does column value d equal a − b (diff) or the change from b to a in percent (pct)?"""
    if kind == "diff":
        tol = 1.0 if all(float(x).is_integer() for x in (a, b, d)) else 0.15
        return abs((a - b) - d) <= tol
    if abs(b) < 20 or (float(d).is_integer() and abs(d) > 100):
        return None  # below 20 the rounding of a and b alone moves the change by over 5 points
    # costs are negative: a change in magnitude, either sign convention
    exp = 100.0 * (abs(a) - abs(b)) / abs(b)
    tol = 0.06 + 100.0 * 1.0 / max(abs(b), 1) + (0.5 if float(d).is_integer() else 0.0)
    return abs(exp - d) <= tol or abs(-exp - d) <= tol


def _rowsum_holds(v, c) -> bool | None:
    parts = [x for k, x in enumerate(v) if k != c and x is not None]
    if v[c] is None or len(parts) < 2 or (v[c] == 0 and not any(parts)):
        return None
    decimal = any(not float(x).is_integer() for x in parts + [v[c]])
    tol = 0.06 * len(parts) + 0.05 if decimal else 1.0
    if decimal:
        tol = max(tol, 0.51 * sum(1 for x in parts if float(x).is_integer()) + 0.3)
    return abs(sum(parts) - v[c]) <= tol


def _find_identities(vals, K, columns) -> list[tuple[str, int, int, int]]:
    return _find_column_identities(vals, K, columns) + _colsum_identities(vals, K, columns)


def _find_column_identities(vals, K, columns) -> list[tuple[str, int, int, int]]:
    """Column identities (kind, c, i, j): c = i − j ('diff') or c = % change from j to i ('pct').

    A column named Diff/Avvikelse/Förändring (or %/utveckling) needs 2 rows to
    confirm it; an unnamed one needs 4 rows and 90% agreement, so chance
    agreements on small numbers do not become checks.
    """
    out = []
    if K < 3:
        return out
    used: set[int] = set()
    # the last column as the sum of the others ("Ny budget" = budget + ändringar)
    c = K - 1
    res = [_rowsum_holds(v, c) for v in vals]
    res = [g for g in res if g is not None]
    if len(res) >= 4 and sum(res) >= 0.85 * len(res):
        out.append(("rowsum", c, 0, c))
        used.add(c)
    arr = _Matrix(vals, K)
    equations: set = set()
    # columns named as differences or changes first: of two forms of one relation
    # (Diff = Prognos − Budget, Budget = Prognos − Diff) the named one is kept
    order = sorted(range(K), key=lambda c: 0 if c < len(columns) and (
        _DIFF_HEAD.search(columns[c]) or _PCT_HEAD.search(columns[c])) else 1)
    for c in order:
        name = columns[c] if c < len(columns) else ""
        decimal_col = int(arr.dec[:, c].sum())
        for kind in ("diff", "pct"):
            named = bool(_DIFF_HEAD.search(name)) if kind == "diff" else bool(_PCT_HEAD.search(name))
            if kind == "pct" and not named and decimal_col < 2:
                continue
            if c in used:
                continue
            best = arr.best_pair(kind, c)
            if not best:
                continue
            hits, tried, i, j = best
            need, share = (2, 0.7) if named else (4, 0.9)
            nonzero = sum(1 for v in vals if v[c] not in (None, 0))
            if kind == "diff" and (i, frozenset((c, j))) in equations:
                continue  # c = i − j is j = i − c: one relation, checked once
            if hits >= need and hits >= share * tried and nonzero >= 2:
                out.append((kind, c, i, j))
                used.add(c)
                if kind == "diff":
                    equations.add((i, frozenset((c, j))))
                break
    return out


class _Matrix:
    """A reading's values as arrays, to test every column identity c = f(i, j) at once.

    The arithmetic is `_identity_holds`'s, element by element, so the verdicts are the same.
    """

    def __init__(self, vals, K: int):
        import numpy as np

        self.np = np
        x = np.array([[np.nan if v is None else float(v) for v in row] for row in vals],
                     dtype=float).reshape(len(vals), K)
        self.x = x
        self.ok = ~np.isnan(x)
        xz = np.where(self.ok, x, 0.0)
        self.xz = xz
        self.int = self.ok & (np.floor(xz) == xz)
        self.dec = self.ok & ~self.int
        self.zero = self.ok & (xz == 0)
        self.K = K

    def best_pair(self, kind: str, c: int):
        """(hits, tried, i, j) of the first (i, j) with the most hits among pairs tried, or None."""
        np = self.np
        K = self.K
        if K < 3 or not len(self.x):
            return None
        a = self.xz[:, :, None]   # rows × i × 1
        b = self.xz[:, None, :]   # rows × 1 × j
        d = self.xz[:, c][:, None, None]
        valid = self.ok[:, :, None] & self.ok[:, None, :] & self.ok[:, c][:, None, None]
        allzero = self.zero[:, :, None] & self.zero[:, None, :] & self.zero[:, c][:, None, None]
        valid &= ~allzero
        with np.errstate(divide="ignore", invalid="ignore"):
            if kind == "diff":
                ints = self.int[:, :, None] & self.int[:, None, :] & self.int[:, c][:, None, None]
                tol = np.where(ints, 1.0, 0.15)
                good = np.abs((a - b) - d) <= tol
            else:
                dint = self.int[:, c][:, None, None]
                valid &= ~((np.abs(b) < 20) | (dint & (np.abs(d) > 100)))
                babs = np.abs(b)
                exp = 100.0 * (np.abs(a) - babs) / babs
                tol = 0.06 + 100.0 / np.maximum(babs, 1.0) + np.where(dint, 0.5, 0.0)
                good = (np.abs(exp - d) <= tol) | (np.abs(-exp - d) <= tol)
        tried = valid.sum(axis=0)
        hits = (good & valid).sum(axis=0)
        idx = np.arange(K)
        pair_ok = (idx[:, None] != idx[None, :]) & (idx[:, None] != c) & (idx[None, :] != c) & (tried > 0)
        if not pair_ok.any():
            return None
        score = np.where(pair_ok, hits, -1)
        flat = int(np.argmax(score))
        i, j = divmod(flat, K)
        return int(hits[i, j]), int(tried[i, j]), i, j


def _column_check_row(kind, c, i, j, ri, v, rows, columns) -> _Check | None:
    """One row's check of a column identity (None: the row cannot be checked)."""
    def nm(k):
        return columns[k] if k < len(columns) else f"kol{k + 1}"
    if kind == "colsum":
        parts = [v[k] for k in range(i, j)]
        if v[c] is None or any(p is None for p in parts) or (v[c] == 0 and not any(parts)):
            return None
        good = abs(sum(parts) - v[c]) <= _tol(parts + [v[c]])
        return _Check(kind, (ri,), good,
                      f"'{rows[ri].label}': {nm(c)} {'=' if good else '≠'} sum of columns {nm(i)}..{nm(j - 1)}")
    if kind == "rowsum":
        good = _rowsum_holds(v, c)
        if good is None:
            return None
        return _Check(kind, (ri,), good, f"'{rows[ri].label}': {nm(c)} "
                      f"{'=' if good else '≠'} sum of the other columns")
    x, y, d = v[i], v[j], v[c]
    if x is None or y is None or d is None or (x == 0 and y == 0 and d == 0):
        return None
    good = _identity_holds(kind, x, y, d)
    if good is None:
        return None
    rel = "=" if good else "≠"
    rhs = f"{nm(i)} − {nm(j)}" if kind == "diff" else f"% change from {nm(j)} to {nm(i)}"
    return _Check(kind, (ri,), good, f"'{rows[ri].label}': {nm(c)} {rel} {rhs}")


def _column_checks(rows, vals, columns, idents, ids=None, cache=None) -> list[_Check]:
    """Per-row checks of the column identities; with `ids`/`cache` a row's check is
    computed once per reading."""
    out = []
    for ident in idents:
        kind, c, i, j = ident
        if cache is None:
            for ri, v in enumerate(vals):
                ch = _column_check_row(kind, c, i, j, ri, v, rows, columns)
                if ch is not None:
                    out.append(ch)
            continue
        per = cache.get(ident)
        if per is None:
            per = cache[ident] = {}
        for ri, v in enumerate(vals):
            key = (ri, ids[ri])
            ch = per.get(key, _MISS)
            if ch is _MISS:
                ch = per[key] = _column_check_row(kind, c, i, j, ri, v, rows, columns)
            if ch is not None:
                out.append(ch)
    return out


_PCT_NAME = re.compile(r"%|procent|utveckling|andel", re.I)


def _all_checks(rows, vals, K, columns, idents=None, pct_cols=frozenset(),
                facts: _RowFacts | None = None, ids: list[int] | None = None,
                cache: dict | None = None) -> list[_Check]:
    """Every check of one reading of the table.

    `facts`, `ids` (a key per row's reading) and `cache` (a dict kept for one
    table and column count) let the split search re-score a reading that
    differs in one row without redoing the checks the row does not touch;
    the result is the same as without them.
    """
    if idents is None:
        idents = _find_identities(vals, K, columns)
    facts = facts or _RowFacts(rows)
    # percentages do not add up: no sums over percent-change or "%" columns
    named = cache.get("named") if cache is not None else None
    if named is None:
        named = frozenset(c for c in range(min(K, len(columns))) if _PCT_NAME.search(columns[c]))
        if cache is not None:
            cache["named"] = named
    skip = frozenset(c for kind, c, i, j in idents if kind == "pct") | pct_cols | named
    if cache is not None:
        sc = cache.setdefault(("sum", skip), {})
        cc = cache.setdefault("col", {})
    else:
        sc = cc = None
    sums = _sum_checks(rows, vals, K, skip, facts, ids, sc)
    eq = _equal_checks(rows, vals, K, facts)
    # a grand total proven by the balance identity is not a failed sum
    proven = {r for ch in eq if ch.ok for r in ch.rows}
    sums = [ch for ch in sums if ch.ok or ch.rows[-1] not in proven]
    return sums + eq + _column_checks(rows, vals, columns, idents, ids, cc)


def _colsum_identities(vals, K, columns) -> list[tuple[str, int, int, int]]:
    """A column headed Totalt/Summa/Helår equals the sum of the columns right after
    (or right before) it, e.g. "Totalt T3 T2 T1": ("colsum", c, lo, hi)."""
    out = []
    for c in range(K):
        name = columns[c] if c < len(columns) else ""
        if not re.match(r"(totalt?|summa|helår)\b", name, re.I):
            continue
        best = None
        for lo, hi in [(c + 1, c + 1 + m) for m in (2, 3, 4, 12)] + [(c - m, c) for m in (2, 3, 4, 12)]:
            if lo < 0 or hi > K:
                continue
            res = []
            for ri, v in enumerate(vals):
                parts = [v[k] for k in range(lo, hi)]
                if v[c] is None or any(p is None for p in parts) or (v[c] == 0 and not any(parts)):
                    continue
                res.append((ri, abs(sum(parts) - v[c]) <= _tol(parts + [v[c]])))
            hits = sum(g for _, g in res)
            if res and hits >= 2 and hits >= 0.7 * len(res) and (best is None or hits > best[0]):
                best = (hits, lo, hi, res)
        if best:
            out.append(("colsum", c, best[1], best[2]))
    return out


def _check_score(checks: list[_Check]) -> float:
    return sum(2.5 * len(ch.rows) ** 0.5 if ch.ok else 0.0 for ch in checks) - sum(
        0.5 for ch in checks if not ch.ok)


# ---------------------------------------------------------------- table assembly

@dataclass
class _Solution:
    raws: list
    opts: list
    choice: list
    checks: list
    ambiguous: list
    bad: list
    prof: list
    objective: float
    prior: dict = field(default_factory=dict)  # id(option) -> prior under `prof`
    idents: list = field(default_factory=list)  # the column identities the checks use
    pct_cols: frozenset = frozenset()


def _candidate_Ks(raws, header_k, note_col) -> tuple[list[int], dict[int, int]]:
    """Column counts worth solving for: the header's, and those most rows can give exactly."""
    possible: list[set[int]] = []
    for r in raws:
        ks = set()
        for g in r.groupings:
            ks.add(len(g))
            if note_col and len(g) > 1:
                ks.add(len(g) - 1)
        possible.append(ks)
    exact: dict[int, int] = {}
    for ks in possible:
        for k in ks:
            exact[k] = exact.get(k, 0) + 1
    if not exact:
        return [], exact
    n = len(raws)
    ranked = sorted(exact, key=lambda k: (-exact[k], k != header_k, -k))
    cands = [k for k in ranked if exact[k] >= 0.6 * n][:3] or ranked[:1]
    if header_k and header_k not in cands and exact.get(header_k, 0) + sum(
            1 for ks in possible if header_k not in ks and (header_k - 1) in ks) >= 0.5 * n:
        cands.append(header_k)
    return cands, exact


def _columns_for(columns: list[str], header_k: int | None, K: int) -> list[str]:
    if not header_k or K == header_k:
        return list(columns)
    if K < header_k:
        # header words that name the label column or text columns hold no numbers
        trimmed = [c for c in columns if c.split()[0].lower() not in _TEXT_COLS]
        if len(trimmed) == K:
            return trimmed
        if K == header_k - 1:
            return columns[1:]  # the first header word names the label column
        return columns[:K]
    return columns + [f"kol{i + 1}" for i in range(header_k, K)]


def _percent_columns(choice, K) -> frozenset:
    out = set()
    for c in range(K):
        cells = [o.cells[c] for o in choice if o.cells[c]]
        if cells and sum(1 for x in cells if x.endswith("%")) >= 0.6 * len(cells):
            out.add(c)
    return frozenset(out)


def _readings(raws, K, note_col, columns=()) -> tuple[list[list[_Option]], int] | None:
    """Every row's readings for K columns and the number of rows with none
    (None: too many rows fit no K-column reading)."""
    derived = frozenset(c for c in range(min(K, len(columns))) if _DIFF_HEAD.search(columns[c]))
    opts = [_options(r, K, note_col, derived=derived) for r in raws]
    n_bad = sum(1 for o in opts if not o)
    if len(raws) - n_bad < 2 or n_bad > 0.34 * len(raws):
        return None
    return opts, n_bad


def _solve(raws, K, columns, note_col, opts=None) -> _Solution | None:
    """Pick one reading per row for K columns: priors from column magnitudes, then
    coordinate descent on (priors − satisfied checks)."""
    if opts is None:
        r = _readings(raws, K, note_col, columns)
        if r is None:
            return None
        opts = r[0]
    bad = [raws[i] for i, o in enumerate(opts) if not o]
    keep = [i for i in range(len(raws)) if opts[i]]
    raws = [raws[i] for i in keep]
    opts = [opts[i] for i in keep]
    certain = [len(o) == 1 for o in opts]
    prof = _profiles([o[0] for o in opts], K, certain)
    choice = [min(o, key=lambda x: _prior(x, prof)) for o in opts]
    prof = _profiles(choice, K, [True] * len(raws))
    idents = _find_identities([c.values for c in choice], K, columns)
    pct_cols = _percent_columns(choice, K)

    prior = {id(o): _prior(o, prof) for os_ in opts for o in os_}

    facts = _RowFacts(raws)
    cache: dict = {}

    def total(ch):
        vals = [c.values for c in ch]
        checks = _all_checks(raws, vals, K, columns, idents, pct_cols, facts, [id(c) for c in ch], cache)
        return sum(prior[id(c)] for c in ch) - _check_score(checks)

    ambiguous = [i for i, o in enumerate(opts) if len(o) > 1]
    # a last column that some plausible reading of nearly every row sums to
    if not any(k == "rowsum" for k, *_ in idents) and K >= 3:
        sup = tried = 0
        for o in opts:
            floor = min(prior[id(x)] for x in o)
            res = [_rowsum_holds(x.values, K - 1) for x in o if prior[id(x)] <= floor + 2.5]
            res = [g for g in res if g is not None]
            if res:
                tried += 1
                sup += any(res)
        if tried >= 4 and sup >= 0.85 * tried:
            idents = idents + [("rowsum", K - 1, 0, K - 1)]
    best = total(choice)
    for _round in range(4):
        improved = False
        for i in ambiguous:
            ranked = sorted(opts[i], key=lambda x: prior[id(x)])[:24]
            floor = prior[id(ranked[0])]
            for cand in ranked:
                if prior[id(cand)] > floor + 5.0:
                    break  # no set of checks can pay for a reading this unlikely
                if cand is choice[i]:
                    continue
                old = choice[i]
                choice[i] = cand
                sc = total(choice)
                if sc < best - 1e-9:
                    best, improved = sc, True
                else:
                    choice[i] = old
        if not improved:
            # identities seen in the improved readings may unlock more rows
            again = _find_identities([c.values for c in choice], K, columns)
            if set(again) <= set(idents):
                break
            idents = sorted(set(idents) | set(again))
            best = total(choice)
    vals = [c.values for c in choice]
    final = _find_identities(vals, K, columns)
    pct_cols = _percent_columns(choice, K)
    checks = _all_checks(raws, vals, K, columns, final if final else idents, pct_cols=pct_cols)
    objective = sum(prior[id(c)] for c in choice) - _check_score(checks) + 6.0 * len(bad)
    return _Solution(raws, opts, choice, checks, ambiguous, bad, prof, objective, prior,
                     final if final else idents, pct_cols)


def _label_dashes(sol: _Solution, K: int, columns: list[str], doc: str) -> list[str]:
    """A dash between the label and the first number: minus sign or end of the label?

    "50 år – 7,5 6,9" is the age group "50 år –" with 7,5, not −7,5. The dash is
    taken into the label when that makes the checks better, or when the checks do
    not care and every other value in the column is non-negative (rates, shares,
    indicators). When the checks prefer the minus sign it stays; when nothing
    decides, the minus sign stays and a warning says so. Updates `sol` in place.
    """
    out = []
    raws, choice = sol.raws, sol.choice
    for i, (raw, opt) in enumerate(zip(raws, choice)):
        a = raw.atoms
        if not raw.label or len(a) < 2 or a[0].kind != "dash" or a[1].kind != "num" or a[1].signed:
            continue
        c = next((k for k, t in enumerate(opt.cells) if t), None)
        if c is None or opt.values[c] is None or opt.values[c] >= 0 \
                or not opt.cells[c].startswith(a[0].text + " "):
            continue  # the dash was read as an empty cell, or not at all
        vals = [o.values for o in choice]
        flipped = list(opt.values)
        flipped[c] = -opt.values[c]
        alt_vals = vals[:i] + [flipped] + vals[i + 1:]
        alt_checks = _all_checks(raws, alt_vals, K, columns, sol.idents, sol.pct_cols)
        s_sign, s_alt = _check_score(sol.checks), _check_score(alt_checks)
        others = [v[c] for k, v in enumerate(vals) if k != i and v[c] is not None]
        own = [v for k, v in enumerate(opt.values) if k != c and v is not None]
        nonneg = len(others) >= 2 and all(v >= 0 for v in others + own)
        if s_alt > s_sign + 1e-9 or (abs(s_alt - s_sign) <= 1e-9 and nonneg):
            cells = list(opt.cells)
            cells[c] = cells[c][len(a[0].text):].strip()
            choice[i] = _Option(flipped, cells, opt.penalty, opt.note, opt.desc)
            raw.label = f"{raw.label} {a[0].text}"
            sol.checks = alt_checks
        elif s_alt >= s_sign - 1e-9:
            out.append(f"{doc}:{raw.lines[-1].no}: row '{raw.label}': '{opt.cells[c]}' read as a negative "
                       f"number; the dash may end the label ('{raw.label} {a[0].text}')")
    return out


def _build_numeric(block: list[_Line], text: str, doc: str, page_at, tid: str, warnings: list[str],
                   title_above: list[_Line]) -> Table | None:
    raws, pre = _logical_rows(block)
    raws = [r for r in raws if r.atoms]
    if sum(1 for r in raws if any(a.kind == "num" for a in r.atoms)) < 2:
        return None
    hidx = [k for k, ln in enumerate(pre) if ln.kind == "header"]
    header_lines = pre[hidx[0]: hidx[-1] + 1] if hidx else []
    above_header = pre[: hidx[0]] if hidx else pre
    if hidx:
        # a column name standing over its period ("Omsättning" / "2019-08"), and the last
        # word of a wrapped column name below the header ("Antal" / "anställda")
        if above_header and len(header_lines[0].text.split()) == 1 and _is_period(header_lines[0].text) \
                and _is_name_fragment(above_header[-1]) and _title_rank(above_header[-1].text) <= 1:
            header_lines = [above_header[-1]] + header_lines
            above_header = above_header[:-1]
        after = pre[hidx[-1] + 1:]
        if after and _is_name_fragment(after[0]) and after[0].text[:1].islower():
            header_lines = header_lines + [after[0]]
    # a numbered section heading inside the header: what precedes it (a running page header,
    # the previous section) is not this table's
    cut = max((k for k, ln in enumerate(header_lines) if ln.kind != "header" and _SECTION_NO.match(ln.text)),
              default=None)
    if cut is not None:
        above_header = [header_lines[cut]]
        header_lines = header_lines[cut + 1:]
    # title candidates, nearest to the data first: (rank, line, text)
    cands: list[tuple[int, _Line, str]] = []
    hdr_texts: list[str] = []
    hdr_chunks: list[list[str] | None] = []
    for ln in header_lines:
        if ln.kind != "header":
            toks = ln.text.split()
            while toks and (_is_period(toks[-1]) or toks[-1].endswith("--")):
                toks.pop()  # the periods belong to the header
            sub = " ".join(toks) or ln.text
            rank = _title_rank(sub)
            if rank >= 3 or rank == 2 and len(toks) > 3:
                # a sub-title between header lines ("Not 1 Verksamhetens intäkter")
                cands.insert(0, (rank, ln, sub))
                if rank == 3:  # a statement's title starts its table: header lines above it are not its own
                    hdr_texts, hdr_chunks = [], []
            elif len(ln.text.split()) <= 3 and not _SENTENCE_END.search(ln.text) or ln.text.endswith("-") \
                    or ln.text[:1].isdigit():
                hdr_texts.append(ln.text)  # a wrapped column name ("Resultat-" "mål", "jan–aug")
                hdr_chunks.append(None)
            continue
        lead, rest = _split_header_lead(ln.text)
        chunks = _gap_chunks(ln.text)
        if chunks and len(chunks) >= 2 and not (_is_period(chunks[0].split()[0]) or _known_header_word(
                chunks[0].split()[0])):
            lead, chunks = chunks[0], chunks[1:]
            rest = " ".join(chunks)
        if lead:
            rank = _title_rank(lead)
            if rank <= 1 and len(lead.split()) == 1:
                rank = 0  # "Grupp", "Område": the label column's name
            if lead[:1].islower() and cands:
                r0, l0, t0 = cands[0]
                cands[0] = (r0, l0, f"{t0} {lead}")  # the sub-title wraps onto the header line
            elif rank:
                cands.insert(0, (rank, ln, lead))
        if rest:
            hdr_texts.append(rest)
            hdr_chunks.append(chunks if chunks and len(chunks) >= 2 else None)
    for ln in reversed(above_header):
        if ln.kind == "text":
            cands.append((_title_rank(ln.text), ln, ln.text))
    for ln in title_above:
        if all(ln is not c[1] for c in cands):
            cands.append((_title_rank(ln.text), ln, ln.text.rstrip(":")))
    title_line, title = None, None
    best = max((c[0] for c in cands), default=0)
    if best >= 2:
        _, title_line, title = next(c for c in cands if c[0] == best)
    elif cands and cands[0][0] == 1:
        # a plain line only right above the table; of two such lines the upper one (a
        # title over a subtitle: "Prognos för LPIK" / "Aktuell procentuell förändring")
        _, title_line, title = cands[0]
        if len(cands) > 1 and cands[1][0] == 1 and cands[1][1].no < title_line.no \
                and _adjacent(cands[1][1], title_line, block_lines=pre + list(block)):
            _, title_line, title = cands[1]
    if not header_lines and title_line is not None and title_line is cands[0][1]:
        # no header line: the title line may carry the column names ("… (mkr) Utfall Budget Avvikelse")
        split = _split_title_header(title_line.text)
        if split:
            title = split[0]
            hdr_texts, hdr_chunks = [split[1]], [None]
    if title:
        title = _clean_title(title)
    if len(hdr_chunks) >= 1 and all(hdr_chunks) and len({len(c) for c in hdr_chunks}) == 1:
        # columns set apart by wide gaps: the gaps say where each name ends
        columns = [" ".join(parts) for parts in zip(*hdr_chunks)]
        columns = [c for c in columns if c.lower().strip("()") not in ("not", "noter")]
    else:
        columns = parse_header(hdr_texts)
    note_col = any(re.search(r"\bnot\b", h, re.I) for h in hdr_texts)
    header_k = len(columns) or None
    Ks, exact = _candidate_Ks(raws, header_k, note_col)
    line_no = (title_line or block[0]).no
    where = f"{doc}:{line_no}"
    if not Ks:
        return None
    sols = []
    # a column count with more rows that fit no reading loses whatever its checks: the
    # search is only run for the counts that leave the fewest rows out
    ready = []
    for K in Ks:
        cols = _columns_for(columns, header_k, K)
        r = _readings(raws, K, note_col, cols)
        if r is not None:
            ready.append((K, cols, r))
    least_bad = min((r[1] for _, _, r in ready), default=0)
    tried = [K for K, _, _ in ready]
    for K, cols, (opts, n_bad) in ready:
        if n_bad > least_bad:
            continue
        sol = _solve(raws, K, cols, note_col, opts)
        if sol is None:
            continue
        # a header that names K columns is worth something, but arithmetic decides
        sol.objective += 0.0 if (header_k in (None, K)) else 0.3 * len(sol.raws)
        sols.append(((len(sol.bad), sol.objective), K, cols, sol))
    if not sols:
        K = Ks[0]
        n_bad = sum(1 for r in raws if not _options(r, K, note_col))
        warnings.append(f"{where}: table-like block '{title or raws[0].label}' not split consistently "
                        f"({n_bad} of {len(raws)} rows fit no {K}-column split); kept as text")
        return None
    sols.sort(key=lambda x: x[0])
    _, K, columns, sol = sols[0]
    dash_warn = _label_dashes(sol, K, columns, doc)
    raws, choice, checks, ambiguous = sol.raws, sol.choice, sol.checks, sol.ambiguous
    twarn = [f"{doc}:{r.lines[-1].no}: row '{r.label}' does not fit {K} columns; left as text" for r in sol.bad]
    twarn += dash_warn
    # rows whose split is still a coin toss: say so
    for i in ambiguous:
        pri = sorted(sol.prior[id(x)] for x in sol.opts[i][:40])
        in_ok = any(ch.ok and i in ch.rows for ch in checks)
        if len(pri) > 1 and abs(pri[0] - pri[1]) < 0.3 and not in_ok:
            twarn.append(f"{doc}:{raws[i].lines[-1].no}: row '{raws[i].label}' split unverified "
                         f"(chose {choice[i].cells} of {len(sol.opts[i])} readings)")
    rows = []
    for r, c in zip(raws, choice):
        rows.append(TableRow(
            label=r.label, values=list(c.values), start=r.start, end=r.end,
            text=text[r.start:r.end], note=c.note, footnote=r.footnote, cells=list(c.cells),
            section=r.section,
        ))
    first = min([raws[0].start] + [ln.start for ln in header_lines])
    start = first
    if title_line is not None and title_line.start < first:
        between = text[title_line.end:first].split("\n")
        if not any(len(x) > 100 or (_SENTENCE_END.search(x) and len(x.split()) > 6) for x in between):
            start = title_line.start  # (a caption above a paragraph names the table but does not start it)
    end = rows[-1].end
    unit = _table_unit(title, hdr_texts, block, text, start)
    cells = [x for r in rows for x in r.cells if x]
    if unit is None and cells and sum(1 for x in cells if x.endswith("%")) >= 0.8 * len(cells):
        unit = "procent"
    n_amb = len(ambiguous)
    split = (f"{K} columns ({'header' if header_k == K else 'rows'}: header {header_k or '-'}, "
             f"{exact.get(K, 0)}/{len(raws)} rows split exactly; tried {tried}); "
             f"{n_amb} ambiguous rows resolved by magnitudes and checks")
    if any(c.desc == "note" for c in choice):
        split += "; first number of some rows read as note ref"
    check = None if not checks else all(ch.ok for ch in checks)
    return Table(
        id=tid, title=title, unit=unit, page=page_at(start) if page_at else None,
        start=start, end=end, columns=columns[:K], rows=rows, check=check,
        checks=[("ok: " if ch.ok else "FAIL: ") + ch.text for ch in checks], split=split,
        warnings=twarn, doc=doc, line=line_no,
    )


def _table_unit(title, hdr_texts, block, text, start) -> str | None:
    for s in [title or ""] + hdr_texts:
        u = parse_unit(s)
        if u in ("mkr", "tkr", "mdkr", "kr", "procent", "antal"):
            return u
    # a "Belopp i mkr" line up to 3 lines above
    above = text[max(0, start - 400): start].split("\n")[-6:]
    for s in reversed(above):
        if re.search(r"belopp i|\((?:mkr|mnkr|tkr)\)|^\s*(mkr|mnkr|tkr)\s*$", s, re.I):
            u = parse_unit(s)
            if u:
                return u
    return None


_TEXT_COLS = {"mål", "indikator", "nämnd", "intervall", "verksamhetsområde", "bedömning", "kommentar",
              "måluppfyllelse", "status", "styrmått", "kontrollmått", "uppdrag", "nyckeltal", "verksamhet"}
_LEAD_STOP = (_HEADER_WORDS | {"totalt", "total", "summa", "t1", "t2", "t3"}) - {"not", "noter", "i", "och", "per", "år", "andel", "antal", "resultat",
                              "årets", "belopp", "mkr", "mnkr", "tkr", "kr", "%", "procent"}


_UNIT_PAREN = re.compile(r"^\((?:belopp i )?(?:mkr|mnkr|tkr|kr|mdkr|mdr|%|procent|antal|st)\)[:,]?$", re.I)
_WIDE_GAP = re.compile(r"\s{3,}|\t")


def _gap_chunks(text: str) -> list[str] | None:
    """The pieces of a line split at wide gaps (3+ spaces or a tab), when it has two or more."""
    chunks = [c.strip() for c in _WIDE_GAP.split(normalise_spaces(text).strip()) if c.strip()]
    return chunks if len(chunks) >= 2 else None


def _split_header_lead(text: str) -> tuple[str, str]:
    """The words before a header's columns, and the columns.

    'Not 10 Långfristiga skulder 2021-08-31 2020-12-31' → ('Not 10 Långfristiga skulder',
    '2021-08-31 2020-12-31'); 'Nettokostnadsramar per nämnd (mnkr) Ram 2022 Ram 2023' →
    ('Nettokostnadsramar per nämnd (mnkr)', 'Ram 2022 Ram 2023'): a note title runs to the
    first period, a title with a unit in parentheses ends there.
    """
    toks = normalise_spaces(text).split()
    first_period = next((k for k, t in enumerate(toks) if _is_period(t)), len(toks))
    unit = next((k for k, t in enumerate(toks[:first_period]) if _UNIT_PAREN.match(t)), None)
    if len(toks) >= 2 and toks[0].lower() == "not" and re.fullmatch(r"\d{1,2}", toks[1]):
        k = first_period
    elif unit is not None and 0 < unit < len(toks) - 1:
        k = unit + 1
    else:
        k = 0
        while k < len(toks) and not _is_period(toks[k]) and toks[k].lower().strip("():,.") not in _LEAD_STOP:
            k += 1
    lead = " ".join(toks[:k])
    if not lead or k == len(toks) or not re.search(r"[A-Za-zÅÄÖåäö]{3}", lead) \
            or lead.lower() in ("not", "noter"):
        return "", text
    return lead, " ".join(toks[k:])


def _split_title_header(text: str) -> tuple[str, str] | None:
    """A title line that ends in column words: 'Resultat ack oktober (mkr) Utfall Budget Avvikelse'
    → ('Resultat ack oktober (mkr)', 'Utfall Budget Avvikelse'); None when it does not."""
    toks = normalise_spaces(text).split()
    unit = next((k for k, t in enumerate(toks) if _UNIT_PAREN.match(t)), None)
    if unit is not None and 0 < unit < len(toks) - 1 and all(
            _is_period(t) or _known_header_word(t) for t in toks[unit + 1:]):
        return " ".join(toks[: unit + 1]), " ".join(toks[unit + 1:])
    k = len(toks)
    while k > 0 and toks[k - 1][:1].isupper() and _known_header_word(toks[k - 1]):
        k -= 1
    if len(toks) - k >= 2 and k >= 1 and re.search(r"[A-Za-zÅÄÖåäö]{3}", " ".join(toks[:k])):
        return " ".join(toks[:k]), " ".join(toks[k:])
    return None


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
    if any(x in _KNOWN_CODES for x in toks[1:]):
        return 0  # "Ny process framtagen RUN Planerad insats": a goal table's row
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


# ====================================================================== indicator tables

_IND_HEADER = re.compile(r"^(indikator|styrmått|mått|kontrollmått|regiondirektörens kontrollmått|nyckeltal)\b", re.I)
_KNOWN_CODES = {"RS", "HSN", "RUN", "FHS", "PN", "RF", "RUF", "HSF", "RSN", "KFN", "RUS", "PAN", "RN"}
_GOAL_LINE = re.compile(r"^(mål|målområde|delmål|strategiskt mål)\s*\d+\s*[.:]", re.I)
_NUMBERED_HEADING = re.compile(r"^\d+(\.\d+)*\.? [A-ZÅÄÖ]")


_JOINERS = ("i", "och", "för", "av", "med", "om", "inom", "kring", "via", "på", "till", "som", "samt",
            "eller", "per", "vid", "från", "efter", "mot", "under", "hos", "de", "den", "det", "ett", "en")


def _label_continues(above: str, below: str) -> bool:
    """Is `below` the continuation of the wrapped label line `above`?"""
    if above.endswith(("-", ",", "/")) or below[:1].islower() or below[:1] in ")]":
        return True
    if re.match(r"^(AB|HB|KB|AB \(publ\))(\s|$)", below):
        return True  # "Almi Företagspartner Nord" / "AB": a company name wrapped before its suffix
    if above.count("(") > above.count(")"):
        return True
    last = above.split()[-1].lower() if above.split() else ""
    return last in _JOINERS


def _cell_numbers(cell_text: str, footnotes: set[str]) -> list[float]:
    """Numbers in a free-text cell; a footnote digit glued to a year or to the second
    half of a pair ('augusti 20217', '70/503' with footnote 3 on the page) is dropped."""
    t = re.sub(r"\b((?:19|20)\d\d)(\d)\b", lambda m: m.group(1) if m.group(2) in footnotes else m.group(0),
               cell_text)

    def pair(m):
        a, b = m.group(1), m.group(2)
        if len(b) == len(a) + 1 and b[-1] in footnotes:
            return f"{a}/{b[:-1]}"
        return m.group(0)
    t = re.sub(r"(?<![\d,])(\d{1,3})/(\d{2,4})(?![\d,])", pair, t)
    t = t.replace("/", " / ")
    return [v for v, s, e, u in numbers_in_text(t)]


_STATUS_WORDS = {"öka", "minska", "uppnått", "uppnåtts", "delvis", "ej", "inte", "saknas", "pågår", "klart",
                 "genomförd", "genomfört", "framtagen", "fortskrider", "behålla", "bibehålla"}
_FACTOR_LINE = re.compile(r"^(framgångsfaktor|målområde|strategiskt mål|fokusområde|delmål|perspektiv)\s*:\s*\S",
                          re.I)


def _heading_like(ln: _Line) -> bool:
    """A short heading line ("Kostnadseffektiv verksamhet"), not a cell ("Öka", "RUN 2", "- ")."""
    t = ln.text.strip()
    words = t.split()
    return (ln.kind == "text" and 2 <= len(words) <= 8 and len(t) <= 60 and t[:1].isupper()
            and not re.search(r"\d|[.:;,]$", t) and not any(w in _KNOWN_CODES for w in words)
            and len(words[0]) >= 3 and not any(w.lower() in _STATUS_WORDS for w in words)
            and not _IND_HEADER.match(t))


def _indicator_title(nb: list[_Line], i: int) -> tuple[_Line | None, str | None]:
    """An indicator table's title: a goal line ("Mål 3. …") just above its header, a heading
    right above it, or the nearest success factor ("Framgångsfaktor: …") above; never the
    header line itself."""
    for q in range(i - 1, max(-1, i - 4), -1):
        if _GOAL_LINE.match(nb[q].text):
            return nb[q], nb[q].text
    if i > 0 and _heading_like(nb[i - 1]):
        return nb[i - 1], nb[i - 1].text
    for q in range(i - 1, max(-1, i - 150), -1):
        t = nb[q].text
        if _FACTOR_LINE.match(t) or _GOAL_LINE.match(t):
            title = re.sub(r"\s+", " ", t).strip()
            nxt = nb[q + 1].text.strip() if q + 1 < i else ""
            if nxt and len(nxt) <= 80 and not _FACTOR_LINE.match(nxt) and not _IND_HEADER.match(nxt) \
                    and _label_continues(title, nxt):
                title = _dehyphen_join(title, nxt)  # a wrapped title line
            return nb[q], title
    return None, None


def _indicator_targets(columns: list[str]) -> tuple[list[str], int]:
    """The header columns that hold a row's cells after its committee code, and how many
    of them come before the trailing text columns (Måluppfyllelse, Kommentar)."""
    cols = list(columns)
    if cols and _IND_HEADER.match(cols[0]) or cols and cols[0].split()[0].lower() in _TEXT_COLS:
        cols = cols[1:]  # the label column ("Indikator", "Styrmått")
    cols = [c for c in cols if c.lower() not in ("nämnd", "ansvar", "ansvarig", "nämnd/styrelse")]
    n = len(cols)
    while n and cols[n - 1].split()[0].lower() in ("måluppfyllelse", "bedömning", "kommentar", "status",
                                                    "utveckling", "trend", "mål-uppfyllelse"):
        n -= 1
    return cols, n


_CELL_WORDS = _STATUS_WORDS | {"ja", "nej", "oförändrat", "bibehålls", "uppnås", "öka", "minska"}


def _align_indicator_cells(cell_text: str, footnotes: set[str], targets: list[str], n_values: int,
                           values: list[float]):
    """(cells, values, value_columns) when the row's cells line up with the header, else None.

    A cell is a number (read the usual way: "2 315" is one), a pair ("81/77", women/men),
    a dash (no value) or one status word ("Öka"); a year in parentheses annotates the cell
    before it ("8 (2020)"). Free text ("Ingen mätning före 2022") is never aligned. The
    cells must fill exactly the value columns, or those and the trailing text columns,
    and give the same numbers as `values`; when another grouping of the numbers could
    fill the value columns instead, the columns would be a guess and nothing is aligned.
    """
    if not targets or not n_values:
        return None
    t = re.sub(r"\b((?:19|20)\d\d)(\d)\b", lambda m: m.group(1) if m.group(2) in footnotes else m.group(0),
               normalise_spaces(cell_text))
    t = re.sub(r"(?<![\d,])(\d{1,3})/(\d{2,4})(?![\d,])",
               lambda m: f"{m.group(1)}/{m.group(2)[:-1]}" if len(m.group(2)) == len(m.group(1)) + 1
               and m.group(2)[-1] in footnotes else m.group(0), t)
    items: list[tuple[str, list[float]]] = []
    run: list[Atom] = []
    alternatives = 0  # extra cells another grouping of the runs could make

    def flush():
        nonlocal alternatives
        if run:
            cells = greedy_cells(run)
            items.extend((c.text, [] if c.value is None else [c.value]) for c in cells)
            alternatives += max(len(g) for g in atom_groupings(run, limit=200)) - len(cells)
            run.clear()

    for tok, start, end, gap in tokens_with_gaps(t):
        kind = classify_atom(tok)
        if re.fullmatch(r"\((?:19|20)\d\d\)", tok):
            flush()
            if not items:
                return None
            items[-1] = (f"{items[-1][0]} {tok}", items[-1][1])
        elif kind in ("num", "pct", "dash"):
            run.append(Atom(tok, start, end, kind, gap))
        elif re.fullmatch(r"\d+(?:,\d+)?/\d+(?:,\d+)?%?", tok):
            flush()
            items.append((tok, [parse_number(x) for x in tok.rstrip("%").split("/")]))
        elif tok.lower().strip(".,") in _CELL_WORDS:
            flush()
            items.append((tok, []))
        else:
            return None  # free text
    flush()
    n = len(items)
    if n not in (len(targets), n_values):
        return None
    if alternatives and n < n_values <= n + alternatives:
        return None  # "1 200 1 350" read as 1, 200, 1 350 would fill the value columns
    got = [v for _, vs in items for v in vs]
    if got != list(values):
        return None
    names = [col for (_, vs), col in zip(items, targets) for _ in vs]
    return [txt for txt, _ in items], got, names


def _indicator_tables(lines: list[_Line], text: str, doc: str, page_at, next_id) -> list[Table]:
    nb = [ln for ln in lines if ln.kind != "blank"]
    out = []
    i = 0
    while i < len(nb):
        ln = nb[i]
        if not (_IND_HEADER.match(ln.text) and re.search(r"nämnd|utfall|målvärde|mål 20\d\d", ln.text, re.I)):
            i += 1
            continue
        # region: until the next goal line / numbered heading / indicator header
        j = i + 1
        while j < len(nb) and not (_GOAL_LINE.match(nb[j].text) or _IND_HEADER.match(nb[j].text)
                                   or _FACTOR_LINE.match(nb[j].text)
                                   or (_NUMBERED_HEADING.match(nb[j].text) and len(nb[j].text) <= 60
                                       and not nb[j].text.rstrip().endswith("."))):
            j += 1
        if j < len(nb) and _IND_HEADER.match(nb[j].text) and j - 1 > i + 1 and _heading_like(nb[j - 1]):
            j -= 1  # the next table's title ("Kostnadseffektiv verksamhet") is not a cell of this one
        footnotes = {m.group(1) for ln2 in nb[i: min(len(nb), j + 40)]
                     if (m := re.match(r"^(\d)\s+[A-ZÅÄÖa-zåäö]", ln2.text)) and len(ln2.text) > 25}
        region = nb[i + 1: j]
        targets, n_values = _indicator_targets(parse_header([ln.text]))
        codes = set(_KNOWN_CODES)
        firsts: dict[str, int] = {}
        for r in region:
            tok = r.text.split()[0] if r.text.split() else ""
            if re.fullmatch(r"[A-ZÅÄÖ]{2,5}", tok):
                firsts[tok] = firsts.get(tok, 0) + 1
        codes |= {t for t, c in firsts.items() if c >= 2}
        code_rx = re.compile(r"(?:^|\s)(" + "|".join(sorted(codes, key=len, reverse=True)) + r")(?=\s|$)")
        row_idx = []  # (line index in region, code match)
        for k, r in enumerate(region):
            m = code_rx.search(r.text)
            if m and (m.start() == 0 or len(r.text[: m.start()].split()) >= 1):
                row_idx.append((k, m))
        rows = []
        prev_end = 0
        for n, (k, m) in enumerate(row_idx):
            # label: text before the code, plus wrapped lines above it
            lab_lines = []
            before = region[k].text[: m.start()].strip()
            q = k - 1
            need_more = not before or before[:1].islower()
            first_above = True
            while q >= prev_end and q >= 0:
                cur_first = (lab_lines[0].text if lab_lines else before)
                above = region[q].text
                if not need_more and not _label_continues(above, cur_first):
                    break
                if len(above) > 90 or code_rx.search(above) and q != k:
                    break
                lab_lines.insert(0, region[q])
                need_more = False
                first_above = False
                q -= 1
                if len(lab_lines) >= 4:
                    break
            label = ""
            for p in lab_lines:
                label = _dehyphen_join(label, p.text)
            label = _dehyphen_join(label, before) if before else label
            label, note, foot = _clean_label(label)
            # cells: after the code, through the lines before the next row's label
            nxt = row_idx[n + 1][0] if n + 1 < len(row_idx) else len(region)
            cell_lines = [region[k].text[m.end():]]
            stop = nxt
            if n + 1 < len(row_idx):
                k2, m2 = row_idx[n + 1]
                b2 = region[k2].text[: m2.start()].strip()
                back = 0
                need = not b2 or b2[:1].islower()
                cf = b2
                q = k2 - 1
                while q > k and back < 4:
                    above = region[q].text
                    if not need and not _label_continues(above, cf):
                        break
                    back += 1
                    need = False
                    cf = above
                    q -= 1
                stop = k2 - back
            cell_lines += [region[x].text for x in range(k + 1, stop)
                           if not (re.match(r"^\d\s+[A-ZÅÄÖ]", region[x].text) and len(region[x].text) > 40)]
            cell_text = " ".join(cell_lines)
            vals = _cell_numbers(cell_text, footnotes)
            start = lab_lines[0].start if lab_lines else region[k].start
            end = region[max(k, stop - 1)].end
            prev_end = max(k + 1, stop)
            if not label:
                continue
            row = TableRow(label=label, values=vals, start=start, end=end, text=text[start:end],
                           note=note, footnote=foot, cells=[cell_text.strip()])
            aligned = _align_indicator_cells(cell_text, footnotes, targets, n_values, vals)
            if aligned is not None:
                row.cells, row.values, row.value_columns = aligned
            rows.append(row)
        if rows:
            # title: the goal line above the header, if close
            title_line, title = _indicator_title(nb, i)
            if title_line is not None and nb.index(title_line) < i - 3:
                title_line = None  # a title far above (a success factor) names the table but does not start it
            start = title_line.start if title_line else ln.start
            cols = parse_header([ln.text])
            out.append(Table(
                id=next_id(), title=title, unit=None, page=page_at(start) if page_at else None,
                start=start, end=rows[-1].end, columns=cols, rows=rows, check=None, checks=[],
                split="indicator table: free-text cells, numbers listed in reading order",
                kind="indicator", doc=doc, line=(title_line or ln).no,
            ))
        i = max(j, i + 1)
    return out


# ====================================================================== entry point

def find_tables(text: str, *, doc: str = "", page_at: Callable[[int], int | None] | None = None
                ) -> tuple[list[Table], list[str]]:
    """All numeric and indicator tables in `text`, plus warnings naming doc and line.

    Tables come back in text order with non-overlapping spans.
    """
    lines = _lines(text)
    for ln in lines:
        _classify(ln)
    _mark_contents(lines)
    warnings: list[str] = []
    counter = [0]

    def next_id():
        counter[0] += 1
        return f"{_doc_stem(doc)}t{counter[0]:03d}"

    indicator = _indicator_tables(lines, text, doc, page_at, next_id)
    taken = [(t.start, t.end) for t in indicator]
    nb = [ln for ln in lines if ln.kind != "blank"]
    index_of = {id(ln): k for k, ln in enumerate(nb)}
    numeric: list[Table] = []
    for block in _blocks(lines):
        if any(s <= block[0].start < e or s < block[-1].end <= e for s, e in taken):
            continue
        for part in _split_subtables(block):
            first = part[0]
            title = _find_title(nb, index_of[id(first)])
            if any(_is_title_line(ln) for ln in part if ln.kind == "text"
                   and part.index(ln) < next(k for k, x in enumerate(part) if x.kind == "row")):
                title = []  # the table's own lines hold a title
            t = _build_numeric(part, text, doc, page_at, "", warnings, title)
            if t is None:
                continue
            if numeric and t.start < numeric[-1].end:
                t.start = min(r.start for r in t.rows)
            numeric.append(t)
    # notes tables share the unit of the statement they belong to ("NOTER (belopp i mkr)")
    for prev, t in zip(numeric, numeric[1:]):
        if t.unit is None and prev.unit and t.title and re.match(r"not(er)?\b", t.title, re.I) \
                and prev.title and re.match(r"not(er)?\b", prev.title, re.I) and t.line - prev.line < 80:
            t.unit = prev.unit
    tables = sorted(indicator + numeric, key=lambda t: t.start)
    for k, t in enumerate(tables, 1):
        t.id = f"{_doc_stem(doc)}t{k:03d}"
        warnings.extend(t.warnings)
    return tables, warnings


def _doc_stem(doc: str) -> str:
    stem = re.sub(r"\.[a-z]+$", "", doc or "")
    return f"{stem}:" if stem else ""


# ====================================================================== PDF layout

def layout_text(page, *, gap_em: float = 0.9) -> str:
    """A pdfplumber page as text lines, with a tab wherever words sit far apart.

    Words closer than `gap_em` × font size belong together (a thousands group
    after a space is ~0.25–0.3 em away); a wider gap is a column boundary,
    which `corpus.numbers.atom_groupings` then never bridges.
    """
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5)
    words.sort(key=lambda w: (round(w["top"]), w["x0"]))
    lines: list[list[dict]] = []
    for w in words:
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= 2.5:
            lines[-1].append(w)
        else:
            lines.append([w])
    out = []
    for ln in lines:
        ln.sort(key=lambda w: w["x0"])
        s = ""
        prev = None
        for w in ln:
            if prev is not None:
                size = max(1.0, (prev["bottom"] - prev["top"]))
                s += "\t" if (w["x0"] - prev["x1"]) > gap_em * size else " "
            s += w["text"]
            prev = w
        out.append(s)
    return "\n".join(out)


def tables_from_pdf_page(page, *, doc: str = "", page_number: int | None = None
                         ) -> tuple[list[Table], list[str], str]:
    """Tables of one pdfplumber page: (tables, warnings, the page text their offsets refer to)."""
    text = layout_text(page)
    pn = page_number if page_number is not None else getattr(page, "page_number", None)
    tables, warns = find_tables(text, doc=doc, page_at=lambda _o: pn)
    return tables, warns, text
