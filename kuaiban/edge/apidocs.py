"""``/docs``: Swagger UI served from this app, with nothing loaded from outside.

Government networks are often closed, and a page pulling JavaScript from a CDN is a supply-chain
dependency too. The Swagger UI files (JS, CSS, icon) come from the pinned PyPI package
``fastapi-offline``, which ships them inside its wheel; they are served under ``/docs-assets``. The
start-up code is a static file as well (``web/static/swagger-init.js``), so the page satisfies a
Content-Security-Policy without inline scripts. ReDoc (``/redoc``) is switched off: it too came from a CDN.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"

PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · 接口文档</title>
<link rel="icon" type="image/png" href="/docs-assets/favicon.png">
<link rel="stylesheet" href="/docs-assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="/docs-assets/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    """Mount the assets and the page; the app must be created with ``docs_url=None, redoc_url=None``."""
    app.mount("/docs-assets", StaticFiles(directory=ASSETS), name="docs-assets")
    page = PAGE.format(title=app.title, openapi_url=app.openapi_url)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)
