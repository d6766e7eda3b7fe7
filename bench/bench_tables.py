"""Measure table recovery on ../shared/corpus: tables, rows satisfying checks, failures, tables/s,
and coverage of the gold table links of dev doc 000.

    python bench/bench_tables.py [--corpus DIR] [--gold FILE] [--show-fails N] [--misses] [--titles]
    python bench/bench_tables.py --links DOC... --links-gold GOLD_DIR   # link P/R/title via the shared scorer
    python bench/bench_tables.py --bad                                  # bad-input timings

Time is wall clock and process CPU (the CPU figure is steadier on a busy machine).

Reads each report through `corpus.load_document` when it exists (the cleaned text is
the coordinate system), else the raw file with blank-line interleaving collapsed.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapport.corpus.tables import Table, find_tables, normalise_label  # noqa: E402

SHARED = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()),
              ROOT.parent / "shared")


def read_text(path: Path) -> tuple[str, object]:
    try:
        from rapport.corpus.load import load_document
    except ImportError:
        raw = path.read_text(encoding="utf-8")
        return re.sub(r"\n[ \t]*\n", "\n", raw), None
    doc = load_document(path)
    return doc.text, doc.page_at


def row_participation(t: Table) -> tuple[int, int]:
    """(rows in a passing check and in no failing one, rows in any check)."""
    ok, bad = set(), set()
    for c in t.checks:
        m = re.findall(r"'([^']*)'", c)
        labels = {normalise_label(x) for x in m}
        rows = {i for i, r in enumerate(t.rows) if normalise_label(r.label) in labels}
        if "sum of rows" in c and c.startswith("ok"):
            a, b = (normalise_label(x) for x in m[1:3])
            idx = [i for i, r in enumerate(t.rows)]
            starts = [i for i in idx if normalise_label(t.rows[i].label) == a]
            ends = [i for i in idx if normalise_label(t.rows[i].label) == b]
            if starts and ends:
                rows |= set(range(starts[0], ends[-1] + 1))
        (ok if c.startswith("ok") else bad).update(rows)
    return len(ok - bad), len(ok | bad)


def gold_coverage(tables: list[Table], gold: Path) -> tuple[int, int, list[str]]:
    hits, total, misses = 0, 0, []
    for line in gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        g = json.loads(line)
        total += 1
        want = normalise_label(g["row"])
        want_short = normalise_label(re.sub(r"\s*\([^()]*\)\s*$", "", g["row"]))
        value = float(g["value"])
        found = False
        for t in tables:
            for r in t.rows:
                lab = normalise_label(r.label)
                if lab in (want, want_short) and any(v is not None and abs(v - value) < 1e-6 for v in r.values):
                    found = True
                    break
            if found:
                break
        hits += found
        if not found:
            misses.append(f"{g['table']} | {g['row']} | {g['value']}")
    return hits, total, misses


def link_scores(docs: list[str], gold: str, out: str = "/tmp/rapport_links_eval") -> dict:
    """Run sentences, figures and links on `docs`, write links.jsonl, score with the shared
    scorer (../shared/eval/score.py) against the gold folder."""
    import dataclasses
    import subprocess

    from rapport.corpus import load_corpus
    from rapport.pipeline.nlp import build_nlp
    from rapport.pipeline.run import extract

    nlp = build_nlp(only=["rapport_sentences", "rapport_lemmas", "rapport_figures", "rapport_links"])
    loaded, errors = load_corpus(docs)
    ex = extract(nlp, loaded)
    Path(out).mkdir(parents=True, exist_ok=True)
    with open(Path(out) / "links.jsonl", "w", encoding="utf-8") as f:
        for r in ex.records["links"]:
            f.write(json.dumps(dataclasses.asdict(r), ensure_ascii=False, default=str) + "\n")
    res = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "extract", out, gold],
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout)["links"]


def bad_input_timings() -> None:
    """CPU seconds for the bad inputs of tests/test_corpus_tables_bad.py at full size."""
    import random

    rng = random.Random(0)
    nums = lambda n: " ".join(str(rng.randint(1, 999)) for _ in range(n))  # noqa: E731
    rows = "\n".join(f"Post {chr(65 + i % 26)}{i // 26} {rng.randint(1, 99)} {rng.randint(100, 999)}"
                     for i in range(10000))
    cases = {"10 000-row table": f"Tabell (mnkr)\nUtfall 2023 Utfall 2022\n{rows}\n",
             "row of 500 numbers": f"Rad (mnkr)\nUtfall 2023\nVärden {nums(500)}\nSumma 1 2\n",
             "1 000 numbers on a line": f"Värden {nums(1000)}\nAndra 1 2\n"}
    for name, text in cases.items():
        c0 = time.process_time()
        tables, warns = find_tables(text, doc="bad.txt")
        print(f"{name:26} {time.process_time() - c0:6.2f} s CPU  tables {len(tables)}  "
              f"warnings {len(warns)}: {warns[0][:90] if warns else '-'}")
    print(f"load average {' '.join(open('/proc/loadavg').read().split()[:3])}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--links", nargs="*", default=None, help="reports to link and score")
    ap.add_argument("--links-gold", default=None, help="gold folder with links.jsonl")
    ap.add_argument("--bad", action="store_true", help="time the bad inputs")
    ap.add_argument("--corpus", default=str(SHARED / "corpus"))
    ap.add_argument("--gold", default=str(SHARED / "eval" / "dev" / "000" / "links.jsonl"))
    ap.add_argument("--show-fails", type=int, default=40)
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--titles", action="store_true", help="list every table's title and columns")
    args = ap.parse_args()
    if args.bad:
        bad_input_timings()
        return 0
    if args.links is not None:
        print(json.dumps(link_scores(args.links, args.links_gold), ensure_ascii=False))
        return 0
    corpus = Path(args.corpus)
    files = sorted(corpus.glob("*.txt"))
    if not files:
        print(f"no reports under {corpus}")
        return 0
    all_rows = ok_rows = checked_rows = 0
    n_tables = 0
    fails: list[str] = []
    elapsed = cpu = 0.0
    titles: list[str] = []
    doc000: list[Table] = []
    print(f"{'doc':28} {'tables':>6} {'numeric':>7} {'rows':>5} {'ok rows':>7} {'checked':>7} {'fail':>4} {'warn':>4}")
    for f in files:
        text, page_at = read_text(f)
        t0, c0 = time.perf_counter(), time.process_time()
        tables, warnings = find_tables(text, doc=f.name, page_at=page_at)
        elapsed += time.perf_counter() - t0
        cpu += time.process_time() - c0
        titles += [f"{f.name}:{t.line} {t.kind[:3]} {t.title!r} | {' / '.join(t.columns)[:80]}" for t in tables]
        numeric = [t for t in tables if t.kind == "numeric"]
        rows = sum(len(t.rows) for t in numeric)
        ok = chk = 0
        for t in numeric:
            a, b = row_participation(t)
            ok, chk = ok + a, chk + b
            if t.check is False:
                why = "; ".join(c for c in t.checks if c.startswith("FAIL"))[:300]
                fails.append(f"{f.name}:{t.line} '{t.title}': {why}")
        nfail = sum(1 for t in numeric if t.check is False)
        print(f"{f.name:28} {len(tables):6d} {len(numeric):7d} {rows:5d} {ok:7d} {chk:7d} {nfail:4d} {len(warnings):4d}")
        all_rows += rows
        ok_rows += ok
        checked_rows += chk
        n_tables += len(tables)
        if f.name.startswith("000_"):
            doc000 = tables
    print(f"\ntables: {n_tables}   numeric rows: {all_rows}")
    print(f"rows satisfying checks: {ok_rows}/{all_rows} = {ok_rows / max(all_rows, 1):.1%}"
          f"   (rows covered by any check: {checked_rows / max(all_rows, 1):.1%})")
    print(f"throughput: {n_tables / max(elapsed, 1e-9):.1f} tables/s ({elapsed:.2f} s wall, {cpu:.2f} s CPU "
          f"for {len(files)} reports)")
    if args.titles:
        print("\ntitles:")
        for s in titles:
            print("  " + s)
    print(f"\ntables failing checks: {len(fails)}")
    for s in fails[: args.show_fails]:
        print("  " + s)
    gold = Path(args.gold)
    if gold.exists() and doc000:
        hits, total, misses = gold_coverage(doc000, gold)
        print(f"\ngold links (doc 000): {hits}/{total} = {hits / max(total, 1):.1%} cells recovered with row label and value")
        if args.misses:
            for m in misses:
                print("  miss: " + m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
