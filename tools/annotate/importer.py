"""Import a labelled batch into the repo: validated labels on offsets, never the text.

Reads /work/annot/batches/batch_NNN.jsonl and /work/annot/labels/batch_NNN.labels.jsonl
(one line per sentence id, see tools.annotate.labels) and writes
data/annotations/g0vse/batch_NNN.jsonl, one line per sentence:
`file, start, end, sha1, labels, annotator, source, batch, ctx` — `sha1` of the sentence
text (the raw slice), `ctx` the raw spans of heading, previous and next sentence.
Nothing is written unless every id of the batch is labelled once, every label is in
rapport's vocabularies and every slice of the source file still reads as exported.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from .anchor import anchor, norm_with_map, unanchored
from .labels import parse
from .paths import ANNOTATIONS, BATCHES, LABELS, read_raw, source_path


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _jsonl(path: Path, what: str) -> tuple[list[dict], list[str]]:
    rows, errs = [], []
    with path.open(encoding="utf-8") as fh:
        lines = fh.readlines()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as e:
            errs.append(f"{path.name}:{n}: {what} line is not JSON ({e.msg})")
    return rows, errs


def build(batch_file: Path, labels_file: Path, annotator: str) -> tuple[list[dict], list[str]]:
    """The repo rows for one batch, and every problem found (rows are only usable when there are none).
    Each batch line names its source (g0vse unless it says otherwise)."""
    batch, errs = _jsonl(batch_file, "batch")
    labels, lerrs = _jsonl(labels_file, "label")
    errs += lerrs
    by_id: dict[str, dict] = {}
    for lab in labels:
        lid = lab.get("id")
        if lid in by_id:
            errs.append(f"{labels_file.name}: id {lid} labelled twice")
        by_id[lid] = lab
    known = {b["id"] for b in batch}
    errs += [f"{labels_file.name}: id {i} is not in {batch_file.name}" for i in sorted(set(by_id) - known, key=str)]
    missing = [b["id"] for b in batch if b["id"] not in by_id]
    if missing:
        errs.append(f"{labels_file.name}: {len(missing)} ids unlabelled (first {missing[0]}); label every sentence")
    raws: dict[str, str] = {}
    norms: dict[str, tuple] = {}
    rows = []
    number = batch_file.stem.removeprefix("batch_")
    for b in batch:
        source = b.get("source", "g0vse")
        if b["file"] not in raws:
            path = source_path(source, b["file"])
            raws[b["file"]] = read_raw(path) if path.exists() else None
        raw = raws[b["file"]]
        if raw is None:
            errs.append(f"{b['id']}: source file {b['file']} not found")
            continue
        if raw[b["start"]:b["end"]] != b["text"]:
            errs.append(f"{b['id']}: {b['file']} [{b['start']}:{b['end']}] no longer reads as exported")
            continue
        if b["id"] not in by_id:
            continue
        label = {k: v for k, v in by_id[b["id"]].items() if k != "id"}
        norm, problems = parse(label)
        if b["file"] not in norms:
            norms[b["file"]] = norm_with_map(raw)
        norm = anchor(norm, raw, b["start"], norms[b["file"]])
        errs += [f"{b['id']}: {p}" for p in problems + unanchored(norm)]
        rows.append({"file": b["file"], "start": b["start"], "end": b["end"], "sha1": sha1(b["text"]),
                     "labels": norm, "annotator": annotator, "source": source, "batch": number,
                     "ctx": {**(b.get("spans") or {}), "block_kind": b.get("block_kind")}})
    return rows, errs


def annotator_of(labels_file: Path) -> str | None:
    """The name written in the batch's .claimed file (how annotators claim a batch)."""
    claim = labels_file.with_name(labels_file.name.replace(".labels.jsonl", ".claimed"))
    return claim.read_text(encoding="utf-8").strip().splitlines()[0] if claim.exists() else None


def write(rows: list[dict], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
    tmp.replace(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("batches", nargs="+", help="batch numbers (7 or 007), or batch names (written_01_x)")
    ap.add_argument("--annotator", help="default: the name in labels/batch_NNN.claimed")
    args = ap.parse_args(argv)
    status = 0
    for num in args.batches:
        name = f"batch_{int(num):03d}" if num.isdigit() else num.removesuffix(".jsonl")
        batch_file, labels_file = BATCHES / f"{name}.jsonl", LABELS / f"{name}.labels.jsonl"
        absent = [f for f in (batch_file, labels_file) if not f.exists()]
        for f in absent:
            print(f"{f}: not found", file=sys.stderr)
        if absent:
            status = 2
            continue
        annotator = args.annotator or annotator_of(labels_file)
        if not annotator:
            print(f"{labels_file}: no annotator (pass --annotator or write the name into {name}.claimed)",
                  file=sys.stderr)
            status = 2
            continue
        rows, errs = build(batch_file, labels_file, annotator)
        if errs:
            for e in errs[:40]:
                print(e, file=sys.stderr)
            print(f"{name}: {len(errs)} problems, nothing written", file=sys.stderr)
            status = 1
            continue
        out = ANNOTATIONS / rows[0]["source"] / f"{name}.jsonl" if rows else None
        if out is None:
            print(f"{name}: empty batch, nothing written", file=sys.stderr)
            status = 1
            continue
        write(rows, out)
        print(f"{out}: {len(rows)} sentences by {annotator}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
