"""补贴项目 JSON API: the programs, what I may claim, claims (with an Excel staff list for employers), my
payments; the caseworkers' queue with deadlines, the 公示 list and objections, stops; payment batches,
their files and reconciliation; totals and overdue claims for supervisors. A thin layer over
:mod:`kuaiban.programs`; staff see only their regions (:mod:`kuaiban.platform.access`)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kuaiban import claim_ratings
from kuaiban.api.caller_first import SignedInFirst
from kuaiban.api.services import Credentials, Full, RatingIn, SessionDep, UserDep, as_user, rating_out
from kuaiban.edge.downloads import attachment
from kuaiban.platform import access, jobs
from kuaiban.platform.errors import Conflict, Forbidden, Invalid, NotFound
from kuaiban.platform.models import APPLICANT, SUPERVISOR, User
from kuaiban.programs import caseworkers, claims, definitions, held, held_queue, listing, payroll, recovery
from kuaiban.programs import publicity as public_notice
from kuaiban.programs.models import Claim
from kuaiban.programs.screening import job as screening_job

router = APIRouter(prefix="/api/programs", tags=["补贴项目"], route_class=SignedInFirst)
MAX_STAFF_LIST = 1024 * 1024  # the edge limits a form or API body to 1 MiB anyway


class Strict(BaseModel):
    model_config = {"extra": "forbid"}


class ClaimIn(Strict):
    month: str | None = Field(None, description="申领月份 YYYY-MM：不填即为申领之日所在的月份；只有政策允许补发的项目"
                                               "可填此前的月份，不能晚于申领当月")
    facts: dict[str, Any] = Field(default_factory=dict, description="申请表，以项目申请表的字段名为键")
    account: str = Field(description="收款账户（社会保障卡号或银行账号）")
    commitment: bool = Field(False, description="已阅读并确认告知承诺（告知承诺类项目必填）")


class ActIn(Strict):
    outcome: Literal["pass", "refuse"]
    note: str | None = Field(None, max_length=2000, description="告知申请人的内容（不通过时必填，申请人可见）")
    internal_note: str | None = Field(None, max_length=2000, description="内部意见（仅工作人员可见，不告知申请人）")
    figures: dict[str, Any] | None = Field(None, description="经办机构录入的官方数字（申请表字段名 → 数值，如当地最低工资"
                                                             "标准；汇编未载，按公布的数字录入；申请人不能填写），"
                                                             "或经办机构核实后录入的累计缴费月数（代替参保缴费记录或"
                                                             "申请人填写的数字）")
    months: int | None = Field(None, ge=1, le=240, description="核定的领取月数（汇编未规定期限的项目在最后一个审核环节填写；"
                                                               "文件规定最长期限的，不得超过）")
    publicity_days: int | None = Field(None, ge=1, le=90, description="公示天数（文件规定须经公示、未规定天数的项目，"
                                                                   "由经办机构在最后一个审核环节通过时确定）")
    version: int | None = None


class ObjectionIn(Strict):
    text: str = Field(max_length=2000)


class ResolveIn(Strict):
    upheld: bool
    note: str = Field(max_length=2000)


class StopIn(Strict):
    rule: str
    month: str
    note: str | None = Field(None, max_length=2000, description="说明（告知申请人，申请人可见）")
    internal_note: str | None = Field(None, max_length=2000, description="内部备注（仅工作人员可见）")
    version: int | None = Field(None, description="读到的申领版本：已被他人处理的，不再停发")


class PaymentAmountIn(Strict):
    month: str = Field(description="暂缓发放的月份，如 2021-11")
    choice: Literal["decided", "found"] = Field(description="decided：按原决定金额发放；found：按重新核算金额发放（新的决定，告知申请人）")
    reason: str = Field(max_length=2000, description="核定理由（必填）")
    internal_note: str | None = Field(None, max_length=2000, description="内部备注（仅工作人员可见）")


class RepaymentIn(Strict):
    reference: str = Field(max_length=64, description="退回凭证号（银行流水号或收据号）：同一凭证号只登记一次")
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2, description="退回金额（元）")
    paid_on: date = Field(description="退回日期")
    channel: Literal["bank_transfer", "counter", "other"] = Field(description="退回方式：银行转账、经办窗口缴回、其他")
    note: str | None = Field(None, max_length=500, description="内部说明（仅工作人员可见，不告知当事人）")


class WriteOffIn(Strict):
    reason: str = Field(max_length=2000, description="核销理由（监督人员的决定；仅工作人员可见）")
    version: int | None = None


class PayrollIn(Strict):
    program: str
    region: str
    month: str


class ReturnedLine(Strict):
    line: int
    reason: str


class ReconcileIn(Strict):
    returned: list[ReturnedLine] = Field(default_factory=list, description="退票的凭证号和原因；其余视为已到账")


class ReissueIn(Strict):
    program: str
    region: str


class ConfirmIn(Strict):
    bank: str = Field(max_length=100, description="开户银行")
    account: str = Field(max_length=40, description="单位银行账号")
    commitment: bool = Field(False, description="已阅读并确认承诺")


class DeclineIn(Strict):
    note: str | None = Field(None, max_length=500, description="放弃的原因（可不填）")


class PublishIn(Strict):
    publicity_days: int | None = Field(None, ge=1, le=365, description="公示天数（文件未规定，由经办机构确定）")
    confirm_working_days: int | None = Field(None, ge=1, le=365,
                                             description="单位确认收款账户的期限（工作日；文件未规定，由经办机构确定）")


PageNo = Annotated[int, Query(ge=1, le=1_000_000, description="页码")]


def _staff(user: User) -> None:
    caseworkers.require(user)  # window, reviewer, supervisor: never an applicant nor a loan partner


def _supervisor(user: User) -> None:
    if user.role != SUPERVISOR:
        raise Forbidden("仅限监督人员")


# ------------------------------------------------------------------ everyone


@router.get("", summary="全部补贴项目（依据、审核环节及时限、计算规则）")
def list_programs() -> list[dict[str, Any]]:
    return [definitions.describe(p) for p in definitions.programs().values()]


@router.get("/publicity", summary="公示名单")
def publicity(session: SessionDep, user: UserDep) -> list[dict[str, Any]]:
    return claims.publicity_list(session, user)


@router.get("/publicity/public", summary="公示名单（无需登录）：按项目和地区，姓名已遮蔽，附公示依据、期限和异议方式")
def publicity_public(session: SessionDep, page: PageNo = 1,
                     program: Annotated[str | None, Query(max_length=60)] = None,
                     region: Annotated[str | None, Query(max_length=40)] = None) -> dict[str, Any]:
    return public_notice.public_list(session, program=program or None, region=region or None, page=page)


@router.post("/claims/{claim_id}/objections", summary="对公示中的申领提出异议")
async def object_to(claim_id: int, body: ObjectionIn, request: Request, cred: Credentials) -> dict[str, Any]:
    def work(session: Session, user: User) -> dict[str, Any]:  # run again after a deadlock (s20)
        objection = claims.object_to(session, user, claim_id, body.text)
        return {"id": objection.id, "claim": claim_id}

    return await as_user(request, cred, work, retry=True)


# ------------------------------------------------------------------ 免申即享 (programs.listing)


@router.get("/{code}/listing/public", summary="免申即享名单公示（单位名称和金额，统一社会信用代码已遮蔽；无需登录）")
def listing_public(code: str, session: SessionDep, page: PageNo = 1,
                   region: Annotated[str | None, Query(max_length=40)] = None) -> dict[str, Any]:
    return listing.public_list(session, code, page=page, region=region)


@router.get("/{code}/listing/mine", summary="本单位是否列入免申即享名单（未列入的，说明原因）")
def listing_mine(code: str, session: SessionDep, user: UserDep) -> dict[str, Any]:
    return listing.mine(session, user, code)


# an enterprise's answer writes its claim, the list's entry and an entry of the log: run again after a deadlock (s20)


@router.post("/{code}/listing/confirm", summary="列入名单的单位确认收款账户并承诺")
async def listing_confirm(code: str, body: ConfirmIn, request: Request, cred: Credentials) -> dict[str, Any]:
    return await as_user(request, cred, lambda session, user: listing.confirm(
        session, user, code, bank=body.bank, account=body.account, commitment=body.commitment), retry=True)


@router.post("/{code}/listing/decline", summary="列入名单的单位放弃")
async def listing_decline(code: str, body: DeclineIn, request: Request, cred: Credentials) -> dict[str, Any]:
    return await as_user(request, cred, lambda session, user: listing.decline(session, user, code, note=body.note),
                         retry=True)


@router.get("/listings", summary="免申即享名单（经办人员，本辖区）")
def listing_runs(session: SessionDep, user: UserDep) -> list[dict[str, Any]]:
    return listing.runs(session, user)


@router.get("/listings/{run_id}", summary="一份名单的单位（本辖区；列入的和未列入的及原因），分页")
def listing_entries(run_id: int, session: SessionDep, user: UserDep, page: PageNo = 1,
                    eligible: bool | None = None) -> dict[str, Any]:
    return listing.entries(session, user, run_id, eligible=eligible, page=page)


# a list's publish, reminders, close and lapse write its claims, messages and audit entries in one transaction:
# run again (fresh session, token checked again) when PostgreSQL aborted it (kuaiban.platform.transactions, s20)


@router.post("/listings/{run_id}/publish", summary="发布名单公示（公示天数、确认期限由经办机构确定）")
async def listing_publish(run_id: int, body: PublishIn, request: Request, cred: Credentials) -> dict[str, Any]:
    def work(session: Session, user: User) -> dict[str, Any]:
        run = listing.publish(session, user, run_id, publicity_days=body.publicity_days,
                              confirm_working_days=body.confirm_working_days)
        return listing.run_dict(session, run)

    return await as_user(request, cred, work, retry=True)


@router.post("/listings/{run_id}/remind", summary="提醒尚未确认的单位")
async def listing_remind(run_id: int, request: Request, cred: Credentials) -> dict[str, int]:
    return await as_user(request, cred, lambda session, user: {"sent": listing.remind(session, user, run_id)},
                         retry=True)


@router.post("/listings/{run_id}/close", summary="公示期满：已确认的审核通过，未确认的待确认")
async def listing_close(run_id: int, request: Request, cred: Credentials) -> dict[str, int]:
    return await as_user(request, cred, lambda session, user: listing.close(session, user, run_id), retry=True)


@router.post("/listings/{run_id}/lapse", summary="确认期限届满：未确认的不予发放")
async def listing_lapse(run_id: int, request: Request, cred: Credentials) -> dict[str, int]:
    return await as_user(request, cred, lambda session, user: {"lapsed": listing.lapse(session, user, run_id)},
                         retry=True)


# ------------------------------------------------------------------ citizens and employers


@router.get("/offers", summary="我可以申领的项目")
def offers(session: SessionDep, user: UserDep) -> list[dict[str, Any]]:
    return claims.offers(session, user)


@router.get("/{code}/prefill", summary="申请表中由登记簿提供、申请人无需填写的项目（如参保缴费记录中的累计缴费月数）")
def prefill(code: str, session: SessionDep, user: UserDep) -> dict[str, Any]:
    return claims.prefilled(session, user, code)


@router.post("/{code}/claims", status_code=201, summary="申领（个人，或不需花名册的单位项目）")
def submit(code: str, body: ClaimIn, session: SessionDep, user: UserDep) -> dict[str, Any]:
    claim = claims.submit(session, user, code, month=body.month, facts=body.facts, account=body.account,
                          commitment=body.commitment)
    return claims.claim_dict(session, claim)


@router.post("/{code}/claims/upload", status_code=201, summary="单位申领：上传人员花名册（Excel）")
def submit_with_staff_list(code: str, session: SessionDep, user: UserDep,
                           account: Annotated[str, Form()],
                           staff_list: Annotated[UploadFile, File(description="人员花名册 .xlsx")],
                           facts: Annotated[str, Form(description="申请表 JSON")] = "{}",
                           commitment: Annotated[bool, Form()] = False,
                           month: Annotated[str | None, Form(description="申领月份 YYYY-MM（不填即为申领当月）")] = None,
                           ) -> dict[str, Any]:
    data = staff_list.file.read(MAX_STAFF_LIST + 1)
    if len(data) > MAX_STAFF_LIST:
        raise Invalid("人员花名册不能超过 1 MB", "staff_list")
    try:
        parsed = json.loads(facts or "{}")
    except ValueError:
        raise Invalid("申请表应为 JSON 对象", "facts") from None
    if not isinstance(parsed, dict):
        raise Invalid("申请表应为 JSON 对象", "facts")
    claim = claims.submit(session, user, code, month=month, facts=parsed, account=account, commitment=commitment,
                          staff_list=data)
    return claims.claim_dict(session, claim)


@router.get("/claims/mine", summary="我的申领")
def my_claims(session: SessionDep, user: UserDep) -> list[dict[str, Any]]:
    return [claims.claim_dict(session, c) for c in claims.my_claims(session, user)]


@router.get("/payments/mine", summary="我的发放记录")
def my_payments(session: SessionDep, user: UserDep) -> list[dict[str, Any]]:
    return payroll.my_payments(session, user)


@router.get("/claims/{claim_id}", summary="一件申领（本人，或管辖地区的经办人员；full=true 显示完整的收款账户和证件号码）")
def claim_detail(claim_id: int, session: SessionDep, user: UserDep, full: Full = False) -> dict[str, Any]:
    """As on the claim's page: the claimant sees their own 收款账户 in full; staff see it masked (尾号), and a
    caseworker checking it before a decision asks ``full``: the account and the claimant's 证件号码 in full, the
    read written to the audit log."""
    if user.role == APPLICANT:
        return claims.claim_dict(session, claims.my_claim(session, user, claim_id), owner=True)
    _staff(user)
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"没有这件申领：{claim_id}", "claim")
    access.require_serves(user, claim.region, f"申领 {claim_id}")
    shown = claims.claim_dict(session, claim, staff=True)
    return (shown | claims.disclose(session, user, claim)) if full else shown


# ------------------------------------------------------------------ caseworkers


@router.get("/queue", summary="审核队列（含办理时限）")
def queue(session: SessionDep, user: UserDep) -> list[dict[str, Any]]:
    _staff(user)
    return claims.queue(session, user)


# the caseworker's steps on a claim (审核, 公示异议, 公示期满) write the claim, its months, its history, the messages
# and the audit entry in one transaction: run again (fresh session, token checked again) when PostgreSQL aborted
# it for a deadlock or a serialization failure (kuaiban.platform.transactions, s20)


@router.post("/claims/{claim_id}/act", summary="办理当前审核环节：通过或不通过")
async def act(claim_id: int, body: ActIn, request: Request, cred: Credentials) -> dict[str, Any]:
    def work(session: Session, user: User) -> dict[str, Any]:
        _staff(user)
        claim = claims.act(session, user, claim_id, outcome=body.outcome, note=body.note, months=body.months,
                           version=body.version, internal_note=body.internal_note, figures_entered=body.figures,
                           publicity_days=body.publicity_days)
        return claims.claim_dict(session, claim, staff=True)

    return await as_user(request, cred, work, retry=True)


@router.post("/claims/{claim_id}/rating", status_code=201, summary="好差评（作出审核决定后，申请人本人，一次）")
def rate(claim_id: int, body: RatingIn, session: SessionDep, user: UserDep) -> dict[str, Any]:
    """As a 一件事 case's rating (POST /api/cases/{number}/rating); a 差评 opens a rectification for the
    supervisors of the claim's region (GET /api/rectifications)."""
    return rating_out(claim_ratings.rate(session, user, claim_id, body.level, body.text))


