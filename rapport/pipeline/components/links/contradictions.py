"""Contradictions: a figure whose row the sentence names beyond doubt, in a column it picks out,
holding another number. Conservative: a false alarm costs an auditor more than a missed slip."""
from __future__ import annotations

import re

from rapport.corpus.months import FULL_MONTHS
from rapport.corpus.numbers import UNIT_SCALE_KR
from ...mentions import Figure, MONEY_UNITS, is_measure_noun
from .candidates import _interval, _unit_fit, _value_matches
from .scoring import _column_fit, _compound_met, _coverage
from .views import RowView, TableView, _SUM_CUE
from .words import _GENERIC, _STOP, _forms, content_words, sentence_words, word_sim

_CLAUSE_CUT = re.compile(r"[,;:()]|\.\s|\s(?:vilket|vilka|som|medan|och|men|samt|varav|respektive)\s", re.I)
_CLAUSE_CUT_NO_AND = re.compile(r"[,;:()]|\.\s|\s(?:vilket|vilka|som|medan|men|varav|respektive)\s", re.I)


# what follows these names something else than the figure: "utöver verksamhetens resultat", "än budget"
_OBJECT_PREP = re.compile(r"\b(?:utöver|förutom|än|jämfört\s+med|i\s+jämförelse\s+med)\s+(?:(?:det|den|de)\s+)?"
                          r"(?:[a-zåäöéü-]+s\s+)?[a-zåäöéü-]+", re.I)


def _subject_words(text: str) -> list[str]:
    """sentence_words of a stretch of prose, without the objects of comparisons ("utöver X", "än X")."""
    return sentence_words(_OBJECT_PREP.sub(" ", text), hints=False)


def _in_topic(stem: str, topic: frozenset) -> bool:
    return any(stem == x or stem.startswith(x) or x.startswith(stem) for x in topic if len(x) >= 4)


def _own_clause(after: str, cut_and: bool = True) -> str:
    """The words after a number up to the end of its own clause ("45 mnkr, främst ..." -> "")."""
    m = (_CLAUSE_CUT if cut_and else _CLAUSE_CUT_NO_AND).search(after)
    return after[:m.start()] if m else after


# verbs that make an amount a flow of its own ("beviljat 42 mkr", "investerat", "betalat ut"): not a row's result
_FLOW_VERB = re.compile(r"^(?:bevilja(?:t|ts|de|r)?|investera(?:t|ts|de|r)?|fördela(?:t|ts|de|r)?|"
                        r"utbetala(?:t|ts|de|r)?|betala(?:t|ts|de|r)?|erhåll(?:it|its|er)?|erhöll|tilldela(?:t|ts|de)?|"
                        r"avsatt|avsatts|avsätt(?:er|s)?|söka?t|sökt|låna(?:t|ts|de)?|bidragit|anslagit|"
                        r"finansiera(?:t|ts|de|r)?|köpt|köpte|sålt|sålde|"
                        # an effect on a measure, not its level: "påverkar resultatet positivt med 216 mkr"
                        r"påverka(?:t|ts|de|r|s)?|belasta(?:t|ts|de|r|s)?|förbättra(?:t|ts|de|r|s)?|"
                        r"försämra(?:t|ts|de|r|s)?|tynga(?:t|de|r|s)?|lyfta?(?:er|e|s)?)$", re.I)
# words right after an amount that do not name another measure ("43 mkr bättre än budget", "18 mkr för perioden")
_AFTER_FREE = {
    "bättre", "sämre", "högre", "lägre", "mer", "mindre", "större", "över", "under", "mot", "jämfört", "än",
    "för", "per", "vid", "till", "inom", "efter", "sedan", "från", "totalt", "netto", "brutto", "exkl",
    "exklusive", "inkl", "inklusive", "ack", "ackumulerat", "hittills", "motsvarande", "år", "året", "åren",
    "perioden", "helåret", "tidigare", "respektive", "jämfört", "sammantaget", "också", "även", "dock",
    "enligt", "totalt", "vilket", "och", "är", "var", "blev", "blir", "uppgår", "uppgick", "negativt",
    "positivt", "kronor", "procent", "procentenheter", "ca", "cirka",
} | FULL_MONTHS
# after these, the noun is a comparison's object ("avvikelse mot resultatmålet"), not the measure
_COMPARISON = {"mot", "än", "med", "till"}


