"""经办工作台: the staff pages — queues by role, the task page with its actions, commitment verification
and 差评整改.

- 窗口人员 sees 待受理 / 待补正 of their region (and agency, plus tasks the region has not routed);
  they 受理, 不予受理 (reason required) or send one 补正 notice listing every missing material.
- 后台审核人员 sees 已受理 / 已审核: 审核, then 办结; and the commitments to verify.
- 监督人员 sees every open task of the region, the commitments to verify and the rectifications.

Each action form carries the task's version: a form shown before someone else acted is refused with
the core's Chinese conflict message (optimistic concurrency, ``cases.act``), and the page shows the
task as it now is. Overdue tasks are marked by a text badge 已超期, not by colour alone.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kuaiban.db import session_scope
from kuaiban.platform.errors import Forbidden, ServiceError
from kuaiban.platform.models import REVIEWER, SUPERVISOR, WINDOW, User
from kuaiban.services import cases, ratings
from kuaiban.services.models import RECT_FEEDBACK, RECT_FIX, RECT_VERIFY, Case
from kuaiban.web import service_views as views
from kuaiban.web.page_support import csrf_failed, csrf_ok, message_page, render, user_in_roles

router = APIRouter(prefix="/workbench", include_in_schema=False)

QUEUE_TITLES = {"window": "待受理与待补正", REVIEWER: "待审核与待办结", SUPERVISOR: "本地区在办事项"}
ACTION_NAMES = {"submit": "提交申请", "accept": "受理", "refuse": "不予受理", "correct": "补正通知",
                "review": "审核", "complete": "办结", "supply": "补正材料", "case_status": "办件状态变更",
                "verify_commitment": "核查承诺", "rate": "评价", "open_rectification": "启动差评整改",
                "rectification": "差评整改"}
DONE_MESSAGES = {**{k: f"已{v}。" for k, v in ACTION_NAMES.items()}, "correct": "补正通知已发出。",
                 "verified": "核查结果已记录。", "advanced": "整改进度已记录。"}
RECT_NOTES = {RECT_VERIFY: "核实情况", RECT_FIX: "整改情况", RECT_FEEDBACK: "反馈情况"}


def _engine(request: Request):
    return request.app.state.engine


STAFF_ROLES = (WINDOW, REVIEWER, SUPERVISOR)


def _staff(request: Request, s) -> User | Response:
    return user_in_roles(request, s, STAFF_ROLES, "无权进入经办工作台",
                         "经办工作台仅供窗口人员、后台审核人员和监督人员使用。")


# ---------------------------------------------------------------- queues


@router.get("", response_class=HTMLResponse)
def queue_page(request: Request) -> Response:
    with session_scope(_engine(request)) as s:
        user = _staff(request, s)
        if isinstance(user, Response):
            return user
        tasks = views.queue(s, user)
        soon = cases.due_soon(s, user)
        late = cases.overdue(s, user)
        return render(request, "workbench/queue.html", {
            "title": QUEUE_TITLES[user.role], "tasks": tasks, "due_soon": soon, "overdue_tasks": late,
            "overdue": {t.id for t in (*tasks, *late) if views.is_overdue(t)},
            "commitments": views.commitments_to_verify(s, user) if user.role in (REVIEWER, SUPERVISOR) else [],
            "rectifications": views.open_rectifications(s, user) if user.role == SUPERVISOR else [],
            "levels": ratings.LEVELS}, user=user)


# ---------------------------------------------------------------- a task


def _task_context(s, user: User, task_id: int) -> dict:
    task = views.task_with_case(s, task_id)
    if task is None:
        raise _NotFound(f"没有这个事项：{task_id}")
    case = task.case
    cases.check_case_access(user, case)
    full = cases.get_case(s, user, case.number)
    cases.disclose(s, user, full)  # the form is shown in full here: the read is audited
    return {"task": task, "case": full, "overdue": views.is_overdue(task),
            "limit": views.limit_text(task.limit_kind, task.limit_value, task.limit_basis),
            "trail": views.audit_trail(s, case.id), "action_names": ACTION_NAMES,
            "missing_status": cases.MISSING, "others": [t for t in full.tasks if t.id != task.id]}


class _NotFound(ServiceError):
    status = 404


def _detail_page(request: Request, template: str, refused_title: str, build, done: str | None,
                 **extra) -> Response:
    """A staff member's detail page: sign-in check, the context ``build(session, user)`` gives, or the
    core's refusal in Chinese, then the template with the notice of the step just done."""
    with session_scope(_engine(request)) as s:
        user = _staff(request, s)
        if isinstance(user, Response):
            return user
        try:
            ctx = build(s, user)
        except ServiceError as exc:
            return message_page(request, refused_title, exc.message, status=exc.status, user=user)
        return render(request, template,
                      ctx | {"notice": DONE_MESSAGES.get(done or ""), "errors": {}} | extra, user=user)


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_page(request: Request, task_id: int, done: str | None = None) -> Response:
    return _detail_page(request, "workbench/task.html", "无法查看事项",
                        lambda s, user: _task_context(s, user, task_id), done, values={})


