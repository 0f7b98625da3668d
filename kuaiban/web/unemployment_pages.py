"""失业登记 pages: what it is and where one may register, the application form (a citizen for themselves,
or a 窗口人员 filing for someone), the applicant's own registration, and the caseworker's queue and
registration page (审核, 跟踪调查, 服务, 注销).

A thin layer over :mod:`kuaiban.unemployment`: the form is checked by the same validator as the API
(``registration.application_errors``), each message shown at its field and in a summary at the top,
nothing stored while any error remains; the 书面承诺 generated from the record is shown on a second
step and signed there before ``registration.submit`` files it (人社厅发〔2020〕3号 三, hunan-hrss-2020.txt:3403:
“由本人对填写信息真实性作出书面承诺”). Every POST carries the session's CSRF token
(:mod:`kuaiban.web.page_support`), runs in one transaction and redirects (303) to a page that can be
reloaded; the caseworker's forms carry the registration's version, so a stale form gets the core's
Chinese conflict message and the page shows the registration as it now is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kuaiban.platform import audit, throttle
from kuaiban.platform.errors import ServiceError, TooManyRequests
from kuaiban.platform.models import APPLICANT, REVIEWER, SUPERVISOR, WINDOW, Applicant, User
from kuaiban.programs import definitions as programs
from kuaiban.services import catalogue
from kuaiban.unemployment import decision, deregistration, lifecycle, registration
from kuaiban.unemployment import models as m
from kuaiban.unemployment.national.refusals import refused_downloads
from kuaiban.unemployment.personal import is_personal, masked_record, masked_text
from kuaiban.unemployment.registration import RecordInvalid
from kuaiban.unemployment.validate import FieldError
from kuaiban.web import unemployment_views as uv
from kuaiban.web.page_support import (
    VERSION_MISSING,
    PageRefused,
    PostedForm,
    SessionDep,
    Visitor,
    form_action,
    page_user,
    text,
    version_of,
)
from kuaiban.web.templating import render, templates

router = APIRouter(prefix="/unemployment", include_in_schema=False)

STAFF = (WINDOW, REVIEWER, SUPERVISOR)
CASEWORKERS = (WINDOW, REVIEWER)  # follow-ups, services and deregistration (lifecycle, deregistration)
DONE = {"submitted": "申请已提交，书面承诺已签署。", "decided": "审核结果已保存。", "followup": "跟踪调查已记录。",
        "service": "服务提供情况已记录。", "deregistered": "失业登记已注销，退出信息已生成待上传。",
        "notice": "告知情况已记录。", "exit_number": "社会保障号码已补录，退出信息随当日退出信息上传。"}


def _now() -> dt.datetime:
    return audit.now()


# ---------------------------------------------------------------- what 失业登记 is


@router.get("", response_class=HTMLResponse)
def index(request: Request, s: SessionDep, user: Visitor) -> Response:
    today = _now().date()
    return render(request, "unemployment/index.html", {
        "clauses": uv.clause_links(s), "limit": registration.decision_limit(today),
        "places": registration.place_bases_on(today), "declaration": registration.DECLARATION,
        "enterprise": _is_enterprise(user)}, user=user)


def _is_enterprise(user: User | None) -> bool:
    """A 单位 account: 失业登记 is applied for by the worker, under a personal account, so no 申请 link leads it
    to a refusal."""
    return user is not None and user.applicant is not None and user.applicant.kind == "enterprise"


# ---------------------------------------------------------------- the application form


def _filer(request: Request, s: SessionDep, user: Annotated[User, page_user()]) -> User:
    """A citizen applying for themselves, or a window clerk filing for someone."""
    if user.role == APPLICANT:
        own = s.get(Applicant, user.applicant_id) if user.applicant_id else None
        if own is None or own.kind != "citizen":
            raise PageRefused("无法申请失业登记", "失业登记须以个人办事人账号申请；单位账号不能申请。")
    elif user.role != WINDOW:
        raise PageRefused("无法录入失业登记申请",
                          "失业登记申请由本人线上提交，或由窗口人员代为录入；后台审核人员和监督人员请前往审核队列。")
    return user


Filer = Annotated[User, Depends(_filer)]


def _prefill(s: Session, user: User, today: dt.date) -> dict[str, str]:
    """What the form can start with: today's date, the applicant's own name and ID, the clerk's region
    (the window accepts for its own region only, so that is the 登记失业地)."""
    values = {"AAE127": today.strftime("%Y%m%d")}
    if user.role == APPLICANT and user.applicant_id:
        own = s.get(Applicant, user.applicant_id)
        values["AAC003"] = own.name
        if own.id_number:
            values |= {"AAC044": own.id_number, "AAC002": own.id_number}
            if len(own.id_number) == 18:
                values["AAC058"] = "01"
        # the account's region is “户籍或常住地” (signup): which of the two is unknown, so it is not put into
        # 登记失业地, which follows the person's choice of 户籍地 or 常住地 (registration.derive_registration_place)
    elif user.region and len(user.region) == 6 and user.region.isdigit():
        values["AAB301"] = user.region
    return values


def _picked_date_message(e: FieldError) -> str | None:
    """A date the form asks with a picker, refused as no date: said as the form shows it (2021-05-20), not
    as the record stores it (the validator's 8 digits)."""
    if e.rule != "date" or e.field not in uv.form_codes() or uv.form_field(e.field).kind != "date":
        return None
    return f"{uv.form_label(e.field)}不是有效的日期，请按 2021-05-20 这样的格式填写，或点击选择日期"


def _channel(user: User) -> str:
    return m.ONLINE if user.role == APPLICANT else m.WINDOW


def _form_page(request: Request, user: User, values: dict[str, str], errors: list[FieldError], *,
               status: int = 200) -> Response:
    today = _now().date()
    by_field: dict[str, str] = {}
    for e in errors:
        message = _picked_date_message(e) or registration.place_message(e) or plain(e.message)
        by_field[e.field] = f"{by_field[e.field]}；{message}" if e.field in by_field else message
    order = uv.field_order()
    summary = sorted(by_field.items(), key=lambda kv: order.get(kv[0], -1))
    return render(request, "unemployment/form.html", {
        "groups": uv.form_groups(), "values": values, "errors": by_field,
        "summary": [(code if code in order else "ue-form", message) for code, message in summary],
        "places": registration.place_bases_on(today), "limit": registration.decision_limit(today),
        "channel": _channel(user), "declaration": registration.DECLARATION},
        status=status, user=user)


# the form's macros are imported without the page's context: what they call is global
templates.env.globals["region_levels"] = uv.region_levels
templates.env.globals["date_for_input"] = uv.date_for_input
templates.env.globals["date_in_words"] = uv.date_in_words
templates.env.globals["exit_reason_name"] = uv.exit_reason_name
templates.env.globals["today_iso"] = lambda: _now().date().isoformat()

_CODE_IN_MESSAGE = re.compile(r"（([A-Z]{3}\d{3})）")


def plain(message: str) -> str:
    """A validation message in the form's own words: the specification's indicator codes dropped
    (姓名（AAC003）→ 姓名) and a data-interface name replaced by the label the form shows
    (户籍地行政区划代码（AAB299）→ 户籍所在地), so the message names the field the person sees."""

    out, last = [], 0
    for match in _CODE_IN_MESSAGE.finditer(message):
        before = message[last:match.start()]
        name = uv.spec_name(match.group(1))
        if name and before.endswith(name):
            before = before[: -len(name)] + uv.form_label(match.group(1))
        out.append(before)
        last = match.end()
    return "".join(out) + message[last:]


def _confirm_page(request: Request, user: User, values: dict[str, str], errors: dict[str, str], *,
                  status: int = 200) -> Response:
    record = uv.record_from_form(values)
    basis = values.get("place_basis") or registration.PLACE_CODES.get(record.get("ADC221", ""), registration.HOUSEHOLD)
    return render(request, "unemployment/confirm.html", {
        "values": values, "record_groups": uv.record_groups(record), "basis": basis,
        "text": registration.declaration_text(record, basis), "name": record.get("AAC003", ""),
        "channel": _channel(user), "errors": errors, "codes": (*uv.form_codes(), "place_basis"),
        "limit": registration.decision_limit(_now().date())}, status=status, user=user)


@router.get("/apply", response_class=HTMLResponse)
def apply_form(request: Request, s: SessionDep, user: Filer) -> Response:
    if (already := registration.open_of_account(s, user)) is not None:  # before 37 fields are filled in
        raise PageRefused("已有有效的失业登记", already, status=409)
    return _form_page(request, user, _prefill(s, user, _now().date()), [])


@router.post("/apply", response_class=HTMLResponse)
def apply_submit(request: Request, s: SessionDep, user: Filer, form: PostedForm) -> Response:
    """Three steps: ``check`` the form (back to it with every error, or on to the declaration),
    ``edit`` (back to the form from the declaration) and ``submit`` (signed: file it)."""
    values = registration.derive_registration_place(
        uv.values_from_post(form) | {k: str(form.get(k) or "") for k in ("place_basis", "signer")})
    step, agree = text(form, "step") or "check", form.get("agree") == "1"
    if user.role == APPLICANT:  # the public form: a window clerk's filings at the counter are not limited
        try:
            throttle.limit_submissions(s, throttle.submission_keys(
                "unemployment_apply", request.client.host if request.client else None, user.id), _now())
        except TooManyRequests as exc:
            response = _form_page(request, user, values, [FieldError("form", "service", exc.message)],
                                  status=exc.status)
            response.headers.update(exc.headers)
            return response
    if step == "edit":
        return _form_page(request, user, values, [])
    if (already := registration.open_of_account(s, user)) is not None:  # before the form's own errors
        return _form_page(request, user, values, [FieldError("AAC002", "service", already)], status=409)
    record = registration.filing_day(uv.record_from_form(values), _now())  # 申请日期: the filing day
    values["AAE127"] = record["AAE127"]
    basis = values.get("place_basis") or None
    errors = registration.application_errors(record, channel=_channel(user), submitted_on=_now().date(),
                                             place_basis=basis)
    if errors:
        return _form_page(request, user, values, errors, status=422)
    duplicate = registration.duplicate_of(s, record)  # before anyone signs anything
    if duplicate:
        return _form_page(request, user, values, [FieldError("AAC002" if record.get("AAC002") else "AAC044",
                                                             "service", duplicate)], status=409)
    if step != "submit":
        return _confirm_page(request, user, values, {})
    sign_errors = {}
    if not agree:
        sign_errors["agree"] = ("请勾选：本人已阅读并签署上述书面承诺" if user.role == APPLICANT
                                else "请勾选：申请人已当面阅读并签署上述书面承诺")
    if values.get("signer", "").strip() != record.get("AAC003"):
        sign_errors["signer"] = f"签名须与姓名“{record.get('AAC003', '')}”一致"
    if sign_errors:
        return _confirm_page(request, user, values, sign_errors, status=422)
    # not form_action: an invalid record goes back to the form with every error, other refusals to the
    # declaration step
    try:
        reg = registration.submit(s, user, record, place_basis=basis, declaration_signed=True)
    except RecordInvalid as exc:
        s.rollback()
        return _form_page(request, user, values, exc.errors, status=exc.status)
    except ServiceError as exc:
        s.rollback()
        if exc.field in uv.field_order():
            return _form_page(request, user, values, [FieldError(exc.field, "service", exc.message)],
                              status=exc.status)
        return _confirm_page(request, user, values, {"agree": exc.message}, status=exc.status)
    target = (f"/unemployment/registrations/{reg.aaz341}" if user.role == APPLICANT
              else f"/unemployment/review/{reg.aaz341}")
    return RedirectResponse(f"{target}?done=submitted", status_code=303)


# ---------------------------------------------------------------- the applicant's own registrations


def _status_context(s: Session, reg: m.Registration, now: dt.datetime) -> dict:
    """What both the applicant's and the caseworker's page show about where a registration stands."""
    reasons = deregistration.exit_reasons()
    dereg = reg.deregistration
    return {"reg": reg, "now": now, "channel_name": m.CHANNEL_NAMES[reg.channel],
            "overdue": reg.status == m.PENDING and reg.due_at is not None and reg.due_at < now,
            "result_rows": uv.result_rows(reg.result), "decision_name": dict(uv.review_results()).get(reg.decision or ""),
            "services": lifecycle.services_state(s, reg) if reg.status in (m.REGISTERED, m.DEREGISTERED) else [],
            "dereg": dereg, "dereg_reason": reasons[dereg.reason_code].name if dereg else None,
            "region_name": uv.code_name("AAB301", reg.aab301), "benefit_route": _benefit_claim_route(reg.aab301)}


BENEFIT_ITEM = "1.8.1"  # 失业保险金申领 in the 快办 catalogue (人社部发〔2020〕26号 附件1)


def _benefit_claim_route(region: str | None) -> dict[str, str] | None:
    """Where this person can claim 失业保险金 online: the region's own program if this system runs one,
    else the 打包“一件事” that holds 1.8.1 失业保险金申领 (national, so every region has it)."""
    for program in programs.programs().values():
        if (program.calculator == "unemployment_benefit" and not program.no_application
                and region and program.covers(region)):
            return {"url": f"/programs/{program.code}/claim", "name": program.name}
    for bundle in catalogue.bundles():
        if BENEFIT_ITEM in bundle.codes():
            # its item page, where 1.8.1 is kept with every item (the form reached directly ticks only the
            # text's 默认勾选, without 失业保险金申领: walk s15 B2)
            return {"url": f"/services/bundles/{bundle.seq}", "name": f"“{bundle.name}”一件事"}
    return None


SignedIn = Annotated[User, page_user(refused="无法查看失业登记")]


@router.get("/mine", response_class=HTMLResponse)
def my_registrations(request: Request, s: SessionDep, user: SignedIn) -> Response:
    if user.role != APPLICANT:
        return RedirectResponse("/unemployment/review", status_code=303)
    now = _now()
    regs = registration.my_registrations(s, user)
    return render(request, "unemployment/mine.html", {
        "regs": regs, "overdue": {r.id for r in regs if r.status == m.PENDING and r.due_at and r.due_at < now},
        "enterprise": _is_enterprise(user)}, user=user)


@router.get("/registrations/{aaz341}", response_class=HTMLResponse)
def my_registration(request: Request, aaz341: str, s: SessionDep, user: SignedIn,
                    done: str | None = None) -> Response:
    if user.role != APPLICANT:
        return RedirectResponse(f"/unemployment/review/{aaz341}", status_code=303)
    reg = registration.get_registration(s, user, aaz341)
    return render(request, "unemployment/registration.html",
                  _status_context(s, reg, _now()) | {"notice": DONE.get(done or "")}, user=user)


# ---------------------------------------------------------------- the caseworker's queue


def _staff(refused: str | None = None):
    return page_user(STAFF, title="无权进入失业登记审核", message="失业登记审核仅供窗口人员、后台审核人员和监督人员使用。",
                     refused=refused)


Staff = Annotated[User, _staff()]


@router.get("/review", response_class=HTMLResponse)
def review_queue(request: Request, s: SessionDep, user: Staff, status: str = m.PENDING) -> Response:
    if status not in m.STATES:
        status = m.PENDING
    now = _now()
    regs = decision.queue(s, user, status=status)
    return render(request, "unemployment/queue.html", {
        "regs": regs, "status": status, "states": m.STATES, "channel_names": m.CHANNEL_NAMES,
        "overdue": {r.id for r in regs if r.status == m.PENDING and r.due_at is not None and r.due_at < now},
        "unassigned": decision.unassigned_ids(s, regs) if user.role == SUPERVISOR else set(),
        "attention": lifecycle.followups_due(s, user, on=now),
        "owed": lifecycle.notices_owed(s, user), "held": lifecycle.exits_held(s, user),
        "refused_downloads": refused_downloads(s, user),
        "notice_about": m.NOTICE_ABOUT}, user=user)


# ---------------------------------------------------------------- the caseworker's registration page

# which input of which form a core error names (field → element id); others go to the form's summary
FORM_FIELDS: dict[str, dict[str, str]] = {
    "decision": {"AAE540": "AAE540-1", "AAE360": "AAE360"},
    "followup": {"method": "fu-method", "outcome": "fu-outcome", "at": "fu-at", "note": "fu-note",
                 "exit_reason": "fu-exit", "employer": "fu-employer", "AJC00A": "fu-exit"},
    "service": {"service_key": "sv-key", "note": "sv-note"},
    "deregister": {"AJC00A": "dr-reason", "reason_code": "dr-reason", "sub_reason": "dr-sub", "employer": "dr-employer",
                   "note": "dr-note", "ADC210": "dr-date", "AAC002": "dr-ssn"},
    "notice": {"about": "nt-about", "method": "nt-method", "at": "nt-at", "note": "nt-note"},
    "exit_number": {"AAC002": "ex-ssn"},
}
FORM_TITLES = {"decision": "审核", "followup": "跟踪调查", "service": "服务", "deregister": "注销登记",
               "notice": "告知", "exit_number": "补录社会保障号码"}


def _review_context(s: Session, user: User, aaz341: str, *, full: bool = False) -> dict:
    """The caseworker's page of a registration. Personal fields are masked as in the queue (个人信息保护法:
    what the decision needs); ``full``: the staff member asked to see them (显示完整信息), a read the audit log
    records."""
    reg = registration.get_registration(s, user, aaz341)
    if full:
        registration.disclose(s, user, reg)
    application = reg.application if full else masked_record(reg.application)
    declaration = reg.commitment.text if reg.commitment else None
    now = _now()
    ctx = _status_context(s, reg, now) | {
        "full": full, "has_personal": any(is_personal(k) and v for k, v in (reg.application or {}).items()),
        "declaration": declaration if full else masked_text(declaration, reg.application, reg.id_number),
        "app_groups": uv.record_groups(application), "check": reg.register_check or {},
        "review_results": uv.review_results(), "exit_choices": uv.exit_choices(), "sub_reasons": uv.sub_reasons(),
        "methods": lifecycle.METHODS, "outcomes": lifecycle.OUTCOMES, "package": lifecycle.service_package(),
        "employed_exits": [(c, deregistration.exit_reasons()[c].name) for c in lifecycle.EMPLOYED_EXITS],
        "suggested_reason": decision.suggested_reason(reg) if reg.status == m.PENDING else None,
        "notice_methods": lifecycle.NOTICE_METHODS, "notice_about": m.NOTICE_ABOUT,
        "can_notify": user.role in CASEWORKERS,
        "can_decide": user.role == REVIEWER and reg.status == m.PENDING,
        "can_manage": user.role in CASEWORKERS and reg.status == m.REGISTERED,
        "followup_state": lifecycle.followup_state(reg, now) if reg.status == m.REGISTERED else None,
        "today": now.date().isoformat()}
    return ctx


@router.get("/review/{aaz341}", response_class=HTMLResponse)
def review_page(request: Request, aaz341: str, s: SessionDep, user: Annotated[User, _staff("无法查看失业登记")],
                done: str | None = None) -> Response:
    return render(request, "unemployment/review.html", _review_context(s, user, aaz341) | {
        "notice": DONE.get(done or ""), "errors": {}, "failed": None, "values": {}}, user=user)


@router.post("/review/{aaz341}/full", response_class=HTMLResponse)
def review_page_in_full(request: Request, aaz341: str, s: SessionDep,
                        user: Annotated[User, _staff("无法查看失业登记")], form: PostedForm) -> Response:
    """显示完整信息: the same page with the personal fields in full, on the staff member's explicit request
    (a POST with the page's CSRF token, never a link), the read written to the audit log."""
    return render(request, "unemployment/review.html", _review_context(s, user, aaz341, full=True) | {
        "notice": "已显示完整个人信息，本次查看已记入审计日志。", "errors": {}, "failed": None, "values": {}},
        user=user)


Caseworker = Annotated[User, _staff("无法办理")]


def _act(request: Request, s: Session, user: User, aaz341: str, form: str, values: dict[str, str],
         action: Callable[[int | None], None], done: str, check: Callable[[], dict[str, str]] | None = None, *,
         versioned: bool = True) -> Response:
    """One caseworker action (:func:`form_action`): the version (decision and deregistration change the
    registration; follow-ups and services add to it and the core checks its state), the core call; on
    refusal the page again with the message at the field (or in the summary) and the registration as it
    now is."""
    errors: dict[str, str] = dict(check()) if check else {}
    version = version_of(values.get("version", ""))
    if not errors and versioned and version is None:
        errors["version"] = VERSION_MISSING

    def again(errors: dict[str, str], status: int) -> Response:
        ids = FORM_FIELDS[form]
        errors = {k: plain(v) for k, v in errors.items()}
        return render(request, "unemployment/review.html", _review_context(s, user, aaz341) | {
            "notice": None, "errors": {ids[k]: v for k, v in errors.items() if k in ids},
            "summary": [(ids.get(k, f"form-{form}"), v) for k, v in errors.items()], "failed": form,
            "failed_title": FORM_TITLES[form], "values": values,
            "stale": any(k in ("version", "status") for k in errors)}, status=status, user=user)

    # every effect of these steps (the registration, its history, 待上传 rows, messages, audit) is in the request's
    # transaction: the step runs again after a PostgreSQL deadlock (kuaiban.platform.transactions, s20)
    return form_action(s, lambda: action(version), f"/unemployment/review/{aaz341}?done={done}", again,
                       errors=errors, retry=True)


def _values(form, names: tuple[str, ...]) -> dict[str, str]:
    return {k: text(form, k) for k in (*names, "version")}


@router.post("/review/{aaz341}/decision", response_class=HTMLResponse)
def decide(request: Request, aaz341: str, s: SessionDep, user: Caseworker, form: PostedForm) -> Response:
    values = _values(form, ("AAE540", "AAE360"))

    def check() -> dict[str, str]:
        codes = dict(uv.review_results())
        if values["AAE540"] not in codes:
            return {"AAE540": "请选择审核结果（AAE540）：" + "、".join(codes.values())}
        return {}

    def action(version: int | None) -> None:
        decision.decide(s, user, aaz341, approve=values["AAE540"] == m.APPROVED_CODE,
                        reason=values["AAE360"] or None, version=version or 0)

    return _act(request, s, user, aaz341, "decision", values, action, "decided", check)


def _datetime(value: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


@router.post("/review/{aaz341}/followup", response_class=HTMLResponse)
def followup(request: Request, aaz341: str, s: SessionDep, user: Caseworker, form: PostedForm) -> Response:
    values = _values(form, ("method", "outcome", "at", "note", "exit_reason", "employer"))

    def check() -> dict[str, str]:
        try:
            _datetime(values["at"])
        except ValueError:
            return {"at": "跟踪时间不是有效的时间，请按 2021-05-20 09:30 这样的格式填写，或点击选择"}
        return {}

    def action(version: int | None) -> None:
        lifecycle.record_followup(s, user, aaz341, method=values["method"], outcome=values["outcome"],
                                  at=_datetime(values["at"]), note=values["note"] or None,
                                  exit_reason=(values["exit_reason"] or None) if values["outcome"] == lifecycle.EMPLOYED
                                  else None, employer=values["employer"] or None)

    done = "deregistered" if values["outcome"] == lifecycle.EMPLOYED else "followup"
    return _act(request, s, user, aaz341, "followup", values, action, done, check, versioned=False)


@router.post("/review/{aaz341}/notice", response_class=HTMLResponse)
def notice(request: Request, aaz341: str, s: SessionDep, user: Caseworker, form: PostedForm) -> Response:
    """A caseworker records how a person without an account was told (告知)."""
    values = _values(form, ("about", "method", "at", "note"))

    def check() -> dict[str, str]:
        try:
            _datetime(values["at"])
        except ValueError:
            return {"at": "告知时间不是有效的时间，请按 2021-05-20 09:30 这样的格式填写，或点击选择"}
        return {}

    def action(version: int | None) -> None:
        lifecycle.record_notice(s, user, aaz341, about=values["about"], method=values["method"],
                                at=_datetime(values["at"]), note=values["note"] or None)

    return _act(request, s, user, aaz341, "notice", values, action, "notice", check, versioned=False)


@router.post("/review/{aaz341}/exit-number", response_class=HTMLResponse)
def exit_number(request: Request, aaz341: str, s: SessionDep, user: Caseworker, form: PostedForm) -> Response:
    values = _values(form, ("AAC002",))

    def action(version: int | None) -> None:
        deregistration.supply_exit_number(s, user, aaz341, values["AAC002"])

    return _act(request, s, user, aaz341, "exit_number", values, action, "exit_number", versioned=False)


@router.post("/review/{aaz341}/service", response_class=HTMLResponse)
def service(request: Request, aaz341: str, s: SessionDep, user: Caseworker, form: PostedForm) -> Response:
    values = _values(form, ("service_key", "note"))

    def action(version: int | None) -> None:
        lifecycle.record_service(s, user, aaz341, values["service_key"], note=values["note"] or None)

    return _act(request, s, user, aaz341, "service", values, action, "service", versioned=False)


@router.post("/review/{aaz341}/deregistration", response_class=HTMLResponse)
def deregister(request: Request, aaz341: str, s: SessionDep, user: Caseworker, form: PostedForm) -> Response:
    values = _values(form, ("AJC00A", "sub_reason", "employer", "note", "ADC210", "AAC002"))

    def check() -> dict[str, str]:
        if not values["AJC00A"]:
            return {"AJC00A": "请选择注销失业登记原因（AJC00A）"}
        try:
            dt.date.fromisoformat(values["ADC210"]) if values["ADC210"] else None
        except ValueError:
            return {"ADC210": "注销失业登记时间不是有效的日期，请按 2021-05-20 这样的格式填写，或点击选择日期"}
        return {}

    def action(version: int | None) -> None:
        deregistration.deregister(
            s, user, aaz341, reason_code=values["AJC00A"], version=version or 0,
            effective_on=dt.date.fromisoformat(values["ADC210"]) if values["ADC210"] else None,
            sub_reason=values["sub_reason"] or None, employer=values["employer"] or None, note=values["note"] or None,
            social_security_number=values["AAC002"] or None)

    return _act(request, s, user, aaz341, "deregister", values, action, "deregistered", check)
