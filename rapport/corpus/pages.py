"""Which page a stretch of text is on, from the evidence the text holds, or None.

A citation is right or absent. Two kinds of evidence exist:

- **Physical pages**: a PDF's pages, or the form feeds of a text dump. They split the text
  completely, so every stretch has a page. The number is the page's position, unless the
  pages print their own numbers and those agree on one shift (an unnumbered cover makes
  printed page 1 the second sheet): then the printed number, and sheets before printed
  page 1 get none.
- **Page furniture** in dumps that lost their form feeds: printed page-number lines and
  running headers/footers. Each run of furniture is a page break; a page-number line in it
  names the page before it (a footer) or after it (a header). Between two numbered breaks
  the stretches are numbered only when the count of breaks between them equals the gap in
  their numbers. Sparse markers ("17" ... "26" with nothing between) say nothing about the
  stretch between them, so it stays unnumbered instead of being counted on from 17.

Pure functions over offsets; `clean` gathers the evidence and maps the result onto the
cleaned text.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .records import Page

MIN_RUN = 3  # numbered breaks that must agree before the stretches between them are numbered
MIN_AGREEING = 0.5  # share of the sheets' printed numbers that must agree on one shift from their positions


@dataclass(frozen=True, slots=True)
class PageBreak:
    """A run of page furniture [start, end) between two pages; `number` is a printed page number in it."""

    start: int
    end: int
    number: int | None = None


def physical_pages(starts: list[int], length: int, printed: dict[int, int] | None = None) -> list[Page]:
    """Pages from the offsets where each sheet starts.

    `printed` maps a sheet's index (0-based) to the number printed on it. Empty sheets
    (a trailing form feed) are dropped; their neighbours keep their numbers.
    """
    starts = sorted(set(s for s in starts if 0 <= s <= length))
    if not starts or starts[0] != 0:
        starts = [0] + starts
    shift = printed_shift(printed or {})
    pages = []
    for i, (s, e) in enumerate(zip(starts, starts[1:] + [length])):
        number = i + 1 + shift
        if e > s and number >= 1:
            pages.append(Page(number, s, e))
    return pages


def printed_shift(printed: dict[int, int]) -> int:
    """printed number - sheet number, when at least two printed numbers and most of them agree on
    it and no other shift has as many; else 0 (the sheets are numbered by position)."""
    ranked = Counter(n - (i + 1) for i, n in printed.items()).most_common(2)
    if not ranked:
        return 0
    shift, votes = ranked[0]
    clear = len(ranked) == 1 or ranked[1][1] < votes
    return shift if votes >= 2 and clear and votes >= MIN_AGREEING * len(printed) else 0


def _agreeing_runs(breaks: list[PageBreak]) -> list[list[int]]:
    """Maximal runs of numbered breaks (by index) whose numbers grow exactly with the count of breaks."""
    runs: list[list[int]] = []
    for j, b in enumerate(breaks):
        if b.number is None:
            continue
        if runs and b.number - breaks[runs[-1][-1]].number == j - runs[-1][-1]:
            runs[-1].append(j)
        else:
            runs.append([j])
    return [r for r in runs if len(r) >= MIN_RUN]


def agreeing(breaks: list[PageBreak]) -> list[PageBreak]:
    """The numbered breaks in agreeing runs (the same whether numbers are footers or headers)."""
    return [breaks[j] for run in _agreeing_runs(breaks) for j in run]


def dump_pages(breaks: list[PageBreak], length: int, footer: bool = True) -> list[Page]:
    """Pages of a dump without form feeds, from its furniture breaks (sorted, non-overlapping).

    Stretches between breaks are sheets; a numbered break names the stretch before it
    (`footer`) or after it. Only stretches lying between the first and last break of an
    agreeing run (at least MIN_RUN numbered breaks whose numbers grow by the count of breaks
    between them) are numbered: both their ends are then known breaks and the count checks
    that none was missed. Two lone numbers that happen to agree are no evidence; stretches at
    the edge of a run (a cover before the first footer, a page whose number was lost) are
    None and left out.
    """
    bounds = [0] + [x for b in breaks for x in (b.start, b.end)] + [length]
    stretches = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]  # k: between break k-1 and k
    pages = []
    for run in _agreeing_runs(breaks):
        j1 = run[0]
        first = breaks[j1].number + (1 if footer else 0)  # the page of stretch j1 + 1
        for k in range(j1 + 1, run[-1] + 1):
            s, e = stretches[k]
            if e > s:
                pages.append(Page(first + k - j1 - 1, s, e))
    return pages
