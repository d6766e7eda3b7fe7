"""Table splitting against numbers per line: seconds per table and the growth exponent (issue 16.4).

    python bench/fuzz_split.py [--counts 10,25,50,100,200,500,1000] [--timeout 120] [--seed 0] [--cap N]

A generated table (title, header, two rows of N numbers, some "1 234"-grouped so the
split is ambiguous, then a short row) goes through corpus.tables.find_tables in a
child process with a timeout, so a blow-up is a printed figure, not a hung run.
The target is at most quadratic growth with a cap and no recursion on input size;
the exponent printed is the slope of log(seconds) against log(N) between sizes.
`--cap N` raises the numbers per row past which readings are not searched (default 60,
`corpus.tables.blocks.MAX_ATOMS`), to time the exact search itself on long rows.
"""
from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def table_text(n: int, seed: int) -> str:
    r = random.Random(seed)
    cells = [f"{r.randint(1, 999)} {r.randint(0, 999):03d}" if r.random() < 0.5 else str(r.randint(1, 999))
             for _ in range(n)]
    row = "  ".join(cells)
    return f"Tabell 1. Belopp i mnkr\nPost  2020  2021\nKostnader  {row}\nIntäkter  {row}\nResultat  1  2\n"


def _child(n: int, seed: int, q, cap: int | None = None) -> None:
    import importlib

    from rapport.corpus.tables import find_tables

    if cap is not None:
        for name in ("blocks", "build", "cells"):  # every module that holds the cap
            try:
                importlib.import_module(f"rapport.corpus.tables.{name}").MAX_ATOMS = cap
            except ImportError:
                pass

    text = table_text(n, seed)
    t0 = time.perf_counter()
    try:
        tables, _ = find_tables(text, doc="split.txt")
        q.put(("ok", time.perf_counter() - t0, len(tables)))
    except RecursionError:
        q.put(("RecursionError", time.perf_counter() - t0, 0))
    except Exception as e:  # noqa: BLE001 - any crash is a figure here
        q.put((type(e).__name__, time.perf_counter() - t0, 0))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counts", default="10,25,50,100,200,500,1000")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per size before it counts as a blow-up")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cap", type=int, default=None, help="numbers per row searched exactly (default: the module's)")
    a = ap.parse_args()
    print(f"load average at start: {open('/proc/loadavg').read().strip()}", flush=True)
    print(f"{'numbers':>8} {'seconds':>9} {'outcome':<16} {'exponent':>8}", flush=True)
    prev, bad = None, 0
    for n in map(int, a.counts.split(",")):
        q = mp.Queue()
        p = mp.Process(target=_child, args=(n, a.seed, q, a.cap))
        p.start()
        p.join(a.timeout)
        if p.is_alive():
            p.kill()
            p.join()
            print(f"{n:>8} {'>' + str(int(a.timeout)):>9} {'timeout':<16}", flush=True)
            bad += 1
            break  # larger lines only take longer
        outcome, secs, found = q.get() if not q.empty() else (f"exit {p.exitcode}", float("nan"), 0)
        slope = ""
        if prev and secs > 0 and prev[1] > 0:
            slope = f"{math.log(secs / prev[1]) / math.log(n / prev[0]):.2f}"
        print(f"{n:>8} {secs:>9.2f} {outcome + f' ({found} tables)':<16} {slope:>8}", flush=True)
        bad += outcome != "ok"
        prev = (n, secs)
    print(f"load average at end: {open('/proc/loadavg').read().strip()}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
