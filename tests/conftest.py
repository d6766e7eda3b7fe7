"""Shared fixtures: paths, the real shared corpus (skipped when absent), one pipeline per session."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SHARED_CORPUS = SHARED / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = ROOT / "rapport" / "corpus" / "sample"

needs_shared = pytest.mark.skipif(not (SHARED_CORPUS / "MANIFEST.tsv").exists(),
                                  reason="../shared/corpus is not here")


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not (SHARED_CORPUS / "MANIFEST.tsv").exists():
        pytest.skip("../shared/corpus is not here")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def _nlp():
    from rapport.pipeline.nlp import build_nlp

    return build_nlp()


@pytest.fixture
def nlp(_nlp):
    """The full pipeline; components keep no per-document state, so sharing is safe."""
    return _nlp


@pytest.fixture
def write_report(tmp_path):
    """Write Swedish fixture text to a report file and return its path."""

    def _write(text: str, name: str = "rapport.txt", encoding: str = "utf-8") -> Path:
        p = tmp_path / name
        p.write_bytes(text.encode(encoding))
        return p

    return _write


def process_text(nlp, path: Path, text: str):
    """Write `text` as a report at `path`, load it the way users' files are loaded, run `nlp` on it."""
    from rapport.corpus import load_document
    from rapport.pipeline.nlp import process

    path.write_text(text, encoding="utf-8")
    return process(nlp, load_document(path))


def deep(obj):
    return copy.deepcopy(obj)


# --- hypothesis profiles (property tests: tests/test_*_properties.py, tests/test_corpus_numbers.py) ---
# "ci" (default): a few hundred inputs per property, derandomised so a run is repeatable.
# "long": bench/fuzz.py (or HYPOTHESIS_PROFILE=long pytest ...) tries tens of thousands, randomly.
def _register_hypothesis_profiles() -> None:
    import os

    try:
        from hypothesis import HealthCheck, settings
    except ImportError:  # property tests importorskip hypothesis themselves
        return
    settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("long", max_examples=int(os.environ.get("RAPPORT_FUZZ_EXAMPLES", "20000")),
                              deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


_register_hypothesis_profiles()
