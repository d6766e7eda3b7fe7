"""Change the risk label of annotated units in place: an audit against the guideline, by offsets.

    python -m tools.annotate.relabel data/annotations/written/written_05_x.jsonl 2367 --risk none
    python -m tools.annotate.relabel data/annotations/g0vse/batch_007.jsonl 1234 --risk finance

A unit is named by its annotation file and its start offset (the repo holds no sentence
text, so neither does an edit). `--risk none` removes the risk label, `--risk CATEGORY` sets
it, `--hn other|clinical|none` sets or removes a hard-negative mark. The edited label is
validated as the importer validates a new one (rapport's vocabularies; a risk and a hard
negative never together), the row's sha1 must still match its source, and the file is
rewritten whole or not at all. Batches whose label files are gone (the annotators' work
folder is not kept) are audited this way, not re-imported.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from .anchor import resolve
from .dataset import read_rows
from .importer import write
from .labels import validate
from .paths import read_raw, source_path


def relabel(rows: list[dict], start: int, risk: str | None = None, hn: str | None = None,
            raw: str = "") -> list[str]:
    """Apply one edit to the row starting at `start` (in place); the problems, [] when it is sound.

    `risk` / `hn`: None leaves the key as it is, "none" removes it, any other value sets it.
    `raw` is the row's source text: long label strings are stored as offsets into it and are
    read back before the label is validated."""
    hits = [r for r in rows if r["start"] == start]
    if len(hits) != 1:
        return [f"{len(hits)} rows start at {start} (want exactly one)"]
    labels = dict(hits[0]["labels"])
    for key, value in (("risk", risk), ("hn", hn)):
        if value == "none":
            labels.pop(key, None)
        elif value is not None:
            labels[key] = value
    problems = validate(resolve(labels, raw))
    if not problems:
        hits[0]["labels"] = labels
    return problems


def _stale(rows: list[dict], raws: dict) -> list[str]:
    """Rows whose slice of the source no longer has the stored sha1 (an edit must not hide that);
    `raws` collects each source's text by (source, file)."""
    out = []
    for r in rows:
        key = (r.get("source", "g0vse"), r["file"])
        if key not in raws:
            path = source_path(*key)
            raws[key] = read_raw(path) if path.exists() else None
        raw = raws[key]
        if raw is None or hashlib.sha1(raw[r["start"]:r["end"]].encode("utf-8")).hexdigest() != r["sha1"]:
            out.append(f"{r['file']} [{r['start']}:{r['end']}]: source missing or changed")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file", type=Path, help="an annotation file under data/annotations")
    ap.add_argument("start", type=int, nargs="+", help="start offset(s) of the unit(s) to edit")
    ap.add_argument("--risk", help="a risk category, or none to remove the risk label")
    ap.add_argument("--hn", help="other, clinical, or none to remove the hard-negative mark")
    args = ap.parse_args(argv)
    if args.risk is None and args.hn is None:
        print("relabel: nothing to do (give --risk and/or --hn)", file=sys.stderr)
        return 2
    if not args.file.is_file():
        print(f"{args.file}: no such annotation file", file=sys.stderr)
        return 2
    rows = read_rows(args.file)
    raws: dict = {}
    errs = _stale([r for r in rows if r["start"] in set(args.start)], raws)
    for s in args.start if not errs else ():
        raw = next(raws[(r.get("source", "g0vse"), r["file"])] for r in rows if r["start"] == s)
        errs += [f"{args.file.name} @{s}: {p}" for p in relabel(rows, s, args.risk, args.hn, raw or "")]
    if errs:
        for e in errs:
            print(e, file=sys.stderr)
        print(f"{args.file}: {len(errs)} problems, nothing written", file=sys.stderr)
        return 1
    write(rows, args.file)
    print(f"{args.file}: {len(args.start)} rows relabelled")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
