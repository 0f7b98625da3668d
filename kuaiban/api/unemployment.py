"""失业登记 JSON API: validate and submit applications, the caseworker's queue and decisions, follow-ups,
services, deregistration and statistics. A thin layer over :mod:`kuaiban.unemployment`.

Errors are JSON ``{"detail": 中文说明, "field": 出错的字段}`` (401/403/404/409/422); an invalid application
record adds ``"errors": [{"field": 指标编码, "rule": …, "message": …}, …]`` with every error.
Authenticate as for the 快办 API (``POST /api/auth/login``, ``Authorization: Bearer <token>``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from kuaiban.api.caller_first import SignedInFirst
from kuaiban.api.services import Full, SessionDep, UserDep
from kuaiban.platform import audit, personal_data, regions, throttle
from kuaiban.platform.models import APPLICANT, SUPERVISOR
from kuaiban.platform.transactions import retrying_savepoint
from kuaiban.unemployment import decision, deregistration, lifecycle, registration, statistics
from kuaiban.unemployment import models as m
from kuaiban.unemployment.national.refusals import refused_downloads
from kuaiban.unemployment.personal import masked_record

router = APIRouter(prefix="/api/unemployment", tags=["失业登记"], route_class=SignedInFirst)


class Strict(BaseModel):
    model_config = {"extra": "forbid"}


PlaceBasis = Literal["户籍地", "常住地", "就业地", "参保地"]


def _time(v: dt.datetime | None) -> str | None:
    return v.isoformat() if v else None


def registration_out(reg: m.Registration, *, staff: bool, masked: bool = False) -> dict[str, Any]:
    """A registration as shown to its applicant, or (``staff``) to caseworkers with the register check.

    ``masked`` (every list, and answers to a step): identity numbers, phones and addresses masked
    (430104********1249, 138****1234, cut to the county); only the detail endpoint shows them in full."""
    hide = masked_record if masked else (lambda r: r)
    text = reg.commitment.text if reg.commitment else None
    if masked and text and reg.id_number:
        text = text.replace(reg.id_number, personal_data.mask_id_number(reg.id_number))
    out = {"aaz341": reg.aaz341, "adc201": reg.adc201, "aab301": reg.aab301,
           "region_name": regions.full_name(reg.aab301), "channel": reg.channel,
           "channel_name": m.CHANNEL_NAMES[reg.channel], "place_basis": reg.place_basis, "name": reg.name,
           "status": reg.status, "version": reg.version, "submitted_at": _time(reg.submitted_at),
           "limit_working_days": reg.limit_working_days, "limit_basis": reg.limit_basis, "due_at": _time(reg.due_at),
           "due_provisional": bool(reg.due_provisional),
           "decided_at": _time(reg.decided_at), "decision": reg.decision, "reject_reason": reg.reject_reason,
           "contact_due_at": _time(reg.contact_due_at), "deregistered_at": _time(reg.deregistered_at),
           "declaration": {"text": text, "signer": reg.commitment.signer,
                           "signed_at": _time(reg.commitment.signed_at), "signature": reg.commitment.signature,
                           "source": reg.commitment.source} if reg.commitment else None,
           "notices": [notice_out(n, staff=staff) for n in reg.notices]}
    if staff:
        dereg = reg.deregistration
        out |= {"suggested_reason": decision.suggested_reason(reg) if reg.status == m.PENDING else None,
                "exit_held": dereg.exit_held if dereg else None}
        out |= {"id_number": personal_data.mask_id_number(reg.id_number) if masked else reg.id_number,
                "register_flagged": reg.register_flagged,
                "register_check": reg.register_check, "application": hide(reg.application), "result": hide(reg.result),
                "result_notes": reg.result_notes, "result_uploaded_at": _time(reg.result_uploaded_at)}
    return out


def notice_out(n: m.Notice, *, staff: bool = True) -> dict[str, Any]:
    """A notice owed to the person (告知) and how it was given; ``told_at`` null: not yet. The note is the
    caseworker's record of how the person was reached (an internal note): shown to staff, never to the person."""
    out = {"about": n.about, "about_name": m.NOTICE_ABOUT[n.about], "owed_since": _time(n.owed_since),
           "method": n.method, "told_at": _time(n.told_at)}
    return out | {"note": n.note} if staff else out


