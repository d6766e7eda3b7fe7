"""Vector stores: the protocol on faiss and LanceDB, URIs, and a Searcher whose dense views live in LanceDB."""
import numpy as np
import pandas as pd
import pytest

from rapport.index.search import build_or_load_index
from rapport.index.stores import (StoreError, attach_store, available_stores, open_store, parse_store_uri,
                                  passage_ids, sync_store)
from rapport.index.stores.attach import content_tag
from rapport.models.embedder import load_embedder
from tests.fixtures.tiny_model.build import tiny_model_dir
from tests.fixtures.tiny_model.reports import NORR, VAST, make_document

HAVE_LANCE = any(s.name == "lancedb" for s in available_stores())
needs_lance = pytest.mark.skipif(not HAVE_LANCE, reason="lancedb is not installed (pip install lancedb)")
DIM = 16


def _unit(n, seed=0):
    x = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _payload(n):
    return {"doc": [f"d{i % 3}" for i in range(n)], "region": ["Norrbotten" if i % 2 else "Skåne" for i in range(n)],
            "kind": [None] * n, "period": ["2023"] * n, "section": ["Ekonomi"] * n, "source": ["text"] * n}


@pytest.fixture(params=["faiss", pytest.param("lancedb", marks=needs_lance)])
def store(request, tmp_path):
    uri = "faiss:" if request.param == "faiss" else f"lancedb:{tmp_path / 'db'}"
    return open_store(uri, "t_context", DIM)


def test_stores_search_matches_exact_cosine(store):
    x, ids = _unit(60), np.arange(60, dtype=np.int64) * 11 + 5
    store.upsert(ids, x, _payload(60))
    q = _unit(1, seed=1)[0]
    got, scores = store.search(q, 10)
    want = np.argsort(-(x @ q))[:10]
    assert got.tolist() == ids[want].tolist()
    assert np.allclose(scores, (x @ q)[want], atol=1e-5)


def test_stores_filters_restrict_by_payload_and_id(store):
    x, ids = _unit(30), np.arange(30, dtype=np.int64) + 100
    store.upsert(ids, x, _payload(30))
    q = _unit(1, seed=2)[0]
    got, _ = store.search(q, 30, {"doc": ["d1"], "region": ["Norrbotten"]})
    assert len(got) and all((i - 100) % 3 == 1 and (i - 100) % 2 == 1 for i in got)
    got, _ = store.search(q, 30, {"id": [101, 105]})
    assert sorted(got.tolist()) == [101, 105]
    assert len(store.search(q, 5, {"doc": []})[0]) == 0
    with pytest.raises(ValueError, match="unknown store filter"):
        store.search(q, 5, {"colour": ["red"]})


def test_stores_upsert_is_keyed_by_id_and_delete_removes(store):
    x, ids = _unit(20), np.arange(20, dtype=np.int64)
    store.upsert(ids, x, _payload(20))
    store.upsert(ids[:5], -x[:5], _payload(5))  # same ids again: replaced, not duplicated
    assert sorted(store.ids().tolist()) == ids.tolist()
    got, scores = store.search(-x[0], 1)
    assert got.tolist() == [0] and scores[0] == pytest.approx(1.0, abs=1e-5)
    store.delete(np.array([0, 1, 999]))
    assert sorted(store.ids().tolist()) == list(range(2, 20))


def test_stores_tagged_snapshot_hides_later_writes(store):
    x, ids = _unit(10), np.arange(10, dtype=np.int64)
    store.upsert(ids, x, _payload(10))
    store.commit("g1")
    store.upsert(ids + 50, x, _payload(10))  # an update that never got committed
    assert not store.at("g-unknown")
    assert store.at("g1")
    assert set(store.search(x[0], 20)[0].tolist()) == set(ids.tolist())


def test_stores_sync_is_idempotent_and_completes_a_cut_short_write(store, monkeypatch):
    x, ids, pl = _unit(40), np.arange(40, dtype=np.int64) + 7, _payload(40)
    real, calls = store.upsert, []

    def failing(*a, **kw):  # the database goes down after the first batch
        calls.append(1)
        if len(calls) > 1:
            raise StoreError(f"store {store.uri}: cannot write (connection refused)")
        real(*a, **kw)

    monkeypatch.setattr("rapport.index.stores.attach.UPSERT_BATCH", 15)
    monkeypatch.setattr(store, "upsert", failing)
    with pytest.raises(StoreError, match="connection refused"):
        sync_store(store, ids, x, pl, "gA")
    assert not store.at("gA")  # nothing committed: readers keep the old snapshot
    monkeypatch.setattr(store, "upsert", real)
    first = sync_store(store, ids, x, pl, "gA")
    assert first["upserted"] == 25 and store.at("gA")  # only what the failed run did not write
    assert sorted(store.ids().tolist()) == ids.tolist()
    assert sync_store(store, ids, x, pl, "gA")["reused"]
    smaller = sync_store(store, ids[:30], x[:30], {k: v[:30] for k, v in pl.items()}, "gB")
    assert smaller == {"upserted": 0, "deleted": 10, "reused": False}


