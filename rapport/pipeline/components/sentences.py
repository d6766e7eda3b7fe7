"""rapport_sentences: sentence starts from the corpus layout, not from punctuation.

corpus.sentences already decided the boundaries (abbreviations, lost full
stops, headings, table rows); re-deciding them here would let the index and
the extractors disagree on what a sentence is.
"""
from __future__ import annotations

import bisect

import numpy

from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from ..spans import document


@Language.factory("rapport_sentences", requires=["doc._.document"], assigns=["token.is_sent_start"])
def make_sentences(nlp: Language, name: str):
    return SentenceSetter()


class SentenceSetter:
    def __call__(self, doc: Doc) -> Doc:
        d = document(doc)
        starts = [t.idx for t in doc]
        cuts = {s.start for s in d.sentences} | {b.start for b in d.blocks} | {b.end for b in d.blocks}
        first = set()
        for c in cuts:
            i = bisect.bisect_left(starts, c)
            if i < len(doc):
                first.add(i)
        flags = numpy.full((len(doc), 1), -1, dtype="int64")  # -1: not a start, 1: start
        flags[sorted(first | {0}), 0] = 1
        if len(doc):
            doc.from_array([SENT_START], flags.astype("uint64"))
        return doc
