"""The composition root: the JSON API (OpenAPI at /docs) and the HTML pages, mounted in one place.

`api/` and `web/` never import each other; both stand on the pillars and on `kuaiban.deps`. Errors are
answered in one place each: the core's ``ServiceError`` as Chinese JSON under /api
(:mod:`kuaiban.api.errors`) and as a Chinese message page elsewhere (:mod:`kuaiban.web.page_support`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kuaiban import (
    __version__,
    claim_ratings,  # noqa: F401 (wires the 好差评 of a benefit claim: programs → services' ratings)
    config,
    cross_refs,
    handoffs,  # noqa: F401 (wires 快办 item 2.4.1 to the 失业登记 pillar)
)
from kuaiban.api import admin as admin_api
from kuaiban.api import calc, library, regions, services
from kuaiban.api import errors as api_errors
from kuaiban.api import loans as loans_api
from kuaiban.api import messages as messages_api
from kuaiban.api import password_reset as password_reset_api
from kuaiban.api import programs as programs_api
from kuaiban.api import transfer_exchange as transfer_exchange_api
from kuaiban.api import unemployment as unemployment_api
from kuaiban.api import unemployment_transfer as transfer_api
from kuaiban.db import connect
from kuaiban.edge import EdgeApp
from kuaiban.edge import install as install_edge
from kuaiban.library import search
from kuaiban.platform import jobs
from kuaiban.platform.errors import ServiceError
from kuaiban.platform.transactions import busy_refusal
from kuaiban.web import (
    account,
    admin,
    calculators,
    catalogue_pages,
    guide_pages,
    listing_pages,
    loan_pages,
    login,
    messages,
    navigation,  # noqa: F401 (registers the nav of every page)
    page_support,
    pages,
    password_reset,
    program_pages,
    progress_pages,
    service_pages,
    signup,
    statistics,
    transfer_pages,
    unemployment_pages,
    workbench,
)


def _service_error(request: Request, exc: ServiceError) -> Response:
    if request.url.path.startswith("/api/"):
        return api_errors.service_error(request, exc)
    return page_support.service_error(request, exc)


def _database_error(request: Request, exc: DBAPIError) -> Response:
    """Contention that reached the request unretried — SQLite's “database is locked” after its busy timeout, a
    PostgreSQL deadlock, serialization failure or lock timeout in a path that does not retry — is the Chinese
    refusal of kuaiban.platform.transactions (503, Retry-After), never a 500 (s20); the request's transaction
    has rolled back. Any other database error goes on to the 500 handler (and the server log)."""
    busy = busy_refusal(exc)
    if busy is None:
        raise exc
    logging.getLogger("kuaiban.errors").warning("%s %s: contention (%s), refused with 503", request.method,
                                                request.url.path, type(exc.orig).__name__)
    return _service_error(request, busy)


def install_error_handlers(app: FastAPI) -> None:
    """The app-level exception handlers (also for apps the tests assemble from a few routers)."""
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(DBAPIError, _database_error)  # DataError keeps its own (kuaiban.edge: 422)
    app.add_exception_handler(RequestValidationError, api_errors.validation_error)
    app.add_exception_handler(page_support.PageError, page_support.page_error)


@asynccontextmanager
async def _job_worker(app: FastAPI) -> AsyncIterator[None]:
    """Every node works the job queue (batch calculations …) unless KUAIBAN_JOB_WORKER=0, for a deployment
    that runs ``kuaiban jobs worker`` processes of its own (docs/DEPLOY.md)."""
    runner = None
    if os.environ.get("KUAIBAN_JOB_WORKER", "1") != "0":
        runner = jobs.runner(app.state.engine)
        runner.start_worker()
    yield
    if runner is not None:
        runner.stop_worker()


@asynccontextmanager
async def _search_warm_up(app: FastAPI) -> AsyncIterator[None]:
    """Once the app has started, the library's search index is built in a background thread (the thread is
    ``app.state.search_warm_up``); start-up does not wait for it, and requests are served meanwhile."""
    # the worker processes of this machine (kuaiban serve --workers N) warm up one after another
    turns = Path(os.environ.get("KUAIBAN_VAR") or config.VAR) / "search-warm-up.lock"
    app.state.search_warm_up = search.warm_up(app.state.engine, then=_read_for_a_hit, one_at_a_time=turns)
    yield


def _read_for_a_hit(index: search.SearchIndex) -> None:
    """What the search page and the API read for each hit besides the index: what acts on its document
    (:mod:`kuaiban.cross_refs`, built once a process from the calculators', programs' and services' citations)."""
    if index.docs:
        doc = index.docs[0]
        cross_refs.acting(doc.doc_no, doc.title, None, None, doc.sources)


def create_served_app() -> EdgeApp:
    """The app ``kuaiban serve`` runs in each worker process (scripts/start): :func:`create_app` on the configured
    database, and the search index built in the background after start-up, so that the first search after a
    start does not wait 2–4 s for it (a search arriving meanwhile waits for that same build). The apps the
    tests make with :func:`create_app` build no index until their first search."""
    app = create_app()
    app.include_router(APIRouter(lifespan=_search_warm_up))
    return app


def create_app(db_url: str | None = None) -> EdgeApp:
    app = EdgeApp(
        title="快办 kuaiban",
        version=__version__,
        description="人社法规库、政策计算、快办服务与失业登记的开放接口。",
        docs_url=None,  # served by kuaiban.edge.apidocs from bundled files, not a CDN
        redoc_url=None,
    )
    install_edge(app)  # size limits, text guard, security headers, Chinese errors, offline /docs
    app.state.engine = connect(db_url)

    @app.get("/api/health", tags=["运行状态"], summary="服务与数据库是否可用")
    def health() -> dict:
        # one round trip to the database and nothing else: also the load benchmark's baseline
        with app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__}

    # Route order is matching order: FastAPI tries the routes one by one (about 4 µs each, profiled), so
    # /api/health, declared last, cost ~850 µs of matching against some 200 routes. The health check and
    # the case routes (submissions and progress reads, the busiest) come first; no route of the routers
    # they now precede matches their paths (tests/api/test_route_order.py).
    app.include_router(services.router)
    app.include_router(library.router)
    app.include_router(calc.router)
    app.include_router(transfer_exchange_api.router)
    app.include_router(transfer_api.router)  # before the 失业登记 router: /transfers/mine is not a registration
    app.include_router(unemployment_api.router)
    app.include_router(regions.router)
    app.include_router(admin_api.router)
    app.include_router(messages_api.router)
    app.include_router(password_reset_api.router)
    app.include_router(APIRouter(lifespan=_job_worker))
    app.include_router(programs_api.router)
    app.include_router(loans_api.router)
    install_error_handlers(app)
    for page_group in (pages, login, signup, calculators, statistics, catalogue_pages, guide_pages, progress_pages, service_pages,
                       workbench, transfer_pages, unemployment_pages, admin, messages, listing_pages, program_pages,
                       loan_pages, account, password_reset):
        app.include_router(page_group.router)
    app.include_router(progress_pages.care_router)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")

    return app