@router.post("/tasks/{task_id}", response_class=HTMLResponse)
async def task_action(request: Request, task_id: int) -> Response:
    data = await request.form()
    missing = [str(m) for m in data.getlist("missing")]
    missing += [line.strip() for line in str(data.get("missing_other") or "").splitlines() if line.strip()]
    return await run_in_threadpool(_act, request, task_id, str(data.get("action") or ""),
                                   str(data.get("version") or ""), str(data.get("reason") or "").strip(), missing,
                                   str(data.get("csrf") or ""))


def _act(request: Request, task_id: int, action: str, version: str, reason: str, missing: list[str],
         token: str) -> Response:
    with session_scope(_engine(request)) as s:
        user = _staff(request, s)
        if isinstance(user, Response):
            return user
        if not csrf_ok(request, token):
            return csrf_failed(request, user)
        errors: dict[str, str] = {}
        status = 422
        if not version.isdigit():
            errors["version"] = "表单缺少版本号，请刷新页面后重试"
        else:
            try:
                cases.act(s, user, task_id, action, version=int(version), reason=reason or None, missing=missing)
            except ServiceError as exc:
                errors[exc.field or "action"] = exc.message
                status = exc.status
        if errors:
            s.rollback()
            try:
                ctx = _task_context(s, user, task_id)
            except ServiceError as exc:
                return message_page(request, "无法办理", exc.message, status=exc.status, user=user)
            return render(request, "workbench/task.html",
                          ctx | {"notice": None, "errors": errors, "failed_action": action,
                                 "values": {"reason": reason}}, status=status, user=user)
    return RedirectResponse(f"/workbench/tasks/{task_id}?done={action}", status_code=303)


# ---------------------------------------------------------------- commitments


def _commitment_context(s, user: User, commitment_id: int) -> dict:
    c = views.commitment(s, commitment_id)
    if c is None:
        raise _NotFound(f"没有这份承诺：{commitment_id}")
    cases.check_case_access(user, c.case)
    return {"c": c, "case": c.case, "trail": views.audit_trail(s, c.case_id), "action_names": ACTION_NAMES}


@router.get("/commitments/{commitment_id}", response_class=HTMLResponse)
def commitment_page(request: Request, commitment_id: int, done: str | None = None) -> Response:
    return _detail_page(request, "workbench/commitment.html", "无法查看承诺",
                        lambda s, user: _commitment_context(s, user, commitment_id), done)


@router.post("/commitments/{commitment_id}", response_class=HTMLResponse)
async def verify_commitment(request: Request, commitment_id: int) -> Response:
    data = await request.form()
    return await run_in_threadpool(_verify, request, commitment_id, str(data.get("truthful") or ""),
                                   str(data.get("note") or "").strip(), str(data.get("csrf") or ""))


