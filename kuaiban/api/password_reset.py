"""忘记密码 JSON API: the window's reset codes and their use (core: :mod:`kuaiban.platform.password_reset`).

- ``POST /api/reset-codes/lookup`` and ``POST /api/reset-codes``: a 窗口人员 or 监督人员 finds the account (by
  username or 证件号码: in the body, never in a URL that servers log) and issues a code after checking the
  person's identity document in person; the code is in this answer only. The lookup gives the account's kind
  and masked 证件号码 to check the document against; issuing clears the account's sign-in locks; with
  ``looked_up_at``, a code issued since then means no second one (409).
- ``POST /api/auth/reset-password``: the holder, not signed in, sets a new password with it. Every refusal about
  the account or the code is the same ``422 {"field": "code"}``; too many wrong codes lock the (account,
  address) pair as failed logins do, but on counters of their own (``423``/``429`` with ``Retry-After``): a
  sign-in lock does not refuse a code.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kuaiban.api.caller_first import SignedInFirst
from kuaiban.api.services import Credentials, Strict, as_user
from kuaiban.deps import in_session
from kuaiban.platform import password_reset, regions
from kuaiban.platform.auth import ROLE_NAMES
from kuaiban.platform.models import User

router = APIRouter(prefix="/api", tags=["账号"], route_class=SignedInFirst)


class LookupIn(Strict):
    query: str = Field(min_length=1, max_length=80, description="用户名，或办事人的公民身份号码 / 统一社会信用代码")


class AccountOut(BaseModel):
    id: int
    username: str
    display_name: str | None
    role: str
    role_name: str
    region: str | None
    region_name: str
    active: bool
    kind: str = Field(description="账号类别：citizen（个人）/ enterprise（单位经办人）/ staff（工作人员）")
    kind_name: str = Field(description="账号类别的中文说法，如“个人”“单位经办人”“工作人员（窗口人员）”")
    holder: str | None = Field(description="账号登记的姓名或单位名称")
    id_number_name: str | None = Field(description="证件种类：公民身份号码 / 统一社会信用代码；工作人员账号为空")
    id_number_masked: str | None = Field(description="遮蔽后的证件号码（保留地区码和末四位），供与证件原件核对")
    document_check: str = Field(description="签发前须确认的核验事项")
    may_issue: bool = Field(description="本账号可否为其签发重置码（工作人员账号须由其上级监督人员签发）")


def _account(session: Session, user: User, issuer: User) -> AccountOut:
    facts = password_reset.facts(session, user)
    return AccountOut(id=user.id, username=user.username, display_name=user.display_name, role=user.role,
                      role_name=ROLE_NAMES.get(user.role, user.role), region=user.region,
                      region_name=regions.label(user.region), active=user.active, kind=facts.kind,
                      kind_name=facts.kind_name, holder=facts.holder, id_number_name=facts.number_name,
                      id_number_masked=facts.number_masked, document_check=facts.checked,
                      may_issue=password_reset.may_issue(issuer, user) and user.active)


@router.post("/reset-codes/lookup", summary="窗口查找要重置密码的账号（按用户名或证件号码）")
async def lookup(body: LookupIn, request: Request, cred: Credentials) -> list[AccountOut]:
    return await as_user(request, cred, lambda s, u: [
        _account(s, a, u) for a in password_reset.find_accounts(s, u, body.query)])


class IssueIn(Strict):
    user_id: int = Field(description="账号编号（查找结果的 id）")
    document_checked: bool = Field(description="已当面核验本人有效身份证件原件：须为 true")
    looked_up_at: dt.datetime | None = Field(
        default=None, description="查找该账号的时间（可选）。填写后，如此后已为该账号签发过重置码，则不再签发（409），"
                                  "以免重复提交使刚交给本人的重置码作废")


class CodeOut(BaseModel):
    user_id: int
    username: str
    code: str = Field(description="一次性重置码（只在本次响应中返回，请当面交给本人）")
    expires_at: dt.datetime


@router.post("/reset-codes", status_code=201, summary="签发一次性密码重置码（30 分钟内有效，旧码作废）")
async def issue(body: IssueIn, request: Request, cred: Credentials) -> CodeOut:
    def work(s: Session, u: User) -> CodeOut:
        target, code, expires = password_reset.issue(s, u, body.user_id, document_checked=body.document_checked,
                                                     looked_up_at=body.looked_up_at)
        return CodeOut(user_id=target.id, username=target.username, code=password_reset.shown(code),
                       expires_at=expires)
    return await as_user(request, cred, work)


class RedeemIn(Strict):
    username: str = Field(min_length=1, max_length=200, description="用户名")
    code: str = Field(min_length=1, max_length=40, description="窗口签发的重置码（不区分大小写，可含短横线）")
    new_password: str = Field(min_length=1, max_length=1024, description="新密码（与注册时的密码规则相同）")


class RedeemOut(BaseModel):
    changed: bool
    sessions_ended: int = Field(description="被注销的原有登录会话数")


@router.post("/auth/reset-password", summary="凭重置码重新设置密码（忘记密码）",
             description="重置码输错次数单独计算（不受登录失败锁定影响）；输错过多时 423 / 429，带 Retry-After（秒）。")
async def redeem(body: RedeemIn, request: Request) -> RedeemOut:
    address = request.client.host if request.client else None

    def work(s: Session) -> RedeemOut:
        ended = password_reset.redeem(s, body.username, body.code, body.new_password, address=address)
        return RedeemOut(changed=True, sessions_ended=ended)

    return await in_session(request, work)
