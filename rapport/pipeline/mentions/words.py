"""The word lists and patterns the figure finder reads: units, identifiers, signs, aspects, measures.

Kept apart from the scanning code so the lexicon can be read (and extended)
in one place; every pattern is compiled once at import.
"""
from __future__ import annotations

import re

MONEY_UNITS = ("mdkr", "mkr", "tkr", "kr")

SP = "[ \u00a0\u202f\u2009]"
NUM = re.compile(rf"(?<![\d,])\d{{1,3}}(?:{SP}\d{{3}})+(?:,\d+)?(?![\d])|(?<![\d,])\d+(?:,\d+)?(?![\d])")

# unit words right after a number; _canonical_unit maps each to its unit
UNIT_AFTER = re.compile(
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

ID_BEFORE = re.compile(
    r"(?:\b(?:mål|målet|not|noter|nr|nummer|kapitel|kap|avsnitt|bilaga|sidan|sida|s|punkt|steg|fas|"
    r"version|etapp|sfs|dnr|vecka|v|kl|klockan|nivå|tabell|figur|diagram|bild|område|ruta|paragraf|"
    r"tertial|kvartal|år|byggnad|hus|prio|prioritet|fokusområde|tlf|tel|telefon|rum|våning)\.?|§)\s*$",
    re.I,
)
DATE = re.compile(r"\b(?:19|20)\d\d[-–/]\d{1,2}(?:[-–/]\d{1,2})?\b|\b\d{1,2}/\d{1,2}(?:[-–/]\d{2,4})?\b")
TIME_NOUNS = {"år", "åren", "års", "månad", "månader", "månaders", "dag", "dagar", "dagars", "vecka", "veckor",
               "veckors", "timme", "timmar", "timmars", "minut", "minuter", "sekund", "sekunder", "tertial",
               "kvartal", "halvår", "gånger", "gång"}
ORDINALS = {"första", "andra", "tredje", "fjärde", "femte", "sjätte", "sjunde", "åttonde", "nionde", "tionde",
             "elfte", "tolfte"}

# fraction words: value in procent
FRACTIONS = [
    (re.compile(r"\b(?:hälften|halva|halvparten)\b", re.I), 50.0, False),
    (re.compile(r"\ben\s+tredjedel\b|\bvar\s+tredje\b", re.I), 100 / 3, True),
    (re.compile(r"\btvå\s+tredjedelar\b", re.I), 200 / 3, True),
    (re.compile(r"\ben\s+fjärdedel\b|\bvar\s+fjärde\b", re.I), 25.0, False),
    (re.compile(r"\btre\s+fjärdedelar\b", re.I), 75.0, False),
    (re.compile(r"\ben\s+femtedel\b|\bvar\s+femte\b", re.I), 20.0, False),
    (re.compile(r"\bvar\s+tionde\b|\ben\s+tiondel\b", re.I), 10.0, False),
]

# approximation words just before a number -> kind of tolerance
APPROX = [
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

NEG_WORDS = re.compile(
    r"^(?:negativ[at]?|underskott\w*|\w*underskott(?:et)?|minus|\w*minskning(?:en)?|minskat?|minskade|minskar|"
    r"lägre|sämre|\w*försämring(?:en)?|försämrats?|förlust(?:en)?|\w*förlust|nedgång(?:en)?|sjunkit|sjönk|"
    r"tapp(?:et)?|budgetunderskott\w*|överskridande|överskridit|överskrider|merkostnad\w*)$", re.I)
POS_WORDS = re.compile(
    r"^(?:positiv[at]?|överskott\w*|\w*överskott(?:et)?|plus|\w*ökning(?:en)?|ökat?|ökade|ökar|ökad|"
    r"högre|bättre|\w*förbättring(?:en)?|förbättrats?|vinst(?:en)?|steg|stigit|budgetöverskott\w*)$", re.I)

ASPECT_RULES = [
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
MEASURE_HEADS = (
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
STOP = {
    "och", "i", "på", "för", "med", "till", "av", "om", "som", "är", "att", "det", "en", "ett", "den", "de",
    "har", "var", "vilket", "vilken", "inom", "mot", "efter", "per", "under", "samt", "eller", "från", "vid",
    "uppgår", "uppgick", "uppgå", "blir", "bli", "visar", "redovisar", "redovisas", "totalt", "sammantaget",
    "också", "även", "dock", "där", "här", "sig", "sin", "sina", "sitt", "så", "nu", "än", "men", "ca",
}

WORD = re.compile(r"[A-Za-zÅÄÖåäöÉéÜü][\wÅÄÖåäöÉéÜü-]*")
