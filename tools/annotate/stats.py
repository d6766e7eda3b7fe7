"""How far the training set is from its targets: counts per label, per split and per source.

`python -m tools.annotate.stats` prints a table; `--json` prints the counts as one object
(for the coordination file and the final report); `--check` prints every row the loader
leaves out (source missing, or its text changed since annotation: a stale hash) and every
label that fails validation, and exits 1 if there is any, so a stale row cannot go unseen.
"""
from __future__ import annotations

import argparse
import json
import warnings
from collections import Counter
from pathlib import Path

from .dataset import Row, load
from .paths import ANNOTATIONS

TARGETS = {"sentences": 3000, "risk": 600, "event": 500, "goal": 150, "clinical": 150}


def count(rows: list[Row]) -> dict:
    """Sentence-level counts (a sentence with two events counts once under `event`) plus the
    label breakdowns: risk categories, event types, goal status × horizon, sources."""
    c = {"sentences": len(rows), "risk": 0, "event": 0, "goal": 0, "clinical": 0, "aggregate": 0, "target": 0,
         "hn_other": 0, "negative": 0}
    cats, types, status, sources, docs = Counter(), Counter(), Counter(), Counter(), set()
    for r in rows:
        lab = r.labels
        sources[r.source] += 1
        docs.add(r.file)
        c["risk"] += "risk" in lab
        c["event"] += bool(lab.get("events"))
        c["goal"] += bool(lab.get("goals"))
        c["clinical"] += lab.get("hn") == "clinical"
        c["hn_other"] += lab.get("hn") == "other"
        c["aggregate"] += "aggregate" in lab
        c["target"] += bool(lab.get("targets"))
        c["negative"] += not any(k in lab for k in ("risk", "events", "goals", "aggregate", "targets"))
        if "risk" in lab:
            cats[lab["risk"]] += 1
        for e in lab.get("events", []):
            types[e["type"]] += 1
        for g in lab.get("goals", []):
            status[f"{g['status']}×{g['horizon']}"] += 1
    return {**c, "documents": len(docs), "risk_categories": dict(cats.most_common()),
            "event_types": dict(types.most_common()), "goal_status_horizon": dict(status.most_common()),
            "sources": dict(sources.most_common())}


def report(rows: list[Row]) -> dict:
    return {"all": count(rows), "train": count([r for r in rows if r.split == "train"]),
            "held_out": count([r for r in rows if r.split == "held_out"])}


def render(rep: dict) -> str:
    a, tr, ho = rep["all"], rep["train"], rep["held_out"]
    lines = [f"{'':12}{'all':>8}{'train':>8}{'held_out':>10}{'target':>8}"]
    for k in ("sentences", "documents", "risk", "event", "goal", "clinical", "aggregate", "target", "hn_other", "negative"):
        tgt = TARGETS.get(k, "")
        flag = "" if not tgt else ("  ok" if a[k] >= tgt else f"  short {tgt - a[k]}")
        lines.append(f"{k:12}{a[k]:>8}{tr[k]:>8}{ho[k]:>10}{tgt:>8}{flag}")
    for title, key in (("risk categories", "risk_categories"), ("event types", "event_types"),
                       ("goal status×horizon", "goal_status_horizon"), ("sources", "sources")):
        lines.append(f"{title}: " + ", ".join(f"{k} {v} ({ho[key].get(k, 0)} held out)" for k, v in a[key].items()))
    share = ho["sentences"] / a["sentences"] if a["sentences"] else 0.0
    lines.append(f"held-out share: {share:.1%} of sentences, {ho['documents']} of {a['documents']} documents")
    return "\n".join(lines)


def check(root: Path = ANNOTATIONS) -> list[str]:
    """One line per unusable row: left out by the loader (missing source, stale sha1) or with
    a label that no longer validates against the pipeline's vocabularies."""
    from .labels import validate

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows = load(root, keep_skipped=True)
    out = [str(w.message) for w in caught]
    return out + [f"{r.file} [{r.start}:{r.end}]: {p}" for r in rows for p in validate(r.labels)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--source", action="append", help="only these sources (g0vse, dev000, sample, written)")
    ap.add_argument("--check", action="store_true", help="list stale or invalid rows; exit 1 if any")
    args = ap.parse_args(argv)
    if args.check:
        bad = check()
        print("\n".join(bad) if bad else "annotations: every row loads and validates (0 stale)")
        return 1 if bad else 0
    rows = load(sources=set(args.source) if args.source else None)
    rep = report(rows)
    print(json.dumps(rep, ensure_ascii=False) if args.json else render(rep))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
