"""What the words around a number make of it: sign, aspects (budget, forecast …), measure, own year, table-ness.

Each function reads one clause's text only, so it can be tested on a string.
"""
from __future__ import annotations

import re

from .numbers import Raw
from .words import ASPECT_RULES, MEASURE_HEADS, NEG_WORDS, POS_WORDS, STOP, UNIT_AFTER, WORD


_TREND = re.compile(r"^(?:\w*ökning(?:en)?|ökat?|ökade|ökar|ökad|\w*minskning(?:en)?|minskat?|minskade|minskar|"
                    r"steg|stigit|sjunkit|sjönk|högre|lägre)$", re.I)


def polarity(local: str, after: str) -> int:
    """-1/+1 from the nearest sign word before the number (or just after its unit).

    "ökade till 50" states a level, not a change: before "till" (and "från")
    the trend words (ökade, minskade, högre ...) do not sign the number;
    "underskott" and "negativ" still do.
    """
    words = WORD.findall(local)
    level = bool(re.search(r"\b(?:till|från)\s*$", local, re.I))
    for w in reversed(words[-8:]):
        if level and _TREND.match(w):
            continue
        if NEG_WORDS.match(w):
            return -1
        if POS_WORDS.match(w):
            return 1
    for w in WORD.findall(after)[:4]:
        if w.lower() in ("i", "mot", "jämfört", "än", "budget", "kronor", "miljoner", "lägre", "sämre",
                         "högre", "bättre", "underskott", "överskott"):
            if NEG_WORDS.match(w):
                return -1
            if POS_WORDS.match(w):
                return 1
            continue
        break
    return 0


_CLAUSE_END = re.compile(r"[,;:()]|\s(?:vilket|vilka|som|medan|och|men|samt|varav)\s", re.I)


def aspects(local: str, sentence: str, after: str, ahead: str = "") -> tuple[str, ...]:
    """What kind of number the words around it make it; `ahead` is the clause after it, unbounded."""
    found = []
    # only the words right after the number, in its own clause, qualify it ("20 mkr lägre än budget";
    # in "8,6 procent, vilket är en ökning med 0,7" the increase is the next figure's)
    if re.search(r"\bfrån\s*$", local, re.I) and re.match(r"\s*(?:[a-zåäö%]+\s+){0,2}till\s+[-+\u2212]?\d", ahead,
                                                          re.I):
        return ("outcome", "previous")  # "har stigit från 2,1 till 2,9": the first is the earlier level
    cut = _CLAUSE_END.search(after)
    after = " ".join(WORD.findall(after[:cut.start()] if cut else after)[:4])
    if re.search(r"\btill\s*$", local, re.I):  # "ökade till 50": a level
        local = re.sub(r"\b(?:ökat?|ökade|ökar|minskat?|minskade|minskar|steg|stigit|sjunkit|sjönk)\b", "", local)
    near = local + " " + after
    cut = _CLAUSE_END.search(ahead)
    own_rest = ahead[:cut.start()] if cut else ahead  # "309 mnkr vid samma tidpunkt förra året"
    own_rest = re.split(r"\d", own_rest, maxsplit=1)[0]  # up to the next figure
    for name, rx in ASPECT_RULES:
        # a forecast word anywhere in the figure's part of the clause (its subject, its own words) counts
        scope = sentence + " " + near if name in ("forecast", "year_end") else \
            near + " " + own_rest if name == "previous" else near
        if rx.search(scope):
            found.append(name)
    if "forecast" in found and "year_end" in found:
        found.remove("year_end")
    if "deviation" in found and "budget" in found:
        found.remove("budget")
    if "deviation" in found and "change" in found and not re.search(
            r"föregående|förra|jämfört med (?:samma period )?\d{4}|utveckling", near, re.I):
        found.remove("change")
    if not any(a in found for a in ("deviation", "forecast", "year_end", "budget", "change")):
        found.insert(0, "outcome")
    return tuple(found)


def is_measure_noun(w: str) -> bool:
    """A noun that names what a figure measures, or a compound ending in one ("nettokostnadsutveckling")."""
    return any(w == h or (w.endswith(h) and len(w) > len(h) + 2) for h in MEASURE_HEADS)


def measure(local: str, sentence_head: str) -> str | None:
    """The nearest measure noun before the number, with a genitive owner ("Regionstyrelsens nettokostnader")."""
    def pick(text: str) -> str | None:
        words = list(WORD.finditer(text))
        for i in range(len(words) - 1, -1, -1):
            w = words[i].group().lower()
            if w == "budget" and i > 0 and words[i - 1].group().lower() in ("mot", "än", "till", "från", "med"):
                continue  # "avvikelse mot budget": the measure is the deviation
            if is_measure_noun(w):
                if i > 0:
                    prev = words[i - 1].group()
                    if prev.lower().endswith("s") and prev.lower() not in STOP and len(prev) > 3 \
                            and prev.lower() not in ("års", "procents"):
                        return f"{prev} {words[i].group()}"
                return words[i].group()
        return None

    return pick(local) or pick(sentence_head)


