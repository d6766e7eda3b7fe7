"""Lexical retrieval: bm25s over Swedish index terms (see index.analyze)."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import numpy as np

from rapport.index.analyze import Analyzer


def _bm25s():
    """bm25s, imported without scipy when nothing has imported scipy.sparse yet.

    bm25s imports scipy.sparse at import time only for its optional
    csc_backend="scipy"; we use its default numpy backend, for building and
    scoring alike. scipy.sparse costs a search ~0.3 s of CPU (it pulls in
    numpy.f2py and charset_normalizer), so while bm25s imports, a None in
    sys.modules makes its `import scipy.sparse` fail the way bm25s expects
    (SCIPY_AVAILABLE = False); afterwards scipy imports normally for whoever needs it.
    """
    if "bm25s" in sys.modules or "scipy.sparse" in sys.modules:
        import bm25s

        return bm25s
    sys.modules["scipy.sparse"] = None
    try:
        import bm25s
    finally:
        if "scipy.sparse" in sys.modules and sys.modules["scipy.sparse"] is None:
            del sys.modules["scipy.sparse"]
    return bm25s


class BM25Index:
    """BM25 (Lucene variant, k1=1.2, b=0.75) over pre-analysed passages."""

    def __init__(self, analyzer: Analyzer | None = None, k1: float = 1.2, b: float = 0.75):
        self.analyzer = analyzer or Analyzer()
        self.k1, self.b = k1, b
        self._bm25 = None
        self.n = 0
        self._doc_terms = None  # (per-passage offsets, term ids, scores), built on first feedback
        self._vocab = None
        self._df = None

    def fit(self, term_lists: list[list[str]]) -> "BM25Index":
        bm25s = _bm25s()
        self._bm25 = bm25s.BM25(k1=self.k1, b=self.b, method="lucene", csc_backend="numpy")
        self.n = len(term_lists)
        # an empty passage list still gets a valid (empty-token) document so shapes line up
        self._bm25.index([t or [""] for t in term_lists], show_progress=False)
        return self

    def scores(self, query: str, mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every passage for `query` (0 for masked-out passages)."""
        if self._bm25 is None or self.n == 0:
            return np.zeros(self.n, dtype=np.float32)
        return self.term_scores(self.analyzer(query), mask)

    def feedback_terms(self, doc_ids: list[int], n: int) -> list[str]:
        """The n terms that weigh most (summed BM25 contribution) in the given passages.

        Read off bm25s's term x passage score matrix, so nothing is re-analysed at
        query time. Used to give an English query Swedish words: the passages the
        multilingual embedder found supply the vocabulary BM25 then matches.
        """
        if self._bm25 is None or not doc_ids or n <= 0:
            return []
        if self._doc_terms is None:
            sc = self._bm25.scores
            indptr = np.asarray(sc["indptr"])
            term_of = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
            docs = np.asarray(sc["indices"])
            order = np.argsort(docs, kind="stable")
            self._doc_terms = (np.searchsorted(docs[order], np.arange(self.n + 1)), term_of[order],
                               np.asarray(sc["data"])[order])
        starts, terms, data = self._doc_terms
        weight: dict[int, float] = {}
        for d in doc_ids:
            for t, w in zip(terms[starts[d]:starts[d + 1]].tolist(), data[starts[d]:starts[d + 1]].tolist()):
                weight[t] = weight.get(t, 0.0) + w
        vocab = self._vocab_list()
        best = sorted(weight, key=weight.get, reverse=True)
        return [vocab[t] for t in best if len(vocab[t]) > 2 and not vocab[t].isdigit()][:n]

    def doc_freq(self) -> dict[str, int]:
        """Passages each index term occurs in (read once off the term x passage matrix)."""
        if self._bm25 is None:
            return {}
        if getattr(self, "_df", None) is None:
            counts = np.diff(np.asarray(self._bm25.scores["indptr"]))
            self._df = {tok: int(counts[i]) for tok, i in self._bm25.vocab_dict.items() if tok and counts[i] > 0}
        return self._df

    def _vocab_list(self) -> list[str]:
        if self._vocab is None:
            self._vocab = [""] * len(self._bm25.vocab_dict)
            for tok, i in self._bm25.vocab_dict.items():
                self._vocab[i] = tok
        return self._vocab

    def term_scores(self, terms: list[str], mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 scores for already analysed index terms (unknown ones are ignored)."""
        terms = [t for t in dict.fromkeys(terms) if t in self._bm25.vocab_dict] if self._bm25 is not None else []
        if not terms:
            return np.zeros(self.n, dtype=np.float32)
        s = self._bm25.get_scores(terms, weight_mask=None if mask is None else mask.astype(np.float32))
        return np.asarray(s, dtype=np.float32)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(folder), show_progress=False)
        (folder / "rapport_bm25.json").write_text(
            json.dumps({"analyzer": self.analyzer.signature, "n": self.n, "k1": self.k1, "b": self.b}),
            encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, analyzer: Analyzer) -> "BM25Index":
        bm25s = _bm25s()
        info = json.loads((folder / "rapport_bm25.json").read_text(encoding="utf-8"))
        self = cls(analyzer, k1=info["k1"], b=info["b"])
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self._bm25 = bm25s.BM25.load(str(folder), show_progress=False, verbosity=0)
        self.n = info["n"]
        return self
