"""Swedish verb grammar for rapport_events: tense, participles, modality and clause scope.

Whether a trigger word reports something that happened: its form read from the surface
(past, supine, participle, present, base: no tagger), an auxiliary, modal, future or
negation governing it, a participle used as an adjective before a noun, a reduced or
relative clause giving background. Split from the component so the trigger rules, the
date and actor rules and this grammar each live in one module; the rules are the same.
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from rapport.corpus.months import FULL_MONTHS

from ..dates import find_dates
from rapport.corpus.prose import FUNCTION_WORDS

MODALS = frozenset({"ska", "skall", "kommer", "planeras", "planerar", "planerat", "avses", "avser", "beräknas", "bör",
                    "kan", "kunna", "kunnat", "kunde", "skulle", "behöver", "behövt", "måste", "vill", "borde",
                    "föreslås", "föreslår", "förväntas", "väntas", "tros", "ämnar", "hoppas", "får", "fått", "syftar",
                    "avsikten", "målet", "målsättningen", "ambitionen", "önskar", "bedöms"})
NEGATIONS = frozenset({"inte", "ej", "icke", "aldrig", "ingen", "inget", "inga"})
STRONG_PAST = frozenset({"ingick", "ingicks", "tog", "togs", "gav", "gavs", "antog", "antogs", "blev", "drog", "drogs",
                         "bröt", "bröts", "sköt", "sköts", "gick", "fick", "sattes", "satte", "slog", "slogs", "lade",
                         "lades", "la", "avbröt", "avbröts", "utsåg", "utsågs", "beslöt", "beslöts", "invigdes",
                         "undertecknades", "tillträdde", "inleddes", "inledde", "ställdes", "var", "hölls", "höll",
                         "fanns", "kom", "såg", "flyttade", "stängde", "stängdes", "bytte", "byttes"})
PAST_ENDINGS = ("ade", "ades", "de", "des", "te", "tes", "dde", "ddes", "tt", "tts", "at", "ats", "it", "its", "ts",
                "t", "d", "da", "ta", "dd", "dda", "en", "na", "ad", "ats", "ad")
# generic verbs: a noun cue in the sentence decides the type ("ett avtal har tagits fram" is an agreement)
GENERIC = frozenset({"göra", "genomföra", "ta_fram", "framtagen", "skapa", "anpassa", "ändra", "leverera", "utbilda",
                     "leverera_klart", "delta", "bygga", "utvärdera", "etablera", "införa", "prioritera",
                     "tvingas", "drabba", "ta_emot_första"})
ATTRIBUTIVE_BEFORE = frozenset({"totalt", "en", "ett", "den", "det", "de", "denna", "detta", "dessa", "efter", "med", "av", "om",
                                "för", "på", "till", "vid", "genom", "mot", "inom", "utan", "nya", "ny", "nytt",
                                "respektive", "utifrån", "enligt", "dess", "sin", "sitt", "sina", "vår", "vårt", "våra",
                                "deras", "hans", "hennes", "redan", "tidigare", "nyligen", "nu", "politiskt", "antal",
                                "antalet", "andel", "andelen", "samtliga", "alla"})
# words after a participle that show it is a verb, not an adjective before a noun
NOT_NOUN = frozenset({"i", "på", "av", "till", "för", "med", "om", "under", "vid", "från", "och", "som", "att", "den",
                      "det", "de", "en", "ett", "sin", "sitt", "sina", "upp", "in", "ut", "ned", "ner", "över", "fram",
                      "bort", "igång", "även", "också", "nu", "redan", "inte", "ej", "enligt", "efter", "mellan",
                      "inom", "genom", "hos", "mot", "samt", "eller", "men", "så", "då", "där", "här", "tillsammans",
                      "helt", "delvis", "sedan", "ytterligare", "totalt", "bland", "dock", "därför", "alla", "flera"})
PARTICIPLE = ("d", "da", "de", "t", "ta", "te", "na", "en", "ad", "ade")
# participle forms that are never a finite verb: before a noun they are adjectives whatever precedes them
PARTICIPLE_ONLY = ("d", "da", "na", "ad", "dda")
# plural participles that may also be a finite past ("beslutade"): adjectives when coordinated with another
PLURAL_PARTICIPLE = ("ade", "da", "na", "de", "te", "ta")
SUBORDINATE = frozenset({("efter", "att"), ("innan",), ("förrän",)})


def doc_text(doc: Doc) -> str:
    """The document text (cheap; Doc.text rebuilds it), or the Doc's own for a bare sentence Doc."""
    d = doc._.document
    return d.text if d is not None else doc.text


