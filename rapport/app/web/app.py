"""The FastAPI app: JSON endpoints over one opened Corpus, the page, its assets and /docs — all local.

* One `Corpus` per server, loaded lazily under its lock: concurrent first
  requests wait for one load instead of racing (and a warm-up thread starts
  it when the server starts).
* `Host` must name the bind address, localhost, or a trusted host given with
  `--trusted-host`: a DNS-rebinding page cannot read a local instance.
* Every error is JSON `{"error": "..."}` with a 4xx status and one line; a
  bug is a 500 with the same shape, never a traceback page.
* `/docs` is Swagger UI from the swagger-ui-bundle package, served from this
  server (no CDN); `/openapi.json` as usual.
"""
from __future__ import annotations

import logging
import socket
import threading
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware

from ..corpus import Corpus, CorpusError

logger = logging.getLogger("rapport.web")
LOCAL_NAMES = ["localhost", "127.0.0.1", "::1", "[::1]"]


def allowed_hosts(host: str, trusted: list[str] | None = None) -> list[str]:
    """Host header values to accept: the bind address, localhost, and the trusted list. Binding to
    all interfaces adds this machine's own names (other names must be trusted explicitly)."""
    names = [host, *LOCAL_NAMES, *(trusted or [])]
    if host in ("0.0.0.0", "::", ""):
        names += [socket.gethostname(), socket.getfqdn()]
    return list(dict.fromkeys(n for n in names if n))


def create_app(corpus: Corpus | list | None = None, *, host: str = "127.0.0.1",
               trusted_hosts: list[str] | None = None, warm: bool = True) -> FastAPI:
    """The web app over `corpus` (a Corpus, or paths for one; default the sample corpus)."""
    c = corpus if isinstance(corpus, Corpus) else Corpus([Path(p) for p in corpus] if corpus else None)
    app = FastAPI(title="rapport", description="Sök och jämför regionrapporter (Swedish region reports)",
                  docs_url=None, redoc_url=None, version=_version())
    app.state.corpus = c
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(host, trusted_hosts))
    _errors(app)
    _static(app)

    from .routes import router

    app.include_router(router)
    if warm:
        threading.Thread(target=_warm, args=(c,), daemon=True, name="rapport-web-warm").start()
    return app


def _version() -> str:
    from rapport import __version__

    return __version__


def _warm(c: Corpus) -> None:
    """Load documents, facts and the searcher before the first request needs them."""
    try:
        c.documents
        c.risks
        c.searcher.embedder.warm()
    except Exception as e:  # noqa: BLE001 - the request that needs it will report the error
        logger.warning("warm-up failed: %s", e)


def _one_line(msg) -> str:
    return " ".join(str(msg).split())


def _errors(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        body = exc.detail if isinstance(exc.detail, dict) else {"error": _one_line(exc.detail)}
        return JSONResponse(body, status_code=exc.status_code)

    @app.exception_handler(404)
    async def not_found(request: Request, exc):
        detail = getattr(exc, "detail", None) or f"no such page: {request.url.path}"
        return JSONResponse({"error": _one_line(detail)}, status_code=404)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        parts = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
            parts.append(f"{where}: {e.get('msg', 'invalid')}" if where else e.get("msg", "invalid"))
        return JSONResponse({"error": _one_line("; ".join(parts) or "invalid request")}, status_code=422)

    @app.exception_handler(CorpusError)
    async def corpus_error(request: Request, exc: CorpusError):
        return JSONResponse({"error": _one_line(exc)}, status_code=400)

    from rapport.index.generations import IndexStoreError

    @app.exception_handler(IndexStoreError)
    async def index_error(request: Request, exc: IndexStoreError):
        # a damaged or locked index the rebuild could not mend: say what, in one line; the server goes on
        return JSONResponse({"error": _one_line(exc)}, status_code=503)

    from ..corpus import query_errors

    for err in query_errors():
        @app.exception_handler(err)
        async def query_error(request: Request, exc: Exception):
            return JSONResponse({"error": _one_line(exc)}, status_code=400)

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception):
        logger.exception("internal error on %s", request.url.path)
        return JSONResponse({"error": f"internt fel ({type(exc).__name__}); servern fortsätter"}, status_code=500)


def _static(app: FastAPI) -> None:
    static = Path(str(resources.files("rapport.app.web").joinpath("static")))
    try:  # mounted before /static, which would otherwise take its paths
        import swagger_ui_bundle

        app.mount("/static/swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")
        have_swagger = True
    except ImportError:
        have_swagger = False
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> str:
        return (static / "index.html").read_text(encoding="utf-8")

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs():
        if have_swagger:
            from fastapi.openapi.docs import get_swagger_ui_html

            return get_swagger_ui_html(openapi_url=app.openapi_url, title="rapport · API",
                                       swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                       swagger_css_url="/static/swagger/swagger-ui.css",
                                       swagger_favicon_url="/static/swagger/favicon-32x32.png")
        return HTMLResponse(_plain_docs(app))


def _plain_docs(app: FastAPI) -> str:
    """Without swagger-ui-bundle: the endpoints and their parameters as a plain local page."""
    import html

    spec = app.openapi()
    items = []
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            params = ", ".join(p["name"] for p in op.get("parameters", []))
            items.append(f"<li><code>{method.upper()} {html.escape(path)}</code> {html.escape(params)} — "
                         f"{html.escape(op.get('summary', ''))}</li>")
    return f"<!doctype html><title>rapport API</title><h1>rapport API</h1><p><a href='/openapi.json'>" \
           f"openapi.json</a></p><ul>{''.join(items)}</ul>"
