"""How the `rapport` command lays results out in a terminal (rich), readable at 80 columns and wider.

Report text and labels are escaped for rich ('[not_achieved]' is not a style
tag) and control characters in file names are shown as escapes, so nothing
printed can move the cursor or vanish.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    import pandas as pd

SIDE_BY_SIDE_MIN = 120  # columns from which compare puts groups next to each other
GROUP_MIN_WIDTH = 38  # narrowest readable column per group
FACT_LABELS = {"goal_assessments": ("mål", ("status", "horizon", "goal")), "aggregates": ("antal", ("scope", "total")),
               "targets": ("målvärde", ("target",)), "risks": ("risk", ("category",)),
               "events": ("händelse", ("type", "date")), "links": ("siffra", ("value", "unit", "column"))}


def visible(s) -> str:
    """`s` with control and format characters shown as escapes (a file name may hold a newline or ESC)."""
    s = str(s)
    if s.isprintable():
        return s
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in s)


def safe(s) -> str:
    """Escaped for rich markup and for the terminal."""
    return escape(visible("" if s is None else s))


def _short(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _is(v) -> bool:
    import pandas as pd  # here, not at import: `rapport --help` and argument errors need no pandas

    return v is not None and not (isinstance(v, float) and math.isnan(v)) and v is not pd.NA and v == v


def hits_table(query: str, hits: pd.DataFrame, width: int, flag: str | None = None) -> Table | Group:
    """Search results: a table at 100+ columns, numbered paragraphs below that."""
    if width >= 100:
        t = Table("#", "score", "region", "doc", "s.", "text", title=safe(query), expand=True,
                  caption=safe(flag) if flag else None)
        for r in hits.to_dict("records"):
            t.add_row(str(r["rank"]), f"{r['score']:.3f}", safe(r["region"]), safe(r["doc"]),
                      str(int(r["page"])) if _is(r.get("page")) else "", safe(_short(r["text"], 300)))
        return t
    parts = [Text.from_markup(f"[bold]{safe(query)}[/bold]")] + ([Text(flag, style="yellow")] if flag else [])
    for r in hits.to_dict("records"):
        parts.append(Text.from_markup(f"[bold]{r['rank']}.[/bold] {safe(_short(r['text'], 400))}\n"
                                      f"[dim]{safe(r['citation'])} · {safe(r['region'])} · {r['score']:.3f}[/dim]"))
    return Group(*parts)


def _fact_line(what: str, r: dict) -> str:
    label, keys = FACT_LABELS.get(what, (what, ()))
    tags = ", ".join(str(r[k]) for k in keys if _is(r.get(k)))
    return f"[cyan]{label}[/cyan] {escape('[' + visible(tags) + ']')} {safe(_short(r['text'], 200))} " \
           f"[dim]({safe(r['citation'])})[/dim]"


def _group_lines(frame: pd.DataFrame, chars: int) -> list[str]:
    lines = []
    rows = frame.to_dict("records")
    for r in (r for r in rows if r["what"] == "passage"):
        lines.append(f"[bold]{r['rank']}.[/bold] {safe(_short(r['text'], chars))}\n[dim]{safe(r['citation'])}"
                     f"{' · ' + safe(r['section']) if _is(r.get('section')) else ''}[/dim]")
    for r in (r for r in rows if r["what"] != "passage"):
        lines.append(_fact_line(r["what"], r))
    return lines or ["[dim](inga träffar)[/dim]"]


def compare_view(query: str, by: str, df: pd.DataFrame, width: int):
    """Groups next to each other from SIDE_BY_SIDE_MIN columns (rows of as many as fit), else one under another."""
    groups = list(dict.fromkeys(df["group"])) if len(df) else []
    title = Text.from_markup(f"[bold]{safe(query)}[/bold] [dim]· jämfört per {safe(by)}[/dim]")
    if not groups:
        return Group(title, Text("inga träffar"))
    if width < SIDE_BY_SIDE_MIN:
        return Group(title, *(Panel("\n".join(_group_lines(df[df["group"] == g], 280)), title=safe(g),
                                    title_align="left") for g in groups))
    per_row = max(1, min(len(groups), width // GROUP_MIN_WIDTH, 4))
    blocks = [title]
    for i in range(0, len(groups), per_row):
        chunk = groups[i:i + per_row]
        t = Table(*[safe(g) for g in chunk], expand=True, show_lines=False, pad_edge=False)
        cols = [_group_lines(df[df["group"] == g], 220) for g in chunk]
        for j in range(max(map(len, cols))):
            t.add_row(*[c[j] if j < len(c) else "" for c in cols])
        blocks.append(t)
    return Group(*blocks)


def _num(v) -> str:
    if not _is(v):
        return ""
    s = f"{v:,.2f}".replace(",", " ")
    s = s.rstrip("0").rstrip(".") if "." in s else s
    return s.replace(".", ",")  # Swedish: 6,9 and 7 412


def table_views(tb, width: int) -> list:
    """One recovered table as rich tables whose columns fit `width`: the row labels repeat in every
    slice, the value columns are split over as many slices as needed."""
    wide = tb.to_wide()
    labels = [visible(str(x)) for x in wide.index]
    label_w = min(max([len(x) for x in labels] + [3]), max(16, width // 3))
    cols = [str(c) for c in wide.columns]
    cells = {c: [_num(v) for v in wide[col]] for c, col in zip(cols, wide.columns)}
    widths = {c: max([len(c)] + [len(v) for v in cells[c]]) + 3 for c in cols}
    slices, cur, used = [], [], label_w + 4
    for c in cols:
        if cur and used + widths[c] > width:
            slices.append(cur)
            cur, used = [], label_w + 4
        cur.append(c)
        used += widths[c]
    slices.append(cur)
    title = f"{visible(tb.id)}: {visible(tb.title or '(utan rubrik)')} [{visible(tb.unit or '?')}] check={tb.check}"
    out = []
    for n, part in enumerate(slices, 1):
        suffix = f" ({n}/{len(slices)})" if len(slices) > 1 else ""
        t = Table()
        t.add_column("rad", max_width=label_w, overflow="fold")
        for c in part:
            t.add_column(escape(c), justify="right", no_wrap=True)
        for i, label in enumerate(labels):
            t.add_row(escape(label), *(cells[c][i] for c in part))
        out += [Text(title + suffix, style="bold"), t]
    return out


def links_table(lk: pd.DataFrame, width: int) -> Table:
    t = Table("value", "unit", "table", "row", "column", "conf", "sentence", title="links", expand=True)
    for r in lk.to_dict("records"):
        t.add_row(_num(r["value"]), safe(r["unit"]), safe(r["table"]), safe(r["row"]), safe(r["column"]),
                  f"{r.get('confidence') or 0:.2f}", safe(_short(r["text"], 90 if width >= 120 else 50)))
    return t


def console_width(console: Console) -> int:
    return console.size.width
