"""The service's edge: what every request passes before any handler runs, and what every response carries.

- ``limits``: request-body size limits, enforced while the body streams in (413 before any parsing).
- ``text_guard``: text the database cannot store (NUL) or that is absurdly long, refused with 422 naming the field.
- ``headers``: security headers (CSP, frame-ancestors, nosniff, Referrer-Policy, HSTS over https).
- ``errors``: Chinese error pages for browsers and Chinese JSON errors for ``/api``; no tracebacks.
- ``apidocs``: ``/docs`` with Swagger UI served from this app (no CDN on closed government networks).
- ``openapi``: the OpenAPI document describes the error bodies and status codes the API really returns.

``kuaiban.app`` installs them all (:func:`install`).
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp

from kuaiban.edge import apidocs, errors, openapi
from kuaiban.edge.headers import SecurityHeaders
from kuaiban.edge.limits import BodyLimit
from kuaiban.edge.text_guard import TextGuard


class EdgeApp(FastAPI):
    """FastAPI with the security headers outside even its ServerErrorMiddleware, so a 500 carries them."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


def install(app: FastAPI) -> None:
    """Error handlers, /docs, the truthful OpenAPI document, and the body limits (outermost of the user middleware) around the text guard."""
    errors.install(app)
    apidocs.install(app)
    openapi.install(app)
    app.add_middleware(TextGuard)
    app.add_middleware(BodyLimit)  # added last: runs first
