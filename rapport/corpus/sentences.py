"""Swedish sentence boundaries inside one block of report prose.

Rules rather than a model: there is no trained Swedish segmenter on PyPI,
and the failure modes of report text are few and known (abbreviations,
numbers, initials, lines that lost their full stop in the PDF). The spaCy
pipeline reuses these boundaries (pipeline/components/sentences.py), so
corpus, search passages and extraction all agree on what a sentence is.
"""
from __future__ import annotations

import re

from .months import ABBREVIATIONS as MONTH_ABBREVIATIONS, MONTHS

# Abbreviations after which a full stop does not end a sentence (lowercase, without final dot).
ABBREVIATIONS = {
    "t.ex", "bl.a", "s.k", "enl", "prop", "jmf", "jfr", "dnr", "kap", "ca", "resp", "dvs", "d.v.s",
    "fr.o.m", "t.o.m", "kl", "nr", "st", "milj", "inkl", "exkl", "exl",
    "ang", "avd", "bil", "f.d", "fig", "tab", "forts", "gm", "max", "min", "mån", "o.s.v", "p.g.a",
    "pga", "s", "sid", "tel", "tf", "t.f", "t.v", "u.a", "uppl", "vol", "äv", "ev", "etc", "m.m", "osv",
    "m.fl", "o.d", "mfl", "proc", "ff", "resp", "dir", "sfs", "bet", "skr", "ds", "sou", "vs", "t", "e", "f", "ungef",
    "ordf", "sekr", "adj", "leg", "med", "dr", "prof", "doc", "spec", "utg", "ex", "tim", "mn",
} | set(MONTH_ABBREVIATIONS)
_MONTH_START = re.compile("|".join(MONTHS), re.I)  # "den 3. maj": a date, not a sentence end
# Words after which "N." is a numbering ("Mål 4. Vården …"), not a sentence end.
NUMBERED = {"mål", "delmål", "kapitel", "kap", "avsnitt", "bilaga", "steg", "fas", "punkt", "nr", "not", "tabell",
            "figur", "område", "målområde", "uppdrag", "indikator", "strategi", "perspektiv"}
# These end a sentence when a capitalised word follows ("… kultur m.m. Nästa …").
CAN_END = {"m.m", "osv", "o.s.v", "etc", "m.fl", "mfl", "o.d"}
# Capitalised words that begin a new sentence when a PDF line lost its full stop.
STARTERS = {
    "det", "den", "de", "detta", "dessa", "denna", "i", "vi", "under", "inom", "för", "efter", "med",
    "en", "ett", "som", "man", "här", "där", "nu", "sedan", "även", "samtidigt", "arbetet", "målet",
    "regionen", "antalet", "andelen", "utfallet", "prognosen", "resultatet", "bedömningen", "trots",
    "genom", "vid", "till", "från", "utöver", "dessutom", "dock", "totalt", "sammantaget", "hittills",
    "av", "på", "om", "när", "eftersom", "att", "jämfört", "ingen", "inga", "flera", "många", "alla",
    "samtliga", "hälso", "verksamheten", "kostnaderna", "intäkterna", "nettokostnaden",
}
_END = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s)")
_NEXT = re.compile(r"\s+([\"“”«(\[]?)(\S+)")
MAX_CHARS = 600


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Half-open (start, end) spans of the sentences in `text`, whitespace trimmed."""
    cuts = [0]
    for m in _END.finditer(text):
        if _is_boundary(text, m):
            cuts.append(m.end())
    cuts += _lost_stops(text)
    cuts += [m.start() + 1 for m in re.finditer(r"\s[•●▪■◦]\s", text)]  # bullets run together on one line
    cuts.append(len(text))
    spans = []
    for a, b in zip(sorted(set(cuts)), sorted(set(cuts))[1:]):
        a, b = _trim(text, a, b)
        if a < b:
            spans.extend(_limit(text, a, b))
    return spans


def _is_boundary(text: str, m: re.Match) -> bool:
    nxt = _NEXT.match(text, m.end())
    if not nxt:
        return True
    word = nxt.group(2)
    first = word[0]
    if m.group().startswith(("!", "?", "…")):
        return first.isupper() or first.isdigit() or bool(nxt.group(1))
    before = _word_before(text, m.start())
    if not (first.isupper() or first.isdigit() or first in "•–-" or nxt.group(1)):
        # "e-tjänsterna har …" may start a sentence in lower case after an ordinary word
        return bool(re.match(r"[a-zåäö]-[a-zåäö]", word)) and before.lower().rstrip(".") not in ABBREVIATIONS
    if before.isdigit() and len(before) <= 2:
        prefix = text[:m.start() - len(before)].split()
        if not prefix or prefix[-1].lower() in NUMBERED:
            return False  # "1. Inledning", "Mål 4. Vården är tillgänglig"
    low = before.lower().rstrip(".")
    if low in ABBREVIATIONS and low not in CAN_END:
        return False
    if low in CAN_END:
        return first.isupper()
    if len(before) == 1 and before.isupper():  # initials: "A. Andersson"
        return False
    if first.isdigit() and before.isdigit():  # "kap. 3. 4 §" and similar numbering
        return False
    if re.fullmatch(r"\d{1,2}", before) and _MONTH_START.match(word):
        return False  # "den 3. maj"
    return True


def _word_before(text: str, end: int) -> str:
    start = end
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "(\"“":
        start -= 1
    return text[start:end]


def _lost_stops(text: str) -> list[int]:
    """Line breaks where the PDF dropped a full stop: a line ending in a letter, the next
    starting with a capitalised function word ("… har pausats⏎Pandemin till trots …")."""
    cuts = []
    for m in re.finditer(r"(?<=[a-zåäö0-9%)])[ \t]*\n[ \t]*(?=([A-ZÅÄÖ][a-zåäö]*))", text):
        if m.group(1).lower() in STARTERS:
            cuts.append(m.start())
    return cuts


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _limit(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Split a run-on longer than MAX_CHARS at the clause mark nearest its middle."""
    if b - a <= MAX_CHARS:
        return [(a, b)]
    mid = (a + b) // 2
    best = None
    for m in re.finditer(r"[;:]\s|\s[–-]\s|,\s", text[a:b]):
        pos = a + m.end()
        if best is None or abs(pos - mid) < abs(best - mid):
            best = pos
    if best is None:
        best = text.rfind(" ", a, mid) + 1 or mid
    if best <= a or best >= b:
        best = a + MAX_CHARS
    left, right = _trim(text, a, best), _trim(text, best, b)
    return _limit(text, *left) + _limit(text, *right)
