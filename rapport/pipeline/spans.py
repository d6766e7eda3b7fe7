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
