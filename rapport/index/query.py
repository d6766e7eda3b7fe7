"""Understand a query: region names become filters or groupings, not words to match.

"sjukfrånvaro Norrbotten jämfört med Västerbotten" → text "sjukfrånvaro",
regions [Norrbotten, Västerbotten] (a comparison). A region is only taken out
of the query when the index holds reports of it: otherwise the word is kept
("Stockholm" in a Västerbotten report is a place, not a filter).
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from rapport.corpus.meta import REGION_VARIANTS

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

# Sweden's 21 regions under the names documents carry (rapport.corpus.meta), with the forms
# a question may use; _pattern adds "Region X", the genitive -s and "län".
REGIONS: dict[str, tuple[str, ...]] = REGION_VARIANTS

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
    text: str  # the query with region, year and report-kind mentions and their scaffolding removed
    regions: list[str] = field(default_factory=list)  # canonical names, in order of mention
    period_from: str | None = None  # "2019": the years asked about (inclusive), when the index has them
    period_to: str | None = None
    kinds: list[str] = field(default_factory=list)  # report kinds asked about ("årsredovisning"), when indexed
    english: bool = False
    national: bool = False  # the query names the national level (asks_national): no national prior

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


_YEAR = r"(?:19[89]\d|20[0-4]\d)"
_RANGE_PATTERNS = [  # (pattern, how the second year is read)
    rf"\b(?:mellan|between)\s+(?:åren\s+|years\s+)?({_YEAR})\s+(?:och|and)\s+({_YEAR})\b",
    rf"\b(?:från\s+(?:och\s+med\s+)?|fr\.o\.m\.\s*|from\s+)(?:år\s+|året\s+)?({_YEAR})\s+(?:till\s+(?:och\s+med\s+)?|t\.o\.m\.\s*|to\s+|until\s+|through\s+)({_YEAR})\b",
    rf"(?:\b(?:under|during|in|i|för|for|over)\s+)?(?:\b(?:åren|years|the\s+years)\s+)?\b({_YEAR})\s*"
    rf"(?:[-–—]|\bto\b|\btill\b)\s*({_YEAR}|\d\d)\b",
]
_OPEN_PATTERNS = [  # (pattern, side, years added: "efter 2020" starts with 2021)
    (rf"\b(?:sedan|since|från|from)\s+(?:år\s+)?({_YEAR})\b", "from", 0),
    (rf"\b(?:efter|after)\s+(?:år\s+)?({_YEAR})\b", "from", 1),
    (rf"\b(?:fram\s+till|till\s+och\s+med|up\s+to|until|through)\s+(?:år\s+)?({_YEAR})\b", "to", 0),
    (rf"\b(?:före|innan|before)\s+(?:år\s+)?({_YEAR})\b", "to", -1),
]
_SINGLE = rf"(?:\b(?:år|året|under|during|in|i|för|for|per)\s+)?(?<![\w-])({_YEAR})(?![\w-]|[,.]\d)"
# Report kinds as a reader names the document (not the topic: "budget i balans" is no kind)
KIND_WORDS: dict[str, str] = {
    r"årsredovisning(?:en|ar|arna)?|annual\s+reports?|bokslutet": "årsredovisning",
    r"delårsrapport(?:en|er|erna)?|delårsbokslut(?:et)?|tertialrapport(?:en|er)?|interim\s+reports?": "delårsrapport",
    r"(?:region|verksamhets)?plan(?:en)?\s+och\s+budget(?:en)?|regionplan(?:en|er)?|verksamhetsplan(?:en|er)?|"
    r"flerårsplan(?:en)?|budget(?:en)?(?=\s+(?:för\s+)?(?:år\s+)?\d{4})|operational\s+plan|"
    r"budget\s+documents?": "regionplan",
    r"månadsrapport(?:en|er)?|ekonomirapport(?:en|er)?|monthly\s+report": "ekonomirapport",
}
_KIND_LEAD = r"(?:\b(?:i|enligt|från|in|from|according\s+to)\s+(?:the\s+|a\s+)?|\b(?:the|an?)\s+)?"


def _year_spans(query: str) -> list[tuple[int, int, str, str]]:
    """(start, end, from, to) of every year or year range, longest forms first."""
    out: list[tuple[int, int, str, str]] = []

    def free(a, b):
        return not any(x < b and a < y for x, y, *_ in out)

    for pat in _RANGE_PATTERNS:
        for m in re.finditer(pat, query, re.I):
            lo, hi = m.group(1), m.group(2)
            hi = lo[:2] + hi if len(hi) == 2 else hi
            if lo <= hi and free(m.start(), m.end()):
                out.append((m.start(), m.end(), lo, hi))
    for pat, side, shift in _OPEN_PATTERNS:
        for m in re.finditer(pat, query, re.I):
            y = str(int(m.group(1)) + shift)
            if free(m.start(), m.end()):
                out.append((m.start(), m.end(), y, "") if side == "from" else (m.start(), m.end(), "", y))
    for m in re.finditer(_SINGLE, query, re.I):
        if free(m.start(), m.end()):
            out.append((m.start(), m.end(), m.group(1), m.group(1)))
    return sorted(out)


def _years_indexed(lo: str, hi: str, known_periods: set[str] | None) -> bool:
    if known_periods is None:
        return True
    years = {str(p)[:4] for p in known_periods if p}
    return any((not lo or y >= lo) and (not hi or y <= hi) for y in years)


def parse_query(query: str, known_regions: set[str] | None = None, known_kinds: set[str] | None = None,
                known_periods: set[str] | None = None) -> ParsedQuery:
    """Take what the index can filter on out of `query`: region names, years and year ranges
    ("2019–2023", "mellan 2019 och 2023", "since 2020"), report kinds ("i årsredovisningen",
    "interim report"). Each only when the index holds it (None = everything counts); what
    is not taken stays words to match ("Agenda 2030" in an index of 2019–2024 reports).
    """
    found: list[tuple[int, int, str, object]] = []  # (start, end, what, value)
    candidates = dict(REGIONS)
    for k in known_regions or ():
        candidates.setdefault(k, (k.casefold(),))
    for canon, variants in candidates.items():
        if known_regions is not None and canon not in known_regions:
            continue
        for v in variants:
            for m in re.finditer(_pattern(v), query, flags=re.I):
                if not any(a < m.end() and m.start() < b for a, b, *_ in found):
                    found.append((m.start(), m.end(), "region", canon))
    for a, b, lo, hi in _year_spans(query):
        if _years_indexed(lo, hi, known_periods) and not any(x < b and a < y for x, y, *_ in found):
            found.append((a, b, "years", (lo or None, hi or None)))
    for pat, kind in KIND_WORDS.items():
        if known_kinds is not None and kind not in known_kinds:
            continue
        for m in re.finditer(rf"{_KIND_LEAD}\b(?:{pat})\b", query, re.I):
            if not any(x < m.end() and m.start() < y for x, y, *_ in found):
                found.append((m.start(), m.end(), "kind", kind))
    english, national = looks_english(query), asks_national(query)
    if not found:
        return ParsedQuery(query, query.strip(), [], english=english, national=national)
    found.sort()
    regions = list(dict.fromkeys(v for _, _, w, v in found if w == "region"))
    kinds = list(dict.fromkeys(v for _, _, w, v in found if w == "kind"))
    years = [v for _, _, w, v in found if w == "years"]
    lo = min((y[0] for y in years if y[0]), default=None) if years else None
    hi = max((y[1] for y in years if y[1]), default=None) if years else None
    # cut the mentions, then the connectors left dangling next to a cut
    text, last = [], 0
    for a, b, *_ in found:
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
    return ParsedQuery(query, s or query.strip(), regions, lo, hi, kinds, english, national)


@dataclass(frozen=True, slots=True)
class NationalCues:
    """Words that ask for the national level, from models/patterns/national.jsonl (casefolded)."""

    exact: frozenset[str]
    prefix: tuple[str, ...]
    suffix: tuple[str, ...]
    phrase: re.Pattern | None


@lru_cache(maxsize=1)
def national_cues() -> NationalCues:
    """The cue rows, read once per process: every row's `exact`, `prefix`, `suffix` and `phrase`
    lists (an `exact` entry of several words counts as a phrase)."""
    text = resources.files("rapport.models").joinpath("patterns", "national.jsonl").read_text(encoding="utf-8")
    exact, prefix, suffix, phrases = set(), [], [], []
    for line in text.splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        for w in row.get("exact", ()):
            if " " in w.strip():
                phrases.append(w.casefold())
            else:
                exact.add(w.casefold())
        prefix += [w.casefold() for w in row.get("prefix", ())]
        suffix += [w.casefold() for w in row.get("suffix", ())]
        phrases += [w.casefold() for w in row.get("phrase", ())]
    pat = r"|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(set(phrases), key=len, reverse=True))
    return NationalCues(frozenset(exact), tuple(prefix), tuple(suffix),
                        re.compile(rf"(?<!\w)(?:{pat})(?!\w)") if pat else None)


_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def asks_national(text: str) -> bool:
    """Does the query name the national level (the state, the government, a national agency,
    "nationell", "riket", English "national"/"government")? Then national texts are what it wants."""
    cues = national_cues()
    low = text.casefold()
    if cues.phrase is not None and cues.phrase.search(low):
        return True
    for w in _WORD.findall(low):
        if w in cues.exact or w.startswith(cues.prefix) or w.endswith(cues.suffix):
            return True
    return False


def looks_english(text: str) -> bool:
    """More of the words are known English than known Swedish (simplemma's dictionaries)."""
    from rapport.models.lemmas import in_target_language

    try:
        return in_target_language(text, "en") > in_target_language(text, "sv")
    except Exception:  # noqa: BLE001 - a detector failure must not fail the search
        return False
