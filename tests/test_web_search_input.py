"""Search and compare over the web on odd input: always JSON, a 4xx for what cannot be searched,
strict JSON (null, never NaN), and the no-good-match verdict in every result set."""
from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from rapport.app.web.app import create_app


@pytest.fixture(scope="module")
def client(sample_app_corpus):
    return TestClient(create_app(sample_app_corpus, trusted_hosts=["testserver"], warm=False),
                      raise_server_exceptions=False)


def _strict(res) -> dict:
    return json.loads(res.text, parse_constant=lambda c: pytest.fail(f"bare {c} in JSON"))


@pytest.mark.parametrize("q", ["sjukfrånvaro" * 83, "x" * 1000, "ö" * 999, "k" * 500 + " ekonomi"])
def test_web_search_longest_single_token_is_answered(client, q):
    res = client.get("/api/search", params={"q": q, "k": 3})
    assert res.status_code == 200, res.text
    body = _strict(res)
    assert isinstance(body["no_good_match"], bool) and "match" in body


@pytest.mark.parametrize("path", ["/api/search", "/api/compare"])
@pytest.mark.parametrize("q", ["\x00\x01\x02", "\u200b\u200b", "\x1b\x7f"])
def test_web_nothing_to_search_is_a_422_like_an_empty_q(client, path, q):
    res = client.get(path, params={"q": q})
    assert res.status_code == 422, res.text
    assert "empty" in res.json()["error"] and "\n" not in res.json()["error"]


def test_web_control_characters_inside_a_query_are_answered(client):
    res = client.get("/api/search", params={"q": "sjuk\x00frånvaro\x07 personal", "k": 2})
    assert res.status_code == 200 and _strict(res)["results"]


@pytest.mark.parametrize("params", [{"region": "Norrbotten"}, {"period_from": "2022"},
                                    {"by": "period", "region": "Västerbotten"}, {"by": "doc", "kind": "delårsrapport"}])
def test_web_compare_with_filters_answers(client, params):
    res = client.get("/api/compare", params={"q": "ekonomi", "k": 2, **params})
    assert res.status_code == 200, res.text
    body = _strict(res)
    assert body["groups"] and isinstance(body["no_good_match"], bool) and "match" in body


def test_web_search_and_compare_downloads_still_work(client):
    for path in ("/api/search", "/api/compare"):
        res = client.get(path, params={"q": "ekonomi", "format": "csv"})
        assert res.status_code == 200 and res.headers["content-type"].startswith("text/csv")
