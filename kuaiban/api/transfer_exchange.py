"""The partner interface served by kuaiban (docs/unemployment-transfer.md): another province's system posts its
失业保险关系转移 messages here and fetches ours, authenticated by the token registered for it
(``kuaiban unemployment transfers partner --token``). Same protocol as the simulator, under a prefix."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Request

from kuaiban.api.caller_first import checked_first
from kuaiban.api.services import SessionDep
from kuaiban.deps import in_read
from kuaiban.platform.errors import Unauthenticated
from kuaiban.unemployment.transfer_exchange import protocol as p
from kuaiban.unemployment.transfer_exchange import sync

TOKEN_HEADER = "X-Partner-Token"
Token = Annotated[str | None, Header(alias=TOKEN_HEADER)]


def _partner(session, token: str | None) -> str:
    partner = sync.partner_for_token(session, token)
    if partner is None:
        raise Unauthenticated("合作省份系统的凭据无效", TOKEN_HEADER)
    return partner.province


async def _partner_first(request: Request) -> None:
    """The partner's token judged before a message it sent that does not parse (kuaiban.api.caller_first)."""
    await in_read(request, lambda session: _partner(session, request.headers.get(TOKEN_HEADER)))


router = APIRouter(prefix="/api/unemployment/transfer-exchange", tags=["失业登记"],
                   responses={401: {"description": "合作省份系统的凭据无效：{detail, field}"}},
                   route_class=checked_first(_partner_first))


@router.post(p.MESSAGES, summary="接收合作省份系统的失业保险关系转移消息（按消息编号只办理一次）")
def receive(message: Annotated[dict[str, Any], Body()], session: SessionDep, token: Token = None) -> dict:
    status = sync.receive(session, _partner(session, token), message)
    stored, _, outcome = status.partition(":")
    return {"status": stored} | ({"outcome": outcome} if outcome else {})


@router.get(p.MESSAGES, summary="本系统发给该合作省份的消息（按序号）")
def messages(session: SessionDep, token: Token = None, after: int = 0, limit: int = 50) -> dict:
    items = sync.feed(session, _partner(session, token), after, min(max(limit, 1), 500))
    return {"messages": items, "last": items[-1]["seq"] if items else after}
