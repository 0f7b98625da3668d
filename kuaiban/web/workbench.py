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

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kuaiban import claim_ratings
from kuaiban.platform import access, audit, dates
from kuaiban.platform.errors import Forbidden, NotFound
from kuaiban.platform.models import REVIEWER, SUPERVISOR, WINDOW, User
from kuaiban.programs.models import Claim
from kuaiban.services import assignment, cases, credit, form_fields, outcomes, ratings, region_config
from kuaiban.services.models import CORRECTION, RECT_FEEDBACK, RECT_FIX, RECT_VERIFY, Case, Rating
from kuaiban.web import service_views as views
from kuaiban.web.page_support import (
    VERSION_MISSING,
    PostedForm,
    SessionDep,
    form_action,
    page_user,
    text,
    version_of,
)
from kuaiban.web.templating import render

router = APIRouter(prefix="/workbench", include_in_schema=False)

QUEUE_TITLES = {"window": "待受理与待补正", REVIEWER: "待审核与待办结", SUPERVISOR: "本地区在办事项"}
ACTION_NAMES = {"submit": "提交申请", "accept": "受理", "refuse": "不予受理", "correct": "补正通知",
                "send_back": "退回窗口", "credit_record": "纳入信用记录", "credit_repair": "信用修复",
                "commitment_consequence": "承诺不实的处理", "reject": "审核不通过", "lapse": "逾期未补正终止", "transfer": "转办",
                "review": "审核", "complete": "办结", "supply": "补正材料", "case_status": "办件状态变更",
                "verify_commitment": "核查承诺", "rate": "评价", "open_rectification": "启动差评整改",
                "rectification": "差评整改", "read_personal_data": "查阅个人信息"}
DONE_MESSAGES = {**{k: f"已{v}。" for k, v in ACTION_NAMES.items()}, "correct": "补正通知已发出。",
                 "case_accept": "已整件受理。", "credit_repaired": "信用修复已记录。", "case_review": "已整件审核通过。", "case_complete": "已整件办结。",
                 "verified": "核查结果已记录。", "advanced": "整改进度已记录。"}
RECT_NOTES = {RECT_VERIFY: "核实情况", RECT_FIX: "整改情况", RECT_FEEDBACK: "反馈情况"}
STAFF_ROLES = (WINDOW, REVIEWER, SUPERVISOR)


def _staff(refused: str | None = None):
    return page_user(STAFF_ROLES, title="无权进入经办工作台", message="经办工作台仅供窗口人员、后台审核人员和监督人员使用。",
                     refused=refused)


Staff = Annotated[User, _staff()]


# ---------------------------------------------------------------- queues


def _queue(request: Request, s, user: User, q: str = "", item: str = "", state: str = "", overdue: str = "",
           soon: str = "", *, done: str | None = None, credit_error: tuple[int, str] | None = None,
           status: int = 200) -> Response:
    chosen = views.QueueFilter(q.strip()[:100], item.strip()[:200], state.strip(), overdue == "1", soon == "1")
    now = audit.now()
    tasks = views.queue(s, user, chosen, at=now)
    due_soon = cases.due_soon(s, user, at=now)
    late = cases.overdue(s, user, at=now)
    marks = views.deadline_states((*tasks, *late, *due_soon), now)  # the rows' 已超期 / 即将到期 markers
    return render(request, "workbench/queue.html", {
        "title": QUEUE_TITLES[user.role], "tasks": tasks, "due_soon": due_soon, "overdue_tasks": late,
        "overdue": {i for i, mark in marks.items() if mark == cases.OVERDUE}, "marks": marks,
        "due_soon_days": cases.DUE_SOON_WORKING_DAYS,
        "queue_marks": {mark: sum(marks.get(t.id) == mark for t in tasks) for mark in (cases.OVERDUE, cases.DUE_SOON)},
        "commitments": views.commitments_to_verify(s, user) if user.role in (REVIEWER, SUPERVISOR) else [],
        "rectifications": views.open_rectifications(s, user) if user.role == SUPERVISOR else [],
        "unassigned": assignment.unassigned_ids(s, tasks) if user.role == SUPERVISOR else set(),
        "levels": ratings.LEVELS, "filter": chosen, "items": region_config.item_choices(),
        "states": views.QUEUE_STATES[user.role], "applicant_line": views.applicant_line,
        "credit_records": credit.records_in_scope(s, user) if user.role == SUPERVISOR else [],
        "credit_error": credit_error, "notice": DONE_MESSAGES.get(done or "")}, status=status, user=user)


