"""The web page and its JSON endpoints, with the searcher replaced by a stub (the index has its own tests)."""
from __future__ import annotations

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from rapport.app import api
from rapport.app.web.app import create_app
from tests.conftest import SAMPLE


class StubSearcher:
    def __init__(self, docs):
        self.docs = docs

    def _hits(self, k, region=None):
        rows = []
        for d in self.docs:
            if region and d.meta.region != region:
                continue
            for s in d.sentences[:k]:
                rows.append({"rank": len(rows) + 1, "score": 1.0 / (len(rows) + 1), "doc": d.name,
                             "region": d.meta.region, "period": d.meta.period, "kind": d.meta.kind,
                             "section": None, "page": s.page, "text": d.text[s.start:s.end],
                             "start": s.start, "end": s.end})
        return pd.DataFrame(rows[:k])

    def search(self, q, k=10, **filters):
        return self._hits(k, filters.get("region"))

    def compare(self, q, by="region", k=5):
        frames = []
        for g in sorted({d.meta.region for d in self.docs}):
            f = self._hits(k * 20, g).head(k * 20)
            f.insert(0, "group", g)
            frames.append(f)
        return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def client():
    docs, _ = api.ingest([SAMPLE])
    app = create_app([SAMPLE])
    original = api.searcher
    api.searcher = lambda paths=None, **kw: StubSearcher(docs)
    try:
        yield TestClient(app)
    finally:
        api.searcher = original


def test_web_page_served(client):
    res = client.get("/")
    assert res.status_code == 200 and "rapport" in res.text and "/api/search" in res.text


def test_web_search_filters_region(client):
    res = client.get("/api/search", params={"q": "sjukfrånvaro", "k": 5, "region": "Norrbotten"}).json()
    assert res["results"] and {r["region"] for r in res["results"]} == {"Norrbotten"}


def test_web_compare_has_both_regions_and_facts(client):
    res = client.get("/api/compare", params={"q": "ekonomi", "k": 3}).json()
    assert set(res["groups"]) == {"Norrbotten", "Västerbotten"}
    assert all(len(g["passages"]) == 3 for g in res["groups"].values())
    assert any(g["risks"] or g["goal_assessments"] for g in res["groups"].values())


def test_web_summary_counts_per_region(client):
    res = client.get("/api/summary").json()
    assert set(res["risks"]) == {"Norrbotten", "Västerbotten"}
    assert sum(sum(v.values()) for v in res["goal_assessments"].values()) > 10


def test_web_unknown_fact_kind_is_404(client):
    assert client.get("/api/facts/nonsense").status_code == 404