@router.post("/objections/{objection_id}/resolve", summary="核实公示异议")
async def resolve(objection_id: int, body: ResolveIn, request: Request, cred: Credentials) -> dict[str, Any]:
    def work(session: Session, user: User) -> dict[str, Any]:
        objection = claims.resolve(session, user, objection_id, upheld=body.upheld, note=body.note)
        return {"id": objection.id, "outcome": objection.outcome}

    return await as_user(request, cred, work, retry=True)


@router.post("/claims/{claim_id}/close-publicity", summary="公示期满无异议：审核通过并生成发放计划")
async def close_publicity(claim_id: int, request: Request, cred: Credentials) -> dict[str, Any]:
    def work(session: Session, user: User) -> dict[str, Any]:
        _staff(user)
        return claims.claim_dict(session, claims.close_publicity(session, user, claim_id), staff=True)

    return await as_user(request, cred, work, retry=True)


# 停发, 核定发放金额 and 恢复发放 lock a claim and its months as a payment batch does: run again (fresh session,
# token checked again) when PostgreSQL aborted the transaction for a deadlock (kuaiban.platform.transactions)


@router.post("/claims/{claim_id}/stop", summary="停发、暂停或停发并追回")
async def stop(claim_id: int, body: StopIn, request: Request, cred: Credentials) -> dict[str, Any]:
    def work(session: Session, user: User) -> dict[str, Any]:
        _staff(user)
        claim = claims.stop(session, user, claim_id, rule=body.rule, month=body.month, note=body.note,
                            internal_note=body.internal_note, version=body.version)
        return claims.claim_dict(session, claim, staff=True)

    return await as_user(request, cred, work, retry=True)