def verb_form(token: Token) -> str:
    """past (incl. supine and participle), present, or base: judged from the surface form."""
    form = token.lower_
    lemma = token.lemma_.lower()
    if form in STRONG_PAST:
        return "past"
    if form.endswith(("ande", "ende", "andet", "bar", "bart", "bara", "ning", "ningen")):
        return "base"  # "färdigställande", "genomförbart", "antagande": nouns and adjectives, not verbs
    if form == lemma and form.endswith(("a", "å")):
        return "base"
    if lemma.endswith("a") and form == lemma[:-1]:
        return "base"  # "en trygg start", "ett test": the verb's bare stem is a noun, not a supine
    if form.endswith("ts") and lemma.endswith("a") and form[:-1] == lemma[:-1] and _known(form[:-1] + "er"):
        return "present"  # "ersätts", "mäts" (ersätter, mäter): a present passive, not a supine like "bytts"
    if form.endswith(PAST_ENDINGS):
        return "past"
    if form.endswith(("r", "s")):
        return "present"
    return "base"


@lru_cache(maxsize=20_000)
def _known(word: str) -> bool:
    from rapport.models.lemmas import is_known

    return is_known(word, "sv")


def happened(token: Token, sent: Span, row: dict | None = None) -> bool:
    """A past/perfect/participle trigger not governed by a modal, a future or a negation."""
    form = "past" if row is not None and row.get("state") else verb_form(token)
    raw = [t for t in token.doc[max(sent.start, token.i - 5):token.i] if not t.is_space]
    left, clause = raw, None
    # stop the look-back at a clause mark: "… beslutat, men kommer att …" concerns what follows
    for k in range(len(raw) - 1, -1, -1):
        if raw[k].is_punct or raw[k].lower_ in ("och", "men", "samt", "som", "vilket", "där"):
            left, clause = raw[k + 1:], raw[k].lower_
            break
    words = {t.lower_ for t in left}
    if form == "past" and _attributive(token, raw, sent):
        return False  # "efter avslutad upphandling", "Basenhetens tilldelade budget": an adjective
    if clause == "som" and _relative(left) and not _dated_after(token, sent):
        return False  # "de mål som fullmäktige har beslutat": background, unless dated ("som genomfördes 2019")
    if words & NEGATIONS:
        return False
    if words & MODALS:
        return False
    if form == "past" and _reduced_relative(token, raw, sent):
        return False  # "en stiftelse bildad 1986", "I finanspolicyn beslutad av fullmäktige … finns": background
    lows = [t.lower_ for t in left]
    if any(tuple(lows[i:i + len(k)]) == k for k in SUBORDINATE for i in range(len(lows))):
        return False  # "efter att budget beslutats", "innan nedgången påbörjades": background to the main clause
    if lows and lows[-1] in ("blir", "bli"):
        return False  # "blir etablerade": a future state
    if form == "past":
        return True
    if form == "present" and (row is None or row["id"] not in GENERIC):
        # "håller nu på att avvecklas", "är nu under avveckling": ongoing in the period
        before = " ".join(t.lower_ for t in token.doc[max(sent.start, token.i - 4):token.i])
        return bool(re.search(r"\b(håller\s+(nu\s+)?på\s+att|nu)\b", before))
    return False


FINITE = frozenset({"är", "var", "finns", "fanns", "har", "hade", "ingår", "utgör", "gäller", "innebär", "ligger"})


def _reduced_relative(token: Token, raw: list[Token], sent: Span) -> bool:
    """A never-finite participle right after a noun while another finite verb carries the sentence.

    "Norrbottens Forskningsråd är en stiftelse bildad 1986" describes the
    foundation; a headline without a finite verb ("Mottagningen i Byn stängd
    17–28 oktober") still reports the closure.
    """
    if not token.lower_.endswith(PARTICIPLE_ONLY) or not raw:
        return False
    prev = raw[-1]
    if not prev.is_alpha or prev.lower_ in AUX | COPULA | FUNCTION_WORDS | {"nu", "redan", "helt", "delvis"}:
        return False
    words = [t for t in sent if not t.is_space]
    before = [k for k, t in enumerate(words) if t.i < token.i and t.lower_ in FINITE | AUX]
    if before:
        # "är en stiftelse bildad 1986" modifies the noun; "var mottagningen i Byn nattstängd" is predicative
        k = before[-1]
        return k + 1 < len(words) and words[k + 1].lower_ in ("en", "ett")
    return any(t.lower_ in FINITE for t in words if t.i > token.i)


