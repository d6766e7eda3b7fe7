"""End to end in headless Chromium (Debian's `chromium`, driven by Playwright): the views a researcher uses.

Types a query, sets a facet, opens compare, the risk browser (clicks a bar), the goal dashboard and a
table (clicks a cited cell), checks the URL keeps each view's state, and saves a screenshot of each
(to $RAPPORT_SCREENSHOTS when set, else the test's temporary folder).
"""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("RAPPORT_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.skipif(not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)),
                       reason=f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"),
    pytest.mark.slow,
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(sample_app_corpus):
    import uvicorn

    from rapport.app.web.app import create_app

    sample_app_corpus.searcher  # built before the browser's first request
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(sample_app_corpus, warm=False), host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(server):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        except Exception as e:  # noqa: BLE001 - a browser that cannot start is a skip, with the reason
            pytest.skip(f"Chromium at {CHROMIUM} does not start: {e}")
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        pg.set_default_timeout(60_000)  # a busy 2-core machine
        errors = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.errors = errors
        yield pg
        browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    d = Path(os.environ.get("RAPPORT_SCREENSHOTS") or tmp_path_factory.mktemp("screens"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def _settle(page) -> None:
    """Wait until the page's fetches are done (a view re-renders after each URL change)."""
    page.wait_for_load_state("networkidle")


def test_web_e2e_researcher_session(server, page, shots):
    page.goto(server + "/")
    page.fill("#q", "sjukfrånvaro bland personalen")
    page.press("#q", "Enter")
    page.wait_for_selector("#hits .hit")
    assert "träffar" in page.inner_text("#search-status")
    assert page.locator("#hits mark").count() > 0  # query terms highlighted
    # a facet count stays on one line beside a long report name (its digits once wrapped: "2" over "6")
    counts = page.eval_on_selector_all("#facets a .n", "els => els.map(e => { const r = document.createRange();"
                                       " r.selectNodeContents(e); return [e.textContent, r.getClientRects().length]; })")
    assert counts and all(lines == 1 for _, lines in counts), counts  # [count, line boxes its digits take]
    page.screenshot(path=str(shots / "1-search.png"), full_page=True)

    page.click("#facets a[data-facet=region][data-value=Västerbotten]")
    page.wait_for_function("location.search.includes('region=V')")
    _settle(page)
    page.wait_for_selector("#hits .hit")
    metas = page.locator("#hits .hit .meta").all_inner_texts()
    assert metas and all("Västerbotten" in m for m in metas)
    page.screenshot(path=str(shots / "2-search-facet.png"), full_page=True)

    page.click("#hits .hit button.ctx")
    page.wait_for_selector("#context-out mark#here")
    assert "view=context" in page.url
    page.screenshot(path=str(shots / "3-context.png"), full_page=True)

    page.click("#nav a[data-view=compare]")
    page.fill("#f-compare input[name=q]", "ekonomi i balans")
    page.select_option("#f-compare select[name=by]", "period")
    page.click("#f-compare button")
    _settle(page)
    page.wait_for_selector("#compare-out .group")
    assert page.locator("#compare-out .group").count() >= 3 and "by=period" in page.url
    page.screenshot(path=str(shots / "4-compare.png"), full_page=True)

    page.click("#nav a[data-view=risks]")
    _settle(page)
    page.wait_for_selector("#risk-bars rect.bar")
    page.locator("#risk-bars rect.bar").first.click()
    page.wait_for_function("location.search.includes('doc=')")
    _settle(page)
    page.wait_for_selector("#risk-items .hit")
    chosen = page.locator("#risk-bars rect.bar.on").get_attribute("data-doc")
    assert all(chosen in m for m in page.locator("#risk-items .hit .meta:last-child").all_inner_texts())
    page.screenshot(path=str(shots / "5-risks.png"), full_page=True)

    page.click("#nav a[data-view=goals]")
    _settle(page)
    page.wait_for_selector("#goal-grid table")
    assert page.locator("#goal-grid td.s-achieved, #goal-grid td.s-not_achieved, #goal-grid td.s-partially").count()
    page.screenshot(path=str(shots / "6-goals.png"), full_page=True)

    page.click("#nav a[data-view=tables]")
    page.select_option("#f-tables select[name=doc]", "norrbotten_delarsrapport_2022-08.txt")
    page.wait_for_function("location.search.includes('doc=norrbotten_delarsrapport')")
    _settle(page)
    # the report's own list, not the list of every report that the tables view showed first
    page.wait_for_function("(() => { const vs = [...document.querySelectorAll('#f-tables select[name=table] option')]"
                           ".map(o => o.value).filter(v => v); return vs.length > 0 && "
                           "vs.every(v => v.startsWith('norrbotten_delarsrapport')); })()")
    options = page.eval_on_selector_all("#f-tables select[name=table] option",
                                        "os => os.map(o => [o.value, o.textContent])")
    cited = [v for v, text in options if v and "citat" in text]
    page.select_option("#f-tables select[name=table]", cited[0] if cited else options[1][0])
    page.wait_for_selector("#table-grid table")
    assert "norrbotten_delarsrapport_2022-08.txt" in page.inner_text("#tables-status")
    if cited:
        page.locator("#table-grid td.cited").first.click()
        assert page.locator("#table-links .hit.lit").count() >= 1
    page.screenshot(path=str(shots / "7-table.png"), full_page=True)

    page.go_back()  # the URL holds each view's state: back is the previous view
    page.wait_for_function("location.search.includes('view=tables')")
    assert not page.errors, page.errors
    assert page.locator("#fel").is_hidden()


def test_web_e2e_error_is_shown(server, page):
    page.goto(server + "/?view=search&q=ekonomi&region=Atlantis")
    page.wait_for_selector("#fel:not([hidden])")
    assert "Atlantis" in page.inner_text("#fel")
