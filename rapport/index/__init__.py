"""Hybrid search over report passages: BM25 (Swedish) + e5 dense (faiss), fused; see index.search."""
from rapport.index.fusion import Filters
from rapport.index.search import FusionConfig, Searcher, build_or_load_index
from rapport.index.store import PassageConfig

__all__ = ["build_or_load_index", "Searcher", "Filters", "FusionConfig", "PassageConfig"]
