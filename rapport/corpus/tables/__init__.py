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

Shapes beyond one header line and one row per line: a two-level header (a group line over
sub-columns that recur under each group: "2022 2023" over "Utfall Budget Utfall Budget" gives
"2022 Utfall", …; `header._two_level`); names over fewer periods (a difference column has
none); labels wrapped above their numbers or below them (a line continuing the label above,
not the one below); short rows in a padded dump take the columns their cells end under (the
edges of the rows that fill every column; `evidence`); slide dumps, where each figure sits on
the line after its label or a block of values follows a block of labels, become tables of
their own and never rows of a neighbouring table (`slides`); goal tables whose rows carry no
owner code are read from each line's trailing cells when most rows fill the header's value
columns (`goals`), else stay text with a warning.

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
from .find import find_tables
from .header import parse_header
from .pdf import layout_text, tables_from_pdf_page
from .records import Table, TableRow, normalise_label, tables_frame

__all__ = [
    "Table", "TableRow", "find_tables", "layout_text", "tables_from_pdf_page",
    "tables_frame", "normalise_label", "parse_header",
]
