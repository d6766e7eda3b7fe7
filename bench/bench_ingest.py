"""Ingest throughput on ../shared/corpus (or any folder): MB/s and sentences/s, and extraction time.

    python bench/bench_ingest.py [CORPUS]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from rapport.corpus import load_corpus
    from rapport.corpus.readers import find_report_files

    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus"
    files, _ = find_report_files([corpus])
    size = sum(f.stat().st_size for f in files)
    load_corpus([corpus])  # warm imports and caches
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        docs, errors = load_corpus([corpus])
        runs.append(time.perf_counter() - t)
    secs = min(runs)
    n_sent = sum(len(d.sentences) for d in docs)
    print(f"ingest   {len(docs)} reports, {size / 1e6:.2f} MB, {n_sent} sentences, {sum(len(d.tables) for d in docs)} tables")
    print(f"ingest   {secs:.2f} s  → {size / 1e6 / secs:.2f} MB/s, {n_sent / secs:.0f} sentences/s")

    from rapport.pipeline.nlp import build_nlp
    from rapport.pipeline.run import extract

    t = time.perf_counter()
    nlp = build_nlp()
    load = time.perf_counter() - t
    extract(nlp, docs[:1])  # warm lexicons and any model
    t = time.perf_counter()
    ex = extract(nlp, docs)
    secs = time.perf_counter() - t
    counts = {k: len(v) for k, v in ex.records.items()}
    print(f"extract  pipeline build {load:.2f} s; {len(docs)} reports in {secs:.2f} s (excluding model load) {counts}")


if __name__ == "__main__":
    main()
