"""Convert quote-based gold (dev 000, the sample corpus) to the offset form of the training set.

Gold files cite evidence by quote (`../shared/eval/dev/000/*.jsonl`, tests/fixtures/gold/*.jsonl).
Each quote is located in the cleaned document the way the scorer matches (case and
whitespace ignored, line-break hyphens joined), and its labels go to the sentences it
covers; every other sentence of the document becomes a negative row, so a converted
report is a fully labelled run like an annotated batch. Only offsets are written.
Dev 000 rows get source "dev000": train the shipped model on them, never a model whose
figures on 000 are reported.

A quote inside one sentence labels that sentence. A quote over several sentences gives
risks, events and hard negatives to every sentence it mostly covers, and a goal
assessment, aggregate or target to the one sentence it covers most (the statement, not
its lead-in). Quotes that cannot be found are listed, not guessed.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from .anchor import anchor, drop_unanchored, locate, norm_with_map
from .importer import sha1, write
from .labels import parse
from .paths import ANNOTATIONS, REPO, SHARED
from .units import Unit, document_units

DEV = SHARED / "eval" / "dev" / "000"
SAMPLE_GOLD = REPO / "tests" / "fixtures" / "gold"
SAMPLE_DIR = REPO / "rapport" / "corpus" / "sample"
OTHER_HN = re.compile(r"boilerplate|disclosure|balance[- ]requirement|insurance|customers", re.I)
SINGLE = {"goal_assessments", "aggregates", "targets"}  # one statement, one sentence


def _label_of(kind: str, rec: dict) -> dict:
    if kind == "risks":
        return {"risk": rec["category"]}
    if kind == "events":
        return {"events": [{"type": rec["type"], "date": rec.get("date"), "actor": rec.get("actor")}]}
    if kind == "goal_assessments":
        return {"goals": [{k: rec.get(k) for k in ("goal", "level", "assessor", "status", "horizon")}]}
    if kind == "aggregates":
        return {"aggregate": {k: rec.get(k) for k in ("scope", "total", "achieved", "partially", "not_achieved",
                                                      "no_assessment")}}
    if kind == "targets":
        return {"targets": [{"goal": rec.get("goal"), "target": rec["target"]}]}
    if kind == "hard_negatives":
        return {"hn": "other" if OTHER_HN.search(rec.get("why", "")) else "clinical"}
    raise ValueError(kind)


def _merge(into: dict, label: dict) -> None:
    for k, v in label.items():
        if isinstance(v, list):
            into.setdefault(k, [])
            into[k] += [x for x in v if x not in into[k]]
        elif k not in into:
            into[k] = v


def _covered(units: list[Unit], a: int, b: int, single: bool) -> list[int]:
    overlaps = [(min(b, u.clean[1]) - max(a, u.clean[0]), i) for i, u in enumerate(units)]
    overlaps = [(o, i) for o, i in overlaps if o > 0]
    if not overlaps:
        return []
    if single or len(overlaps) == 1:
        return [max(overlaps)[1]]
    return [i for o, i in overlaps if o >= 0.5 * (units[i].clean[1] - units[i].clean[0])] or [max(overlaps)[1]]


def convert_document(path: Path, records: list[tuple[str, dict]], file: str, source: str,
                     annotator: str) -> tuple[list[dict], list[str]]:
    """Rows for every unit of one document, labelled from its gold records; plus unmatched quotes."""
    doc, raw, units = document_units(path)
    norm = norm_with_map(doc.text)
    raw_norm = norm_with_map(raw)
    labels: dict[int, dict] = defaultdict(dict)
    missed = []
    for kind, rec in records:
        span = locate(doc.text, rec["quote"], norm)
        hits = _covered(units, *span, single=kind in SINGLE) if span else []
        if not hits:
            missed.append(f"{path.name}: {kind} quote not found ({len(rec['quote'])} chars, "
                          f"starts {rec['quote'][:24]!r}…)")
            continue
        for i in hits:
            lab = _label_of(kind, rec)
            if "risk" in lab and "hn" in labels[i] or "hn" in lab and "risk" in labels[i]:
                missed.append(f"{path.name}: unit at {units[i].start} is both a risk and a hard negative; kept the risk")
                labels[i].pop("hn", None)
                lab.pop("hn", None)
            _merge(labels[i], lab)
    rows = []
    for i, u in enumerate(units):
        norm_label, errs = parse(labels.get(i, {}))
        if errs:
            raise ValueError(f"{path.name}: gold label at {u.start}: {errs}")
        norm_label = anchor(norm_label, raw, u.start, raw_norm)
        if source == "dev000":  # text of a shared report: cited by offsets or not at all
            norm_label = drop_unanchored(norm_label)
        rows.append({"file": file, "start": u.start, "end": u.end, "sha1": sha1(u.text), "labels": norm_label,
                     "annotator": annotator, "source": source, "batch": None,
                     "ctx": {"heading": [list(s) for s in u.heading if not (s[0] <= u.start < s[1])],
                             "prev": [units[i - 1].start, units[i - 1].end] if i else None,
                             "next": [units[i + 1].start, units[i + 1].end] if i + 1 < len(units) else None,
                             "block_kind": u.block_kind}})
    return rows, missed


def _gold_records(folder: Path) -> dict[str, list[tuple[str, dict]]]:
    by_doc = defaultdict(list)
    for kind in ("goal_assessments", "aggregates", "targets", "risks", "events", "hard_negatives"):
        f = folder / f"{kind}.jsonl"
        if f.exists():
            for line in f.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    rec = json.loads(line)
                    by_doc[rec["doc"]].append((kind, rec))
    return by_doc


def convert_dev(out: Path = ANNOTATIONS / "dev000.jsonl") -> list[str]:
    docs = _gold_records(DEV)
    rows, missed = [], []
    for name, recs in sorted(docs.items()):
        r, m = convert_document(SHARED / "corpus" / name, recs, f"corpus/{name}", "dev000", "dev-gold")
        rows, missed = rows + r, missed + m
    write(rows, out)
    return [f"{out}: {len(rows)} sentences"] + missed


def convert_sample(out: Path = ANNOTATIONS / "sample.jsonl") -> list[str]:
    docs = _gold_records(SAMPLE_GOLD)
    rows, missed = [], []
    for f in sorted(SAMPLE_DIR.glob("*.txt")):  # every sample report, gold or not: all negatives are real
        r, m = convert_document(f, docs.get(f.name, []), str(f.relative_to(REPO)), "sample", "sample-gold")
        rows, missed = rows + r, missed + m
    write(rows, out)
    return [f"{out}: {len(rows)} sentences"] + missed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("which", nargs="*", help="dev and/or sample (default: both)")
    args = ap.parse_args(argv)
    bad = [w for w in args.which if w not in ("dev", "sample")]
    if bad:
        print(f"{bad[0]}: not a gold set (dev, sample)", file=sys.stderr)
        return 2
    for which in args.which or ["dev", "sample"]:
        if which == "dev" and not DEV.is_dir():
            print(f"{DEV}: dev gold not found (set RAPPORT_SHARED)", file=sys.stderr)
            return 2
        for line in (convert_dev if which == "dev" else convert_sample)():
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
