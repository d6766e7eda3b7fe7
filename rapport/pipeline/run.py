"""Run the pipeline over documents one at a time, keeping each one's failures its own.

A document longer than the pipeline takes at once (`nlp.max_length`, spaCy's
1,000,000 characters) is run in pieces of at most PIECE_CHARS (pipeline.pieces):
the memory a Doc needs is bounded by the piece, not the report, and the facts
come back in the document's offsets. Every document ends up extracted, or
named in one error line per piece that failed; none is dropped.
"""
from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.language import Language

from rapport.corpus import Document
from rapport.corpus.records import printable

from .nlp import process, process_piece
from .pieces import piece_bounds, shift_facts, shift_rows
from .records import OUTPUTS

PIECE_CHARS = 200_000  # ~80 report pages: a Doc of this size costs a few hundred MB at most


@dataclass
class Extraction:
    records: dict[str, list] = field(default_factory=lambda: {k: [] for k in OUTPUTS})
    unlinked: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def extract(nlp: Language, documents: Iterable[Document], show_progress: bool = False,
            piece_chars: int | None = None) -> Extraction:
    """Facts of every document. `piece_chars` forces pieces of that size on any document longer
    (tests, benchmarks); by default only documents over `nlp.max_length` are cut. With
    `show_progress`, a bar over the reports (when more than one) and one over a long report's pieces."""
    out = Extraction()
    t0 = time.perf_counter()
    docs = list(documents)
    for d in _progress(docs, show_progress and len(docs) > 1, "extracting", "report"):
        out.warnings += d.warnings
        limit = piece_chars or (PIECE_CHARS if len(d.text) > nlp.max_length else len(d.text))
        bounds = piece_bounds(d, max(1, min(limit, nlp.max_length)))
        if len(bounds) == 1:
            _run(out, d, lambda: process(nlp, d), 0, f"{printable(d.name)}: extraction failed")
            continue
        out.warnings.append(f"{printable(d.name)}: {len(d.text):,} characters, more than the pipeline takes at once; "
                            f"extracted in {len(bounds)} pieces cut at section, paragraph or sentence boundaries "
                            f"(no figure is linked to a table in another piece)")
        many = show_progress and len(bounds) > 2
        for k, (a, b) in enumerate(_progress(bounds, many, f"{printable(d.name)} in pieces", "piece"), 1):
            _run(out, d, lambda: process_piece(nlp, d, a, b), a,
                 f"{printable(d.name)}: characters {a:,}–{b:,} (piece {k} of {len(bounds)}) not extracted")
    out.seconds = time.perf_counter() - t0
    return out


def _run(out: Extraction, d: Document, run, start: int, failure: str) -> None:
    """Facts of one Doc (a whole document or a piece starting at `start`) into `out`."""
    try:
        doc = run()
    except Exception as e:  # one bad document (or piece) must not cost the others
        out.errors.append(f"{failure} ({type(e).__name__}: {_first_line(e)})")
        return
    for kind in OUTPUTS:
        group = doc.spans.get(kind)
        if group is not None:
            out.records[kind] += shift_facts((s._.fact for s in group if s._.fact is not None), start)
    out.unlinked += shift_rows(doc.user_data.get("rapport_unlinked", []), start)
    out.warnings += [w for w in doc._.warnings if w not in out.warnings]


def _first_line(e: Exception) -> str:
    text = str(e).splitlines()[0] if str(e) else ""
    return printable(text[:200])


def _progress(items, show, desc, unit):
    if not show:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit=unit, leave=unit == "report")
