"""The 创业担保贷款 JSON API with every party's account: apply, review, guarantee, lend, claim, check, pay and
credit a quarter's 贴息, follow it all as the applicant; errors name the field in Chinese; another bank sees
nothing; a second payment is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.platform import audit
from tests.programs.loans.conftest import BANK_A, FUND, PASSWORD, STAFF_PASSWORD, make_parties


@pytest.fixture
def api(backend_url, monkeypatch):
    # the flow runs "today": a fixed Monday in 2021 so that contracts of 2021-03 and the quarter's claim line up
    now = {"at": dt.datetime(2021, 3, 1, 10, 0)}
    monkeypatch.setattr(audit, "now", lambda: now["at"])
    make_parties(backend_url)
    client = TestClient(create_app(backend_url))

    def login(username: str) -> dict:
        password = PASSWORD if username in ("sd-citizen", "sd-other", "sd-firm", "cq-citizen") else STAFF_PASSWORD
        r = client.post("/api/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    return client, login, now


def test_every_party_through_the_api(api) -> None:
    client, login, now = api
    citizen, office, fund = login("sd-citizen"), login("jn-rev"), login("jn-fund")
    bank, other_bank, finance = login("jn-bank-a"), login("jn-bank-b"), login("jn-fin")

    rules = client.get("/api/loans/rules").json()
    assert [s["working_days"] for s in rules["steps"]] == [7, 3, 5]
    assert rules["steps"][0]["source"]["label"] == "财金〔2020〕21号 六、简化审批程序"
    assert client.get("/api/loans/institutions", headers=citizen).json() == {"guarantors": [FUND],
                                                                             "banks": sorted([BANK_A, "另一测试银行济南分行"])}

    bad = client.post("/api/loans/applications", headers=citizen, json={
        "borrower": "个人", "amount": 200000, "months": 36, "facts": {"category": "城镇登记失业人员"},
        "materials": {"申请人居民身份证": "提交", "人员类别证明": "承诺"}, "commitment": True, "account": "6222000000000001"})
    assert bad.status_code == 422 and bad.json()["field"] == "project" and "创业项目" in bad.json()["detail"]
    r = client.post("/api/loans/applications", headers=citizen, json={
        "borrower": "个人", "amount": 200000, "months": 36,
        "facts": {"project": "社区便利店", "category": "城镇登记失业人员"},
        "materials": {"申请人居民身份证": "提交", "人员类别证明": "承诺"}, "commitment": True,
        "account": "6222000000000001", "bank": BANK_A})
    assert r.status_code == 201, r.text
    app = r.json()
    assert app["status"] == "eligibility" and app["step_due"] == "2021-03-10"
    app_id = app["id"]

    assert [a["id"] for a in client.get("/api/loans/queue", headers=office).json()["applications"]] == [app_id]
    assert client.get(f"/api/loans/applications/{app_id}", headers=bank).status_code == 404  # not yet routed
    # a loan's time limits are the procedure's steps, read from the one list the pages show too
    limits = client.get(f"/api/loans/applications/{app_id}", headers=citizen).json()["limits"]
    assert limits == [{"step": s["name"], "party": s["party"], "working_days": s["working_days"],
                       "source": s["source"]} for s in rules["steps"]]
    r = client.post(f"/api/loans/applications/{app_id}/eligibility", headers=office,
                    json={"outcome": "pass", "lpr": "0.0385", "guarantor": FUND, "bank": BANK_A})
    assert r.status_code == 200 and r.json()["approved_limit"] == "200000.00", r.text
    assert client.post(f"/api/loans/applications/{app_id}/guarantee", headers=bank,
                       json={"outcome": "pass", "guarantee_no": "X"}).status_code == 403
    r = client.post(f"/api/loans/applications/{app_id}/guarantee", headers=fund,
                    json={"outcome": "pass", "guarantee_no": "DB-2021-001"})
    assert r.json()["status"] == "lending"
    r = client.post(f"/api/loans/applications/{app_id}/loan", headers=bank, json={
        "outcome": "pass", "contract_no": "JK-1", "contract_date": "2021-03-01", "amount": "200000", "months": 24,
        "rate": "0.05", "lpr": "0.0385"})
    assert r.status_code == 422 and r.json()["field"] == "rate" and "超过利率上限 4.35%" in r.json()["detail"]
    r = client.post(f"/api/loans/applications/{app_id}/loan", headers=bank, json={
        "outcome": "pass", "contract_no": "JK-1", "contract_date": "2021-03-01", "amount": "200000", "months": 24,
        "rate": "0.0435", "lpr": "0.0385"})
    assert r.json()["status"] == "active" and r.json()["contract"]["subsidy_rate"] == "0.02"

    assert client.get(f"/api/loans/applications/{app_id}", headers=other_bank).status_code == 404
    assert client.get("/api/loans/applications", headers=other_bank).json() == []

    now["at"] = dt.datetime(2021, 7, 5, 10, 0)  # a new day: new sessions
    citizen, office, bank, other_bank, finance = (login(u) for u in ("sd-citizen", "jn-rev", "jn-bank-a",
                                                                      "jn-bank-b", "jn-fin"))
    r = client.post(f"/api/loans/applications/{app_id}/subsidies", headers=bank,
                    json={"quarter": "2021Q2", "interest": "2175.00"})
    assert r.status_code == 201 and r.json()["subsidy"] == "1000.00", r.text  # 2175 × 2.00 / 4.35
    claim_id = r.json()["id"]
    assert client.post(f"/api/loans/applications/{app_id}/subsidies", headers=bank,
                       json={"quarter": "2021Q2", "interest": "2175.00"}).status_code == 409
    assert client.post(f"/api/loans/applications/{app_id}/subsidies", headers=bank,
                       json={"quarter": "2021-2", "interest": "1"}).json()["field"] == "quarter"
    assert client.post(f"/api/loans/subsidies/{claim_id}/check", headers=office, json={"outcome": "pass"}).status_code == 200
    assert client.post(f"/api/loans/subsidies/{claim_id}/pay", headers=finance,
                       json={"outcome": "pass"}).json()["status"] == "paid"
    assert client.post(f"/api/loans/subsidies/{claim_id}/pay", headers=finance, json={"outcome": "pass"}).status_code == 409
    assert client.post(f"/api/loans/subsidies/{claim_id}/credit", headers=other_bank).status_code == 404
    assert client.post(f"/api/loans/subsidies/{claim_id}/credit", headers=bank).json()["status"] == "credited"

    view = client.get(f"/api/loans/applications/{app_id}", headers=citizen).json()
    assert [e["party_name"] for e in view["events"]] == [
        "申请人", "人力资源社会保障部门", "担保机构", "经办银行", "经办银行", "人力资源社会保障部门", "财政部门", "经办银行"]
    assert view["subsidies"][0]["status_name"] == "贴息已划入借款人账户"
    assert client.get(f"/api/loans/applications/{app_id}", headers=login("sd-other")).status_code == 404