@router.post("/claims/{claim_id}/payment-amount",
             summary="核定暂缓发放月份的金额（发放前核算金额与审核决定不一致的月份；审核或监督人员）")
async def payment_amount(claim_id: int, body: PaymentAmountIn, request: Request, cred: Credentials) -> dict[str, Any]:
    def work(session: Session, user: User) -> dict[str, Any]:
        _staff(user)
        answer = held.confirm(session, user, claim_id, body.month, choice=body.choice, reason=body.reason,
                              internal_note=body.internal_note)
        claim = session.get(Claim, claim_id)
        return claims.claim_dict(session, claim, staff=True) | {"confirmed": answer}

    return await as_user(request, cred, work, retry=True)


@router.get("/held", summary="待核定的发放金额：本辖区暂缓发放的月份（审核或监督人员），最早暂缓的在前，分页；可按项目、地区筛选")
def held_months(session: SessionDep, user: UserDep, page: PageNo = 1,
                program: Annotated[str | None, Query(max_length=60, description="项目代码")] = None,
                region: Annotated[str | None, Query(max_length=40, description="地区代码（GB/T 2260，含下级地区）或地区名称")] = None,
                ) -> dict[str, Any]:
    return held_queue.queue(session, user, page=page, program=program, region=region)


@router.get("/recoveries", summary="追回款项（本辖区）：待追回、部分追回、已追回、核销")
def recoveries(session: SessionDep, user: UserDep,
               status: Annotated[str | None, Query(max_length=20, description="open、owed、partial、repaid、written_off 或 all（全部）")] = None,
               region: Annotated[str | None, Query(max_length=40)] = None,
               program: Annotated[str | None, Query(max_length=60)] = None) -> list[dict[str, Any]]:
    _staff(user)
    return recovery.listing(session, user, status=None if status in (None, "", "all") else status,
                            region=region or None, program=program or None)


