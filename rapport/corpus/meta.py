"""Infer region, report kind and period from a report's own text.

File names lie or say nothing ("000_aaca8210.txt"), so the text decides:
the region that names itself as the report's author (title page, running
headers; a national text names none and gets None), the kind whose
signature phrases score highest (the title zone counts most), and the
period those phrases imply ("januari–augusti 2021" is 2021-08). A manifest
(file, region, kind, period) overrides any of them.
"""
from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

from .records import Metadata
from .months import MONTHS

REGIONS = [
    "Norrbotten", "Västerbotten", "Jämtland Härjedalen", "Västernorrland", "Gävleborg", "Dalarna",
    "Värmland", "Örebro län", "Västmanland", "Uppsala", "Stockholm", "Sörmland", "Östergötland",
    "Jönköpings län", "Kronoberg", "Kalmar län", "Blekinge", "Skåne", "Halland", "Västra Götaland", "Gotland",
]
_MONTH = "|".join(MONTHS)
_MON_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)}

# kind -> signature patterns (lowercased text); the title zone weighs five times more
KIND_PATTERNS = {
    "delårsrapport": [r"delårsrapport(?:en)?\s+(?:per|för|januari|jan)", r"perioden\s+januari\s*[-–]\s*(?:" + _MONTH + ")",
                      r"\bdelårsrapport\b", r"\btertialrapport\b", r"\bdelårsbokslut\b"],
    "årsredovisning": [r"årsredovisning(?:en)?\s+(?:för\s+)?20\d\d", r"\bårsredovisning\b", r"\bbokslut 20\d\d\b"],
    "regionplan": [r"regionplan(?:en)?\s+(?:och\s+budget\s+)?(?:för\s+)?20\d\d", r"planeringsunderlag",
                   r"\bregionplan\b", r"\bbudget\s+20\d\d\s*[-–]\s*20\d\d", r"flerårsplan"],
    "måluppfyllelse": [r"\bmåluppfyllelse\b"],
    "ekonomirapport": [r"^\s*ekonomi\s+(?:" + _MONTH + r")\s+20\d\d", r"månadsrapport", r"resultatrapport",
                       r"ekonomisk\s+uppföljning\s+(?:per\s+)?(?:" + _MONTH + ")"],
}
YEAR_ONLY_KINDS = {"årsredovisning", "regionplan", "måluppfyllelse"}


def infer(text: str) -> Metadata:
    kind = infer_kind(text)
    return Metadata(region=infer_region(text), kind=kind, period=infer_period(text, kind))


def _name_pattern(name: str) -> str:
    return re.escape(name).replace(r"\ län", r"(?:\s+län)?")


# How a query or a reader may name each region (lower case; genitive -s and "län" are added by the
# query parser). The canonical names are the ones above: what documents.parquet and filters carry.
REGION_VARIANTS: dict[str, tuple[str, ...]] = {
    "Norrbotten": ("norrbotten",), "Västerbotten": ("västerbotten",),
    "Jämtland Härjedalen": ("jämtland härjedalen", "jämtland"), "Västernorrland": ("västernorrland",),
    "Gävleborg": ("gävleborg",), "Dalarna": ("dalarna", "dalarnas"), "Värmland": ("värmland",),
    "Örebro län": ("örebro län", "örebro"), "Västmanland": ("västmanland",), "Uppsala": ("uppsala",),
    "Stockholm": ("stockholm",), "Sörmland": ("sörmland", "södermanland"), "Östergötland": ("östergötland",),
    "Jönköpings län": ("jönköpings län", "jönköping"), "Kronoberg": ("kronoberg",),
    "Kalmar län": ("kalmar län", "kalmar"), "Blekinge": ("blekinge",), "Skåne": ("skåne",),
    "Halland": ("halland",), "Västra Götaland": ("västra götaland", "västra götalandsregionen", "vgr"),
    "Gotland": ("gotland",),
}

