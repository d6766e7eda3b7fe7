"""Indicator (goal follow-up) tables: free-text cells after a committee code (or, when a table's
rows carry none, after the label: `goals.plain_rows`), numbers in reading order, and the header
columns they fill when they line up."""
from __future__ import annotations

import re

from .blocks import _clean_label, _label_continues
from .header import _TEXT_COLS, _dehyphen_join, parse_header
from .lexicon import _FACTOR_LINE, _GOAL_LINE, _IND_HEADER, _STATUS_WORDS
from .lines import _Line
from .owners import _CODE, learn_codes, regions
from .cells import _align_indicator_cells, _cell_numbers
from .goals import plain_rows
from .records import Table, TableRow

# ====================================================================== indicator tables

def _heading_like(ln: _Line) -> bool:
    """A short heading line ("Kostnadseffektiv verksamhet"), not a cell ("Öka", "RUN 2", "- ")."""
    t = ln.text.strip()
    words = t.split()
    return (ln.kind == "text" and 2 <= len(words) <= 8 and len(t) <= 60 and t[:1].isupper()
            and not re.search(r"\d|[.:;,]$", t) and not any(_CODE.fullmatch(w) for w in words)
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




def _indicator_tables(lines: list[_Line], text: str, doc: str, page_at, next_id
                      ) -> tuple[list[Table], list[tuple[int, int]]]:
    """The indicator tables, and the spans of goal tables whose rows could not be read."""
    nb = [ln for ln in lines if ln.kind != "blank"]
    out = []
    spans = regions(nb, _heading_like)
    unread = []  # goal tables whose rows no owner code marks: their lines are not a numeric table
    # owner codes recur across a report's goal tables: learned from all of them at once
    codes = learn_codes([x for a, b in spans for x in nb[a + 1: b]])
    for i, j in spans:
        ln = nb[i]
        footnotes = {m.group(1) for ln2 in nb[i: min(len(nb), j + 40)]
                     if (m := re.match(r"^(\d)\s+[A-ZÅÄÖa-zåäö]", ln2.text)) and len(ln2.text) > 25}
        region = nb[i + 1: j]
        targets, n_values = _indicator_targets(parse_header([ln.text]))
        if not region:
            continue
        code_rx = re.compile(r"(?:^|\s)(" + "|".join(sorted(codes, key=len, reverse=True)) + r")(?=\s|$)") \
            if codes else None
        row_idx = []  # (line index in region, code match)
        for k, r in enumerate(region):
            m = code_rx.search(r.text) if code_rx else None
            if m and (m.start() == 0 or len(r.text[: m.start()].split()) >= 1):
                row_idx.append((k, m))
        rows = [] if row_idx else plain_rows(region, text, footnotes, targets, n_values)
        prev_end = 0
        for n, (k, m) in enumerate(row_idx):
            # label: text before the code, plus wrapped lines above it
            lab_lines = []
            before = region[k].text[: m.start()].strip()
            q = k - 1
            need_more = not before or before[:1].islower()
            while q >= prev_end and q >= 0:
                cur_first = (lab_lines[0].text if lab_lines else before)
                above = region[q].text
                if not need_more and not _label_continues(above, cur_first):
                    break
                if len(above) > 90 or code_rx.search(above) and q != k:
                    break
                lab_lines.insert(0, region[q])
                need_more = False
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
            else:
                # after the last row, a paragraph on one line (wider than any cell's text) is the
                # running text that follows the table, not more of the row's cells
                stop = next((x for x in range(k + 1, stop) if region[x].kind == "prose"
                             and len(region[x].text) > 160 and region[x].text.rstrip()[-1:] in ".!?"), stop)
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
        if not rows:
            unread.append((ln.start, region[-1].end))
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
    return out, unread