@router.get("", response_class=HTMLResponse)
def queue_page(request: Request, s: SessionDep, user: Staff, q: str = "", item: str = "", state: str = "",
               overdue: str = "", soon: str = "", done: str | None = None) -> Response:
    return _queue(request, s, user, q, item, state, overdue, soon, done=done)


@router.post("/credit/{record_id}", response_class=HTMLResponse)
def repair_credit(request: Request, record_id: int, s: SessionDep, user: Annotated[User, _staff("无法办理")],
                  form: PostedForm) -> Response:
    """信用修复 of a 告知承诺 credit record (supervisors of the case's region)."""
    note = text(form, "note")
    return form_action(s, lambda: credit.repair(s, user, record_id, note), "/workbench?done=credit_repaired#credit",
                       lambda errors, status: _queue(request, s, user, credit_error=(record_id, next(iter(errors.values()))),
                                                     status=status))


def _detail(request: Request, template: str, ctx: dict, user: User, *, done: str | None = None,
            errors: dict[str, str] | None = None, status: int = 200, **extra) -> Response:
    """A staff member's detail page, with the notice of the step just done or what was refused."""
    return render(request, template, ctx | {"notice": DONE_MESSAGES.get(done or ""), "errors": errors or {}} | extra,
                  status=status, user=user)


# ---------------------------------------------------------------- a task


def _task_context(s, user: User, task_id: int, *, in_full: bool = False) -> dict:
    """A task and its case. The form's personal fields (证件号码, 手机号码, 地址 …) are masked as in the queue
    (个人信息保护法: what the step needs); ``in_full``: the staff member asked to see them (显示完整信息), a read
    the audit log records."""
    task = views.task_with_case(s, task_id)
    if task is None:
        raise NotFound(f"没有这个事项：{task_id}")
    case = task.case
    cases.check_case_access(user, case)
    full = cases.get_case(s, user, case.number)
    if in_full:
        cases.disclose(s, user, full)
    return {"task": task, "case": full, "overdue": views.is_overdue(task),
            "form": full.form if in_full else form_fields.masked_form(full.form), "in_full": in_full,
            "has_personal": any(form_fields.is_personal(k) and v for k, v in (full.form or {}).items()),
            "limit": views.limit_text(task.limit_kind, task.limit_value, task.limit_basis),
            "trail": views.audit_trail(s, case.id), "action_names": ACTION_NAMES,
            "missing_status": cases.MISSING, "others": [t for t in full.tasks if t.id != task.id],
            "material_state": cases.material_state, "name_only": cases.name_only,
            "lapsed": task.state == CORRECTION and task.correction_due is not None and task.correction_due < audit.now(),
            "tomorrow": (audit.now().date() + dt.timedelta(days=1)).isoformat(),
            "outcome_item": outcomes.ITEMS.get(task.item_code or ""),
            "outcomes": outcomes.outcomes_of(s, [t.id for t in full.tasks]),
            "registration": views.registration_beside(s, full)}


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_page(request: Request, task_id: int, s: SessionDep, user: Annotated[User, _staff("无法查看事项")],
              done: str | None = None) -> Response:
    return _detail(request, "workbench/task.html", _task_context(s, user, task_id), user, done=done, values={})


@router.post("/tasks/{task_id}/full", response_class=HTMLResponse)
def task_page_in_full(request: Request, task_id: int, s: SessionDep, user: Annotated[User, _staff("无法查看事项")],
                      form: PostedForm) -> Response:
    """显示完整信息: the task page with the form's personal fields in full, on the staff member's explicit
    request (a POST with the page's CSRF token, never a link), the read written to the audit log."""
    ctx = _task_context(s, user, task_id, in_full=True)
    return _detail(request, "workbench/task.html", ctx, user, values={},
                   revealed="已显示完整个人信息，本次查看已记入审计日志。")


