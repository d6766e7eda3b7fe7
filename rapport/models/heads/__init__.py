"""Learned extraction heads: small linear classifiers over e5 sentence vectors plus rule features.

Why linear heads on frozen vectors: the e5 vector already says what a sentence is about
and how it is phrased; a logistic regression per decision (risk or not, which category,
event or not, which type, which goal status) learns from a few thousand annotated sentences
in seconds, transfers to wording no cue list holds, and ships as a few hundred KB of numbers
(`*.npz`, never pickles) that a manifest hash-checks at load. The rule signals (cue hits,
negation, modality, tense, heading, list and table context) are extra columns, so the head
can lean on an exact cue where one exists.

Layout of a heads folder (`rapport/models/heads/` ships one, trained by
`python -m tools.train_heads`):

    manifest.json   {"embedder": name, "data_sha1": ..., "heads": {name: {file, sha256, classes,
                    threshold, inputs, features}}}
    <name>.npz      coef (k, d), intercept (k,), classes (k,) — k = 1 for a yes/no head

A manifest entry holds the file's sha256, its classes, and the decision threshold
chosen on training data. Vectors come from `rapport.models.vectors.encode_cached`, keyed by
content, so the index and the heads embed each text once between them.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
MANIFEST = "manifest.json"


class HeadsError(RuntimeError):
    """A heads folder that is missing, altered, or made for another embedder."""


def sentence_text(text: str) -> str:
    """What gets embedded for a sentence: whitespace collapsed (PDF line breaks say nothing)."""
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class LinearHead:
    """A logistic-regression head with its feature scaling folded into the weights."""

    name: str
    classes: tuple[str, ...]
    coef: np.ndarray = field(repr=False)  # (k, d); k == 1 for a binary head (class 1 = classes[1])
    intercept: np.ndarray = field(repr=False)  # (k,)
    threshold: float = 0.5
    # the yes threshold in a region report (a document whose kind corpus.meta names): chosen on the out-of-fold
    # scores of whole reports labelled as the scorer's gold is (tools/heads_thresholds.py), where a head trained
    # mostly on government text over-fires on neutral sentences about costs and staff; None: `threshold`
    report_threshold: float | None = None
    features: tuple[str, ...] = ()  # named rule-feature columns, in order
    # "vector+features"; "vector+features+context" (also the mean vector of the sentences before and after:
    # `rapport.pipeline.heads.CONTEXT`); "features+hash" (the gate: no vector needed)
    inputs: str = "vector+features"

    @property
    def binary(self) -> bool:
        return self.coef.shape[0] == 1

    def proba(self, x: np.ndarray) -> np.ndarray:
        """P(yes) (n,) for a binary head, else (n, k) class probabilities."""
        if not hasattr(x, "tocsr"):  # scipy sparse rows (the gate's hashed words) stay sparse
            x = np.asarray(x, dtype=np.float32)
        z = np.asarray(x @ self.coef.T) + self.intercept
        if self.binary:
            return 1.0 / (1.0 + np.exp(-z[:, 0]))
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def threshold_for(self, report: bool) -> float:
        """The yes threshold for a sentence of a region report (`report`) or of any other text."""
        return self.report_threshold if report and self.report_threshold is not None else self.threshold

    def decide(self, x: np.ndarray) -> np.ndarray:
        """Booleans (binary head) or class names (multi-class head), one per row."""
        p = self.proba(x)
        if self.binary:
            return p >= self.threshold
        return np.array(self.classes, dtype=object)[p.argmax(axis=1)]


@dataclass(frozen=True)
class Heads:
    """The heads of one folder and what they expect as input."""

    folder: Path
    embedder: str  # model name the vectors must come from
    heads: dict[str, LinearHead]
    data_sha1: str = ""

    def get(self, name: str) -> LinearHead | None:
        return self.heads.get(name)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def save_head(folder: Path, head: LinearHead) -> dict:
    """Write `<name>.npz`; return its manifest entry (file, sha256, classes, threshold)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{head.name}.npz"
    np.savez_compressed(path, coef=head.coef.astype(np.float32), intercept=head.intercept.astype(np.float32),
                        classes=np.array(head.classes))
    entry = {"file": path.name, "sha256": sha256_file(path), "classes": list(head.classes),
             "threshold": float(head.threshold), "inputs": head.inputs, "features": list(head.features)}
    if head.report_threshold is not None:
        entry["report_threshold"] = float(head.report_threshold)
    return entry


def write_manifest(folder: Path, manifest: dict) -> None:
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def resolve_folder(path: str | Path | None) -> Path | None:
    """None or "" means no heads (rules only); a relative path is relative to this package."""
    if path is None or str(path).strip() == "":
        return None
    p = Path(path).expanduser()
    return p if p.is_absolute() else HERE / p


def load_heads(folder: str | Path) -> Heads:
    """Read a heads folder, checking every weights file against the manifest's sha256."""
    folder = Path(folder)
    mpath = folder / MANIFEST
    if not mpath.exists():
        raise HeadsError(f"{folder}: no {MANIFEST}; train heads with `python -m tools.train_heads`")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise HeadsError(f"{mpath}: not valid JSON ({e})") from e
    heads = {}
    for name, entry in manifest.get("heads", {}).items():
        path = folder / entry["file"]
        if not path.exists():
            raise HeadsError(f"{path}: weights file named by {MANIFEST} is missing")
        if sha256_file(path) != entry["sha256"]:
            raise HeadsError(f"{path}: sha256 does not match {MANIFEST}; retrain with `python -m tools.train_heads`")
        with np.load(path, allow_pickle=False) as z:
            heads[name] = LinearHead(name=name, classes=tuple(str(c) for c in z["classes"]),
                                     coef=z["coef"].astype(np.float32), intercept=z["intercept"].astype(np.float32),
                                     threshold=float(entry.get("threshold", 0.5)),
                                     report_threshold=(float(entry["report_threshold"])
                                                       if entry.get("report_threshold") is not None else None),
                                     features=tuple(entry.get("features", ())),
                                     inputs=entry.get("inputs", "vector+features"))
    return Heads(folder=folder, embedder=manifest.get("embedder", ""), heads=heads,
                 data_sha1=manifest.get("data_sha1", ""))


def embed(texts: Sequence[str], *, encoder: Callable[[list[str]], np.ndarray] | None = None,
          expect: str | None = None, on_progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """e5 passage vectors for sentences, through the shared content-keyed cache.

    `encoder` replaces the model (tests); `expect` is the model name heads were trained on.
    """
    from rapport.models.vectors import VectorCache, encode_cached

    texts = [sentence_text(t) for t in texts]
    if encoder is not None:
        return encode_cached(texts, "passage", encoder, None, on_progress=on_progress)
    from rapport.models.embedder import load_embedder

    emb = load_embedder(verify=False)
    if expect and emb.name != expect:
        raise HeadsError(f"heads were trained on {expect} vectors, but the embedder is {emb.name}")
    cache = VectorCache(emb.fingerprint, emb.dim)
    try:
        return encode_cached(texts, "passage", lambda b: emb.encode_passages(b, batch_size=32), cache,
                             chunk=256, on_progress=on_progress)
    finally:
        cache.close()
