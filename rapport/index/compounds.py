"""Swedish compound splitting for lexical search.

Swedish writes compounds as one word ("korttidssjukfrånvaro", "läkemedels-
kostnaderna"), so a query word and the report's wording often share only a
part. We split a word into known words from simplemma's Swedish dictionary
(~960k forms): the head (last part) must be a known word of at least 4
letters, the modifier a known word of at least 3, optionally followed by a
linking -s- or -e-/-a-/-u-/-o- ("korttid|s|sjukfrånvaro"). Swedish compounds
are head-final, so the longest known head wins, and the modifier is split
again. Parts are added as extra index terms next to the whole word, never
instead of it; BM25's IDF keeps common parts ("vård") from dominating.
"""
from __future__ import annotations

from functools import lru_cache

MIN_WORD = 7  # shorter words are rarely compounds worth splitting
MIN_HEAD = 4
MIN_HEAD_LINKED = 3
MIN_MODIFIER = 3
LINKS = ("s", "e", "a", "u", "o", "")  # Swedish fogemorfem; "" = no link
# Known "words" that are mostly noise as compound parts (prefixes, letter pairs).
NOT_PARTS = frozenset({"ande", "ende", "ning", "ings", "tion", "ions", "heter", "het", "lig", "liga", "ska", "isk",
                       "iska", "ens", "ers", "ors", "ars", "ter", "der", "ner", "lse", "else", "ring", "ling",
                       "ting", "ering", "enär", "emedan", "ifall", "samt", "eller"})


@lru_cache(maxsize=1)
def _dictionary():
    """simplemma's Swedish word-form → lemma mapping (the one shared, trie-backed copy)."""
    from rapport.models.lemmas import dictionary

    return dictionary("sv")


def is_word(w: str) -> bool:
    return w not in NOT_PARTS and w in _dictionary()


# Derivational endings after which a following "s" is a linking -s- ("marknad|s|andel",
# "tillgänglighet|s|mål"), never the first letter of the head ("sandel", "smål").
S_LINK_ENDINGS = ("ning", "het", "tion", "nad", "dom", "skap", "else", "itet", "ment", "ans", "ens", "tet", "sion")
# Function words that look like modifiers but make derivations, not compounds
# ("för|lossning", "upp|följning", "med|arbetare", "under|skott").
PREFIX_WORDS = frozenset({"för", "till", "med", "upp", "under", "över", "mot", "utan", "från", "efter", "inom",
                          "genom", "bland", "mellan", "vid", "av", "ut", "in", "på", "om", "an", "be", "er", "ur",
                          "sam", "miss", "van", "när", "vän", "del", "bi", "fri", "åter", "fram", "bak", "sönder",
                          "runt", "kring", "hem", "bort", "när", "inte", "icke", "all", "all", "själv", "halv"})


def _ok_modifier(mod: str) -> bool:
    return len(mod) >= MIN_MODIFIER and mod not in PREFIX_WORDS and (is_word(mod) or bool(split_compound(mod)))


@lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[str, ...]:
    """(modifier, head) of a lower-case compound; () when it is not one.

    "sjukfrånvaro" → ("sjuk", "frånvaro"); "marknadsandel" → ("marknad", "andel").
    The longest known head wins (Swedish compounds are head-final), except that a
    head may not swallow a linking -s- after a derivational ending. Give it lemmas
    ("digitalisering", not "digitaliseringen"): inflected endings invite false heads.
    """
    w = word.lower()
    if len(w) < MIN_WORD or not w.isalpha():
        return ()
    for i in range(MIN_MODIFIER, len(w) - MIN_HEAD_LINKED + 1):
        head, left = w[i:], w[:i]
        if not is_word(head):
            continue
        if len(head) < MIN_HEAD and not (left.endswith("s") and left[:-1].endswith(S_LINK_ENDINGS)):
            continue  # 3-letter heads only after a certain joint: "tillgänglighet|s|mål"
        if head[0] == "s" and left.endswith(S_LINK_ENDINGS) and is_word(head[1:]) and len(head) > MIN_HEAD:
            continue  # "marknad|sandel": the s belongs to the joint, the head starts after it
        for link in LINKS:
            if link and not left.endswith(link):
                continue
            mod = left[: len(left) - len(link)] if link else left
            if _ok_modifier(mod):
                return (mod, head)
    return ()


def compound_parts(word: str) -> list[str]:
    """Every part of `word` at every level, without the word itself.

    "korttidssjukfrånvaro" → ["korttid", "sjukfrånvaro", "kort", "tid", "sjuk", "frånvaro"].
    """
    out: list[str] = []
    for p in split_compound(word):
        out.append(p)
        out.extend(compound_parts(p))
    return [p for p in dict.fromkeys(out) if p != word]
