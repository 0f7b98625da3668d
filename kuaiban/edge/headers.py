"""Security headers on every response, error pages and 500s included (the middleware wraps the whole app).

The pages have no inline script, style attribute or event handler (scripts are files under
``/static``), so the policy allows only this site's own files. Swagger UI at ``/docs`` styles its
elements from script, so that one page also allows inline styles (never inline scripts).
HSTS is sent only when the request came over https (directly, or via a proxy uvicorn trusts with
``--proxy-headers``): over plain http a browser ignores it, and a test server on http must not pin it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
HSTS = b"max-age=31536000; includeSubDomains"
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect")

_FIXED = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
]


def headers_for(scope: Scope) -> list[tuple[bytes, bytes]]:
    csp = DOCS_CSP if scope.get("path") in DOCS_PATHS else CSP
    headers = [(b"content-security-policy", csp.encode()), *_FIXED]
    if scope.get("scheme") == "https":
        headers.append((b"strict-transport-security", HSTS))
    return headers


class SecurityHeaders:
    """Adds the headers to each response start; a header the app set itself is left as it is."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = headers_for(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)
