"""Imports run one way: corpus and models are leaves, index builds on them, pipeline on top."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {"corpus": set(), "models": set(), "index": {"corpus", "models"},
           "pipeline": {"corpus", "models", "index"}}


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


def test_layers_import_direction():
    bad = []
    for pkg, allowed in ALLOWED.items():
        for f in (ROOT / pkg).rglob("*.py"):
            for mod in _imports(f) & set(ALLOWED):
                if mod != pkg and mod not in allowed:
                    bad.append(f"{f.relative_to(ROOT)} imports {mod}")
    assert not bad, bad


def test_layers_corpus_never_imports_spacy():
    users = [f.name for f in (ROOT / "corpus").rglob("*.py") if {"spacy", "torch"} & _imports(f)]
    assert not users
