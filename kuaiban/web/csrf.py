"""CSRF tokens for every form the pages post, before and after signing in.

- **Signed in.** The token is the SHA-256 of the session's own (HttpOnly, unreadable to scripts) auth
  token under a fixed label. A page on another site can make the browser send the cookie but cannot
  know the token, so a forged POST fails. No server secret is needed; every worker computes the same.
- **Not yet signed in** (/login, /register): there is no session to bind to, so the first page rendered
  without one sets a random pre-session cookie (:data:`COOKIE`, HttpOnly, SameSite=Lax) and its forms
  carry the SHA-256 of that value under another label (double submit). Another site can neither read
  nor set that cookie, so it cannot sign a victim into the attacker's account (login CSRF).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

from kuaiban.web.session import COOKIE as AUTH_COOKIE

COOKIE = "kuaiban_csrf"
_SESSION_LABEL = b"kuaiban-csrf-v1\n"
_PRESESSION_LABEL = b"kuaiban-csrf-presession-v1\n"


def _digest(label: bytes, raw: str) -> str:
    return hashlib.sha256(label + raw.encode()).hexdigest()


def token(request: Request) -> str:
    """The token the forms of this page carry: bound to the session if there is one, else to the
    pre-session cookie, which is made here when missing (:func:`remember` sets it on the response)."""
    auth = request.cookies.get(AUTH_COOKIE)
    if auth:
        return _digest(_SESSION_LABEL, auth)
    raw = request.cookies.get(COOKIE) or getattr(request.state, "new_csrf_cookie", None)
    if not raw:
        raw = request.state.new_csrf_cookie = secrets.token_urlsafe(32)
    return _digest(_PRESESSION_LABEL, raw)


def remember(request: Request, response: Response) -> None:
    """Set the pre-session cookie :func:`token` made for this page, if it made one."""
    raw = getattr(request.state, "new_csrf_cookie", None)
    if raw:
        response.set_cookie(COOKIE, raw, httponly=True, samesite="lax", secure=request.url.scheme == "https",
                            path="/")


def valid(request: Request, submitted: str | None) -> bool:
    """Whether ``submitted`` is the token of this browser's session or of its pre-session cookie."""
    submitted = submitted or ""
    expected = [_digest(_SESSION_LABEL, v) for v in (request.cookies.get(AUTH_COOKIE),) if v]
    expected += [_digest(_PRESESSION_LABEL, v) for v in (request.cookies.get(COOKIE),) if v]
    return any(hmac.compare_digest(e, submitted) for e in expected)
