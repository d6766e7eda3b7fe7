"""rapport_figures: puts the figures quoted in prose on doc.spans["figures"], the Figure on span._.fact.

The finding itself is `rapport.pipeline.mentions` (pure text -> Figure), so the
linker reads the same records without importing this component.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..mentions import find_figures
from ..spans import document, mention_carrier, sentences, taken_offsets


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
                s = mention_carrier(doc, f.start, f.end, taken)
                if s is None:
                    continue
                s._.fact = f
                spans.append(s)
        doc.spans["figures"] = spans
        return doc
