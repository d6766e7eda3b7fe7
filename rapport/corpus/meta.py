"""Infer region, report kind and period from a report's own text.

File names lie or say nothing ("000_aaca8210.txt"), so the text decides:
the region that the report names as itself most often, the kind whose
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

REGIONS = [
    "Norrbotten", "Västerbotten", "Jämtland Härjedalen", "Västernorrland", "Gävleborg", "Dalarna",
    "Värmland", "Örebro län", "Västmanland", "Uppsala", "Stockholm", "Sörmland", "Östergötland",
    "Jönköpings län", "Kronoberg", "Kalmar län", "Blekinge", "Skåne", "Halland", "Västra Götaland", "Gotland",
]
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december"]
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


_NAMES = "|".join(f"(?P<r{i}>{_name_pattern(n)})" for i, n in enumerate(REGIONS))
_AS_AUTHOR = re.compile(r"\b(?:Region|Landstinget)\s+(?:" + _NAMES + r")")
_COUNTY_COUNCIL = re.compile(r"\b(?:" + _NAMES + r")s?\s+läns?\s+landsting")
_MENTION = re.compile(r"\b(?:" + _NAMES + r")")


def infer_region(text: str) -> str | None:
    """The region the report names as itself ("Region X", "Landstinget X") most, mentions early as a tiebreak."""
    counts: Counter[str] = Counter()
    for pattern, weight, zone in ((_AS_AUTHOR, 3, text), (_COUNTY_COUNCIL, 1, text), (_MENTION, 1, text[:5000])):
        for m in pattern.finditer(zone):
            counts[REGIONS[int(m.lastgroup[1:])]] += weight
    if not counts:
        return None
    return counts.most_common(1)[0][0]


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
