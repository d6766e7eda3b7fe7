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
    """(start_char, end_char) of every span already in doc.spans, in any group: the carriers avoid them."""
    return {(s.start_char, s.end_char) for key in doc.spans for s in doc.spans[key]}


def carrier(doc: Doc, start: int, end: int, label: str, taken: set[tuple[int, int]], *,
            grow: bool = False) -> Span | None:
    """A span over tokens [start, end) whose character offsets no other fact uses yet.

    spaCy keeps `span._.fact` in doc.user_data under the span's character
    offsets only, so two spans with the same offsets, in any groups, share one
    fact: the later write wins. A sentence-level fact (risk, event) keeps the
    sentence as its evidence, and its carrier drops a token at the right, then
    at the left, until its offsets are free. A figure mention is short, so
    with `grow` its carrier takes one more token to the right, then to the left.
    """
    spans = _grown(start, end, len(doc)) if grow else _shrunk(start, end)
    for i, j in spans:
        span = Span(doc, i, j, label=label)
        key = (span.start_char, span.end_char)
        if key not in taken:
            taken.add(key)
            return span
    return None


def mention_carrier(doc: Doc, start_char: int, end_char: int, taken: set[tuple[int, int]]) -> Span | None:
    """The growing carrier for a mention given by character offsets (a figure, its link, its contradiction)."""
    mention = doc.char_span(start_char, end_char, alignment_mode="expand")
    return carrier(doc, mention.start, mention.end, "", taken, grow=True) if mention is not None else None


def _shrunk(start: int, end: int) -> Iterator[tuple[int, int]]:
    for cut in range(0, end - start):
        for i, j in ((start, end - cut), (start + cut, end)) if cut else ((start, end),):
            if i < j:
                yield i, j


def _grown(i: int, j: int, n: int) -> Iterator[tuple[int, int]]:
    grow_right = True
    for _ in range(2 * n + 2):
        yield i, j
        if grow_right and j < n:
            j += 1
        elif i > 0:
            grow_right = False
            i -= 1
        elif j < n:
            j += 1
        else:
            return
