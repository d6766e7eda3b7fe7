"""The Swedish month names, once for the whole package.

Dates, report periods, table headers, hyphen repair and figure filtering all need to
know that "april" or "sept." is a month; one list keeps them agreeing (an abbreviation
added here is understood everywhere).
"""
from __future__ import annotations

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december")
# abbreviations as written in Swedish reports ("sept.", "febr."); "maj" has none
ABBREVIATIONS = {"jan": 1, "feb": 2, "febr": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
                 "sept": 9, "okt": 10, "nov": 11, "dec": 12}
MONTH_NUMBER = {m: i + 1 for i, m in enumerate(MONTHS)} | ABBREVIATIONS
FULL_MONTHS = frozenset(MONTHS)
MONTH_WORDS = frozenset(MONTH_NUMBER)  # full names and abbreviations, lowercase


def month_alternation() -> str:
    """A regex alternation of every month word, longest first (so "september" wins over "sep")."""
    return "|".join(sorted(MONTH_WORDS, key=len, reverse=True))
