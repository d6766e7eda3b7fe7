"""The `rapport` command as a user meets it: output on stdout, one-line errors, no partial files."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from rapport.app.cli import app
from tests.conftest import SAMPLE

runner = CliRunner()


def test_cli_help_lists_commands():
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0
    for cmd in ("ingest", "extract", "search", "compare", "tables", "links"):
        assert cmd in res.output


def test_cli_ingest_json_sample():
    res = runner.invoke(app, ["ingest", str(SAMPLE), "--json"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert {r["region"] for r in rows} == {"Norrbotten", "Västerbotten"}
    for r in rows:
        assert set(r) >= {"doc", "region", "kind", "period", "pages", "sections", "sentences", "tables", "warnings"}
        assert r["sentences"] > 20


def test_cli_ingest_bad_input_one_line_and_others_processed(tmp_path):
    good = tmp_path / "bra.txt"
    good.write_text("Region Norrbotten\nDelårsrapport januari–augusti 2022\n\nResultatet är gott. Kostnaderna ökar.\n",
                    encoding="utf-8")
    (tmp_path / "tom.txt").write_bytes(b"")
    res = runner.invoke(app, ["ingest", str(tmp_path), str(tmp_path / "saknas.txt"), "--json"])
    assert res.exit_code == 0  # something was read
    errors = [l for l in res.stderr.splitlines() if "error" in l]
    assert any("tom.txt" in l and "empty file" in l for l in errors)
    assert any("saknas.txt" in l for l in errors)
    assert sum(1 for l in res.stdout.splitlines() if l.startswith("{")) == 1


def test_cli_ingest_nothing_readable_exits_nonzero(tmp_path):
    res = runner.invoke(app, ["ingest", str(tmp_path / "saknas.txt")])
    assert res.exit_code != 0


def test_cli_extract_writes_contract_files_and_fails_on_bad_input(tmp_path):
    bad = tmp_path / "in" / "trasig.pdf"
    bad.parent.mkdir()
    bad.write_bytes(b"%PDF-1.4 not really a pdf")
    src = SAMPLE / "norrbotten_delarsrapport_2022-08.txt"
    out = tmp_path / "out"
    res = runner.invoke(app, ["extract", str(src), str(bad), "--out", str(out)])
    assert res.exit_code == 1
    assert any("trasig.pdf" in l for l in res.stderr.splitlines())
    names = {p.name for p in out.iterdir()}
    assert {"goal_assessments.jsonl", "aggregates.jsonl", "targets.jsonl", "risks.jsonl", "events.jsonl",
            "links.jsonl", "tables.parquet"} <= names
    assert not [n for n in names if n.startswith(".")]  # no temp files left behind
    for line in (out / "risks.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        assert rec["doc"] == src.name and len(rec["text"]) <= 600


def test_cli_compare_shows_fact_labels_verbatim(monkeypatch):
    # labels in square brackets must survive rich's markup ("[not_achieved]" is not a style)
    res = {"query": "sjukfrånvaro", "by": "region", "groups": {
        "Norrbotten": {"passages": [{"text": "Sjukfrånvaron [exkl. covid] minskar.", "doc": "n.txt",
                                     "section": "Personal", "score": 0.5}],
                       "goal_assessments": [{"text": "Målet nås inte per augusti.", "status": "not_achieved",
                                             "horizon": "current"}],
                       "risks": [{"text": "Brist på sjuksköterskor.", "category": "staffing"}],
                       "links": []}}}
    monkeypatch.setattr("rapport.app.api.compare", lambda *a, **kw: res)
    r = runner.invoke(app, ["compare", "sjukfrånvaro"])
    assert r.exit_code == 0, r.output
    assert "[not_achieved, current]" in r.output and "[staffing]" in r.output
    assert "[exkl. covid]" in r.output
