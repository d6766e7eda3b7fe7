"""Training the query adapter: pairs cut from a g0vse-like text we wrote (cited by offsets),
the document-level split, and an InfoNCE run that learns a planted query distortion."""
from __future__ import annotations

import random

import numpy as np

from tools import train_adapter as ta

DOC = ("Nya pengar till vården i glesbygd\n\n"
       "Regeringen ger regionerna ett tillfälligt stöd för att hålla öppet på små vårdcentraler. "
       "Stödet ska användas till bemanning under sommaren.\n\n"
       "Bakgrund\n\n"
       "Många vårdcentraler i inlandet har svårt att rekrytera läkare och sjuksköterskor till fasta tjänster. "
       "Därför hyr de in personal från bemanningsföretag till höga kostnader. "
       "Regionerna har begärt att staten tar ett större ansvar för finansieringen.\n")


def test_train_adapter_doc_pairs_cut_title_heading_and_neighbour():
    pairs = ta.doc_pairs("pressmeddelanden/x.txt", DOC, random.Random(0))
    kinds = {p.kind: p for p in pairs}
    assert set(kinds) == {"title", "heading", "neighbour"}
    assert kinds["title"].query == "Nya pengar till vården i glesbygd"
    assert kinds["title"].passage.startswith("Regeringen ger regionerna")
    assert kinds["heading"].query == "Bakgrund" and kinds["heading"].passage.startswith("Många vårdcentraler")
    n = kinds["neighbour"]
    assert n.passage not in n.query and n.query not in n.passage
    for p in pairs:  # offsets give back the texts, so pairs can be cited instead of copied
        assert DOC[p.q_span[0]:p.q_span[1]] == p.query and DOC[p.p_span[0]:p.p_span[1]] == p.passage
        assert len(p.passage) <= ta.MAX_PASSAGE


def test_train_adapter_heading_rule_rejects_sentences_and_bullets():
    text = "Det här är en mening.\n\n• En punkt\n\nKort rubrik"
    paras = ta.paragraphs(text)
    assert [ta.is_heading(text, *p) for p in paras] == [False, False, True]


def test_train_adapter_split_is_by_document_and_stable():
    docs = [f"rapporter/{i}.txt" for i in range(2000)]
    held = [d for d in docs if ta.held_out(d)]
    assert 0.05 < len(held) / len(docs) < 0.15
    assert held == [d for d in docs if ta.held_out(d)]
    pairs = [ta.Pair("q", "p", d, "title") for d in docs[:50] for _ in range(2)]
    tr, te = ta.split(pairs)
    assert not {pairs[i].doc for i in tr} & {pairs[i].doc for i in te}


def test_train_adapter_learns_a_planted_query_distortion():
    """Queries are their passages pushed along one direction: the adapter must undo it."""
    rng = np.random.default_rng(0)
    dim, n = 16, 600
    p = rng.normal(size=(n, dim)).astype(np.float32)
    p /= np.linalg.norm(p, axis=1, keepdims=True)
    shift = np.zeros(dim, np.float32)
    shift[0] = 2.5
    q = p + 0.3 * rng.normal(size=(n, dim)).astype(np.float32) + shift
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    down, up, info = ta.train(q[:500], p[:500], q[500:], p[500:], rank=4, tau=0.05, lr=1e-2, epochs=15, batch=100)
    before = ta.retrieval(q[500:], p[500:])["mrr"]
    after = info["history"][info["best_epoch"]]["mrr"]
    assert info["best_epoch"] > 0 and after > before + 0.05
    from rapport.models.adapter import QueryAdapter

    assert abs(ta.retrieval(QueryAdapter(down, up).apply(q[500:]), p[500:])["mrr"] - after) < 1e-3


def test_train_adapter_written_queries_are_not_evaluation_queries():
    """No written training query repeats a tuning or dev query (word sets overlap under half)."""
    import json
    import re

    from tests.conftest import ROOT, SHARED

    def words(s):
        return set(re.findall(r"\w+", s.lower()))

    paths = [ROOT / "bench" / "tuning_queries.jsonl", SHARED / "eval" / "dev" / "queries.jsonl"]
    evals = [json.loads(x)["query"] for p in paths if p.exists() for x in p.read_text().splitlines() if x.strip()]
    written = ta.written_pairs()
    assert len(written) >= 150 and evals
    for p in written:
        for e in evals:
            a, b = words(p.query), words(e)
            assert len(a & b) / len(a | b) < 0.5, (p.query, e)