@router.get("/recoveries/{recovery_id}", summary="一笔追回：月份、金额、依据、退回记录")
def recovery_detail(recovery_id: int, session: SessionDep, user: UserDep) -> dict[str, Any]:
    _staff(user)
    return recovery.one(session, user, recovery_id)


@router.post("/recoveries/{recovery_id}/repayments", summary="登记退回（可部分退回；同一凭证号只登记一次）")
async def repay(recovery_id: int, body: RepaymentIn, response: Response, request: Request,
                cred: Credentials) -> dict[str, Any]:
    def work(session: Session, user: User) -> dict[str, Any]:
        _staff(user)
        _, recorded = recovery.record_repayment(session, user, recovery_id, amount_fen=int(body.amount * 100),
                                                paid_on=body.paid_on, channel=body.channel,
                                                reference=body.reference, note=body.note)
        return recovery.one(session, user, recovery_id) | {"recorded": recorded}

    answer = await as_user(request, cred, work, retry=True)
    response.status_code = 201 if answer["recorded"] else 200
    return answer


@router.post("/recoveries/{recovery_id}/write-off", summary="核销（监督人员决定，写明理由）")
async def write_off(recovery_id: int, body: WriteOffIn, request: Request, cred: Credentials) -> dict[str, Any]:
    def work(session: Session, user: User) -> dict[str, Any]:
        recovery.write_off(session, user, recovery_id, reason=body.reason, version=body.version)
        return recovery.one(session, user, recovery_id)

    return await as_user(request, cred, work, retry=True)


