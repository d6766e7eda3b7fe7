"""Render generated tables (gen_tables_kinds.py) as a PDF-to-text dump or as a PDF (fpdf2).

The text dump is laid out the way PDF-to-text tools lay tables out: columns separated by one
space (or padded to a width), thousands grouped by a space, every line followed by a blank
one in some dumps, column names split over lines. The prose between tables is generic."""
from __future__ import annotations

import glob
import random
import re
from pathlib import Path

from gen_tables_kinds import TrueRow, TrueTable

PROSE = [
    "Under perioden har arbetet med verksamhetsplanen fortsatt enligt plan.",
    "Uppföljningen visar att flera områden har utvecklats i positiv riktning.",
    "Kostnaderna har ökat mer än budgeterat, främst inom den specialiserade vården.",
    "Nedan redovisas utfallet för perioden jämfört med budget och föregående år.",
    "Prognosen för helåret bedöms som osäker med hänsyn till läget i omvärlden.",
    "Sammanställningen bygger på uppgifter ur ekonomisystemet vid periodens slut.",
    "Nämnderna har redovisat sina åtgärder för en ekonomi i balans.",
]


def number(v: float | None, minus: str, decimals: bool = False) -> str:
    """'−6 268', '1 234,5': a space groups thousands, a comma marks decimals."""
    if v is None:
        return "–"
    a = abs(v)
    whole = int(round(a, 1)) if not decimals else int(a)
    s = f"{whole:,}".replace(",", " ")
    if decimals:
        s += "," + f"{a:.1f}".split(".")[1]
    return (minus if v < 0 else "") + s


def _decimals(t: TrueTable) -> bool:
    return any(v is not None and not float(v).is_integer() for r in t.rows for v in r.values)


def _sep(t: TrueTable) -> str:
    """What joins a plain row's cells: one space, or the three of a dump without layout."""
    return "   " if t.style["sep"] == "gap3" else " "


