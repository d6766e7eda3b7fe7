"""The prose sentences the components judge, as spaCy spans, with run-on text skipped and reported.

Which sentences read as prose is decided once, in `rapport.corpus.prose`, and
carried on each corpus Sentence (`prose`) and in `Document.table_sentences`
(prose the layout left inside table blocks); this module only reads it."""
from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Doc, Span

from rapport.corpus import BlockKind

from .spans import document

PROSE = (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)


def warn(doc: Doc, message: str) -> None:
    doc._.warnings.append(message)


def prose_sentences(doc: Doc, component: str, runon_chars: int = 2000,
                    table_prose: bool = True) -> Iterator[tuple[Span, object]]:
    """(span, corpus Sentence) for every prose sentence, skipping run-on text with a warning.

    corpus cuts a run-on into 600-character pieces, so a 5,000-character
    "sentence" arrives as many pieces: they are recognised by the long
    stretch of text with no sentence end, skipped, and reported once.

    With `table_prose`, sentences that corpus left inside table blocks but
    that read as prose (`Document.table_sentences`) are yielded too, with None
    for the corpus Sentence: a PDF dump's layout decides too little to lose
    them. Sentences corpus found to be table cells glued into a line
    (`Sentence.prose` False) are left out.
    """
    d = document(doc)
    runs: list[tuple[int, int]] = []
    n_prose = 0
    for b in d.blocks:
        if b.kind not in PROSE:
            continue
        for m in re.finditer(r"[^.!?…]{%d,}" % runon_chars, d.text[b.start:b.end]):
            runs.append((b.start + m.start(), b.start + m.end()))
            warn(doc, f"{d.name}: {component} skipped {m.end() - m.start()} characters without a sentence end "
                      f"at offset {b.start + m.start()}")
    found: list[tuple[int, int, object]] = []
    for s in d.sentences:
        if d.blocks[s.block].kind not in PROSE:
            continue
        if any(s.start < b and a < s.end for a, b in runs) or not s.prose:
            continue
        found.append((s.start, s.end, s))
    if table_prose:
        found += [(s.start, s.end, None) for s in d.table_sentences if s.prose]
        found.sort(key=lambda x: x[0])
    for a, b, s in found:
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is None or not span.text.strip():
            continue
        n_prose += 1
        yield span, s
    if n_prose == 0:
        warn(doc, f"{d.name}: {component} found no prose sentences; nothing extracted")
