"""The 失业登记 REST API end to end: validate, submit, decide, follow up, deregister, count — with Chinese
errors naming the field code (422 invalid, 409 conflict, 403 not the staff member's region, 404 another person's
registration, as one that does not exist)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from tests.api_login import bearer_login
from tests.unemployment.world import PASSWORD, local_application, make_world


@pytest.fixture
def api(backend_url):
    make_world(backend_url)
    client = TestClient(create_app(backend_url))
    return client, bearer_login(client, PASSWORD)


def test_validate_returns_field_level_errors_for_the_web_form(api):
    client, _ = api
    r = client.post("/api/unemployment/validate", json={"record": local_application(AAC003="样例 甲", AAC067="1")})
    body = r.json()
    assert r.status_code == 200 and body["valid"] is False
    assert {e["field"] for e in body["errors"]} == {"AAC003", "AAC067"}
    assert all("（AAC" in e["message"] for e in body["errors"])
    assert body["limit"]["working_days"] == 3 and "参保地" in body["place_bases"]
    ok = client.post("/api/unemployment/validate", json={"record": local_application()}).json()
    assert ok == {**ok, "valid": True, "errors": []}


def test_a_registration_through_its_whole_life(api):
    client, login = api
    citizen, window, reviewer, supervisor = (login(u) for u in ("citizen", "window", "reviewer", "supervisor"))
    r = client.post("/api/unemployment/registrations", headers=citizen,
                    json={"record": local_application(), "declaration_signed": True})
    assert r.status_code == 201, r.text
    mine = r.json()
    assert mine["channel"] == "online" and mine["status"] == "待审核" and "register_check" not in mine
    assert mine["declaration"]["signer"] == "样例0号"
    number = mine["aaz341"]

    queue = client.get("/api/unemployment/queue", headers=reviewer).json()
    assert [q["aaz341"] for q in queue] == [number] and queue[0]["register_check"]["flagged"] is False
    r = client.post(f"/api/unemployment/registrations/{number}/decision", headers=reviewer,
                    json={"approve": False, "version": queue[0]["version"]})
    assert (r.status_code, r.json()["field"]) == (422, "AAE360")
    r = client.post(f"/api/unemployment/registrations/{number}/decision", headers=reviewer,
                    json={"approve": True, "version": queue[0]["version"]})
    assert r.status_code == 200 and r.json()["result"]["AAE540"] == "1"
    r = client.post(f"/api/unemployment/registrations/{number}/decision", headers=reviewer,
                    json={"approve": True, "version": queue[0]["version"]})
    assert r.status_code == 409 and r.json()["field"] == "version"
    version = client.get(f"/api/unemployment/registrations/{number}", headers=reviewer).json()["version"]

    assert [d["aaz341"] for d in client.get("/api/unemployment/followups/due", headers=window).json()] == [number]
    r = client.post(f"/api/unemployment/registrations/{number}/followups", headers=window,
                    json={"method": "电话调查", "outcome": "仍处失业"})
    assert r.status_code == 201, r.text
    r = client.post(f"/api/unemployment/registrations/{number}/followups", headers=window,
                    json={"method": "飞鸽传书", "outcome": "仍处失业"})
    assert r.status_code == 422 and r.json()["field"] == "method" and "取值无效" in r.json()["detail"]
    assert client.post(f"/api/unemployment/registrations/{number}/services", headers=window,
                       json={"service_key": "service_list"}).status_code == 201
    services = client.get(f"/api/unemployment/registrations/{number}/services", headers=window).json()
    assert [s["key"] for s in services if s["provided_at"]] == ["service_list"]

    r = client.post(f"/api/unemployment/registrations/{number}/deregistration", headers=window,
                    json={"reason_code": "12", "version": version})
    assert r.status_code == 422 and r.json()["field"] == "employer"
    r = client.post(f"/api/unemployment/registrations/{number}/deregistration", headers=window,
                    json={"reason_code": "12", "version": version, "employer": "样例个体工商户"})
    assert r.status_code == 201, r.text
    assert r.json()["exit_record"]["AJC00A"] == "12" and r.json()["notice_required"] is True

    stats = client.get("/api/unemployment/statistics", headers=supervisor).json()
    assert stats["submitted"] == 1 and stats["approved"] == 1 and stats["deregistered"] == 1
    assert stats["deregistered_by_reason"] == {"12": {"name": "从事个体经营、创办企业或民办非企业", "count": 1}}
    assert client.get("/api/unemployment/statistics", headers=citizen).status_code == 403
    assert client.get("/api/unemployment/registrations/mine", headers=citizen).json()[0]["status"] == "已注销"


def test_invalid_application_is_refused_with_every_error_and_nothing_stored(api):
    client, login = api
    window = login("window")
    r = client.post("/api/unemployment/registrations", headers=window,
                    json={"record": local_application(3, AAC004="7", AAE005="88888888"), "declaration_signed": True})
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"AAC004", "AAE005"}
    assert client.get("/api/unemployment/queue", headers=window).json() == []
    r = client.post("/api/unemployment/registrations", headers=window, json={"record": local_application(3)})
    assert r.status_code == 422 and r.json()["field"] == "declaration_signed"


def test_staff_of_another_region_and_other_citizens_are_refused(api):
    client, login = api
    r = client.post("/api/unemployment/registrations", headers=login("window"),
                    json={"record": local_application(4), "declaration_signed": True})
    number = r.json()["aaz341"]
    assert client.get(f"/api/unemployment/registrations/{number}", headers=login("outsider")).status_code == 403
    hidden = client.get(f"/api/unemployment/registrations/{number}", headers=login("citizen"))  # as if none (s19)
    assert hidden.status_code == 404 and hidden.json()["detail"] == f"失业登记不存在：{number}"
    assert client.get(f"/api/unemployment/registrations/{number[:-4]}9999", headers=login("citizen")).json() == {
        **hidden.json(), "detail": f"失业登记不存在：{number[:-4]}9999"}
    assert client.get(f"/api/unemployment/registrations/{number}").status_code == 401
    r = client.post(f"/api/unemployment/registrations/{number}/decision", headers=login("outsider"),
                    json={"approve": True, "version": 1})
    assert r.status_code == 403 and "无权" in r.json()["detail"]


def test_reference_lists_and_openapi(api):
    client, _ = api
    reasons = client.get("/api/unemployment/exit-reasons").json()
    assert len(reasons) == 12 and reasons[0]["clause"]["doc_no"] == "人社厅发〔2020〕3号"
    assert len(client.get("/api/unemployment/services").json()) == 9
    paths = client.get("/openapi.json").json()["paths"]
    assert paths["/api/unemployment/validate"]["post"]["summary"].startswith("校验失业登记申请信息")


@pytest.mark.postgres
def test_a_commit_that_fails_is_never_answered_as_success(tmp_path):
    """The transaction commits before the answer is sent: if COMMIT itself fails (here a deferred constraint
    trigger that refuses at commit time, as a serialisation failure or a full disk would), the client gets
    an error, not a 201 for a registration that was never stored."""
    from sqlalchemy import create_engine, text

    from tests.conftest import fresh_pg_database

    with fresh_pg_database("kb_commit") as url:
        make_world(url)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS "
                              "$$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$"))
            conn.execute(text("CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON ue_registrations "
                              "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()"))
        client = TestClient(create_app(url), raise_server_exceptions=False)
        token = client.post("/api/auth/login", json={"username": "citizen", "password": PASSWORD}).json()["token"]
        r = client.post("/api/unemployment/registrations", headers={"Authorization": f"Bearer {token}"},
                        json={"record": local_application(), "declaration_signed": True})
        assert r.status_code >= 500
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM ue_registrations")).scalar() == 0
        engine.dispose()
        client.app.state.engine.dispose()