_NAMES = "|".join(_name_pattern(n) for n in REGIONS)
# A region naming itself: "Region Skåne", "Landstinget Sörmland", "Stockholms läns landsting",
# "Västra Götalandsregionen". A bare place name ("i Västerbotten", "Västerbottens-Kuriren") never is.
_DESIGNATION = (r"(?:(?:Region|Landstinget)\s+(?P<a>" + _NAMES + r")s?(?![\w-])"
                r"|(?P<b>" + _NAMES + r")s?\s+läns?\s+landsting(?:et|ets)?\b"
                r"|(?P<c>Västra\s+Götalandsregionen)s?\b)")
# What may stand before the designation on a title or header line: the report's own name and date
# ("Årsredovisning 2022 Region X", "Delårsrapport januari–augusti för Region X", "2023-04-26 | Region X").
_TITLE_WORDS = (r"(?:årsredovisning(?:en)?|delårsrapport(?:en)?|delårsbokslut|tertialrapport|månadsrapport|"
                r"ekonomirapport|uppföljning|regionplan(?:en)?|budget|verksamhetsplan|flerårsplan|plan|och|för|per|"
                r"ekonomi|resultat|" + "|".join(MONTHS) + r"|\d{4}(?:-\d{2}(?:-\d{2})?)?|[-–|,:/])")
_AUTHOR_LINE = re.compile(r"^[ \t]*(?:" + _TITLE_WORDS + r"[ \t]*)*" + _DESIGNATION + r"[^\n]*$", re.M | re.I)
_DESIGNATIONS = re.compile(_DESIGNATION)
_OPENERS = re.compile(r"^[ \t]*" + _DESIGNATION, re.M)  # a line (or paragraph) that begins with the designation
TITLE_LINES = 15  # the non-empty lines a title page spans
MAX_AUTHOR_LINE = 100  # longer lines are prose, whoever they name


def _canonical(name: str) -> str:
    if re.fullmatch(r"Västra\s+Götalandsregionen", name, re.I):
        return "Västra Götaland"
    return next(n for n in REGIONS if re.fullmatch(_name_pattern(n), name, re.I))


def _designated(m: re.Match) -> str:
    return _canonical(m.group("a") or m.group("b") or m.group("c"))


def author_lines(text: str) -> list[tuple[int, str]]:
    """(offset, region) of every title or header line in which a region names itself.

    A line counts when the designation opens it (after the report's own title words), it is
    short, and it is none of: a bullet, a table row (the name then figures), a sentence about
    the region ("Region X ska senast ... lämna ..."). That is what title pages and running
    headers look like, and what a recipient list, a press release or a grant decision does not.
    """
    out = []
    for m in _AUTHOR_LINE.finditer(text):
        line = m.group(0).strip()
        if len(line) > MAX_AUTHOR_LINE or re.match(r"[•*·–-]", line) or re.search(r"\S {2,}\d", line):
            continue
        if line.endswith(".") and len(line.split()) > 5:
            continue
        out.append((m.start(), _designated(m)))
    return out


def infer_region(text: str) -> str | None:
    """The region that authored the report, or None (a national text, or no evidence).

    Evidence, strongest first: a region naming itself on a line of the title page (the first
    TITLE_LINES non-empty lines); the same on running header/footer lines (at least two);
    paragraphs that begin with the region as their subject (at least two, and 80 % of such
    openings); failing all, a region naming itself at least 10 times and in 90 % of all
    designations.
    A region mentioned in passing, in a table or as a recipient ("uppdrag till Region X")
    is no author. On the 32,942 national g0vse texts this gives no region to any.
    """
    lines = author_lines(text)
    starts = [m.start() for m in re.finditer(r"^[ \t]*\S", text, re.M)]
    title_end = starts[TITLE_LINES] if len(starts) > TITLE_LINES else len(text)
    if lines:
        counts = Counter(r for _, r in lines)
        title = Counter(r for pos, r in lines if pos < title_end)
        first = {}
        for pos, r in lines:
            first.setdefault(r, pos)
        best = max(counts, key=lambda r: (title[r] > 0, title[r], counts[r], -first[r]))
        if title[best] or counts[best] >= 2:
            return best
    openers = Counter(_designated(m) for m in _OPENERS.finditer(text))
    if openers:
        region, n = openers.most_common(1)[0]
        if n >= 2 and n >= 0.8 * sum(openers.values()):
            return region
    named = Counter(_designated(m) for m in _DESIGNATIONS.finditer(text))
    if named:
        region, n = named.most_common(1)[0]
        if n >= 10 and n >= 0.9 * sum(named.values()):
            return region
    return None


