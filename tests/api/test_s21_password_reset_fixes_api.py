"""The window's reset code through the JSON API after the s21 tryout: the lookup says what to check the document
against (kind, masked 证件号码, the check's words); ``looked_up_at`` makes a resent issue answer 409 instead of
voiding the code handed over; a code issued after a sign-in lockout is accepted. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.platform import audit, auth, personal_data, throttle
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


def test_the_lookup_says_what_to_check_and_a_resent_issue_is_refused_after_a_lockout_is_cleared(api):
    client, number = api
    clerk = _bearer(client, "cs-win")
    for i in range(throttle.PAIR_LIMIT):  # the holder forgot the password
        client.post("/api/auth/login", json={"username": "zhang3", "password": f"Forgotten-Guess-{i}x"})
    locked = client.post("/api/auth/login", json={"username": "zhang3", "password": PASSWORD})
    assert locked.status_code == 423 and "地址" not in locked.json()["detail"]

    looked_up_at = audit.now().isoformat()
    (account,) = client.post("/api/reset-codes/lookup", headers=clerk, json={"query": "zhang3"}).json()
    assert (account["kind"], account["kind_name"], account["id_number_name"]) == ("citizen", "个人", "公民身份号码")
    assert account["id_number_masked"] == personal_data.mask("id_number", number)
    assert account["document_check"] == "我已当面核验本人有效身份证件原件，确认是账号本人"

    body = {"user_id": account["id"], "document_checked": True, "looked_up_at": looked_up_at}
    issued = client.post("/api/reset-codes", headers=clerk, json=body)
    assert issued.status_code == 201
    again = client.post("/api/reset-codes", headers=clerk, json=body)  # a client's retry of the same request
    assert again.status_code == 409 and "没有再签发" in again.json()["detail"]

    done = client.post("/api/auth/reset-password",
                       json={"username": "zhang3", "code": issued.json()["code"], "new_password": NEW})
    assert done.status_code == 200  # before the s21 fix: 423, the sign-in's lock
    assert client.post("/api/auth/login", json={"username": "zhang3", "password": NEW}).status_code == 200
