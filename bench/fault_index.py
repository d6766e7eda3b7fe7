"""Fault injection on the search index: kill -9 mid-build, damaged files, readers racing rebuilds.

    python bench/fault_index.py [--kills 50] [--reader-seconds 30] [--seed 0]

Runs on the bundled sample corpus with the tiny test embedder (tests/fixtures/tiny_model),
so it takes minutes on two cores; heavy runs go through the queue:

    flock /work/coord/heavy.lock nice -n 10 python bench/fault_index.py

1. kill -9 at a random moment of `build_index` (a forked child, each time a new variant of
   the corpus so there is always work to interrupt). Clean = afterwards the folder opens,
   fully hash-verified, as the old or the new generation; every generation in it verifies;
   the next build succeeds, leaves no temp folder, and its hits equal a fresh build's.
2. Each index file (and CURRENT) truncated, deleted, byte-shuffled, and for passages.parquet
   and embeddings*.npy row-shuffled into a valid file. Detected = a reader gets one-line
   IndexStoreError (never results); mended = build_or_load_index rebuilds, hits equal a fresh build's.
3. A writer rebuilding variants for `--reader-seconds` while two readers load in a loop.
   Torn = a load whose parts disagree (counts, reports, or a vector that is not its passage's).

Prints counts of clean outcomes out of tried and the load average.
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
QUERIES = ("sjukfrånvaro bland personalen", "ekonomi i balans", "kollektivtrafik", "investeringar")


def _setup(work: Path):
    os.environ["RAPPORT_HOME"] = str(work / "home")  # the app's document cache, kept out of the user's
    logging.getLogger("rapport.index").setLevel(logging.ERROR)  # thousands of expected "rebuilding ..." lines
    logging.getLogger("bm25s").setLevel(logging.ERROR)
    import torch

    torch.set_num_threads(1)  # no OpenMP pool in the parent: forked children must not inherit one
    from rapport.models.embedder import load_embedder
    from tests.fixtures.tiny_model.build import tiny_model_dir

    return load_embedder(tiny_model_dir())


def _variant(work: Path, i: int, rng: random.Random) -> Path:
    """A copy of a random subset of the sample reports, one of them with a new paragraph."""
    from rapport.app.api import sample_corpus

    src = sorted(p for p in sample_corpus().glob("*.txt"))
    out = work / "corpora" / f"v{i}"
    out.mkdir(parents=True)
    chosen = rng.sample(src, rng.randint(1, len(src)))
    for p in chosen:
        shutil.copy(p, out / p.name)
    shutil.copy(sample_corpus() / "MANIFEST.tsv", out / "MANIFEST.tsv")
    target = out / chosen[0].name
    words = ["budget", "personal", "vården", "resultat", "investering", "prognos", "region", "utfall"]
    extra = " ".join(rng.choice(words) for _ in range(30))
    target.write_text(target.read_text(encoding="utf-8") + f"\n\nTillägg {i}\n\n{extra.capitalize()}.\n",
                      encoding="utf-8")
    return out


def _docs(folder: Path):
    from rapport.app import cache

    return cache.load_documents([folder])[0]


def _hits(searcher) -> list:
    return [searcher.search(q, 5)[["doc", "start", "end"]].values.tolist() for q in QUERIES]


def _reference(work: Path, docs, emb, tag: str) -> list:
    from rapport.index.search import build_or_load_index

    ref = work / "ref" / tag
    s = build_or_load_index(docs, ref, emb)
    hits = _hits(s)
    shutil.rmtree(ref, ignore_errors=True)
    return hits


def _all_sound(root: Path) -> bool:
    from rapport.index.generations import GENS, check_generation

    for g in (root / GENS).iterdir() if (root / GENS).is_dir() else ():
        check_generation(g, verify=True)
    return True


def _entries(folder: Path) -> list:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def kills(work: Path, emb, n: int, rng: random.Random) -> dict:
    from rapport.index.generations import GENS, TMP, IndexStoreError, read_current
    from rapport.index.search import build_or_load_index
    from rapport.index.store import build_index, index_key, load_parts

    root = work / "kill-index"
    # how long a build takes here, warm (vectors cached but for the new paragraph) and cold
    # (vector cache deleted: everything embedded), to spread the kills over the whole of it
    spans = {}
    for j, cold in enumerate((True, False, True, False)):
        if cold:
            shutil.rmtree(root / "vectors", ignore_errors=True)
        docs = _docs(_variant(work, 10_000 + j, rng))
        t = time.perf_counter()
        build_index(docs, root, emb)
        spans[cold] = time.perf_counter() - t  # the later of two: the first one warms the model up
    counts = {"tried": 0, "clean": 0, "old": 0, "new": 0, "none": 0, "mid_write": 0, "finished": 0, "cold": 0, "aimed": 0}
    failures = []
    for i in range(n):
        cold = rng.random() < 0.4
        if cold:
            shutil.rmtree(root / "vectors", ignore_errors=True)
        counts["cold"] += int(cold)
        docs = _docs(_variant(work, i, rng))
        key = index_key(docs, emb)
        before = read_current(root)
        delay = rng.uniform(0, spans[cold] * 1.2)
        pid = os.fork()
        if pid == 0:  # the child builds and exits without running the parent's cleanup
            try:
                build_index(docs, root, emb)
            finally:
                os._exit(0)
        if i % 3 == 2:  # every third kill aimed at the write phase: once the temp folder appears
            counts["aimed"] += 1
            t_end = time.time() + 60
            while time.time() < t_end and not any(p.name.startswith(TMP) for p in _entries(root)) \
                    and os.waitpid(pid, os.WNOHANG) == (0, 0):
                time.sleep(0.001)
            delay = rng.uniform(0, 0.06)  # the temp folder lives ~65 ms here (sample corpus, tiny model)
        time.sleep(delay)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, status = os.waitpid(pid, 0)
        counts["tried"] += 1
        counts["finished"] += int(os.WIFEXITED(status))
        counts["mid_write"] += int(any(p.name.startswith(TMP) for p in _entries(root)))
        try:
            try:
                m = load_parts(root, verify=True)[0]
                state = "new" if m["key"] == key else "old" if m["key"] == before else f"other {m['key']}"
            except IndexStoreError as e:
                if before is not None:
                    raise AssertionError(f"old index lost: {e}") from None
                state = "none"
            assert state in ("old", "new", "none"), state
            assert _all_sound(root)
            s = build_or_load_index(docs, root, emb)
            left = [p.name for p in root.iterdir() if p.name.startswith(TMP)]
            assert not left, f"temp folders left: {left}"
            assert s.manifest["key"] == key and read_current(root) == key
            assert _hits(s) == _reference(work, docs, emb, f"k{i}"), "hits differ from a fresh build"
            counts[state] += 1
            counts["clean"] += 1
        except Exception as e:  # noqa: BLE001 - a failed trial is counted and shown
            failures.append(f"kill {i} after {delay:.2f}s: {type(e).__name__}: {e}")
        shutil.rmtree(work / "corpora" / f"v{i}", ignore_errors=True)
    counts["generations_left"] = len(list((root / GENS).iterdir()))
    return counts | {"failures": failures[:5], "build_seconds": f"{spans[False]:.2f} warm, {spans[True]:.2f} cold"}


def _damage(path: Path, how: str, rng: random.Random) -> None:
    import numpy as np
    import pandas as pd

    if how == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif how == "delete":
        path.unlink()
    elif how == "shuffle-bytes":
        data = path.read_bytes()
        blocks = [data[j:j + 64] for j in range(0, len(data), 64)]
        order = list(range(len(blocks)))
        while len(blocks) > 1 and order == sorted(order):
            rng.shuffle(order)
        path.write_bytes(b"".join(blocks[j] for j in order) if len(blocks) > 1 else data[::-1])
    elif how == "shuffle-rows" and path.suffix == ".parquet":
        df = pd.read_parquet(path)
        df.sample(frac=1.0, random_state=rng.randint(0, 9999)).reset_index(drop=True).to_parquet(path, index=False)
    elif how == "shuffle-rows" and path.suffix == ".npy":
        a = np.load(path)
        np.save(path, a[np.random.default_rng(rng.randint(0, 9999)).permutation(len(a))])


def damages(work: Path, emb, rng: random.Random) -> dict:
    from rapport.index.generations import CURRENT, GENS, IndexStoreError
    from rapport.index.search import Searcher, build_or_load_index

    docs = _docs(_variant(work, 20_000, rng))
    pristine = work / "pristine"
    s = build_or_load_index(docs, pristine, emb)
    truth = _hits(s)
    gen = s.index_dir.relative_to(pristine)
    names = [str(gen / f) for f in s.manifest["files"]] + [str(gen / "manifest.json"), CURRENT]
    counts = {"tried": 0, "detected": 0, "mended": 0, "wrong_results": 0}
    failures = []
    for name in names:
        kinds = ["truncate", "delete", "shuffle-bytes"]
        if name.endswith((".parquet", ".npy")):
            kinds.append("shuffle-rows")
        for how in kinds:
            root = work / "damaged"
            shutil.rmtree(root, ignore_errors=True)
            shutil.copytree(pristine, root)
            _damage(root / name, how, rng)
            counts["tried"] += 1
            try:
                hits = _hits(Searcher(root, emb))
                counts["wrong_results"] += int(hits != truth)
                failures.append(f"{how} {name}: opened ({'wrong' if hits != truth else 'same'} results)")
            except IndexStoreError as e:
                counts["detected"] += int("\n" not in str(e))
            except Exception as e:  # noqa: BLE001 - a crash instead of a message is a failure
                failures.append(f"{how} {name}: {type(e).__name__}: {e}")
            try:
                if _hits(build_or_load_index(docs, root, emb)) == truth:
                    counts["mended"] += 1
                else:
                    failures.append(f"{how} {name}: rebuilt with other results")
            except Exception as e:  # noqa: BLE001
                failures.append(f"{how} {name}: rebuild failed: {type(e).__name__}: {e}")
    return counts | {"failures": failures[:5], "files": len(names)}


def _reader(root: Path, until: float, out: Path) -> None:
    import numpy as np

    from rapport.index.generations import IndexStoreError
    from rapport.index.store import load_parts
    from rapport.index.views import ViewPlan
    from rapport.models.vectors import VectorCache, text_key

    loads = torn = errors = 0
    notes = []
    cache = None
    while time.time() < until:
        try:
            m, df, _, views = load_parts(root)
        except IndexStoreError as e:
            errors += 1
            notes.append(str(e))
            continue
        loads += 1
        ok = set(df["doc"]) == set(m["documents"]) and all(v.n == len(df) for v in views.values())
        ok &= all(int((df["doc"] == d).sum()) == info["passages"] for d, info in m["documents"].items())
        if cache is None:
            cache = VectorCache(m["model"]["fingerprint"], m["model"]["dim"], root=root / "vectors")
        rows = np.random.default_rng(loads).choice(len(df), size=min(5, len(df)), replace=False)
        # every view row must be what its embedded texts make (a derived context view: composed from them)
        pc = m["passages_config"]
        plan = ViewPlan(df.iloc[rows], tuple(pc["dense_views"]), pc.get("context_vectors", "embedded"),
                        pc.get("context_alpha", 0.5))
        got = cache.get_many([text_key("passage", t) for t in plan.texts])
        if len(got) < len(plan.texts):
            ok = False
        else:
            want = plan.assemble(np.stack([got[text_key("passage", t)] for t in plan.texts]), m["model"]["dim"])
            ok &= all(np.allclose(dense.vectors[rows], want[view], atol=1e-5) for view, dense in views.items())
        torn += int(not ok)
    out.write_text(f"{loads} {torn} {errors}\n" + "\n".join(notes[:3]), encoding="utf-8")


def readers(work: Path, emb, seconds: float, rng: random.Random) -> dict:
    from rapport.index.store import build_index

    root = work / "reader-index"
    variants = [_docs(_variant(work, 30_000 + j, rng)) for j in range(4)]
    build_index(variants[0], root, emb)
    until = time.time() + seconds
    pids = []
    for r in range(2):
        pid = os.fork()
        if pid == 0:
            try:
                _reader(root, until, work / f"reader{r}.txt")
            finally:
                os._exit(0)
        pids.append(pid)
    builds = 0
    while time.time() < until:  # new content every time: a new generation, a pointer swap, cleanup
        docs = variants[builds % 4]
        variants[builds % 4] = _docs(_variant(work, 31_000 + builds, rng))
        build_index(docs, root, emb)
        builds += 1
    for pid in pids:
        os.waitpid(pid, 0)
    loads = torn = errors = 0
    notes = []
    for r in range(2):
        first, *rest = (work / f"reader{r}.txt").read_text(encoding="utf-8").splitlines()
        a, b, c = map(int, first.split())
        loads, torn, errors, notes = loads + a, torn + b, errors + c, notes + rest
    return {"rebuilds": builds, "loads": loads, "torn": torn, "errors": errors, "notes": notes[:3]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--reader-seconds", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", choices=["kills", "damage", "readers"], default=None)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    work = Path(tempfile.mkdtemp(prefix="rapport-fault-index-"))
    try:
        emb = _setup(work)
        t0 = time.perf_counter()
        print(f"load average at start: {open('/proc/loadavg').read().strip()}")
        if a.only in (None, "kills"):
            k = kills(work, emb, a.kills, rng)
            print(f"kill -9 during build: {k['clean']}/{k['tried']} clean (old {k['old']}, new {k['new']}, "
                  f"none yet {k['none']}; {k['mid_write']} with a temp folder at the kill, {k['finished']} finished "
                  f"first; {k['aimed']} aimed at the write phase; {k['cold']} with a cold vector cache; build ≈ {k['build_seconds']} s; "
                  f"{k['generations_left']} generations kept)")
            for f in k["failures"]:
                print("   ", f)
        if a.only in (None, "damage"):
            d = damages(work, emb, rng)
            print(f"damaged index files: {d['detected']}/{d['tried']} detected with a one-line error, "
                  f"{d['mended']}/{d['tried']} rebuilt to the right hits, {d['wrong_results']} wrong results "
                  f"({d['files']} files x truncate/delete/shuffle-bytes, + shuffle-rows for parquet/npy)")
            for f in d["failures"]:
                print("   ", f)
        if a.only in (None, "readers"):
            r = readers(work, emb, a.reader_seconds, rng)
            print(f"readers during rebuilds: {r['loads'] - r['torn']}/{r['loads']} loads whole, {r['torn']} torn, "
                  f"{r['errors']} errors, over {r['rebuilds']} rebuilds in {a.reader_seconds:.0f} s")
            for note in r["notes"]:
                print("   ", note)
        print(f"{time.perf_counter() - t0:.0f} s; load average at end: {open('/proc/loadavg').read().strip()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