def infer_kind(text: str) -> str | None:
    low = text.lower()
    title = low[:400]
    scores: Counter[str] = Counter()
    for kind, pats in KIND_PATTERNS.items():
        for weight, pat in zip((4, 2, 1, 1, 1), pats):
            scores[kind] += 5 * weight * len(re.findall(pat, title, re.M))
            scores[kind] += weight * min(len(re.findall(pat, low, re.M)), 10) if kind != "måluppfyllelse" else 0
    # an interim report speaks of "per augusti" again and again
    scores["delårsrapport"] += min(len(re.findall(r"\bper\s+(?:april|augusti|juni|juli)\b", low)), 10)
    kind, n = scores.most_common(1)[0]
    return kind if n > 0 else None


def infer_period(text: str, kind: str | None) -> str | None:
    low = text.lower()
    year = _main_year(low, kind)
    if kind in YEAR_ONLY_KINDS:
        return str(year) if year else None
    month = None
    m = re.search(r"delårsrapport(?:en)?\s+per\s+(?:den\s+\d+\s+)?(" + _MONTH + r")\s+(20\d\d)", low) or \
        re.search(r"januari\s*[-–]\s*(" + _MONTH + r")\s+(20\d\d)", low) or \
        re.search(r"^\s*\w+\s+(" + _MONTH + r")\s+(20\d\d)", low[:300], re.M)
    if m:
        month, year = MONTHS.index(m.group(1)) + 1, int(m.group(2))
    else:
        months = Counter(re.findall(r"(?:januari\s*[-–]\s*|\bper\s+)(" + _MONTH + r")\b", low))
        if months:
            month = MONTHS.index(months.most_common(1)[0][0]) + 1
    if not year:
        return None
    return f"{year}-{month:02d}" if month else str(year)


def _main_year(low: str, kind: str | None) -> int | None:
    if kind == "regionplan":
        m = re.search(r"(?:regionplan|budget|plan)\w*\s+(?:och\s+budget\s+)?(?:för\s+)?(?:åren\s+)?(20\d\d)\s*[-–]\s*20\d\d", low)
        if m:
            return int(m.group(1))
    if kind == "årsredovisning":
        m = re.search(r"årsredovisning(?:en)?\s+(?:för\s+)?(20\d\d)", low)
        if m:
            return int(m.group(1))
    head = re.findall(r"\b(20[0-3]\d)\b", low[:600])
    if head:
        return int(Counter(head).most_common(1)[0][0])
    years = re.findall(r"\b(20[0-3]\d)\b", low)
    return int(Counter(years).most_common(1)[0][0]) if years else None


def read_manifest(path: str | Path) -> dict[str, Metadata]:
    """file name -> Metadata from a TSV/CSV with columns file, region, kind, period."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as f:
        sample = f.read(4096)
        f.seek(0)
        dialect = "excel-tab" if "\t" in sample.splitlines()[0] else "excel"
        rows = csv.DictReader(f, dialect=dialect)
        return {r["file"].strip(): Metadata(r.get("region") or None, r.get("kind") or None,
                                            (r.get("period") or None), "manifest")
                for r in rows if r.get("file")}


def merge(inferred: Metadata, override: Metadata | None) -> Metadata:
    if override is None:
        return inferred
    return Metadata(override.region or inferred.region, override.kind or inferred.kind,
                    override.period or inferred.period, "manifest")
