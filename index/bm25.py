"""Lexical retrieval: bm25s over Swedish index terms (see index.analyze)."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from index.analyze import Analyzer


class BM25Index:
    """BM25 (Lucene variant, k1=1.2, b=0.75) over pre-analysed passages."""

    def __init__(self, analyzer: Analyzer | None = None, k1: float = 1.2, b: float = 0.75):
        self.analyzer = analyzer or Analyzer()
        self.k1, self.b = k1, b
        self._bm25 = None
        self.n = 0

    def fit(self, term_lists: list[list[str]]) -> "BM25Index":
        import bm25s

        self._bm25 = bm25s.BM25(k1=self.k1, b=self.b, method="lucene")
        self.n = len(term_lists)
        # an empty passage list still gets a valid (empty-token) document so shapes line up
        self._bm25.index([t or [""] for t in term_lists], show_progress=False)
        return self

    def scores(self, query: str, mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every passage for `query` (0 for masked-out passages)."""
        if self._bm25 is None or self.n == 0:
            return np.zeros(self.n, dtype=np.float32)
        terms = [t for t in dict.fromkeys(self.analyzer(query)) if t in self._bm25.vocab_dict]
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
        import bm25s

        info = json.loads((folder / "rapport_bm25.json").read_text(encoding="utf-8"))
        self = cls(analyzer, k1=info["k1"], b=info["b"])
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self._bm25 = bm25s.BM25.load(str(folder), show_progress=False, verbosity=0)
        self.n = info["n"]
        return self
