"""The 快办 REST API end to end: login, apply, act, rate, supervise — with Chinese errors naming the field."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from tests.api_login import bearer_login
from tests.materials import api_upload, synthetic_credit_code

from .conftest import CERTIFICATE, FORM, PASSWORD, SHARED, make_world


@pytest.fixture
def api(backend_url):
    world = make_world(backend_url)
    client = TestClient(create_app(backend_url))
    return client, world, bearer_login(client, PASSWORD)


def test_catalogue_and_the_one_form_are_public(api):
    client, _, _ = api
    assert [b["name"] for b in client.get("/api/services/bundles").json()][:2] == ["企业招用员工", "企业与员工解除终止劳动合同"]
    form = client.get("/api/services/bundles/1/form").json()
    assert {f["name"] for f in form["fields"] if f["required"]} == set(FORM)
    (item,) = [i for i in form["items"] if i["code"] == "2.4.3"]
    assert item["limit"] == {"kind": "working_days", "value": 3, "basis": "提速目标"}
    assert client.get("/api/services/bundles/开饭馆/form").json()["field"] == "bundle"
    assert len(client.get("/api/services/speedup").json()) == 25
    assert "/api/cases" in client.get("/openapi.json").json()["paths"]


def test_a_case_through_its_whole_life(api):
    client, _, login = api
    citizen, window, reviewer, supervisor = (login(u) for u in ("citizen", "window", "reviewer", "supervisor"))
    r = client.post("/api/cases", headers=citizen, json={
        "bundle": "企业招用员工", "form": FORM, "items": ["1.1.5", "4.1.1"],
        "materials": {SHARED: api_upload(client, citizen, "contract.pdf")}, "commitments": [CERTIFICATE]})
    assert r.status_code == 201, r.text
    case = r.json()
    assert [t["item_code"] for t in case["tasks"]] == ["1.1.5", "4.1.1"]
    assert case["commitments"][0]["verification"] == "待核查"
    number = case["number"]
    for t in case["tasks"]:
        version = t["version"]
        for action, who in [("accept", window), ("review", reviewer), ("complete", reviewer)]:
            r = client.post(f"/api/tasks/{t['id']}/{action}", headers=who, json={"version": version})
            assert r.status_code == 200, r.text
            version = r.json()["version"]
    assert client.get(f"/api/cases/{number}", headers=citizen).json()["status"] == "已办结"
    progress = client.get(f"/api/cases/{number}/status", headers=citizen).json()
    assert progress["status"] == "已办结" and [t["state"] for t in progress["tasks"]] == ["已办结", "已办结"]
    hidden = client.get(f"/api/cases/{number}/status", headers=login("neighbour"))  # as if none (s19)
    assert hidden.status_code == 404 and hidden.json()["detail"] == f"没有这个办件：{number}"
    r = client.post(f"/api/cases/{number}/rating", headers=citizen, json={"level": 1, "text": "排队太久"})
    assert r.json() == {**r.json(), "label": "非常不满意", "rectification": True}
    (rect,) = client.get("/api/rectifications", headers=supervisor).json()
    r = client.post(f"/api/rectifications/{rect['id']}/advance", headers=supervisor,
                    json={"note": "情况属实", "version": rect["version"]})
    assert r.json()["state"] == "待整改"
    got = client.get("/api/stats", headers=supervisor).json()
    assert got["materials"]["avoided"] == 2 and got["ratings"]["good_rate"] == 0.0
    actions = [e["action"] for e in client.get(f"/api/audit?case={number}", headers=supervisor).json()]
    assert actions[-1] == "submit" and "rate" in actions and "rectification" in actions
    assert client.get("/api/audit", headers=citizen).status_code == 403


def test_two_staff_on_one_task_the_second_gets_a_conflict(api):
    client, _, login = api
    citizen, window = login("citizen"), login("window")
    task = client.post("/api/cases", headers=citizen,
                       json={"bundle": "1", "form": FORM, "items": ["2.4.3"]}).json()["tasks"][0]
    first = client.post(f"/api/tasks/{task['id']}/accept", headers=window, json={"version": 1})
    second = client.post(f"/api/tasks/{task['id']}/refuse", headers=window, json={"version": 1, "reason": "重复"})
    assert first.status_code == 200 and second.status_code == 409
    assert second.json()["field"] == "version" and "已被他人处理" in second.json()["detail"]


def test_errors_are_chinese_and_name_the_field(api):
    client, _, login = api
    citizen = login("citizen")
    r = client.post("/api/cases", headers=citizen, json={"form": FORM})
    assert r.status_code == 422 and r.json() == {**r.json(), "field": "bundle", "detail": "字段 bundle 缺少必填字段"}
    r = client.post("/api/cases", headers=citizen, json={"bundle": "1", "form": {**FORM, "证件号码": ""}})
    assert r.status_code == 422 and r.json()["field"] == "form.证件号码"
    r = client.post("/api/cases", headers=citizen, json={"bundle": "1", "form": FORM, "colour": "red"})
    assert r.json()["detail"] == "字段 colour 不是可接受的字段"
    r = client.post("/api/tasks/1/accept", headers=citizen, json={"version": "one"})
    assert r.json()["field"] == "version" and r.json()["detail"] == "字段 version 须为整数"


def test_tokens_and_roles(api):
    client, _, login = api
    assert client.get("/api/cases").json() == {"detail": "未登录：请在 Authorization 头中提供令牌",
                                               "field": "Authorization"}
    assert client.get("/api/cases", headers={"Authorization": "Bearer nope"}).status_code == 401
    r = client.post("/api/auth/login", json={"username": "citizen", "password": "wrong-one"})
    assert r.status_code == 401 and r.json()["detail"] == "用户名或密码错误"
    citizen, outsider = login("citizen"), login("outsider")
    number = client.post("/api/cases", headers=citizen,
                         json={"bundle": "1", "form": FORM, "items": ["2.4.3"]}).json()["number"]
    assert client.get(f"/api/cases/{number}", headers=outsider).status_code == 403
    assert client.get("/api/stats", headers=citizen).status_code == 403
    client.post("/api/auth/logout", headers=citizen)
    assert client.get("/api/me", headers=citizen).status_code == 401


def test_a_status_read_sees_a_signed_out_token_and_a_new_step_at_once(api):
    """The status read runs without a transaction around it on PostgreSQL (kuaiban.deps.in_read): it still
    checks the token in the database on every request and reads what was committed last."""
    client, _, login = api
    citizen, window = login("citizen"), login("window")
    number = client.post("/api/cases", headers=citizen,
                         json={"bundle": "1", "form": FORM, "items": ["2.4.3"]}).json()["number"]
    task = client.get(f"/api/cases/{number}/status", headers=citizen).json()["tasks"][0]
    r = client.post(f"/api/tasks/{task['id']}/accept", headers=window, json={"version": task["version"]})
    assert r.status_code == 200, r.text
    now = client.get(f"/api/cases/{number}/status", headers=citizen).json()["tasks"][0]
    assert (now["state"], now["version"]) == (r.json()["state"], task["version"] + 1) != (task["state"], task["version"])
    client.post("/api/auth/logout", headers=citizen)
    assert client.get(f"/api/cases/{number}/status", headers=citizen).status_code == 401


def test_register_an_applicant_and_staff(api):
    client, _, login = api
    new = {"username": "newco", "password": "Long enough pw 7", "kind": "enterprise", "name": "测试企业丙",
           "id_number": synthetic_credit_code(1)}
    r = client.post("/api/auth/register", json=new | {"region": "湖南省长沙市岳麓区"})
    assert r.status_code == 201 and r.json()["role"] == "applicant"
    assert (r.json()["region"], r.json()["region_name"]) == ("430104", "湖南省长沙市岳麓区")
    r = client.post("/api/auth/register", json=new | {"region": "430104", "id_number": synthetic_credit_code(2)})
    # a taken username is a conflict with what exists (409, as a taken ID number), not a malformed request
    assert r.status_code == 409 and r.json()["field"] == "username"
    for region in (None, "", "示例市"):  # blank or unknown: refused, naming the field
        r = client.post("/api/auth/register", json=new | {"username": "newco2", "region": region})
        assert (r.status_code, r.json()["field"]) == (422, "region"), region
    supervisor = login("supervisor")
    r = client.post("/api/users", headers=supervisor,
                    json={"username": "w2", "password": "Long enough pw 7", "role": "window"})
    assert (r.json()["region"], r.json()["region_name"]) == ("430100", "湖南省长沙市")
    r = client.post("/api/users", headers=supervisor,  # a district inside the supervisor's city
                    json={"username": "w4", "password": "Long enough pw 7", "role": "window", "region": "岳麓区"})
    assert r.status_code == 201 and r.json()["region"] == "430104"
    r = client.post("/api/users", headers=supervisor,  # another city: not theirs to staff
                    json={"username": "w5", "password": "Long enough pw 7", "role": "window", "region": "株洲"})
    assert r.status_code == 403
    assert client.post("/api/users", headers=login("window"),
                       json={"username": "w3", "password": "Long enough pw 7", "role": "window"}).status_code == 403


# ---------------------------------------------------------------- one transaction, one worker-thread trip


def test_the_token_is_checked_before_any_other_input(api):
    client, _, _ = api
    for path in ("/api/cases?limit=0", "/api/tasks/due-soon?hours=0", "/api/audit?limit=0"):
        r = client.get(path)
        assert (r.status_code, r.json()["field"]) == (401, "Authorization"), path


def test_a_created_case_is_stored_before_the_answer_and_a_refused_one_leaves_nothing(api):
    from sqlalchemy import func, select

    from kuaiban.platform.models import AuditEntry
    from kuaiban.services.models import Case

    client, world, login = api
    citizen = login("citizen")
    r = client.post("/api/cases", headers=citizen, json={"bundle": "企业招用员工", "form": FORM, "items": ["2.4.3"]})
    assert r.status_code == 201
    with world.session() as s:  # a new session sees it as soon as the answer is out
        assert s.scalar(select(Case.number)) == r.json()["number"]
    r = client.post("/api/cases", headers=citizen, json={"bundle": "企业招用员工", "form": FORM,
                                                       "materials": {"不需要的材料": "x.pdf"}})
    assert (r.status_code, r.json()["field"]) == (422, "materials.不需要的材料")
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "submit")) == 1


def test_the_server_start_takes_its_long_lived_objects_out_of_the_collector(backend_url):
    """Full garbage collections walking every module and mapper stopped a worker for ~200 ms under
    load; at start-up they are frozen (gc.freeze), so collections only look at newer objects."""
    import gc

    gc.unfreeze()
    try:
        with TestClient(create_app(backend_url)) as client:
            assert gc.get_freeze_count() > 10_000
            assert client.get("/api/health").json()["status"] == "ok"
    finally:
        gc.unfreeze()


def test_every_region_returned_comes_with_its_full_name(api):
    client, _, login = api
    citizen = login("citizen")
    case = client.post("/api/cases", headers=citizen, json={"bundle": "1", "form": FORM, "items": ["2.4.3"]}).json()
    assert (case["region"], case["region_name"]) == ("430100", "湖南省长沙市")
    (listed,) = client.get("/api/cases", headers=login("supervisor")).json()
    assert (listed["region"], listed["region_name"]) == ("430100", "湖南省长沙市")
    assert client.get(f"/api/cases/{case['number']}", headers=citizen).json()["region_name"] == "湖南省长沙市"
    assert client.get("/api/me", headers=citizen).json()["region_name"] == "湖南省长沙市"
    assert client.get("/api/stats", headers=login("supervisor")).json()["by_region"][0]["region_name"] == "湖南省长沙市"
