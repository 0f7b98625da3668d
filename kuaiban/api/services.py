"""快办服务 JSON API: catalogue views, accounts and tokens, bundle cases and their tasks, commitments,
好差评 and rectifications, statistics and the audit log.

Errors are JSON ``{"detail": 中文说明, "field": 出错的字段}`` with 400/401/403/404/409/422
(:mod:`kuaiban.api.errors`).
Authenticate with ``Authorization: Bearer <token>`` from ``POST /api/auth/login``.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from kuaiban.api.caller_first import Credentials, SignedInFirst
from kuaiban.deps import get_session, in_read, in_session
from kuaiban.platform import access, audit, auth, material_files, regions, throttle
from kuaiban.platform.errors import Forbidden, Invalid
from kuaiban.platform.models import APPLICANT, SUPERVISOR, AuditEntry, Token, User
from kuaiban.services import cases, catalogue, credit, guide, progress, public_catalogues, ratings, stats
from kuaiban.services.models import Case


@asynccontextmanager
async def _freeze_startup_objects(_app) -> AsyncIterator[None]:
    """At server start (FastAPI merges this into the app's lifespan): move every object alive by then —
    modules, SQLAlchemy mappers, the catalogue, pydantic schemas, living as long as the process — out
    of the garbage collector's reach with ``gc.freeze()``. Profiled under load, each full collection
    walked them all, stopping the worker for ~200 ms every ~1,500 requests: most of the read p99.
    Objects made later (requests, caches) are collected as usual."""
    gc.freeze()
    yield


router = APIRouter(prefix="/api", tags=["快办服务"], lifespan=_freeze_startup_objects, route_class=SignedInFirst)
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
T = TypeVar("T")


def current_user(session: SessionDep, cred: Credentials) -> User:
    return auth.authenticate(session, cred.credentials if cred else None)


UserDep = Annotated[User, Depends(current_user)]  # for routers elsewhere; this one uses as_user


async def as_user(request: Request, cred: Credentials,
                  work: Callable[[Session, User], T], then: Callable[[T], Any] | None = None,
                  *, with_applicant: bool = False, reads_only: bool = False, retry: bool = False) -> Any:
    """Check the token, then ``work(session, user)`` — in one transaction and one trip to a worker
    thread (why: :func:`kuaiban.deps.in_session`); ``then`` after the commit. ``with_applicant``: the
    token's query also loads the user's 办事人 row (for work that reads it anyway). ``reads_only``: work
    that writes nothing (not even an audit entry) runs without BEGIN/COMMIT (:func:`kuaiban.deps.in_read`).
    ``retry``: the token's check and the work run again, in a fresh session, after a PostgreSQL deadlock or
    serialization failure (:func:`kuaiban.deps.in_session`)."""
    token = cred.credentials if cred else None
    if reads_only:
        assert then is None and not with_applicant
        return await in_read(request, lambda session: work(session, auth.authenticate(session, token)))
    return await in_session(request, lambda session: work(
        session, auth.authenticate(session, token, with_applicant=with_applicant)), then, retry=retry)


class Strict(BaseModel):
    model_config = {"extra": "forbid"}


# ---------------------------------------------------------------- catalogue


@router.get("/services/bundles", summary="10 个打包“一件事”（人社部发〔2020〕26号 附件1）")
def bundles() -> list[dict]:
    """Each bundle as ``kuaiban catalog bundles --json`` gives it, its number, and ``applicants``: which account
    may file it (the check ``POST /api/cases`` runs, answering 403 otherwise) and the text that says so."""
    who = catalogue.bundle_applicants()
    return [b.as_dict() | {"seq": b.seq, "applicants": who[b.seq].as_dict(b.name)} for b in catalogue.bundles()]


@router.get("/services/bundles/{ref}/form", summary="一件事的一张表单：信息项去重、可勾选服务、时限")
def bundle_form(ref: str) -> dict:
    b = cases.find_bundle(ref)
    spec = cases.form_spec(b)
    items = []
    for i in b.items:
        for p in (i, *i.items):
            limit = cases.item_limit(p.code, audit.now().date())  # in force today
            items.append({"key": p.code or p.name, "code": p.code, "name": p.name,
                          "group": i.name if p is not i else None,
                          "limit": None if limit.kind is None else {"kind": limit.kind, "value": limit.value,
                                                                     "basis": limit.basis},
                          "limit_note": limit.note})
    return {"bundle": b.name, "seq": b.seq, "applicants": catalogue.bundle_applicants()[b.seq].as_dict(b.name),
            "agencies": list(b.agencies), "notes": list(b.notes),
            "fields": [{"name": f.name, "required": f.required, "used_by": f.used_by, "hint": f.hint}
                       for f in spec.fields],
            "fields_listed": spec.fields_listed, "services": spec.services,
            "service_items": {k: list(v) for k, v in spec.service_items.items()}, "items": items,
            "source": b.source.as_dict(), "form_source": spec.source}


@router.get("/services/speedup", summary="“提速办”服务事项备选清单（附件2）")
def speedup() -> list[dict]:
    return [s.as_dict() for s in catalogue.speedup()]


# ---------------------------------------------------------------- accounts


class LoginIn(Strict):
    username: str = Field(min_length=1, description="用户名（办事人也可用证件号码登录）")
    password: str = Field(min_length=1, description="密码")


class TokenOut(BaseModel):
    token: str
    expires_at: dt.datetime
    role: str
    must_change_password: bool = Field(False, description="管理员重置密码后为真：须先 POST /api/auth/password 设置新密码")


class PasswordChangeIn(Strict):
    current_password: str = Field(min_length=1, description="当前密码（管理员重置后为其告知的一次性密码）")
    new_password: str = Field(min_length=1, description="新密码")


class RegisterIn(Strict):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1)
    kind: str = Field(description="citizen（个人）或 enterprise（单位）")
    name: str = Field(min_length=1, max_length=200, description="姓名或单位名称")
    id_number: str | None = Field(default=None, max_length=40,
                                  description="公民身份号码（个人）或统一社会信用代码（单位），必填")
    region: str | None = Field(default=None, max_length=40,
                               description="所在地区（必填）：行政区划代码或名称，如 430104、湖南省长沙市岳麓区")


class StaffIn(Strict):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1)
    role: str = Field(description="window / reviewer / supervisor")
    agency: str | None = None
    display_name: str | None = None
    region: str | None = Field(default=None, max_length=40,
                               description="管辖地区：本账号管辖范围内的行政区划代码或名称；不填为开设者自己的范围")


def _me(user: User) -> dict:
    return {"id": user.id, "username": user.username, "role": user.role, "role_name": auth.ROLE_NAMES[user.role],
            "region": user.region, "region_name": regions.full_name(user.region) if user.region else "全国",
            "agency": user.agency}


@router.post("/auth/login", response_model=TokenOut, summary="登录，取得令牌",
             description="失败过多时：同一账号 423、同一地址 429，均带 Retry-After（秒）。")
async def login(body: LoginIn, request: Request) -> dict:
    address = request.client.host if request.client else None

    def work(session: Session) -> dict:
        token, expires = auth.login(session, body.username, body.password, address=address)
        role, must_change = session.execute(select(User.role, User.must_change_password)
                                            .join(Token, Token.user_id == User.id)
                                            .where(Token.token_hash == auth.token_hash(token))).one()
        return {"token": token, "expires_at": expires, "role": role, "must_change_password": must_change}

    return await in_session(request, work)


@router.post("/auth/password", summary="修改本人密码（管理员重置后须先修改）",
             description="校验当前密码后设置新密码；本账号的其他令牌全部注销，当前令牌继续有效。"
                         "当前密码错误计入账号登录失败次数。")
async def change_password(body: PasswordChangeIn, request: Request, cred: Credentials) -> dict:
    address = request.client.host if request.client else None
    token = cred.credentials if cred else None

    def work(session: Session) -> dict:
        user = auth.authenticate(session, token, pending_password_ok=True)
        ended = auth.change_password(session, user, body.current_password, body.new_password, token=token,
                                     address=address)
        return {"changed": True, "other_sessions_ended": ended}

    return await in_session(request, work)


@router.post("/auth/logout", status_code=204, summary="注销令牌")
async def logout(request: Request, cred: Credentials) -> Response:
    token = cred.credentials if cred else None

    def work(session: Session) -> None:
        auth.authenticate(session, token, pending_password_ok=True)  # signing out needs no new password first
        auth.logout(session, token)

    await in_session(request, work)
    return Response(status_code=204)


@router.post("/auth/register", status_code=201, summary="办事人（个人或单位）注册")
async def register(body: RegisterIn, request: Request) -> dict:
    address = request.client.host if request.client else None

    def work(session: Session) -> dict:
        throttle.limit_submissions(session, throttle.submission_keys("register", address), audit.now())
        return _me(auth.register_applicant(session, body.kind, body.name, body.id_number, body.username,
                                           body.password, region=body.region, address=address))

    return await in_session(request, work)


@router.post("/users", status_code=201, summary="监督人员为本地区开设工作人员账号")
async def create_staff(body: StaffIn, request: Request, cred: Credentials) -> dict:
    def work(session: Session, user: User) -> dict:
        auth.require_role(user, SUPERVISOR)
        if body.role == APPLICANT:
            raise Invalid("办事人请自行注册", "role")
        scope = regions.resolve_scope(body.region) if body.region else user.region
        if scope is None and user.region is not None:
            raise Forbidden("只能在本账号的管辖地区内开设账号", "region")
        if scope is not None:
            access.require_serves(user, scope, f"地区 {regions.label(scope)} 的账号")
        return _me(auth.create_user(session, body.username, body.password, body.role,
                                    region=scope or regions.NATIONAL, agency=body.agency,
                                    display_name=body.display_name, actor=user))

    return await as_user(request, cred, work)


@router.get("/me", summary="当前用户")
async def me(request: Request, cred: Credentials) -> dict:
    return await as_user(request, cred, lambda _session, user: _me(user))


# ---------------------------------------------------------------- region configuration


_CONFIG_REGION = "适用地区：本账号管辖范围内的行政区划代码或名称；不填为本账号的地区（下级地区未另行配置时沿用）"


class RouteIn(Strict):
    item: str = Field(min_length=1, description="事项编码，或无编码事项组的名称")
    agency: str = Field(min_length=1, max_length=80)
    region: str | None = Field(default=None, max_length=40, description=_CONFIG_REGION)


class MaterialIn(Strict):
    item: str = Field(min_length=1)
    material: str = Field(min_length=1, max_length=300)
    basis: str | None = Field(default=None, description="要求出处（服务指南等）")
    region: str | None = Field(default=None, max_length=40, description=_CONFIG_REGION)


class LimitIn(Strict):
    working_days: int = Field(ge=1, le=365)


class CommitmentRowIn(Strict):
    seq: int = Field(ge=1, description="人社厅发〔2020〕110号 附件1（部本级清单）的序号")
    basis: str = Field(min_length=1, max_length=200, description="本地区采用该条目的依据（本地区的文件或清单）")
    region: str | None = Field(default=None, max_length=40, description=_CONFIG_REGION)


def _region(user: User, asked: str | None = None) -> str:
    if asked:
        return asked  # resolved and checked against the account's scope by cases.route / require_material
    if user.region is None:
        raise Invalid("全国范围的账号须写明适用地区", "region")
    return user.region


@router.post("/config/routes", status_code=204, summary="本地区事项的承办机构")
async def add_route(body: RouteIn, request: Request, cred: Credentials) -> Response:
    await as_user(request, cred, lambda session, user: cases.route(
        session, _region(user, body.region), body.item, body.agency, actor=user))
    return Response(status_code=204)


@router.post("/config/materials", status_code=204, summary="本地区事项须提交的材料")
async def add_material(body: MaterialIn, request: Request, cred: Credentials) -> Response:
    await as_user(request, cred, lambda session, user: cases.require_material(
        session, _region(user, body.region), body.item, body.material, basis=body.basis, actor=user))
    return Response(status_code=204)


@router.post("/config/commitments", status_code=204,
             summary="本地区采用告知承诺制清单的条目（人社厅发〔2020〕110号附件1为部本级清单，地方采用后方可承诺）")
async def adopt_commitment(body: CommitmentRowIn, request: Request, cred: Credentials) -> Response:
    await as_user(request, cred, lambda session, user: cases.adopt_commitment(
        session, _region(user, body.region), body.seq, basis=body.basis, actor=user))
    return Response(status_code=204)


@router.delete("/config/commitments/{seq}", status_code=204, summary="本地区不再采用告知承诺制清单的某一条目")
async def drop_commitment(seq: int, request: Request, cred: Credentials, region: str | None = None) -> Response:
    await as_user(request, cred, lambda session, user: cases.drop_commitment(
        session, _region(user, region), seq, actor=user))
    return Response(status_code=204)


@router.put("/config/rectification-limit", status_code=204, summary="本地区差评整改时限（工作日）")
async def rectification_limit(body: LimitIn, request: Request, cred: Credentials) -> Response:
    await as_user(request, cred, lambda session, user: ratings.set_rectification_limit(session, user,
                                                                                      body.working_days))
    return Response(status_code=204)


# ---------------------------------------------------------------- cases


class Limit(BaseModel):
    kind: str
    value: int | None
    basis: str | None


class OutcomeOut(BaseModel):
    decision: str
    monthly_amount: str | None
    months: int | None
    first_month: str | None
    account: str | None = Field(description="只显示尾号")
    reason: str | None
    summary: str
    basis: str


class TaskOut(BaseModel):
    id: int
    item_code: str | None
    item_name: str
    group: str | None
    agency: str | None
    state: str
    version: int
    limit: Limit | None
    limit_note: str | None
    started_at: dt.datetime
    due_at: dt.datetime | None
    completed_at: dt.datetime | None
    reason: str | None
    correction_notice: list[str] | None
    correction_due: dt.datetime | None = None
    handoff_ref: str | None = Field(default=None, description="已推送办理的编号（如失业登记的系统流水号）")
    outcome: OutcomeOut | None = Field(default=None, description="办结时录入的核定结果（失业保险金申领）")


class MaterialOut(BaseModel):
    name: str
    needed_by: list[str]
    status: str = Field(description="已提交、承诺代替 或 缺（按存储的状态）")
    reference: str | None
    state: str = Field(description="页面上的说法：未提交、承诺代替、已提交，或“已提交（仅有文件名，未上传文件）”"
                                   "（迁移 0029 之前只提交了文件名的材料）")
    has_file: bool = Field(description="是否有办事人上传的文件可查看（页面上显示文件链接）；只有文件名的材料、"
                                       "承诺代替和从未提交的材料为 false")


class CommitmentOut(BaseModel):
    id: int
    item: str
    certificate: str
    text: str
    signer: str
    signed_at: dt.datetime
    signature: str
    source: dict[str, Any]
    verification: str


class CaseOut(BaseModel):
    number: str
    bundle: str
    status: str
    region: str | None
    region_name: str | None = Field(default=None, description="地区全称，如 湖南省长沙市岳麓区")
    applicant: dict[str, str]
    submitted_at: dt.datetime
    completed_at: dt.datetime | None
    due_at: dt.datetime | None
    form: dict[str, Any]
    tasks: list[TaskOut]
    materials: list[MaterialOut]
    commitments: list[CommitmentOut]
    materials_asked: int
    materials_required: int
    materials_committed: int


class CaseSummary(BaseModel):
    number: str
    bundle: str
    status: str
    submitted_at: dt.datetime
    due_at: dt.datetime | None
    region: str | None = None
    region_name: str | None = None


class CaseIn(Strict):
    bundle: str = Field(min_length=1, description="“一件事”名称或序号 1–10")
    form: dict[str, str | bool] = Field(description="表单信息项：名称 → 内容")
    items: list[str] | None = Field(default=None, description="办理的事项编码或名称；默认全部事项")
    materials: dict[str, str] = Field(default_factory=dict, description=(
        "材料名称 → 文件引用：先以 POST /api/uploads 上传本人的文件，填写其返回的 reference；"
        "文件名、他人上传的文件均不被接受"))
    commitments: list[str] = Field(default_factory=list, description="以告知承诺代替的证明材料名称")
    item_forms: dict[str, dict[str, str | bool]] = Field(
        default_factory=dict, description="事项自身表单中参考信息项以外的信息：事项编码 → 信息项 → 内容（如失业登记 "
                                          "2.4.1：AAC005 民族、AAC011 学历、AAC033 健康状况、AAB299/AAF016/AAB301 区划、"
                                          "ADC221、place_basis、declaration_signed 书面承诺）")


class SupplyIn(Strict):
    materials: dict[str, str] = Field(default_factory=dict, description=(
        "材料名称 → 文件引用（POST /api/uploads 返回的 reference，须为本人上传的文件）"))
    commitments: list[str] = Field(default_factory=list)


class OutcomeIn(Strict):
    decision: str = Field(description="核定 或 不予核定")
    monthly_amount: str | None = Field(default=None, max_length=20, description="核定的每月金额（元），核定时必填")
    months: int | None = Field(default=None, ge=1, le=999, description="核定的领取月数，核定时必填")
    first_month: str | None = Field(default=None, max_length=7, description="起始月份 YYYY-MM，可不填")
    account: str | None = Field(default=None, max_length=40, description="发放账户，不填即为社会保障卡银行账户")
    reason: str | None = Field(default=None, max_length=2000, description="不予核定的理由，不予核定时必填")


class ActionIn(Strict):
    version: int = Field(ge=1, description="办理人看到的事项版本号（并发控制）")
    reason: str | None = Field(default=None, max_length=2000, description="理由（不予受理必填）")
    missing: list[str] = Field(default_factory=list, description="补正：另需补充的材料")
    correction_due: dt.date | None = Field(default=None, description="补正期限（补正时可填，须晚于今天）")
    outcome: OutcomeIn | None = Field(default=None, description="办结失业保险金申领（1.8.1）时必填：核定结果")


def _case_out(c: Case) -> dict:
    return cases.case_dict(c)


class UploadOut(BaseModel):
    reference: str = Field(description="文件引用：申请（materials）与补正时以此指明材料文件")
    name: str = Field(description="上传时的文件名")
    size: int = Field(description="字节数")
    type: str = Field(description="按文件内容识别的类型（MIME）")


_UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": f"材料文件：{material_files.TYPES_TEXT}，不超过 "
                                           f"{material_files.MAX_UPLOAD // (1024 * 1024)} MB"}}}}}}}


@router.post("/uploads", status_code=201, response_model=UploadOut, openapi_extra=_UPLOAD_BODY,
             summary="上传一件事材料文件（办事人）：返回本人可在申请与补正中使用的文件引用")
async def upload_material(request: Request, cred: Credentials) -> dict:
    """The same checks as the pages' uploads (size, type by content); the file is recorded as the caller's, and
    only the caller's own files are accepted as materials. The token is checked before the body is read."""
    token = cred.credentials if cred else None
    address = request.client.host if request.client else None

    def may_upload(session: Session) -> None:  # the token, then the count, before a byte of the body is read
        user = material_files.uploader(auth.authenticate(session, token))
        throttle.limit_submissions(session, throttle.submission_keys("material_upload", address, user.id),
                                   audit.now())

    await in_session(request, may_upload)
    try:
        form = await request.form(max_files=1, max_fields=1, max_part_size=64 * 1024)
    except Exception:  # a body that is not a well-formed multipart form (Starlette's own errors are English)
        raise Invalid("请以 multipart/form-data 提交，文件放在 file 字段", "file") from None
    part = form.get("file")
    if not isinstance(part, UploadFile) or not part.filename:
        raise Invalid("请以 multipart/form-data 提交，文件放在 file 字段", "file")
    data = await part.read(material_files.MAX_UPLOAD + 1)
    name = part.filename

    def work(session: Session, user: User) -> dict:
        reference = material_files.accept(session, user, name, data)
        audit.record(session, "upload_material", "file", None, actor=user, at=audit.now(),
                     digest=reference.partition(":")[0], size=len(data))
        return {"reference": reference, "name": reference.partition(":")[2], "size": len(data),
                "type": material_files.file_type(data)}

    return await as_user(request, cred, work)


@router.post("/cases", status_code=201, response_model=CaseOut, summary="申请一件事：一表申请，材料一次提交")
async def submit_case(body: CaseIn, request: Request, cred: Credentials) -> dict:
    return await as_user(request, cred, lambda session, user: cases.submit_rows(
        session, user, body.bundle, body.form, items=body.items, materials=body.materials,
        commit_instead=body.commitments, item_forms=body.item_forms), then=_case_out,  # built after the commit
        with_applicant=True)


@router.get("/cases", response_model=list[CaseSummary], summary="办件列表（办事人只见本人，监督人员见本地区）")
async def list_cases(request: Request, cred: Credentials, status: str | None = None, limit: int = 50,
                     offset: int = 0) -> list[dict]:
    def work(session: Session, user: User) -> list[dict]:
        if not 1 <= limit <= 500:  # checked after the token, as every other input
            raise Invalid("limit 须在 1–500 之间", "limit")
        return [{"number": c.number, "bundle": c.bundle_name, "status": c.status, "submitted_at": c.submitted_at,
                 "due_at": c.due_at, "region": c.region, "region_name": regions.full_name(c.region)}
                for c in cases.list_cases(session, user, status=status, limit=limit, offset=offset)]

    return await as_user(request, cred, work)


FULL_DESCRIPTION = ("显示完整信息（工作人员）：证件号码、联系方式、地址、账户等不遮蔽，每次查看都记入审计日志（查阅人、记录、字段、时间）；"
                    "不填时与列表一样部分隐藏。办事人查看本人的记录始终为完整信息。")
Full = Annotated[bool, Query(description=FULL_DESCRIPTION)]


@router.get("/cases/{number}", response_model=CaseOut, summary="办件详情与进度（工作人员看到的个人信息部分隐藏，full=true 显示完整信息）")
async def get_case(number: str, request: Request, cred: Credentials, full: Full = False) -> dict:
    return await as_user(request, cred, lambda session, user: cases.case_view(session, user, number, in_full=full))


class TaskState(BaseModel):
    id: int
    item_code: str | None
    item_name: str
    state: str
    version: int
    due_at: dt.datetime | None


class CaseStatus(BaseModel):
    number: str
    status: str
    due_at: dt.datetime | None
    completed_at: dt.datetime | None
    tasks: list[TaskState]


@router.get("/cases/{number}/status", response_model=CaseStatus, summary="办件进度（轻量查询）")
async def case_status(number: str, request: Request, cred: Credentials) -> dict:
    return await as_user(request, cred, lambda session, user: cases.case_status(session, user, number),
                         reads_only=True)  # the token's lookup and one SELECT: no transaction needed


@router.post("/cases/{number}/supply", response_model=CaseOut, summary="按补正通知补交材料")
async def supply(number: str, body: SupplyIn, request: Request, cred: Credentials) -> dict:
    def work(session: Session, user: User) -> dict:
        cases.supply(session, user, number, body.materials, commit_instead=body.commitments)
        session.expire_all()
        return _case_out(cases.get_case(session, user, number))

    return await as_user(request, cred, work, retry=True)


class TransferIn(Strict):
    version: int = Field(ge=1, description="办理人看到的事项版本号（并发控制）")
    agency: str = Field(max_length=80, description="转由办理的机构")
    reason: str = Field(max_length=2000, description="转办理由")


@router.post("/tasks/{task_id}/transfer", response_model=TaskOut, summary="转办：转由另一机构办理（须说明理由）")
async def transfer(task_id: int, body: TransferIn, request: Request, cred: Credentials) -> dict:
    return await as_user(request, cred, lambda session, user: cases.task_dict(cases.transfer(
        session, user, task_id, body.agency, body.reason, version=body.version)), retry=True)


@router.post("/tasks/{task_id}/{action}", response_model=TaskOut,
             summary="办理一步：accept 受理 / refuse 不予受理 / correct 补正 / review 审核 / complete 办结 / "
                     "send_back 退回窗口 / reject 审核不通过 / lapse 逾期未补正终止")
async def act(task_id: int, action: str, body: ActionIn, request: Request, cred: Credentials) -> dict:
    return await as_user(request, cred, lambda session, user: cases.task_dict(cases.act(
        session, user, task_id, action, version=body.version, reason=body.reason, missing=body.missing,
        correction_due=body.correction_due,
        outcome=None if body.outcome is None else {k: "" if v is None else str(v)
                                                   for k, v in body.outcome.model_dump().items()})), retry=True)


class CaseActionIn(Strict):
    except_ids: list[int] = Field(default_factory=list, description="例外：保留原状态、单独办理的事项 id")


@router.post("/cases/{number}/whole/{action}", summary="整件办理：accept 受理 / review 审核 / complete 办结 本件全部就绪事项")
async def act_case(number: str, action: str, body: CaseActionIn, request: Request, cred: Credentials) -> dict:
    def work(session: Session, user: User) -> dict:
        done = cases.act_case(session, user, number, action, except_ids=body.except_ids)
        return {"moved": [cases.task_dict(t) for t in done.moved],
                "skipped": [{"task": cases.task_dict(t), "why": why} for t, why in done.skipped]}

    return await as_user(request, cred, work, retry=True)


class RepairIn(Strict):
    note: str = Field(min_length=1, max_length=2000, description="信用修复依据")


@router.get("/credit-records", summary="告知承诺核查不实的信用记录（监督人员，本地区）")
async def credit_records(request: Request, cred: Credentials) -> list[dict]:
    return await as_user(request, cred, lambda session, user: [
        {"id": r.id, "case": c.number, "applicant": c.applicant.name, "reason": r.reason, "recorded_at": r.recorded_at,
         "repaired_at": r.repaired_at, "repair_note": r.repair_note} for r, c in credit.records_in_scope(session, user)])


@router.post("/credit-records/{record_id}/repair", summary="信用修复（监督人员）")
async def repair_credit(record_id: int, body: RepairIn, request: Request, cred: Credentials) -> dict:
    def work(session: Session, user: User) -> dict:
        r = credit.repair(session, user, record_id, body.note)
        return {"id": r.id, "repaired_at": r.repaired_at}

    return await as_user(request, cred, work)


@router.get("/tasks/overdue", response_model=list[TaskOut], summary="已超期事项")
async def overdue(request: Request, cred: Credentials) -> list[dict]:
    return await as_user(request, cred, lambda session, user: [cases.task_dict(t)
                                                               for t in cases.overdue(session, user)])


@router.get("/tasks/due-soon", response_model=list[TaskOut], summary="即将到期事项")
async def due_soon(request: Request, cred: Credentials, hours: Annotated[int | None, Query(description=(
        "不填：截止时间在今后 3 个工作日内（至第 3 个工作日结束，节假日不计），与工作台“即将到期”相同；"
        "填写：截止时间在今后 hours 小时内（1–1440）"))] = None) -> list[dict]:
    # by default the window the workbench marks 即将到期 (cases.due_soon_until): one definition. ``hours`` keeps
    # the window in plain time callers asked for before session 21 (its default was 72, now the working days)
    def work(session: Session, user: User) -> list[dict]:
        if hours is not None and not 1 <= hours <= 24 * 60:
            raise Invalid("hours 须在 1–1440 之间", "hours")
        within = None if hours is None else dt.timedelta(hours=hours)
        return [cases.task_dict(t) for t in cases.due_soon(session, user, within=within)]

    return await as_user(request, cred, work)


class VerifyIn(Strict):
    truthful: bool = Field(description="核查结果：承诺属实为 true")
    note: str | None = Field(default=None, max_length=2000)


@router.post("/commitments/{commitment_id}/verify", summary="告知承诺事后核查")
async def verify(commitment_id: int, body: VerifyIn, request: Request, cred: Credentials) -> dict:
    def work(session: Session, user: User) -> dict:
        c = cases.verify_commitment(session, user, commitment_id, body.truthful, body.note)
        return {"id": c.id, "verification": c.verification_state, "verified_at": c.verified_at}

    return await as_user(request, cred, work)


# ---------------------------------------------------------------- ratings


class RatingIn(Strict):
    level: int = Field(description="5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意")
    text: str | None = Field(default=None, max_length=2000)


class AdvanceIn(Strict):
    note: str = Field(min_length=1, max_length=2000, description="核实、整改或反馈情况")
    version: int = Field(ge=1)


def _rect(r) -> dict:
    """A rectification: of a case's rating (case_id) or of a benefit claim's (claim_id; the other is null)."""
    return {"id": r.id, "case_id": r.case_id, "claim_id": r.claim_id, "state": r.state, "version": r.version,
            "opened_at": r.opened_at, "due_at": r.due_at, "closed_at": r.closed_at, "verify_note": r.verify_note,
            "fix_note": r.fix_note, "feedback_note": r.feedback_note}


def rating_out(r) -> dict:
    """A rating as the API answers it (a case's here, a benefit claim's under /api/programs)."""
    return {"level": r.level, "label": ratings.LEVELS[r.level], "text": r.text, "created_at": r.created_at,
            "rectification": r.level in ratings.BAD}


@router.post("/cases/{number}/rating", status_code=201, summary="好差评（办结后）")
async def rate(number: str, body: RatingIn, request: Request, cred: Credentials) -> dict:
    return await as_user(request, cred, lambda session, user: rating_out(
        ratings.rate(session, user, number, body.level, body.text)))


@router.get("/rectifications", summary="差评整改清单")
async def rectifications(request: Request, cred: Credentials, open_only: bool = True) -> list[dict]:
    return await as_user(request, cred, lambda session, user: [
        _rect(r) for r in ratings.rectifications(session, user, open_only=open_only)])


@router.post("/rectifications/{rect_id}/advance", summary="整改下一步：核实 → 整改 → 反馈")
async def advance(rect_id: int, body: AdvanceIn, request: Request, cred: Credentials) -> dict:
    return await as_user(request, cred, lambda session, user: _rect(
        ratings.advance(session, user, rect_id, body.note, version=body.version)))


# ---------------------------------------------------------------- supervision


@router.get("/stats", summary="统计：办件量、办理时长对比时限、材料精减、好评率")
async def statistics(request: Request, cred: Credentials) -> dict:
    return await as_user(request, cred, stats.summary)


@router.get("/audit", summary="审计日志（只可追加）")
async def audit_log(request: Request, cred: Credentials, case: str | None = None, limit: int = 100) -> list[dict]:
    return await as_user(request, cred, lambda session, user: _audit_entries(session, user, case, limit))


def _audit_entries(session: Session, user: User, case: str | None, limit: int) -> list[dict]:
    if user.role != SUPERVISOR:
        raise Forbidden("审计日志仅监督人员可查看")
    if not 1 <= limit <= 1000:
        raise Invalid("limit 须在 1–1000 之间", "limit")
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if case is not None:
        stmt = stmt.where(AuditEntry.case_id == cases.get_case(session, user, case).id)
    elif user.region is not None:
        stmt = stmt.where(AuditEntry.case_id.in_(access.scoped(select(Case.id), user, Case.region)))
    return [{"id": e.id, "at": e.at, "actor_id": e.actor_id, "actor_role": e.actor_role, "action": e.action,
             "entity": e.entity, "entity_id": e.entity_id, "case_id": e.case_id, "detail": e.detail}
            for e in session.scalars(stmt)]


# ---------------------------------------------------------------- 办事指南 and 进度查询 (no sign-in)


@router.get("/services/guides", summary="办事指南目录：目录中的每个事项")
def guide_list() -> list[dict]:
    return [{"key": c.key, "label": c.label, "bundle": c.bundle} for c in guide.items()]


@router.get("/services/guides/{key}", summary="办事指南：受理条件、材料（按地区）、时限、收费、依据、机构、常见问题")
def guide_detail(key: str, session: SessionDep, region: str | None = None) -> dict:
    return guide.guide(session, key, region).as_dict()


@router.get("/services/catalogues", summary="公共服务事项目录（按地区）：文件印发的本地区目录，可按部门、服务类型、关键词筛选")
def public_catalogue(region: str | None = None, agency: str | None = None, kind: str | None = None,
                     q: str = "") -> dict:
    code = regions.resolve(region) if region else None
    found = public_catalogues.for_region(code)
    available = [{"region": c.region, "region_name": regions.full_name(c.region), "doc_no": c.catalogue.source.doc_no,
                  "issued": c.issued.isoformat()} for c in public_catalogues.CATALOGUES]
    if found is None:
        return {"region": code, "catalogue": None, "available": available}
    cat = found.catalogue
    rows = public_catalogues.rows(cat, agency=agency, kind=kind, words=q)
    return {"region": code, "available": available, "catalogue": {
        "title": cat.title, "region": found.region, "doc_no": cat.source.doc_no, "issued": found.issued.isoformat(),
        "source": cat.source.as_dict(), "counts": public_catalogues.counts(cat),
        "rows": [{"seq": r.seq, "code": r.code, "name": r.name, "levels": list(r.levels), "relation": r.relation,
                  "parent": r.parent, "agency": r.agency, "type": r.type, "line": r.line} for r in rows]}}


class ProgressIn(BaseModel):
    number: str = Field(description="办件编号")
    check: str = Field(description="申请人姓名（单位名称）或证件号码后4位")


@router.post("/progress", summary="办件进度查询（免登录，须核验；失败次数过多暂停查询）",
             responses={404: {"description": "编号与核验信息不符"}, 429: {"description": "核验失败次数过多"}})
def progress_lookup(body: ProgressIn, request: Request, session: SessionDep) -> Any:
    found = progress.lookup(session, body.number, body.check,
                            address=request.client.host if request.client else None, at=audit.now())
    if found is None:  # answered, not raised: the counted failure must commit with this request
        return JSONResponse({"detail": progress.NO_MATCH, "field": "check"}, status_code=404)
    return found