def _out(reg: m.Registration, user, *, masked: bool = True) -> dict:
    """Staff see a registration masked unless ``masked=False`` (the audited detail read); an applicant
    sees their own in full."""
    staff = user.role != "applicant"
    return registration_out(reg, staff=staff, masked=masked and staff)


# --------------------------------------------------------------------------- application


class ValidateIn(Strict):
    record: dict[str, Any] = Field(description="失业登记申请信息，以指标编码为键")
    channel: Literal["online", "window", "national"] = "online"
    place_basis: PlaceBasis | None = None
    submitted_on: dt.date | None = Field(None, description="按哪一天校验（默认今天）")


@router.post("/validate", summary="校验失业登记申请信息（逐项返回错误，不保存）")
def validate(body: ValidateIn) -> dict:
    on = body.submitted_on or audit.now().date()
    errors = registration.application_errors(body.record, channel=body.channel, submitted_on=on,
                                             place_basis=body.place_basis)
    return {"valid": not errors, "errors": [e.as_dict() for e in errors],
            "place_bases": list(registration.place_bases_on(on)),
            "limit": registration.decision_limit(on).__dict__}


class SubmitIn(Strict):
    record: dict[str, Any] = Field(description="失业登记申请信息（40 项，以指标编码为键；本地申请不填 ADC201）")
    place_basis: PlaceBasis | None = Field(None, description="登记地依据；默认按 ADC221")
    declaration_signed: bool = Field(description="申请人已签署书面承诺")


@router.post("/registrations", status_code=201, summary="申请失业登记（本人线上申请，或窗口人员代为录入）")
def submit(body: SubmitIn, session: SessionDep, user: UserDep, request: Request) -> dict:
    if user.role == APPLICANT:  # as the page (kuaiban.web.unemployment_pages): counter filings are not limited
        throttle.limit_submissions(session, throttle.submission_keys(
            "unemployment_apply", request.client.host if request.client else None, user.id), audit.now())
    reg = registration.submit(session, user, body.record, place_basis=body.place_basis,
                              declaration_signed=body.declaration_signed)
    return _out(reg, user)


@router.get("/registrations/mine", summary="我的失业登记")
def mine(session: SessionDep, user: UserDep) -> list[dict]:
    return [_out(r, user) for r in registration.my_registrations(session, user)]


@router.get("/registrations/{aaz341}", summary="失业登记详情（工作人员看到的个人信息部分隐藏，full=true 显示完整信息）")
def get_one(aaz341: str, session: SessionDep, user: UserDep, full: Full = False) -> dict:
    """As the caseworker's review page: masked like the queue, in full only when asked (``full``), that read
    written to the audit log (who, which registration, which fields, when). An applicant sees their own in full."""
    reg = registration.get_registration(session, user, aaz341)
    if full:
        registration.disclose(session, user, reg)  # records nothing for the applicant's own read
    return _out(reg, user, masked=not full)


# --------------------------------------------------------------------------- caseworker


@router.get("/queue", summary="经办队列：本地区待审核（或指定状态）的失业登记，先到期者在前")
def work_queue(session: SessionDep, user: UserDep, status: str = m.PENDING) -> list[dict]:
    regs = decision.queue(session, user, status=status)
    lost = decision.unassigned_ids(session, regs) if user.role == SUPERVISOR else set()
    return [_out(r, user) | {"unassigned": r.id in lost} for r in regs]


@router.get("/overdue", summary="已超过办结时限仍未审核的失业登记")
def overdue(session: SessionDep, user: UserDep) -> list[dict]:
    return [_out(r, user) for r in decision.overdue(session, user)]


