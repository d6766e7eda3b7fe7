"""A damaged index through the app: mended with a message when it can be, one line (CLI) or JSON (web) when not."""
import json
import shutil

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rapport.app.cli import app
from rapport.app.corpus import Corpus
from rapport.app.web.app import create_app
from rapport.index.generations import GENS, read_current
from tests.conftest import SAMPLE
from tests.fixtures.tiny_model.build import tiny_model_dir

runner = CliRunner()


@pytest.fixture
def damaged(app_home, tmp_path):
    """A built sample index whose passages.parquet was then cut in half; returns (index dir, corpus factory)."""
    index_dir = tmp_path / "index"
    Corpus([SAMPLE], model=tiny_model_dir(), index_dir=index_dir).searcher
    part = index_dir / GENS / read_current(index_dir) / "passages.parquet"
    part.write_bytes(part.read_bytes()[:100])
    return index_dir, lambda: Corpus([SAMPLE], model=tiny_model_dir(), index_dir=index_dir)


def test_app_damaged_index_is_rebuilt_saying_why(damaged, caplog):
    index_dir, corpus = damaged
    with caplog.at_level("WARNING", logger="rapport.index"):
        hits = corpus().search("sjukfrånvaro", k=3)
    assert len(hits) == 3
    assert any("rebuilding" in r.message and "passages.parquet" in r.message for r in caplog.records)


@pytest.fixture
def unmendable(damaged, monkeypatch):
    """The same damage in a folder this process may not write: nothing can be rebuilt."""
    def no_write(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("rapport.index.generations._lock", no_write)
    return damaged


def test_app_unmendable_index_is_one_cli_line(unmendable, monkeypatch):
    _, corpus = unmendable
    monkeypatch.setattr("rapport.app.cli._open", lambda *a, **kw: corpus())
    res = runner.invoke(app, ["search", "sjukfrånvaro", "--k", "3"])
    assert res.exit_code == 1
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "passages.parquet" in lines[0] and "Traceback" not in res.output


def test_app_unmendable_index_is_one_json_line_on_the_web(unmendable):
    _, corpus = unmendable
    client = TestClient(create_app(corpus(), trusted_hosts=["testserver"], warm=False))
    r = client.get("/api/search?q=sjukfrånvaro")
    assert r.status_code == 503
    body = r.json()
    assert set(body) == {"error"} and "passages.parquet" in body["error"] and "\n" not in body["error"]
    assert client.get("/api/risks").status_code == 200  # the rest of the app goes on


def test_app_copied_corpus_opens_the_same_generation(app_home, tmp_path):
    index_dir = tmp_path / "index"
    first = Corpus([SAMPLE], model=tiny_model_dir(), index_dir=index_dir).searcher
    copy = tmp_path / "elsewhere" / "sample"
    shutil.copytree(SAMPLE, copy)
    again = Corpus([copy], model=tiny_model_dir(), index_dir=index_dir).searcher
    assert again.index_dir == first.index_dir
    assert sorted(p.name for p in (index_dir / GENS).iterdir()) == [first.index_dir.name]
    assert json.loads((first.index_dir / "manifest.json").read_text())["key"] == first.index_dir.name
