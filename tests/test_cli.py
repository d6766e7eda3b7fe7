"""The `rapport` command as a user meets it: output on stdout, one-line errors, checks before work."""
from __future__ import annotations

import json
import os

import pandas as pd
import pytest
from typer.testing import CliRunner

from rapport import __version__
from rapport.app.cli import app
from tests.conftest import SAMPLE

runner = CliRunner()
NORR = SAMPLE / "norrbotten_delarsrapport_2022-08.txt"


def _errors(res) -> list[str]:
    return [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]


def test_cli_help_lists_commands_and_every_option_has_help():
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0
    for cmd in ("ingest", "extract", "search", "compare", "tables", "links", "plot", "serve"):
        assert cmd in res.output
    import typer.main

    group = typer.main.get_command(app)
    for name, cmd in group.commands.items():
        for p in cmd.params:
            if p.param_type_name == "option" and p.name != "help":
                assert p.help, f"rapport {name} {p.opts[0]} has no help text"


def test_cli_version():
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and __version__ in res.stdout


@pytest.mark.parametrize("args,needle", [
    (["search", "ekonomi", "--k", "0"], "--k must be from 1"),
    (["compare", "ekonomi", "--by", "nonsense"], "--by must be one of region, period, doc, kind"),
    (["search", "x" * 5000], "at most 1,000"),
    (["search"], "the query is empty"),
    (["search", "ekonomi", "--from", "igår"], "--from must look like"),
    (["search", "ekonomi", "--bogus"], "No such option"),
    (["nonsense"], "No such command"),
    (["search", "ekonomi", "--k", "abc"], "--k"),
    (["links", "/finns/inte.txt"], "no such file"),
    (["tables", str(SAMPLE), "--csv", "/finns/inte/celler.csv"], "does not exist"),
    (["extract", str(NORR), "--out", str(NORR)], "is a file"),
    (["serve", "--corpus", "/finns/inte"], "no such file"),
    (["serve", "--port", "99999"], "--port"),
    (["plot", "pie", "--out", "x"], "plot one of goals, risks, row"),
])
def test_cli_bad_arguments_fail_at_once_in_one_line(args, needle, monkeypatch):
    # nothing may be read before the check: a Corpus opened here would be work done too early
    monkeypatch.setattr("rapport.app.cli._open", lambda *a, **kw: pytest.fail("opened the corpus first"))
    res = runner.invoke(app, args)
    assert res.exit_code != 0
    lines = _errors(res)
    assert len(lines) == 1 and needle in lines[0], res.stderr
    assert "Traceback" not in res.output


