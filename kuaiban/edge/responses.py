"""One way to answer with an error from the edge: Chinese JSON for API clients, a Chinese page for browsers."""

from __future__ import annotations

import json
from types import SimpleNamespace
from urllib.parse import urlsplit

from starlette.types import Scope, Send

from kuaiban.web.templating import templates

JSON_PREFIXES = ("/api/", "/openapi.json")


def wants_json(scope: Scope) -> bool:
    """API paths always get JSON; elsewhere a page a person reads, unless the client asks for JSON only
    (the calculator page's status polling)."""
    path = scope.get("path", "")
    if path == "/api" or path.startswith(JSON_PREFIXES):
        return True
    accept = dict(scope.get("headers") or []).get(b"accept", b"").decode("latin-1")
    return "application/json" in accept and "text/html" not in accept


def back_link(scope: Scope) -> str | None:
    """The page the visitor came from, if it is on this site (never an outside address)."""
    referer = dict(scope.get("headers") or []).get(b"referer", b"").decode("latin-1")
    parts = urlsplit(referer)
    host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
    if not referer or parts.netloc != host or not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def error_page(scope: Scope, title: str, message: str) -> str:
    """The HTML of the error page (``templates/error.html``): what happened and links to go on from here.
    Rendered without the database: the header then offers 登录 rather than the signed-in name."""
    request = SimpleNamespace(url=SimpleNamespace(path=scope.get("path", "/")))
    return templates.get_template("error.html").render(title=title, message=message, back=back_link(scope),
                                                       user=None, csrf="", request=request)


async def send_error(scope: Scope, send: Send, status: int, title: str, message: str,
                     field: str | None = None, close: bool = False) -> None:
    """Send a whole error response from an ASGI middleware (the app is not involved). ``close`` ends the
    connection after it: for a refused body that was never read, whose rest must not be taken for the
    next request."""
    if wants_json(scope):
        body = json.dumps({"detail": message, "field": field}, ensure_ascii=False).encode()
        ctype = b"application/json"
    else:
        body = error_page(scope, title, message).encode()
        ctype = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode()),
                            *([(b"connection", b"close")] if close else [])]})
    await send({"type": "http.response.body", "body": body})
