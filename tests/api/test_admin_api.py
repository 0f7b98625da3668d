"""管理 JSON API: the same rules as the pages, answered in Chinese JSON naming the field."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform import auth, calendar

PASSWORD = "correct-horse-42"


@pytest.fixture
def client(backend_url, monkeypatch):
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})
    with session_scope(connect(backend_url)) as s:
        for name, role, region in (("hn-sup", "supervisor", "430000"), ("cs-sup", "supervisor", "430100"),
                                   ("zz-win", "window", "430200")):
            auth.create_user(s, name, PASSWORD, role, region=region)
    with TestClient(create_app(backend_url)) as c:
        yield c
    calendar.install_entered({}, None)


def _bearer(client, username: str, password: str = PASSWORD) -> dict:
    r = client.post("/api/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_a_supervisor_creates_lists_disables_and_resets_an_account(client):
    cs = _bearer(client, "cs-sup")
    r = client.post("/api/admin/staff", headers=cs, json={"username": "yl-win", "role": "window", "region": "430104"})
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["role_name"] == "窗口人员" and created["manageable"] and len(created["one_time_password"]) == 16
    clerk = _bearer(client, "yl-win", created["one_time_password"])
    assert client.get("/api/admin/staff", headers=clerk).status_code == 403  # a clerk manages nobody
    names = {u["username"] for u in client.get("/api/admin/staff", headers=cs).json()}
    assert names == {"cs-sup", "yl-win"}  # not 430000's, not 430200's
    r = client.post(f"/api/admin/staff/{created['id']}/disable", headers=cs)
    assert r.status_code == 200 and r.json()["active"] is False
    assert client.get("/api/me", headers=clerk).status_code == 401  # the session ended
    client.post(f"/api/admin/staff/{created['id']}/enable", headers=cs)
    r = client.post(f"/api/admin/staff/{created['id']}/password", headers=cs, json={"password": "short"})
    assert r.status_code == 422 and r.json()["field"] == "password"
    r = client.post(f"/api/admin/staff/{created['id']}/password", headers=cs, json={})
    _bearer(client, "yl-win", r.json()["one_time_password"])


def test_accounts_outside_the_scope_are_out_of_reach(client):
    cs = _bearer(client, "cs-sup")
    r = client.post("/api/admin/staff", headers=cs, json={"username": "x", "role": "window", "region": "430200"})
    assert r.status_code == 403 and r.json()["field"] == "region" and "辖区" in r.json()["detail"]
    zz = next(u for u in client.get("/api/admin/staff", headers=_bearer(client, "hn-sup")).json()
              if u["username"] == "zz-win")
    for action in ("disable", "revoke-sessions"):
        r = client.post(f"/api/admin/staff/{zz['id']}/{action}", headers=cs)
        assert r.status_code == 404 and r.json()["field"] == "user_id"


def test_materials_routes_and_holidays(client):
    cs, hn = _bearer(client, "cs-sup"), _bearer(client, "hn-sup")
    r = client.post("/api/admin/materials", headers=cs, json={"item": "1.1.5", "material": "劳动合同（测试配置）"})
    assert r.status_code == 201 and r.json()["item_label"] == "1.1.5 职工参保登记"
    r = client.post("/api/admin/materials", headers=cs, json={"item": "不存在的事项", "material": "x"})
    assert r.status_code == 422 and r.json()["field"] == "item"
    assert client.put("/api/admin/routes", headers=cs, json={"item": "1.1.5", "agency": "社保经办机构"}).status_code == 200
    assert [x["agency"] for x in client.get("/api/admin/routes", headers=cs).json()] == ["社保经办机构"]
    assert client.get("/api/admin/rectification-limit", headers=cs).json() == {"working_days": None}
    body = {"notice_number": "测试通知〔2026〕1号", "notice_title": "关于2027年部分节假日安排的通知（测试）",
            "notice_date": "2026-11-01", "holidays": [{"festival": "春节", "start": "2027-02-06", "end": "2027-02-12"}],
            "workdays": [{"festival": "春节", "start": "2027-02-20"}]}
    r = client.put("/api/admin/holidays/2027", headers=cs, json=body)
    assert r.status_code == 403  # a city supervisor: the calendar is national
    r = client.put("/api/admin/holidays/2027", headers=hn, json=body)
    assert r.status_code == 200, r.text
    assert [d["kind"] for d in r.json()["days"]].count("holiday") == 7
    r = client.put("/api/admin/holidays/2026", headers=hn, json=body)
    assert r.status_code == 422 and r.json()["field"] == "year"
    assert [y["year"] for y in client.get("/api/admin/holidays", headers=cs).json()] == [2027]


def test_a_route_removed_by_two_supervisors_at_once_is_removed_once_and_logged_once(client, backend_url):
    """The second removal finds the row gone: a 404, not a 500 (found by Schemathesis's two workers), and
    each removal writes before it appends to the audit log (so two at once cannot fork the chain)."""
    from sqlalchemy import func, select

    from kuaiban.platform.models import AuditEntry, User
    from kuaiban.services import region_config
    from kuaiban.services.models import ItemRoute

    cs = _bearer(client, "cs-sup")
    route = client.put("/api/admin/routes", headers=cs, json={"item": "1.1.5", "agency": "社保经办机构"}).json()
    engine = connect(backend_url)
    with session_scope(engine) as late, session_scope(engine) as first:
        late_user = late.scalar(select(User).where(User.username == "cs-sup"))
        late.get(ItemRoute, route["id"])  # the second supervisor's request has read the row …
        region_config.remove_route(first, first.merge(late_user, load=True), route["id"])
        first.commit()  # … when the first one's removal commits
        with pytest.raises(region_config.NotFound):
            region_config.remove_route(late, late_user, route["id"])
        late.rollback()
    assert client.delete(f"/api/admin/routes/{route['id']}", headers=cs).status_code == 404
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "remove_route")) == 1
