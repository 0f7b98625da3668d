"""失业保险关系跨省转移 JSON API (人社厅发〔2021〕85号): start, each office's steps, the fund, the person following.

Staff act only for the side (转出地 / 转入地) whose region they serve; the person sees only their own transfers.
Errors are ``{"detail", "field"}`` as in the rest of the 失业登记 API. The partner interface between systems is
not here: it is our own protocol (docs/unemployment-transfer.md) served by the exchanger.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from kuaiban.api.caller_first import SignedInFirst
from kuaiban.api.services import Full, SessionDep, UserDep
from kuaiban.platform import audit
from kuaiban.platform.models import APPLICANT, User
from kuaiban.unemployment import transfer

router = APIRouter(prefix="/api/unemployment/transfers", tags=["失业登记"], route_class=SignedInFirst)


class Strict(BaseModel):
    model_config = {"extra": "forbid"}


class StartIn(Strict):
    side: Literal["origin", "destination"] = Field(description="向转出地（origin）还是转入地（destination）经办机构申请")
    origin_region: str = Field(description="转出地行政区划代码")
    destination_region: str = Field(description="转入地行政区划代码")
    name: str = Field(description="姓名")
    card_number: str = Field(description="社保卡号")
    id_number: str | None = Field(None, description="公民身份号码（经办机构代办时填写；本人申请取实名信息）")
    employment_status: str = Field(description="就业失业状态：参保职工，或参保失业人员（不符合领金条件 / 符合领金条件但未申领 / 正在领金期间）")


class Period(Strict):
    region: str
    start: str = Field(description="YYYY-MM")
    end: str = Field(description="YYYY-MM")


class Contributions(Strict):
    approved: list[Period] = Field(default_factory=list, description="已核定失业保险金缴费记录")
    unapproved: list[Period] = Field(default_factory=list, description="未核定失业保险金缴费记录")


class Unpaid(Strict):
    months: int = Field(ge=0, description="应当领取而尚未领取的失业保险金月数")
    monthly_amount: str = Field(description="每月金额（元）")


class TransferOutIn(Strict):
    contributions: Contributions
    unpaid_benefit: Unpaid | None = None
    unemployment_reason: str | None = Field(None, description="失业原因")
    benefit_standard: str | None = Field(None, description="失业保险待遇标准（元/月）")
    other: dict[str, Any] = Field(default_factory=dict, description="其他必要信息")
    entitlement: str | None = Field(None, description="应享受失业保险金总额（元）；不填则按尚未领取记录计算")


class RefuseIn(Strict):
    reason: str = Field(min_length=1, description="不予办理的理由（必填）")


def _out(t, user: User, *, full: bool = False) -> dict:
    """Staff see the 社保卡号 and 公民身份号码 masked unless they ask for the record in full (audited); the person
    sees their own card number."""
    return transfer.as_dict(t, today=audit.now().date(), mask_card=user.role != APPLICANT, in_full=full)


@router.post("", status_code=201, summary="申请失业保险关系跨省转移（本人线上，或转出地/转入地经办机构代办）")
def start(body: StartIn, session: SessionDep, user: UserDep) -> dict:
    return _out(transfer.start(session, user, **body.model_dump()), user)


@router.get("/mine", summary="我的失业保险关系转移（办理进度）")
def mine(session: SessionDep, user: UserDep) -> list[dict]:
    return [_out(t, user) for t in transfer.mine(session, user)]


@router.get("/queue", summary="本经办机构待办的转移：受理、转出、转入、费用划转或到账确认，先到期者在前")
def queue(session: SessionDep, user: UserDep) -> list[dict]:
    return [_out(t, user) for t in transfer.queue(session, user)]


@router.get("/{ref}", summary="转移详情与各环节记录（工作人员看到的社保卡号、证件号码部分隐藏，full=true 显示完整信息）")
def get_one(ref: str, session: SessionDep, user: UserDep, full: Full = False) -> dict:
    t = transfer.get(session, user, ref)
    if full:
        transfer.disclose(session, user, t)  # records nothing for the person's own read
    return _out(t, user, full=full)


@router.post("/{ref}/accept", summary="转入地受理并向转出地发出联系函（5个工作日内）")
def accept(ref: str, session: SessionDep, user: UserDep) -> dict:
    return _out(transfer.accept(session, user, ref), user)


@router.post("/{ref}/transfer-out", summary="转出地办理转出：完成转移记录，计算基金转移金额（5个工作日内）")
def transfer_out(ref: str, body: TransferOutIn, session: SessionDep, user: UserDep) -> dict:
    details = body.model_dump(exclude={"entitlement"})
    return _out(transfer.transfer_out(session, user, ref, details=details, entitlement=body.entitlement), user)


@router.post("/{ref}/transfer-in", summary="转入地办理转入（不以费用未到账为由拒办）")
def transfer_in(ref: str, session: SessionDep, user: UserDep) -> dict:
    return _out(transfer.transfer_in(session, user, ref), user)


@router.post("/{ref}/refuse", summary="不予办理（须说明理由）")
def refuse(ref: str, body: RefuseIn, session: SessionDep, user: UserDep) -> dict:
    return _out(transfer.refuse(session, user, ref, reason=body.reason), user)


@router.post("/{ref}/fund-sent", summary="转出地登记失业保险费用已划转（转出后1个月内）")
def fund_sent(ref: str, session: SessionDep, user: UserDep) -> dict:
    return _out(transfer.send_fund(session, user, ref), user)


@router.post("/{ref}/fund-received", summary="转入地确认失业保险费用到账")
def fund_received(ref: str, session: SessionDep, user: UserDep) -> dict:
    return _out(transfer.confirm_fund(session, user, ref), user)
