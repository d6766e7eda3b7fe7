"""Shared fixtures: paths, the real shared corpus (skipped when absent), one pipeline per session."""
from __future__ import annotations

import contextlib
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


# --- workbench (rapport.app) fixtures --------------------------------------------------------
@contextlib.contextmanager
def rapport_home_at(home: Path):
    """RAPPORT_HOME pointed at `home` for the block (the facts cache keyed anew), then put back."""
    import os

    from rapport.app import cache

    old = os.environ.get("RAPPORT_HOME")
    os.environ["RAPPORT_HOME"] = str(home)
    cache.facts_version.cache_clear()
    try:
        yield home
    finally:
        if old is None:
            os.environ.pop("RAPPORT_HOME", None)
        else:
            os.environ["RAPPORT_HOME"] = old
        cache.facts_version.cache_clear()


@pytest.fixture(scope="session")
def app_home(tmp_path_factory):
    """A private RAPPORT_HOME for the app tests: their caches and indexes never touch the user's."""
    import os

    from rapport.models.build_embedder import default_model_dir

    home = tmp_path_factory.mktemp("rapport-home")
    model = default_model_dir()  # the set-up model stays where tests that need it look (under the new home)
    if model.exists():
        (home / "models").mkdir()
        (home / "models" / model.name).symlink_to(model.resolve(), target_is_directory=True)
    with rapport_home_at(home):
        yield home


@pytest.fixture(scope="session")
def sample_app_corpus(app_home):
    """The bundled sample corpus opened with the tiny test model (real index, random vectors)."""
    from rapport.app.corpus import Corpus
    from tests.fixtures.tiny_model.build import tiny_model_dir

    return Corpus([SAMPLE], model=tiny_model_dir(), index_dir=app_home / "index-sample")
