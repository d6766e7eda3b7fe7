"""rapport_links: link each prose figure to the table cells that hold it; flag contradictions.

A report says "Verksamhetens resultat för perioden är positivt med 356
miljoner kronor" and the driftredovisning has 356 in the row "Verksamhetens
resultat", column "Utfall 2021-08". For every figure from rapport_figures:

1. Candidate cells: every cell of the report's tables whose value equals the
   figure's after unit normalisation (tkr/mkr/mdkr; procent), either
   exactly or within the precision the prose was written with ("1,3
   miljarder" ~ 1 312 mkr, "drygt 140" ~ 146, a table's "15" ~ prose
   "15,4"; never on one significant digit): the link's `match` says which. Signs are compared as magnitudes: prose
   says "underskott på 218", the table says -218.
2. Ranking: how well the sentence (the figure's own words first, then the
   rest of the clause and the section heading) covers the row label and
   the table title, word by word with lemmas, stems and Swedish compound
   parts ("avvikelse mot budget" ~ "Budgetavvikelse", "balanskravsresultat"
   ~ "Balanskravsresultat"), weighted by how rare each label word is among the
   report's row labels; whether the column fits what the sentence says
   (outcome, budget, forecast, deviation from budget, change, an earlier
   year); how unlikely the value is to match by chance (significant digits,
   how many cells hold it); and whether the table stands near the sentence
   or under a line that repeats its title (goal sections and their indicator
   tables). A second pass lends confidence to tables that other figures of
   the same section link to firmly (a paragraph usually discusses one table).
   Gates keep chance matches out: a link without any own word naming the row
   needs a distinctive number; one-digit values and small counts need their
   row (or the counted noun) named in their own clause. A bottom-line row
   ("Totalt Region X") is named by "resultat"/"totalt" or by its table's
   title. A short line ending in a colon ("Resultat per juni:") is the
   subject of the lines under it; a sentence naming only a column
   ("Negativ avvikelse mot budget med 86 mkr") continues the row the
   sentence before linked to. A table the recovery split in two keeps its
   title, unit and header; a row label can name its unit ("Sjukfrånvaro,
   procent", "Resultat i procent av ...").
3. Several tables can hold the same figure (resultaträkning and
   driftredovisning): the best row of every table scoring at least half the
   best table is linked (a result is not re-linked to the balance sheet or
   cash flow that carry it over), a second row of one table at 70% of its
   best, and rows that restate the linked one (the same numbers).
4. Contradictions: a figure that links nowhere and whose number no row the
   sentence names holds, where the sentence names one row beyond doubt
   (every informative label word in the figure's own words or its clause's
   subject; a "Totalt" line by its table's title; own words before the
   subject's, specific rows before the table's topic row), says what the
   cell measures ("årets investeringar på 583 mnkr" names "Årets resultat"
   but measures investments; "beviljat", "påverkar" make an amount a flow or
   an effect), and picks out one column (outcome, budget, forecast,
   deviation, change, the period or the year before; "vid årets slut" is
   the outcome in an annual report, a forecast in an interim one), in the
   same unit family and scale, holding a different number; rows that fit
   alike must agree. Conservative by design: a false alarm costs an auditor
   more than a missed slip. `Linker.trace` (a list) records why a figure
   is not one, for debugging.

Writes doc.spans["links"] (Link records), doc.spans["contradictions"]
(Contradiction records), and doc.user_data["rapport_unlinked"] (dicts for the
figures that found no table, so coverage is visible).
"""

from __future__ import annotations

import math
from spacy.language import Language
from spacy.tokens import Doc
from ...records import Contradiction, Link
from ...mentions import Figure, MONEY_UNITS
from ...spans import document, evidence, mention_carrier, taken_offsets
from .linking import Linker
from .scoring import Scored, Weights
from .candidates import _value_matches
from .views import Cell, RowView, TableView, table_views
from .words import word_sim

__all__ = ["Linker", "TableLinker", "Weights", "Cell", "RowView", "TableView", "table_views", "word_sim",
           "link_record", "contradiction_record", "unlinked_record", "_value_matches"]

# ---------------------------------------------------------------- records

def link_record(doc: Doc, f: Figure, s: Scored, t: TableView, r: RowView) -> Link:
    ev = evidence(doc, f.sent_start, f.sent_end)
    conf = 1.0 / (1.0 + math.exp(-2.0 * (s.score - 2.2)))
    return Link(**ev, value=s.cand.value, unit=_record_unit(f, t), table=t.title, table_id=t.id, row=r.label,
                column=s.column_name, table_text=r.text[:600], confidence=round(conf, 3), match=s.cand.match)


def contradiction_record(doc: Doc, f: Figure, t: TableView, r: RowView, c: Cell, column: str | None) -> Contradiction:
    ev = evidence(doc, f.sent_start, f.sent_end)
    value = f.in_unit(t.unit) if (f.unit in MONEY_UNITS and t.unit in MONEY_UNITS) else f.value
    if f.polarity == 0 and c.value < 0 and value is not None and value > 0:
        value = -value  # unsigned prose, signed table: compare like with like
    return Contradiction(**ev, value=value, unit=_record_unit(f, t), table=t.title, row=r.label,
                         column=column, table_value=c.value, table_text=r.text[:600])


def _record_unit(f: Figure, t: TableView) -> str | None:
    if f.unit in MONEY_UNITS and t.unit in MONEY_UNITS:
        return t.unit
    if f.unit is None and t.unit:
        return t.unit
    return f.unit


def unlinked_record(doc: Doc, f: Figure) -> dict:
    ev = evidence(doc, f.sent_start, f.sent_end)
    return {**ev, "value": f.value, "unit": f.unit, "measure": f.measure, "mention": f.written}


# ---------------------------------------------------------------- the component

@Language.factory(
    "rapport_links", requires=["doc._.document", "doc.spans"], assigns=["doc.spans", "doc.user_data"],
    default_config={"threshold": 1.4, "slip_ratio": 10.0, "report_unlinked_units": True},
)
def make_links(nlp: Language, name: str, threshold: float, slip_ratio: float,
               report_unlinked_units: bool):
    return TableLinker(Weights(threshold=threshold, slip_ratio=slip_ratio),
                       report_unlinked_units)


class TableLinker:
    def __init__(self, weights: Weights, report_unlinked_units: bool = True):
        self.weights = weights
        # only figures with a unit are worth listing as unlinked: bare counts are mostly not table figures
        self.report_unlinked_units = report_unlinked_units

    def __call__(self, doc: Doc) -> Doc:
        d = document(doc)
        group = doc.spans.get("figures")
        figures = [s._.fact for s in group if isinstance(s._.fact, Figure)] if group is not None else []
        res = Linker(d, self.weights).run(figures)
        taken = taken_offsets(doc)
        link_spans = []
        for f, s, t, r in res.links:
            span = mention_carrier(doc, f.start, f.end, taken)
            if span is None:
                continue
            span._.fact = link_record(doc, f, s, t, r)
            link_spans.append(span)
        doc.spans["links"] = link_spans
        c_spans = []
        for f, t, r, c, name, _ in res.contradictions:
            span = mention_carrier(doc, f.start, f.end, taken)
            if span is None:
                continue
            span._.fact = contradiction_record(doc, f, t, r, c, name)
            c_spans.append(span)
        doc.spans["contradictions"] = c_spans
        doc.user_data["rapport_unlinked"] = [
            unlinked_record(doc, f) for f in res.unlinked
            if not self.report_unlinked_units or f.unit not in (None, "antal")
        ]
        return doc
