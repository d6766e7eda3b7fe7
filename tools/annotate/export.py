"""Write annotation batches: every sentence of whole documents (or contiguous runs), with context.

A batch is /work/annot/batches/batch_NNN.jsonl (outside git: it holds text), one line
per unit: `id`, `file`, `start`, `end`, `text`, `heading`, `prev`, `next`, `block_kind`,
plus `spans` (raw offsets of the context, which the importer keeps instead of text)
and `stratum`. Runs are never cut inside: every sentence of a run is labelled, so an
unlabelled sentence is a real negative. Documents already in a batch are skipped, so
running the exporter again continues where the last batches stopped.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from .paths import ANNOTATIONS, BATCHES, EXTRA, REPO, WORK
from .sample import RISKY, TOPICS, Pick
from .units import Unit, context, document_units

MAX_RUN = 80  # units of one document in one batch; longer documents give their densest window
CLINICAL_WINDOW = 5  # units either side of a clinical hit
BATCH_MIN, BATCH_MAX = 150, 250
_TOPICAL = re.compile("|".join(TOPICS.values()))


def runs_of(pick: Pick, units: list[Unit], window: int = CLINICAL_WINDOW) -> list[tuple[int, int]]:
    """Half-open unit index ranges to label for one pick (`window`: units either side of a hit).

    A pick with `near` offsets (the clinical and negated strata) is labelled around its hits."""
    if pick.near:
        spans = []
        for off in pick.near:
            hit = next((i for i, u in enumerate(units) if u.start <= off < u.end), None)
            if hit is None:
                continue
            a, b = max(0, hit - window), min(len(units), hit + window + 1)
            if spans and a <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(b, spans[-1][1]))
            else:
                spans.append((a, b))
        return spans
    if len(units) <= MAX_RUN or pick.stratum == "written":  # a report we wrote is labelled whole
        return [(0, len(units))]
    weight = [len(_TOPICAL.findall(u.text.lower())) + 2 * len(RISKY.findall(u.text.lower())) for u in units]
    best = max(range(len(units) - MAX_RUN + 1), key=lambda a: (sum(weight[a:a + MAX_RUN]), -a))
    return [(best, best + MAX_RUN)]


def _batch_files(batches: Path, imported: Path) -> list[Path]:
    """Batches with text (the work folder) and imported ones (the repo): the repo is the record that
    survives a fresh machine, so a new export neither repeats its documents nor reuses its numbers."""
    return sorted(batches.glob("batch_*.jsonl")) + sorted(imported.glob("batch_*.jsonl"))


def exported_files(batches: Path = BATCHES, imported: Path = ANNOTATIONS / "g0vse") -> set[str]:
    seen = set()
    for f in _batch_files(batches, imported):
        with f.open(encoding="utf-8") as fh:
            seen.update(json.loads(line)["file"] for line in fh if line.strip())
    return seen


def next_batch_number(batches: Path = BATCHES, imported: Path = ANNOTATIONS / "g0vse") -> int:
    nums = [int(m.group(1)) for f in _batch_files(batches, imported) if (m := re.match(r"batch_(\d+)", f.name))]
    return max(nums, default=0) + 1


def lines_for(pick: Pick, root: Path = EXTRA, source: str = "g0vse", window: int = CLINICAL_WINDOW) -> list[dict]:
    """The batch lines (without ids) for one pick; [] when rapport cannot read the file."""
    try:
        _, raw, units = document_units(root / pick.file)
    except Exception as e:  # one unreadable document must not stop a batch
        print(f"{pick.file}: skipped ({type(e).__name__}: {e})", file=sys.stderr)
        return []
    out = []
    for a, b in runs_of(pick, units, window):
        for i in range(a, b):
            u = units[i]
            ctx = context(raw, units, i)
            spans = {"heading": [list(s) for s in u.heading if not (s[0] <= u.start < s[1])],
                     "prev": [units[i - 1].start, units[i - 1].end] if i > 0 else None,
                     "next": [units[i + 1].start, units[i + 1].end] if i + 1 < len(units) else None}
            out.append({"file": pick.file, "start": u.start, "end": u.end, "text": u.text, **ctx,
                        "spans": spans, "stratum": pick.stratum, "source": source})
    return out


def densest_first(picks: list[Pick]) -> list[Pick]:
    """Picks with the most threat wording (`Pick.risky`) first, the seeded order breaking ties.

    Once the risk stratum is used up, the topical documents richest in RISKY wording are the
    next best source of risk statements; whole runs are still labelled, so their negatives stay
    natural. The wording only orders documents, it never labels."""
    return sorted(picks, key=lambda p: -p.risky)  # sorted is stable: ties keep the seeded order


def export(picks: list[Pick], n_batches: int, batches: Path = BATCHES, root: Path = EXTRA,
           window: int = CLINICAL_WINDOW, imported: Path = ANNOTATIONS / "g0vse") -> list[Path]:
    """Fill up to `n_batches` new batches from `picks` in order, skipping documents already exported.

    A batch closes before the run that would take it past BATCH_MAX once it holds BATCH_MIN;
    runs are at most MAX_RUN units, so a batch never needs cutting inside a run.
    """
    batches.mkdir(parents=True, exist_ok=True)
    done, written, pending = exported_files(batches, imported), [], []

    def flush():
        path = batches / f"batch_{next_batch_number(batches, imported):03d}.jsonl"
        number = path.stem.split("_")[1]
        with path.open("w", encoding="utf-8") as fh:
            for k, line in enumerate(pending):
                fh.write(json.dumps({"id": f"{number}-{k:04d}", **line}, ensure_ascii=False) + "\n")
        written.append(path)
        pending.clear()

    for pick in picks:
        if len(written) >= n_batches:
            break
        if pick.file in done:
            continue
        lines = lines_for(pick, root, window=window)
        if pending and len(pending) >= BATCH_MIN and len(pending) + len(lines) > BATCH_MAX:
            flush()
            if len(written) >= n_batches:
                break
        pending += lines
        done.add(pick.file)
    if pending and len(written) < n_batches:
        flush()
    return written


def export_written(path: Path, batches: Path = BATCHES) -> Path:
    """One batch (written_<stem>.jsonl) holding every unit of a report we wrote ourselves
    (data/annotations/reports/*.txt, source "written")."""
    rel = path.resolve().relative_to(REPO)
    pick = Pick(file=str(rel), stratum="written", folder="reports", title=path.stem, topics=(), risky=0)
    lines = lines_for(pick, REPO, source="written")
    out = batches / f"written_{path.stem}.jsonl"
    batches.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for k, line in enumerate(lines):
            fh.write(json.dumps({"id": f"w{path.stem[:2]}-{k:04d}", **line}, ensure_ascii=False) + "\n")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--picks", type=Path, default=WORK / "picks.jsonl", help="output of tools.annotate.sample --out")
    ap.add_argument("--batches", type=int, default=1, help="how many new batches to write")
    ap.add_argument("--stratum", choices=["topic", "risk", "clinical", "negated"], action="append",
                    help="only picks of these strata (default: all, interleaved)")
    ap.add_argument("--window", type=int, default=CLINICAL_WINDOW, help="units either side of a clinical hit")
    ap.add_argument("--densest", action="store_true",
                    help="take the picks with the most threat wording first (a fresh risk sample once the risk stratum is used up)")
    ap.add_argument("--written", type=Path, nargs="+", help="export these written reports instead (one batch each)")
    args = ap.parse_args(argv)
    if args.written:
        for path in args.written:
            if not path.is_file():
                print(f"{path}: no such report", file=sys.stderr)
                return 2
            out = export_written(path)
            print(f"{out}: {len(out.read_text(encoding='utf-8').splitlines())} units")
        return 0
    if not args.picks.exists():
        print(f"{args.picks}: no picks file (run python -m tools.annotate.sample --out {args.picks})", file=sys.stderr)
        return 2
    with args.picks.open(encoding="utf-8") as fh:
        picks = [Pick(**{**d, "topics": tuple(d["topics"]), "near": tuple(d["near"])}) for d in map(json.loads, fh)]
    if args.stratum:
        picks = [p for p in picks if p.stratum in args.stratum]
    if args.densest:
        picks = densest_first(picks)
    for path in export(picks, args.batches, window=args.window):
        print(f"{path}: {len(path.read_text(encoding='utf-8').splitlines())} sentences")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