def clauses(text: str, start: int) -> list[tuple[int, int]]:
    """Split a corpus sentence where a PDF dump lost the space after a full stop ("138.Verksamhetens").

    Returns absolute (start, end) pairs; long pieces are cut at ";" to stay under 600 characters.
    """
    cuts = [0]
    for m in re.finditer(r"(?<=[\da-zåäö%)])\.(?=[A-ZÅÄÖ][a-zåäö])", text):
        cuts.append(m.end())
    cuts.append(len(text))
    out = []
    for a, b in zip(cuts, cuts[1:]):
        piece = text[a:b]
        if len(piece) > 600:
            sub = [a] + [a + m.end() for m in re.finditer(r";\s|\s(?:–|-)\s", piece)] + [b]
            for x, y in zip(sub, sub[1:]):
                while y - x > 600:
                    out.append((start + x, start + x + 600))
                    x += 600
                if y > x:
                    out.append((start + x, start + y))
        elif piece.strip():
            out.append((start + a, start + b))
    return out


ROW_END = re.compile(r"[^\n]*?[A-Za-zÅÄÖåäö)][ \t]+[-\u2212\u2013]?\d[\d \u00a0,]*[ \t]*(?=\n|$)")


def row_like(clause: str, r: Raw) -> bool:
    """A bare number closing a line that a capitalised label starts: a table row the layout kept as prose."""
    if r.unit is not None:
        return False
    line_start = clause.rfind("\n", 0, r.start) + 1
    line_end = clause.find("\n", r.end)
    line_end = len(clause) if line_end < 0 else line_end
    if clause[r.end:line_end].strip():
        return False
    line = clause[line_start:r.start]
    nxt = clause[line_end + 1:line_end + 2]
    return bool(line[:1].isupper() and not re.search(r"[.:;]\s*$", line)
                and (nxt.isupper() or line_end >= len(clause) and len(ROW_END.findall(clause)) >= 2))


def number_dense(clause: str) -> bool:
    """Six or more numbers making up a third of the tokens: "... 791 70 5 6 080 ..." is a table row."""
    toks = clause.split()
    # prose gives its numbers units and years ("1,4 procent 2025, 1,7 procent 2026"): those do not count
    nums = sum(1 for i, t in enumerate(toks) if re.fullmatch(r"[-\u2212+(]?\d[\d,.%)]*", t)
               and not re.fullmatch(r"(?:19|20)\d\d[.,:;)]*", t)
               and not (i + 1 < len(toks) and UNIT_AFTER.match(" " + toks[i + 1])))
    return nums >= 6 and nums >= 0.33 * len(toks)


ENUMERATION = re.compile(r"(?:(?:19|20)\d\d\s*)?(?:,|\s(?:och|samt|respektive))\s*$")
YEAR_BEFORE = re.compile(r"(?:^|\n|\()[ \t•\-–]*((?:19|20)\d\d)\s*:[^\n()]*$")
YEAR_AFTER = re.compile(r"[ \t]*(?:\(\s*|(?:under|för|år|i)\s+|(?:för\s+)?(?:samma|motsvarande)\s+"
                         r"(?:period|tid|tidpunkt)\s+(?:i\s+fjol\s+|år\s+)?)?((?:19|20)\d\d)\b(?![-–/]\d|\s*:)",
                         re.I)
# a year a comparison names is the baseline, not the figure's date: "jämfört med samma period 2021"
BASE_YEAR = re.compile(r"\b(?:(?:jämfört\s+med|än|mot|sedan|från|i\s+förhållande\s+till)\s+(?:för\s+)?"
                        r"(?:(?:samma|motsvarande)\s+period\s+(?:i\s+fjol\s+|år\s+)?|året\s+|år\s+|helåret\s+)?|"
                        r"(?:samma|motsvarande)\s+(?:period|tid|tidpunkt)\s+(?:i\s+fjol\s+|år\s+)?)"
                        r"((?:19|20)\d\d)(?!\d)", re.I)


def own_year(clause: str, r: Raw) -> int | None:
    """The year written with this figure alone: "2021: 812 mkr", "(2021: 5,6 %)", "1,8 procent 2024",
    "6,9 procent under 2022", "70 % (2020)"."""
    m = YEAR_BEFORE.search(clause, 0, r.start) if r.start else None
    if m and m.end() == r.start:
        return int(m.group(1))
    m = YEAR_AFTER.match(clause, r.end)
    return int(m.group(1)) if m else None
