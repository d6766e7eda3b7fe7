"""Latency of the workbench as a researcher meets it: notebook API, web app, command line.

    python bench/bench_app.py [--corpus DIR] [--repeat 5]

Default corpus: ../shared/corpus (the five shared reports) when present, else
the bundled sample. Uses the real e5 model; builds the index first if needed
(not timed). Prints, with the load average they ran under:
  * notebook: rapport.open → documents, first search (index + query encoder
    load), warm search p50 over the queries (target < 100 ms), first/warm compare
  * web: `rapport serve` start to first page, page load (page + assets + /api/meta),
    first and warm /api/search and /api/compare
  * CLI: wall and CPU (user+sys) time of `rapport search` and `rapport compare` in
    a fresh process with the index built (target < 3 s wall), for a new query
    (encoder loaded) and a repeated one (its vector read from the store)
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "corpus"
QUERIES = ["ekonomin går inte ihop", "sjukfrånvaro bland personalen", "sick leave among staff",
           "investeringar i nya sjukhus", "brist på sjuksköterskor", "kollektivtrafik och resor",
           "prognos för årets resultat", "väntetider i vården", "klimat och miljö", "digitala vårdtjänster"]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def notebook(corpus: Path, repeat: int) -> None:
    import rapport

    t = time.perf_counter()
    c = rapport.open([corpus])
    n = len(c.documents)
    t_docs = time.perf_counter() - t
    t = time.perf_counter()
    c.search(QUERIES[0], k=10)
    t_first = time.perf_counter() - t
    warm = []
    for _ in range(repeat):
        for q in QUERIES[1:]:
            t = time.perf_counter()
            c.search(q, k=10)
            warm.append(time.perf_counter() - t)
    t = time.perf_counter()
    c.compare(QUERIES[1], by="region", k=5)
    t_cmp1 = time.perf_counter() - t
    cmp_warm = []
    for q in QUERIES[2:6]:
        t = time.perf_counter()
        c.compare(q, by="region", k=5)
        cmp_warm.append(time.perf_counter() - t)
    new, again = warm[:len(QUERIES) - 1], warm[len(QUERIES) - 1:] or [0.0]
    print(f"notebook  {n} reports: documents {ms(t_docs)}; first search {ms(t_first)}; warm search, new query p50 "
          f"{ms(statistics.median(new))} (max {ms(max(new))}, n={len(new)}), repeated query p50 "
          f"{ms(statistics.median(again))}; first compare {ms(t_cmp1)} "
          f"(facts load); warm compare p50 {ms(statistics.median(cmp_warm))}")


def _get(url: str) -> tuple[float, int, bytes]:
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=300) as r:
        body = r.read()
        return time.perf_counter() - t, r.status, body


def web(corpus: Path, repeat: int) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "rapport.app.cli", "serve", "--corpus", str(corpus),
                             "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                _get(base + "/static/app.css")
                break
            except OSError:
                if proc.poll() is not None:
                    raise SystemExit("server did not start")
                time.sleep(0.05)
        t_up = time.perf_counter() - t0
        t = time.perf_counter()
        for path in ("/", "/static/app.js", "/static/app.css", "/api/meta"):
            _get(base + path)
        t_page = time.perf_counter() - t

        def api(path: str, **params) -> float:
            dt, status, body = _get(base + path + "?" + urllib.parse.urlencode(params))
            assert status == 200, body[:200]
            json.loads(body)
            return dt

        t_s1 = api("/api/search", q=QUERIES[0], k=10)
        warm = [api("/api/search", q=q, k=10) for q in QUERIES[1:]]  # each query new to the server
        t_c1 = api("/api/compare", q=QUERIES[1], by="region", k=5)
        cwarm = [api("/api/compare", q=q, by="region", k=5) for q in QUERIES[2:6]]
        print(f"web       server up {ms(t_up)}; page load (page, js, css, meta) {ms(t_page)}; first search "
              f"{ms(t_s1)}; warm search p50 {ms(statistics.median(warm))} (new queries, with facets); first compare {ms(t_c1)}; "
              f"warm compare p50 {ms(statistics.median(cwarm))}")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _child(args: list[str], env: dict) -> tuple[float, float]:
    """(wall, user+sys CPU) seconds of one fresh `rapport` process."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rapport.app.cli", *args], cwd=ROOT, check=True, capture_output=True,
                   env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _figure(name: str, runs: list[tuple[float, float]]) -> str:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    return (f"{name} wall p50 {statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f}), "
            f"CPU p50 {statistics.median(cpus):.2f} s")


def cli(corpus: Path, repeat: int) -> None:
    """Fresh processes with the index built. "New": every run a query this process never saw and the
    query vector store off (RAPPORT_QUERY_CACHE=0: tokenizer + ONNX session load every time); "repeated":
    the same query again (its vector read from the store, no encoder loaded)."""
    from rapport.app.cache import QUERY_STORE_ENV

    env = {**os.environ, "COLUMNS": "120", QUERY_STORE_ENV: "1"}
    new_env = {**env, QUERY_STORE_ENV: "0"}
    where = ["--corpus", str(corpus)]
    q = [QUERIES[i % len(QUERIES)] for i in range(repeat)]
    s_new = [_child(["search", q[i], "--k", "10", *where], new_env) for i in range(repeat)]
    c_new = [_child(["compare", q[i], "--by", "region", "--k", "3", *where], new_env) for i in range(repeat)]
    _child(["search", QUERIES[0], "--k", "10", *where], env)  # stored once
    s_rep = [_child(["search", QUERIES[0], "--k", "10", *where], env) for _ in range(repeat)]
    c_rep = [_child(["compare", QUERIES[0], "--by", "region", "--k", "3", *where], env) for _ in range(repeat)]
    print(f"cli       n={repeat} each, target < 3 s wall")
    for name, runs in (("search, new query     ", s_new), ("compare, new query    ", c_new),
                       ("search, repeated query", s_rep), ("compare, repeated query", c_rep)):
        print(f"          {_figure(name, runs)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=SHARED if (SHARED / "MANIFEST.tsv").exists() else
                    ROOT / "rapport" / "corpus" / "sample")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", choices=["notebook", "web", "cli"])
    args = ap.parse_args()
    print(f"corpus {args.corpus}; load average before {open('/proc/loadavg').read().split()[:3]}")
    import rapport

    rapport.open([args.corpus]).searcher  # build or update the index and the ONNX query copy (not timed)
    from rapport.app.cache import QUERY_STORE_ENV

    # notebook and web: every query new to the process is encoded (no vectors from earlier runs), as before
    # the store existed; the CLI figures show both
    os.environ[QUERY_STORE_ENV] = "0"
    for name, fn in (("notebook", notebook), ("web", web), ("cli", cli)):
        if args.only in (None, name):
            fn(args.corpus, args.repeat)
    print(f"load average after {open('/proc/loadavg').read().split()[:3]}")


if __name__ == "__main__":
    main()
