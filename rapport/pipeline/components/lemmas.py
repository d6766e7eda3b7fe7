"""rapport_lemmas: lemmas from simplemma, so Matcher patterns can use LEMMA.

spaCy's Swedish rule lemmatizer needs a POS tagger we do not have; simplemma
needs none and knows the inflections of report vocabulary (målen → mål,
uppnåtts → uppnå). Cached per word form: reports repeat their words.
"""
from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    from rapport.models.lemmas import lemmatize

    if not word[:1].isalpha():
        return word
    return lemmatize(word.lower(), "sv")


@Language.factory("rapport_lemmas", assigns=["token.lemma"])
def make_lemmas(nlp: Language, name: str):
    return Lemmatizer()


class Lemmatizer:
    def __call__(self, doc: Doc) -> Doc:
        for t in doc:
            t.lemma_ = lemma(t.text)
        return doc