class DecideIn(Strict):
    approve: bool = Field(description="true 审核通过，false 审核不通过")
    reason: str | None = Field(None, description="审核不通过原因（AAE360，不通过时必填）")
    version: int = Field(ge=1, description="审核人看到的版本号（并发控制）")


@router.post("/registrations/{aaz341}/decision", summary="审核：通过或不通过（生成审核结果信息）")
def decide(aaz341: str, body: DecideIn, session: SessionDep, user: UserDep) -> dict:
    return _out(retrying_savepoint(session, lambda: decision.decide(
        session, user, aaz341, approve=body.approve, reason=body.reason, version=body.version),
        what="unemployment decision"), user)


# --------------------------------------------------------------------------- life cycle


class FollowUpIn(Strict):
    method: Literal["信息比对", "实地走访", "电话调查", "短信"]
    outcome: Literal["仍处失业", "已就业", "拒绝服务", "无法联系"]
    at: dt.datetime | None = Field(None, description="联系或调查时间（默认现在）")
    note: str | None = None
    exit_reason: Literal["11", "12", "13", "14"] | None = Field(
        None, description="结果为已就业时必填：就业情形（注销原因 AJC00A），同时注销失业登记")
    employer: str | None = Field(None, description="已就业且情形为 11、14 的用人单位，或 12 的经营主体")


@router.post("/registrations/{aaz341}/followups", status_code=201,
             summary="记录联系或跟踪调查（结果为已就业时同时注销失业登记）")
def followup(aaz341: str, body: FollowUpIn, session: SessionDep, user: UserDep) -> dict:
    f = retrying_savepoint(session, lambda: lifecycle.record_followup(
        session, user, aaz341, method=body.method, outcome=body.outcome, at=body.at, note=body.note,
        exit_reason=body.exit_reason, employer=body.employer), what="unemployment followup")
    reg = registration.get_registration(session, user, aaz341)
    return {"id": f.id, "at": _time(f.at), "method": f.method, "outcome": f.outcome, "note": f.note,
            "status": reg.status}


class NoticeIn(Strict):
    about: Literal["decision", "deregistration"] = Field(description="告知事项：decision 审核结果，deregistration 注销")
    method: Literal["电话", "短信", "当面告知", "书面通知"]
    at: dt.datetime | None = Field(None, description="告知时间（默认现在）")
    note: str | None = Field(None, description="备注（内部记录，仅工作人员可见，不向本人显示）")


@router.post("/registrations/{aaz341}/notices", status_code=201, summary="记录已告知本人（无账号的申请人）")
def record_notice(aaz341: str, body: NoticeIn, session: SessionDep, user: UserDep) -> dict:
    return notice_out(lifecycle.record_notice(session, user, aaz341, about=body.about, method=body.method,
                                              at=body.at, note=body.note))


@router.get("/notices/owed", summary="待告知：审核结果或注销尚未告知本人的失业登记")
def notices_owed(session: SessionDep, user: UserDep) -> list[dict]:
    return [notice_out(n) | {"aaz341": n.registration.aaz341, "name": n.registration.name}
            for n in lifecycle.notices_owed(session, user)]


@router.get("/national/refused", summary="全国平台转办但无法入库的申请及原因（无法回传审核结果）")
def national_refused(session: SessionDep, user: UserDep) -> list[dict]:
    return [{"adc201": d.adc201, "name": d.name, "place": d.place, "received_at": _time(d.received_at),
             "reason": d.reason} for d in refused_downloads(session, user)]


@router.get("/followups/due", summary="待联系、待跟踪、漏跟踪及系统建议注销的登记失业人员")
def followups_due(session: SessionDep, user: UserDep) -> list[dict]:
    return [s | {"contact_due_at": _time(s["contact_due_at"]), "first_contact_at": _time(s["first_contact_at"])}
            for s in lifecycle.followups_due(session, user)]


class ServiceIn(Strict):
    service_key: str = Field(description="服务项目（见 GET /api/unemployment/services）")
    note: str | None = None


