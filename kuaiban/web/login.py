"""The /login and /logout pages: they set and clear the session cookie (kuaiban.web.session)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from kuaiban.deps import get_session
from kuaiban.platform import audit, auth
from kuaiban.platform.errors import Throttled, Unauthenticated
from kuaiban.web.session import COOKIE, safe_next
from kuaiban.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/login")
def login_page(request: Request, next: str = "/"):
    return render(request, "login.html", {"next": safe_next(next), "errors": {}, "username": ""})


@router.post("/login")
def login_submit(
    request: Request,
    session: Annotated[Session, Depends(get_session, scope="function")],
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
):
    target = safe_next(next)
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = "请填写用户名"
    if not password:
        errors["password"] = "请填写密码"
    status, headers = 422, None
    if not errors:
        try:
            token, expires = auth.login(session, username, password,
                                        address=request.client.host if request.client else None)
        except Unauthenticated as exc:
            errors["password"], status = exc.message, 401
        except Throttled as exc:  # 423 (account) or 429 (address), with when to try again
            errors["password"], status, headers = exc.message, exc.status, exc.headers
    if errors:
        response = render(request, "login.html", {"next": target, "errors": errors, "username": username,
                                                  "user": None}, status_code=status)
        response.headers.update(headers or {})
        return response
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