def _day(value: str) -> dt.date | str | None:
    """A date input's value (YYYY-MM-DD), None when empty, or the Chinese problem with it."""
    if not value:
        return None
    return dates.read_date(value) or "请选择有效的日期"


@router.post("/tasks/{task_id}", response_class=HTMLResponse)
def task_action(request: Request, task_id: int, s: SessionDep, user: Annotated[User, _staff("无法办理")],
                form: PostedForm) -> Response:
    action, reason, version = text(form, "action"), text(form, "reason"), version_of(text(form, "version"))
    missing = [str(m) for m in form.getlist("missing")]
    missing += [line.strip() for line in text(form, "missing_other").splitlines() if line.strip()]
    due = _day(text(form, "correction_due"))
    errors: dict[str, str] = {}
    if version is None:
        errors["version"] = VERSION_MISSING
    if action == "correct":  # the applicant reads why, and until when (every problem at once)
        if not reason:
            errors["reason"] = "请填写补正原因（申请人将看到）"
        if isinstance(due, str):
            errors["correction_due"] = due
    if action == "transfer":
        agency = text(form, "agency")
        return form_action(
            s, lambda: cases.transfer(s, user, task_id, agency, reason, version=version),
            f"/workbench/tasks/{task_id}?done=transfer",
            lambda errors, status: _detail(request, "workbench/task.html", _task_context(s, user, task_id), user,
                                           errors=errors, status=status, failed_action=action,
                                           values={"reason": reason, "agency": agency}),
            errors=errors or None, retry=True)
    # 办结 of an item that records a result (1.8.1): the reviewer's entries (kuaiban.services.outcomes)
    outcome = {key: text(form, f"outcome.{key}") for key in OUTCOME_FIELDS}
    return form_action(
        s, lambda: cases.act(s, user, task_id, action, version=version, reason=reason or None, missing=missing,
                             correction_due=due if isinstance(due, dt.date) else None,
                             outcome=outcome if action == "complete" else None),
        f"/workbench/tasks/{task_id}?done={action}",
        lambda errors, status: _detail(request, "workbench/task.html", _task_context(s, user, task_id), user,
                                       errors=errors, status=status, failed_action=action,
                                       values={"reason": reason, "correction_due": text(form, "correction_due"),
                                               **{f"outcome.{k}": v for k, v in outcome.items()}}),
        errors=errors or None, retry=True)


OUTCOME_FIELDS = ("decision", "monthly_amount", "months", "first_month", "account", "reason")


# ---------------------------------------------------------------- a whole case (整件办理)


def _case_context(s, user: User, number: str) -> dict:
    case = cases.get_case(s, user, number)
    return {"case": case, "trail": views.audit_trail(s, case.id), "action_names": ACTION_NAMES,
            "overdue": {t.id for t in case.tasks if views.is_overdue(t)}, "marks": views.deadline_states(case.tasks),
            "applicant": views.applicant_line(case), "steps": _case_steps(user, case)}


def _case_steps(user: User, case) -> list[tuple[str, str, list]]:
    """The whole-case actions this staff member can take now: (action, button, ready tasks)."""
    out = []
    for action in cases.CASE_STEPS:
        step = cases.STEPS[action]
        if step.role != user.role:
            continue
        ready = [t for t in case.tasks if t.state == step.source]
        if ready:
            out.append((action, f"整件{step.name}（{len(ready)} 个事项）", ready))
    return out


@router.get("/cases/{number}", response_class=HTMLResponse)
def case_page(request: Request, number: str, s: SessionDep, user: Annotated[User, _staff("无法查看办件")],
              done: str | None = None) -> Response:
    return _detail(request, "workbench/case.html", _case_context(s, user, number), user, done=done)


@router.post("/cases/{number}", response_class=HTMLResponse)
def case_action(request: Request, number: str, s: SessionDep, user: Annotated[User, _staff("无法办理")],
                form: PostedForm) -> Response:
    action = text(form, "action")
    excepted = [int(v) for v in form.getlist("except") if str(v).isdigit()]
    return form_action(
        s, lambda: cases.act_case(s, user, number, action, except_ids=excepted),
        f"/workbench/cases/{number}?done=case_{action}",
        lambda errors, status: _detail(request, "workbench/case.html", _case_context(s, user, number), user,
                                       errors=errors, status=status), retry=True)


