"""What a search on a built index imports, and that the lean path ranks exactly as the full one.

A fresh `rapport search` pays for every module it imports (scipy.sparse alone
cost ~0.3 s of CPU through bm25s); these tests run the search in a fresh
interpreter, as the CLI does, on the sample corpus with the tiny test model.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SAMPLE

QUERIES = ["sjukfrånvaro bland personalen", "ekonomi i balans", "investeringar i nya sjukhus"]
HEAVY = ("scipy", "spacy", "torch", "sklearn", "sentence_transformers", "transformers")

SCRIPT = """
import json, sys
if sys.argv[1] == "full":
    import scipy.sparse  # as in a process that has scipy already (a notebook, the heads' sklearn)
from rapport.app.corpus import Corpus
c = Corpus([sys.argv[2]], model=sys.argv[3], index_dir=sys.argv[4])
out = {"search": {}, "compare": {}}
for q in json.loads(sys.argv[5]):
    hits = c.search(q, k=10)
    out["search"][q] = list(zip(hits["doc"], hits["start"].tolist(), hits["end"].tolist()))
    cmp = c.compare(q, by="region", k=3)
    out["compare"][q] = [list(map(str, r)) for r in cmp[["group", "what", "doc", "start", "end"]].itertuples(index=False)]
out["modules"] = sorted({m.split(".")[0] for m in sys.modules})
print(json.dumps(out))
"""


def _run(mode: str, corpus, app_home) -> dict:
    from tests.fixtures.tiny_model.build import tiny_model_dir

    env = {**os.environ, "RAPPORT_HOME": str(app_home), "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-c", SCRIPT, mode, str(SAMPLE), str(tiny_model_dir()),
                          str(app_home / "index-sample"), json.dumps(QUERIES)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def runs(sample_app_corpus, app_home):
    sample_app_corpus.searcher  # the index (and the tiny model's ONNX copy) built once, as `rapport index` would
    sample_app_corpus.extraction  # and the facts cached, as the first compare or `rapport extract` leaves them
    return {mode: _run(mode, SAMPLE, app_home) for mode in ("lean", "full")}


def test_cli_imports_search_and_compare_load_no_scipy_spacy_or_torch(runs):
    assert not set(HEAVY) & set(runs["lean"]["modules"])
    assert "scipy" in runs["full"]["modules"]  # the comparison below really ran bm25s with scipy present


def test_cli_imports_lean_path_ranks_as_the_full_one(runs):
    lean, full = runs["lean"], runs["full"]
    for q in QUERIES:
        assert len(lean["search"][q]) == 10
        assert lean["search"][q] == full["search"][q]
        assert lean["compare"][q] == full["compare"][q]
