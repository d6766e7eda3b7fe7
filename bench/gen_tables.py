"""An oracle for table recovery that nobody wrote by hand: random Swedish financial tables whose
numbers satisfy their identities, rendered as PDF and as PDF-to-text dumps, read back with
`rapport.corpus.load_document` and compared cell by cell.

    python bench/gen_tables.py [--n 200] [--seed 1] [--out /tmp/gen_tables] [--formats text,pdf] [--show 20]

Kinds: resultaträkning (optionally varav rows and note refs), balansräkning (notes column,
group labels, balance identity), kassaflödesanalys (subtotals of subtotals), driftredovisning
(Avvikelse = Utfall − Budget, a Summa row), indicator tables (committee code, start value,
target, outcome, status), two-level headers (a period or entity line over recurring
sub-columns), slide dumps (each value on the line after its label, or a block of labels then a
block of values), goal tables without committee codes (long labels wrapped above or below). Renderings vary the way reports do: single or wide gaps between
columns, blank lines between all lines, one- two- or three-line headers, "-", "−" or "–" as
minus, space-grouped thousands, wrapped labels. Prints cell accuracy for text and PDF
separately, page accuracy on the PDFs, accuracy per kind and per rendering feature, and how
many tables say check=True while a cell is wrong (the honest check says: none).

The layouts and the word pools are written here from general knowledge of Swedish public
accounts (no report's sentences); the numbers are random.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from gen_tables_kinds import KINDS, TrueTable  # noqa: E402
from gen_tables_render import render_pdf, render_text_doc  # noqa: E402


@dataclass
class Score:
    cells: int = 0
    right: int = 0
    tables: int = 0
    found: int = 0
    pages: int = 0
    pages_right: int = 0
    false_checked: int = 0  # tables with check=True and a wrong cell
    checked: int = 0
    named: int = 0  # numeric tables (not slides) whose recovered column names are the truth's
    nameable: int = 0
    by: dict = field(default_factory=dict)  # feature -> [right, cells]
    misses: list = field(default_factory=list)

    def add(self, key: str, right: int, cells: int) -> None:
        r = self.by.setdefault(key, [0, 0])
        r[0] += right
        r[1] += cells


def generate(n: int, seed: int) -> list[TrueTable]:
    """n tables, kinds in turn, each from its own seeded generator (stable under changes to others)."""
    out = []
    for i in range(n):
        rng = random.Random(f"{seed}:{i}")
        kind = KINDS[i % len(KINDS)]
        out.append(kind(rng, i))
    return out


def documents(tables: list[TrueTable], seed: int, per_doc: int = 4) -> list[list[TrueTable]]:
    """Tables grouped into reports; an indicator table is followed by a financial one, as in
    follow-up reports where goals come before the accounts."""
    return [tables[i: i + per_doc] for i in range(0, len(tables), per_doc)]


def _norm(s: str) -> str:
    from rapport.corpus.tables import normalise_label
    return normalise_label(s)


def _match(truth: TrueTable, recovered: list):
    """The recovered table holding most of the truth's row labels (None: no table has any)."""
    want = {_norm(r.label) for r in truth.rows}
    best, score = None, 0
    for t in recovered:
        got = len(want & {_norm(r.label) for r in t.rows})
        if got > score:
            best, score = t, got
    return best


