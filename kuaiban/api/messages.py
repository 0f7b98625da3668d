"""消息中心 JSON API: the signed-in account's messages and marking them read (token as for /api/cases)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kuaiban.api.caller_first import SignedInFirst
from kuaiban.api.services import Credentials, Strict, as_user
from kuaiban.platform import notifications
from kuaiban.platform.errors import Invalid
from kuaiban.platform.models import User

router = APIRouter(prefix="/api/messages", tags=["消息中心"], route_class=SignedInFirst)


class MessageOut(BaseModel):
    id: int
    kind: str = Field(description="消息类型代码")
    kind_name: str = Field(description="消息类型（中文）")
    title: str
    text: str
    link: str | None = Field(description="相关办件或失业登记的页面")
    ref: str | None = Field(description="办件编号或失业登记系统流水号")
    created_at: dt.datetime
    read_at: dt.datetime | None


class MessagesOut(BaseModel):
    items: list[MessageOut]
    page: int
    pages: int
    total: int
    unread: int


class ReadIn(Strict):
    ids: list[int] | None = Field(default=None, description="要标为已读的消息编号")
    all: bool = Field(default=False, description="true：全部标为已读")


class ReadOut(BaseModel):
    marked: int
    unread: int


@router.get("", response_model=MessagesOut, summary="本人的消息（最新在前，每页 20 条）")
async def list_messages(request: Request, cred: Credentials, page: int = Query(1, ge=1)) -> dict:
    def work(session: Session, user: User) -> dict:
        p = notifications.messages(session, user, page)
        return {"items": [notifications.message_dict(n) for n in p.items], "page": p.page, "pages": p.pages,
                "total": p.total, "unread": p.unread}

    return await as_user(request, cred, work)


@router.post("/read", response_model=ReadOut, summary="标为已读：指定消息或全部")
async def read(body: ReadIn, request: Request, cred: Credentials) -> dict:
    def work(session: Session, user: User) -> dict:
        if body.all == bool(body.ids):  # after the token check: a stranger learns nothing from a 422
            raise Invalid("请给出 ids（要标为已读的消息）或 all=true，二者选一", "ids")
        marked = notifications.mark_read(session, user, "all" if body.all else body.ids)
        return {"marked": marked, "unread": notifications.unread_count(session, user)}

    return await as_user(request, cred, work)


class UndeliveredOut(BaseModel):
    id: int = Field(description="待发记录编号（发送的幂等键）")
    recipient: str = Field(description="收件账号")
    attempts: int
    last_error: str | None = Field(description="最后一次发送失败的原因（发送渠道的原话）")
    failed_at: dt.datetime = Field(description="放弃发送的时间")
    kind: str
    kind_name: str
    title: str
    ref: str | None


class RedeliverIn(Strict):
    ids: list[int] = Field(description="要重新发送的待发记录编号")


@router.get("/undelivered", response_model=list[UndeliveredOut],
            summary="未送达的消息（多次重试后放弃发送的，仅监督人员，本地区）")
async def undelivered(request: Request, cred: Credentials) -> list[dict]:
    return await as_user(request, cred, lambda session, user: notifications.undelivered(session, user))


@router.post("/undelivered/redeliver", summary="重新发送未送达的消息（仅监督人员，本地区）")
async def redeliver(body: RedeliverIn, request: Request, cred: Credentials) -> dict:
    return await as_user(request, cred, lambda session, user: {
        "queued": notifications.redeliver(session, user, body.ids)})
