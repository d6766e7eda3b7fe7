"""On the shared corpus: BM25-only mode must beat the eval kit's naive BM25 (measured, not tuned)."""
import contextlib
import io
import json
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.corpus,
    pytest.mark.skipif(not (SHARED / "corpus").is_dir() or not (SHARED / "eval" / "score.py").exists(),
                       reason="../shared/corpus or ../shared/eval not present"),
]


def test_index_bm25_mode_beats_eval_baseline(tmp_path):
    sys.path.insert(0, str(SHARED / "eval"))
    import score  # the eval kit's scorer (standard library only)

    from rapport.corpus.load import load_corpus
    from rapport.index.search import build_or_load_index
    from rapport.models.embedder import load_embedder
    from tests.fixtures.tiny_model.build import tiny_model_dir

    queries = SHARED / "eval" / "dev" / "queries.jsonl"
    docs, _ = load_corpus([SHARED / "corpus"])
    s = build_or_load_index(docs, tmp_path / "idx", load_embedder(tiny_model_dir()))
    runs = tmp_path / "runs.jsonl"
    with runs.open("w", encoding="utf-8") as f:
        for line in queries.read_text(encoding="utf-8").splitlines():
            q = json.loads(line)["query"]
            res = s.search(q, 10, mode="bm25")[["doc", "region", "text", "start", "end"]].to_dict("records")
            f.write(json.dumps({"query": q, "results": res}, ensure_ascii=False) + "\n")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        score.baseline(str(SHARED / "corpus"), str(queries))
    (tmp_path / "base.jsonl").write_text(buf.getvalue(), encoding="utf-8")
    ours = score.score_search(str(runs), str(queries))["ndcg@10"]
    base = score.score_search(str(tmp_path / "base.jsonl"), str(queries))["ndcg@10"]
    assert ours > base, (ours, base)
