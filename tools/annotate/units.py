"""A document as annotation units: rapport's own sentences (and table lines), in raw offsets.

The units are exactly the sentences `rapport.corpus.load_document` finds, so what an
annotator labels is what the extractor will later see. Offsets are mapped from the
cleaned text back to the raw file (`doc.offsets.to_raw`), because the repo stores
offsets into source files, which do not change when the cleaner does. Table blocks
carry no sentences in rapport; their lines become units of kind "table", since an
indicator row with a status word is a goal assessment too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rapport.corpus import BlockKind, Document, load_document

from .dataset import squash
from .paths import read_raw


@dataclass(frozen=True)
class Unit:
    start: int  # raw offsets, half-open
    end: int
    text: str  # raw[start:end]
    block_kind: str
    heading: tuple[tuple[int, int], ...]  # raw spans of the section path's heading lines, outermost first
    clean: tuple[int, int]  # the same unit in the cleaned text


def raw_span(doc: Document, start: int, end: int) -> tuple[int, int]:
    """Cleaned [start, end) → raw [start, end): the last character maps, not the gap after it."""
    if end <= start:
        s = doc.offsets.to_raw(start)
        return s, s
    return doc.offsets.to_raw(start), doc.offsets.to_raw(end - 1) + 1


def _heading_spans(doc: Document, section: int | None) -> tuple[tuple[int, int], ...]:
    chain = []
    while section is not None:
        sec = doc.sections[section]
        line_end = doc.text.find("\n", sec.start)
        line_end = len(doc.text) if line_end < 0 else line_end
        chain.append(raw_span(doc, sec.start, line_end))
        section = sec.parent
    return tuple(reversed(chain))


def document_units(path: str | Path) -> tuple[Document, str, list[Unit]]:
    """The loaded document, its raw text and its units in reading order."""
    doc = load_document(path)
    raw = read_raw(Path(path))
    items = [(s.start, s.end, doc.blocks[s.block].kind.value, s.section) for s in doc.sentences]
    for b in doc.blocks:
        if b.kind == BlockKind.TABLE:
            pos = b.start
            for line in doc.text[b.start:b.end].split("\n"):
                a = pos + len(line) - len(line.lstrip())
                e = pos + len(line.rstrip())
                if re.search(r"[A-Za-zÅÄÖåäö]{3}", line):
                    items.append((a, e, "table", b.section))
                pos += len(line) + 1
    units = []
    for a, e, kind, section in sorted(items):
        rs, re_ = raw_span(doc, a, e)
        text = raw[rs:re_]
        if text.strip():
            units.append(Unit(rs, re_, text, kind, _heading_spans(doc, section), (a, e)))
    return doc, raw, units


def context(raw: str, units: list[Unit], i: int) -> dict:
    """What an annotator (and a classifier) sees around unit i: heading path, neighbours, block kind."""
    u = units[i]
    path = [(a, b) for a, b in u.heading if not (a <= u.start < b)]  # a heading is not its own context
    return {"heading": " – ".join(squash(raw[a:b]) for a, b in path) or None,
            "prev": squash(units[i - 1].text) if i > 0 else None,
            "next": squash(units[i + 1].text) if i + 1 < len(units) else None,
            "block_kind": u.block_kind}
