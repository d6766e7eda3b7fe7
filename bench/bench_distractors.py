"""Do the report passages still come first when thousands of national texts sit beside them?

    python bench/bench_distractors.py --n 5000 --chars 1000 [--priors off,0.4] [--national] [--no-dev]
                                      [--seed 0] [--json]

Indexes ../shared/corpus plus N g0vse documents (a seeded sample over every folder; with
--chars each is cut to its first C characters at a paragraph break, which bounds the
embedding cost: say so when quoting a figure), then runs on it and on the reports alone:
our tuning queries (bench/tuning_queries.jsonl, bench/eval_search.py's judge: in-sample,
fusion was tuned on them), the dev queries (scored by ../shared/eval/score.py; run once per
configuration, never tuned on; --no-dev leaves them out) and with --national the queries
that ask for national texts (bench/national_queries.jsonl, judged by g0vse document: what
the national prior costs). --priors runs every national-prior factor given (off = none;
index/prior.py) on the same index. Prints nDCG@10 per set and prior, the share of top-10
results that are distractors, and how often the no-good-match flag fires. The reports'
vectors are reused from the plain bench index (copied, then updated incrementally), so
only the distractors are embedded. Run it as a heavy job:

    flock /work/coord/heavy.lock nice -n 10 python bench/bench_distractors.py --n 5000 --chars 1000
"""
from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from eval_search import SHARED  # noqa: E402


def sample_g0vse(n: int, seed: int) -> list[Path]:
    files = sorted((SHARED / "extra" / "g0vse").rglob("*.txt"))
    return sorted(random.Random(seed).sample(files, min(n, len(files))))


def cut(text: str, chars: int) -> str:
    if chars <= 0 or len(text) <= chars:
        return text
    at = text.rfind("\n\n", 0, chars)
    return text[: at if at > chars // 2 else chars]


def run(searcher, queries: list[dict], k: int = 10) -> tuple[list[dict], list]:
    from eval_search import result_records

    runs, frames = [], []
    for q in queries:
        df = searcher.search(q["query"], k)
        frames.append(df)
        runs.append({"query": q["query"], "no_good_match": df.attrs.get("no_good_match"),
                     "results": result_records(df.drop(columns=["source"], errors="ignore"))})
    return runs, frames


def dev_score(runs: list[dict], out: Path) -> dict:
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in runs), encoding="utf-8")
    cmd = [sys.executable, str(SHARED / "eval" / "score.py"), "search", str(out),
           str(SHARED / "eval" / "dev" / "queries.jsonl"), "--json"]
    res = subprocess.run(cmd, capture_output=True, text=True)
    try:
        return json.loads(res.stdout)
    except ValueError:
        return {"error": (res.stdout + res.stderr)[-300:]}


def distractor_docs(n: int, chars: int, seed: int) -> tuple[list, list[str]]:
    """The N sampled g0vse documents (each cut to `chars`), loaded as reports are, and load errors."""
    from rapport.corpus.load import load_corpus

    tmp = Path(tempfile.mkdtemp(prefix="distractors-"))
    try:
        for f in sample_g0vse(n, seed):
            (tmp / f"g0vse_{f.parent.name}_{f.name}").write_text(cut(f.read_text(encoding="utf-8"), chars),
                                                                encoding="utf-8")
        return load_corpus([tmp])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def distractor_index(reports: list, extra: list, base_dir: Path, n: int, chars: int, seed: int):
    """The Searcher over reports + distractors, in its own bench folder (started from a copy of
    the reports' index so only the distractors are embedded; vectors are cached by text anyway)."""
    from rapport.index.search import build_or_load_index
    from rapport.models.build_embedder import cache_root

    index_dir = cache_root() / "bench-index" / f"distractors-n{n}-c{chars}-s{seed}"
    if not index_dir.exists() and base_dir.exists():
        shutil.copytree(base_dir, index_dir)
    return build_or_load_index(reports + extra, index_dir, show_progress=True,
                               log=lambda m: print(m, file=sys.stderr))


def g0vse_name(rel_path: str) -> str:
    """"pressmeddelanden/2024-11_x.txt" → the document name this bench gives that file."""
    folder, file = rel_path.split("/", 1)
    return f"g0vse_{folder}_{file}"


def score_national(queries: list[dict], runs: list[dict], k: int = 10) -> dict:
    """nDCG@10 against graded g0vse documents: a result earns its document's grade the first
    time that document appears (later passages of it earn nothing), ideal = the grades sorted."""
    from rapport.index.query import asks_national

    per = []
    for q, run in zip(queries, runs):
        grade = {g0vse_name(r["doc"]): int(r["grade"]) for r in q["relevant"]}
        seen, gains = set(), []
        for r in run["results"][:k]:
            gains.append(grade.get(r["doc"], 0) if r["doc"] not in seen else 0)
            seen.add(r["doc"])
        dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
        ideal = sum(g / math.log2(i + 2) for i, g in enumerate(sorted(grade.values(), reverse=True)[:k]))
        per.append({"id": q["id"], "ndcg@10": round(dcg / ideal if ideal else 0.0, 3),
                    "cue": asks_national(q["query"]),
                    "reports_in_top10": sum(not r["doc"].startswith("g0vse_") for r in run["results"][:k])})

    def mean(rows):
        return round(sum(r["ndcg@10"] for r in rows) / len(rows), 3) if rows else None

    return {"ndcg@10": mean(per), "with_cue": mean([r for r in per if r["cue"]]),
            "without_cue": mean([r for r in per if not r["cue"]]),
            "queries": f"{len(per)} ({sum(r['cue'] for r in per)} name the national level)",
            "reports_in_top10_mean": round(sum(r["reports_in_top10"] for r in per) / max(1, len(per)), 2),
            "per_query": {r["id"]: r["ndcg@10"] for r in per}}


