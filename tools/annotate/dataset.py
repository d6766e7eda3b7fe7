"""Read the annotations back as training rows: (text, context, labels), sliced from the sources.

Standard library only (no spaCy, no rapport import), so a training script can use it
anywhere. The repo stores offsets, never text; this module is the one place that turns
them back into text, and it refuses a row whose slice no longer has the stored sha1
(the source file changed), rather than training on the wrong sentence.

Split: by document, never by sentence (sentences of one document share wording).
`held_out` is the fifth of documents whose sha1(file) falls in bucket 0 of 5; the
rest are `train`. Dev 000 rows carry source "dev000": figures on report 000 must come
from models trained without them (`load(exclude_sources={"dev000"})`).
"""
from __future__ import annotations

import hashlib
import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .anchor import resolve
from .paths import ANNOTATIONS, read_raw, source_path

HELD_OUT_BUCKETS = 5


@dataclass(frozen=True)
class Row:
    file: str
    source: str  # g0vse | dev000 | sample | written
    start: int
    end: int
    text: str  # the raw slice, whitespace collapsed
    heading: str | None  # the section path above the sentence ("A – B")
    prev: str | None
    next: str | None
    block_kind: str | None  # heading | paragraph | list_item | table
    labels: dict = field(default_factory=dict)
    annotator: str = ""
    split: str = "train"  # train | held_out

    @property
    def is_risk(self) -> bool:
        return "risk" in self.labels

    @property
    def is_event(self) -> bool:
        return bool(self.labels.get("events"))

    @property
    def is_goal(self) -> bool:
        return bool(self.labels.get("goals"))

    @property
    def is_clinical(self) -> bool:
        return self.labels.get("hn") == "clinical"


def squash(text: str) -> str:
    """Whitespace collapsed and line-break hyphens joined: how a raw slice reads as a sentence."""
    text = re.sub(r"(?<=[a-zåäö])-\s*\n\s*(?=[a-zåäö])", "", text)
    return re.sub(r"\s+", " ", text).strip()


def split_of(file: str) -> str:
    """Deterministic document split: the same file is in the same split on every machine."""
    bucket = int(hashlib.sha1(file.encode("utf-8")).hexdigest(), 16) % HELD_OUT_BUCKETS
    return "held_out" if bucket == 0 else "train"


def _slice(raw: str, span) -> str | None:
    return squash(raw[span[0]:span[1]]) if span else None


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load(root: Path = ANNOTATIONS, *, sources: set[str] | None = None, exclude_sources: set[str] = frozenset(),
         split: str | None = None, keep_skipped: bool = False) -> list[Row]:
    """Every annotated unit under `root` (all data/annotations/**/*.jsonl), in file order.

    `split` ("train" / "held_out") filters by the document split; rows labelled `skip`
    are dropped unless `keep_skipped`. A row whose source is missing or changed is left
    out with one warning per file.
    """
    raws: dict[tuple[str, str], str | None] = {}
    out = []
    for f in sorted(root.rglob("*.jsonl")):
        for r in read_rows(f):
            src = r.get("source", "g0vse")
            if (sources and src not in sources) or src in exclude_sources:
                continue
            if split and split_of(r["file"]) != split:
                continue
            if "skip" in r["labels"] and not keep_skipped:
                continue
            key = (src, r["file"])
            if key not in raws:
                path = source_path(src, r["file"])
                raws[key] = read_raw(path) if path.exists() else None
                if raws[key] is None:
                    warnings.warn(f"{path}: annotated source file not found; its rows are left out")
            raw = raws[key]
            if raw is None:
                continue
            piece = raw[r["start"]:r["end"]]
            if hashlib.sha1(piece.encode("utf-8")).hexdigest() != r["sha1"]:
                warnings.warn(f"{r['file']} [{r['start']}:{r['end']}]: text changed since annotation; row left out")
                continue
            ctx = r.get("ctx") or {}
            heading = " – ".join(filter(None, (_slice(raw, s) for s in ctx.get("heading") or []))) or None
            out.append(Row(file=r["file"], source=src, start=r["start"], end=r["end"], text=squash(piece),
                           heading=heading, prev=_slice(raw, ctx.get("prev")), next=_slice(raw, ctx.get("next")),
                           block_kind=ctx.get("block_kind"), labels=resolve(r["labels"], raw), annotator=r.get("annotator", ""),
                           split=split_of(r["file"])))
    return out
