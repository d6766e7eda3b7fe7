"""Run the pipeline over documents one at a time, keeping each one's failures its own."""
from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.language import Language

from rapport.corpus import Document

from .nlp import process
from .records import OUTPUTS


@dataclass
class Extraction:
    records: dict[str, list] = field(default_factory=lambda: {k: [] for k in OUTPUTS})
    unlinked: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def extract(nlp: Language, documents: Iterable[Document], show_progress: bool = False) -> Extraction:
    out = Extraction()
    t0 = time.perf_counter()
    docs = list(documents)
    for d in _progress(docs, show_progress):
        try:
            doc = process(nlp, d)
        except Exception as e:  # one bad document must not cost the others
            out.errors.append(f"{d.name}: extraction failed ({type(e).__name__}: {e})")
            continue
        for kind in OUTPUTS:
            group = doc.spans.get(kind)
            if group is None:
                continue
            out.records[kind] += [s._.fact for s in group if s._.fact is not None]
        out.unlinked += doc.user_data.get("rapport_unlinked", [])
        out.warnings += d.warnings + doc._.warnings
    out.seconds = time.perf_counter() - t0
    return out


def _progress(items, show):
    if not show:
        return items
    from tqdm import tqdm

    return tqdm(items, desc="extracting", unit="report")
