"""bench_distractors' national judge: graded g0vse documents, each credited once."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from bench_distractors import g0vse_name, parse_priors, score_national  # noqa: E402

QUERIES = [{"id": "nat-a", "query": "regeringens cancerstrategi",
            "relevant": [{"doc": "pressmeddelanden/a.txt", "grade": 2}, {"doc": "artiklar/b.txt", "grade": 1}]},
           {"id": "nat-b", "query": "tandvård", "relevant": [{"doc": "artiklar/c.txt", "grade": 2}]}]


def _run(*docs):
    return {"results": [{"doc": d} for d in docs]}


def test_bench_distractors_national_judge_credits_each_document_once():
    runs = [_run("g0vse_pressmeddelanden_a.txt", "g0vse_pressmeddelanden_a.txt", "g0vse_artiklar_b.txt"),
            _run("report_004.txt", "g0vse_artiklar_c.txt")]
    res = score_national(QUERIES, runs)
    ideal_a = 2 + 1 / 1.584962500721156  # grades 2, 1 at ranks 1, 2 (log2 3)
    got_a = 2 + 1 / 2.0  # rank 2 repeats a document: no credit; b at rank 3 (log2 4)
    assert res["per_query"]["nat-a"] == pytest.approx(round(got_a / ideal_a, 3))
    assert res["per_query"]["nat-b"] == pytest.approx(round((2 / 1.584962500721156) / 2, 3))
    assert res["with_cue"] == res["per_query"]["nat-a"] and res["without_cue"] == res["per_query"]["nat-b"]
    assert res["reports_in_top10_mean"] == 0.5


def test_bench_distractors_names_and_priors():
    assert g0vse_name("rattsliga-dokument/sou-2021_x.txt") == "g0vse_rattsliga-dokument_sou-2021_x.txt"
    assert parse_priors("off, 0.4,on") == [1.0, 0.4]
    with pytest.raises(SystemExit):
        parse_priors("off,2")
