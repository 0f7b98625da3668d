"""The JSON API for whole-case handling, 转办, 补正期限 and 告知承诺 credit records."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from tests.materials import api_upload

from .conftest import CERTIFICATE, FORM, PASSWORD, SHARED, make_world


@pytest.fixture
def api(tmp_path):
    url = f"sqlite:///{tmp_path / 'kuaiban.db'}"
    make_world(url)
    client = TestClient(create_app(url))

    def login(username: str) -> dict:
        r = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        return {"Authorization": f"Bearer {r.json()['token']}"}

    return client, login


def test_whole_case_transfer_correction_deadline_and_credit_through_the_api(api):
    client, login = api
    citizen, window, reviewer, supervisor = (login(u) for u in ("citizen", "window", "reviewer", "supervisor"))
    case = client.post("/api/cases", headers=citizen, json={
        "bundle": "企业招用员工", "form": FORM, "items": ["1.1.5", "4.1.1", "2.4.3"],
        "materials": {SHARED: api_upload(client, citizen, "contract.pdf")}, "commitments": [CERTIFICATE]}).json()
    ids = {t["item_code"]: t["id"] for t in case["tasks"]}
    r = client.post(f"/api/tasks/{ids['2.4.3']}/correct", headers=window,
                    json={"version": 1, "missing": ["照片（测试）"], "reason": "须2寸照片（测试）",
                          "correction_due": (dt.date.today() + dt.timedelta(days=5)).isoformat()})
    assert r.status_code == 200 and r.json()["correction_due"] is not None
    r = client.post(f"/api/tasks/{ids['4.1.1']}/transfer", headers=window,
                    json={"version": 1, "agency": "劳动监察（测试）", "reason": "属用工备案（测试）"})
    assert r.status_code == 200 and r.json()["agency"] == "劳动监察（测试）"
    r = client.post(f"/api/cases/{case['number']}/whole/accept", headers=window, json={"except_ids": []})
    assert r.status_code == 200
    assert sorted(t["item_code"] for t in r.json()["moved"]) == ["1.1.5", "4.1.1"]
    assert [s["task"]["item_code"] for s in r.json()["skipped"]] == ["2.4.3"]
    c_id = client.get(f"/api/cases/{case['number']}", headers=citizen).json()["commitments"][0]["id"]
    assert client.post(f"/api/commitments/{c_id}/verify", headers=reviewer,
                       json={"truthful": False, "note": "不实（测试）"}).status_code == 200
    (record,) = client.get("/api/credit-records", headers=supervisor).json()
    barred = client.post("/api/cases", headers=citizen, json={
        "bundle": "企业招用员工", "form": FORM, "items": ["1.1.5"], "materials": {SHARED: api_upload(client, citizen, "c.pdf")},
        "commitments": [CERTIFICATE]})
    assert barred.status_code == 422 and "在信用修复前不适用告知承诺制" in barred.json()["detail"]
    assert client.post(f"/api/credit-records/{record['id']}/repair", headers=supervisor,
                       json={"note": "已整改（测试）"}).status_code == 200
    assert client.post("/api/cases", headers=citizen, json={
        "bundle": "企业招用员工", "form": FORM, "items": ["1.1.5"], "materials": {SHARED: api_upload(client, citizen, "c.pdf")},
        "commitments": [CERTIFICATE]}).status_code == 201
