"""An index that knows itself: damaged files detected, generations swapped whole, locks, cleanup of leftovers."""
import json
import os
import threading
import time

import numpy as np
import pandas as pd
import pytest

from rapport.index.generations import (CURRENT, GENS, LOCKS, IndexDamaged, IndexStoreError, check_generation,
                                       collect_garbage, key_lock, read_current)
from rapport.index.search import Searcher, build_or_load_index
from rapport.index.store import build_index, generation_dir, load_parts
from rapport.models.embedder import load_embedder
from tests.fixtures.tiny_model.build import tiny_model_dir
from tests.fixtures.tiny_model.reports import NORR, VAST, make_document


@pytest.fixture(scope="module")
def tiny():
    return load_embedder(tiny_model_dir())


@pytest.fixture(scope="module")
def docs():
    return [make_document("norr.txt", NORR),
            make_document("vast.txt", VAST, region="Västerbotten", kind="årsredovisning", period="2023")]


@pytest.fixture(scope="module")
def built(tmp_path_factory, docs, tiny):
    """One sound generation, kept as a pristine copy that tests damage copies of."""
    root = tmp_path_factory.mktemp("pristine")
    m = build_index(docs, root, tiny)
    return root, m


@pytest.fixture()
def root(tmp_path, built):
    import shutil

    src, _ = built
    shutil.copytree(src, tmp_path / "idx")
    return tmp_path / "idx"


def _damage(path, how):
    if how == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif how == "delete":
        path.unlink()
    elif how == "shuffle":  # same bytes in another order: same size, and the mtime put back
        st = path.stat()
        data = bytearray(path.read_bytes())
        if len(data) < 2:
            data = bytearray(b"\x00\x01")
        rng = np.random.default_rng(0)
        blocks = [data[i:i + 64] for i in range(0, len(data), 64)]
        order = rng.permutation(len(blocks))
        if len(blocks) == 1 or (order == np.arange(len(blocks))).all():
            blocks = [bytes(reversed(b)) for b in blocks]
        path.write_bytes(b"".join(blocks[i] for i in order) if len(blocks) > 1 else blocks[0])
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _files(built):
    return sorted(built[1]["files"])


@pytest.mark.parametrize("how", ["truncate", "delete", "shuffle"])
def test_generations_every_damaged_file_is_detected(root, built, how):
    key = built[1]["key"]
    for name in _files(built) + ["manifest.json"]:
        gdir = root / GENS / key
        backup = {p: p.read_bytes() for p in gdir.rglob("*") if p.is_file()}
        _damage(gdir / name, how)
        with pytest.raises(IndexDamaged) as e:
            load_parts(root)
        assert "\n" not in str(e.value) and str(gdir) in str(e.value)
        for p, data in backup.items():  # mend it for the next file
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        load_parts(root)


def test_generations_shuffled_passages_rows_are_detected_and_rebuilt(root, built, docs, tiny):
    gdir = root / GENS / built[1]["key"]
    df = pd.read_parquet(gdir / "passages.parquet")
    df.sample(frac=1.0, random_state=1).reset_index(drop=True).to_parquet(gdir / "passages.parquet", index=False)
    with pytest.raises(IndexDamaged, match="passages.parquet"):
        Searcher(root, tiny)
    msgs = []
    s = build_or_load_index(docs, root, tiny, log=msgs.append)
    assert any("rebuilding" in m and "passages.parquet" in m for m in msgs)
    fresh = pd.read_parquet(s.index_dir / "passages.parquet")
    assert fresh.equals(pd.read_parquet(built[0] / GENS / built[1]["key"] / "passages.parquet"))


def test_generations_hashes_once_then_sizes_unless_verify(root, built, monkeypatch):
    gdir = root / GENS / built[1]["key"]
    check_generation(gdir)  # a copied folder: new inodes, so hashed once and remembered
    calls = []
    import rapport.index.generations as g

    real = g.sha256_file
    monkeypatch.setattr(g, "sha256_file", lambda p: calls.append(p) or real(p))
    check_generation(gdir)
    assert calls == []
    check_generation(gdir, verify=True)
    assert len(calls) == len(built[1]["files"])
    # a forged marker does not fool --verify
    data = (gdir / "embeddings.npy").read_bytes()
    (gdir / "embeddings.npy").write_bytes(data[:-4] + b"\x00\x00\x80\x7f")
    sig = json.loads((gdir / ".verified").read_text())
    st = (gdir / "embeddings.npy").stat()
    sig["embeddings.npy"] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    (gdir / ".verified").write_text(json.dumps(sig))
    check_generation(gdir)
    with pytest.raises(IndexDamaged, match="embeddings.npy"):
        check_generation(gdir, verify=True)