def compare(truth: TrueTable, t, sc: Score, fmt: str, where: str) -> None:
    """Count the truth's cells the recovered table `t` gives right (same label, same column, same value)."""
    n = right = wrong = 0  # wrong: cells the table emits with another value
    if t is None:
        sc.misses.append(f"{fmt} {where} {truth.kind}: table '{truth.title}' not found")
    for tr in truth.rows:
        if truth.kind in _FREE_TEXT:
            want = [v for v in tr.values if v is not None]
        else:
            want = list(tr.values)
        n += len(want)
        row = t.row(tr.label) if t is not None else None
        if row is None:
            if t is not None:
                sc.misses.append(f"{fmt} {where} {truth.kind}: row '{tr.label}' not found")
            continue
        got = list(row.values)
        if truth.kind not in _FREE_TEXT and len(got) != len(want):
            sc.misses.append(f"{fmt} {where} {truth.kind}: '{tr.label}' {row.cells} ≠ {want}")
            wrong += len(want)
            continue
        ok = sum(1 for k, w in enumerate(want) if k < len(got) and _same(got[k], w))
        wrong += sum(1 for k, w in enumerate(want) if k < len(got) and not _same(got[k], w))
        if ok < len(want):
            sc.misses.append(f"{fmt} {where} {truth.kind}: '{tr.label}' {row.cells} ≠ {want}")
        if tr.short:
            side = "left" if tr.values[0] is not None else "right"  # where its cells stand
            sc.add(f"rows: short, {side}-aligned", ok, len(want))
        right += ok
    sc.cells += n
    sc.right += right
    sc.tables += 1
    sc.found += t is not None
    for key in [f"kind={truth.kind}"] + [f"{k}={v}" for k, v in sorted(truth.style.items())]:
        sc.add(key, right, n)
    if truth.kind not in _FREE_TEXT and truth.kind != "slide":
        sc.nameable += 1
        named = t is not None and [_norm(c) for c in t.columns] == [_norm(c) for c in truth.columns]
        sc.named += named
        sc.add(f"columns named, kind={truth.kind}", int(named), 1)
        if t is not None and not named:
            sc.misses.append(f"{fmt} {where} {truth.kind}: columns {t.columns} ≠ {truth.columns}")
    if t is not None and t.check is True:
        sc.checked += 1
        if wrong:
            sc.false_checked += 1
            sc.misses.append(f"{fmt} {where}: check=True with {wrong} wrong cells")


_FREE_TEXT = ("indicator", "goal_plain")  # numbers in reading order, no fixed columns


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < 1e-9


def run(n: int, seed: int, out: Path, formats: list[str], per_doc: int = 4) -> dict[str, Score]:
    from rapport.corpus import load_document

    out.mkdir(parents=True, exist_ok=True)
    tables = generate(n, seed)
    scores = {f: Score() for f in formats}
    for d, group in enumerate(documents(tables, seed, per_doc)):
        rng = random.Random(f"{seed}:doc:{d}")
        for fmt in formats:
            path = out / f"gen_{d:03d}.{'txt' if fmt == 'text' else 'pdf'}"
            if fmt == "text":
                path.write_text(render_text_doc(group, rng), encoding="utf-8")
                pages = None
            else:
                pages = render_pdf(group, path, rng)
            doc = load_document(path)
            for k, truth in enumerate(group):
                t = _match(truth, doc.tables)
                compare(truth, t, scores[fmt], fmt, f"{path.name}#{k}")
                if pages is not None:
                    sc = scores[fmt]
                    sc.pages += 1
                    sc.pages_right += t is not None and t.page == pages[k]
    return scores


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="/tmp/gen_tables")
    ap.add_argument("--formats", default="text,pdf")
    ap.add_argument("--show", type=int, default=20, help="misses to print per format")
    args = ap.parse_args()
    t0 = time.perf_counter()
    scores = run(args.n, args.seed, Path(args.out), args.formats.split(","))
    for fmt, sc in scores.items():
        print(f"\n[{fmt}] tables {sc.tables}, found {sc.found}; cells {sc.right}/{sc.cells} = "
              f"{sc.right / max(sc.cells, 1):.3f} exact")
        if sc.pages:
            print(f"[{fmt}] page accuracy {sc.pages_right}/{sc.pages} = {sc.pages_right / sc.pages:.3f}")
        print(f"[{fmt}] check=True: {sc.checked} tables, {sc.false_checked} of them emit a wrong cell")
        print(f"[{fmt}] column names exact: {sc.named}/{sc.nameable} numeric tables")
        for key, (r, c) in sorted(sc.by.items()):
            print(f"    {key:28} {r}/{c} = {r / max(c, 1):.3f}")
        for m in sc.misses[: args.show]:
            print("    miss: " + m)
    load = open("/proc/loadavg").read().split()[:3] if Path("/proc/loadavg").exists() else "?"
    print(f"\n{time.perf_counter() - t0:.1f} s; load average {' '.join(load)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
