"""`make bench`: every benchmark script in turn; each prints its own figures."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["bench_ingest.py", "bench_tables.py", "bench_embed.py", "bench_index.py", "faiss_1m.py"]

for name in SCRIPTS:
    path = HERE / name
    if not path.exists():
        continue
    print(f"\n=== {name}", flush=True)
    subprocess.run([sys.executable, str(path)], check=False)