def test_generations_bad_pointer_is_one_line_error(root):
    (root / CURRENT).write_text("../../etc\n")
    with pytest.raises(IndexDamaged, match=CURRENT):
        load_parts(root)
    (root / CURRENT).write_text(f"{GENS}/0000\n")
    with pytest.raises(IndexStoreError, match="0000"):
        load_parts(root)


def test_generations_reader_sees_whole_generations_while_writers_swap(tmp_path, docs, tiny):
    """Two writers alternate report sets into one folder; a reader never loads parts of two."""
    root = tmp_path / "idx"
    sets = [docs, docs[:1], docs[1:]]
    build_index(sets[0], root, tiny)
    stop, seen, errors = threading.Event(), [], []

    def writer(offset):
        for i in range(6):
            build_index(sets[(i + offset) % 3], root, tiny)

    def reader():
        while not stop.is_set():
            try:
                m, df, _, views = load_parts(root)
                assert set(df["doc"]) == set(m["documents"]) and all(v.n == len(df) for v in views.values())
                seen.append(m["key"])
            except Exception as e:  # noqa: BLE001 - collected and asserted below
                errors.append(repr(e))

    threads = [threading.Thread(target=writer, args=(o,)) for o in (0, 1)]
    r = threading.Thread(target=reader)
    r.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    r.join()
    assert errors == [] and len(seen) > 0
    keys = {p.name for p in (root / GENS).iterdir()}
    assert read_current(root) in keys and len(keys) == 3
    for k in keys:
        check_generation(root / GENS / k, verify=True)


def test_generations_lock_waits_for_a_live_writer_and_ignores_a_dead_ones_file(tmp_path):
    root = tmp_path / "idx"
    (root / LOCKS).mkdir(parents=True)
    (root / LOCKS / "abc.lock").write_text("")  # left on disk by a killed writer: not a held lock
    (root / LOCKS / "abc.owner").write_text("pid 1 (since 00:00:00)\n")
    with key_lock(root, "abc", timeout=1):
        pass
    held, release = threading.Event(), threading.Event()

    def holder():
        with key_lock(root, "abc"):
            held.set()
            release.wait(10)

    t = threading.Thread(target=holder)
    t.start()
    held.wait(10)
    msgs = []
    with pytest.raises(IndexStoreError, match="still being built"):
        with key_lock(root, "abc", timeout=0.2, log=msgs.append):
            pass
    assert "waiting for pid" in msgs[0]
    release.set()
    t.join()


def test_generations_cleanup_removes_dead_temp_folders_and_old_generations(tmp_path, docs, tiny):
    root = tmp_path / "idx"
    m = build_index(docs[:1], root, tiny)
    m2 = build_index(docs[1:], root, tiny)
    dead = root / f".tmp-{m['key']}-999999-1"
    dead.mkdir()
    (dead / "passages.parquet").write_bytes(b"half")
    (root / ".trash-x-1-2").mkdir()
    legacy = root / "0123456789ab"  # the path-keyed index folders of before
    legacy.mkdir()
    (legacy / "manifest.json").write_text('{"schema_version": 1, "documents": {}}')
    (root / "notes").mkdir()  # anything else is left alone
    live = root / ".tmp-live-1-2"
    live.mkdir()
    with key_lock(root, "live"):  # a build in progress keeps its temp folder
        build_index(docs, root, tiny)
    names = {p.name for p in root.iterdir()}
    assert dead.name not in names and ".trash-x-1-2" not in names and live.name in names
    assert legacy.name not in names and "notes" in names
    # old generations: kept while recent, removed past `keep` once older than `grace`
    assert len(list((root / GENS).iterdir())) == 3
    old = time.time() - 3600
    for k in (m["key"], m2["key"]):
        os.utime(root / GENS / k, (old, old))
    os.utime(root / GENS / m["key"], (old - 10, old - 10))
    removed = collect_garbage(root, keep=1, grace=60)
    assert live.name in removed  # its build is over now (nobody holds the lock)
    assert [r for r in removed if r.startswith(GENS)] == [f"{GENS}/{m['key']}"]
    assert sorted(p.name for p in (root / GENS).iterdir()) == sorted([m2["key"], read_current(root)])


def test_generations_kill_between_files_leaves_the_old_generation(tmp_path, docs, tiny, monkeypatch):
    root = tmp_path / "idx"
    m = build_index(docs[:1], root, tiny)

    def die(*a, **k):
        raise KeyboardInterrupt  # stands for a signal arriving mid-write

    monkeypatch.setattr("rapport.index.bm25.BM25Index.save", die)
    with pytest.raises(KeyboardInterrupt):
        build_index(docs, root, tiny)
    monkeypatch.undo()
    assert load_parts(root)[0] == m and read_current(root) == m["key"]
    assert sorted(p.name for p in (root / GENS).iterdir()) == [m["key"]]
    s = build_or_load_index(docs, root, tiny)
    assert set(s.passages["doc"]) == {"norr.txt", "vast.txt"}
    assert generation_dir(root, s.manifest) == s.index_dir
