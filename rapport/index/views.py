"""What each dense view embeds, and the context view derived from cheaper vectors.

Two dense views are searched (PassageConfig.dense_views): "context" (the
section path or table lead in front of the passage, as BM25 reads it) and
"text" (the passage alone). They differ only by that prefix, and a corpus has
few prefixes (hundreds of section paths for thousands of passages). Embedding
both views costs two transformer passes per passage, 99 % of a cold build; so
by default (`context_vectors="derived"`) the context vector is not embedded but
composed: normalize(v_text + alpha * v_prefix), with the passage embedded once
and each distinct prefix once: 2,837 texts instead of 4,816 for the five
reports. The composed vector is not the embedded one (cosine to it: mean 0.98,
min 0.93), and the search loses the path tokens' attention to the passage; it
is the default because it searches about as well (tuning nDCG@10 -0.012, dev
+0.030; docs/scale.md);
`context_vectors="embedded"` keeps the true two-pass view.

Every vector that is embedded is a real embedding of its own text, so the
content-keyed vector cache (models/vectors.py) never holds a composed vector.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

CONTEXT_VECTORS = ("derived", "embedded")

__all__ = ["CONTEXT_VECTORS", "view_texts", "context_prefix", "compose", "ViewPlan", "plan_views"]


def view_texts(df: pd.DataFrame, view: str) -> list[str]:
    """What the embedder sees for each passage in one dense view.

    Vectors are found again by hashing these texts, so changing what a view
    embeds must come with a SCHEMA_VERSION bump.
    """
    if view == "context":
        return df["search_text"].tolist()
    if view == "text":
        return [" ".join(t.split()) for t in df["text"]]
    raise ValueError(f"unknown dense view {view!r}; use 'context' or 'text'")


def context_prefix(search_text: str, text: str) -> str | None:
    """The prefix `search_text` puts in front of `text` ("" when none); None when it is not text plus a prefix.

    passages.py writes search_text as "<path or table lead>: <text>", squashed."""
    if search_text == text:
        return ""
    if not text or not search_text.endswith(text):
        return None
    head = search_text[: len(search_text) - len(text)].rstrip()
    if not head.endswith(":"):
        return None  # not passages.py's "<prefix>: " join (a word cut in two, say): embed it whole
    return head[:-1].rstrip() or None


def compose(text_vecs: np.ndarray, prefix_vecs: np.ndarray, alpha) -> np.ndarray:
    """normalize(v_text + alpha * v_prefix), row by row (alpha a number or one per row); a zero prefix row
    leaves v_text as it is."""
    a = np.asarray(alpha, dtype=np.float32)
    v = text_vecs + (a.reshape(-1, 1) if a.ndim else a) * prefix_vecs
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return (v / np.where(norms > 0, norms, 1)).astype(np.float32)


class ViewPlan:
    """The unique texts to embed for an index's dense views, and how the views are assembled from their vectors.

    `prefixes[i]` is row i's context prefix ("" for none); a row whose search text
    is not prefix + text (passages.py always writes it so) has None there and its
    context view is embedded whole."""

    def __init__(self, df: pd.DataFrame, views: tuple[str, ...], context_vectors: str = "derived",
                 alpha: float = 0.5):
        if context_vectors not in CONTEXT_VECTORS:
            raise ValueError(f"unknown context_vectors {context_vectors!r}; use one of {CONTEXT_VECTORS}")
        self.views, self.alpha, self.n = tuple(views), float(alpha), len(df)
        self.derived = context_vectors == "derived" and "context" in self.views
        self.text = view_texts(df, "text") if self.derived or "text" in self.views else []
        self.context = view_texts(df, "context") if "context" in self.views else []
        self.prefixes = [context_prefix(c, t) for c, t in zip(self.context, self.text)] if self.derived else []
        if self.derived:
            wanted = self.text + [p for p in self.prefixes if p] + \
                [c for c, p in zip(self.context, self.prefixes) if p is None]
        else:
            wanted = self.context + self.text
        self.texts = list(dict.fromkeys(wanted))

    def assemble(self, vectors: np.ndarray, dim: int) -> dict[str, np.ndarray]:
        """{view: (n, dim) float32} from the vectors of `self.texts`, in that order."""
        row = {t: i for i, t in enumerate(self.texts)}

        def pick(ts: list[str]) -> np.ndarray:
            return vectors[[row[t] for t in ts]] if ts else np.zeros((0, dim), np.float32)

        out = {}
        if "text" in self.views:
            out["text"] = pick(self.text)
        if self.derived:
            zero = np.zeros(dim, np.float32)
            prefix = np.stack([vectors[row[p]] if p else zero for p in self.prefixes]) if self.n \
                else np.zeros((0, dim), np.float32)
            ctx = compose(pick(self.text), prefix, self.alpha)
            whole = [i for i, p in enumerate(self.prefixes) if p is None]
            if whole:
                ctx[whole] = pick([self.context[i] for i in whole])
            out["context"] = ctx
        elif "context" in self.views:
            out["context"] = pick(self.context)
        return {view: out[view] for view in self.views}


def plan_views(df: pd.DataFrame, config) -> ViewPlan:
    """The ViewPlan of a PassageConfig (its dense_views, context_vectors and context_alpha)."""
    return ViewPlan(df, tuple(config.dense_views), config.context_vectors, config.context_alpha)

