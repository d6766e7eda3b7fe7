"""What a copied, moved, grown or shrunk corpus costs: `rapport search` end to end, real e5 model.

    flock /work/coord/heavy.lock nice -n 10 python bench/bench_reuse.py [--corpus ../shared/corpus]

In a private RAPPORT_HOME (the set-up model linked in), times one CLI search on the corpus
(cold: every passage embedded), then the same search on a copy in another folder, on that copy
moved, with one report added (a sample report), and with one removed. Reports seconds per step,
the texts embedded (from the generation's manifest) and the generations on disk. Prints JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


ADDED = """Delårsrapport för testregionen

Ekonomi

Regionen visar ett litet överskott efter årets första åtta månader. Kostnaderna för hyrpersonal har minskat
jämfört med samma period förra året.

Personal

Sjukfrånvaron ligger kvar på samma nivå som i fjol. Rekryteringen av sjuksköterskor går fortsatt trögt.
"""


def _reuse_in_process(corpus: Path, home: Path) -> float:
    """Seconds for build_or_load_index on an already indexed corpus (key, checks, open), model loaded."""
    from rapport.app import cache
    from rapport.index.search import build_or_load_index
    from rapport.models.embedder import load_embedder

    emb = load_embedder()
    docs, _ = cache.load_documents([corpus])
    t = time.perf_counter()
    build_or_load_index(docs, home / "index", emb)
    return round(time.perf_counter() - t, 3)


def _search(corpus: Path, env: dict) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rapport.app.cli", "search", "sjukfrånvaro bland personalen", "--k", "3",
                    "--json", "--corpus", str(corpus)], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return round(time.perf_counter() - t, 2)


def _current(home: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from rapport.index.store import read_manifest

    m = read_manifest(home / "index")
    return {"documents": m["counts"]["documents"], "passages": m["counts"]["passages"],
            "texts": m["build"]["texts"], "embedded": m["build"]["embedded"], "embed_s": m["build"]["embed_seconds"],
            "generations": len(list((home / "index" / "gens").iterdir()))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from rapport.models.build_embedder import default_model_dir

    work = Path(tempfile.mkdtemp(prefix="rapport-reuse-"))
    home = work / "home"
    (home / "models").mkdir(parents=True)
    model = default_model_dir()
    (home / "models" / model.name).symlink_to(model.resolve(), target_is_directory=True)
    for onnx in model.parent.glob(f"{model.name}-*"):  # the query encoder export, if set-up made one
        (home / "models" / onnx.name).symlink_to(onnx.resolve())
    env = dict(os.environ, RAPPORT_HOME=str(home), RAPPORT_PROGRESS="0")
    out = {"load_avg_before": os.getloadavg()[0]}
    try:
        out["cold_s"] = _search(a.corpus, env)
        out["cold"] = _current(home)
        out["warm_same_folder_s"] = _search(a.corpus, env)
        copy = work / "elsewhere" / "copy"
        shutil.copytree(a.corpus, copy)
        out["copied_s"] = _search(copy, env)
        out["copied"] = _current(home)
        moved = work / "moved"
        copy.rename(moved)
        out["moved_s"] = _search(moved, env)
        os.environ["RAPPORT_HOME"] = str(home)
        out["moved_in_process_s"] = _reuse_in_process(moved, home)
        added = moved / "zz_tillagd_rapport.txt"  # our own short report: only its passages are new
        added.write_text(ADDED, encoding="utf-8")
        out["one_added_s"] = _search(moved, env)
        out["one_added"] = _current(home)
        added.unlink()
        victim = sorted(p for p in moved.iterdir() if p.suffix in (".txt", ".pdf"))[0]
        victim.unlink()
        out["one_removed_s"] = _search(moved, env)
        out["one_removed"] = _current(home)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out["load_avg_after"] = os.getloadavg()[0]
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
