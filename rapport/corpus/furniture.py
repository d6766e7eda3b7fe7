"""Stage 2 of cleaning: page furniture (page numbers, running headers and footers) of PDF and dump text.

Found as chains of repeating lines at page edges; removed by edits, and kept as page evidence
(printed page numbers, page breaks of a dump) so offsets can still name their page.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .pages import PageBreak, agreeing, printed_shift

Edit = tuple[int, int, str]

# "12", "Sida 12", "s. 12", "12 (40)", "12 av 40", "12/40" alone on a line (a PDF page's text ends at a form feed)
_PAGE_NO = re.compile(r"(?:^|(?<=\f))[ \t]*(?:(?:sida|sid\.|s\.)[ \t]*)?(\d{1,3})"
                      r"(?:[ \t]*(?:\(|av|/)[ \t]*(\d{1,3})\)?)?[ \t]*(?=\n|\f|\Z)", re.I | re.M)
_NUMBER_ONLY = re.compile(r"[\d\s.,%()/+−–-]+")


@dataclass
class Furniture:
    """What stage 2 found: the edits removing it, and the page evidence it carries."""

    edits: list[Edit]
    printed: dict[int, int]  # sheet index -> printed page number (texts with sheets)
    breaks: list[PageBreak]  # furniture runs as page breaks (texts without sheets)
    footer: bool | None  # page numbers end their page, head it, or None: cannot be told


def page_number_lines(text: str, sheets: list[int] | None = None) -> list[tuple[int, int, int]]:
    """(start, end, number) of lines that are page numbers.

    On sheets (PDF pages, form-feed pages) a page number is one of a sheet's first or last
    two lines, and the numbers must agree on one shift from the sheets' positions (pages.
    printed_shift): a table cell or a year at the foot of a page does not. In a dump without
    sheets a lone number counts when it stands apart from other number lines and lies on the
    longest increasing chain of such lines (steps of one preferred, at most 12).
    """
    cands = []
    for m in _PAGE_NO.finditer(text):
        n, total = int(m.group(1)), m.group(2)
        if n > 0 and (total is None or n <= int(total)):
            end = m.end() + 1 if text[m.end():m.end() + 1] == "\n" else m.end()
            cands.append((m.start(), end, n))
    if sheets is not None:
        return _on_sheets(text, sheets, cands)
    by_form: dict[str, list[tuple[int, int, int]]] = {}
    for c in cands:
        if _stands_alone(text, c[0], c[1]):
            by_form.setdefault(_form(text[c[0]:c[1]]), []).append(c)
    chains = [_chain(group) for group in by_form.values()]
    return max(chains, key=lambda ch: (_chain_score(ch), len(ch)), default=[])


def _form(line: str) -> str:
    """A page-number line's shape: "Sida 3" and "Sida 12" share one, "3 (40)" and "12" do not."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.lower()))


