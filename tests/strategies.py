"""Hypothesis strategies shaped like what PDF dumps and report prose contain (shared by the
property tests and bench/fuzz.py)."""
from __future__ import annotations

from hypothesis import strategies as st

MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december", "jan", "feb", "febr", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt",
          "nov", "dec"]
DASHES = ["-", "–", "—", " - ", " – ", " till ", " till och med ", " t.o.m. ", "–"]
WORDS = ["vården", "regionen", "beslut", "startade", "under", "i", "den", "från", "och", "med", "sedan", "vid",
         "årets", "slut", "mellan", "början", "av", "mitten", "slutet", "vecka", "v.", "veckorna", "våren", "hösten",
         "sommaren", "vintern", "första", "andra", "tredje", "fjärde", "kvartalet", "halvåret", "tertialet",
         "årsskiftet", "året", "år", "månad", "regionplan", "strategi", "senast", "per"]

_day = st.integers(0, 39).map(str)
_year = st.integers(1890, 2110).map(str)
_week = st.integers(0, 60).map(str)
_month = st.sampled_from(MONTHS).flatmap(lambda m: st.sampled_from([m, m.capitalize(), m.upper(), m + "."]))
_iso = st.tuples(st.integers(1899, 2101), st.integers(0, 13), st.integers(0, 32)).map(
    lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}")
_atom = st.one_of(_day, _year, _week, _month, _iso, st.sampled_from(DASHES), st.sampled_from(WORDS),
                  st.sampled_from([":e", ":a", ",", ".", "/", "(", ")"]))

# a run of date-ish atoms: "15 december – mars 2021", "vecka 52–3 2021", "31 april", "2021-02-30"
date_texts = st.lists(_atom, min_size=1, max_size=12).flatmap(
    lambda atoms: st.lists(st.sampled_from([" ", "", "\n", "  "]), min_size=len(atoms), max_size=len(atoms)).map(
        lambda seps: "".join(a + s for a, s in zip(atoms, seps))))

periods = st.one_of(st.none(), st.sampled_from(["2021-08", "2021", "2020-12", "2024"]))

# --- text dumps ------------------------------------------------------------------------------------------
_letters = "abcdefghijklmnopqrstuvwxyzåäöéABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ"
_word = st.text(_letters, min_size=1, max_size=12)
_decomposed = st.sampled_from(["o\u0308", "a\u0308", "a\u030a", "O\u0308", "e\u0301"])
_furniture = st.sampled_from(["\u00a0", "\u00ad", "\u2011", "\u200b", "\ufeff", "\r\n", "\r", "\t", "\f", "\x0c",
                              "\x07", "  "])
_bullet = st.sampled_from(["•", "●", "▪", "-", "–", "••", "●●", "--", "––", "▪▪"])
_token = st.one_of(_word, _word, _word, _decomposed, _furniture, st.integers(0, 999).map(str),
                   st.sampled_from(["-", "–", ".", ",", ":", ";", "%", "(", ")", "/", "!", "?"]))


@st.composite
def dump_lines(draw) -> str:
    """One line of a PDF dump: prose, a bullet item (single or doubled, its text doubled too),
    a hyphenated break, a page number, a blank line."""
    kind = draw(st.sampled_from(["prose", "prose", "bullet", "hyphen", "number", "blank", "header"]))
    if kind == "blank":
        return draw(st.sampled_from(["", " ", "\t", "  "]))
    if kind == "number":
        return draw(st.sampled_from(["{n}", "Sida {n}", "{n} ({t})", " {n} "])).format(n=draw(st.integers(1, 60)),
                                                                                      t=60)
    if kind == "header":
        return "Region Exempel Delårsrapport 2022"
    words = draw(st.lists(_token, min_size=1, max_size=10))
    body = " ".join(words) if draw(st.booleans()) else "".join(words)
    if kind == "bullet":
        body = draw(_bullet) + draw(st.sampled_from(["", " ", "  "])) + (body + (" " if draw(st.booleans()) else "")
                                                                         + body if draw(st.booleans()) else body)
    if kind == "hyphen":
        body = body + draw(st.sampled_from(["-", "–", "\u00ad"]))
    return body


dumps = st.lists(dump_lines(), min_size=1, max_size=40).map("\n".join)
any_text = st.text(max_size=300)
