"""Swedish number words as integers: 'tolv' → 12, 'tvåhundrafemtio' → 250 (pure functions).

Split from `corpus.numbers` (which re-exports `word_to_int` and `find_number_words`) so that
module keeps to numbers written in digits and their splitting.
"""
from __future__ import annotations

import re

_UNITS = {
    "noll": 0, "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6,
    "sju": 7, "åtta": 8, "nio": 9, "tio": 10, "elva": 11, "tolv": 12, "tretton": 13,
    "fjorton": 14, "femton": 15, "sexton": 16, "sjutton": 17, "arton": 18, "aderton": 18,
    "nitton": 19,
}
_TENS = {
    "tjugo": 20, "trettio": 30, "tretti": 30, "fyrtio": 40, "förtio": 40, "femtio": 50,
    "sextio": 60, "sjuttio": 70, "åttio": 80, "nittio": 90,
}
_BIG = {"hundra": 100, "tusen": 1000}
_ORDINALS = {
    "första": 1, "andra": 2, "tredje": 3, "fjärde": 4, "femte": 5, "sjätte": 6,
    "sjunde": 7, "åttonde": 8, "nionde": 9, "tionde": 10, "elfte": 11, "tolfte": 12,
}


def _below_hundred(w: str) -> int | None:
    if w in _UNITS:
        return _UNITS[w]
    for t, tv in _TENS.items():
        if w == t:
            return tv
        if w.startswith(t) and w[len(t):] in _UNITS and _UNITS[w[len(t):]] < 10:
            return tv + _UNITS[w[len(t):]]
    return None


def word_to_int(word: str) -> int | None:
    """Swedish number word → int: 'tolv' → 12, 'tjugotre' → 23, 'hundra' → 100,
    'tvåhundrafemtio' → 250, 'ett tusen' → 1000, 'tre miljoner' is not a word (None).

    Accepts one word or several separated by spaces/hyphens; returns None when
    any part is not a number word. Ordinals ('tredje') are read as their number.
    """
    if not word:
        return None
    w = word.strip().lower().replace("-", " ")
    parts = w.split()
    if len(parts) > 1:
        return word_to_int("".join(parts))
    if w in _ORDINALS:
        return _ORDINALS[w]
    return _compound(w)


def _compound(w: str) -> int | None:
    if not w:
        return None
    v = _below_hundred(w)
    if v is not None:
        return v
    for big, bv in (("tusen", 1000), ("hundra", 100)):
        k = w.find(big)
        if k >= 0:
            head, tail = w[:k], w[k + len(big):]
            hv = 1 if head in ("", "ett", "en") else _compound(head)
            if hv is None or (bv == 100 and hv >= 10):
                continue
            tv = 0 if tail == "" else _compound(tail)
            if tv is None or tv >= bv:
                continue
            return hv * bv + tv
    return None


def find_number_words(text: str) -> list[tuple[int, int, int]]:
    """(value, start, end) for each Swedish number word in `text`.

    'en'/'ett' are left out: as articles they are far more common than as numbers.
    """
    out = []
    for m in re.finditer(r"[A-Za-zÅÄÖåäöéÉ]+", text):
        w = m.group().lower()
        if w in ("en", "ett"):
            continue
        v = word_to_int(w)
        if v is not None:
            out.append((v, m.start(), m.end()))
    return out
