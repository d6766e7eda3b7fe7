"""Output folders committed whole; strict JSON; umask permissions; safe file names."""
from __future__ import annotations

import json
import math
import os

import pytest

from rapport.app.outputs import atomic_file, dumps, safe_name
from rapport.models.folders import clean_leftovers, committed_folder


def _write(folder, names):
    for n in names:
        (folder / n).write_text(n, encoding="utf-8")


def test_outputs_commit_replaces_the_folder_whole(tmp_path):
    out = tmp_path / "out"
    with committed_folder(out) as tmp:
        _write(tmp, ["a.jsonl", "b.jsonl"])
    with committed_folder(out) as tmp:
        _write(tmp, ["c.jsonl"])
    assert sorted(p.name for p in out.iterdir()) == ["c.jsonl"]  # nothing of the first run is left
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temp siblings


def test_outputs_failed_run_keeps_the_previous_output(tmp_path):
    out = tmp_path / "out"
    with committed_folder(out) as tmp:
        _write(tmp, ["a.jsonl"])
    with pytest.raises(RuntimeError):
        with committed_folder(out) as tmp:
            _write(tmp, ["half.jsonl"])
            raise RuntimeError("killed")
    assert sorted(p.name for p in out.iterdir()) == ["a.jsonl"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_outputs_leftovers_of_dead_runs_cleaned_and_old_output_restored(tmp_path):
    dead = 2 ** 22 + 12345  # above the default pid_max: no such process
    out = tmp_path / "out"
    (tmp_path / f".out.tmp-{dead}-x").mkdir()
    old = tmp_path / f".out.old-{dead}-1"
    old.mkdir()
    _write(old, ["a.jsonl"])
    done = clean_leftovers(out)
    assert out.is_dir() and (out / "a.jsonl").exists()
    assert any("restored" in d for d in done) and any("removed" in d for d in done)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_outputs_files_follow_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        with committed_folder(tmp_path / "out") as tmp:
            _write(tmp, ["a.jsonl"])
        with atomic_file(tmp_path / "one.csv") as t:
            t.write_text("x", encoding="utf-8")
    finally:
        os.umask(old)
    assert (tmp_path / "out" / "a.jsonl").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o750
    assert (tmp_path / "one.csv").stat().st_mode & 0o777 == 0o640


def test_outputs_json_is_strict():
    import numpy as np

    text = dumps({"a": math.nan, "b": [math.inf, -math.inf, 1.5], "c": np.float32(2.5), "d": np.int64(3)})
    assert json.loads(text) == {"a": None, "b": [None, None, 1.5], "c": 2.5, "d": 3}
    assert "NaN" not in text and "Infinity" not in text


@pytest.mark.parametrize("name", ["norrbotten:t001", "a/b\\c", "rapport 2022: del 1", "..", "\x1b[2Jx"])
def test_outputs_safe_names_hold_no_separator_or_colon(name):
    s = safe_name(name)
    assert s and not set(s) & set(':/\\ \x1b') and s not in (".", "..")
