"""Bounded work per query: latency of odd queries next to ordinary ones, on a built index.

    python bench/bench_query_bounds.py [--corpus ../shared/corpus] [--repeat 3] [--json]

Ordinary: our tuning queries. Odd: a 10,000-character query of words, one
10,000-letter token, a 1,000-letter token (the longest the CLI and web accept),
control characters around and inside words, emoji, punctuation. Prints p50/p95 per
group (ms) and the load average; every odd query must answer (a frame) or raise the
one-line QueryError, never anything else.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"

ODD = {
    "10k chars of words": ("kostnader för hyrpersonal ökar " * 400)[:10_000],
    "10k-letter token": "sjukfrånvaro" * 833,
    "10k random-ish token": ("abcdefghijklmnopqrstuvwxyzåäö" * 345)[:10_000],
    "1k-letter token": "x" * 1000,
    "control characters": "\x00sjuk\x07frånvaro\x1b[31m bland\x7f personalen\u200b",
    "only control characters": "\x00\x01\x02\x1b",
    "emoji": "😀🔥🚀" * 50,
    "punctuation": "!?.,;:" * 200,
}


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    ap.add_argument("--index-dir", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)

    from rapport.corpus.load import load_corpus
    from rapport.index.query import QueryError
    from rapport.index.search import build_or_load_index
    from rapport.models.build_embedder import cache_root

    docs, _ = load_corpus([a.corpus])
    s = build_or_load_index(docs, a.index_dir or cache_root() / "bench-index" / "w3s1-path")
    s.search("uppvärmning", 10)  # load the query encoder and dictionaries
    tuning = [json.loads(x)["query"] for x in (ROOT / "bench" / "tuning_queries.jsonl").read_text(
        encoding="utf-8").splitlines() if x.strip()]
    lat: dict[str, list[float]] = {"ordinary (tuning)": []}
    outcome: dict[str, str] = {}
    for _ in range(a.repeat):
        s._qcache.clear()
        for q in tuning:
            t = time.perf_counter()
            s.search(q, 10)
            lat["ordinary (tuning)"].append(1000 * (time.perf_counter() - t))
        for name, q in ODD.items():
            s._qcache.clear()
            t = time.perf_counter()
            try:
                df = s.search(q, 10)
                outcome[name] = f"{len(df)} hits, no_good_match={df.attrs.get('no_good_match')}"
            except QueryError as e:
                outcome[name] = f"QueryError: {e}"
            lat.setdefault(name, []).append(1000 * (time.perf_counter() - t))
    res = {name: {"p50_ms": round(statistics.median(v), 1), "p95_ms": round(pct(v, 0.95), 1),
                  **({"outcome": outcome[name]} if name in outcome else {})} for name, v in lat.items()}
    res["loadavg"] = open("/proc/loadavg").read().split()[:3]
    print(json.dumps(res, ensure_ascii=False, indent=None if a.json else 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
