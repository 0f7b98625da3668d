"""消息中心 pages: the signed-in account's messages (newest first, 20 a page, unread marked), opening one
(which marks it read and goes on to its case or registration), and "全部标为已读".

Also the nav's unread count: the Jinja global ``unread_count(user)`` that base.html calls, so every page
shows it whichever ``render`` built it and no handler has to pass it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import pass_context

from kuaiban.db import session_scope
from kuaiban.platform import new_work, notifications
from kuaiban.platform.models import SUPERVISOR, User
from kuaiban.web.page_support import PostedForm, SessionDep, form_action, page_user
from kuaiban.web.templating import render, templates

router = APIRouter(include_in_schema=False)


@pass_context
def unread_count(context, user: User | None) -> int:
    """The nav's badge: the account's unread messages (0 for nobody), in a short session of its own."""
    request = context.get("request")
    if user is None or request is None:
        return 0
    with session_scope(request.app.state.engine) as s:
        return notifications.unread_count(s, user)


templates.env.globals["unread_count"] = unread_count
templates.env.globals["message_kinds"] = notifications.KINDS
templates.env.globals["queue_links"] = new_work.queue_links  # a 新的待办 digest's pages


def reference(link: str | None, ref: str | None) -> str | None:
    """The number a message is about, as the person knows it (办件编号 KB…, 申领编号 3), never the internal
    key (``program-claim-3``); None where the message carries no number a person would look up."""
    if not link or not ref:
        return None
    if link.startswith("/services/"):
        return f"办件编号 {ref}"
    if link.startswith("/unemployment/"):
        return f"失业登记流水号 {ref}"
    if ref.startswith("program-claim-"):
        return f"申领编号 {ref.removeprefix('program-claim-')}"
    if ref.startswith("loan-"):
        return f"申请编号 {ref.removeprefix('loan-')}"
    return None


templates.env.globals["message_reference"] = reference


def _page_url(page: int) -> str:
    return "/messages" if page == 1 else f"/messages?page={page}"


SignedIn = Annotated[User, page_user(refused="无法查看消息")]


@router.get("/messages", response_class=HTMLResponse)
def inbox(request: Request, s: SessionDep, user: SignedIn, page: int = 1, done: str | None = None) -> Response:
    page = max(page, 1)
    listing = notifications.messages(s, user, page)
    if page > listing.pages:
        return RedirectResponse(_page_url(listing.pages), status_code=303)
    return render(request, "messages/index.html",
                  {"listing": listing, "page_url": _page_url,
                   "notice": {"all": "全部消息已标为已读。"}.get(done or "")}, user=user)


Supervisor = Annotated[User, page_user((SUPERVISOR,), title="仅限监督人员", message="未送达的消息仅限监督人员查看。")]


def _undelivered_page(request: Request, s, user: User, errors: dict[str, str], status: int = 200,
                      notice: str | None = None) -> Response:
    return render(request, "messages/undelivered.html",
                  {"items": notifications.undelivered(s, user), "errors": errors, "notice": notice},
                  status=status, user=user)


@router.get("/messages/undelivered", response_class=HTMLResponse)
def undelivered(request: Request, s: SessionDep, user: Supervisor, done: str | None = None) -> Response:
    """The dead letters of the supervisor's region: given up after every retry, sent again on request."""
    return _undelivered_page(request, s, user, {}, notice="已重新加入发送队列。" if done else None)


@router.post("/messages/undelivered")
def redeliver(request: Request, s: SessionDep, user: Supervisor, form: PostedForm) -> Response:
    ids = [int(k.removeprefix("id_")) for k in form if k.startswith("id_") and k.removeprefix("id_").isdigit()]
    return form_action(s, lambda: notifications.redeliver(s, user, ids), "/messages/undelivered?done=1",
                       lambda errs, status: _undelivered_page(request, s, user, errs, status))


@router.get("/messages/{message_id}")
def open_message(s: SessionDep, user: SignedIn, message_id: int) -> Response:
    """Opening a message is reading it; then on to its case or registration (or back to the list)."""
    message = notifications.open_message(s, user, message_id)  # a refusal reaches the app's page handler
    return RedirectResponse(message.link or f"/messages#m{message.id}", status_code=303)


@router.post("/messages/read")
def read_all(s: SessionDep, user: SignedIn, form: PostedForm) -> Response:
    notifications.mark_read(s, user, "all")
    return RedirectResponse("/messages?done=all", status_code=303)
