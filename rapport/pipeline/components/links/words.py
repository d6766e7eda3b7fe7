"""Words as the linker compares them: inflected forms, Swedish compound parts, content words of
labels and prose, and the statement words a sentence word stands for."""
from __future__ import annotations

import re
from functools import lru_cache

# ---------------------------------------------------------------- words

_TOKEN = re.compile(r"[a-zåäöéü]+(?:-[a-zåäöéü]+)*", re.I)
_STOP = {
    "och", "i", "på", "för", "med", "till", "av", "om", "som", "är", "att", "det", "en", "ett", "den", "de",
    "har", "var", "vilket", "vilken", "inom", "mot", "efter", "per", "under", "samt", "eller", "från", "vid",
    "sig", "sin", "sina", "sitt", "så", "nu", "än", "men", "ca", "enligt", "varav", "exkl", "inkl",
    "inklusive", "exklusive", "ej", "ingen", "inte", "uppgår", "uppgick", "uppgå", "blir", "bli", "blev",
    "visar", "redovisar", "redovisas", "totalt", "sammantaget", "också", "även", "dock", "där", "här",
    "miljoner", "miljon", "miljarder", "kronor", "mkr", "mnkr", "tkr", "mdkr", "procent", "kr", "belopp",
    "st", "antal", "not", "noter", "tabell", "samma", "denna", "detta", "dessa", "kan", "ska", "skall",
    "kring", "hur", "man", "vad", "när", "då", "vi", "vår", "våra", "vårt", "alla", "andra", "sin", "hos",
    "mm", "bl", "a", "ex", "t", "o", "m", "mer", "mindre", "mellan", "utan", "genom", "inför", "över",
    "vara", "varit", "bli", "få", "får", "fått", "ha", "hade", "sker", "skett", "finns", "gäller", "gör",
    "blivit", "inom", "ut", "upp", "in",
}
# label words that say little about which row it is
_GENERIC = {"summa", "total", "totalt", "övrig", "övriga", "övrigt", "region", "regionen", "koncernen",
            "varav", "netto", "s", "a",
            # which period a result covers is the column's business: "Periodens resultat" is named by "resultatet"
            "årets", "periodens"}


_ORG_SUFFIX = re.compile(r"(?:nämnd|styrels|styr|förvaltning|stab|kontor|verksam)\w{0,4}$")


@lru_cache(maxsize=100_000)
def _forms(word: str) -> tuple[str, str, str]:
    """(lowercased word, lemma, snowball stem): three ways to meet an inflected form."""
    from ..lemmas import lemma

    w = word.lower()
    return w, lemma(w), _stem(w)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("swedish")


def _stem(w: str) -> str:
    return _stemmer().stemWord(w)


@lru_cache(maxsize=400_000)
def word_sim(a: str, b: str) -> float:
    """How well word `a` (from a label) is met by word `b` (from a sentence), 0..1.

    1 for the same word in any inflection; compounds meet their parts:
    a label's head named by a more specific sentence word ("resultat" ~
    "balanskravsresultat", 0.8), a label compound named only by its head
    ("patientnämnd" ~ "nämnder", 0.5: the sentence does not say which one),
    a modifier ("budgetavvikelse" ~ "budget", 0.6), a part inside
    ("folkbiblioteksverksamheter" ~ "bibliotek", 0.5), a shared modifier
    ("folkhögskolestyrelsen" ~ "folkhögskolans", 0.4).
    """
    fa, fb = _forms(a), _forms(b)
    if fa[0] == fb[0] or fa[1] == fb[1] or fa[2] == fb[2]:
        return 1.0
    # the snowball stem can cut too deep ("fastigheter" -> "fast"): the lemmas get a say too
    return max(_compound_sim(fa[2], fb[2]), _compound_sim(fa[1], fb[1]) if fa[1] != fa[2] or fb[1] != fb[2] else 0.0)


def _compound_sim(x: str, y: str) -> float:
    """word_sim's compound rules on one pair of forms (label form `x`, sentence form `y`)."""
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) < 4 or (x[:4] != y[:4] and short not in long_):
        return 0.0  # every rule below needs a shared start or one form inside the other
    ox, oy = _ORG_SUFFIX.sub("", x), _ORG_SUFFIX.sub("", y)
    if ox != x and oy != y and ox == oy and len(ox) >= 5:
        return 0.9  # the board and its administration: folkhögskolestyrelsen ~ folkhögskoleförvaltningen
    if long_.startswith(short) and len(long_) - len(short) <= 3:
        return 1.0  # prognos / prognosen, finansnetto / finansnettot
    if long_.endswith(short) and len(short) >= 5:
        return 0.8 if long_ == y else 0.5
    if long_.startswith(short) and len(short) >= 5:
        return 0.6
    if len(short) >= 6 and short in long_:
        return 0.5
    p = 0
    for c1, c2 in zip(x, y):
        if c1 != c2:
            break
        p += 1
    if p >= 7:
        return 0.4
    return 0.0


def content_words(text: str) -> list[str]:
    """Lowercased words that can name something; "hbtq-diplomerade" also gives its parts."""
    out = []
    for m in _TOKEN.finditer(text or ""):
        w = m.group().lower().strip("-")
        if len(w) < 2 or w in _STOP:
            continue
        out.append(w)
        if "-" in w:
            out += [p for p in w.split("-") if len(p) >= 3 and p not in _STOP]
    return out


# what a sentence word also names in a financial statement: "balansomslutningen" is the balance sheet's
# total, printed as "Summa tillgångar" and "Summa eget kapital, avsättningar och skulder"
_SYNONYMS = {
    "balansomslutning": ("tillgångar",),
    "årsresultat": ("årets", "resultat"),  # "ett prognostiserat årsresultat på -36 mnkr"
}
# words that point at a row without naming it: a surplus or deficit is some result ("ett överskott på 140
# mkr" is a result row's number); good enough to rank a cell that holds the number, not to name a row
_HINTS = {
    "överskott": ("resultat",),
    "underskott": ("resultat",),
}


def sentence_words(text: str, hints: bool = True) -> list[str]:
    """content_words of prose, each followed by the statement words it stands for (_SYNONYMS, _HINTS)."""
    out = []
    for w in content_words(text):
        out.append(w)
        for table in ((_SYNONYMS, _HINTS) if hints else (_SYNONYMS,)):
            for key, extra in table.items():
                if w.startswith(key):
                    out.extend(extra)
    return out


def phrase_in(label: str, text: str) -> bool:
    """The label's words appear in the text as one run (inflected: "Periodens resultat" in "periodens resultat som")."""
    lw = [w for w in re.findall(r"[a-zåäöéü]+", label.lower()) if w not in ("summa", "totalt", "s", "a")]
    if not lw or (len(lw) == 1 and len(lw[0]) < 8):
        return False
    tw = re.findall(r"[a-zåäöéü]+", text.lower())
    for i in range(len(tw) - len(lw) + 1):
        if all(word_sim(a, b) >= 1.0 or (j == len(lw) - 1 and word_sim(a, b) >= 0.8)
               for j, (a, b) in enumerate(zip(lw, tw[i:i + len(lw)]))):
            return True
    return False
