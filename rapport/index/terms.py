"""BM25 terms kept with each index generation, so an update analyses only the reports that changed.

Analysing every passage again was half of adding one report to a 5,000-document
index (about 10 of 20 s rewriting it, docs/scale.md): the Swedish analyzer
lemmatises, stems and splits compounds word by word, and a new process starts
with its caches cold. So each generation stores its passages' terms
(`terms.parquet`, row-aligned with passages.parquet, each row tagged with its
report's passages sha256), and the next generation reuses the rows of every
report whose passages are unchanged — same sha256, same analyzer signature —
and analyses the rest. bm25s then indexes the full term lists, which is cheap.

A previous terms file is reused only when its sha256 is the one its generation's
manifest lists: a damaged file costs a full analysis, never a wrong index.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from rapport.index.generations import sha256_file

TERMS_FILE = "terms.parquet"


def previous_terms(gdir: Path | None, manifest: dict | None, signature: str) -> dict[str, list[list[str]]]:
    """{passages sha256: that report's term lists, in passage order} of a sound earlier generation, else {}."""
    if gdir is None or manifest is None or manifest.get("analyzer") != signature:
        return {}
    listed = (manifest.get("files") or {}).get(TERMS_FILE, {}).get("sha256")
    path = Path(gdir) / TERMS_FILE
    if listed is None or not path.is_file() or sha256_file(path) != listed:
        return {}
    try:
        df = pd.read_parquet(path)
    except Exception:  # noqa: BLE001 - an unreadable file means: analyse again
        return {}
    out: dict[str, list[list[str]]] = {}
    for sha, terms in zip(df["passages_sha256"], df["terms"]):
        out.setdefault(sha, []).append([str(t) for t in terms])
    return out


def report_terms(per_doc: dict, analyzer, reuse: dict[str, list[list[str]]]) \
        -> tuple[list[list[str]], list[str], int]:
    """(terms per passage in index order, the report sha256 of each row, passages analysed now).

    per_doc is {report name: (document, passages, passages sha256)}; passages are
    indexed in sorted report order, as the passage table is."""
    terms: list[list[str]] = []
    shas: list[str] = []
    analysed = 0
    for name in sorted(per_doc):
        _, ps, sha = per_doc[name]
        got = reuse.get(sha)
        if got is None or len(got) != len(ps):
            got = [analyzer(p.search_text) for p in ps]
            analysed += len(ps)
        terms.extend(got)
        shas.extend([sha] * len(ps))
    return terms, shas, analysed


def write_terms(folder: Path, terms: list[list[str]], shas: list[str]) -> None:
    pd.DataFrame({"passages_sha256": shas, "terms": terms}).to_parquet(Path(folder) / TERMS_FILE, index=False)
