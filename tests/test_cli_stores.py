"""`--store` on index/search/compare/serve and `rapport stores`, on the sample corpus with the tiny model."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rapport.app.cli import app
from rapport.index.stores import available_stores
from tests.conftest import SAMPLE

runner = CliRunner()
needs_lance = pytest.mark.skipif(not any(s.name == "lancedb" for s in available_stores()),
                                 reason="lancedb is not installed (pip install lancedb)")


@pytest.fixture
def opened(app_home, monkeypatch):
    """cli._open with the tiny model and a private index folder, honouring --store like the real one."""
    from rapport.app.corpus import Corpus
    from tests.fixtures.tiny_model.build import tiny_model_dir

    made = []

    def _open(paths, manifest=None, store=None):
        made.append(Corpus([SAMPLE], model=tiny_model_dir(), index_dir=app_home / "index-stores", store=store))
        return made[-1]

    monkeypatch.setattr("rapport.app.cli._open", _open)
    return made


def _errors(res) -> list[str]:
    return [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]


def test_cli_stores_lists_faiss_first():
    res = runner.invoke(app, ["stores"])
    lines = res.stdout.splitlines()
    assert res.exit_code == 0 and lines[0].startswith("faiss:")
    assert [ln.split(":")[0] for ln in lines] == [s.name for s in available_stores()]


@pytest.mark.parametrize("cmd", [["search", "ekonomi"], ["compare", "ekonomi"], ["index"], ["serve"]])
def test_cli_stores_bad_uri_fails_before_work(cmd, monkeypatch):
    monkeypatch.setattr("rapport.app.cli._open", lambda *a, **kw: pytest.fail("opened the corpus first"))
    res = runner.invoke(app, [*cmd, "--store", "redis:localhost:6379"])
    assert res.exit_code == 2 and len(_errors(res)) == 1 and "--store" in _errors(res)[0]
    assert "unknown scheme" in _errors(res)[0]


@needs_lance
def test_cli_stores_search_through_lancedb_matches_default(opened, tmp_path):
    uri = f"lancedb:{tmp_path / 'lance'}"
    res = runner.invoke(app, ["index", "--store", uri])
    assert res.exit_code == 0, res.output
    assert uri in res.stderr and "passages" in res.stderr
    for args in (["sjukfrånvaro", "--k", "5"], ["ekonomi i balans", "--region", "Västerbotten"]):
        a = runner.invoke(app, ["search", *args, "--json"])
        b = runner.invoke(app, ["search", *args, "--json", "--store", uri])
        assert a.exit_code == b.exit_code == 0, b.output
        key = [(r["doc"], r["start"]) for r in json.loads(a.stdout)["results"]]
        assert key and key == [(r["doc"], r["start"]) for r in json.loads(b.stdout)["results"]]
    assert opened[-1].searcher.views["context"].kind == "LanceStore"
    res = runner.invoke(app, ["compare", "ekonomi", "--k", "2", "--json", "--store", uri])
    assert res.exit_code == 0 and json.loads(res.stdout)["groups"]


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@needs_lance
@pytest.mark.parametrize("cmd", [["index"], ["search", "ekonomi"], ["compare", "ekonomi"], ["serve"]])
def test_cli_stores_database_down_is_one_line(opened, tmp_path, cmd):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    uri = f"lancedb:{blocker / 'db'}"
    res = runner.invoke(app, [*cmd, "--store", uri])
    assert res.exit_code == 1, res.output
    errors = _errors(res)
    assert len(errors) == 1 and f"store {uri}" in errors[0] and "Traceback" not in res.output


@needs_lance
def test_cli_stores_object_storage_refusing_is_one_line(opened, monkeypatch):
    """LanceDB on s3:// with the endpoint down (a closed local port): the real client fails, in seconds."""
    port = _closed_port()
    for k, v in {"AWS_ENDPOINT": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                 "AWS_REGION": "us-east-1", "AWS_ALLOW_HTTP": "true", "RAPPORT_STORE_RETRIES": "0"}.items():
        monkeypatch.setenv(k, v)
    res = runner.invoke(app, ["search", "ekonomi", "--store", "lancedb:s3://rapport-test/vectors"])
    errors = _errors(res)
    assert res.exit_code == 1 and len(errors) == 1, res.output
    assert "store lancedb:s3://rapport-test/vectors: cannot open" in errors[0] and "refused" in errors[0]
