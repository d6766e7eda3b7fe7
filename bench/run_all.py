"""`make bench`: every benchmark script in turn; each prints its own figures.

Grouped by issue so a reader finds the figure a closing note quotes. Scripts that
another branch has not landed yet are skipped. `make bench` takes about an hour on
2 cores (the growth and distractor runs dominate); pass script names to run some:
`python bench/run_all.py bench_embed.py fault_index.py`.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    # ingest, tables, extraction (issues 11, 12, 16)
    "bench_ingest.py", "bench_tables.py", "gen_tables.py", "bench_extract.py",
    # search (13) and the workbench (14)
    "bench_index.py", "bench_reuse.py", "bench_query_bounds.py", "bench_distractors.py", "bench_app.py",
    # scale (15)
    "bench_embed.py", "bench_stores.py", "bench_growth.py", "faiss_1m.py",
    # nothing lost, nothing torn (16)
    "fault_extract.py", "fault_index.py", "fuzz.py", "fuzz_split.py", "fuzz_long.py",
]

wanted = sys.argv[1:] or SCRIPTS
for name in wanted:
    path = HERE / name
    if not path.exists():
        print(f"\n=== {name}: not here, skipped", flush=True)
        continue
    print(f"\n=== {name}", flush=True)
    subprocess.run([sys.executable, str(path)], check=False)
