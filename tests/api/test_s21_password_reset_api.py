"""忘记密码 through the JSON API: a clerk finds the account and issues a code (``/api/reset-codes``), the holder
sets a new password with it (``/api/auth/reset-password``). SQLite and PostgreSQL, a real app on the database."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.platform import auth, password_reset, throttle
from tests.platform.conftest import PASSWORD, citizen_number, make_province

NEW = "Velvet-Orchard-Compass-93"


@pytest.fixture
def api(backend_url, monkeypatch):
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})
    hunan = make_province(backend_url)
    number = citizen_number()
    with hunan.session() as s:
        auth.register_applicant(s, "citizen", "测试丙", number, "zhang3", PASSWORD, region="430104", address=None)
    with TestClient(create_app(backend_url)) as client:
        yield client, number


def _bearer(client, username: str, password: str = PASSWORD) -> dict:
    r = client.post("/api/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_a_clerk_issues_a_code_through_the_api_and_the_holder_uses_it(api):
    client, number = api
    clerk = _bearer(client, "cs-win")
    holder = _bearer(client, "zhang3")
    found = client.post("/api/reset-codes/lookup", headers=clerk, json={"query": number})
    assert found.status_code == 200
    (account,) = found.json()
    assert (account["username"], account["may_issue"], account["role_name"]) == ("zhang3", True, "办事人")

    unchecked = client.post("/api/reset-codes", headers=clerk, json={"user_id": account["id"], "document_checked": False})
    assert unchecked.status_code == 422 and unchecked.json()["field"] == "document_checked"
    issued = client.post("/api/reset-codes", headers=clerk, json={"user_id": account["id"], "document_checked": True})
    assert issued.status_code == 201
    code = issued.json()["code"]

    wrong = client.post("/api/auth/reset-password", json={"username": "zhang3", "code": "2222-3333", "new_password": NEW})
    stranger = client.post("/api/auth/reset-password",
                           json={"username": "no-such-person", "code": code, "new_password": NEW})
    assert wrong.status_code == stranger.status_code == 422
    assert wrong.json() == stranger.json() == {"detail": password_reset.REFUSED, "field": "code"}

    done = client.post("/api/auth/reset-password", json={"username": "zhang3", "code": code, "new_password": NEW})
    assert done.status_code == 200 and done.json() == {"changed": True, "sessions_ended": 1}
    assert client.get("/api/me", headers=holder).status_code == 401  # the old session ended
    messages = client.get("/api/messages", headers=_bearer(client, "zhang3", NEW)).json()["items"]
    assert [m["kind"] for m in messages] == ["password_reset", "reset_code_issued"]


def test_only_window_staff_and_supervisors_issue_and_wrong_codes_lock_the_codes_not_the_sign_in(api):
    client, number = api
    for who in ("zhang3", "yl-rev"):
        refused = client.post("/api/reset-codes/lookup", headers=_bearer(client, who), json={"query": number})
        assert refused.status_code == 403
    nobody = client.post("/api/reset-codes/lookup", headers=_bearer(client, "zz-win"), json={"query": number})
    assert nobody.status_code == 200 and nobody.json() == []  # another city's account is not shown
    for _ in range(throttle.PAIR_LIMIT):
        r = client.post("/api/auth/reset-password", json={"username": "zhang3", "code": "2222-3333", "new_password": NEW})
        assert r.status_code == 422
    locked = client.post("/api/auth/reset-password",
                         json={"username": "zhang3", "code": "2222-3333", "new_password": NEW})
    assert locked.status_code == 423 and int(locked.headers["Retry-After"]) > 0
    assert "重置码输错次数过多" in locked.json()["detail"]
    assert client.post("/api/auth/login", json={"username": "zhang3", "password": PASSWORD}).status_code == 200