# a figure said to be a difference between groups or years measures the gap, not the row's level
# ("skillnaden mellan kvinnor och män är 2 procent"): the cell must name the difference too
_DIFFERENCE = frozenset({"skillnad", "skillnaden", "skillnader", "skillnaderna", "differensen", "gap", "gapet"})


def _figure_measures(before: str, head: str, after: str) -> list[str]:
    """The words that say what a figure measures, each of which the linked cell must also name.

    The nearest measure noun before the number ("årets investeringar på 583"; a comparison's object
    like "mot resultatmålet" is skipped), or the clause subject's when its own words have none; a
    noun right after the amount ("42 miljoner kronor i företagsstöd", "3,6 mnkr övrig vårdpersonal");
    and a verb that makes the amount a flow ("beviljat", "investerat").
    """
    def is_measure(w: str) -> bool:
        return w in _DIFFERENCE or is_measure_noun(w)

    out = []
    for text in (before, head):
        words = re.findall(r"[a-zåäöéü]+(?:-[a-zåäöéü]+)*", text.lower())
        found = None
        for i in range(len(words) - 1, -1, -1):
            if is_measure(words[i]) and not (i > 0 and words[i - 1] in _COMPARISON):
                found = words[i]
                break
        if found:
            out.append(found)
            break
    out += [w for w in re.findall(r"[a-zåäöéü]+", before.lower()) if _FLOW_VERB.match(w)]
    # a noun phrase right after the amount that ends the clause: "42 miljoner kronor i företagsstöd,",
    # "3,6 mnkr övrig vårdpersonal." (not "-23 miljoner kronor bedöms resultatmålet ...": a verb follows)
    m = re.match(r"\s*(?:(?:miljoner|miljarder|tusen)\s+)?(?:kronor\s+)?(?:(?:i|av|till)\s+)?"
                 r"(?:(?:övrig|övriga|övrigt|nya|ny|olika)\s+)?([a-zåäöéü][a-zåäöéü-]+)\s*(?:[,.;:)]|och\b|samt\b|$)",
                 after.lower())
    if m and m.group(1) not in _AFTER_FREE and m.group(1) not in _STOP and len(m.group(1)) >= 3:
        out.append(m.group(1))
    return out


# what a table's rows measure when its title says so: a driftredovisning holds each board's net cost and result
_TABLE_FAMILY = [
    (re.compile(r"driftredovisning|driftsredovisning|nettokostnad|per\s+nämnd|resultat", re.I),
     ("resultat", "nettokostnad", "nettokostnader", "kostnad", "kostnader", "överskott", "underskott", "utfall")),
]
_ASPECT_WORDS = {
    "deviation": ("avvikelse", "budgetavvikelse", "avviker", "överskott", "underskott", "differens", "diff"),
    "forecast": ("prognos", "helårsprognos", "årsprognos", "prognostiseras"),
    "change": ("förändring", "ökning", "minskning", "utveckling", "kostnadsutveckling", "nettokostnadsutveckling"),
    "budget": ("budget",),
}


def _measure_fits(m: str, t: TableView, r: RowView, column: str | None) -> bool:
    """Measure word `m` of a sentence is named by the cell: its row, column, title, or what they imply."""
    names = list(r.words) + content_words(column or "") + list(t.title_words)
    for rx, family in _TABLE_FAMILY:
        if rx.search(t.title or ""):
            names += family
    col = next((c for c in t.columns if c.name == column), None) if column else None
    for a in (col.aspects if col else ()):
        names += _ASPECT_WORDS.get(a, ())
    ms = _forms(m)[2]
    return any(word_sim(n, m) >= 0.8 or word_sim(m, n) >= 0.8 or
               (len(ms) >= 3 and _forms(n)[2].endswith(ms)) for n in names)  # "ram" ~ "Nettokostnadsramar"




