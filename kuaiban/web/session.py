"""Who is signed in on the web pages: the API's bearer token, kept in an HttpOnly cookie.

`current_user(request, session)` is what every page uses to know who is there (None when nobody is
signed in or the token expired); the /login and /logout pages (kuaiban.web.login) set and clear the
cookie. The token is the same as the JSON API's (kuaiban.platform.auth): same expiry, same revocation,
same audit log.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from kuaiban.db import session_scope
from kuaiban.platform import audit, auth
from kuaiban.platform.errors import Unauthenticated
from kuaiban.platform.models import User

COOKIE = "kuaiban_token"


def current_user(request: Request, session: Session, *, pending_password_ok: bool = False) -> User | None:
    """The user whose token is in the cookie, or None (no cookie, unknown, revoked or expired token).
    A user who must first set a new password raises ``PasswordChangeRequired`` (every page then sends them
    to /account/password) unless ``pending_password_ok``."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        return auth.authenticate(session, token, pending_password_ok=pending_password_ok)
    except Unauthenticated:
        return None


def user_from_request(request: Request) -> User | None:
    """`current_user` in a session of its own (for the nav of any page); attributes stay loaded."""
    if not request.cookies.get(COOKIE):
        return None
    with session_scope(request.app.state.engine) as session:
        user = current_user(request, session, pending_password_ok=True)  # only shown in the nav
        if user is not None:
            session.expunge(user)
        return user


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute URL (no open redirect after signing in)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def login_url(request: Request) -> str:
    """/login?next=<this page> — where pages send visitors who must sign in first."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(here, safe='')}"


def require_login(request: Request) -> RedirectResponse:
    return RedirectResponse(login_url(request), status_code=303)


def signed_in(request: Request, token: str, expires: dt.datetime, target: str) -> RedirectResponse:
    """The redirect (303) after signing in or registering, carrying the new session cookie (as long
    as the token lives; HttpOnly, so no script can read it)."""
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, token, max_age=max(0, int((expires - audit.now()).total_seconds())),
                        httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/")
    return response


WELCOME_COOKIE = "kuaiban_welcome"  # read once by the home page: 登录成功 / 注册成功 (ux session 14, C18)


def welcomed(response: RedirectResponse, target: str, event: str) -> RedirectResponse:
    """The sign-in redirect, with a one-time note for the home page when that is where it lands (the URL
    stays “/”)."""
    if target == "/":
        response.set_cookie(WELCOME_COOKIE, event, max_age=120, httponly=True, samesite="lax", path="/")
    return response