@router.get("/services", summary="登记失业人员服务清单（人社厅发〔2020〕3号 四（一）至（七））")
def services() -> list[dict]:
    return [s.__dict__ for s in lifecycle.service_package()]


@router.post("/registrations/{aaz341}/services", status_code=201, summary="记录已提供的服务")
def record_service(aaz341: str, body: ServiceIn, session: SessionDep, user: UserDep) -> dict:
    row = lifecycle.record_service(session, user, aaz341, body.service_key, note=body.note)
    return {"service_key": row.service_key, "provided_at": _time(row.provided_at), "note": row.note}


@router.get("/registrations/{aaz341}/services", summary="服务提供情况")
def services_state(aaz341: str, session: SessionDep, user: UserDep) -> list[dict]:
    reg = registration.get_registration(session, user, aaz341)
    return [s | {"provided_at": _time(s["provided_at"])} for s in lifecycle.services_state(session, reg)]


@router.get("/exit-reasons", summary="注销失业登记原因（AJC00A）及系统处理方式与依据")
def exit_reasons() -> list[dict]:
    return [r.__dict__ for r in deregistration.exit_reasons().values()]


class DeregisterIn(Strict):
    reason_code: str = Field(description="注销失业登记原因（AJC00A）")
    version: int = Field(ge=1, description="经办人看到的版本号（并发控制）")
    effective_on: dt.date | None = Field(None, description="注销失业登记时间（ADC210，默认今天）")
    sub_reason: str | None = Field(None, description="原因 24 的具体情形：入学、应征服兵役、移居境外")
    employer: str | None = Field(None, description="原因 11、14 的用人单位；原因 12 的经营主体")
    note: str | None = Field(None, description="核实情况或本地确定的情形")
    social_security_number: str | None = Field(
        None, description="社会保障号码（AAC002）：登记信息中没有时填写；不填则注销照常办理，退出信息待补录后上传")


def _exit_out(aaz341: str, row: m.Deregistration) -> dict:
    return {"aaz341": aaz341, "exit_aaz341": row.aaz341, "reason_code": row.reason_code,
            "notice_required": row.notice_required, "exit_record": masked_record(row.exit_record),
            "exit_uploaded_at": _time(row.exit_uploaded_at), "exit_held": row.exit_held}


@router.post("/registrations/{aaz341}/deregistration", status_code=201, summary="注销失业登记（生成退出信息待上传）")
def deregister(aaz341: str, body: DeregisterIn, session: SessionDep, user: UserDep) -> dict:
    row = retrying_savepoint(session, lambda: deregistration.deregister(
        session, user, aaz341, reason_code=body.reason_code, version=body.version, effective_on=body.effective_on,
        sub_reason=body.sub_reason, employer=body.employer, note=body.note,
        social_security_number=body.social_security_number), what="unemployment deregistration")
    return _exit_out(aaz341, row)


class ExitNumberIn(Strict):
    social_security_number: str = Field(description="社会保障号码（AAC002）")


@router.post("/registrations/{aaz341}/exit-number", summary="补录退出信息的社会保障号码（补录后随当日退出信息上传）")
def exit_number(aaz341: str, body: ExitNumberIn, session: SessionDep, user: UserDep) -> dict:
    return _exit_out(aaz341, deregistration.supply_exit_number(session, user, aaz341, body.social_security_number))


# --------------------------------------------------------------------------- statistics


@router.get("/statistics", summary="失业登记统计（报表期：上月21日至本月20日）")
def stats(session: SessionDep, user: UserDep, year: int | None = None, month: int | None = None,
          start: dt.date | None = None, end: dt.date | None = None, region: str | None = None) -> dict:
    if start is None or end is None:
        today = audit.now().date()
        if year is None or month is None:
            # the period that contains today: after the 20th it is next month's
            year, month = (today.year, today.month) if today.day <= 20 else \
                ((today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1))
        start, end = statistics.report_period(year, month)
    return statistics.statistics_for(session, user, start, end, region=region)
