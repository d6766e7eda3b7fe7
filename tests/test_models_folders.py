"""A folder is replaced whole or not at all (model cache, index, exports)."""
import pytest

from rapport.models.folders import committed_folder


def test_folders_committed_folder_swaps_in_the_new_folder(tmp_path):
    target = tmp_path / "idx"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with committed_folder(target) as tmp:
        assert tmp.parent == tmp_path and tmp != target
        (tmp / "new.txt").write_text("new")
        assert (target / "old.txt").exists()  # readers still see the old folder meanwhile
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]  # no temp or old folder left


def test_folders_committed_folder_keeps_the_old_folder_on_error(tmp_path):
    target = tmp_path / "idx"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(RuntimeError):
        with committed_folder(target) as tmp:
            (tmp / "half.txt").write_text("half")
            raise RuntimeError("disk full")
    assert sorted(p.name for p in target.iterdir()) == ["old.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]
