"""Figure mentions: the figures quoted in prose, with value, unit and what they measure.

A figure is a number a sentence states about the organisation: "ett underskott
mot budget på 214 miljoner kronor", "1,3 miljarder", "drygt 140 mnkr",
"minus 50", "en ökning med 2,1 procentenheter", "fyrtiofem organisationer",
"hälften av medarbetarna". Each becomes a `Figure`; the
rapport_figures component puts them on `doc.spans["figures"]`.

Why it looks the way it does:
- `value` keeps the unit as written ("1,3 miljarder" → 1.3 mdkr) together
  with `decimals`, so the linker knows the precision the writer used and can
  tell an exact match from a rounded one; `in_unit()` converts (1 300 mkr).
- The sign comes from the words around the number, not only from "-":
  Swedish reports write deficits as "underskott på 50", "negativ avvikelse
  på 50", "en nettokostnadsminskning på 1,3 procent" (compounds count).
- `aspects` say which kind of table column the figure can come from:
  outcome (default), forecast, budget, deviation (from budget), change
  (against an earlier period), previous (an earlier year). The linker
  compares them with the column headers.
- Numbers that are not figures are left out: years, dates, identifiers
  ("Mål 5", "Not 3", "covid-19", "1177.se"), ordinals ("andra", "första"),
  durations ("tre år"), "per 1 000 invånare" denominators, and table rows
  the layout left in the prose. Both ends of a range ("60–70 miljoner") are
  kept but flagged `is_range`: the linker does not link them.
"""
from __future__ import annotations

import re

from .context import (BASE_YEAR, ENUMERATION, ROW_END, aspects as _aspects, clauses, is_measure_noun,
                      measure as _measure,
                      number_dense, own_year, polarity as _polarity, row_like)
from .numbers import digit_numbers, word_numbers
from .record import Figure
from .words import MEASURE_HEADS, MONEY_UNITS, TIME_NOUNS

__all__ = ["Figure", "MEASURE_HEADS", "is_measure_noun", "MONEY_UNITS", "clauses", "find_figures"]


def find_figures(text: str, offset: int = 0) -> list[Figure]:
    """Every figure in one sentence `text` starting at document offset `offset`, in reading order."""
    figures: list[Figure] = []
    for cs, ce in clauses(text, offset):
        clause = text[cs - offset:ce - offset]
        if len(ROW_END.findall(clause)) >= 2 or number_dense(clause):
            continue  # a table the layout kept as prose
        raws = [r for r in digit_numbers(clause) if not row_like(clause, r)]
        raws += word_numbers(clause, [(r.start, r.end) for r in raws])
        raws.sort(key=lambda r: r.start)
        base = {m.start(1) for m in BASE_YEAR.finditer(clause)}
        years = tuple(sorted({int(m.group(1)) for m in re.finditer(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)", clause)
                              if m.start(1) not in base}))
        # a year written with one figure belongs to it; the others share the clause's remaining years
        own = [own_year(clause, r) for r in raws]
        claimed = {y for y in own if y is not None}
        rest = tuple(y for y in years if y not in claimed)
        prev_end = 0
        for k, r in enumerate(raws):
            nxt = raws[k + 1].start if k + 1 < len(raws) else len(clause)
            local = clause[prev_end:r.start]
            after = clause[r.end:min(nxt, r.end + 30)]
            pol = r.sign or _polarity(local, after)
            value = -r.value if pol < 0 else r.value
            # the clause's subject (before its first figure) speaks for every figure; later figures' words do not
            aspects = _aspects(local, clause[:raws[0].start] if k else "", after, clause[r.end:r.end + 60])
            measure = r.noun if r.unit is None and r.noun else _measure(local, clause[:r.start])
            if k and figures and figures[-1].sent_start == cs and figures[-1].unit == (r.unit or figures[-1].unit) \
                    and ENUMERATION.search(local) and aspects == ("outcome",):
                # "1,5 procent av X 2023, 1,8 procent 2024 och 2,3 procent 2025": a list shares its first item's
                # kind and measure
                aspects = tuple(a for a in figures[-1].aspects if a != "previous") or aspects
                measure = figures[-1].measure
            figures.append(Figure(
                value=value, unit=r.unit or ("antal" if r.noun and r.noun.lower() not in TIME_NOUNS else None),
                written=clause[r.start:r.end], start=cs + r.start, end=cs + r.end,
                sent_start=cs, sent_end=ce, local_start=cs + prev_end, local_end=cs + min(nxt, r.end + 60),
                measure=measure, polarity=pol, approx=r.approx,
                decimals=r.decimals, sig_digits=r.sig, aspects=aspects,
                years=(own[k],) if own[k] is not None else rest,
                is_range=r.is_range, from_words=r.from_words, noun=r.noun, signed=bool(r.sign),
            ))
            prev_end = r.end
    return figures


