"""Two kuaiban installations — 湖南's (芙蓉区) and 重庆's (渝中区) — each registering the other as a partner with a
token, talking our protocol: kuaiban serves /api/unemployment/transfer-exchange/v1/transfer-messages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform import audit, auth
from kuaiban.unemployment import transfer, transfer_rules
from kuaiban.unemployment import transfer_models as tm
from kuaiban.unemployment.transfer_exchange import protocol as p
from kuaiban.unemployment.transfer_exchange import sync

from .world import DESTINATION, DETAILS, MONDAY, ORIGIN, PASSWORD, PERSON_ID, make_offices

PREFIX = "/api/unemployment/transfer-exchange"
HUNAN_TOKEN, CHONGQING_TOKEN = "sample-token-hunan-0001", "sample-token-chongqing-0001"


class AppClient:
    """The exchanger's client (send / fetch) over a kuaiban app, presenting our token to it."""

    def __init__(self, app_client: TestClient, token: str) -> None:
        self.http, self.headers = app_client, {"X-Partner-Token": token}

    def send(self, message: dict) -> str:
        r = self.http.post(PREFIX + p.MESSAGES, json=message, headers=self.headers)
        if r.status_code != 200:
            raise p.TransportError(f"HTTP {r.status_code}")
        return r.json()["status"]

    def fetch(self, after: int, limit: int = 50) -> list[dict]:
        r = self.http.get(PREFIX + p.MESSAGES, params={"after": after, "limit": limit}, headers=self.headers)
        if r.status_code != 200:
            raise p.TransportError(f"HTTP {r.status_code}")
        return r.json()["messages"]


@pytest.fixture
def two(tmp_path):
    hunan_url, chongqing_url = (f"sqlite:///{tmp_path / n}" for n in ("hunan.db", "chongqing.db"))
    hunan = make_offices(hunan_url)  # its 重庆 staff are unused: 重庆 is the other installation
    engine = connect(chongqing_url)
    with session_scope(engine) as s:
        clerk = auth.create_user(s, "cq-clerk", PASSWORD, "reviewer", region=DESTINATION)
        sync.set_partner(s, "43", "湖南省失业保险系统", "http://hunan.example", token=HUNAN_TOKEN)
    with hunan.session() as s:
        sync.set_partner(s, "50", "重庆市失业保险系统", "http://chongqing.example", token=CHONGQING_TOKEN)
    apps = TestClient(create_app(hunan_url)), TestClient(create_app(chongqing_url))
    return hunan, engine, clerk, apps


def test_transferred_out_in_hunan_transferred_in_in_chongqing(two):
    hunan, chongqing, cq_clerk, (hunan_app, chongqing_app) = two
    with hunan.session() as s:
        t = transfer.start(s, hunan.person, side=tm.ORIGIN, origin_region=ORIGIN, destination_region=DESTINATION,
                           name="样例甲", card_number="SAMPLE-CARD-0001", employment_status="参保职工", at=MONDAY)
        transfer.transfer_out(s, hunan.origin_clerk, t.ref, details=DETAILS, at=MONDAY)
        ref = t.ref
    to_chongqing = AppClient(chongqing_app, HUNAN_TOKEN)
    report = sync.exchange_once(hunan.engine, {"50": to_chongqing})
    assert report.sent == 1
    assert sync.exchange_once(hunan.engine, {"50": to_chongqing}).sent == 0  # acknowledged: not sent again
    with session_scope(chongqing) as s:  # 重庆 has the record, its 5 working days, in its clerk's queue
        arrived = transfer.queue(s, cq_clerk)
        assert [x.ref for x in arrived] == [ref] and arrived[0].state == "待转入"
        assert arrived[0].record["id_number"] == PERSON_ID and arrived[0].fund_amount is not None
        # its 5 working days run from the day the 联系函 arrived (today: it came over the interface now)
        assert arrived[0].stage_due == transfer_rules.office_due(arrived[0].stage_started_on)
        assert arrived[0].stage_started_on == audit.now().date()
    with session_scope(chongqing) as s:
        transfer.transfer_in(s, cq_clerk, ref, at=MONDAY)
    # 湖南 fetches 重庆's feed (and 重庆's own exchanger pushing it would be a duplicate: applied once)
    sync.exchange_once(hunan.engine, {"50": to_chongqing})
    sync.exchange_once(chongqing, {"43": AppClient(hunan_app, CHONGQING_TOKEN)})
    with hunan.session() as s:
        assert s.scalar(select(tm.Transfer.state).where(tm.Transfer.ref == ref)) == "已转入"
        assert s.scalar(select(tm.InboxMessage.outcome)) == "applied"
    with session_scope(chongqing) as s:
        assert s.scalar(select(tm.OutboxMessage.ack_status)) == "duplicate"


def test_a_caller_without_the_partner_token_is_refused(two):
    _, _, _, (_, chongqing_app) = two
    r = chongqing_app.post(PREFIX + p.MESSAGES, json={"message_id": "x"}, headers={"X-Partner-Token": "wrong"})
    assert r.status_code == 401 and r.json()["detail"] == "合作省份系统的凭据无效"
    assert chongqing_app.get(PREFIX + p.MESSAGES).status_code == 401
