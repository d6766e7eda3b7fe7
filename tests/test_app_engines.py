"""The engines: the Ray engine writes what the local one writes, and one crashing report stays its own."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rapport.app import engines
from tests.conftest import SAMPLE, rapport_home_at
from tests.fixtures.tiny_model.build import tiny_model_dir


def test_engines_check_engine_names_the_flag():
    with pytest.raises(engines.EngineError, match="--engine"):
        engines.check_engine("spark", None)
    with pytest.raises(engines.EngineError, match="--address needs --engine ray"):
        engines.check_engine("local", "auto")


def test_engines_cli_bad_engine_is_one_line(tmp_path):
    from typer.testing import CliRunner

    from rapport.app.cli import app

    r = CliRunner().invoke(app, ["extract", str(SAMPLE), "--out", str(tmp_path / "o"), "--engine", "spark"])
    assert r.exit_code == 2 and "--engine" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "o").exists()


@pytest.fixture(scope="module")
def ray_home(tmp_path_factory):
    """One local Ray for the module (started by the engine's own code), with a private RAPPORT_HOME."""
    pytest.importorskip("ray.data")
    from rapport.app.engines import ray_engine

    home = tmp_path_factory.mktemp("ray-home")
    with rapport_home_at(home), ray_engine.session():
        yield home


def _lines(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.jsonl"))}


@pytest.mark.slow
def test_engines_ray_extract_writes_the_local_files(ray_home, tmp_path, monkeypatch):
    ray_res = engines.extract([SAMPLE], out=tmp_path / "ray", engine="ray")  # computed fresh in ray_home
    monkeypatch.setenv("RAPPORT_HOME", str(tmp_path / "local-home"))  # the local run computes afresh too
    from rapport.app import cache

    cache.facts_version.cache_clear()
    local_res = engines.extract([SAMPLE], out=tmp_path / "local", engine="local")
    assert not ray_res.errors and not local_res.errors
    got, want = _lines(tmp_path / "ray"), _lines(tmp_path / "local")
    assert got.keys() == want.keys() and sum(len(v) for v in want.values()) > 0
    assert got == want
    for name in ("documents.parquet", "tables.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "ray" / name), pd.read_parquet(tmp_path / "local" / name))


def crash_on_second(doc):
    """Kills the worker on the second sample report (as a segfault would); the others run as usual."""
    from rapport.app.engines.ray_engine import extract_one

    if doc.name == sorted(p.name for p in SAMPLE.glob("*.txt"))[1]:
        os._exit(3)
    return extract_one(doc)


@pytest.mark.slow
def test_engines_ray_crashing_report_is_named_and_others_finish(ray_home, tmp_path):
    from rapport.app.engines import ray_engine

    names = sorted(p.name for p in SAMPLE.glob("*.txt"))
    corpus = ray_engine.extract_corpus([SAMPLE], fn=crash_on_second)
    assert [d.name for d in corpus.docs] == [n for n in names if n != names[1]]
    assert len(corpus.errors) == 1 and names[1] in corpus.errors[0] and "crashed a Ray worker" in corpus.errors[0]
    assert {r.doc for rows in corpus.extraction.records.values() for r in rows} <= set(names) - {names[1]}


@pytest.mark.slow
def test_engines_ray_index_has_the_local_vectors(ray_home, tmp_path):
    pytest.importorskip("onnx")
    model = tmp_path / "models" / tiny_model_dir().name
    shutil.copytree(tiny_model_dir(), model)
    local, _ = engines.index([SAMPLE], engine="local", index_dir=tmp_path / "i-local", model=model)
    ray, _ = engines.index([SAMPLE], engine="ray", index_dir=tmp_path / "i-ray", model=model)
    assert local["build"]["embedded"] > 0 and ray["build"]["embedded"] == local["build"]["embedded"]
    assert ray["model"] == local["model"]
    from rapport.index.store import load_parts

    _, df_local, _, dense_local = load_parts(tmp_path / "i-local")
    _, df_ray, _, dense_ray = load_parts(tmp_path / "i-ray")
    pd.testing.assert_frame_equal(df_ray, df_local)
    assert dense_ray.keys() == dense_local.keys() and dense_local
    for view in dense_local:
        np.testing.assert_array_equal(dense_ray[view].vectors, dense_local[view].vectors)


def test_engines_cli_index_address_needs_ray():
    from typer.testing import CliRunner

    from rapport.app.cli import app

    r = CliRunner().invoke(app, ["index", str(SAMPLE), "--address", "auto"])
    assert r.exit_code == 2 and "--address needs --engine ray" in r.output and "Traceback" not in r.output
