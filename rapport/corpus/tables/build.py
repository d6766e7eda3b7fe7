"""From a block of lines to a numeric Table: header, title, column count, split, checks, unit."""
from __future__ import annotations

import re
from dataclasses import replace

from rapport.corpus.numbers import parse_unit
from .blocks import MAX_ATOMS, _logical_rows
from .header import _TEXT_COLS, _UNIT_PAREN, _gap_chunks, _split_header_lead, _split_title_header, parse_header
from .lexicon import _SENTENCE_END, _is_period, _known_header_word
from .lines import _Line, _SECTION_NO
from .records import Check, Table, TableRow
from .verify import honest_check, recheck
from .solver import _candidate_Ks, _columns_for, _label_dashes, _options, _readings, _solve
from .titles import _adjacent, _clean_title, _is_name_fragment, _title_rank

def _build_numeric(block: list[_Line], text: str, doc: str, page_at, tid: str, warnings: list[str],
                   title_above: list[_Line]) -> Table | None:
    raws, pre = _logical_rows(block)
    raws = [r for r in raws if r.atoms]
    for r in raws:
        if len(r.atoms) > MAX_ATOMS:
            warnings.append(f"{doc}:{r.lines[-1].no}: row '{r.label[:60]}' has {len(r.atoms)} numbers; "
                            f"over {MAX_ATOMS} they are read greedily, not searched")
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
    first = columns[0].split() if columns else []
    if len(first) > 1 and first[0].lower() in _TEXT_COLS and _is_period(first[1]):
        columns[0] = " ".join(first[1:])  # "Intervall 2019 aug": the label column's name leads the header
    note_col = any(re.search(r"\bnot\b", h, re.I) for h in hdr_texts)
    header_k = len(columns) or None
    Ks, exact = _candidate_Ks(raws, header_k, note_col)
    if len(hdr_chunks) >= 1 and all(hdr_chunks):
        # the layout's gaps and the words give two readings of the header: the one whose
        # column count more rows can be read as wins (two names set too close for a gap)
        alt = parse_header(hdr_texts)
        if len(alt) != len(columns) and exact.get(len(alt), 0) > exact.get(len(columns), 0):
            columns, header_k = alt, len(alt)
            Ks, exact = _candidate_Ks(raws, header_k, note_col)
    header_cols = list(columns)
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
    details = [Check(ch.kind, ch.ok, ch.text, tuple(ch.rows), ch.parts, ch.neg, ch.cols, ch.args)
               for ch in checks]
    # rows whose split is close to a coin toss: the runner-up reading, for the check to test
    close = []
    for i in ambiguous:
        mine = sol.prior[id(choice[i])]
        alts = sorted((sol.prior[id(x)], k) for k, x in enumerate(sol.opts[i][:40])
                      if x.values != choice[i].values)
        if alts and alts[0][0] - mine < _COIN_TOSS:
            close.append((i, sol.opts[i][alts[0][1]]))
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
    twarn += _mixed_units(rows, [r.lines[-1].no for r in raws], columns[:K], doc, title or raws[0].label)
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
    if header_k:
        # the header names the value columns: a split into another count is a guess
        named = K if _header_agrees(header_cols, header_k, K) else header_k
        details.append(Check("columns", named == K, f"{K} value columns, header names {named}",
                             args=(named, K)))
        if named != K:
            twarn.append(f"{where}: table '{title or raws[0].label}' split into {K} columns but its "
                         f"header names {named}; check=False")
    table = Table(
        id=tid, title=title, unit=unit, page=page_at(start) if page_at else None,
        start=start, end=end, columns=columns[:K], rows=rows, split=split,
        warnings=twarn, doc=doc, line=line_no, check_detail=details,
    )
    for i, alt in close:
        ch = Check("split", False, f"'{raws[i].label}': {choice[i].cells} or {alt.cells}; no sum or "
                   f"identity tells them apart", (i,), alt=tuple(alt.values))
        if not recheck(ch, table):
            table.check_detail.append(ch)
            twarn.append(f"{doc}:{raws[i].lines[-1].no}: row '{raws[i].label}' split unverified "
                         f"(chose {choice[i].cells} over {alt.cells})")
    return _settle_check(table)


_COIN_TOSS = 0.5  # prior difference below which two readings of a row are equally likely


def _header_agrees(header_cols: list[str], header_k: int, K: int) -> bool:
    """Does a K-column split fit the header: the same count, or the header's extra words
    name the label column ("Grupp") or text columns ("Kommentar"), which hold no numbers?"""
    if K == header_k:
        return True
    if K > header_k or not header_cols:
        return False
    trimmed = [c for c in header_cols if c.split()[0].lower() not in _TEXT_COLS]
    words = header_cols[0].split()
    first = words[0]
    # a label column's name: a word that is not a period or column word ("Grupp"), a text
    # column ("Mål"), or a name with a unit ("Resultat (mnkr)")
    return len(trimmed) == K or (K == header_k - 1 and not _is_period(first) and (
        first.lower() in _TEXT_COLS or not _known_header_word(first) or any(_UNIT_PAREN.match(w) for w in words)))


def _settle_check(table: Table) -> Table:
    """Re-compute every recorded relation on the emitted cells; `check` says what they show."""
    settled = []
    for ch in table.check_detail:
        got = recheck(ch, table)
        if got != ch.ok:
            table.warnings.append(f"{table.doc}:{table.line}: {ch.kind} check recorded "
                                  f"{'ok' if ch.ok else 'FAIL'} but the emitted cells say otherwise: {ch.text}")
            ch = replace(ch, ok=got)
        settled.append(ch)
    table.check_detail = settled
    table.check = honest_check(settled)
    table.checks = [("ok: " if ch.ok else "FAIL: ") + ch.text for ch in settled]
    return table


def _mixed_units(rows: list[TableRow], line_nos: list[int], columns: list[str], doc: str,
                 name: str) -> list[str]:
    """A column holding both percentages and amounts, outside rows given wholly in percent
    ("Resultat i % av skatteintäkter" under mkr columns is a row's own unit): one warning."""
    mixed = []
    for c, col in enumerate(columns):
        pct = [k for k, r in enumerate(rows) if c < len(r.cells) and r.cells[c].endswith("%")
               and not all(x.endswith("%") for x in r.cells if x)]
        plain = [k for k, r in enumerate(rows) if c < len(r.cells) and r.cells[c] and not r.cells[c].endswith("%")]
        if pct and plain:
            mixed.append((col, pct[0]))
    if not mixed:
        return []
    k = mixed[0][1]
    return [f"{doc}:{line_nos[k]}: table '{name}': column(s) {', '.join(c for c, _ in mixed)} mix "
            f"percentages and amounts (row '{rows[k].label}')"]


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
