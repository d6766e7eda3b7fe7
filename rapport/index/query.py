"""Understand a query: region names become filters or groupings, not words to match.

"sjukfrånvaro Norrbotten jämfört med Västerbotten" → text "sjukfrånvaro",
regions [Norrbotten, Västerbotten] (a comparison). A region is only taken out
of the query when the index holds reports of it: otherwise the word is kept
("Stockholm" in a Västerbotten report is a place, not a filter).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 10_000  # the searcher's own bound; the app refuses far less (rapport.app.corpus)


class QueryError(ValueError):
    """A query the searcher cannot take (not text, too long, nothing left once control
    characters are gone). The message is one line; the CLI and web answer it as bad input."""


def clean_query(query) -> str:
    """The query as the retrievers see it: NFC, control characters as spaces, invisible format
    characters (soft hyphens, zero-width joiners) dropped, whitespace collapsed.

    Raises QueryError for non-text, more than MAX_QUERY_CHARS characters, or nothing left.
    """
    if not isinstance(query, str):
        raise QueryError(f"the query must be text, not {type(query).__name__}")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(query):,} characters long; at most {MAX_QUERY_CHARS:,}")
    out = []
    for ch in unicodedata.normalize("NFC", query):
        cat = unicodedata.category(ch)
        if cat == "Cf":
            continue  # invisible inside a word: "sjuk\u00adfrånvaro" is one word
        out.append(" " if cat[0] == "C" or cat in ("Zl", "Zp") else ch)
    text = " ".join("".join(out).split())
    if not text:
        raise QueryError("the query is empty (nothing but spaces or control characters)")
    return text

# Sweden's 21 regions; the stems catch genitive and "län"/"Region X" forms.
REGIONS: dict[str, tuple[str, ...]] = {
    "Stockholm": ("stockholm",),
    "Uppsala": ("uppsala",),
    "Sörmland": ("sörmland", "södermanland"),
    "Östergötland": ("östergötland",),
    "Jönköping": ("jönköping", "jönköpings län"),
    "Kronoberg": ("kronoberg",),
    "Kalmar": ("kalmar län", "kalmar"),
    "Gotland": ("gotland",),
    "Blekinge": ("blekinge",),
    "Skåne": ("skåne",),
    "Halland": ("halland",),
    "Västra Götaland": ("västra götaland", "vgr"),
    "Värmland": ("värmland",),
    "Örebro": ("örebro län", "örebro"),
    "Västmanland": ("västmanland",),
    "Dalarna": ("dalarna", "dalarnas"),
    "Gävleborg": ("gävleborg",),
    "Västernorrland": ("västernorrland",),
    "Jämtland Härjedalen": ("jämtland härjedalen", "jämtland"),
    "Västerbotten": ("västerbotten",),
    "Norrbotten": ("norrbotten",),
}

_CONNECTORS = r"(?:och|eller|mot|med|samt|respektive|resp\.|versus|vs\.?|and|or|with|to|compared|jämfört|jämförelse|mellan|between|i|in|för|for|,|/|&)"
_LEAD = re.compile(r"^\s*(?:jämför|jämförelse(?:\s+av)?|compare|comparison\s+of|skillnad(?:en|er)?\s+(?:i|på)|"
                   r"difference\s+in)\b\s*", re.I)


def _pattern(variant: str) -> str:
    words = r"\s+".join(map(re.escape, variant.split()))
    # optional "Region"/"regionen"/"region" before, genitive -s and "län" after
    return rf"(?:\bregion(?:en)?\s+)?\b{words}s?(?:\s+läns?)?\b"


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    original: str
    text: str  # the query with region mentions and their scaffolding removed
    regions: list[str] = field(default_factory=list)  # canonical names, in order of mention

    @property
    def is_comparison(self) -> bool:
        return len(self.regions) >= 2


def canonical_region(name: str, known: set[str] | None = None) -> str | None:
    """"norrbottens" / "Region Norrbotten" → "Norrbotten" (None if not a region)."""
    low = name.strip().casefold()
    for canon, variants in REGIONS.items():
        if known is not None and canon not in known:
            continue
        if any(re.fullmatch(_pattern(v), low) for v in variants):
            return canon
    if known:
        for k in known:
            if k.casefold() == low:
                return k
    return None


def parse_query(query: str, known_regions: set[str] | None = None) -> ParsedQuery:
    """Take region names that the index knows out of `query`; None = every Swedish region counts."""
    found: list[tuple[int, int, str]] = []
    candidates = dict(REGIONS)
    for k in known_regions or ():
        candidates.setdefault(k, (k.casefold(),))
    for canon, variants in candidates.items():
        if known_regions is not None and canon not in known_regions:
            continue
        for v in variants:
            for m in re.finditer(_pattern(v), query, flags=re.I):
                if not any(a < m.end() and m.start() < b for a, b, _ in found):
                    found.append((m.start(), m.end(), canon))
    if not found:
        return ParsedQuery(query, query.strip(), [])
    found.sort()
    regions = list(dict.fromkeys(c for _, _, c in found))
    # cut the mentions, then the connectors left dangling next to a cut
    text, last = [], 0
    for a, b, _ in found:
        text.append(query[last:a])
        text.append("\x00")
        last = b
    text.append(query[last:])
    s = "".join(text)
    conn = re.compile(rf"(?:\s*\b{_CONNECTORS}(?=\s|\x00|$)\s*|\s*[,/&]\s*)*\x00(?:\s*{_CONNECTORS}\b(?=\s*\x00))?", re.I)
    s = conn.sub(" ", s)
    s = re.sub(r"\s*\b(?:jämfört|compared)(?:\s+(?:med|to|with))?\s*$", " ", s, flags=re.I)
    s = _LEAD.sub("", s)
    s = re.sub(r"\s+", " ", s.replace("\x00", " ")).strip(" ,;:-")
    return ParsedQuery(query, s or query.strip(), regions)
