"""Score goal assessments (labelled F1: status × horizon) and counted summaries (exact) on our own
annotations, per source and per document, with ../shared/eval/score.py's matching.

    python bench/eval_goals.py                      # rules only (goal heads are off by default)
    python bench/eval_goals.py --per-doc --out /tmp/g   # one line per document; predictions kept in /tmp/g

Groups (which figure is which):
- `written:held_out`, `sample:held_out`: documents with sha1(file) % 5 == 0 (tools.annotate.dataset.split_of);
- `written:train`, `sample:train`: the rest of the annotated region-style texts and the sample corpus;
  the goal rules were developed on 000 and partly read these: closer to in-sample than held-out;
- `goals_heldout`: data/written/goals_heldout/ (gold in the scorer's format, see its README for which
  report was tuned on).
Gold is built from the annotation rows: one goal record per label, its quote the annotated sentence.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.annotate.dataset import load  # noqa: E402
from tools.annotate.paths import SHARED, source_path  # noqa: E402

HELDOUT_DIR = ROOT / "data" / "written" / "goals_heldout"
COMPONENTS = ["rapport_sentences", "rapport_lemmas", "rapport_goals", "rapport_aggregates"]
GOAL_KEYS = ("goal", "level", "assessor", "status", "horizon")
AGG_KEYS = ("scope", "total", "achieved", "partially", "not_achieved", "no_assessment")


def scorer():
    spec = importlib.util.spec_from_file_location("score", SHARED / "eval" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(SHARED / "eval"))  # score.py imports textnorm beside it
    spec.loader.exec_module(mod)
    return mod


def annotated_gold(sources=("written", "sample")) -> dict[str, dict]:
    """{doc path: {"group", "goal_assessments": [...], "aggregates": [...]}} from the annotation rows.
    Every annotated document is listed (one with no goal label scores its false hits)."""
    docs: dict[str, dict] = {}
    for r in load(sources=set(sources)):
        path = str(source_path(r.source, r.file))
        d = docs.setdefault(path, {"group": f"{r.source}:{r.split}", "goal_assessments": [], "aggregates": []})
        name = Path(r.file).name
        for g in r.labels.get("goals") or []:
            d["goal_assessments"].append({"doc": name, **{k: g.get(k) for k in GOAL_KEYS}, "quote": r.text})
        if r.labels.get("aggregate"):
            a = r.labels["aggregate"]
            d["aggregates"].append({"doc": name, **{k: a.get(k) for k in AGG_KEYS}, "quote": r.text})
    return docs


def heldout_gold() -> dict[str, dict]:
    docs = {}
    for gold in sorted(HELDOUT_DIR.glob("gold_*")):
        recs = {k: [json.loads(x) for x in (gold / f"{k}.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
                for k in ("goal_assessments", "aggregates")}
        names = {r["doc"] for k in recs for r in recs[k]}
        for name in names:
            docs[str(HELDOUT_DIR / name)] = {"group": "goals_heldout",
                                             **{k: [r for r in v if r["doc"] == name] for k, v in recs.items()}}
    return docs


def write_gold(folder: Path, docs: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for kind in ("goal_assessments", "aggregates"):
        with (folder / f"{kind}.jsonl").open("w", encoding="utf-8") as fh:
            for d in docs:
                for rec in d[kind]:
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    # a document with no gold record must still be "in" the gold for its false hits to count:
    # score.py takes the documents from every gold file, hard negatives included
    with (folder / "hard_negatives.jsonl").open("w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps({"doc": d["name"], "quote": "\x00", "why": "document marker"}) + "\n")


def figures(score, pred: Path, gold_docs: list[dict], tmp: Path) -> dict:
    write_gold(tmp, gold_docs)
    res = score.score_extract(str(pred), [str(tmp)])
    ga, ag = res["goal_assessments"], res["aggregates"]
    return {"goals_gold": ga["labelled"]["gold"], "goals_pred": ga["labelled"]["predicted"],
            "goals_P": ga["labelled"]["precision"], "goals_R": ga["labelled"]["recall"],
            "goals_F1": ga["labelled"]["f1"], "detected_F1": ga["detected"]["f1"],
            "agg_gold": ag["detected"]["gold"], "agg_pred": ag["detected"]["predicted"], "agg_exact": ag["exact"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=None, help="keep the predictions here (default: a temporary folder)")
    ap.add_argument("--heads", default=None, help='heads folder for rapport_goals; "" = rules only')
    ap.add_argument("--per-doc", action="store_true")
    args = ap.parse_args()

    from rapport.app.outputs import write_jsonl
    from rapport.corpus import load_corpus
    from rapport.pipeline.nlp import build_nlp
    from rapport.pipeline.run import extract

    gold = {**annotated_gold(), **heldout_gold()}
    for path, d in gold.items():
        d["name"] = Path(path).name
    nlp = build_nlp(only=COMPONENTS)
    if args.heads is not None and "rapport_goals" in nlp.pipe_names:
        nlp.get_pipe("rapport_goals").initialize(heads=args.heads)
    manifests = [HELDOUT_DIR / "MANIFEST.tsv"] if (HELDOUT_DIR / "MANIFEST.tsv").exists() else []
    docs = []
    for path in gold:
        loaded, errors = load_corpus([path], manifest=manifests[0] if HELDOUT_DIR.as_posix() in path else None)
        docs += loaded
        for e in errors:
            print("error:", e, file=sys.stderr)
    ex = extract(nlp, docs)
    for e in ex.errors:
        print("error:", e, file=sys.stderr)
    out = Path(args.out or tempfile.mkdtemp(prefix="eval_goals_"))
    out.mkdir(parents=True, exist_ok=True)
    for kind in ("goal_assessments", "aggregates"):
        write_jsonl(out / f"{kind}.jsonl", ex.records.get(kind, []))

    score = scorer()
    groups = defaultdict(list)
    for d in gold.values():
        groups[d["group"]].append(d)
    rows = [(g, figures(score, out, ds, out / "gold" / g.replace(":", "_"))) for g, ds in sorted(groups.items())]
    if args.per_doc:
        rows += [(f"  {d['name'][:48]}", figures(score, out, [d], out / "gold" / "one")) for d in gold.values()]
    cols = ["goals_gold", "goals_pred", "goals_P", "goals_R", "goals_F1", "detected_F1", "agg_gold", "agg_pred", "agg_exact"]
    print(f"{'group':52s} " + " ".join(f"{c:>11s}" for c in cols))
    for name, f in rows:
        print(f"{name:52s} " + " ".join(f"{f[c]:>11}" for c in cols))
    print(json.dumps({"predictions": str(out)}))


if __name__ == "__main__":
    main()