def test_cli_ingest_json_sample(app_home):
    res = runner.invoke(app, ["ingest", str(SAMPLE), "--json"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert {r["region"] for r in rows} == {"Norrbotten", "Västerbotten"}
    for r in rows:
        assert set(r) >= {"doc", "region", "kind", "period", "pages", "sections", "sentences", "tables", "warnings"}


def test_cli_ingest_bad_input_one_line_each_others_processed_exit_1(app_home, tmp_path):
    good = tmp_path / "bra.txt"
    good.write_text("Region Norrbotten\nDelårsrapport januari–augusti 2022\n\nResultatet är gott. Kostnaderna ökar.\n",
                    encoding="utf-8")
    (tmp_path / "tom.txt").write_bytes(b"")
    res = runner.invoke(app, ["ingest", str(tmp_path), str(tmp_path / "saknas.txt"), "--json"])
    assert res.exit_code == 1  # any input that failed is a failure, though the rest was read
    errors = _errors(res)
    assert any("tom.txt" in line and "empty file" in line for line in errors)
    assert any("saknas.txt" in line for line in errors)
    assert sum(1 for line in res.stdout.splitlines() if line.startswith("{")) == 1


def test_cli_file_names_with_control_characters_are_escaped(app_home, tmp_path):
    bad = tmp_path / "rad\nbryt\x1b[31m.txt"
    bad.write_bytes(b"")
    res = runner.invoke(app, ["ingest", str(bad)])
    assert res.exit_code == 1
    assert "\x1b[31m" not in res.stderr and "rad\\nbryt\\x1b[31m.txt" in res.stderr
    assert len(_errors(res)) == 1


def test_cli_extract_writes_every_output_and_fails_on_bad_input(app_home, tmp_path):
    bad = tmp_path / "in" / "trasig.pdf"
    bad.parent.mkdir()
    bad.write_bytes(b"%PDF-1.4 not really a pdf")
    out = tmp_path / "out"
    res = runner.invoke(app, ["extract", str(NORR), str(bad), "--out", str(out)])
    assert res.exit_code == 1
    assert any("trasig.pdf" in line for line in _errors(res))
    names = {p.name for p in out.iterdir()}
    kinds = ("goal_assessments", "aggregates", "targets", "risks", "events", "links")
    assert {f"{k}.jsonl" for k in kinds} <= names and {f"{k}.parquet" for k in kinds} <= names
    assert {"tables.parquet", "documents.parquet", "rapport.xlsx", "tables"} <= names
    assert not [n for n in names if n.startswith(".")] and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert not [p.name for p in (out / "tables").iterdir() if ":" in p.name]
    for line in (out / "risks.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        assert rec["doc"] == NORR.name and len(rec["text"]) <= 600 and rec["period"]
    docs = pd.read_parquet(out / "documents.parquet")
    assert list(docs.columns[:7]) == ["doc", "region", "kind", "period", "pages", "sha256", "warnings"]
    tables = pd.read_parquet(out / "tables.parquet")
    assert {"region", "period"} <= set(tables.columns) and tables["region"].eq("Norrbotten").all()
    import openpyxl

    sheets = openpyxl.load_workbook(out / "rapport.xlsx", read_only=True).sheetnames
    assert {"documents", "tables", *kinds} <= set(sheets)


def test_cli_extract_reading_nothing_leaves_the_folder_untouched(app_home, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "risks.jsonl").write_text('{"old": true}\n', encoding="utf-8")
    res = runner.invoke(app, ["extract", str(tmp_path / "felstavad"), "--out", str(out)])
    assert res.exit_code == 1
    assert (out / "risks.jsonl").read_text(encoding="utf-8") == '{"old": true}\n'
    assert [p.name for p in out.iterdir()] == ["risks.jsonl"]


def test_cli_tables_folder_shows_every_report(app_home, tmp_path):
    csv = tmp_path / "celler.csv"
    res = runner.invoke(app, ["tables", str(SAMPLE), "--csv", str(csv)], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    for p in SAMPLE.glob("*.txt"):
        assert p.name in res.stdout
    assert max(len(line) for line in res.stdout.splitlines()) <= 80
    assert set(pd.read_csv(csv)["doc"]) == {p.name for p in SAMPLE.glob("*.txt")}


@pytest.fixture
def tiny_cli(sample_app_corpus, monkeypatch):
    """The CLI's corpus: the sample opened with the tiny test model."""
    monkeypatch.setattr("rapport.app.cli._open", lambda paths, manifest=None: sample_app_corpus)
    return sample_app_corpus


def test_cli_search_json_and_filters(tiny_cli):
    res = runner.invoke(app, ["search", "sjukfrånvaro", "--k", "3", "--region", "Västerbotten", "--json"])
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    assert len(obj["results"]) == 3 and {r["region"] for r in obj["results"]} == {"Västerbotten"}
    assert "no_good_match" in obj


def test_cli_search_unknown_region_names_known_ones(tiny_cli):
    res = runner.invoke(app, ["search", "sjukfrånvaro", "--region", "Skåne"])
    assert res.exit_code == 2 and "Norrbotten, Västerbotten" in _errors(res)[0]


@pytest.mark.parametrize("width", [80, 160])
def test_cli_compare_layouts_fit_the_terminal(tiny_cli, width):
    res = runner.invoke(app, ["compare", "ekonomi i balans", "--k", "2", "--width", str(width)])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    both = [line for line in lines if "Norrbotten" in line and "Västerbotten" in line]
    assert bool(both) == (width >= 120)  # side by side only where it fits


def test_cli_compare_shows_fact_labels_verbatim(tiny_cli, monkeypatch):
    df = pd.DataFrame([
        {"group": "Norrbotten", "what": "passage", "rank": 1, "text": "Sjukfrånvaron [exkl. covid] minskar.",
         "doc": "n.txt", "section": "Personal", "citation": "n.txt, s. 2", "score": 0.5},
        {"group": "Norrbotten", "what": "goal_assessments", "rank": 1, "text": "Målet nås inte per augusti.",
         "status": "not_achieved", "horizon": "current", "doc": "n.txt", "citation": "n.txt, s. 3"},
        {"group": "Norrbotten", "what": "risks", "rank": 1, "text": "Brist på sjuksköterskor.",
         "category": "staffing", "doc": "n.txt", "citation": "n.txt, s. 4"}])
    monkeypatch.setattr(type(tiny_cli), "compare", lambda self, *a, **kw: df)
    r = runner.invoke(app, ["compare", "sjukfrånvaro", "--width", "100"])
    assert r.exit_code == 0, r.output
    assert "[not_achieved, current]" in r.stdout and "[staffing]" in r.stdout and "[exkl. covid]" in r.stdout


def test_cli_plot_writes_png_and_svg(tiny_cli, tmp_path):
    res = runner.invoke(app, ["plot", "risks", "--out", str(tmp_path / "fig")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "fig" / "risks.png").read_bytes()[:4] == b"\x89PNG"
    assert b"<svg" in (tmp_path / "fig" / "risks.svg").read_bytes()[:500]


def test_cli_verify_flag_turns_on_full_hashing(monkeypatch):
    """`rapport --verify …` asks the index store to hash every file on open (sizes alone otherwise)."""
    from rapport.index.store import VERIFY_ENV

    monkeypatch.delenv(VERIFY_ENV, raising=False)
    assert CliRunner().invoke(app, ["stores"]).exit_code == 0
    assert VERIFY_ENV not in os.environ
    assert CliRunner().invoke(app, ["--verify", "stores"]).exit_code == 0
    assert os.environ[VERIFY_ENV] == "1"
