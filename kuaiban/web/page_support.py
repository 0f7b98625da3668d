"""What every page handler shares: who may see the page, the CSRF check, one POST flow, the refusal pages.

- **Dependencies, not preambles.** ``user: Annotated[User, page_user(roles, …)]`` is the signed-in user
  in one of ``roles``; a visitor is sent to /login (and back), another role gets a 403 page naming who
  may use it. ``form: PostedForm`` is the posted form after its CSRF token has been checked
  (:mod:`kuaiban.web.csrf`). Both raise :class:`PageError`; the core's ``ServiceError`` may be raised as
  is. One app-level handler (:func:`page_error`, :func:`service_error`, installed by ``kuaiban.app``)
  renders them: the login redirect, or a Chinese message page with the error's status.
- **One session per request**: ``SessionDep`` (``kuaiban.deps.get_session``), committed before the
  response is sent; the dependencies above share it.
- **One POST flow**: :func:`form_action` — checks, the core call, and on refusal a rollback and the page
  again with each message at its field; else a 303 to a page that can be reloaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from kuaiban.deps import get_session
from kuaiban.platform.errors import PasswordChangeRequired, ServiceError
from kuaiban.platform.models import User
from kuaiban.platform.transactions import retrying_savepoint
from kuaiban.web import csrf
from kuaiban.web import session as web_session
from kuaiban.web.form_limits import limited_form
from kuaiban.web.templating import render, templates
from kuaiban.web.uploads import ACCEPT, TYPES_TEXT, display_reference

SessionDep = Annotated[Session, Depends(get_session, scope="function")]
VERSION_MISSING = "表单缺少版本号，请刷新页面后重试"
T = TypeVar("T")

templates.env.filters["file_name"] = display_reference
templates.env.globals |= {"upload_types": TYPES_TEXT, "upload_accept": ACCEPT}


# ---------------------------------------------------------------- refusals, rendered in one place


class PageError(Exception):
    """A page that cannot be shown: rendered by :func:`page_error`."""


class LoginRequired(PageError):
    """Nobody is signed in: to /login, and back here afterwards."""


class PageRefused(PageError):
    """A Chinese message page with ``status``: forbidden, not found, a forged or stale form …"""

    def __init__(self, title: str, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.title, self.message, self.status = title, message, status


@dataclass(frozen=True)
class NavUser:
    """Who is signed in, as the nav shows them: a copy, because a refusal page is rendered after the
    request's session (and the User row with it) has been rolled back and closed."""

    id: int  # for the nav's unread-message count
    username: str
    display_name: str | None
    region: str | None
    role: str

    @classmethod
    def of(cls, user: User) -> NavUser:
        return cls(user.id, user.username, user.display_name, user.region, user.role)


def message_page(request: Request, title: str, message: str, *, status: int) -> HTMLResponse:
    """A page saying what went wrong, in Chinese, with the signed-in user (if any) in the nav."""
    return render(request, "services/message.html", {"title": title, "message": message}, status=status,
                  user=getattr(request.state, "nav_user", None))


def page_error(request: Request, exc: PageError) -> Response:
    if isinstance(exc, PageRefused):
        return message_page(request, exc.title, exc.message, status=exc.status)
    return web_session.require_login(request)


# the heading of a core refusal on a page, by status; a page may name its own (``page_user(refused=…)``)
_TITLES = {401: "请先登录", 403: "无权查看或办理", 404: "没有找到", 409: "无法办理", 422: "无法办理",
           503: "系统繁忙"}


def service_error(request: Request, exc: ServiceError) -> Response:
    """A core refusal that reached a page (no access, no such record …) as a message page; a password an
    administrator reset sends the holder to set their own first, then back here."""
    if isinstance(exc, PasswordChangeRequired):
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/account/password?next={quote(here, safe='')}", status_code=303)
    title = getattr(request.state, "refused_title", None) or _TITLES.get(exc.status, "无法办理")
    return message_page(request, title, exc.message, status=exc.status)


# ---------------------------------------------------------------- who may see the page


_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