# ---------------------------------------------------------------- commitments


def _commitment_context(s, user: User, commitment_id: int) -> dict:
    c = views.commitment(s, commitment_id)
    if c is None:
        raise NotFound(f"没有这份承诺：{commitment_id}")
    cases.check_case_access(user, c.case)
    return {"c": c, "case": c.case, "trail": views.audit_trail(s, c.case_id), "action_names": ACTION_NAMES}


@router.get("/commitments/{commitment_id}", response_class=HTMLResponse)
def commitment_page(request: Request, commitment_id: int, s: SessionDep,
                    user: Annotated[User, _staff("无法查看承诺")], done: str | None = None) -> Response:
    return _detail(request, "workbench/commitment.html", _commitment_context(s, user, commitment_id), user, done=done)


@router.post("/commitments/{commitment_id}", response_class=HTMLResponse)
def verify_commitment(request: Request, commitment_id: int, s: SessionDep,
                      user: Annotated[User, _staff("无法核查")], form: PostedForm) -> Response:
    truthful, note = text(form, "truthful"), text(form, "note")
    errors = {}
    if truthful not in ("yes", "no"):
        errors["truthful"] = "请选择核查结果：属实或不实"
    elif truthful == "no" and not note:
        errors["note"] = "核查不实须说明情况"
    return form_action(
        s, lambda: cases.verify_commitment(s, user, commitment_id, truthful == "yes", note or None),
        f"/workbench/commitments/{commitment_id}?done=verified",
        lambda errors, status: _detail(request, "workbench/commitment.html",
                                       _commitment_context(s, user, commitment_id), user, errors=errors,
                                       status=status),
        errors=errors, field_of=lambda exc: "truthful" if exc.field in (None, "commitment_id") else exc.field)


# ---------------------------------------------------------------- rectifications (差评整改)


def _rect_context(s, user: User, rect_id: int) -> dict:
    if user.role != SUPERVISOR:
        raise Forbidden("差评整改仅监督人员办理")
    rect = views.rectification(s, rect_id)
    if rect is None:
        raise NotFound(f"没有这项整改：{rect_id}")
    access.require_serves(user, rect.region, f"整改 {rect_id}")
    rating = s.get(Rating, rect.rating_id)
    if rect.case_id is None:  # a benefit claim's rating (kuaiban.claim_ratings): the claim's page has its history
        claim = s.get(Claim, rect.claim_id)
        return {"rect": rect, "case": None, "claim": claim, "claim_title": claim_ratings.title(claim),
                "rating": rating, "levels": ratings.LEVELS, "note_label": RECT_NOTES.get(rect.state),
                "trail": views.rectification_trail(s, rect), "action_names": ACTION_NAMES,
                "trail_caption": "本次评价及其整改的审计记录（只可追加）"}
    return {"rect": rect, "case": s.get(Case, rect.case_id), "rating": rating, "levels": ratings.LEVELS,
            "note_label": RECT_NOTES.get(rect.state), "trail": views.audit_trail(s, rect.case_id),
            "action_names": ACTION_NAMES}


@router.get("/rectifications/{rect_id}", response_class=HTMLResponse)
def rectification_page(request: Request, rect_id: int, s: SessionDep,
                       user: Annotated[User, _staff("无法查看整改")], done: str | None = None) -> Response:
    return _detail(request, "workbench/rectification.html", _rect_context(s, user, rect_id), user, done=done)


@router.post("/rectifications/{rect_id}", response_class=HTMLResponse)
def advance_rectification(request: Request, rect_id: int, s: SessionDep,
                          user: Annotated[User, _staff("无法办理整改")], form: PostedForm) -> Response:
    note, version = text(form, "note"), version_of(text(form, "version"))
    return form_action(
        s, lambda: ratings.advance(s, user, rect_id, note, version=version),
        f"/workbench/rectifications/{rect_id}?done=advanced",
        lambda errors, status: _detail(request, "workbench/rectification.html", _rect_context(s, user, rect_id),
                                       user, errors=errors, status=status),
        errors={"note": VERSION_MISSING} if version is None and note else None, field_of=lambda exc: "note")
