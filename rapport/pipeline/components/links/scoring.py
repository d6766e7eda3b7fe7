"""How well a candidate cell fits its figure: label and title coverage by the sentence, column
fit, specificity, proximity and sign, combined into one score."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from rapport.corpus import Document
from ...mentions import Figure
from .candidates import Candidate
from .views import Cell, RowView, TableView, _BOTTOM_WORD, _norm_title
from .words import _GENERIC, _forms, content_words, phrase_in, sentence_words, word_sim

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




class _Scoring:
    """Linker methods: scoring."""

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

    def score_candidate(self, f: Figure, cand: Candidate, ctx, n_same: int, own=None) -> Scored:
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
