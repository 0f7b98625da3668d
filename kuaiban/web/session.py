"""Signing in on the web pages: the API's bearer token, kept in an HttpOnly cookie.

`current_user(request, session)` is what every page uses to know who is there (None when nobody is
signed in or the token expired); /login and /logout set and clear the cookie. The token is the same
as the JSON API's (kuaiban.services.auth): same expiry, same revocation, same audit log.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from kuaiban.api.deps import get_session
from kuaiban.db import session_scope
from kuaiban.services import audit, auth
from kuaiban.services.errors import Unauthenticated
from kuaiban.services.models import User

COOKIE = "kuaiban_token"
router = APIRouter(include_in_schema=False)


def current_user(request: Request, session: Session) -> User | None:
    """The user whose token is in the cookie, or None (no cookie, unknown, revoked or expired token)."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        return auth.authenticate(session, token)
    except Unauthenticated:
        return None


def user_from_request(request: Request) -> User | None:
    """`current_user` in a session of its own (for the nav of any page); attributes stay loaded."""
    if not request.cookies.get(COOKIE):
        return None
    with session_scope(request.app.state.engine) as session:
        user = current_user(request, session)
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


@router.get("/login")
def login_page(request: Request, next: str = "/"):
    from kuaiban.web.templating import render

    return render(request, "login.html", {"next": safe_next(next), "errors": {}, "username": ""})


@router.post("/login")
def login_submit(
    request: Request,
    session: Annotated[Session, Depends(get_session, scope="function")],
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
):
    from kuaiban.web.templating import render

    target = safe_next(next)
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = "请填写用户名"
    if not password:
        errors["password"] = "请填写密码"
    status = 422
    if not errors:
        try:
            token, expires = auth.login(session, username.strip(), password)
        except Unauthenticated as exc:
            errors["password"], status = exc.message, 401
    if errors:
        return render(request, "login.html", {"next": target, "errors": errors, "username": username,
                                              "user": None}, status_code=status)
    # commit before answering: the browser follows the redirect at once, and the request-scoped session
    # would otherwise commit the token only after the next request may already have looked for it
    session.commit()
    response = RedirectResponse(target, status_code=303)
    max_age = max(0, int((expires - audit.now()).total_seconds()))
    response.set_cookie(COOKIE, token, max_age=max_age, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout")
def logout(request: Request, session: Annotated[Session, Depends(get_session, scope="function")]):
    token = request.cookies.get(COOKIE)
    if token:
        auth.logout(session, token)
        session.commit()  # revoked before the redirect is followed (see login_submit)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
