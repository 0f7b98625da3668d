"""创业担保贷款 JSON API for every party: the applicant applies and follows each step; the 人社 office reviews
eligibility and checks 贴息 claims; the guarantee institution and the bank act on what was routed to them; 财政
pays the quarterly 贴息. A thin layer over :mod:`kuaiban.programs.loans.flow`; each party sees only its own work."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from kuaiban.api.caller_first import SignedInFirst
from kuaiban.api.services import SessionDep, UserDep
from kuaiban.platform.models import BANK, GUARANTOR
from kuaiban.programs.loans import flow, rules
from kuaiban.programs.loans.models import SubsidyClaim

router = APIRouter(prefix="/api/loans", tags=["创业担保贷款"], route_class=SignedInFirst)
Decimalish = str | int | float


class Strict(BaseModel):
    model_config = {"extra": "forbid"}


class ApplyIn(Strict):
    borrower: str = Field(description="借款人类别：个人 / 合伙创业或组织起来共同创业 / 小微企业")
    amount: Decimalish = Field(description="申请贷款金额（元）")
    months: int = Field(description="申请贷款期限（月）")
    facts: dict[str, Any] = Field(default_factory=dict, description="申请表：project 创业项目, category 人员类别, "
                                  "partners 合伙人数, firm_staff 在职职工人数, firm_new_hires 当年新招用人数, "
                                  "previous_times 此前享受次数")
    materials: dict[str, Literal["提交", "承诺"]] = Field(default_factory=dict,
                                                       description="每项材料：提交，或以告知承诺代替")
    commitment: bool = Field(False, description="已阅读并确认承诺")
    account: str = Field(description="收款账户")
    bank: str | None = Field(None, description="意向经办银行（可选，见 /api/loans/institutions）")


class EligibilityIn(Strict):
    outcome: Literal["pass", "refuse"]
    note: str | None = Field(None, max_length=2000, description="不通过的原因（必填）或审核意见")
    lpr: Decimalish | None = Field(None, description="当日贷款市场报价利率（LPR，官方公布值，如 0.0385）")
    area: str | None = Field(None, description="创业地的地区类别（东部地区 / 中、西部地区 / 贫困地区…）")
    guarantor: str | None = None
    bank: str | None = None
    local_limit: Decimalish | None = Field(None, description="汇编未载明额度时，当地规定的贷款额度上限（元）")
    version: int | None = None


class GuaranteeIn(Strict):
    outcome: Literal["pass", "refuse"]
    note: str | None = Field(None, max_length=2000)
    amount: Decimalish | None = Field(None, description="担保金额（元，默认为核定额度）")
    guarantee_no: str | None = None
    version: int | None = None


class LendIn(Strict):
    outcome: Literal["pass", "refuse"]
    note: str | None = Field(None, max_length=2000)
    contract_no: str | None = None
    contract_date: str | None = Field(None, description="借款合同签订日 YYYY-MM-DD")
    amount: Decimalish | None = None
    months: int | None = None
    rate: Decimalish | None = Field(None, description="合同约定年利率，如 0.0435")
    lpr: Decimalish | None = Field(None, description="合同签订日 LPR（官方公布值）")
    disbursed_on: str | None = Field(None, description="放款日（默认为签订日）")
    version: int | None = None


class ReportIn(Strict):
    event: Literal["extended", "overdue", "repaid"]
    on: str = Field(description="日期 YYYY-MM-DD")
    note: str | None = Field(None, max_length=2000)


class SubsidyIn(Strict):
    quarter: str = Field(description="季度，如 2021Q2")
    interest: Decimalish = Field(description="借款人本季度已付利息（元）")


class DecideIn(Strict):
    outcome: Literal["pass", "refuse"]
    note: str | None = Field(None, max_length=2000)


# ------------------------------------------------------------------ everyone


@router.get("/rules", summary="办理流程、各环节时限及依据，申请表选项")
def procedure() -> dict[str, Any]:
    return rules.procedure()


@router.get("/institutions", summary="本地的担保机构和经办银行")
def institutions(session: SessionDep, user: UserDep, region: str | None = None) -> dict[str, list[str]]:
    where = region or user.region or ""
    return {"guarantors": flow.institutions(session, GUARANTOR, where), "banks": flow.institutions(session, BANK, where)}


@router.get("/applications", summary="我能看到的贷款申请（办事人：我的贷款；各方：本机构、本地区的）")
def applications(session: SessionDep, user: UserDep) -> list[dict[str, Any]]:
    return flow.overview(session, user)


@router.get("/applications/{app_id}", summary="一笔贷款的全过程：每个环节、时限、贴息")
def timeline(app_id: int, session: SessionDep, user: UserDep) -> dict[str, Any]:
    return flow.timeline(session, user, app_id)


@router.get("/queue", summary="待我办理（各方）")
def queue(session: SessionDep, user: UserDep) -> dict[str, list[dict[str, Any]]]:
    return flow.queue(session, user)


# ------------------------------------------------------------------ the applicant


@router.post("/applications", status_code=201, summary="申请创业担保贷款")
def apply(body: ApplyIn, session: SessionDep, user: UserDep) -> dict[str, Any]:
    app = flow.apply(session, user, borrower=body.borrower, amount=body.amount, months=body.months, facts=body.facts,
                     materials=body.materials, commitment=body.commitment, account=body.account, bank=body.bank)
    return flow.application_dict(session, user, app)


# ------------------------------------------------------------------ the parties' steps


@router.post("/applications/{app_id}/eligibility", summary="人社部门资格审核")
def eligibility(app_id: int, body: EligibilityIn, session: SessionDep, user: UserDep) -> dict[str, Any]:
    app = flow.review_eligibility(session, user, app_id, **body.model_dump())
    return flow.application_dict(session, user, app)


@router.post("/applications/{app_id}/guarantee", summary="担保机构尽职调查")
def guarantee(app_id: int, body: GuaranteeIn, session: SessionDep, user: UserDep) -> dict[str, Any]:
    app = flow.review_guarantee(session, user, app_id, **body.model_dump())
    return flow.application_dict(session, user, app)


@router.post("/applications/{app_id}/loan", summary="经办银行审查、签订借款合同、发放贷款")
def lend(app_id: int, body: LendIn, session: SessionDep, user: UserDep) -> dict[str, Any]:
    app = flow.lend(session, user, app_id, **body.model_dump())
    return flow.application_dict(session, user, app)


@router.post("/applications/{app_id}/report", summary="经办银行报告展期、逾期或结清")
def report(app_id: int, body: ReportIn, session: SessionDep, user: UserDep) -> dict[str, Any]:
    app = flow.report(session, user, app_id, **body.model_dump())
    return flow.application_dict(session, user, app)


@router.post("/applications/{app_id}/subsidies", status_code=201, summary="经办银行按季申请贴息")
def claim_subsidy(app_id: int, body: SubsidyIn, session: SessionDep, user: UserDep) -> dict[str, Any]:
    return flow.claim_dict(flow.claim_subsidy(session, user, app_id, quarter=body.quarter, interest=body.interest))


@router.post("/subsidies/{claim_id}/check", summary="人社部门初审贴息")
def check_subsidy(claim_id: int, body: DecideIn, session: SessionDep, user: UserDep) -> dict[str, Any]:
    return flow.claim_dict(flow.check_subsidy(session, user, claim_id, **body.model_dump()))


@router.post("/subsidies/{claim_id}/pay", summary="财政部门复核并拨付贴息")
def pay_subsidy(claim_id: int, body: DecideIn, session: SessionDep, user: UserDep) -> dict[str, Any]:
    return flow.claim_dict(flow.pay_subsidy(session, user, claim_id, **body.model_dump()))


@router.post("/subsidies/{claim_id}/credit", summary="经办银行将贴息划入借款人账户")
def credit_subsidy(claim_id: int, session: SessionDep, user: UserDep) -> dict[str, Any]:
    claim: SubsidyClaim = flow.credit_subsidy(session, user, claim_id)
    return flow.claim_dict(claim)
