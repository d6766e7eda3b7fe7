"""PDF pages as text lines with a tab at every wide gap, so columns are known from the layout."""
from __future__ import annotations

from .find import find_tables
from .records import Table

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