def parse_priors(text: str) -> list[float]:
    from rapport.index.prior import PriorError, parse_factor

    try:
        return list(dict.fromkeys(parse_factor(x, "--priors") for x in text.split(",") if x.strip()))
    except PriorError as e:
        raise SystemExit(f"error: {e}") from None


def measure(searcher, sets: dict, units, report_docs: set[str], name: str) -> dict:
    """Every query set on one searcher: nDCG@10, the distractor share of the top 10s, flags."""
    from eval_search import score_tuning

    t = time.perf_counter()
    out, frames, n = {}, [], 0
    for part, queries in sets.items():
        runs, fr = run(searcher, queries)
        n += len(queries)
        if part == "dev":
            dev = dev_score(runs, Path(tempfile.gettempdir()) / f"distractor_runs_{name}.jsonl")
            out["dev"] = {k: dev.get(k) for k in ("ndcg@10", "by_kind", "compare_both_regions") if k in dev} or dev
        elif part == "tuning":
            tun = score_tuning(units, queries, runs)
            tun.pop("per_query")
            out["tuning"] = tun
        else:
            out["national"] = score_national(queries, runs)
        if part != "national":  # national queries want distractors: they count in neither figure
            frames += fr
    top = [d for f in frames for d in f["doc"].tolist()]
    out["top10_distractor_share"] = round(sum(d not in report_docs for d in top) / max(1, len(top)), 3)
    out["flagged_no_good_match"] = f"{sum(bool(f.attrs.get('no_good_match')) for f in frames)}/{len(frames)}"
    out["query_ms_mean"] = round(1000 * (time.perf_counter() - t) / max(1, n), 1)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="g0vse documents to add")
    ap.add_argument("--chars", type=int, default=0, help="cut each distractor to its first C characters (0: whole)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--priors", default="off,0.4",
                    help="national-prior factors to measure, comma-separated (off, on or a factor in (0, 1])")
    ap.add_argument("--national", action="store_true", help="also run bench/national_queries.jsonl")
    ap.add_argument("--no-dev", action="store_true", help="leave the dev queries out")
    ap.add_argument("--base-index", type=Path, default=None, help="the reports-only bench index to start from")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    priors = parse_priors(a.priors)

    from eval_search import read_queries, sentence_units

    from rapport.corpus.load import load_corpus
    from rapport.index.search import build_or_load_index
    from rapport.models.build_embedder import cache_root

    t0 = time.perf_counter()
    reports, _ = load_corpus([SHARED / "corpus"])
    base_dir = a.base_index or cache_root() / "bench-index" / "w3s1-path"
    base = build_or_load_index(reports, base_dir, log=lambda m: print(m, file=sys.stderr))
    extra, errors = distractor_docs(a.n, a.chars, a.seed)
    t_load = time.perf_counter() - t0
    with_regions = sum(d.meta.region is not None for d in extra)
    t = time.perf_counter()
    big = distractor_index(reports, extra, base_dir, a.n, a.chars, a.seed)
    t_index = time.perf_counter() - t

    sets = {"tuning": read_queries(ROOT / "bench" / "tuning_queries.jsonl")}
    if not a.no_dev:
        sets["dev"] = read_queries(SHARED / "eval" / "dev" / "queries.jsonl")
    names = {d.name for d in extra}
    if a.national:
        nat = read_queries(ROOT / "bench" / "national_queries.jsonl")
        missing = sorted({r["doc"] for q in nat for r in q["relevant"] if g0vse_name(r["doc"]) not in names})
        if missing:  # judged documents outside this sample: the figure would not be comparable
            print(f"note: {len(missing)} judged national document(s) are not among the {len(extra)} distractors",
                  file=sys.stderr)
        sets["national"] = nat
    units = sentence_units(reports)
    out: dict = {"distractors": len(extra), "distractor_errors": len(errors),
                 "distractors_with_a_region": with_regions, "chars_cap": a.chars or None,
                 "passages": {"reports": len(base), "with_distractors": len(big)},
                 "load_s": round(t_load, 1), "index_s": round(t_index, 1)}
    report_docs = {d.name for d in reports}
    # the reports alone: every passage has a region, so the prior changes nothing there
    out["reports"] = measure(base, {k: v for k, v in sets.items() if k != "national"}, units, report_docs,
                             "reports")
    for f in priors:
        big.fusion = replace(big.fusion, national_prior=f)
        label = "off" if f >= 1.0 else str(f)
        out[f"with_distractors_prior_{label}"] = measure(big, sets, units, report_docs, f"distractors_{label}")
    summary = {}
    for part in sets:
        row = {"reports only": out["reports"].get(part, {}).get("ndcg@10")} if part != "national" else {}
        for f in priors:
            label = "off" if f >= 1.0 else str(f)
            row[f"+{len(extra)} prior {label}"] = out[f"with_distractors_prior_{label}"][part].get("ndcg@10")
        summary[part] = row
    out["summary_ndcg@10"] = summary
    out["loadavg"] = open("/proc/loadavg").read().split()[:3]
    print(json.dumps(out, ensure_ascii=False, indent=None if a.json else 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
