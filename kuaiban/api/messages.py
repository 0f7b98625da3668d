"""消息中心 JSON API: the signed-in account's messages and marking them read (token as for /api/cases)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kuaiban.api.services import Credentials, Strict, as_user
from kuaiban.platform import notifications
from kuaiban.platform.errors import Invalid
from kuaiban.platform.models import User

router = APIRouter(prefix="/api/messages", tags=["消息中心"])


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