async def form_limits_first(request: Request) -> None:
    """A posted form is parsed within its limits (:mod:`kuaiban.web.form_limits`) before the login check,
    so too many parts or an overlong field is a 400 and a body over the path's total a 413 (the streaming
    middleware, :mod:`kuaiban.edge.limits`) for a visitor as for anyone (SECURITY.md, finding 2). File
    parts are spooled to disk by the parser; their contents are read only by the handler, after the login
    check. The parsed form is cached on the request: :data:`PostedForm` checks its CSRF token later."""
    if request.method == "POST" and request.headers.get("content-type", "").partition(";")[0].strip().lower() \
            in _FORM_TYPES:
        await limited_form(request)


FormLimitsFirst = Annotated[None, Depends(form_limits_first)]


def page_user(roles: tuple[str, ...] | None = None, *, title: str = "无权访问", message: str = "",
              refused: str | None = None) -> Any:
    """A dependency: the signed-in user, whose role is one of ``roles`` (None: any role). Others get a
    403 page saying ``title`` / ``message`` (which page group this is and who may use it); ``refused``
    is the heading when the core refuses something on the page (e.g. 无法查看办件). A posted form is
    parsed within its limits first (:func:`form_limits_first`)."""

    def dependency(request: Request, session: SessionDep, _limits: FormLimitsFirst) -> User:
        if refused:
            request.state.refused_title = refused
        user = web_session.current_user(request, session)
        if user is None:
            raise LoginRequired()
        request.state.nav_user = NavUser.of(user)  # for the nav of any refusal page
        if roles is not None and user.role not in roles:
            raise PageRefused(title, message, 403)
        return user

    return Depends(dependency)


def visitor(request: Request, session: SessionDep) -> User | None:
    """The signed-in user, or None on a page open to everyone."""
    user = web_session.current_user(request, session)
    request.state.nav_user = NavUser.of(user) if user else None
    return user


Visitor = Annotated[User | None, Depends(visitor)]


def csrf_refused() -> PageRefused:
    return PageRefused("表单已失效", "表单已失效或来源不明（安全校验未通过），请返回上一页刷新后重新提交。", 403)


async def posted_form(request: Request) -> FormData:
    """The posted form (files up to :data:`MAX_UPLOAD` each), refused unless it carries this browser's
    CSRF token. Declare it after the user, so the refusal page knows who is signed in."""
    data = await limited_form(request)  # parts, fields and text lengths bounded (kuaiban.web.form_limits)
    if not csrf.valid(request, str(data.get("csrf") or "")):
        raise csrf_refused()
    return data


PostedForm = Annotated[FormData, Depends(posted_form)]


def text(form: FormData, name: str) -> str:
    """A text field of the form, stripped ('' when absent)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


# ---------------------------------------------------------------- the one POST flow


def form_action(session: Session, action: Callable[[], T], done: str | Callable[[T], str],
                again: Callable[[dict[str, str], int], Response], *, errors: dict[str, str] | None = None,
                field_of: Callable[[ServiceError], str] = lambda exc: exc.field or "action",
                retry: bool = False) -> Response:
    """One form post in one transaction: ``errors`` found by the page's own checks, else ``action()``
    (the core call); any refusal rolls back and returns ``again(errors, status)`` — the page again with
    each message at its field (``field_of`` maps a core error to it); success redirects (303) to ``done``
    (or ``done(result)``). A failing ``again`` (the record vanished, access lost) reaches the app-level
    handler like any page's error. ``retry``: the action runs in a savepoint, run again after a PostgreSQL
    deadlock (:func:`kuaiban.platform.transactions.retrying_savepoint`; still aborted the third time, its
    Chinese refusal at the field ``action``, 503) — for a core step whose every effect is in the transaction."""
    errors = dict(errors or {})
    status = 422
    if not errors:
        try:
            result = retrying_savepoint(session, action, what="form") if retry else action()
        except ServiceError as exc:
            errors[field_of(exc)] = exc.message
            for extra in exc.errors or ():  # a core that reports every problem at once
                field, detail = (extra["field"], extra["detail"]) if isinstance(extra, dict) else (
                    extra.field, extra.message)
                errors.setdefault(field, detail)
            status = exc.status
    if errors:
        session.rollback()
        return again(errors, status)
    return RedirectResponse(done(result) if callable(done) else done, status_code=303)


def version_of(text_value: str) -> int | None:
    """The record version a form carries (optimistic concurrency), or None when it is missing."""
    return int(text_value) if text_value.isascii() and text_value.isdigit() else None
