"""Imports run one way: corpus and models are leaves, pipeline and index build on them, app on top."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "rapport"
ALLOWED = {"corpus": set(), "models": set(), "index": {"corpus", "models"},
           "pipeline": {"corpus", "models"}, "app": {"corpus", "models", "index", "pipeline"}}


def _imports(path: Path) -> set[str]:
    """The rapport subpackages a module imports (absolute `rapport.x` imports and relative ones
    that climb to the package root), plus the top-level names of everything else."""
    pkg = path.relative_to(ROOT).parts
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.ImportFrom) and node.level:
            up = pkg[:len(pkg) - node.level]      # the package the relative import resolves in
            names = [".".join(("rapport",) + up + ((node.module,) if node.module else ()))]
            if not up and not node.module:
                names = [f"rapport.{a.name}" for a in node.names]
        for n in names:
            parts = n.split(".")
            out.add(parts[1] if parts[0] == "rapport" and len(parts) > 1 else parts[0])
    return out


def test_layers_import_direction():
    bad = []
    for pkg, allowed in ALLOWED.items():
        for f in (ROOT / pkg).rglob("*.py"):
            for mod in _imports(f) & set(ALLOWED):
                if mod != pkg and mod not in allowed:
                    bad.append(f"{f.relative_to(ROOT)} imports {mod}")
    assert not bad, bad


def test_layers_no_top_level_package_names():
    """A user's own `models.py` or `index.py` must not shadow ours: nothing imports a bare `corpus`,
    `models`, `index`, `pipeline` or `app`."""
    here = Path(__file__).resolve().parents[1]
    bad = []
    for f in [*ROOT.rglob("*.py"), *(here / "tests").rglob("*.py"), *(here / "bench").rglob("*.py")]:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            mods = ([a.name for a in node.names] if isinstance(node, ast.Import)
                    else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                    else [])
            bad += [f"{f.name}: {m}" for m in mods if m.split(".")[0] in ALLOWED]
    assert not bad, bad


def test_layers_corpus_never_imports_spacy():
    users = [f.name for f in (ROOT / "corpus").rglob("*.py") if {"spacy", "torch"} & _imports(f)]
    assert not users