def _verify(request: Request, commitment_id: int, truthful: str, note: str, token: str) -> Response:
    with session_scope(_engine(request)) as s:
        user = _staff(request, s)
        if isinstance(user, Response):
            return user
        if not csrf_ok(request, token):
            return csrf_failed(request, user)
        errors: dict[str, str] = {}
        status = 422
        if truthful not in ("yes", "no"):
            errors["truthful"] = "请选择核查结果：属实或不实"
        elif truthful == "no" and not note:
            errors["note"] = "核查不实须说明情况"
        else:
            try:
                cases.verify_commitment(s, user, commitment_id, truthful == "yes", note or None)
            except ServiceError as exc:
                errors["truthful" if exc.field == "commitment_id" else exc.field or "truthful"] = exc.message
                status = exc.status
        if errors:
            s.rollback()
            try:
                ctx = _commitment_context(s, user, commitment_id)
            except ServiceError as exc:
                return message_page(request, "无法核查", exc.message, status=exc.status, user=user)
            return render(request, "workbench/commitment.html", ctx | {"notice": None, "errors": errors},
                          status=status, user=user)
    return RedirectResponse(f"/workbench/commitments/{commitment_id}?done=verified", status_code=303)


# ---------------------------------------------------------------- rectifications (差评整改)


def _rect_context(s, user: User, rect_id: int) -> dict:
    if user.role != SUPERVISOR:
        raise Forbidden("差评整改仅监督人员办理")
    rect = views.rectification(s, rect_id)
    if rect is None:
        raise _NotFound(f"没有这项整改：{rect_id}")
    if user.region is not None and rect.region != user.region:
        raise Forbidden("无权处理其他地区的整改")
    case = s.get(Case, rect.case_id)
    rating = views.rating_of(s, rect.case_id)
    return {"rect": rect, "case": case, "rating": rating, "levels": ratings.LEVELS,
            "note_label": RECT_NOTES.get(rect.state), "trail": views.audit_trail(s, rect.case_id),
            "action_names": ACTION_NAMES}


@router.get("/rectifications/{rect_id}", response_class=HTMLResponse)
def rectification_page(request: Request, rect_id: int, done: str | None = None) -> Response:
    return _detail_page(request, "workbench/rectification.html", "无法查看整改",
                        lambda s, user: _rect_context(s, user, rect_id), done)


@router.post("/rectifications/{rect_id}", response_class=HTMLResponse)
async def advance_rectification(request: Request, rect_id: int) -> Response:
    data = await request.form()
    return await run_in_threadpool(_advance, request, rect_id, str(data.get("note") or "").strip(),
                                   str(data.get("version") or ""), str(data.get("csrf") or ""))


def _advance(request: Request, rect_id: int, note: str, version: str, token: str) -> Response:
    with session_scope(_engine(request)) as s:
        user = _staff(request, s)
        if isinstance(user, Response):
            return user
        if not csrf_ok(request, token):
            return csrf_failed(request, user)
        errors: dict[str, str] = {}
        status = 422
        if not note:
            errors["note"] = "须填写核实、整改或反馈情况"
        elif not version.isdigit():
            errors["note"] = "表单缺少版本号，请刷新页面后重试"
        else:
            try:
                ratings.advance(s, user, rect_id, note, version=int(version))
            except ServiceError as exc:
                errors["note"] = exc.message
                status = exc.status
        if errors:
            s.rollback()
            try:
                ctx = _rect_context(s, user, rect_id)
            except ServiceError as exc:
                return message_page(request, "无法办理整改", exc.message, status=exc.status, user=user)
            return render(request, "workbench/rectification.html", ctx | {"notice": None, "errors": errors},
                          status=status, user=user)
    return RedirectResponse(f"/workbench/rectifications/{rect_id}?done=advanced", status_code=303)
