"""The linker: candidates scored, gated, coherence across a section, the best rows of each
table that holds the figure, and sentences that only name a column."""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from rapport.corpus import Document
from ...mentions import Figure, MONEY_UNITS
from .candidates import _Candidates
from .contradictions import _Contradictions
from .scoring import Scored, Weights, _Scoring
from .views import Cell, RowView, TableView, _CARRIED, _common_words, _title_lines, table_views
from .words import _GENERIC, _forms, content_words

# ---------------------------------------------------------------- the linker

@dataclass
class LinkResult:
    links: list[tuple[Figure, Scored, TableView, RowView]]
    contradictions: list[tuple[Figure, TableView, RowView, Cell, str | None, float]]
    unlinked: list[Figure]


class Linker(_Candidates, _Scoring, _Contradictions):
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
            scored[fi] = [self.score_candidate(f, c, ctx, n_same, own) for c in cands]
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
