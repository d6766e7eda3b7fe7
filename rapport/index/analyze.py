"""Swedish text → index terms for BM25: tokens, stop words, lemmas, stems, compound parts.

Why both a lemmatiser and a stemmer: Snowball's Swedish stemmer is
inconsistent across a paradigm (kostnad→kostn but kostnader→kostnad;
sjuksköterskor→sjukskötersk but sjuksköterskan→sjuksköterskan), while
simplemma maps the forms to one lemma first; stemming the lemma then merges
derivations the dictionary does not know. Negations ("inte", "ej", "ingen")
stay: "uppnåddes inte" must not look like "uppnåddes".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapport.index.compounds import compound_parts

# bm25s's Swedish list, minus the negations, which carry meaning in goal assessments.
_NEGATIONS = {"inte", "ej", "icke", "ingen", "inga", "inget", "utan"}


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_SWEDISH

    extra = {"samt", "även", "också", "dock", "bland", "enligt", "vilket", "både", "detta", "sker", "ska", "får"}
    return frozenset((set(STOPWORDS_SWEDISH) | extra) - _NEGATIONS)


# words (letters, with inner hyphens: "e-hälsa", "covid-19") or numbers ("7,2", "2 036" is two tokens)
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:-[^\W_]+)*|\d+[^\W\d_]+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Lower-case surface tokens; a hyphenated word also yields its pieces."""
    out = []
    for m in _TOKEN.finditer(text.lower()):
        t = m.group()
        if "-" in t:
            pieces = [p for p in t.split("-") if p]
            out.append(t.replace("-", ""))
            out.extend(pieces)
        else:
            out.append(t)
    return out


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("swedish")


@lru_cache(maxsize=300_000)
def _lemma(word: str) -> str:
    from rapport.models.lemmas import lemmatize

    return lemmatize(word, "sv", greedy=True).lower()


@lru_cache(maxsize=300_000)
def term(word: str) -> str:
    """One surface token → its index term: stem of the (greedy) simplemma lemma."""
    if not word[0].isalpha():
        return word
    return _stemmer().stemWord(_lemma(word))


@lru_cache(maxsize=300_000)
def part_terms(word: str) -> tuple[str, ...]:
    """Index terms of the compound parts of `word` (see index.compounds)."""
    if not word.isalpha():
        return ()
    sw = stopwords()
    return tuple(dict.fromkeys(term(p) for p in compound_parts(_lemma(word)) if p not in sw and len(p) > 2))


@dataclass(frozen=True, slots=True)
class Analyzer:
    """How text becomes BM25 terms; its `signature` goes into the index manifest."""

    compounds: bool = True

    @property
    def signature(self) -> str:
        return f"sv-lemma-stem-v1{'+compounds-v2' if self.compounds else ''}"

    def __call__(self, text: str) -> list[str]:
        sw = stopwords()
        out: list[str] = []
        for tok in tokens(text):
            if tok in sw or (len(tok) == 1 and not tok.isdigit()):
                continue
            t = term(tok)
            out.append(t)
            if self.compounds:
                out.extend(p for p in part_terms(tok) if p != t)
        return out
