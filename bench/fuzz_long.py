"""Reports of 1, 5 and 40 MB through reading and extraction: time and peak memory (issue 16.1, 11).

    python bench/fuzz_long.py [--sizes 1,5,40] [--shapes report,one_line] [--seed 0]

Each (size, shape) runs in its own process so its peak memory (ru_maxrss) is its own;
the report is generated from our own sentences (tests/fixtures/long_reports.py). A
report over spaCy's max_length is extracted in pieces (pipeline.pieces): "rss after
reading" against "rss after extracting" shows whether the pipeline's memory grows
with the report or stays bounded by the piece. Heavy at 40 MB (tens of minutes of CPU):
run it as `flock /work/coord/heavy.lock nice -n 10 python bench/fuzz_long.py`.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _cpu_s() -> float:
    """CPU seconds of this process: on a shared machine wall time mostly measures the neighbours."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def one(mb: float, shape: str, seed: int) -> dict:
    """Generate, read and extract one report in this process; the figures as a dict."""
    from rapport.corpus import load_document
    from rapport.pipeline.nlp import build_nlp
    from rapport.pipeline.run import extract
    from tests.fixtures.long_reports import long_report

    with tempfile.TemporaryDirectory(prefix="fuzz-long-") as tmp:
        path = Path(tmp) / f"lang-{shape}-{mb:g}mb.txt"
        path.write_text(long_report(int(mb * 1_000_000), seed, shape), encoding="utf-8")
        size = path.stat().st_size
        base = _rss_mb()
        t0, c0 = time.perf_counter(), _cpu_s()
        doc = load_document(path)
        read_s, read_cpu, read_rss = time.perf_counter() - t0, _cpu_s() - c0, _rss_mb()
        nlp = build_nlp()
        t0, c0 = time.perf_counter(), _cpu_s()
        ex = extract(nlp, [doc])
        extract_s, extract_cpu = time.perf_counter() - t0, _cpu_s() - c0
        facts = sum(map(len, ex.records.values()))
        bad = sum(1 for rows in ex.records.values() for f in rows if doc.text[f.start:f.end][:len(f.text)] != f.text)
        pieces = next((w for w in ex.warnings if "pieces" in w), "")
        return {"mb": mb, "shape": shape, "bytes": size, "chars": len(doc.text), "read_s": round(read_s, 1),
                "read_cpu_s": round(read_cpu, 1), "extract_s": round(extract_s, 1),
                "extract_cpu_s": round(extract_cpu, 1), "rss_start_mb": base, "rss_after_read_mb": read_rss,
                "rss_peak_mb": _rss_mb(), "facts": facts, "facts_off_text": bad, "errors": len(ex.errors),
                "pieces": int(pieces.split(" pieces")[0].split()[-1]) if pieces else 1}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,5,40", help="report sizes in MB, comma-separated")
    ap.add_argument("--shapes", default="report", help="comma-separated: report, no_headings, bullets, one_line, "
                                                       "one_sentence")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--one", nargs=2, metavar=("MB", "SHAPE"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(one(float(a.one[0]), a.one[1], a.seed)))
        return 0
    print(f"load average at start: {open('/proc/loadavg').read().strip()}", flush=True)
    print(f"{'MB':>5} {'shape':<12} {'chars':>11} {'pieces':>6} {'read s':>7} {'cpu':>6} "
          f"{'extract s':>9} {'cpu':>6} "
          f"{'rss base':>8} {'rss read':>8} {'rss peak':>8} {'facts':>7} {'off':>4} {'errors':>6}", flush=True)
    failed = 0
    for shape in a.shapes.split(","):
        for mb in map(float, a.sizes.split(",")):
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            p = subprocess.run([sys.executable, __file__, "--one", str(mb), shape, "--seed", str(a.seed)],
                               capture_output=True, text=True, env=env)
            if p.returncode != 0:
                failed += 1
                print(f"{mb:>5g} {shape:<12} crashed (exit {p.returncode}): {p.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(p.stdout.strip().splitlines()[-1])
            print(f"{mb:>5g} {shape:<12} {r['chars']:>11,} {r['pieces']:>6} {r['read_s']:>7} {r['read_cpu_s']:>6} "
                  f"{r['extract_s']:>9} {r['extract_cpu_s']:>6} "
                  f"{r['rss_start_mb']:>6}MB {r['rss_after_read_mb']:>6}MB {r['rss_peak_mb']:>6}MB {r['facts']:>7} {r['facts_off_text']:>4} "
                  f"{r['errors']:>6}", flush=True)
            failed += bool(r["errors"] or r["facts_off_text"])
    print(f"load average at end: {open('/proc/loadavg').read().strip()}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
