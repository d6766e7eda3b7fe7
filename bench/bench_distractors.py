"""Do the report passages still come first when thousands of national texts sit beside them?

    python bench/bench_distractors.py --n 1000 [--chars 4000] [--seed 0] [--json]

Indexes ../shared/corpus plus N g0vse documents (a seeded sample over every folder; with
--chars each is cut to its first C characters at a paragraph break, which bounds the
embedding cost: say so when quoting a figure), then runs the dev queries (scored by
../shared/eval/score.py) and our tuning queries (bench/eval_search.py's judge) on it and
on the reports alone. Prints nDCG@10 per kind for both, the drop, the share of top-10
results that are distractors, and how often the no-good-match flag fires. The reports'
vectors are reused from the plain bench index (copied, then updated incrementally), so
only the distractors are embedded. Run it as a heavy job:

    flock /work/coord/heavy.lock nice -n 10 python bench/bench_distractors.py --n 1000
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="g0vse documents to add")
    ap.add_argument("--chars", type=int, default=0, help="cut each distractor to its first C characters (0: whole)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--base-index", type=Path, default=None, help="the reports-only bench index to start from")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)

    from eval_search import read_queries, score_tuning, sentence_units

    from rapport.corpus.load import load_corpus
    from rapport.index.search import build_or_load_index
    from rapport.models.build_embedder import cache_root

    t0 = time.perf_counter()
    reports, _ = load_corpus([SHARED / "corpus"])
    base_dir = a.base_index or cache_root() / "bench-index" / "w3s1-path"
    base = build_or_load_index(reports, base_dir, log=lambda m: print(m, file=sys.stderr))

    tmp = Path(tempfile.mkdtemp(prefix="distractors-"))
    for f in sample_g0vse(a.n, a.seed):
        (tmp / f"g0vse_{f.parent.name}_{f.name}").write_text(cut(f.read_text(encoding="utf-8"), a.chars),
                                                            encoding="utf-8")
    extra, errors = load_corpus([tmp])
    shutil.rmtree(tmp, ignore_errors=True)
    t_load = time.perf_counter() - t0
    with_regions = sum(d.meta.region is not None for d in extra)

    index_dir = cache_root() / "bench-index" / f"distractors-n{a.n}-c{a.chars}-s{a.seed}"
    if not index_dir.exists() and base_dir.exists():
        shutil.copytree(base_dir, index_dir)  # the reports' vectors are reused; only distractors are embedded
    t = time.perf_counter()
    big = build_or_load_index(reports + extra, index_dir, show_progress=True,
                              log=lambda m: print(m, file=sys.stderr))
    t_index = time.perf_counter() - t

    dev_q = read_queries(SHARED / "eval" / "dev" / "queries.jsonl")
    tun_q = read_queries(ROOT / "bench" / "tuning_queries.jsonl")
    units = sentence_units(reports)
    out: dict = {"distractors": len(extra), "distractor_errors": len(errors),
                 "distractors_with_a_region": with_regions, "chars_cap": a.chars or None,
                 "passages": {"reports": len(base), "with_distractors": len(big)},
                 "load_s": round(t_load, 1), "index_s": round(t_index, 1)}
    report_docs = {d.name for d in reports}
    for name, s in (("reports", base), ("with_distractors", big)):
        t = time.perf_counter()
        dev_runs, dev_frames = run(s, dev_q)
        tun_runs, tun_frames = run(s, tun_q)
        q_ms = 1000 * (time.perf_counter() - t) / (len(dev_q) + len(tun_q))
        frames = dev_frames + tun_frames
        top = [d for f in frames for d in f["doc"].tolist()]
        dev = dev_score(dev_runs, Path(tempfile.gettempdir()) / f"distractor_runs_{name}.jsonl")
        tun = score_tuning(units, tun_q, tun_runs)
        tun.pop("per_query")
        out[name] = {"dev": {k: dev.get(k) for k in ("ndcg@10", "by_kind", "compare_both_regions") if k in dev}
                     or dev, "tuning": tun,
                     "top10_distractor_share": round(sum(d not in report_docs for d in top) / max(1, len(top)), 3),
                     "flagged_no_good_match": f"{sum(bool(f.attrs.get('no_good_match')) for f in frames)}/"
                                              f"{len(frames)}",
                     "query_ms_mean": round(q_ms, 1)}
    for part in ("dev", "tuning"):
        a_, b_ = out["reports"][part].get("ndcg@10"), out["with_distractors"][part].get("ndcg@10")
        if a_ is not None and b_ is not None:
            out[f"{part}_ndcg_drop"] = round(a_ - b_, 3)
    out["loadavg"] = open("/proc/loadavg").read().split()[:3]
    print(json.dumps(out, ensure_ascii=False, indent=None if a.json else 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
