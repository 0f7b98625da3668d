"""The /login and /logout pages: they set and clear the session cookie (kuaiban.web.session).

All three forms carry a CSRF token (:mod:`kuaiban.web.csrf`): before signing in it is bound to a
pre-session cookie, so another site cannot sign a visitor into an account of its choosing, nor sign
them out.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kuaiban.platform import auth
from kuaiban.platform.errors import Throttled, Unauthenticated
from kuaiban.web.page_support import PostedForm, SessionDep, text
from kuaiban.web.session import COOKIE, safe_next, signed_in, welcomed
from kuaiban.web.templating import render

router = APIRouter(include_in_schema=False)


DONE = {"reset": "密码已重新设置，原有登录已全部退出。请用新密码登录。"}


@router.get("/login")
def login_page(request: Request, next: str = "/", done: str = "") -> Response:
    return render(request, "login.html", {"next": safe_next(next), "errors": {}, "username": "",
                                          "notice": DONE.get(done)}, user=None)


@router.post("/login")
def login_submit(request: Request, session: SessionDep, form: PostedForm) -> Response:
    username, password = text(form, "username"), str(form.get("password") or "")
    target = safe_next(text(form, "next"))
    errors: dict[str, str] = {}
    if not username:
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
        # locked out: the page says how to get in without waiting — a 重置码 from a window, which the lock
        # does not refuse (kuaiban.platform.password_reset)
        response = render(request, "login.html", {"next": target, "errors": errors, "username": username,
                                                  "locked": status in (423, 429)},
                          status=status, user=None)
        response.headers.update(headers or {})
        return response
    # commit before answering: the browser follows the redirect at once, and the request-scoped session
    # would otherwise commit the token only after the next request may already have looked for it
    session.commit()
    # landing on the home page, it says who is signed in and where their own cases are (ux session 14, C18)
    return welcomed(signed_in(request, token, expires, target), target, "login")


@router.post("/logout")
def logout(request: Request, session: SessionDep, form: PostedForm) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        auth.logout(session, token)
        session.commit()  # revoked before the redirect is followed (see login_submit)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
