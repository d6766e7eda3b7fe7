"""Long reports in pieces: where to cut a Document, the piece as a Document of its own, and facts back.

spaCy refuses a text over `nlp.max_length` (E088) and holds every token of a
Doc at once, so a 40 MB report can neither be refused nor be one Doc. A piece
is a stretch [start, end) of the cleaned text cut where the report itself
breaks: at a top-level section, else at any section, a block, a sentence, a
line, a space — the first of those that leaves a piece of at least a quarter
of the limit. The piece is handed to the pipeline as an ordinary Document (its
own text, structure clipped and shifted to start at 0), so no component needs
to know about pieces; its facts are shifted back by `start`, which puts every
offset in the whole document's coordinate system again.
"""
from __future__ import annotations

import bisect
import copy
import dataclasses
from collections.abc import Iterable

from rapport.corpus import Document
from rapport.corpus.records import Block, OffsetMap, Page, Section, Sentence

MIN_SHARE = 4  # a cut may leave a piece as short as limit / MIN_SHARE to stay on a better boundary


def piece_bounds(document: Document, limit: int) -> list[tuple[int, int]]:
    """Contiguous half-open spans covering the text, none longer than `limit` characters."""
    if limit < 1:
        raise ValueError(f"piece limit must be positive, not {limit}")
    text, n = document.text, len(document.text)
    if n <= limit:
        return [(0, n)]
    top = min((s.level for s in document.sections), default=0)
    levels = [sorted(s.start for s in document.sections if s.level == top),
              sorted(s.start for s in document.sections),
              sorted(b.start for b in document.blocks),
              sorted(s.start for s in document.sentences)]
    out, pos = [], 0
    while n - pos > limit:
        lo, hi = pos + max(1, limit // MIN_SHARE), pos + limit
        cut = next((c for c in (_last_in(points, lo, hi) for points in levels) if c is not None), None)
        if cut is None:
            cut = _text_cut(text, lo, hi)
        out.append((pos, cut))
        pos = cut
    out.append((pos, n))
    return out


def _last_in(points: list[int], lo: int, hi: int) -> int | None:
    """The largest point in [lo, hi], or None."""
    i = bisect.bisect_right(points, hi) - 1
    return points[i] if i >= 0 and points[i] >= lo else None


def _text_cut(text: str, lo: int, hi: int) -> int:
    """No structure to cut at (one huge block, a table, a one-line dump): after a line break,
    else after a space, else at `hi` (never inside a surrogate pair: Python strings have none)."""
    for sep in ("\n", " ", "\t"):
        at = text.rfind(sep, lo, hi)
        if at >= 0:
            return at + 1
    return hi


def piece_document(document: Document, start: int, end: int) -> Document:
    """The stretch [start, end) as a Document whose offsets start at 0.

    Sections, blocks and sentences that cross a cut are clipped to the piece (a section that
    began before it keeps its heading, so facts still name it); tables are kept with the rows
    inside the piece. Indices (block of a sentence, section of a block, parent of a section)
    are renumbered. The document's warnings stay with the whole document, not each piece.
    """
    if start == 0 and end == len(document.text):
        return document

    def clip(a: int, b: int) -> tuple[int, int] | None:
        a, b = max(a, start), min(b, end)
        return (a - start, b - start) if a < b else None

    sec_map, sections = {}, []
    for s in document.sections:
        span = clip(s.start, s.end)
        if span is None:
            continue
        sec_map[s.index] = len(sections)
        sections.append(Section(len(sections), s.heading, s.number, s.level, *span, None if s.parent is None
                                else sec_map.get(s.parent)))
    block_map, blocks = {}, []
    for i, b in enumerate(document.blocks):
        span = clip(b.start, b.end)
        if span is not None:
            block_map[i] = len(blocks)
            blocks.append(Block(b.kind, *span, sec_map.get(b.section), b.page))
    def moved(group: list[Sentence]) -> list[Sentence]:
        return [Sentence(*span, block_map[s.block], sec_map.get(s.section), s.page, s.prose)
                for s in group if (span := clip(s.start, s.end)) is not None and s.block in block_map]

    sentences, table_sentences = moved(document.sentences), moved(document.table_sentences)
    pages = [Page(p.number, *span) for p in document.pages if (span := clip(p.start, p.end)) is not None]
    tables = [t for t in (_shift_table(t, start, end) for t in document.tables or []) if t is not None]
    before = [t for t in document.sentences if t.end <= start]
    after = [t for t in document.sentences if t.start >= end]
    around = (document.text[before[-1].start:before[-1].end] if before else document.around[0],
              document.text[after[0].start:after[0].end] if after else document.around[1])
    piece = Document(name=document.name, path=document.path, text=document.text[start:end],
                     offsets=OffsetMap(document.offsets.raw_of[start:end + 1]), meta=document.meta,
                     pages=pages, sections=sections, blocks=blocks, sentences=sentences,
                     table_sentences=table_sentences, tables=tables, around=around)
    return piece


def _shift_table(table, start: int, end: int):
    """A copy of `table` with offsets relative to `start`, holding only its rows inside [start, end)."""
    if table.end <= start or table.start >= end:
        return None
    rows = [dataclasses.replace(r, start=r.start - start, end=r.end - start) for r in table.rows
            if r.start >= start and r.end <= end]
    if not rows and table.rows:
        return None
    t = copy.copy(table)
    t.rows = rows
    t.start, t.end = max(table.start, start) - start, min(table.end, end) - start
    return t


def shift_facts(facts: Iterable, by: int) -> list:
    """Fact records (frozen Evidence dataclasses) moved `by` characters: piece → document offsets."""
    if not by:
        return list(facts)
    return [dataclasses.replace(f, start=f.start + by, end=f.end + by) for f in facts]


def shift_rows(rows: Iterable[dict], by: int) -> list[dict]:
    """Plain evidence dicts (the unlinked figures) moved the same way."""
    if not by:
        return list(rows)
    return [{**r, "start": r["start"] + by, "end": r["end"] + by} for r in rows]
