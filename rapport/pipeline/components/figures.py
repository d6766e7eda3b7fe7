"""rapport_figures: the figures quoted in prose, with value, unit and what they measure.

A figure is a number a sentence states about the organisation: "ett underskott
mot budget på 218 miljoner kronor", "1,3 miljarder", "drygt 140 mnkr",
"minus 50", "en ökning med 2,1 procentenheter", "fyrtiofem organisationer",
"hälften av medarbetarna". Each becomes a `Figure` on `doc.spans["figures"]`
(span = the number and its unit, `span._.fact` = the Figure).

Why it looks the way it does:
- `value` keeps the unit as written ("1,3 miljarder" → 1.3 mdkr) together
  with `decimals`, so the linker knows the precision the writer used and can
  tell an exact match from a rounded one; `in_unit()` converts (1 300 mkr).
- The sign comes from the words around the number, not only from "-":
  Swedish reports write deficits as "underskott på 50", "negativ avvikelse
  på 50", "en nettokostnadsminskning på 1,3 procent" (compounds count).
- `aspects` say which kind of table column the figure can come from:
  outcome (default), forecast, budget, deviation (from budget), change
  (against an earlier period), previous (an earlier year). The linker
  compares them with the column headers.
- Numbers that are not figures are left out: years, dates, identifiers
  ("Mål 5", "Not 3", "covid-19", "1177.se"), ordinals ("andra", "första"),
  durations ("tre år"), "per 1 000 invånare" denominators, and table rows
  the layout left in the prose. Both ends of a range ("60–70 miljoner") are
  kept but flagged `is_range`: the linker does not link them.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from rapport.corpus.numbers import UNIT_SCALE_KR, word_to_int
from rapport.corpus.months import month_alternation

from ..spans import document, sentences

MONEY_UNITS = ("mdkr", "mkr", "tkr", "kr")

# ---------------------------------------------------------------- lexicons

_SP = "[ \u00a0\u202f\u2009]"
_NUM = re.compile(rf"(?<![\d,])\d{{1,3}}(?:{_SP}\d{{3}})+(?:,\d+)?(?![\d])|(?<![\d,])\d+(?:,\d+)?(?![\d])")

# unit words right after a number; _canonical_unit maps each to its unit
_UNIT_AFTER = re.compile(
    r"""\s{0,3}(?P<u>
        miljarder(?:\s+kronor|\s+kr\b)?|miljard(?:\s+kronor)?|mdkr|mdr\b|mld(?:\s*kr)?\b|
        miljoner(?:\s+kronor|\s+kr\b)?|miljon(?:\s+kronor)?|mnkr|mkr|mn\s?kr|milj\.?(?:\s*kr\b)?|msek|
        tusen(?:\s+kronor|\s+kr\b)|tkr|ksek|tusen|
        kronor|kr\b|sek\b|
        procentenheter|procentenhet|%-enheter|%-enhet|p\.e\.|
        procent|%|
        stycken|st\b\.?
    )(?![a-zåäö])""",
    re.I | re.X,
)

_ID_BEFORE = re.compile(
    r"(?:\b(?:mål|målet|not|noter|nr|nummer|kapitel|kap|avsnitt|bilaga|sidan|sida|s|punkt|steg|fas|"
    r"version|etapp|sfs|dnr|vecka|v|kl|klockan|nivå|tabell|figur|diagram|bild|område|ruta|paragraf|"
    r"tertial|kvartal|år|byggnad|hus|prio|prioritet|fokusområde|tlf|tel|telefon|rum|våning)\.?|§)\s*$",
    re.I,
)
_DATE = re.compile(r"\b(?:19|20)\d\d[-–/]\d{1,2}(?:[-–/]\d{1,2})?\b|\b\d{1,2}/\d{1,2}(?:[-–/]\d{2,4})?\b")
_TIME_NOUNS = {"år", "åren", "års", "månad", "månader", "månaders", "dag", "dagar", "dagars", "vecka", "veckor",
               "veckors", "timme", "timmar", "timmars", "minut", "minuter", "sekund", "sekunder", "tertial",
               "kvartal", "halvår", "gånger", "gång"}
_ORDINALS = {"första", "andra", "tredje", "fjärde", "femte", "sjätte", "sjunde", "åttonde", "nionde", "tionde",
             "elfte", "tolfte"}

# fraction words: value in procent
_FRACTIONS = [
    (re.compile(r"\b(?:hälften|halva|halvparten)\b", re.I), 50.0, False),
    (re.compile(r"\ben\s+tredjedel\b|\bvar\s+tredje\b", re.I), 100 / 3, True),
    (re.compile(r"\btvå\s+tredjedelar\b", re.I), 200 / 3, True),
    (re.compile(r"\ben\s+fjärdedel\b|\bvar\s+fjärde\b", re.I), 25.0, False),
    (re.compile(r"\btre\s+fjärdedelar\b", re.I), 75.0, False),
    (re.compile(r"\ben\s+femtedel\b|\bvar\s+femte\b", re.I), 20.0, False),
    (re.compile(r"\bvar\s+tionde\b|\ben\s+tiondel\b", re.I), 10.0, False),
]

# approximation words just before a number -> kind of tolerance
_APPROX = [
    (re.compile(r"(?:\bdrygt|\bdryga|\bstrax\s+över|\bnågot\s+över|\blite\s+drygt)\s*$", re.I), "above"),
    (re.compile(r"(?:\bknappt|\bknappa|\bnästan|\bnärmare|\bnära|\bstrax\s+under|\bnågot\s+under)\s*$", re.I),
     "below"),
    (re.compile(r"(?:\bcirka|\bca\.?|\bc:a|\bungefär|\bomkring|\bruntomkring|\brunt|\bkring|\buppskattningsvis|"
                r"\bi\s+storleksordningen|\bi\s+runda\s+tal|\bsådär)\s*$", re.I), "about"),
    (re.compile(r"(?:\bminst|\bhögst|\bmax|\bmaximalt|\bminimum|\bmer\s+än|\bmindre\s+än|\bfler\s+än|"
                r"\bfärre\s+än|\bunder|\böver|\bupp\s+till|\bupp\s+emot|\böverstiga|\bunderstiga)\s*$|"
                r"\b(?:minst|högst|maximalt|max)\s+(?:uppgå|uppgår|vara|är|bli|ligga|ligger|motsvara|motsvarar)"
                r"(?:\s+(?:till|på|vid))?\s*$", re.I),
     "bound"),
]

_NEG_WORDS = re.compile(
    r"^(?:negativ[at]?|underskott\w*|\w*underskott(?:et)?|minus|\w*minskning(?:en)?|minskat?|minskade|minskar|"
    r"lägre|sämre|\w*försämring(?:en)?|försämrats?|förlust(?:en)?|\w*förlust|nedgång(?:en)?|sjunkit|sjönk|"
    r"tapp(?:et)?|budgetunderskott\w*|överskridande|överskridit|överskrider|merkostnad\w*)$", re.I)
_POS_WORDS = re.compile(
    r"^(?:positiv[at]?|överskott\w*|\w*överskott(?:et)?|plus|\w*ökning(?:en)?|ökat?|ökade|ökar|ökad|"
    r"högre|bättre|\w*förbättring(?:en)?|förbättrats?|vinst(?:en)?|steg|stigit|budgetöverskott\w*)$", re.I)

_ASPECT_RULES = [
    ("deviation", re.compile(
        r"avvikelse|avviker|avvika|\bmot\s+budget|jämfört\s+med\s+budget|än\s+budget|i\s+förhållande\s+till\s+"
        r"budget|budgetöverskott|budgetunderskott|överskott\s+mot|underskott\s+mot|budgetavvik|avv\b|"
        r"\bdiff\b|differens|"
        # against a target: "240 mnkr bättre än målet", "lägre än resultatmålet"
        r"(?:bättre|sämre|högre|lägre|mer|mindre)\s+än\s+(?:det\s+)?\w*mål(?:et|en|nivån)?\b", re.I)),
    ("forecast", re.compile(
        r"prognos|prognostiser|prognosticer|beräknas|bedöms|förväntas|väntas", re.I)),
    # the year's end: a forecast in an interim report, the outcome in an annual report (the linker decides)
    ("year_end", re.compile(
        r"helår|helåret|vid\s+årets\s+(?:slut|utgång)|års\s+utgång|vid\s+årsskiftet|årsutfall", re.I)),
    ("change", re.compile(
        r"\bökat\b|\bökade\b|\bökar\b|\bökning|\bminskat\b|\bminskade\b|\bminskar\b|\bminskning|"
        r"utveckling(?:en)?\b|"
        r"förändring|föregående\s+år|jämfört\s+med\s+(?:samma\s+period\s+)?(?:föregående|förra|i\s+fjol|\d{4})|"
        r"högre\s+än\s+(?!budget|(?:det\s+)?\w*mål)|lägre\s+än\s+(?!budget|(?:det\s+)?\w*mål)", re.I)),
    ("budget", re.compile(r"\bbudget(?:erat|erade|eras|en|ens)?\b|budgeterad|\bram(?:en)?\b", re.I)),
    ("previous", re.compile(r"föregående\s+år|förra\s+året|i\s+fjol|fjolåret|år\s+20\d\d\s+var|"
                            r"året\s+(?:innan|före)|(?:ett|1)\s+år\s+tidigare", re.I)),
]

# nouns that name what a figure measures; compounds ending in one count too
_MEASURE_HEADS = (
    "resultat", "kostnad", "kostnader", "intäkt", "intäkter", "avvikelse", "underskott", "överskott",
    "netto", "nettokostnad", "nettokostnader", "utveckling", "frånvaro", "skuld", "skulden", "tillgångar",
    "kapital", "soliditet", "likviditet", "investering", "investeringar", "utgift", "utgifter", "finansiering",
    "andel", "andelen", "antal", "antalet", "ökning", "ökningen", "minskning", "effekt", "effekten",
    "besparing", "skatteintäkter", "statsbidrag", "ersättning", "bidrag", "budget", "nivå", "nivån", "grad",
    "graden", "värde", "värdet", "måluppfyllelse", "måluppfyllelsen", "prognos", "prognosen", "utfall",
    "utfallet", "omsättning", "ram", "ramen", "anslag", "premie", "avkastning", "avkastningen", "räntor",
    "lån", "låneskuld", "pensionsskuld", "åtagande", "åtagandet", "sjukfrånvaro", "sjukfrånvaron", "volym",
    "besök", "kö", "väntetid", "finansnetto", "finansnettot", "balanskravsresultat", "kostnadsutveckling",
    "nettokostnadsutveckling", "budgetavvikelse", "budgetavvikelsen", "skattesats", "skattesatsen",
    "medarbetare", "anställda", "patienter", "invånare", "resultatet", "kostnaderna", "intäkterna",
)
_STOP = {
    "och", "i", "på", "för", "med", "till", "av", "om", "som", "är", "att", "det", "en", "ett", "den", "de",
    "har", "var", "vilket", "vilken", "inom", "mot", "efter", "per", "under", "samt", "eller", "från", "vid",
    "uppgår", "uppgick", "uppgå", "blir", "bli", "visar", "redovisar", "redovisas", "totalt", "sammantaget",
    "också", "även", "dock", "där", "här", "sig", "sin", "sina", "sitt", "så", "nu", "än", "men", "ca",
}

_WORD = re.compile(r"[A-Za-zÅÄÖåäöÉéÜü][\wÅÄÖåäöÉéÜü-]*")


# ---------------------------------------------------------------- the record

@dataclass(frozen=True, slots=True)
class Figure:
    """One number stated in prose, as written and as meant."""

    value: float  # signed, in `unit` as written: "ett underskott på 1,3 miljarder" -> -1.3 (mdkr)
    unit: str | None  # mdkr, mkr, tkr, kr, procent, procentenheter, antal, or None (bare number)
    written: str  # the mention as in the text: "1,3 miljarder", "+869 miljoner kronor"
    start: int  # offsets of the mention in the cleaned document
    end: int
    sent_start: int  # the clause that carries it (the evidence)
    sent_end: int
    local_start: int  # the words that belong to this figure (since the previous figure)
    local_end: int
    measure: str | None  # what it measures: "balanskravsresultat", "nettokostnadsutveckling"
    polarity: int = 0  # -1 deficit/decrease, +1 surplus/increase, 0 not said
    approx: str | None = None  # above ("drygt"), below ("knappt"), about ("cirka"), bound ("minst")
    decimals: int = 0  # digits after the decimal comma as written
    sig_digits: int = 1  # significant digits as written ("2 400" -> 2, "1 024" -> 4)
    aspects: tuple[str, ...] = ("outcome",)
    years: tuple[int, ...] = ()  # years named in the sentence
    is_range: bool = False  # "60–70 miljoner": one end of a range
    from_words: bool = False  # "fyrtiofem", "hälften"
    noun: str | None = None  # the counted noun for bare numbers: "1 043 anställda" -> "anställda"
    signed: bool = field(default=False)  # "+869", "-50", "minus 50": sign written explicitly

    @property
    def magnitude(self) -> float:
        return abs(self.value)

    @property
    def is_money(self) -> bool:
        return self.unit in MONEY_UNITS

    def in_unit(self, unit: str) -> float | None:
        """The value expressed in another money unit: 1,3 miljarder -> 1300.0 in "mkr"."""
        if self.unit == unit:
            return self.value
        if self.unit in UNIT_SCALE_KR and unit in UNIT_SCALE_KR:
            return self.value * UNIT_SCALE_KR[self.unit] / UNIT_SCALE_KR[unit]
        return None

    @property
    def mkr(self) -> float | None:
        return self.in_unit("mkr")

    def to_dict(self) -> dict:
        return {f: getattr(self, f) for f in self.__slots__}


# ---------------------------------------------------------------- unit words

def _canonical_unit(u: str) -> tuple[str | None, float]:
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
class _Raw:
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
    for m in _DATE.finditer(text, max(0, s - 11), min(len(text), e + 11)):
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
        if not _UNIT_AFTER.match(after) or re.match(r"\s*(?:st|stycken)\b", after):
            return True  # a year
    if re.match(r"\s*[-–]\s*\d{1,2}(?:[-–]\d{1,2})?\b", after) and len(plain) == 4:
        return True  # 2021-08, 2020–2023
    if re.match(r"\s*(?:%s)\b" % month_alternation(), after, re.I):
        return True  # 31 augusti
    if _ID_BEFORE.search(before) and not _UNIT_AFTER.match(after):
        return True  # Mål 5, Not 3, kl. 13
    if re.search(r"\bper\s*$", before, re.I) and not _UNIT_AFTER.match(after):
        return True  # per 1 000 invånare
    return False


def _approx_before(before: str) -> str | None:
    for rx, kind in _APPROX:
        if rx.search(before):
            return kind
    return None


_SPACED_MINUS = re.compile(r"([\-\u2212]) $")


def _numbers(text: str) -> list[_Raw]:
    """Digit figures of one clause (offsets relative to the clause)."""
    out: list[_Raw] = []
    for m in _NUM.finditer(text):
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
        um = _UNIT_AFTER.match(text, e)
        if um:
            unit, mult = _canonical_unit(um.group("u"))
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
            if nm and nm.group(1).lower() not in _STOP:
                noun = nm.group(1)
        out.append(_Raw(value * mult, unit, start, end, s, dec, sig, sign,
                        _approx_before(text[max(0, start - 30):start]), is_range, False, noun))
    # "60–70 miljoner": the first end of a range borrows the unit of the second
    for a, b in zip(out, out[1:]):
        if a.unit is None and b.unit is not None and re.fullmatch(r"\s*(?:[-–]|till)\s*", text[a.end:b.num_start]):
            a.unit = b.unit
            if not re.search(r"\bfrån\s+$", text[max(0, a.start - 8):a.start], re.I):
                a.is_range = b.is_range = True
    return out


def _words_numbers(text: str, taken: list[tuple[int, int]]) -> list[_Raw]:
    """Number words ("fyrtiofem organisationer", "fyra miljoner kronor") and fractions ("hälften")."""
    out: list[_Raw] = []
    for rx, value, approx in _FRACTIONS:
        for m in rx.finditer(text):
            pre = text[max(0, m.start() - 30):m.start()]
            out.append(_Raw(value, "procent", m.start(), m.end(), m.start(), 0, 2, 0,
                            _approx_before(pre) or ("about" if approx else None), False, True))
    for m in _WORD.finditer(text):
        w = m.group().lower()
        if w in ("en", "ett", "noll") or w in _ORDINALS or len(w) < 3:
            continue
        if any(s <= m.start() < e for s, e in taken):
            continue
        v = word_to_int(w)
        if v is None:
            continue
        unit, mult, end = None, 1.0, m.end()
        um = _UNIT_AFTER.match(text, m.end())
        if um and not um.group("u").startswith("%"):
            unit, mult = _canonical_unit(um.group("u"))
            end = um.end()
        noun = None
        if unit is None:
            nm = re.match(r"\s+(?:nya\s+|olika\s+)?([a-zåäöé][\wåäö-]+)", text[end:end + 40])
            if nm:
                noun = nm.group(1)
            if noun is None or noun.lower() in _TIME_NOUNS or noun.lower() in _STOP or noun.lower() in _ORDINALS:
                continue  # "tre år", "två första tertial": durations and positions, not figures
        out.append(_Raw(v * mult, unit, m.start(), end, m.start(), 0, len(str(v).rstrip("0")) or 1, 0,
                        _approx_before(text[max(0, m.start() - 30):m.start()]), False, True, noun))
    return out


_TREND = re.compile(r"^(?:\w*ökning(?:en)?|ökat?|ökade|ökar|ökad|\w*minskning(?:en)?|minskat?|minskade|minskar|"
                    r"steg|stigit|sjunkit|sjönk|högre|lägre)$", re.I)


def _polarity(local: str, after: str) -> int:
    """-1/+1 from the nearest sign word before the number (or just after its unit).

    "ökade till 50" states a level, not a change: before "till" (and "från")
    the trend words (ökade, minskade, högre ...) do not sign the number;
    "underskott" and "negativ" still do.
    """
    words = _WORD.findall(local)
    level = bool(re.search(r"\b(?:till|från)\s*$", local, re.I))
    for w in reversed(words[-8:]):
        if level and _TREND.match(w):
            continue
        if _NEG_WORDS.match(w):
            return -1
        if _POS_WORDS.match(w):
            return 1
    for w in _WORD.findall(after)[:4]:
        if w.lower() in ("i", "mot", "jämfört", "än", "budget", "kronor", "miljoner", "lägre", "sämre",
                         "högre", "bättre", "underskott", "överskott"):
            if _NEG_WORDS.match(w):
                return -1
            if _POS_WORDS.match(w):
                return 1
            continue
        break
    return 0


_CLAUSE_END = re.compile(r"[,;:()]|\s(?:vilket|vilka|som|medan|och|men|samt|varav)\s", re.I)


def _aspects(local: str, sentence: str, after: str, ahead: str = "") -> tuple[str, ...]:
    """What kind of number the words around it make it; `ahead` is the clause after it, unbounded."""
    found = []
    # only the words right after the number, in its own clause, qualify it ("20 mkr lägre än budget";
    # in "8,6 procent, vilket är en ökning med 0,7" the increase is the next figure's)
    if re.search(r"\bfrån\s*$", local, re.I) and re.match(r"\s*(?:[a-zåäö%]+\s+){0,2}till\s+[-+\u2212]?\d", ahead,
                                                          re.I):
        return ("outcome", "previous")  # "har stigit från 2,1 till 2,9": the first is the earlier level
    cut = _CLAUSE_END.search(after)
    after = " ".join(_WORD.findall(after[:cut.start()] if cut else after)[:4])
    if re.search(r"\btill\s*$", local, re.I):  # "ökade till 50": a level
        local = re.sub(r"\b(?:ökat?|ökade|ökar|minskat?|minskade|minskar|steg|stigit|sjunkit|sjönk)\b", "", local)
    near = local + " " + after
    cut = _CLAUSE_END.search(ahead)
    own_rest = ahead[:cut.start()] if cut else ahead  # "309 mnkr vid samma tidpunkt förra året"
    own_rest = re.split(r"\d", own_rest, maxsplit=1)[0]  # up to the next figure
    for name, rx in _ASPECT_RULES:
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


def _measure(local: str, sentence_head: str) -> str | None:
    """The nearest measure noun before the number, with a genitive owner ("Regionstyrelsens nettokostnader")."""
    def pick(text: str) -> str | None:
        words = list(_WORD.finditer(text))
        for i in range(len(words) - 1, -1, -1):
            w = words[i].group().lower()
            if w == "budget" and i > 0 and words[i - 1].group().lower() in ("mot", "än", "till", "från", "med"):
                continue  # "avvikelse mot budget": the measure is the deviation
            if any(w == h or (w.endswith(h) and len(w) > len(h) + 2) for h in _MEASURE_HEADS):
                if i > 0:
                    prev = words[i - 1].group()
                    if prev.lower().endswith("s") and prev.lower() not in _STOP and len(prev) > 3 \
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


_ROW_END = re.compile(r"[^\n]*?[A-Za-zÅÄÖåäö)][ \t]+[-\u2212\u2013]?\d[\d \u00a0,]*[ \t]*(?=\n|$)")


def _row_like(clause: str, r: "_Raw") -> bool:
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
                and (nxt.isupper() or line_end >= len(clause) and len(_ROW_END.findall(clause)) >= 2))


def _number_dense(clause: str) -> bool:
    """Six or more numbers making up a third of the tokens: "... 791 70 5 6 080 ..." is a table row."""
    toks = clause.split()
    # prose gives its numbers units and years ("1,4 procent 2025, 1,7 procent 2026"): those do not count
    nums = sum(1 for i, t in enumerate(toks) if re.fullmatch(r"[-\u2212+(]?\d[\d,.%)]*", t)
               and not re.fullmatch(r"(?:19|20)\d\d[.,:;)]*", t)
               and not (i + 1 < len(toks) and _UNIT_AFTER.match(" " + toks[i + 1])))
    return nums >= 6 and nums >= 0.33 * len(toks)


_ENUMERATION = re.compile(r"(?:(?:19|20)\d\d\s*)?(?:,|\s(?:och|samt|respektive))\s*$")
_YEAR_BEFORE = re.compile(r"(?:^|\n|\()[ \t•\-–]*((?:19|20)\d\d)\s*:[^\n()]*$")
_YEAR_AFTER = re.compile(r"[ \t]*(?:\(\s*|(?:under|för|år|i)\s+|(?:för\s+)?(?:samma|motsvarande)\s+"
                         r"(?:period|tid|tidpunkt)\s+(?:i\s+fjol\s+|år\s+)?)?((?:19|20)\d\d)\b(?![-–/]\d|\s*:)",
                         re.I)
# a year a comparison names is the baseline, not the figure's date: "jämfört med samma period 2021"
_BASE_YEAR = re.compile(r"\b(?:(?:jämfört\s+med|än|mot|sedan|från|i\s+förhållande\s+till)\s+(?:för\s+)?"
                        r"(?:(?:samma|motsvarande)\s+period\s+(?:i\s+fjol\s+|år\s+)?|året\s+|år\s+|helåret\s+)?|"
                        r"(?:samma|motsvarande)\s+(?:period|tid|tidpunkt)\s+(?:i\s+fjol\s+|år\s+)?)"
                        r"((?:19|20)\d\d)(?!\d)", re.I)


def _own_year(clause: str, r: "_Raw") -> int | None:
    """The year written with this figure alone: "2021: 812 mkr", "(2021: 5,6 %)", "1,8 procent 2024",
    "6,9 procent under 2022", "70 % (2020)"."""
    m = _YEAR_BEFORE.search(clause, 0, r.start) if r.start else None
    if m and m.end() == r.start:
        return int(m.group(1))
    m = _YEAR_AFTER.match(clause, r.end)
    return int(m.group(1)) if m else None


def find_figures(text: str, offset: int = 0) -> list[Figure]:
    """Every figure in one sentence `text` starting at document offset `offset`, in reading order."""
    figures: list[Figure] = []
    for cs, ce in clauses(text, offset):
        clause = text[cs - offset:ce - offset]
        if len(_ROW_END.findall(clause)) >= 2 or _number_dense(clause):
            continue  # a table the layout kept as prose
        raws = [r for r in _numbers(clause) if not _row_like(clause, r)]
        raws += _words_numbers(clause, [(r.start, r.end) for r in raws])
        raws.sort(key=lambda r: r.start)
        base = {m.start(1) for m in _BASE_YEAR.finditer(clause)}
        years = tuple(sorted({int(m.group(1)) for m in re.finditer(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)", clause)
                              if m.start(1) not in base}))
        # a year written with one figure belongs to it; the others share the clause's remaining years
        own = [_own_year(clause, r) for r in raws]
        claimed = {y for y in own if y is not None}
        rest = tuple(y for y in years if y not in claimed)
        prev_end = 0
        for k, r in enumerate(raws):
            nxt = raws[k + 1].start if k + 1 < len(raws) else len(clause)
            local = clause[prev_end:r.start]
            after = clause[r.end:min(nxt, r.end + 30)]
            pol = r.sign or _polarity(local, after)
            value = -r.value if pol < 0 else r.value
            # the clause's subject (before its first figure) speaks for every figure; later figures' words do not
            aspects = _aspects(local, clause[:raws[0].start] if k else "", after, clause[r.end:r.end + 60])
            measure = r.noun if r.unit is None and r.noun else _measure(local, clause[:r.start])
            if k and figures and figures[-1].sent_start == cs and figures[-1].unit == (r.unit or figures[-1].unit) \
                    and _ENUMERATION.search(local) and aspects == ("outcome",):
                # "1,5 procent av X 2023, 1,8 procent 2024 och 2,3 procent 2025": a list shares its first item's
                # kind and measure
                aspects = tuple(a for a in figures[-1].aspects if a != "previous") or aspects
                measure = figures[-1].measure
            figures.append(Figure(
                value=value, unit=r.unit or ("antal" if r.noun and r.noun.lower() not in _TIME_NOUNS else None),
                written=clause[r.start:r.end], start=cs + r.start, end=cs + r.end,
                sent_start=cs, sent_end=ce, local_start=cs + prev_end, local_end=cs + min(nxt, r.end + 60),
                measure=measure, polarity=pol, approx=r.approx,
                decimals=r.decimals, sig_digits=r.sig, aspects=aspects,
                years=(own[k],) if own[k] is not None else rest,
                is_range=r.is_range, from_words=r.from_words, noun=r.noun, signed=bool(r.sign),
            ))
            prev_end = r.end
    return figures


# ---------------------------------------------------------------- spans that carry facts

def taken_offsets(doc: Doc) -> set[tuple[int, int]]:
    """(start_char, end_char) of every span already in doc.spans.

    spaCy keeps `span._.fact` in doc.user_data under the span's character
    offsets only, so two spans with the same offsets, in any groups, share one
    fact: the later write wins. Our carriers avoid every offset pair in use.
    """
    return {(s.start_char, s.end_char) for key in doc.spans for s in doc.spans[key]}


def carrier_span(doc: Doc, start: int, end: int, taken: set[tuple[int, int]]) -> Span | None:
    """A span over [start, end) (token-aligned) whose offsets no other fact uses yet.

    When the mention's own offsets are taken (a second link of the same figure),
    the span grows by one token to the right, then to the left, until it is free.
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    i, j = span.start, span.end
    grow_right = True
    for _ in range(2 * len(doc) + 2):
        cand = doc[i:j]
        key = (cand.start_char, cand.end_char)
        if key not in taken:
            taken.add(key)
            return Span(doc, i, j)
        if grow_right and j < len(doc):
            j += 1
        elif i > 0:
            grow_right = False
            i -= 1
        elif j < len(doc):
            j += 1
        else:
            return None
    return None


# ---------------------------------------------------------------- the component

@Language.factory("rapport_figures", requires=["doc._.document"], assigns=["doc.spans"],
                  default_config={"max_per_sentence": 12})
def make_figures(nlp: Language, name: str, max_per_sentence: int):
    return FigureFinder(max_per_sentence)


class FigureFinder:
    """Writes doc.spans["figures"]: one span per figure mention, the Figure on span._.fact."""

    def __init__(self, max_per_sentence: int = 12):
        # a "sentence" with more figures than this is a table row the layout missed
        self.max_per_sentence = max_per_sentence

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        taken = taken_offsets(doc)
        d = document(doc)
        for span, sent in sentences(doc):
            figs = find_figures(d.text[sent.start:sent.end], sent.start)
            if len(figs) > self.max_per_sentence:
                continue
            for f in figs:
                s = carrier_span(doc, f.start, f.end, taken)
                if s is None:
                    continue
                s._.fact = f
                spans.append(s)
        doc.spans["figures"] = spans
        return doc