class _Contradictions:
    """Linker methods: contradictions."""

    # -- contradictions
    def contradictions(self, figures: list[Figure], linked: set[int], scored) -> list:
        """Figures whose row the sentence names beyond doubt, in a column it picks out, holding another number.

        The row: every informative word of its label stands in the figure's own words or its clause's
        subject (a "Totalt"/"Summa" line is named by its table's title, or by "resultat" in a result
        table); rows named by the figure's own words win over rows named only by the subject ("Bland
        kvinnor är sjukfrånvaron 7,6 procent och bland män 4,1 procent"); words after "utöver",
        "förutom", "än", "jämfört med" name another thing. The measure: what the sentence says it
        measures must be what the cell measures. The value: the same unit family and scale, and no
        match for the number in that row or in a row the sentence names. Rows that all fit must agree.
        """
        out = []
        first = {}  # clause -> start of its first figure: the words before it are the clause's subject
        for f in figures:
            key = (f.sent_start, f.sent_end)
            first[key] = min(first.get(key, f.start), f.start)
        text = self.d.text
        for fi, f in enumerate(figures):
            if fi in linked or f.is_range or f.approx or f.from_words:
                self._why(fi, "linked/range/approx/words")
                continue
            if f.unit not in ("mkr", "tkr", "mdkr", "procent", "procentenheter"):
                self._why(fi, "unit")
                continue  # exact kronor amounts and bare numbers are rarely what a table row holds
            if f.sig_digits < 2 and abs(f.value) < 10:
                self._why(fi, "one digit")
                continue
            # a near-miss that the ranking kept out is not a contradiction either, nor a number that a row
            # the sentence names holds somewhere (the prose quotes another column or another table)
            if any(s.score >= self.w.threshold * 0.75 or s.label >= 0.5 for s in scored.get(fi, [])):
                self._why(fi, "near-miss or named row holds it")
                continue
            before = text[f.local_start:f.start]
            # the words after the number up to its clause's end; "och" ends it only when another figure
            # follows ("72 mnkr och prognosen ... 140 mnkr"), not in "procent av skatteintäkter och statsbidrag"
            after = _own_clause(text[f.end:f.local_end], f.local_end < f.sent_end and
                                bool(re.search(r"\d", text[f.local_end:f.sent_end])))
            head = text[f.sent_start:first[(f.sent_start, f.sent_end)]] if f.local_start > f.sent_start else ""
            lead = self._previous_sentence(f.sent_start)
            lead = lead if lead.rstrip().endswith(":") and len(content_words(lead)) <= 8 else ""
            local = _subject_words(before) + _subject_words(after)
            subject = _subject_words(head) + _subject_words(lead)
            ctx = [(w, 1.0) for w in local + subject]
            own = [(w, 1.0) for w in local]
            measures = _figure_measures(before, head, after)
            hits = []
            heads = {c[:4] for c, _ in ctx}
            for ri, r in enumerate(self.rows):
                t = self.tables[r.table]
                if t.kind != "numeric" or not r.cells:
                    continue
                informative = self._informative(r)
                if not informative:
                    if not self._bottom_named(f, t, r, ctx, measures):
                        continue  # "Totalt Region Västerbotten": the organisation's name names no row
                elif any(w[:4] not in heads for w in informative):
                    continue  # quick test: a word met exactly starts like some word of the sentence
                elif any(max((word_sim(w, c) for c, _ in ctx), default=0) < 1.0 for w in informative):
                    self._why(fi, "label word not met exactly", r.label)
                    continue  # every informative label word must be met exactly in the figure's words
                cell = self._contradiction_cell(f, t, r)
                if cell is None:
                    self._why(fi, "no single cell", r.label)
                    continue
                # the sentence must also speak of what the cell measures: "årets investeringar på 583 mnkr"
                # names the row "Årets resultat" but measures investments
                if not all(_measure_fits(m, t, r, cell[1]) for m in measures):
                    self._why(fi, f"measure {measures}", r.label)
                    continue
                # how many of its words the figure's own words name (not only the clause's subject), and how
                # many say more than the table's topic ("Kvinnor" in a sick-leave table says more than
                # "Total sjukfrånvaro")
                n_own = sum(1 for w in informative if max((word_sim(w, c) for c, _ in own), default=0) >= 1.0)
                topic = self._topic(t, measures)
                n_spec = sum(1 for w in informative if not _in_topic(_forms(w)[2], topic))
                hits.append((n_own, n_spec, len(informative), ri, cell))
            if not hits:
                self._why(fi, "no row")
                continue
            best_own = max(h[0] for h in hits)
            hits = [h for h in hits if h[0] == best_own]
            # the most specific row first: "Sjukfrånvaro kvinnor" before "Sjukfrånvaro totalt"
            hits.sort(key=lambda h: (-h[1], -h[2]))
            _, _, _, ri, (cell, name) = hits[0]
            r = self.rows[ri]
            cue = _SUM_CUE.search(text[f.local_start:f.local_end])
            if cue and not re.search(r"\binkl|\binklusive", r.label, re.I):
                self._why(fi, "sum cue")
                continue  # "sammantaget", "tillsammans": a sum of rows, not one row
            if any(h[1:3] == hits[0][1:3] and round(abs(h[4][0].value), 6) != round(abs(cell.value), 6)
                   for h in hits[1:]):
                self._why(fi, "rows disagree", r.label)
                continue  # two tables name the row alike and hold different numbers: nothing certain
            # when the figure's own words name the row, the subject's words belong to an earlier figure
            # ("Bland kvinnor är sjukfrånvaron 7,6 procent och bland män 4,1 procent")
            named_by = own if best_own == len(self._informative(r)) and best_own else ctx
            met = self._met(r, named_by)
            if self._names_other_row(r, met, named_by, measures):
                self._why(fi, "names another row", r.label)
                continue  # the words also name another row of the table: a sum or a comparison
            if any(_value_matches(f, self.tables[r.table], c) for c in r.cells):
                self._why(fi, "row holds it elsewhere", r.label)
                continue  # the row holds the number in another column: the prose means that column
            out.append((f, self.tables[r.table], r, cell, name, 1.0))
        return out

    def _forecast_table(self, t: TableView) -> bool:
        if re.search(r"prognos", t.title or "", re.I):
            return True
        return any(re.search(r"prognos", r.label, re.I) for r in self.rows if r.table == t.index)

    def _informative(self, r: RowView) -> list[str]:
        """Label words that tell the row apart: not "summa", "totalt", the period, or the region's name."""
        # "Övriga kostnader" is named only by a sentence that says "övriga"
        return [w for w in r.words if (w not in _GENERIC or w.startswith("övrig")) and w not in self._region_words]

    def _bottom_named(self, f: Figure, t: TableView, r: RowView, ctx, measures: list[str]) -> bool:
        """A "Totalt"/"Summa" line is named by its table's title words, or by "resultat" in a result table."""
        if not self._bottom_line(r):
            return False
        tw = [w for w in t.title_words if w not in _GENERIC and w not in self._region_words]
        if tw and all(max((word_sim(w, c) for c, _ in ctx), default=0) >= 1.0 for w in tw):
            return True
        return bool(measures) and re.search(r"resultat(?:et)?$", measures[0]) is not None and \
            bool(re.search(r"resultat|driftredovisning|driftsredovisning", t.title or "", re.I))

    def _why(self, fi: int, reason: str, row: str | None = None) -> None:
        """Debugging aid: with `self.trace` a list, record why figure fi is not a contradiction."""
        if self.trace is not None:
            self.trace.append((fi, reason, row))


    def _met(self, r: RowView, ctx) -> frozenset:
        """Stems of the row's informative label words that the context names."""
        return frozenset(_forms(w)[2] for w in r.words if w not in _GENERIC and
                         max((word_sim(w, c) for c, _ in ctx), default=0.0) >= 1.0)

    def _names_other_row(self, r: RowView, met: frozenset, ctx, measures: list[str] = ()) -> bool:
        """Another row of the table is named by words the chosen row does not use.

        Words the table's title or the sentence's measure account for ("sjukfrånvaro" over the row
        "Kvinnor" of a sick-leave table; "nettokostnader" over a board's row) name no other row.
        """
        t = self.tables[r.table]
        topic = self._topic(t, measures)
        own = {_forms(w)[2] for w in r.words}
        for r2 in self.rows:
            if self.tables[r2.table].group != t.group or r2 is r:
                continue  # a table split in two by the recovery is still one table
            # words of r2 the sentence names, exactly or as a compound's parts ("den korta sjukfrånvaron" ~
            # "Korttidssjukfrånvaro"), that r does not have and the topic does not explain
            extra = set()
            for w in r2.words:
                x = _forms(w)[2]
                if w in _GENERIC or x in own or x in met or _in_topic(x, topic):
                    continue
                if max((word_sim(w, c) for c, _ in ctx), default=0.0) >= 1.0 or _compound_met(w, ctx) >= 0.8:
                    extra.add(x)
            if extra and _coverage([w for w in r2.words if len(w) >= 4] or r2.words, self.idf, ctx) >= 0.5:
                return True  # ("dag" in "Korttidssjukfrånvaro, dag 1–14" is a qualifier, not a name)
        return False

    def _topic(self, t: TableView, measures) -> frozenset:
        """Stems of what the whole table is about: its title, what that title implies, the sentence's measure."""
        words = list(t.title_words) + list(measures)
        for rx, family in _TABLE_FAMILY:
            if rx.search(t.title or ""):
                words += family
        return frozenset(_forms(w)[2] for w in words)

    def _contradiction_cell(self, f: Figure, t: TableView, r: RowView):
        """The one cell of row `r` that the figure's wording points at, in the figure's unit scale."""
        fits = []
        for c in r.cells:
            fit = _unit_fit(f, t, c, r.label)
            if fit is None or fit < 0.8:
                continue
            if not t.columns and c.column is not None:
                # a table of one unnamed value column ("Balanskravsresultat (mkr)"): the period's outcome,
                # or its forecast when the table's title or labels say "prognos"
                kind = "forecast" if self._forecast_table(t) else "outcome"
                fa = set(f.aspects) - {"year_end"} | ({"forecast"} if "year_end" in f.aspects and
                                                       t.report != "annual" else set())
                if len(r.cells) == 1 and (fa == {kind} or (kind == "outcome" and fa <= {"outcome"})) \
                        and (not f.years or t.year in f.years):
                    fits.append((c, None))
                continue
            col_fit, name = _column_fit(f, t, r, c)
            if col_fit < 0.95 or c.column is None or not t.columns:
                continue
            col = t.columns[c.column] if c.column < len(t.columns) else None
            if f.years and not (col and col.years) and t.year not in f.years:
                continue  # "2021: 812 mkr" against a column of the report's own period
            fits.append((c, name))
        if len(fits) != 1:
            return None
        c, name = fits[0]
        scale = UNIT_SCALE_KR.get(t.unit or "", 1.0) if f.unit in MONEY_UNITS else 1.0
        x, lo, hi = _interval(f, scale)
        v = abs(c.value)
        if _value_matches(f, t, c) is not None:
            return None
        if abs(round(x, c.decimals) - v) < 1e-9 or abs(x - round(v, f.decimals)) < 1e-9:
            return None  # the same number at another precision: prose "1,8", table "2"
        # same scale: within a factor of slip_ratio (a slip, not another unit)
        if v == 0 or not (1.0 / self.w.slip_ratio <= x / v <= self.w.slip_ratio):
            return None
        return c, name
