"""rapport_aggregates: counted summaries of goal attainment, from prose and from small tables.

Prose: "två av de 17 strategiska målen har uppnåtts, 13 delvis medan två inte"
is cut at commas, "och", "medan", "samt" …; each piece gives one count and
the status its words carry (the same negation and degree cues as
rapport_goals: "delvis" → partially, "inte" → not_achieved, "helt" or a bare
attainment verb → achieved). The total comes from "av (de) N <scope>",
"totalt N <scope>", or a "Totalt N delmål …" sentence just before. Number
words (ett/en/två … tjugo) and digits both count.

Tables: runs of rows "<status label> <count> [<percent> %]" ("Målet har
helt uppfyllts 8 44 %", "Ingen prognos har gjorts 9 50 %"); the scope is the
table's title line, the total the sum of the rows.

When a total is stated the counts must add up to it: statuses the text does not
mention are then 0; when they do not add up the record is kept and a warning says so.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..goal_base import CueListComponent
from ..goal_candidates import candidates, claim, goal_cues
from ..goal_counts import COUNTS, more_counts, parse_counts, remainder_counts
from ..goal_structure import listed_total
from ..goal_status import value_statuses
from ..records import Aggregate
from ..spans import document, evidence


@Language.factory(
    "rapport_aggregates",
    # the facts (Span._.fact lives in doc.user_data), the cue and candidate caches the three share, warnings
    assigns=["doc.spans", "doc.user_data", "doc._.warnings"],
    requires=["doc._.document", "token.lemma"],
    default_config={"spans_key": "aggregates", "max_chars": 600, "max_run": 1000, "patterns": ""},
)
def make_aggregates(nlp: Language, name: str, spans_key: str, max_chars: int, max_run: int, patterns: str):
    return AggregateFinder(nlp, name, spans_key=spans_key, max_chars=max_chars, max_run=max_run, patterns=patterns)


def _settle(total: int | None, counts: dict[str, int]) -> tuple[int | None, dict[str, int | None], bool]:
    """Fill unmentioned statuses with 0 when the stated total is reached; report whether the sum holds."""
    s = sum(counts.values())
    filled: dict[str, int | None] = {k: counts.get(k) for k in COUNTS}
    if total is None:
        return s, filled, True
    if s == total:
        return total, {k: counts.get(k, 0) for k in COUNTS}, True
    return total, filled, s < total and len(counts) < 2


class AggregateFinder(CueListComponent):
    def __call__(self, doc: Doc) -> Doc:
        d = document(doc)
        group: list[Span] = []
        found: list[list] = []
        cands = candidates(doc, self.max_chars, self.max_run, self.name)
        if cands:
            cues = goal_cues(doc, self.lexicon, self.lexicon.key, cands)
            prev, open_ = None, None
            for c in cands:
                near = prev is not None and (prev.block == c.block
                                             or (prev.block == c.block - 1 and c.start - prev.end <= 3))
                before = prev.span if near else None
                prev = c
                got = parse_counts(doc, cues, c.span, before, self._heading(doc, d, c.start),
                                   lambda: listed_total(doc, cues, d, c.start))
                if got is None:
                    more = more_counts(doc, cues, c.span) if open_ is not None and near else None
                    if more is None and open_ is not None and near and open_[3]["total"] is not None:
                        left = open_[3]["total"] - sum(open_[3]["counts"].values())
                        more = remainder_counts(doc, cues, c.span, open_[3]["scope"], left)
                    if more and not set(more) & set(open_[3]["counts"]) and c.end - open_[0] <= self.max_chars:
                        open_[3]["counts"].update(more)  # the summary goes on in this sentence
                        open_[1] = c.end
                    else:
                        open_ = None
                    continue
                start = before.start_char if got["used_before"] else c.start
                if c.end - start > self.max_chars:
                    start = c.start
                open_ = [start, c.end, None, got]
                found.append(open_)
            group += [self._record(doc, d, s, e, got["scope"], got["total"], got["counts"]) for s, e, _, got in found]
        group += self._tables(doc, d)
        if not cands and not group:
            doc._.warnings.append(f"{d.name}: {self.name} found no prose sentences to read")
        group.sort(key=lambda s: s.start)
        doc.spans[self.spans_key] = group
        return doc

    @staticmethod
    def _heading(doc: Doc, d, pos: int) -> tuple[Span, ...]:
        """The heading of the section at `pos`, as a span (a total may stand there)."""
        sec = d.section_at(pos)
        if sec is None or not sec.heading:
            return ()
        if d.text[sec.start:sec.start + len(sec.heading)] != sec.heading:
            return ()
        span = doc.char_span(sec.start, sec.start + len(sec.heading), alignment_mode="expand")
        return (span,) if span is not None else ()

    def _record(self, doc: Doc, d, start: int, end: int, scope, total, counts) -> Span:
        total, filled, ok = _settle(total, counts)
        if not ok:
            doc._.warnings.append(f"{d.name}: {self.name}: counts {counts} do not add up to {total} at {start}..{end}")
        rec = Aggregate(**evidence(doc, start, end), scope=scope, total=total, **filled)
        span = doc.char_span(start, end, alignment_mode="expand")
        span = claim(doc, span.start, span.end, "aggregate")
        span._.fact = rec
        return span

    def _tables(self, doc: Doc, d) -> list[Span]:
        """Status-count rows, wherever the layout put them (table, paragraph or heading blocks)."""
        lines = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[^\n]+", d.text)]
        words = self.lexicon.words
        row_rx, header = words.rx("COUNT_ROW"), words.rx("COUNT_TABLE_HEADER")
        rows = {}  # line → (label tokens, count) of a "<label> <count> [<percent> %]" line
        for k, (s, e, text) in enumerate(lines):
            t = text.strip()
            m = row_rx.match(t) if len(t) <= 120 and (t[-1:].isdigit() or t.endswith("%")) else None
            lead = len(text) - len(text.lstrip())
            label = doc.char_span(s + lead + m.start("label"), s + lead + m.end("label"),
                                  alignment_mode="expand") if m else None
            if label is not None and len(label):
                rows[k] = ((label.start, label.end), int(m.group("n")))
        statuses = dict(zip(rows, value_statuses(doc, self.lexicon, [where for where, _ in rows.values()])))
        kinds = []
        for k, (s, e, text) in enumerate(lines):
            if statuses.get(k) is not None:
                kinds.append((statuses[k], rows[k][1]))
            elif header.search(text) and not re.search(r"\d", text) and len(text.strip()) < 40:
                kinds.append("header")
            else:
                kinds.append(None)
        out, i = [], 0
        while i < len(lines):
            if not isinstance(kinds[i], tuple):
                i += 1
                continue
            j = i
            while j + 1 < len(lines) and kinds[j + 1] is not None:
                j += 1
            rows = [(lines[k], kinds[k]) for k in range(i, j + 1) if isinstance(kinds[k], tuple)]
            if len({st for _, (st, _) in rows}) >= 2:
                counts: dict[str, int] = {}
                for _, (st, n) in rows:
                    counts.setdefault(st.value, n)
                start, scope = self._table_title(d, lines, kinds, i)
                end = rows[-1][0][1]
                if end - start > self.max_chars:
                    start = rows[0][0][0]
                out.append(self._record(doc, d, start, end, scope, sum(counts.values()), counts))
            i = j + 1
        return out

    @staticmethod
    def _table_title(d, lines, kinds, i: int) -> tuple[int, str | None]:
        """The title line above the rows (skipping column-header lines), and the scope it names."""
        start, k = lines[i][0], i - 1
        while k >= 0 and kinds[k] == "header":
            start, k = lines[k][0], k - 1
        if k >= 0 and kinds[k] is None:
            t = lines[k][2].strip()
            if t and len(t) <= 120 and not t.endswith("."):
                return lines[k][0], re.sub(r"[.:]", "", re.sub(r"\s+", " ", t)).strip().lower()
        sec = d.section_at(lines[i][0])
        return start, (sec.heading.lower() if sec else None)
