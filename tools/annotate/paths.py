"""Where sources, batches and the repo form live; one place so every tool agrees.

A row's `file` is relative to the root of its `source`: g0vse files to the shared
`extra/` folder (so they read "g0vse/<folder>/<file>.txt"), dev 000 to the shared
folder ("corpus/000_….txt"), sample and written reports to the repo root.
Offsets index the file decoded as UTF-8 (a BOM, if any, stripped), exactly the raw
text `rapport.corpus` reads.
"""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("RAPPORT_SHARED", REPO.parent / "shared"))
EXTRA = SHARED / "extra"
G0VSE = EXTRA / "g0vse"
WORK = Path(os.environ.get("RAPPORT_ANNOT_WORK", "/work/annot"))  # batches with text: never in git
BATCHES = WORK / "batches"
LABELS = WORK / "labels"
ANNOTATIONS = REPO / "data" / "annotations"

ROOTS = {"g0vse": EXTRA, "dev000": SHARED, "sample": REPO, "written": REPO}


def source_path(source: str, file: str) -> Path:
    """The file a row's offsets point into; a ValueError names an unknown source."""
    if source not in ROOTS:
        raise ValueError(f"unknown source {source!r} (known: {', '.join(ROOTS)})")
    return ROOTS[source] / file


def missing_roots(exclude=frozenset()) -> list[str]:
    """The source folders that are not there ("g0vse: /…/extra/g0vse"): a tool that trains on
    them says so and stops, rather than dropping every row of the source one warning at a time."""
    need = {"g0vse": G0VSE, "dev000": SHARED / "corpus"}
    return [f"{s}: {p}" for s, p in need.items() if s not in exclude and not p.is_dir()]


def read_raw(path: Path) -> str:
    """The raw text offsets refer to: UTF-8, BOM stripped (what rapport.corpus.readers decodes)."""
    return path.read_bytes().decode("utf-8-sig")