def _on_sheets(text: str, sheets: list[int], cands: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    starts = sorted(set([0] + sheets))
    rank = _sheet_edges(text, sheets)  # line start -> how far from the sheet's edge (0 = outermost)
    best: dict[int, tuple[int, int, int, int]] = {}
    for s, e, n in cands:
        if s in rank:
            sheet = bisect.bisect_right(starts, s) - 1
            if sheet not in best or rank[s] < best[sheet][0]:
                best[sheet] = (rank[s], s, e, n)
    shift = printed_shift({k: v[3] for k, v in best.items()})
    return sorted((s, e, n) for k, (_, s, e, n) in best.items() if n == k + 1 + shift)


def _chain(cands: list[tuple[int, int, int]], look_back: int = 60) -> list[tuple[int, int, int]]:
    """The best increasing chain of candidate page numbers (a step of one scores 1, a longer one 0.5)."""
    score, prev = [0.0] * len(cands), [-1] * len(cands)
    for i, (_, _, n) in enumerate(cands):
        score[i] = 0.5
        for j in range(max(0, i - look_back), i):
            step = n - cands[j][2]
            if 0 < step <= 12:
                s = score[j] + (1.0 if step == 1 else 0.5)
                if s > score[i]:
                    score[i], prev[i] = s, j
    if not cands or max(score) < 1.0:
        return []
    i = max(range(len(cands)), key=lambda k: (score[k], -k))
    out = []
    while i >= 0:
        out.append(cands[i])
        i = prev[i]
    return out[::-1]


def _sheet_edges(text: str, sheets: list[int], n: int = 2) -> dict[int, int]:
    """Start offset -> distance from the edge (0, 1) of the first and last `n` non-blank lines of each sheet."""
    out: dict[int, int] = {}
    bounds = sorted(set([0] + sheets)) + [len(text)]
    for a, b in zip(bounds, bounds[1:]):
        starts = [a + m.start() for m in re.finditer(r"(?m)^(?=[ \t]*[^\s])", text[a:b])]
        for k, s in enumerate(starts[:n]):
            out[s] = min(out.get(s, k), k)
        for k, s in enumerate(reversed(starts[-n:])):
            out[s] = min(out.get(s, k), k)
    return out


def _chain_score(chain: list[tuple[int, int, int]]) -> float:
    return sum(1.0 if b[2] - a[2] == 1 else 0.5 for a, b in zip(chain, chain[1:]))


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Neither neighbouring line is itself only numbers (a column of table cells)."""
    before = text[max(0, text.rfind("\n", 0, max(0, start - 1)) + 1):max(0, start - 1)]
    nxt_end = text.find("\n", end)
    after = text[end:nxt_end if nxt_end >= 0 else len(text)]
    return not any(line.strip() and _NUMBER_ONLY.fullmatch(line.strip()) for line in (before, after))


def furniture(text: str, sheets: list[int] | None = None) -> Furniture:
    """Page numbers and the running header/footer lines around them, as edits and page evidence.

    Running headers are short lines that recur next to at least three page breaks; lines
    recurring elsewhere (table headers) are left alone. In a text with sheets the form
    feeds are the breaks; in a dump without them, each run of furniture is one.
    """
    if sheets is not None:  # a sheet may start inside a line once a word broken over the page is joined
        sheets = sorted({max(text.rfind("\n", 0, s), text.rfind("\f", 0, s)) + 1 for s in sheets})
    numbers = page_number_lines(text, sheets)
    points = [(s, True) for s, _, _ in numbers] + [(s, False) for s in sheets or []]
    where: dict[str, set[tuple[int, int]]] = {}
    for b, own in points:
        for m in _lines_around(text, b, 4, skip_own=own):
            key = m[2].strip()
            if 0 < len(key) <= 90 and not _PAGE_NO.fullmatch(key):
                where.setdefault(key, set()).add((m[0], m[1]))
    lines = [(s, e) for s, e, _ in numbers]
    running = {key for key, found in where.items() if len(found) >= 3 and len(points) >= 3}
    for key in running:
        lines += where[key]
    if sheets is None and running:
        # without sheets a running header is the only mark of a page whose number is lost or
        # misread: every line of it is a break, so a wrong count shows
        lines += [(m.start(), m.end() + (m.end() < len(text))) for m in re.finditer(r"(?m)^.*$", text)
                  if m.group().strip() in running]
    lines = sorted(set(lines))
    edits = [(s, e, "\n") for s, e in _disjoint(lines)]
    if sheets is not None:
        starts = sorted(set([0] + sheets))
        printed = {bisect.bisect_right(starts, s) - 1: n for s, _, n in numbers}
        return Furniture(edits, printed, [], None)
    breaks = _breaks(text, lines, {s: n for s, _, n in numbers})
    return Furniture(edits, {}, breaks, _numbers_end_pages(text, breaks))


def _lines_around(text: str, pos: int, n: int, skip_own: bool = True):
    """Up to n non-blank lines before and after pos, as (start, end, text); a line's end takes its
    newline (not a form feed). `skip_own`: pos starts a page-number line, which is not counted."""
    out = []
    j, k = pos, 0
    while k < n and j > 0:
        a = max(text.rfind("\n", 0, j - 1), text.rfind("\f", 0, j - 1)) + 1
        line = text[a:j]
        if line.strip():
            out.append((a, j if text[j - 1] == "\n" else j - 1, line))
            k += 1
        j = a
    i, k, first = pos, 0, True
    while k < n and i < len(text):
        e = min(x for x in (text.find("\n", i), text.find("\f", i), len(text)) if x >= 0)
        line = text[i:e]
        if line.strip() and not (first and skip_own):
            out.append((i, e + 1 if e < len(text) and text[e] == "\n" else e, line))
            k += 1
        first = False
        i = e + 1
    return out


def _disjoint(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _breaks(text: str, lines: list[tuple[int, int]], number_at: dict[int, int]) -> list[PageBreak]:
    """Furniture lines separated only by blank lines make one page break."""
    runs: list[list[tuple[int, int]]] = []
    for s, e in _disjoint(lines):
        if runs and not text[runs[-1][-1][1]:s].strip():
            runs[-1].append((s, e))
        else:
            runs.append([(s, e)])
    out = []
    for run in runs:
        nums = {number_at[s] for s, _ in run if s in number_at}
        out.append(PageBreak(run[0][0], run[-1][1], nums.pop() if len(nums) == 1 else None))
    return out


def _numbers_end_pages(text: str, breaks: list[PageBreak]) -> bool | None:
    """Whether page numbers are footers (True), headers (False) or cannot be told (None).

    Judged on the numbers that agree (pages.agreeing): footers leave little text after the
    last of them, headers little before the first; "little" is a quarter of the typical
    distance between them. Much text on both sides (a cover and a back cover) cannot be told.
    """
    numbered = agreeing(breaks)
    if len(numbered) < 2:
        return None
    gaps = sorted(b.start - a.end for a, b in zip(numbered, numbered[1:]))
    little = gaps[len(gaps) // 2] / 4
    before, after = len(text[:numbered[0].start].strip()), len(text[numbered[-1].end:].strip())
    if after <= little:
        return True
    if before <= little:
        return False
    return None