def _attributive(token: Token, raw: list[Token], sent: Span) -> bool:
    """A participle used as an adjective before a noun.

    Forms that are never finite ("påbörjad", "inställda", "framtagna") are
    adjectives before any noun; forms that may be a finite past ("beslutade",
    "tilldelade") only after a determiner, preposition or genitive, at the
    start of the sentence, or coordinated with another adjective
    ("prioriterade och beslutade verksamheter").
    """
    low = token.lower_
    if not low.endswith(PARTICIPLE) or low in STRONG_PAST:
        return False
    nxt = next((t for t in token.doc[token.i + 1:sent.end] if not t.is_space), None)
    if nxt is not None and nxt.lower_ in ("och", "eller") and low.endswith(PLURAL_PARTICIPLE):
        # "beslutade och planerade investeringar": the first of two coordinated adjectives
        after = [t for t in token.doc[nxt.i + 1:min(sent.end, nxt.i + 3)] if not t.is_space]
        if len(after) == 2 and after[0].lower_.endswith(PLURAL_PARTICIPLE) and after[1].is_alpha \
                and after[1].text[:1].islower() and after[1].lower_ not in NOT_NOUN:
            return True
    if nxt is None or not nxt.is_alpha or not nxt.text[:1].islower() or nxt.lower_ in NOT_NOUN \
            or nxt.lower_ in FULL_MONTHS or nxt.lower_ in ("vecka", "veckorna", "hela", "större", "stora"):
        return False
    prev = raw[-1] if raw else None
    if prev is not None and prev.lower_ in AUX | COPULA | {"nu", "redan", "även", "också", "sedan", "bland", "annat",
                                                           "helt", "delvis", "tillfälligt"}:
        return False  # "har avslutat projektet", "är nu stängd": a verb after its auxiliary
    if low.endswith(PARTICIPLE_ONLY):
        return True
    if prev is None:
        return True  # "Ändrade regler för …" opening the sentence
    p = prev.lower_
    if p in ATTRIBUTIVE_BEFORE:
        return True
    if any(t.lower_ == "av" for t in raw[-4:]) and any(t.lower_ in ("den", "det", "de", "en", "ett") for t in raw[-7:-1]):
        return True  # "den av nämnden beslutade planen", "den av pandemin skapade vårdskulden"
    if p in ("och", "eller", "samt") and len(raw) > 1 and low.endswith(PLURAL_PARTICIPLE) \
            and raw[-2].lower_.endswith(PLURAL_PARTICIPLE) and raw[-2].is_alpha:
        return True
    genitive = (len(p) > 3 and p.endswith("s") and p not in FULL_MONTHS
                and p not in ("har", "vars", "fortfarande", "redan", "dess", "sedermera", "därefter", "dessutom"))
    return genitive and prev.is_alpha


AUX = frozenset({"har", "hade", "är", "var", "blev", "blivit", "varit", "ha"})
COPULA = frozenset({"vara", "bli", "blir", "hålla", "håller", "höll", "hållit", "hålls", "hölls", "förblev"})
CLAUSE_VERBS = AUX | {"ska", "skall", "kan", "kunde", "finns", "fanns", "kommer", "bedrivs", "ingår", "utgör"}


def _relative(between: list[Token]) -> bool:
    """Whether the words after "som" still belong to its relative clause when the trigger comes.

    "som fullmäktige har beslutat" is; in "som tidigare varit enhet har förnyat" the relative
    clause closed at "varit" and the trigger belongs to the main clause. "som nu är
    färdigställt" reports a completion of the period.
    """
    words = [t.lower_ for t in between]
    if "nu" in words:
        return False
    inner = words[:-1] if words and words[-1] in AUX else words
    return not any(w in CLAUSE_VERBS for w in inner)


def _dated_after(token: Token, sent: Span) -> bool:
    end = token.idx + len(token.text)
    tail = doc_text(token.doc)[end:min(sent.end_char, end + 40)]  # Doc.text would rebuild the whole text
    return any(d.start < 12 for d in find_dates(tail, "2000"))


def after_be(trigger: Token) -> bool:
    prev = [t for t in trigger.doc[max(0, trigger.i - 3):trigger.i] if not t.is_space]
    return any(t.lower_ in ("är", "var", "blev", "blivit", "varit", "vara") for t in prev)
