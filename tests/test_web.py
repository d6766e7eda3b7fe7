"""The web app's JSON endpoints through FastAPI's TestClient, on the sample corpus with the tiny model."""
from __future__ import annotations

import concurrent.futures as cf

import pytest
from fastapi.testclient import TestClient

from rapport.app.corpus import Corpus
from rapport.app.web.app import allowed_hosts, create_app
from tests.conftest import SAMPLE


@pytest.fixture(scope="module")
def client(sample_app_corpus):
    return TestClient(create_app(sample_app_corpus, trusted_hosts=["testserver"], warm=False))


def test_web_page_and_assets_are_local(client):
    page = client.get("/")
    assert page.status_code == 200 and "/static/app.js" in page.text
    assert "http://" not in page.text and "https://" not in page.text
    for asset in ("/static/app.js", "/static/app.css"):
        res = client.get(asset)
        assert res.status_code == 200 and "https://" not in res.text


def test_web_docs_served_without_cdn(client):
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower() and "/static/swagger/swagger-ui-bundle.js" in docs.text
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert "/api/search" in client.get("/openapi.json").json()["paths"]


def test_web_meta_lists_regions_from_the_corpus(client):
    meta = client.get("/api/meta").json()
    assert meta["regions"] == ["Norrbotten", "Västerbotten"] and len(meta["documents"]) == 5


def test_web_search_with_filters_facets_highlights_and_paging(client):
    res = client.get("/api/search", params={"q": "sjukfrånvaro", "k": 3, "region": "Norrbotten"}).json()
    assert res["results"] and {r["region"] for r in res["results"]} == {"Norrbotten"}
    assert res["total"] >= len(res["results"])
    regions = {f["value"]: f["count"] for f in res["facets"]["region"]}
    assert set(regions) == {"Norrbotten", "Västerbotten"}  # the chosen facet still shows the others
    for r in res["results"]:
        for a, b in r["highlights"]:
            assert r["text"][a:b].lower().startswith("sjukfr")
    page2 = client.get("/api/search", params={"q": "sjukfrånvaro", "k": 3, "offset": 3}).json()
    page1 = client.get("/api/search", params={"q": "sjukfrånvaro", "k": 3}).json()
    assert {(r["doc"], r["start"]) for r in page1["results"]}.isdisjoint(
        {(r["doc"], r["start"]) for r in page2["results"]})


def test_web_search_period_and_section_filters_apply(client):
    res = client.get("/api/search", params={"q": "ekonomi", "k": 20, "period_from": "2023"}).json()
    assert res["results"] and {r["period"] for r in res["results"]} == {"2023"}
    res = client.get("/api/search", params={"q": "ekonomi", "k": 20, "section": "personal"}).json()
    assert all("personal" in (r["section"] or "").lower() for r in res["results"])


def test_web_compare_by_period_side_by_side(client):
    res = client.get("/api/compare", params={"q": "ekonomi i balans", "by": "period", "k": 2}).json()
    assert {g["group"] for g in res["groups"]} == {"2022", "2022-08", "2022-10", "2023"}
    assert all(len(g["passages"]) <= 2 for g in res["groups"])


def test_web_risks_goals_tables_views(client):
    risks = client.get("/api/risks", params={"category": "staffing"}).json()
    assert risks["items"] and {r["category"] for r in risks["items"]} == {"staffing"}
    assert {"doc", "category", "statements"} <= set(risks["per_report"][0])
    goals = client.get("/api/goals").json()
    keys = [(c["goal"].casefold(), c["region"], c["period"], c["horizon"]) for c in goals["cells"]]
    assert len(keys) == len(set(keys))  # one status per goal × region × period × horizon
    tables = client.get("/api/tables").json()["tables"]
    cited = next(t for t in tables if t["links"])
    grid = client.get("/api/table", params={"id": cited["table"]}).json()
    cells = {(r["label"], col) for r in grid["rows"] for col, v in zip(grid["columns"], r["values"]) if v is not None}
    assert grid["links"] and all((lk["row"], lk["column"]) in cells for lk in grid["links"])


@pytest.mark.parametrize("path,fmt,ctype", [("/api/search?q=ekonomi", "csv", "text/csv"),
                                            ("/api/compare?q=ekonomi", "xlsx", "spreadsheetml"),
                                            ("/api/risks", "csv", "text/csv"), ("/api/goals", "xlsx", "spreadsheetml"),
                                            ("/api/tables", "csv", "text/csv")])
