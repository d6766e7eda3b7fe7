"""Finding the numbers of one clause: digits with their unit, sign and tolerance, number words, fractions.

Offsets are relative to the clause; `find_figures` turns them into document
offsets. Numbers that are not figures (years, dates, identifiers) are skipped
here, before anything else looks at them.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rapport.corpus.months import month_alternation
from rapport.corpus.numbers import word_to_int

from .words import (APPROX, DATE, FRACTIONS, ID_BEFORE, NUM, ORDINALS, STOP, TIME_NOUNS, UNIT_AFTER, WORD)


def canonical_unit(u: str) -> tuple[str | None, float]:
    """(unit, multiplier) for a unit word after a number; "tusen" alone multiplies a count."""
    t = re.sub(r"\s+", " ", u.lower())
    if t.startswith(("miljard", "mdkr", "mdr", "mld")):
        return "mdkr", 1.0
    if t.startswith(("miljon", "mnkr", "mkr", "mn", "milj", "msek")):
        return "mkr", 1.0
    if t.startswith("tusen k") or t in ("tkr", "ksek"):
        return "tkr", 1.0
    if t == "tusen":
        return None, 1000.0
    if t.startswith(("kronor", "kr", "sek")):
        return "kr", 1.0
    if t.startswith(("procentenhet", "%-enhet", "p.e.")):
        return "procentenheter", 1.0
    if t.startswith(("procent", "%")):
        return "procent", 1.0
    if t.startswith(("st", "stycken")):
        return "antal", 1.0
    return None, 1.0


def _parse_written(num: str) -> tuple[float, int, int]:
    """'1 024' -> (1024.0, 0 decimals, 4 significant digits); '2,50' -> (2.5, 2, 2)."""
    t = re.sub(r"[ \u00a0\u202f\u2009]", "", num)
    ip, _, fp = t.partition(",")
    value = float(ip + ("." + fp if fp else ""))
    digits = (ip + fp).lstrip("0")
    sig = len(digits.rstrip("0")) if not fp else len(digits)
    return value, len(fp), max(sig, 1 if value else 0)


# ---------------------------------------------------------------- finding figures in one clause

@dataclass
class Raw:
    value: float
    unit: str | None
    start: int  # relative to the clause
    end: int
    num_start: int
    decimals: int
    sig: int
    sign: int = 0
    approx: str | None = None
    is_range: bool = False
    from_words: bool = False
    noun: str | None = None


def _skip_number(text: str, s: int, e: int, num: str) -> bool:
    """True for numbers that are not figures: years, dates, identifiers, parts of words."""
    before = text[max(0, s - 40):s]
    after = text[e:e + 20]
    for m in DATE.finditer(text, max(0, s - 11), min(len(text), e + 11)):
        if m.start() <= s and e <= m.end():
            return True  # 2021-08-31, 2021-08, 31/8
    if s > 0 and (text[s - 1].isalpha() or text[s - 1] in "/_" or
                  (text[s - 1] in "-–" and s > 1 and text[s - 2].isalpha())):
        return True  # covid-19, RIS3, 74/61
    if after[:1].isalpha() or re.match(r":[ae]\b", after):
        return True  # 3D, 1:a
    if re.match(r"/\d|\.\d|\.[a-z]{2,3}\b", after):
        return True  # 74/61, 3.2, 1177.se
    plain = re.sub(r"\D", "", num)
    grouped = bool(re.search(r"\s", num))
    if not grouped and "," not in num and len(plain) == 4 and 1900 <= int(plain) <= 2099:
        if not UNIT_AFTER.match(after) or re.match(r"\s*(?:st|stycken)\b", after):
            return True  # a year
    if re.match(r"\s*[-–]\s*\d{1,2}(?:[-–]\d{1,2})?\b", after) and len(plain) == 4:
        return True  # 2021-08, 2020–2023
    if re.match(r"\s*(?:%s)\b" % month_alternation(), after, re.I):
        return True  # 31 augusti
    if ID_BEFORE.search(before) and not UNIT_AFTER.match(after):
        return True  # Mål 5, Not 3, kl. 13
    if re.search(r"\bper\s*$", before, re.I) and not UNIT_AFTER.match(after):
        return True  # per 1 000 invånare
    return False


def _approx_before(before: str) -> str | None:
    for rx, kind in APPROX:
        if rx.search(before):
            return kind
    return None


_SPACED_MINUS = re.compile(r"([\-\u2212]) $")


def digit_numbers(text: str) -> list[Raw]:
    """Digit figures of one clause (offsets relative to the clause)."""
    out: list[Raw] = []
    for m in NUM.finditer(text):
        s, e, num = m.start(), m.end(), m.group()
        if _skip_number(text, s, e, num):
            continue
        value, dec, sig = _parse_written(num)
        if not math.isfinite(value):
            continue  # 309 digits overflow a float: no figure (inf would be written as the invalid JSON Infinity)
        start = s
        sign = 0
        pre = text[max(0, s - 8):s]
        sm = re.search(r"(?:^|[\s(])([+\-\u2212\u2013])$", pre)
        sign_at = s - 1
        if not sm:  # "2022: - 142 mkr": a PDF dump's minus with a space, after a colon or at a line start
            sm = _SPACED_MINUS.search(text, max(0, s - 12), s)
            if sm and sm.start(1) > 0 and text[:sm.start(1)].rstrip(" \t") and \
                    text[:sm.start(1)].rstrip(" \t")[-1] not in ":\n":
                sm = None
            sign_at = sm.start(1) if sm else sign_at
        if sm:
            sign = 1 if sm.group(1) == "+" else -1
            start = sign_at
        else:
            wm = re.search(r"\b(minus|plus)\s+$", pre, re.I)
            if wm:
                sign = -1 if wm.group(1).lower() == "minus" else 1
                start = s - len(pre) + wm.start(1)
        unit, mult, end = None, 1.0, e
        um = UNIT_AFTER.match(text, e)
        if um:
            unit, mult = canonical_unit(um.group("u"))
            end = um.end()
        is_range = bool(re.match(r"\s*(?:[-–]|till)\s*\d", text[end:end + 8])) and not um \
            or bool(re.search(r"\d\s*(?:[-–])\s*$", text[max(0, start - 6):start]))
        if re.search(r"\bmellan\s+$", text[max(0, start - 10):start], re.I):
            is_range = True
        if re.search(r"\bfrån\s+$", text[max(0, start - 8):start], re.I):
            is_range = False  # "har stigit från 2,1 till 2,9 procent": two levels, not an uncertain span
        noun = None
        if unit is None:
            nm = re.match(r"\s+(?:nya\s+|olika\s+|st\s+)?([a-zåäöé][\wåäö-]+)", text[end:end + 40])
            if nm and nm.group(1).lower() not in STOP:
                noun = nm.group(1)
        out.append(Raw(value * mult, unit, start, end, s, dec, sig, sign,
                        _approx_before(text[max(0, start - 30):start]), is_range, False, noun))
    # "60–70 miljoner": the first end of a range borrows the unit of the second
    for a, b in zip(out, out[1:]):
        if a.unit is None and b.unit is not None and re.fullmatch(r"\s*(?:[-–]|till)\s*", text[a.end:b.num_start]):
            a.unit = b.unit
            if not re.search(r"\bfrån\s+$", text[max(0, a.start - 8):a.start], re.I):
                a.is_range = b.is_range = True
    return out


def word_numbers(text: str, taken: list[tuple[int, int]]) -> list[Raw]:
    """Number words ("fyrtiofem organisationer", "fyra miljoner kronor") and fractions ("hälften")."""
    out: list[Raw] = []
    for rx, value, approx in FRACTIONS:
        for m in rx.finditer(text):
            pre = text[max(0, m.start() - 30):m.start()]
            out.append(Raw(value, "procent", m.start(), m.end(), m.start(), 0, 2, 0,
                            _approx_before(pre) or ("about" if approx else None), False, True))
    for m in WORD.finditer(text):
        w = m.group().lower()
        if w in ("en", "ett", "noll") or w in ORDINALS or len(w) < 3:
            continue
        if any(s <= m.start() < e for s, e in taken):
            continue
        v = word_to_int(w)
        if v is None:
            continue
        unit, mult, end = None, 1.0, m.end()
        um = UNIT_AFTER.match(text, m.end())
        if um and not um.group("u").startswith("%"):
            unit, mult = canonical_unit(um.group("u"))
            end = um.end()
        noun = None
        if unit is None:
            nm = re.match(r"\s+(?:nya\s+|olika\s+)?([a-zåäöé][\wåäö-]+)", text[end:end + 40])
            if nm:
                noun = nm.group(1)
            if noun is None or noun.lower() in TIME_NOUNS or noun.lower() in STOP or noun.lower() in ORDINALS:
                continue  # "tre år", "två första tertial": durations and positions, not figures
        out.append(Raw(v * mult, unit, m.start(), end, m.start(), 0, len(str(v).rstrip("0")) or 1, 0,
                        _approx_before(text[max(0, m.start() - 30):m.start()]), False, True, noun))
    return out
