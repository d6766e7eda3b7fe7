"""Run extraction on the dev report(s) and score it with ../shared/eval/score.py.

    python bench/eval_extract.py                       # all components, dev report 000
    python bench/eval_extract.py --only rapport_risks  # one component (+ sentences, lemmas)
    python bench/eval_extract.py --docs ../shared/corpus/004_1447dcaa6c211d95.txt --out /tmp/x   # no gold: just write
    python bench/eval_extract.py --heads ""                  # rules only (no learned heads)
    python bench/eval_extract.py --heads /tmp/heads_no000    # heads trained without 000: the out-of-sample figure

`--heads` sets the heads folder of the components that models/config.cfg gives heads
(rapport_risks, rapport_events; rapport_goals runs rules only there, and stays so).
Figures on 000 with the shipped heads are in-sample (they are trained on 000 too).
After the scorer's table it prints `clinical_hits`: risks written on a sentence the
annotations of that document label a clinical hard negative (`hn: clinical`); it must be 0.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.annotate.paths import SHARED  # noqa: E402  (RAPPORT_SHARED, else ../shared)


def clinical_hits(risks: Path, docs: list[str]) -> list[dict]:
    """Risks whose evidence holds, or lies in, a sentence annotated `hn: clinical` in its document.

    Annotation offsets index the raw file and records the cleaned text, so sentences are
    compared as whitespace-collapsed text (how the dataset reads them back)."""
    from tools.annotate.dataset import load, squash

    names = {Path(d).name for d in docs}
    clinical = {}
    for r in load():
        if r.is_clinical and Path(r.file).name in names:
            clinical.setdefault(Path(r.file).name, []).append(r.text)
    hits = []
    for line in (risks.open(encoding="utf-8") if risks.exists() else []):
        rec = json.loads(line)
        text = squash(rec.get("text", ""))
        for neg in clinical.get(rec.get("doc"), []):
            if text and (neg in text or text in neg):
                hits.append({"doc": rec["doc"], "start": rec.get("start"), "end": rec.get("end")})
                break
    return hits


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default=None, help="comma-separated component names")
    ap.add_argument("--docs", nargs="*", default=[str(SHARED / "corpus" / "000_aaca8210c76a1746.txt")])
    ap.add_argument("--gold", nargs="*", default=[str(SHARED / "eval" / "dev" / "000")])
    ap.add_argument("--out", default="/tmp/rapport_eval")
    ap.add_argument("--heads", default=None, help='heads folder for the components the config gives heads (risks, events); "" = rules only everywhere')
    ap.add_argument("--rule-labels", action="store_true", help="with heads: keep the rules' risk category / event type")
    args = ap.parse_args()

    from rapport.corpus import load_corpus
    from rapport.app.outputs import write_jsonl
    from rapport.pipeline.nlp import build_nlp
    from rapport.models.heads import HeadsError
    from rapport.pipeline.run import extract

    only = None
    if args.only:
        only = ["rapport_sentences", "rapport_lemmas"] + args.only.split(",")
    nlp = build_nlp(only=only)
    if args.heads is not None:
        for name in ("rapport_risks", "rapport_events", "rapport_goals"):
            # a component the config runs rules-only (rapport_goals: its head loses out of sample)
            # stays so, or the figure would not be the shipped pipeline's
            if name in nlp.pipe_names and (args.heads == "" or nlp.get_pipe(name).heads):
                try:
                    nlp.get_pipe(name).initialize(heads=args.heads)
                except HeadsError as e:
                    sys.exit(f"--heads: {e}")
                if args.rule_labels and hasattr(nlp.get_pipe(name), "label_head"):
                    nlp.get_pipe(name).label_head = False
    docs, errors = load_corpus(args.docs)
    for e in errors:
        print("error:", e, file=sys.stderr)
    t = time.perf_counter()
    ex = extract(nlp, docs)
    secs = time.perf_counter() - t
    for e in ex.errors:
        print("error:", e, file=sys.stderr)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = {f"{kind}.jsonl": write_jsonl(out / f"{kind}.jsonl", rows) for kind, rows in ex.records.items()}
    print(json.dumps({"seconds": round(secs, 2), "written": written}, ensure_ascii=False))
    print(json.dumps({"clinical_hits": clinical_hits(out / "risks.jsonl", args.docs)}, ensure_ascii=False))
    if args.gold:
        subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "extract", args.out, *args.gold])


if __name__ == "__main__":
    main()
