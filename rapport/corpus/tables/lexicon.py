"""Words and patterns shared by the table modules: periods, column words, totals, costs, goal lines.

Kept in one place so the line classes, the header parser, the checks and the titles agree on
what a column word or a total row is."""
from __future__ import annotations

import functools
import re

from rapport.corpus.numbers import normalise_spaces
from rapport.corpus.months import MONTH_WORDS, month_alternation

# ====================================================================== lexicon

_PERIOD = re.compile(
    r"^\(?(?:(?:19|20)\d\d(?:[-–/]\d\d(?:[-–]\d\d)?)?(?:[-–]{1,2}(?:(?:19|20)\d\d(?:[-–]\d\d){0,2})?)?"
    r"|(?:19|20)\d\d/(?:19|20)\d\d|(?:19|20)\d\d(?:0[1-9]|1[0-2])|T[1-3]|Q[1-4]|R12)\)?[:,]?$"
)
_HEADER_WORDS = set("""
utfall budget prognos årsprognos diff differens avvikelse budgetavvikelse bokslut föregående år
helår helårs plan mål målvärde ingångsvärde koncernen regionen förändring förändr not noter
belopp mkr mnkr tkr kr ack ackumulerat ack. period perioden prel prel. (prel) (prel.) tb ny
ändring utveckling kostnadsutveckling nettokostnadsutveckling intervall jmf jämfört
% procent antal nämnd indikator måluppfyllelse uppfyllelse styrmått kommentar status
resultat årets dec. aug. helår tertial delår bud utf progn avv andel i och per bedömning
ub ib justerat enligt
""".split()) | MONTH_WORDS
_HEADER_START = re.compile(
    r"^(utfall|budget|prognos|årsprognos|diff|avvikelse|budgetavvikelse|bokslut|föregående|helår|"
    r"plan|mål|målvärde|koncernen|regionen|förändring|not|belopp|ack|intervall|kostnads|"
    r"nettokostnads|\d{4}|(?:" + month_alternation() + r")\.?\s*[-–])", re.I)  # "jan–apr 2023 …"
_TITLE_CUE = re.compile(
    r"\((?:belopp i )?(?:mkr|mnkr|tkr|kr|mdkr|mdr|%|procent|antal)\)|^\s*tabell\b|belopp i|"
    r"räkning|redovisning|analys|balanskrav|resultatbudget|nyckeltal|investering|sammanställning|"
    r"översikt|budget|\bnot \d+\b|\btkr\b|\bmkr\b|\bmnkr\b",
    re.I,
)
_STRONG_TOTAL = re.compile(r"^(summa|s:a|totalt?|total)\b", re.I)
_WEAK_TOTAL = re.compile(
    r"^(summa|s:a|totalt?|total|verksamhetens nettokostnad(er)?|verksamhetens resultat|"
    r"resultat|årets resultat|periodens resultat|finansnetto|kassaflöde|periodens kassaflöde|"
    r"årets kassaflöde|likvida medel vid (periodens|årets) slut|balanskravsresultat|"
    r"medel från|nettoinvesteringar|verksamhetens nettoram|eget kapital)\b|\bnetto\b",
    re.I,
)
_COST = re.compile(r"kostnad|avskrivning|nedskrivning|avgår|minskning|utbetalning", re.I)
_DIFF_HEAD = re.compile(r"diff|avvikelse|förändring|ändring|differens|skillnad|avv\b", re.I)
# a target column ("Mål 2024", "Målvärde"): breakdown rows under a total often leave it blank
_TARGET_HEAD = re.compile(r"\b(?:mål|målvärde|målnivå|target)\b", re.I)
_PCT_HEAD = re.compile(r"%|procent|utveckling", re.I)
_NOTE_IN_LABEL = re.compile(r"\s*\(?\bnot(?:er)?\s+(\d{1,2}(?:\s*,\s*\d{1,2})*)\s*\)?", re.I)
_SENTENCE_END = re.compile(r"[.!?:;]\s*$")

@functools.lru_cache(maxsize=65536)
def _is_period(tok: str) -> bool:
    return bool(_PERIOD.match(tok.strip("()"))) or bool(_PERIOD.match(tok))


@functools.lru_cache(maxsize=65536)
def _known_header_word(t: str) -> bool:
    low = t.lower()
    if low.strip("():,.-–") in _HEADER_WORDS or low.rstrip("-") in _HEADER_WORDS or t in ("%", "-", "–"):
        return True
    # "jan–aug", "prognos–budget", "prognos/budget": header words joined by a dash or slash
    parts = re.split(r"[-–/]", low.strip("():,."))
    return len(parts) == 2 and all(p in _HEADER_WORDS for p in parts)


def _header_tokens(text: str) -> tuple[list[str], int, int]:
    toks = normalise_spaces(text).split()
    periods = sum(1 for t in toks if _is_period(t))
    known = sum(1 for t in toks if _known_header_word(t))
    return toks, periods, known

_IND_HEADER = re.compile(r"^(indikator|styrmått|mått|kontrollmått|regiondirektörens kontrollmått|nyckeltal)\b", re.I)
_GOAL_LINE = re.compile(r"^(mål|målområde|delmål|strategiskt mål)\s*\d+\s*[.:]", re.I)
_NUMBERED_HEADING = re.compile(r"^\d+(\.\d+)*\.? [A-ZÅÄÖ]")
_STATUS_WORDS = {"öka", "minska", "uppnått", "uppnåtts", "delvis", "ej", "inte", "saknas", "pågår", "klart",
                 "genomförd", "genomfört", "framtagen", "fortskrider", "behålla", "bibehålla"}
_FACTOR_LINE = re.compile(r"^(framgångsfaktor|målområde|strategiskt mål|fokusområde|delmål|perspektiv)\s*:\s*\S",
                          re.I)
