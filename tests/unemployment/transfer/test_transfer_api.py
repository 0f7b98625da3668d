"""The JSON API: the person starts at the 转出地, each office acts on its side only, the person follows."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app

from .world import DESTINATION, ORIGIN, PASSWORD, make_offices


@pytest.fixture
def api(tmp_path):
    url = f"sqlite:///{tmp_path / 'kuaiban.db'}"
    make_offices(url)
    client = TestClient(create_app(url))

    def login(username: str) -> dict:
        r = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    return client, login


def test_a_transfer_through_the_api(api):
    client, login = api
    person, origin, destination = login("person"), login("hn-clerk"), login("cq-clerk")
    r = client.post("/api/unemployment/transfers", headers=person, json={
        "side": "origin", "origin_region": ORIGIN, "destination_region": DESTINATION, "name": "样例甲",
        "card_number": "SAMPLE-CARD-0001", "employment_status": "参保失业人员（正在领金期间）"})
    assert r.status_code == 201, r.text
    ref = r.json()["ref"]
    assert r.json()["state"] == "待转出" and r.json()["record"]["id_number"].count("*") == 8
    assert [t["ref"] for t in client.get("/api/unemployment/transfers/queue", headers=origin).json()] == [ref]
    wrong = client.post(f"/api/unemployment/transfers/{ref}/transfer-out", headers=destination, json={
        "contributions": {"approved": [], "unapproved": []}})
    assert wrong.status_code == 403 and wrong.json()["detail"]
    r = client.post(f"/api/unemployment/transfers/{ref}/transfer-out", headers=origin, json={
        "contributions": {"approved": [{"region": ORIGIN, "start": "2018-01", "end": "2020-12"}], "unapproved": []},
        "unpaid_benefit": {"months": 4, "monthly_amount": "1500"}, "unemployment_reason": "劳动合同期满终止",
        "benefit_standard": "1500"})
    assert r.status_code == 200, r.text
    assert r.json()["fund"]["amount"] == "9000.00"  # 4 × 1500 × 1.5
    refused = client.post(f"/api/unemployment/transfers/{ref}/refuse", headers=destination,
                          json={"reason": "费用尚未到账"})
    assert refused.status_code == 422 and refused.json()["field"] == "reason"
    assert client.post(f"/api/unemployment/transfers/{ref}/transfer-in", headers=destination).status_code == 200
    mine = client.get("/api/unemployment/transfers/mine", headers=person).json()
    assert [(t["ref"], t["state"], t["benefits_paid_meanwhile"]) for t in mine] == [(ref, "已转入", True)]
    assert client.get(f"/api/unemployment/transfers/{ref}", headers=login("sd-clerk")).status_code == 403
    texts = [m["text"] for m in client.get("/api/messages", headers=person).json()["items"]]
    assert any("已办理失业保险关系转入" in t for t in texts)
