"""The composition root: the JSON API (OpenAPI at /docs) and the HTML pages, mounted in one place.

`api/` and `web/` never import each other; both stand on the pillars and on `kuaiban.deps`.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from kuaiban import __version__
from kuaiban.api import library, services
from kuaiban.api import messages as messages_api
from kuaiban.api import unemployment as unemployment_api
from kuaiban.db import connect
from kuaiban.web import (
    calculators,
    login,
    messages,
    pages,
    service_pages,
    signup,
    statistics,
    unemployment_pages,
    workbench,
)


def create_app(db_url: str | None = None) -> FastAPI:
    app = FastAPI(
        title="快办 kuaiban",
        version=__version__,
        description="人社法规库、政策计算、快办服务与失业登记的开放接口。",
    )
    app.state.engine = connect(db_url)
    app.include_router(library.router)
    app.include_router(services.router)
    app.include_router(unemployment_api.router)
    app.include_router(messages_api.router)
    for page_group in (pages, login, signup, calculators, statistics, service_pages, workbench, unemployment_pages,
                       messages):
        app.include_router(page_group.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")

    @app.get("/api/health", tags=["运行状态"], summary="服务与数据库是否可用")
    def health() -> dict:
        # one round trip to the database and nothing else: also the load benchmark's baseline
        with app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__}

    return app
