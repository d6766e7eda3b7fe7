"""Kill `rapport extract` with SIGKILL at random moments and count the clean outcomes (issue 16.2).

    python bench/fault_extract.py [--runs 50] [--seed 1]

Set-up: a complete "old" output (two sample reports) and the reference "new"
output (all five). Each trial restores the old output, starts `extract` of the
five reports into the same folder, and kills it after a random delay: half the
trials anywhere in the run, half in its last 40 % (the write phase). A trial is
clean when the folder then holds exactly the old output or exactly the new one
(same file names, same JSONL bytes, every Parquet and the workbook readable),
and when the next run's clean-up leaves no temporary sibling behind. The
facts cache is warm, so a run is mostly writing — the part a kill can tear.

Then the edges, each counted ok/tried: a mistyped corpus path and a folder holding no
readable report, both run into the complete output (the folder must stay byte- and
inode-identical, exit non-zero); stale temp and set-aside folders of dead runs beside
the output (the next run removes them); and output modes under umask 022, 002 and 077
(files 0666 & ~umask, folders 0777 & ~umask).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "rapport" / "corpus" / "sample"


def extract_cmd(inputs: list[Path], out: Path) -> list[str]:
    return [sys.executable, "-m", "rapport.app.cli", "extract", *map(str, inputs), "--out", str(out)]


def snapshot(folder: Path) -> dict[str, str] | None:
    """File name → sha256 for JSONL/CSV (deterministic bytes), '' for the others; None when absent."""
    if not folder.is_dir():
        return None
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            rel = str(p.relative_to(folder))
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.suffix in (".jsonl", ".csv") else ""
    return out


def readable(folder: Path) -> bool:
    import openpyxl
    import pandas as pd

    try:
        for p in folder.glob("*.parquet"):
            pd.read_parquet(p)
        for p in folder.glob("*.xlsx"):
            openpyxl.load_workbook(p, read_only=True).close()
        return True
    except Exception:  # noqa: BLE001 - any unreadable file is a torn output
        return False


def trial(out: Path, old_ref: Path, inputs: list[Path], delay: float, env: dict, refs: dict) -> str:
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(old_ref, out)
    proc = subprocess.Popen(extract_cmd(inputs, out), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=ROOT)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    snap = snapshot(out)
    if snap is None:
        outcome = "missing"
    elif snap == refs["old"] and readable(out):
        outcome = "old"
    elif snap == refs["new"] and readable(out):
        outcome = "new"
    else:
        outcome = "torn"
    from rapport.models.folders import clean_leftovers

    clean_leftovers(out)
    if outcome == "missing" and snapshot(out) in (refs["old"], refs["new"]):
        outcome = "restored"  # the old output set aside by the fallback path, put back by the next run
    left = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    return outcome + ("+leftovers" if left else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="rapport-fault-"))
    env = {**os.environ, "RAPPORT_HOME": str(work / "home"), "PYTHONPATH": str(ROOT)}
    everything = sorted(SAMPLE.glob("*.txt"))
    old_ref, new_ref, out = work / "old", work / "new", work / "out" / "result"
    subprocess.run(extract_cmd(everything[:2], old_ref), env=env, check=True, capture_output=True, cwd=ROOT)
    subprocess.run(extract_cmd(everything, new_ref), env=env, check=True, capture_output=True, cwd=ROOT)  # fills the cache
    t0 = time.perf_counter()
    subprocess.run(extract_cmd(everything, new_ref), env=env, check=True, capture_output=True, cwd=ROOT)
    full = time.perf_counter() - t0  # with the cache warm: start-up + writing, what a trial runs
    refs = {"old": snapshot(old_ref), "new": snapshot(new_ref)}
    out.parent.mkdir(parents=True)
    counts: dict[str, int] = {}
    for i in range(args.runs):
        late = i % 2 == 1
        delay = rng.uniform(0.6 * full, 1.05 * full) if late else rng.uniform(0.05, 1.05 * full)
        outcome = trial(out, old_ref, everything, delay, env, refs)
        counts[outcome] = counts.get(outcome, 0) + 1
        print(f"{i + 1:3d} kill at {delay:5.2f} s ({'write phase' if late else 'anywhere'}): {outcome}", flush=True)
    clean = sum(n for k, n in counts.items() if k in ("old", "new", "restored"))
    print(f"\nfull run {full:.2f} s; outcomes {counts}")
    print(f"clean: {clean}/{args.runs} (old or new complete output, no temp folder left after the next run)")
    edges = edge_checks(work, old_ref, everything, env, refs)
    for name, ok in edges:
        print(f"edge: {name}: {'ok' if ok else 'FAILED'}")
    print(f"edges ok: {sum(ok for _, ok in edges)}/{len(edges)}")
    print(f"load average: {open('/proc/loadavg').read().split()[:3]}")
    shutil.rmtree(work, ignore_errors=True)


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def edge_checks(work: Path, old_ref: Path, inputs: list[Path], env: dict, refs: dict) -> list[tuple[str, bool]]:
    """(check, passed) for the non-kill promises of issue 16.2 and 16.5."""
    out = work / "edges" / "result"
    out.parent.mkdir(parents=True)
    checks = []

    def fresh():
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(old_ref, out)
        return out.stat().st_ino

    empty = work / "edges" / "empty-corpus"
    empty.mkdir()
    (empty / "notes.bin").write_bytes(b"\x00\x01\x02" * 100)
    for label, corpus in (("mistyped corpus path", work / "edges" / "no-such-corpus"),
                          ("corpus with no readable report", empty)):
        ino = fresh()
        p = subprocess.run(extract_cmd([corpus], out), env=env, capture_output=True, text=True, cwd=ROOT)
        one_line = len(p.stderr.strip().splitlines()) >= 1 and "Traceback" not in p.stderr
        checks.append((f"{label}: exit {p.returncode}, folder untouched",
                       p.returncode != 0 and one_line and out.stat().st_ino == ino and snapshot(out) == refs["old"]))
    fresh()
    dead = _dead_pid()
    stale = [out.parent / f".{out.name}.tmp-{dead}-abc123", out.parent / f".{out.name}.old-{dead}-42"]
    for st in stale:
        st.mkdir()
        (st / "events.jsonl").write_text("{}\n")
    p = subprocess.run(extract_cmd(inputs, out), env=env, capture_output=True, text=True, cwd=ROOT)
    checks.append(("stale temp and set-aside folders of dead runs removed by the next run",
                   p.returncode == 0 and not any(st.exists() for st in stale) and snapshot(out) == refs["new"]))
    for mask in (0o022, 0o002, 0o077):
        fresh()
        p = subprocess.run(extract_cmd(inputs, out), env=env, capture_output=True, cwd=ROOT,
                           preexec_fn=lambda m=mask: os.umask(m))
        modes = {(q.is_dir(), q.stat().st_mode & 0o777) for q in [out, *out.rglob("*")]}
        want = {(False, 0o666 & ~mask), (True, 0o777 & ~mask)}
        checks.append((f"modes under umask {mask:03o}: {sorted(oct(m) for _, m in modes)}",
                       p.returncode == 0 and modes == want))
    return checks


if __name__ == "__main__":
    main()