def test_stores_uri_parsing_and_listing():
    assert str(parse_store_uri(None)) == "faiss:"
    assert parse_store_uri("faiss:/tmp/x").location == "/tmp/x"
    assert available_stores()[0].name == "faiss"
    for bad, msg in [("redis:localhost", "unknown scheme"), ("/tmp/folder", "unknown scheme")]:
        with pytest.raises(ValueError, match=msg):
            parse_store_uri(bad)
    if HAVE_LANCE:
        assert parse_store_uri("lancedb:s3://b/p").location == "s3://b/p"
        with pytest.raises(ValueError, match="give a location"):
            parse_store_uri("lancedb:")


def test_stores_passage_ids_are_content_keys():
    df = pd.DataFrame({"doc": ["a", "a", "b"], "start": [0, 10, 0], "end": [5, 20, 5], "source": ["text"] * 3,
                       "search_text": ["x", "y", "x"], "text": ["x", "y", "x"]})
    ids = passage_ids(df)
    assert (ids > 0).all() and len(set(ids.tolist())) == 3
    assert passage_ids(df.iloc[::-1]).tolist() == ids[::-1].tolist()
    df2 = df.assign(search_text=["x", "changed", "x"])
    assert passage_ids(df2).tolist()[1] != ids[1] and passage_ids(df2).tolist()[0] == ids[0]


# ---------------------------------------------------------------- a Searcher on LanceDB
DOCS = [make_document("norr.txt", NORR),
        make_document("vast.txt", VAST, region="Västerbotten", kind="årsredovisning", period="2023")]


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    if not HAVE_LANCE:
        pytest.skip("lancedb is not installed (pip install lancedb)")
    root = tmp_path_factory.mktemp("idx")
    emb = load_embedder(tiny_model_dir())
    plain = build_or_load_index(DOCS, root / "index", emb)
    db = build_or_load_index(DOCS, root / "index", emb)
    attach_store(db, f"lancedb:{root / 'lance'}", name="tiny")
    return plain, db, root


@pytest.mark.parametrize("query, kw", [
    ("sjukfrånvaro", {}), ("ekonomi resultat", {"region": "Västerbotten"}), ("kostnader", {"section": "hyrpersonal"}),
    ("ekonomi", {"period_from": "2023"}), ("sjukfrånvaro Norrbotten jämfört med Västerbotten", {}),
])
def test_stores_searcher_on_lancedb_agrees_with_faiss(pair, query, kw):
    plain, db, _ = pair
    for mode in ("dense", "hybrid"):
        a, b = plain.search(query, k=10, mode=mode, **kw), db.search(query, k=10, mode=mode, **kw)
        assert len(a) and a[["doc", "start", "end"]].values.tolist() == b[["doc", "start", "end"]].values.tolist()
    assert db.views["context"].kind == "LanceStore"


def test_stores_searcher_compare_on_lancedb(pair):
    plain, db, _ = pair
    a, b = plain.compare("ekonomi", by="doc", k=2), db.compare("ekonomi", by="doc", k=2)
    assert a[["group", "doc", "start"]].values.tolist() == b[["group", "doc", "start"]].values.tolist()


def test_stores_reopening_reuses_the_tagged_generation(pair):
    plain, _, root = pair
    again = build_or_load_index(DOCS, root / "index", plain.embedder)
    said = []
    attach_store(again, f"lancedb:{root / 'lance'}", name="tiny", say=said.append)
    assert said == []  # nothing written: the generation's tag was found
    fp = again.manifest["model"]["fingerprint"]
    assert content_tag(passage_ids(again.passages), fp, "context").startswith("g")


def test_stores_lancedb_down_is_one_line_naming_it(tmp_path):
    if not HAVE_LANCE:
        pytest.skip("lancedb is not installed (pip install lancedb)")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError) as e:
        s = open_store(f"lancedb:{blocker / 'db'}", "t_context", DIM)
        s.upsert(np.arange(3), _unit(3), _payload(3))
    msg = str(e.value)
    assert msg.startswith(f"store lancedb:{blocker / 'db'}:") and "\n" not in msg