def _header_lines(t: TrueTable) -> list[str]:
    cols = list(t.columns)
    lead = ["Not"] if t.notes == "column" else []
    style = t.style["header"]
    split = [c.rsplit(" ", 1) if re.search(r"\s\d{4}", c) else [c, ""] for c in cols]
    if t.kind in ("indicator", "goal_plain"):
        return [" ".join(t.head + cols + ["Måluppfyllelse"])]
    if t.groups:
        if t.style["sep"] == "wide":  # each group name over the middle of its sub-columns
            span = 13 * len(t.subs)
            return ["".join(g.center(span) for g in t.groups).rstrip(),
                    "".join(c.rjust(13) for _ in t.groups for c in t.subs)]
        return [" ".join(t.groups), " ".join(t.subs * len(t.groups))]
    if style == "one":
        return [_sep(t).join(lead + cols)]
    names = [s[0] for s in split]
    periods = [s[1] for s in split if s[1]]
    if style == "two":
        return [" ".join(lead + names), " ".join(periods)]
    half = max(1, len(names) // 2)
    return [" ".join(lead + names[:half]), " ".join(names[half:]), " ".join(periods)]


def _wrap_label(label: str) -> tuple[str, str] | None:
    """Split a long label where the rest starts with a lower-case word (a wrapped line)."""
    words = label.split()
    if len(label) < 28 or len(words) < 3:
        return None
    for k in range(len(words) // 2, len(words)):
        if words[k][:1].islower():
            return " ".join(words[:k]), " ".join(words[k:])
    return None


def _row_cells(t: TrueTable, r: TrueRow, dec: bool) -> list[str]:
    m = t.style["minus"]
    if t.kind == "slide":
        v = r.values[0]
        pct = "(%)" in r.label
        txt = number(v, m, decimals=not float(v).is_integer())
        return [txt + (" %" if pct else "")]
    if t.kind in ("indicator", "goal_plain"):
        return [number(v, m) for v in r.values] + [r.status or ""]
    return ["" if r.short and v is None else number(v, m, dec) for v in r.values]


def _slide_lines(t: TrueTable) -> list[str]:
    """A slide dump: each label, then its value on the next line; or all labels, then all values."""
    cells = [_row_cells(t, r, False)[0] for r in t.rows]
    if t.style["slide"] == "own":
        return [t.title] + [x for r, c in zip(t.rows, cells) for x in (r.label, c)]
    return [t.title] + [r.label for r in t.rows] + cells


def table_lines(t: TrueTable) -> list[str]:
    """The table as text lines (title, header, group labels, rows)."""
    if t.kind == "slide":
        return _slide_lines(t)
    dec = _decimals(t)
    wide = t.style["sep"] == "wide"
    wrap_done = not t.style.get("wrap")
    lines = [t.title]
    lines += ["    " + h if wide else h for h in _header_lines(t)]
    for r in t.rows:
        if r.section:
            lines.append(r.section)
        label = r.label
        if t.notes == "inline" and r.note:
            label += f" Not {r.note}"
        elif t.kind == "indicator":
            label += f" {r.code}"
        cells = _row_cells(t, r, dec)
        if t.notes == "column":
            cells = [r.note or ""] + cells if wide else ([r.note] if r.note else []) + cells
        below = None
        if not wrap_done and (w := _wrap_label(r.label)) is not None:
            if t.style.get("wrap_at") == "below":  # the label's last words on the line after the numbers
                label, below = w[0] + label[len(r.label):], w[1]
            else:
                lines.append(w[0])
                label = w[1] + label[len(r.label):]
            wrap_done = t.kind != "goal_plain"  # goal tables wrap every long label
        if wide:
            lines.append(label.ljust(56) + "".join(" " + c.rjust(12) for c in cells))
        else:  # one space, or a dump without layout: the same several spaces between all cells
            lines.append(_sep(t).join([label] + [c for c in cells if c]))
        if below:
            lines.append(below)
    return lines


def render_text_doc(group: list[TrueTable], rng: random.Random) -> str:
    parts = ["Delårsrapport", ""]
    for k, t in enumerate(group):
        parts += [f"{k + 1}. Avsnitt {k + 1}", " ".join(rng.sample(PROSE, 3)), ""]
        body = table_lines(t)
        parts.append(("\n\n" if t.style["blank"] else "\n").join(body))
        parts += ["", " ".join(rng.sample(PROSE, 2)), ""]
    return "\n".join(parts) + "\n"


def _font() -> str | None:
    found = glob.glob("/usr/share/fonts/**/DejaVuSans.ttf", recursive=True)
    return found[0] if found else None


def render_pdf(group: list[TrueTable], path: Path, rng: random.Random) -> list[int]:
    """Write the tables into one PDF; returns each table's page (1-based, where its title is)."""
    import fpdf

    pdf = fpdf.FPDF()
    pdf.set_auto_page_break(False)
    ttf = _font()
    if ttf:
        pdf.add_font("dejavu", fname=ttf)
    fam = "dejavu" if ttf else "helvetica"
    pages = []

    def new_page():
        pdf.add_page()
        pdf.set_font(fam, size=8)
        pdf.set_xy(10, 285)
        pdf.cell(190, 4, f"Delårsrapport   {pdf.page_no()}", align="R")
        pdf.set_xy(15, 20)

    new_page()
    for k, t in enumerate(group):
        pdf.set_font(fam, size=10)
        if rng.random() < 0.5 and pdf.get_y() > 40:
            new_page()
        pdf.set_x(15)
        pdf.multi_cell(180, 5, " ".join(rng.sample(PROSE, 3)), new_x="LMARGIN", new_y="NEXT")
        need = 5 * (len(t.rows) * (2 if t.kind in ("slide", "goal_plain") else 1) + 6) + 10 * sum(1 for r in t.rows if r.section)
        if pdf.get_y() + need > 275:
            new_page()
        pdf.ln(3)
        pdf.set_x(15)
        pages.append(pdf.page_no())
        pdf.cell(180, 6, t.title, new_x="LMARGIN", new_y="NEXT")
        _pdf_table(pdf, fam, t)
        pdf.ln(4)
    pdf.output(str(path))
    return pages


def _pdf_slide(pdf, t: TrueTable) -> None:
    for ln in _slide_lines(t)[1:]:
        pdf.set_x(15)
        pdf.cell(120, 5, ln, new_x="LMARGIN", new_y="NEXT")


def _pdf_table(pdf, fam: str, t: TrueTable) -> None:
    pdf.set_font(fam, size=9)
    if t.kind == "slide":
        return _pdf_slide(pdf, t)
    dec = _decimals(t)
    ind = t.kind in ("indicator", "goal_plain")
    label_w = 62 if ind else 60 if t.groups else 76
    note_w = 10 if t.notes == "column" else 0
    code_w = 14 if t.kind == "indicator" else 0
    val_w = 20 if ind else 19 if t.groups else 22
    x0 = 15

    def put(label_lines: list[str], note: str, code: str, cells: list[str]):
        for ln in label_lines[:-1]:
            pdf.set_x(x0)
            pdf.cell(label_w, 4.5, ln, new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(x0)
        pdf.cell(label_w, 4.5, label_lines[-1])
        if note_w:
            pdf.cell(note_w, 4.5, note, align="R")
        if code_w:
            pdf.cell(code_w, 4.5, code)
        for i, c in enumerate(cells):
            status = ind and i >= len(t.columns)
            w = 30 if status else val_w
            size = 9
            while size > 5 and pdf.get_string_width(c) > w - 1:  # a long name is set smaller, never overlaps
                size -= 0.5
                pdf.set_font(fam, size=size)
            pdf.cell(w, 4.5, c, align="L" if status else "R")
            pdf.set_font(fam, size=9)
        pdf.ln(4.5)

    # header: names over periods, right-aligned over their columns
    split = [c.rsplit(" ", 1) if re.search(r"\s\d{4}", c) else [c, ""] for c in t.columns]
    # one header line when the names fit their columns; else names over periods, as PDFs wrap them
    one = t.style["header"] == "one" and not ind and all(pdf.get_string_width(c) < val_w - 2 for c in t.columns)
    head_label = " ".join(t.head[:1]) if ind else ""
    extra = ["Måluppfyllelse"] if ind else []
    if t.groups:  # each group name centred over its sub-columns
        pdf.set_x(x0 + label_w)
        for g in t.groups:
            pdf.cell(val_w * len(t.subs), 4.5, g, align="C")
        pdf.ln(4.5)
        put([""], "", "", t.subs * len(t.groups))
    elif one:
        put([head_label], "Not" if note_w else "", "", list(t.columns) + extra)
    else:
        put([head_label], "Not" if note_w else "", t.head[1] if code_w else "", [s[0] for s in split] + extra)
        put([""], "", "", [s[1] for s in split])
    for r in t.rows:
        if r.section:
            pdf.set_x(x0)
            pdf.cell(label_w, 4.5, r.section, new_x="LMARGIN", new_y="NEXT")
        label = r.label + (f" Not {r.note}" if t.notes == "inline" and r.note else "")
        lines = _fit(pdf, label, label_w - 2)
        put(lines, r.note if note_w and r.note else "", r.code or "", _row_cells(t, r, dec))


def _fit(pdf, text: str, width: float) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for w in words:
        trial = f"{cur} {w}".strip()
        if pdf.get_string_width(trial) > width and cur:
            lines.append(cur)
            cur = w
        else:
            cur = trial
    return lines + [cur]
