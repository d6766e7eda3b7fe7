"""`rapport search` / `compare` on odd queries: one-line errors, strict JSON, the no-match line."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rapport.app.cli import app
from rapport.index.match import Calibration

runner = CliRunner()
LEXICAL = Calibration(weights=(0.0, 0.0, 0.0, 4.0), bias=0.0, mean=(0.0, 0.0, 0.0, 0.5),
                      scale=(1.0, 1.0, 1.0, 0.25))


@pytest.fixture
def tiny_cli(sample_app_corpus, monkeypatch):
    monkeypatch.setattr("rapport.app.cli._open", lambda paths, manifest=None: sample_app_corpus)
    monkeypatch.setattr(sample_app_corpus.searcher, "calibration", LEXICAL)
    return sample_app_corpus


def _strict(line: str) -> dict:
    return json.loads(line, parse_constant=lambda c: pytest.fail(f"bare {c} in JSON"))


@pytest.mark.parametrize("cmd", ["search", "compare"])
def test_cli_search_control_characters_only_is_one_line_exit_2(tiny_cli, cmd):
    res = runner.invoke(app, [cmd, "\x00\x01\x1b"])
    assert res.exit_code == 2
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "empty" in lines[0] and "Traceback" not in res.output


def test_cli_search_ten_thousand_characters_is_one_line_exit_2(tiny_cli):
    res = runner.invoke(app, ["search", "sjukfrånvaro" * 833])
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1


def test_cli_search_long_token_answers_strict_json(tiny_cli):
    res = runner.invoke(app, ["search", "x" * 1000, "--k", "2", "--json"])
    assert res.exit_code == 0, res.output
    body = _strict(res.stdout)
    assert body["no_good_match"] is True and body["match"] is not None


def test_cli_search_says_no_good_match_in_a_line(tiny_cli):
    res = runner.invoke(app, ["search", "qwxzy plokth"])
    assert res.exit_code == 0 and "no good match" in res.stdout
    res = runner.invoke(app, ["search", "sjukfrånvaro bland medarbetarna"])
    assert res.exit_code == 0 and "no good match" not in res.stdout


def test_cli_compare_json_carries_the_verdict(tiny_cli):
    res = runner.invoke(app, ["compare", "qwxzy plokth", "--k", "1", "--json", "--region", "Norrbotten"])
    assert res.exit_code == 0, res.output
    body = _strict(res.stdout)
    assert body["no_good_match"] is True and body["groups"]
    res = runner.invoke(app, ["compare", "qwxzy plokth", "--k", "1"])
    assert "no good match" in res.stdout


@pytest.mark.parametrize("cmd", [["search", "ekonomi"], ["compare", "ekonomi"], ["serve"]])
@pytest.mark.parametrize("value", ["0", "1.5", "lagom"])
def test_cli_search_bad_national_prior_is_one_line_before_work(cmd, value, monkeypatch):
    monkeypatch.setenv("RAPPORT_NATIONAL_PRIOR", value)
    monkeypatch.setattr("rapport.app.cli._open", lambda *a, **kw: pytest.fail("opened the corpus first"))
    res = runner.invoke(app, cmd)
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert res.exit_code == 2 and len(lines) == 1 and "RAPPORT_NATIONAL_PRIOR" in lines[0]


def test_cli_search_national_prior_off_is_accepted(tiny_cli, monkeypatch):
    monkeypatch.setenv("RAPPORT_NATIONAL_PRIOR", "off")
    res = runner.invoke(app, ["search", "ekonomi", "--k", "2", "--json"])
    assert res.exit_code == 0, res.output
