"""修改密码: the holder of an account sets a new password, proving the current one.

After an administrator's reset (:func:`kuaiban.platform.staff.reset_password`) every page sends the holder
here first (:func:`kuaiban.web.page_support.service_error` turns the core's ``PasswordChangeRequired`` into
a redirect), and back to where they were going once it is done. The core is
:func:`kuaiban.platform.auth.change_password`: every other session of the account ends.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kuaiban.platform import auth, password_policy
from kuaiban.platform.errors import Invalid, Throttled
from kuaiban.platform.models import User
from kuaiban.web import session as web_session
from kuaiban.web.page_support import PostedForm, SessionDep, text
from kuaiban.web.templating import render

router = APIRouter(include_in_schema=False)
PATH = "/account/password"


def _holder(request: Request, session: SessionDep) -> User | None:
    """The signed-in user, even one who must change the password first (that is what this page is for)."""
    return web_session.current_user(request, session, pending_password_ok=True)


def _page(request: Request, user: User, *, next_: str, errors: dict[str, str], status: int = 200) -> Response:
    minimum = password_policy.MIN_LENGTH.get(user.role, password_policy.STAFF_MIN_LENGTH)
    return render(request, "account/password.html",
                  {"next": next_, "errors": errors, "forced": user.must_change_password, "minimum": minimum},
                  status=status, user=user)


@router.get(PATH)
def password_page(request: Request, session: SessionDep, next: str = "/") -> Response:
    user = _holder(request, session)
    if user is None:
        return web_session.require_login(request)
    return _page(request, user, next_=web_session.safe_next(next), errors={})


@router.post(PATH)
def password_submit(request: Request, session: SessionDep, form: PostedForm) -> Response:
    user = _holder(request, session)
    if user is None:
        return web_session.require_login(request)
    target = web_session.safe_next(text(form, "next"))
    current, new = str(form.get("current_password") or ""), str(form.get("new_password") or "")
    errors: dict[str, str] = {}
    if not new:
        errors["new_password"] = "请填写新密码"
    elif new != str(form.get("confirm_password") or ""):
        errors["confirm_password"] = "两次填写的新密码不一致"
    status, headers = 422, None
    if not errors:
        try:
            auth.change_password(session, user, current, new, token=request.cookies.get(web_session.COOKIE),
                                 address=request.client.host if request.client else None)
        except Invalid as exc:
            errors[exc.field or "new_password"] = exc.message
        except Throttled as exc:  # too many wrong current passwords: the account is locked for a while
            errors["current_password"], status, headers = exc.message, exc.status, exc.headers
    if errors:
        response = _page(request, user, next_=target, errors=errors, status=status)
        response.headers.update(headers or {})
        return response
    session.commit()  # changed before the redirect is followed
    return RedirectResponse(target if target != PATH else "/", status_code=303)
