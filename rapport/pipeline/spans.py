"""Helpers the components share for reading a Doc the way corpus structured it."""
from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Span

from rapport.corpus import BlockKind, Document

from .records import MAX_EVIDENCE


def document(doc: Doc) -> Document:
    d = doc._.document
    if d is None:
        raise ValueError("Doc has no corpus Document: build it with pipeline.nlp.make_doc")
    return d


def sentences(doc: Doc, kinds=(BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)) -> Iterator[tuple[Span, object]]:
    """(span, corpus Sentence) for each sentence in blocks of the given kinds (prose by default)."""
    d = document(doc)
    for s in d.sentences:
        if d.blocks[s.block].kind not in kinds:
            continue
        span = doc.char_span(s.start, s.end, alignment_mode="expand")
        if span is not None and len(span.text) <= 5000:
            yield span, s


def evidence(doc: Doc, start: int, end: int) -> dict:
    """The contract's evidence fields for a character span, clipped to 600 characters."""
    d = document(doc)
    end = min(end, start + MAX_EVIDENCE)
    return {"doc": d.name, "region": d.meta.region, "text": d.text[start:end], "start": start, "end": end,
            "page": d.page_at(start), "period": d.meta.period}


def nearest_heading(doc: Doc, offset: int) -> str | None:
    sec = document(doc).section_at(offset)
    return sec.title if sec else None


def taken_offsets(doc: Doc) -> set[tuple[int, int]]:
    """(start_char, end_char) of every span already in doc.spans, in any group."""
    return {(s.start_char, s.end_char) for key in doc.spans for s in doc.spans[key]}


def carrier(doc: Doc, start: int, end: int, label: str, taken: set[tuple[int, int]]) -> Span | None:
    """A span over tokens [start, end) whose character offsets no other fact uses yet.

    spaCy keeps `span._.fact` in doc.user_data under the span's character
    offsets only, so a risk and an event on the same sentence would share one
    fact. The record keeps the sentence as its evidence; the carrier span
    drops a token at the right, then at the left, until its offsets are free.
    """
    for cut in range(0, end - start):
        for i, j in ((start, end - cut), (start + cut, end)) if cut else ((start, end),):
            if i >= j:
                continue
            span = Span(doc, i, j, label=label)
            key = (span.start_char, span.end_char)
            if key not in taken:
                taken.add(key)
                return span
    return None