@router.post("/claims/{claim_id}/resume", summary="恢复发放")
async def resume(claim_id: int, request: Request, cred: Credentials) -> dict[str, Any]:
    def work(session: Session, user: User) -> dict[str, Any]:
        _staff(user)
        return claims.claim_dict(session, claims.resume(session, user, claim_id), staff=True)

    return await as_user(request, cred, work, retry=True)


# ------------------------------------------------------------------ payment


def _answered(request: Request, response: Response, session: Session, job: jobs.Job, wait: float,
              failed: str) -> jobs.Job:
    """A queued job run and waited for: 200 when done within ``wait`` seconds, 202 while it runs on, and a
    failure 409 with its reason (or ``failed``)."""
    job = jobs.run_and_wait(session, request.app.state.engine, job, wait)
    if job.state == jobs.FAILED:
        raise Conflict(job.message or failed, "job")
    response.status_code = 200 if job.state == jobs.DONE else 202
    return job


PAYROLL_WAIT = 10.0  # seconds the request waits for the worker: a month's batch of a county is done by then
IMPORT_WAIT = 10.0  # the same for importing a screening result: a county's list is imported by then


@router.post("/payroll", summary="生成（或返回已有的）当月发放批次（后台任务）",
             responses={202: {"description": "批次较大、尚未生成完毕：返回任务，凭 job 查询进度"}})
