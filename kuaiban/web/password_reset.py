"""忘记密码 pages: the window's 密码重置 (staff) and 重置密码 (the holder, not signed in).

- ``/password-reset`` (open to everyone, linked as 忘记密码？ from the sign-in page): says in plain words how to
  get a 重置码 (bring the 身份证 to a 人社服务窗口), and takes username + code + new password. Any refusal about the
  account or the code reads the same; a success ends every session and sends the person to sign in.
- ``/password-reset/codes`` (窗口人员, 监督人员): find the account by username or 证件号码 (posted, so the
  number never sits in a URL or a server log), check the document against the account's kind and masked
  证件号码, confirm it was checked in person, issue the code. The code is shown on the answer to that POST only
  (``Cache-Control: no-store``). The issue form carries when the account was looked up: sent again (a reload of
  the answer, a second click), it finds the code issued since and says so, issuing nothing — a new code would
  void the one just handed over and send the holder a second message.

The core is :mod:`kuaiban.platform.password_reset`; every form carries the CSRF token.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kuaiban.platform import audit, password_policy, password_reset
from kuaiban.platform.errors import Invalid, ServiceError, Throttled
from kuaiban.platform.models import APPLICANT, User
from kuaiban.web.page_support import PostedForm, SessionDep, page_user, text
from kuaiban.web.templating import render

router = APIRouter(include_in_schema=False)
PATH = "/password-reset"
CODES = "/password-reset/codes"
ROLES = password_reset.ISSUERS  # who is offered the staff page (kuaiban.web.navigation)

Issuer = Annotated[User, page_user(ROLES, title="无权进入密码重置",
                                   message="密码重置码由人社服务窗口的窗口人员或监督人员当面核验身份证件后签发。")]


# ---------------------------------------------------------------- the holder


def _form(request: Request, *, errors: dict[str, str], username: str = "", status: int = 200) -> Response:
    return render(request, "password_reset.html",
                  {"errors": errors, "username": username,
                   "minimum": {"applicant": password_policy.MIN_LENGTH[APPLICANT],
                               "staff": password_policy.STAFF_MIN_LENGTH}},
                  status=status, user=None)


@router.get(PATH)
def reset_page(request: Request) -> Response:
    return _form(request, errors={})


@router.post(PATH)
def reset_submit(request: Request, session: SessionDep, form: PostedForm) -> Response:
    username, code = text(form, "username"), text(form, "code")
    new = str(form.get("new_password") or "")
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = "请填写用户名"
    if not code:
        errors["code"] = "请填写窗口工作人员交给您的重置码"
    if not new:
        errors["new_password"] = "请填写新密码"
    elif new != str(form.get("confirm_password") or ""):
        errors["confirm_password"] = "两次填写的新密码不一致"
    status, headers = 422, None
    if not errors:
        try:
            password_reset.redeem(session, username, code, new,
                                  address=request.client.host if request.client else None)
        except Invalid as exc:
            errors[exc.field or "code"] = exc.message
        except Throttled as exc:  # too many wrong codes: the reset code's own lock (a sign-in lock never blocks it)
            errors["code"], status, headers = (exc.message + "。重置码在有效期内届时仍可使用；如已过期，请到人社服务窗口重新领取",
                                               exc.status, exc.headers)
    if errors:
        response = _form(request, errors=errors, username=username, status=status)
        response.headers.update(headers or {})
        return response
    session.commit()  # the new password stands before the sign-in page is asked for
    return RedirectResponse("/login?done=reset", status_code=303)


# ---------------------------------------------------------------- the window


def _codes(request: Request, user: User, *, status: int = 200, **context) -> Response:
    response = render(request, "account/reset_codes.html",
                      {"query": "", "accounts": None, "live": {}, "facts": {}, "errors": {}, "issued": None,
                       "notice": None, "looked_up_at": audit.now().isoformat(timespec="seconds"),
                       "may_issue": lambda target: password_reset.may_issue(user, target), **context},
                      status=status, user=user)
    response.headers["Cache-Control"] = "no-store"  # a page may hold a code or a person's accounts
    return response


@router.get(CODES)
def codes_page(request: Request, user: Issuer) -> Response:
    return _codes(request, user)


@router.post(f"{CODES}/lookup")
def codes_lookup(request: Request, session: SessionDep, user: Issuer, form: PostedForm) -> Response:
    query = text(form, "query")
    try:
        found = password_reset.find_accounts(session, user, query)
    except ServiceError as exc:
        return _codes(request, user, query=query, errors={"query": exc.message}, status=exc.status)
    return _codes(request, user, query=query, **_found(session, found))


def _found(session: SessionDep, accounts: list[User] | None) -> dict[str, object]:
    """What the page shows of the accounts found: their codes still valid (the page says one exists, and that a
    new one voids it) and what to check the identity document against (kind, masked 证件号码)."""
    return {"accounts": accounts,
            "live": {a.id: row for a in accounts or () if (row := password_reset.live_code(session, a.id)) is not None},
            "facts": {a.id: password_reset.facts(session, a) for a in accounts or ()}}


def _looked_up_at(form: PostedForm) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text(form, "looked_up_at"))
    except ValueError:  # a form from before this field existed: look the account up again
        raise Invalid("请先查找账号，再签发重置码", "query") from None


@router.post(f"{CODES}/issue")
def codes_issue(request: Request, session: SessionDep, user: Issuer, form: PostedForm) -> Response:
    raw = text(form, "user_id")
    try:
        if not raw.isascii() or not raw.isdigit():
            raise Invalid("请先查找账号，再签发重置码", "query")
        target, code, expires = password_reset.issue(session, user, int(raw),
                                                     document_checked=form.get("document_checked") == "yes",
                                                     looked_up_at=_looked_up_at(form))
    except password_reset.AlreadyIssued as exc:
        # the same form again (a reload of the page that showed the code): nothing issued, said plainly, and
        # no form to send again on this answer
        return _codes(request, user, notice=exc.message, status=exc.status)
    except ServiceError as exc:
        query = text(form, "query")
        found = password_reset.find_accounts(session, user, query) if query else None
        errors = {f"document_checked-{raw}" if exc.field == "document_checked" else "query": exc.message}
        return _codes(request, user, query=query, errors=errors, status=exc.status, **_found(session, found))
    session.commit()  # issued (and audited) before the code is shown
    return _codes(request, user, issued={"username": target.username, "name": target.display_name,
                                         "code": password_reset.shown(code), "expires": expires})
