"""The partner interface served by kuaiban (docs/unemployment-transfer.md): another province's system posts its
失业保险关系转移 messages here and fetches ours, authenticated by the token registered for it
(``kuaiban unemployment transfers partner --token``). Same protocol as the simulator, under a prefix."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header

from kuaiban.api.services import SessionDep
from kuaiban.platform.errors import Unauthenticated
from kuaiban.unemployment.transfer_exchange import protocol as p
from kuaiban.unemployment.transfer_exchange import sync

router = APIRouter(prefix="/api/unemployment/transfer-exchange", tags=["失业登记"],
                   responses={401: {"description": "合作省份系统的凭据无效：{detail, field}"}})
Token = Annotated[str | None, Header(alias="X-Partner-Token")]


def _partner(session, token: str | None) -> str:
    partner = sync.partner_for_token(session, token)
    if partner is None:
        raise Unauthenticated("合作省份系统的凭据无效", "X-Partner-Token")
    return partner.province


@router.post(p.MESSAGES, summary="接收合作省份系统的失业保险关系转移消息（按消息编号只办理一次）")
def receive(message: Annotated[dict[str, Any], Body()], session: SessionDep, token: Token = None) -> dict:
    status = sync.receive(session, _partner(session, token), message)
    stored, _, outcome = status.partition(":")
    return {"status": stored} | ({"outcome": outcome} if outcome else {})


@router.get(p.MESSAGES, summary="本系统发给该合作省份的消息（按序号）")
def messages(session: SessionDep, token: Token = None, after: int = 0, limit: int = 50) -> dict:
    items = sync.feed(session, _partner(session, token), after, min(max(limit, 1), 500))
    return {"messages": items, "last": items[-1]["seq"] if items else after}
