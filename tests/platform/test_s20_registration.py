"""Registration (audit 2026-12 §4.8): ``POST /api/auth/register`` took a citizen account without any 证件号码
(201), and a number already registered answered "该证件号码已注册账号" — to anyone, also on a page sent back for
another error, without limit. Now the number is required; the answer for a registered number names what to do
without saying "registered", is given only to an otherwise valid registration, and an address hears it at most
``REGISTER_TAKEN_LIMIT`` times per window. SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.platform import auth, throttle
from tests.materials import synthetic_credit_code

from .conftest import PASSWORD, citizen_number


def body(username: str, number: str | None, **extra) -> dict:
    out = {"username": username, "password": PASSWORD, "kind": "citizen", "name": "测试申", "region": "430102"}
    return out | ({"id_number": number} if number is not None else {}) | extra


def test_an_account_needs_its_identity_number(backend_url):
    client = TestClient(create_app(backend_url))
    for missing in (None, "", "   "):
        r = client.post("/api/auth/register", json=body("noid1", missing))
        assert (r.status_code, r.json()["field"]) == (422, "id_number"), missing
        assert r.json()["detail"] == "请填写公民身份号码或统一社会信用代码"
    r = client.post("/api/auth/register", json=body("noid2", None, kind="enterprise", name="测试企业"))
    assert (r.status_code, r.json()["field"]) == (422, "id_number")
    assert client.post("/api/auth/register", json=body("withid", citizen_number())).status_code == 201
    r = client.post("/api/auth/register", json=body("withco", synthetic_credit_code(7), kind="enterprise",
                                                    name="测试企业"))
    assert r.status_code == 201, r.text


def test_a_registered_number_is_told_only_to_a_valid_registration_without_saying_registered(backend_url):
    client = TestClient(create_app(backend_url))
    number = citizen_number()
    assert client.post("/api/auth/register", json=body("first", number)).status_code == 201
    # with a weak password, or a bad region, the answer is the same for a taken and a free number
    for wrong, field in (({"password": "12345678"}, "password"), ({"region": "示例市"}, "region")):
        taken = client.post("/api/auth/register", json=body("probe1", number, **wrong))
        free = client.post("/api/auth/register", json=body("probe2", citizen_number(), **wrong))
        assert (taken.status_code, taken.json()["field"]) == (free.status_code, free.json()["field"]) == (422, field)
    r = client.post("/api/auth/register", json=body("second", number))
    assert (r.status_code, r.json()["field"]) == (409, "id_number")
    assert "已注册" not in r.json()["detail"] and "请直接登录" in r.json()["detail"]


def test_an_address_hears_about_registered_numbers_a_limited_number_of_times(backend_url, monkeypatch):
    monkeypatch.setitem(throttle.FORM_LIMITS, "register_taken", (3, 3))
    client = TestClient(create_app(backend_url), client=("198.51.100.7", 1))
    other = TestClient(create_app(backend_url), client=("198.51.100.8", 1))
    numbers = [citizen_number() for _ in range(4)]
    for i, n in enumerate(numbers):
        assert other.post("/api/auth/register", json=body(f"owner{i}", n)).status_code == 201
    answers = [client.post("/api/auth/register", json=body(f"prober{i}", n)).status_code
               for i, n in enumerate(numbers)]
    assert answers == [409, 409, 409, 429]  # the third reaches the limit and is still answered
    # then nothing from that address, a free number neither (its 201 would answer the question too)
    late = client.post("/api/auth/register", json=body("late", citizen_number()))
    assert late.status_code == 429 and int(late.headers["Retry-After"]) > 0
    assert other.post("/api/auth/register", json=body("elsewhere", citizen_number())).status_code == 201
    assert auth.ID_NUMBER_TAKEN not in late.text