def test_web_downloads(client, path, fmt, ctype):
    res = client.get(path + ("&" if "?" in path else "?") + f"format={fmt}")
    assert res.status_code == 200 and ctype in res.headers["content-type"] and len(res.content) > 50
    assert "attachment" in res.headers["content-disposition"]


@pytest.mark.parametrize("what", ["goals.png", "risks.svg"])
def test_web_plots(client, what):
    res = client.get(f"/api/plot/{what}")
    assert res.status_code == 200 and res.headers["content-type"].startswith("image/")


BAD = [
    ("/api/search", {"q": ""}, 422), ("/api/search", {}, 422), ("/api/search", {"q": "x" * 10_000}, 422),
    ("/api/search", {"q": "ekonomi", "k": "0"}, 422), ("/api/search", {"q": "ekonomi", "k": "abc"}, 422),
    ("/api/search", {"q": "ekonomi", "k": "1e9"}, 422), ("/api/search", {"q": "ekonomi", "region": "Skåne"}, 400),
    ("/api/search", {"q": "ekonomi", "regoin": "Norrbotten"}, 400),
    ("/api/search", {"q": "ekonomi", "period_from": "igår"}, 400),
    ("/api/search", {"q": "ekonomi", "doc": "../../etc/passwd"}, 400),
    ("/api/compare", {"q": "ekonomi", "by": "colour"}, 422), ("/api/compare", {"q": "ekonomi", "k": "-1"}, 422),
    ("/api/context", {"doc": "saknas.txt", "start": 0, "end": 5}, 400),
    ("/api/context", {"doc": "norrbotten_arsredovisning_2022.txt", "start": 9, "end": 2}, 400),
    ("/api/context", {"doc": "norrbotten_arsredovisning_2022.txt", "start": 0, "end": 10 ** 9}, 400),
    ("/api/facts/nonsense", {}, 404), ("/api/risks", {"category": "weather"}, 400),
    ("/api/goals", {"horizon": "tomorrow"}, 422), ("/api/table", {"id": "nope"}, 404),
    ("/api/plot/pie.png", {}, 404), ("/api/plot/row.png", {}, 400),
    ("/api/search", {"q": "ekonomi", "format": "pdf"}, 422), ("/nope", {}, 404),
]


@pytest.mark.parametrize("path,params,status", BAD)
def test_web_bad_input_is_a_json_4xx(client, path, params, status):
    res = client.get(path, params=params)
    assert res.status_code == status, res.text
    body = res.json()
    assert isinstance(body["error"], str) and "\n" not in body["error"]


@pytest.mark.parametrize("q", ["%%%###", "\x00\x01", "'; DROP TABLE rapport; --", "<script>alert(1)</script>",
                               "ääääääääää", "🙂🙂🙂", "a"])
def test_web_junk_queries_answer(client, q):
    res = client.get("/api/search", params={"q": q, "k": 3})
    body = res.json()
    assert (res.status_code == 200 and "results" in body) or (res.status_code == 422 and "error" in body)


def test_web_keeps_serving_after_bad_input(client):
    for path, params, _ in BAD:
        client.get(path, params=params)
    assert client.get("/api/search", params={"q": "ekonomi", "k": 2}).status_code == 200


def test_web_unknown_host_refused(client):
    assert client.get("/api/meta", headers={"host": "evil.example"}).status_code == 400
    assert client.get("/api/meta", headers={"host": "localhost:8000"}).status_code == 200


def test_web_allowed_hosts_bind_address_and_localhost():
    assert allowed_hosts("10.1.2.3", ["rapport.lan"])[:2] == ["10.1.2.3", "localhost"]
    assert "rapport.lan" in allowed_hosts("10.1.2.3", ["rapport.lan"])
    assert "evil.example" not in allowed_hosts("0.0.0.0")


def test_web_concurrent_first_requests_all_succeed(app_home, sample_app_corpus):
    fresh = Corpus([SAMPLE], model=sample_app_corpus._model, index_dir=sample_app_corpus._index_dir)
    client = TestClient(create_app(fresh, trusted_hosts=["testserver"], warm=False))
    paths = ["/api/search?q=ekonomi", "/api/compare?q=personal", "/api/risks", "/api/goals", "/api/meta",
             "/api/tables", "/api/search?q=sjukfrånvaro&region=Norrbotten", "/api/facts/links"]
    with cf.ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda p: client.get(p).status_code, paths))
    assert codes == [200] * 8
