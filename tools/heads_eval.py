"""Unit-level figures of trained heads on annotated rows (`python -m tools.train_heads --eval …`).

Precision, recall and label accuracy per fact type, of the rules alone and of the heads, with
the thresholds extraction would use: a row of a region report (its source file's kind, as
rapport.corpus.meta infers it at extraction) takes a head's report threshold.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np


@lru_cache(maxsize=4096)
def _is_report(source: str, file: str) -> bool:
    from rapport.corpus.meta import infer_kind
    from tools.annotate.paths import read_raw, source_path

    path = source_path(source, file)
    return path.exists() and infer_kind(read_raw(path)) is not None


def report_rows(rows) -> np.ndarray:
    """Whether each row's document is a region report (a kind corpus.meta names), as at extraction."""
    return np.array([_is_report(r.source, r.file) for r in rows], dtype=bool)


def evaluate(rows, F, folder: Path) -> dict:
    """Unit-level P / R / label accuracy on `rows`: rules alone, then the heads of `folder`.

    A head with a report threshold uses it on the rows of region reports (`report_rows`), as
    extraction does, and its plain threshold elsewhere."""
    from rapport.models.heads import load_heads
    from rapport.pipeline.heads import CONTEXT, gate_input, head_input, vectorize

    heads = load_heads(folder)
    in_report = report_rows(rows)
    report = {}
    for kind, is_pos, label, rule_yes, rule_label in (
            ("risk", lambda r: r.is_risk, lambda r: r.labels["risk"], F["rule_risk"], F["rule_cat"]),
            ("event", lambda r: r.is_event, lambda r: r.labels["events"][0]["type"], F["rule_event"], F["rule_type"])):
        y = np.array([is_pos(r) for r in rows])
        gold = [label(r) if is_pos(r) else None for r in rows]
        rule_yes = np.array(rule_yes, dtype=bool)
        head, gate, lab = heads.get(kind), heads.get(f"{kind}_gate"), heads.get(f"{kind}_label")
        feats = vectorize(F[kind], head.features)
        keep = gate.decide(gate_input(vectorize(F[kind], gate.features), F["texts"])) | rule_yes
        X = head_input(F["vectors"], feats)
        Xc = head_input(F["vectors"], feats, F["context"])

        def x(h):  # what head h reads, as run_heads builds it
            return Xc if h.inputs == CONTEXT else X

        p = head.proba(x(head))
        yes = (p >= np.where(in_report, head.threshold_for(True), head.threshold_for(False))) & keep
        unvetoed = yes.copy()
        if kind == "risk":
            yes &= ~np.array(F["clinical"], dtype=bool)
        if heads.get(f"{kind}_veto") is not None:
            yes &= ~heads.get(f"{kind}_veto").decide(x(heads.get(f"{kind}_veto")))
        labels = lab.decide(x(lab))
        clinical = np.array([r.is_clinical for r in rows])
        report[kind] = {"rules": _prf(rule_yes, y, rule_label, gold, clinical),
                        "gate_only": _prf(keep, y, list(labels), gold, clinical),
                        "heads": _prf(yes, y, list(labels), gold, clinical),
                        "heads_without_clinical_veto": _prf(unvetoed, y, list(labels), gold, clinical),
                        "heads_rule_label": _prf(yes, y, [rl or lb for rl, lb in zip(rule_label, labels)], gold, clinical),
                        "gate_keeps": round(float(keep.mean()), 3),
                        "gate_recall": round(float((keep & y).sum() / max(1, y.sum())), 3)}
    y = np.array([r.is_goal for r in rows])
    head, gate = heads.get("goal"), heads.get("goal_gate")
    if head is not None and y.any():
        keep = gate.decide(gate_input(vectorize(F["goal"], gate.features), F["texts"]))
        X = head_input(F["vectors"], vectorize(F["goal"], head.features))
        yes = head.decide(X) & keep
        status, horizon = heads.get("goal_status").decide(X), heads.get("goal_horizon").decide(X)
        report["goal (heads only; rules need the whole document)"] = {
            "status": _prf(yes, y, list(status), [r.labels["goals"][0]["status"] if r.is_goal else None for r in rows],
                           np.zeros(len(rows), bool)),
            "horizon_accuracy": _prf(yes, y, list(horizon), [r.labels["goals"][0]["horizon"] if r.is_goal else None
                                                            for r in rows], np.zeros(len(rows), bool))["label_accuracy"]}
    return report


def _prf(pred, y, labels, gold, clinical) -> dict:
    pred = np.asarray(pred, dtype=bool)
    tp = pred & y
    correct = sum(1 for i in np.flatnonzero(tp) if labels[i] == gold[i])
    return {"precision": round(float(tp.sum() / max(1, pred.sum())), 3),
            "recall": round(float(tp.sum() / max(1, y.sum())), 3),
            "label_accuracy": round(correct / max(1, tp.sum()), 3),
            "clinical_hits": int((pred & clinical).sum()), "gold": int(y.sum()), "predicted": int(pred.sum())}