def build_payroll(body: PayrollIn, request: Request, response: Response, session: SessionDep,
                  user: UserDep, wait: Annotated[float, Query(ge=0, le=PAYROLL_WAIT,
                                                              description="最多等待秒数（0：立即返回任务）")]
                  = PAYROLL_WAIT) -> dict[str, Any]:
    """The request is checked now; a worker of the job queue builds the batch and its files. If it is done
    within a few seconds the answer is 200 with the batch (as before the queue: ``batch``, ``lines``,
    ``total``, ``built`` …, plus the job's fields), a failure 409 with its reason; otherwise 202 with the job,
    to follow at ``/api/programs/payroll/jobs/{job}`` until its state is done (or failed, with the reason).
    ``not_included``: the claims of the month or earlier still in 公示 or under review when asked — not in
    this batch; once approved, their months go into the next batch built (each month paid once)."""
    started = payroll.start_job(session, user, body.program, body.region, body.month)  # checks who may ask
    pending = payroll.still_open(session, body.program, body.region, body.month, user=user)
    job = _answered(request, response, session, started, wait, "发放批次未能生成")
    return payroll.job_dict(job) | {"not_included": pending}


# ------------------------------------------------------------------ 稳岗返还 免申即享: the screening


class ScreeningIn(Strict):
    program: str = Field(description="筛查项目代码（见 /api/programs/screenings/choices）")
    registry: str = Field(description="登记数据名称（见 /api/programs/screenings/choices）")
    as_of: str = Field(description="筛查日期 YYYY-MM-DD（须在项目期限内）")
    figures: dict[str, str] = Field(default_factory=dict, description="汇编未载、须按本地情况提供的数字，名称 → 数值")


@router.get("/screenings/choices", summary="发起稳岗返还筛查可选的项目（及须提供的当地数字）和登记数据")
def screening_choices(user: UserDep) -> dict[str, Any]:
    screening_job.require_starter(user)
    return screening_job.choices()


@router.post("/screenings", status_code=202, summary="发起稳岗返还筛查（后台任务；审核人员或监督人员）",
             responses={202: {"description": "已排队：凭 job 查询进度和结果"}})
def start_screening(body: ScreeningIn, request: Request, session: SessionDep, user: UserDep) -> dict[str, Any]:
    """The request is checked now (program, date, figures, the registry and its regions); a worker of the job
    queue screens every enterprise of the registry, region by region; follow it at
    ``/api/programs/screenings/{job}`` until its state is done (with the result) or failed (with the reason)."""
    job = screening_job.submit(session, user, program=body.program, registry_name=body.registry, as_of=body.as_of,
                               figures=body.figures)
    session.commit()  # committed before the queue may hand it to a worker
    jobs.start(request.app.state.engine, job.id)
    return screening_job.job_dict(job)


@router.get("/screenings/{job_id}", summary="稳岗返还筛查任务的进度（已筛查地区数）与结果")
def screening(job_id: str, session: SessionDep, user: UserDep) -> dict[str, Any]:
    return screening_job.job_dict(screening_job.readable_job(session, user, job_id))


@router.post("/screenings/{job_id}/import", summary="将完成的筛查结果导入为免申即享名单（待公示；重复导入不变；后台任务）",
             responses={202: {"description": "名单较大、尚未导入完毕：返回导入任务，凭 job 查询"}})
