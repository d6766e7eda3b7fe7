"""The property tests under the "long" hypothesis profile: inputs tried and failures per family (issue 16.4).

    python bench/fuzz.py [--examples 20000] [--family offsets,dates,numbers,pieces]

The suite runs the same properties under the "ci" profile (200 derandomised inputs
each, tests/conftest.py); this runs them with `--examples` random inputs each and
prints, per family, the passing and failing inputs hypothesis reports. Heavy at
the default: `flock /work/coord/heavy.lock nice -n 10 python bench/fuzz.py`.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAMILIES = {
    "offsets": ["tests/test_corpus_clean_properties.py"],
    "dates": ["tests/test_pipeline_dates_properties.py"],
    "numbers": ["tests/test_corpus_numbers_properties.py"],
    "pieces": ["tests/test_pipeline_pieces.py::test_pieces_piece_bounds_cover_the_text_within_the_limit"],
}
_STATS = re.compile(r"(\d+) passing(?: examples?)?, (\d+) failing")  # hypothesis 6.x statistics lines


def run_family(tests: list[str], examples: int) -> tuple[int, int, int, float]:
    """(passing inputs, failing inputs, pytest exit code, seconds) for one family."""
    env = {**os.environ, "HYPOTHESIS_PROFILE": "long", "RAPPORT_FUZZ_EXAMPLES": str(examples),
           "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "--hypothesis-show-statistics", *tests], cwd=ROOT, env=env, capture_output=True, text=True)
    found = [tuple(map(int, m)) for m in _STATS.findall(p.stdout)]
    return sum(a for a, _ in found), sum(b for _, b in found), p.returncode, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=20000, help="random inputs per property")
    ap.add_argument("--family", default=",".join(FAMILIES), help="comma-separated: " + ", ".join(FAMILIES))
    a = ap.parse_args()
    print(f"load average at start: {open('/proc/loadavg').read().strip()}", flush=True)
    print(f"{'family':<10} {'passing':>9} {'failing':>8} {'exit':>4} {'seconds':>8}", flush=True)
    bad = 0
    for fam in a.family.split(","):
        ok, failing, rc, s = run_family(FAMILIES[fam], a.examples)
        bad += failing + (rc != 0)
        print(f"{fam:<10} {ok:>9,} {failing:>8} {rc:>4} {s:>8.0f}", flush=True)
    print(f"load average at end: {open('/proc/loadavg').read().strip()}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
