"""`rapport extract` over a corpus, cold (no cached vectors, no cached facts) and warm.

    python bench/bench_extract.py [../shared/corpus] [--heads on|off|both]

Each run is a fresh `python -m rapport.app.cli extract` process (model load included) with
RAPPORT_HOME pointing at a scratch folder whose `models/` links to the real one:
  cold       empty vector cache and fact cache: every candidate sentence is embedded
  vectors    vector cache warm, fact cache emptied: the pipeline runs, embeddings are read back
  warm       both warm: what a user sees on a second `rapport extract`
Prints one JSON line per run with wall seconds, CPU seconds of the process (user + system),
the load average it ran under and the number of facts written (aim: cold <= 120 s, warm <= 15 s
on 2 cores). `--heads off` runs the same in a home without the model: the learned heads step
aside and the rules extract (what a user without `make setup` gets); `--heads both` runs each.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def run_once(corpus: str, home: Path, out: Path) -> dict:
    env = dict(os.environ, RAPPORT_HOME=str(home), PYTHONPATH=str(ROOT))
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    t = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-m", "rapport.app.cli", "extract", corpus, "--out", str(out)],
                          env=env, capture_output=True, text=True, cwd=ROOT)
    secs = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    facts = {p.stem: sum(1 for _ in p.open(encoding="utf-8")) for p in out.glob("*.jsonl")}
    return {"seconds": round(secs, 1), "cpu_seconds": round(cpu, 1), "exit": proc.returncode, "loadavg": " ".join(load),
            "risks": facts.get("risks"), "events": facts.get("events"),
            "stderr_tail": proc.stderr.strip().splitlines()[-1:] if proc.returncode else []}


def main() -> None:
    from rapport.models.build_embedder import cache_root

    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--heads", choices=("on", "off", "both"), default="on",
                    help="on: the configured heads (needs the built model); off: rules only (no model in the home)")
    args = ap.parse_args()
    models = cache_root() / "models"
    if not models.is_dir():
        sys.exit(f"bench_extract: no built model under {models}: run `make setup`")
    for heads in (("on", "off") if args.heads == "both" else (args.heads,)):
        with tempfile.TemporaryDirectory(prefix="rapport-bench-extract-") as tmp:
            home = Path(tmp) / "home"
            home.mkdir()
            if heads == "on":
                (home / "models").symlink_to(models)
            for label in ("cold", "vectors", "warm"):
                if label == "vectors":  # keep the vectors, drop every other cache (facts, documents)
                    for p in home.iterdir():
                        if p.name not in ("models", "vectors"):
                            shutil.rmtree(p) if p.is_dir() else p.unlink()
                out = Path(tmp) / f"out-{label}"
                print(json.dumps({"run": label, "heads": heads, "corpus": args.corpus,
                                  **run_once(args.corpus, home, out)}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