def import_screening(job_id: str, request: Request, response: Response, session: SessionDep, user: UserDep,
                     wait: Annotated[float, Query(ge=0, le=IMPORT_WAIT, description="最多等待秒数（0：立即返回任务）")]
                     = IMPORT_WAIT) -> dict[str, Any]:
    """A worker of the job queue imports the result (a province's list takes minutes). Done within ``wait``
    seconds: 200 with the list (``run``, ``outcome``, ``listed``, ``refused``, ``total`` … as before the queue,
    plus the import job's fields); refused: 409 with the reason; otherwise 202 with the import job, to follow
    at ``/api/programs/screenings/imports/{job}``."""
    job = _answered(request, response, session, screening_job.start_import(session, user, job_id), wait, "名单未能导入")
    return screening_job.import_dict(job)


@router.get("/screenings/imports/{import_id}", summary="筛查结果导入任务的状态（完成后含名单编号和笔数）")
def screening_import(import_id: str, session: SessionDep, user: UserDep) -> dict[str, Any]:
    return screening_job.import_dict(screening_job.readable_import(session, user, import_id))


@router.get("/payroll/jobs/{job_id}", summary="发放批次任务的状态（完成后含批次、笔数、合计）")
def payroll_job(job_id: str, session: SessionDep, user: UserDep) -> dict[str, Any]:
    return payroll.job_dict(payroll.readable_job(session, user, job_id))


@router.get("/payroll/jobs/{job_id}/file", summary="发放批次任务生成的发放文件（CSV 或 XLSX）",
            responses={200: {"content": {"text/csv": {}, "application/octet-stream": {}}}})
def payroll_job_file(job_id: str, session: SessionDep, user: UserDep,
                     format: Literal["csv", "xlsx"] = "csv") -> Response:
    file = payroll.job_file(session, user, job_id, format)
    return attachment(file.data, file.name, file.media_type)


@router.get("/batches", summary="发放批次")
def list_batches(session: SessionDep, user: UserDep) -> list[dict[str, Any]]:
    _staff(user)
    return [payroll.batch_dict(b) for b in payroll.batches(session, user)]


@router.get("/batches/{batch_id}", summary="一个发放批次及其明细（收款账户只显示末四位；完整账户见发放文件）")
def batch_detail(batch_id: int, session: SessionDep, user: UserDep) -> dict[str, Any]:
    batch = payroll.get_batch(session, user, batch_id)
    return payroll.batch_dict(batch) | payroll.report(session, batch) | {
        "items": payroll.lines_of(session, batch, masked=True)}  # in full only in the bank's file (below), audited


@router.get("/batches/{batch_id}/file", summary="发放文件（CSV 或 XLSX）",
            response_class=Response, responses={200: {"content": {"text/csv": {}, "application/octet-stream": {}}}})
def batch_file(batch_id: int, session: SessionDep, user: UserDep, format: Literal["csv", "xlsx"] = "csv") -> Response:
    file = payroll.batch_file(session, user, batch_id, format)
    return attachment(file.data, file.name, file.media_type)


# 对账 and 退票重发 write the lines, the batch and the audit entry in one transaction: run again when PostgreSQL
# aborted it (kuaiban.platform.transactions, s20)


@router.post("/batches/{batch_id}/reconcile", summary="对账：登记退票，其余为已到账")
async def reconcile(batch_id: int, body: ReconcileIn, request: Request, cred: Credentials) -> dict[str, int]:
    returned = {r.line: r.reason for r in body.returned}
    return await as_user(request, cred, lambda session, user: payroll.reconcile(session, user, batch_id, returned),
                         retry=True)


@router.post("/reissue", summary="退票重发：生成重发批次")
async def reissue(body: ReissueIn, request: Request, cred: Credentials) -> dict[str, Any]:
    return await as_user(request, cred, lambda session, user: payroll.batch_dict(
        payroll.reissue(session, user, body.program, body.region)), retry=True)


# ------------------------------------------------------------------ supervisors


@router.get("/totals", summary="按项目、地区、月份汇总的发放金额")
def totals(session: SessionDep, user: UserDep) -> list[dict[str, Any]]:
    _supervisor(user)
    return payroll.totals(session, user)


@router.get("/overdue", summary="超过办理时限的申领")
def overdue(session: SessionDep, user: UserDep) -> list[dict[str, Any]]:
    _supervisor(user)
    return claims.overdue(session, user)
